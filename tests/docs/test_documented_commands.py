"""Every command that README.md and docs/ show works when pasted into a fresh shell.

Which commands are run and which only checked, and why:

- **Run** (in a temporary copy of a checkout after `make demo`, with a fresh environment that
  holds no BQW_MODE, SECRET_KEY or DATABASE_URL): every `bqw` command in the shell blocks of
  README.md and docs/getting-started.md, the newcomer's path. The copy gets what `make demo`
  leaves: `.env` written by the Makefile's own recipe, a migrated SQLite database, the units
  loaded by the demo recipe's own lines; the input files the commands name (`divisions.csv`,
  `data.xlsx`, `plan.txt`) are made small.
- **Checked only**:
  - `make TARGET`: the target exists in the Makefile. `make demo` serves until Ctrl-C and
    `make test` runs the whole suite (this test among it), so neither can run here; the demo's
    own steps besides set-up, the server and its background worker are run by the copy above.
  - `bqw` commands of the other pages (deployment, architecture, intake, methods): they aim at
    a production server (PostgreSQL, gunicorn) or name placeholders; the command exists and,
    without placeholders, its arguments parse with the command's own parser.
  - a synopsis with placeholders (`FILE|-`, `OLD NEW…`, `merge|split`): the command exists.
  - `runserver` and `gunicorn` serve until stopped: the program exists and the WSGI module
    imports.
  - `export NAME=…` and `NAME=… make`: the variable is documented in `.env.example`.
  - programs of the server's own system (`createdb`): named in EXTERNAL below, not run.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.factories import NODE_MODULES, ROOT

PAGES = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "docs" / "methods").glob("*.md")),
    *sorted((ROOT / "docs" / "indicators").glob("*.md")),
]
RUN_PAGES = {"README.md", "docs/getting-started.md"}
SHELL_LANGUAGES = {"sh", "bash", "shell", "console"}
COMMAND = re.compile(r"^(?:[A-Z_]+=\S+ )*(?:\.venv/bin/\S+|bqw|make|export|createdb)\b")
INLINE = re.compile(r"`((?:\.venv/bin/)?bqw [a-z_]+(?:\s[^`]*)?|make [a-z][^`]*)`")
PLACEHOLDER = re.compile(r"…|\||\[|\b[A-Z]{3,}\b")
EXTERNAL = {"createdb"}  # PostgreSQL's client, on the database server
SERVERS = {"runserver"}
FRESH_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
PASSWORD = "Zhaoqing-Passw0rd-25"


@dataclass(frozen=True)
class Documented:
    page: str
    line: int
    text: str
    inline: bool = False

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.text}"

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.text)

    @property
    def runs(self) -> bool:
        return (
            not self.inline
            and self.page in RUN_PAGES
            and self.argv[0] == ".venv/bin/bqw"
            and self.argv[1] not in SERVERS
            and not PLACEHOLDER.search(self.text)
        )


def _strip_comment(line: str) -> str:
    return re.split(r"\s+#\s", line, maxsplit=1)[0].strip()


def _block_commands(page: str, language: str, lines: list[tuple[int, str]]) -> list[Documented]:
    """A shell block's commands; an untagged block counts when each of its lines is one."""
    commands, pending, start = [], "", 0
    for number, raw in lines:
        line = pending + _strip_comment(raw.strip())
        start = start if pending else number
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        if line:
            commands.append(Documented(page, start, line))
    if language in SHELL_LANGUAGES:
        return commands
    if language == "" and commands and all(COMMAND.match(c.text) for c in commands):
        return commands
    return []


def documented_commands() -> list[Documented]:
    found = []
    for path in PAGES:
        page = str(path.relative_to(ROOT))
        language: str | None = None
        block: list[tuple[int, str]] = []
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            stripped = raw.strip()
            if stripped.startswith("```"):
                if language is None:
                    language, block = stripped[3:].strip(), []
                else:
                    found += _block_commands(page, language, block)
                    language = None
            elif language is None:
                found += [
                    Documented(page, number, match.group(1), inline=True)
                    for match in INLINE.finditer(raw)
                ]
            else:
                block.append((number, raw))
    return found


COMMANDS = documented_commands()
RUN = [c for c in COMMANDS if c.runs]


def _makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z.][\w./-]*)\s*:(?!=)", text, re.M))


def _program(command: Documented) -> tuple[list[str], list[str]]:
    """(variables set before the program, argv from the program on)."""
    if command.text.startswith("export "):
        return re.findall(r"(?<![\w$(])([A-Z][A-Z0-9_]*=)", command.text), []
    argv = command.argv
    assignments = []
    while argv and re.match(r"^[A-Z_]+=", argv[0]):
        assignments.append(argv.pop(0))
    return assignments, argv


def test_the_pages_hold_the_commands_a_newcomer_needs():
    texts = {c.text for c in COMMANDS}
    assert "make demo" in texts and "make test" in texts
    assert ".venv/bin/bqw createuser wang --role county_operator --unit 441224000000" in texts
    assert len(RUN) >= 5, [str(c) for c in RUN]


@pytest.mark.parametrize("command", COMMANDS, ids=str)
def test_each_documented_command_names_what_exists(command: Documented):
    from django.core.management import get_commands, load_command_class

    from baiqianwan.manage import STANDALONE_COMMANDS

    assignments, argv = _program(command)
    documented = (ROOT / ".env.example").read_text(encoding="utf-8")
    for assignment in assignments:
        name = assignment.split("=", 1)[0]
        assert re.search(rf"^{name}=", documented, re.M), f"{command}: {name} not in .env.example"
    if not argv:
        return
    program = argv[0]
    if program == "make":
        missing = {t for t in argv[1:] if "=" not in t} - _makefile_targets()
        assert not missing, f"{command}: no such make target {missing}"
    elif program in ("bqw", ".venv/bin/bqw"):
        if command.page in RUN_PAGES and not command.inline:
            # A fresh shell has no virtualenv active, so no `bqw` on its PATH.
            assert program == ".venv/bin/bqw", f"{command}: write .venv/bin/bqw"
        name, args = argv[1], argv[2:]
        if name in STANDALONE_COMMANDS:
            return  # run on their own by the tests of baiqianwan.cli, and below when shown
        commands = get_commands()
        assert name in commands, f"{command}: bqw has no command {name!r}"
        if not PLACEHOLDER.search(command.text) and not command.inline:
            parser = load_command_class(commands[name], name).create_parser("bqw", name)
            parser.parse_args(args)  # exits (a failure) on a wrong option or value
    elif program.startswith(".venv/bin/"):
        assert (ROOT / program).exists(), f"{command}: {program} is not installed by make setup"
        if program.endswith("gunicorn"):
            module = argv[1].split(":")[0]
            assert importlib.util.find_spec(module), f"{command}: no module {module}"
    else:
        assert program in EXTERNAL, f"{command}: unknown program {program!r}"


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout after `make demo`, minus the set-up it shares (.venv, node_modules)."""
    copy = tmp_path_factory.mktemp("checkout")
    (copy / ".venv").symlink_to(ROOT / ".venv")
    (copy / "node_modules").symlink_to(NODE_MODULES)
    make = ["make", "-s", "-f", str(ROOT / "Makefile"), ".env"]
    subprocess.run(make, cwd=copy, env=FRESH_ENV, check=True, capture_output=True)
    assert "BQW_MODE=demo" in (copy / ".env").read_text(encoding="utf-8").splitlines()
    steps = [".venv/bin/bqw migrate --no-input -v 0", *_demo_recipe_steps()]
    for step in steps:
        _shell(step, copy)
    _inputs(copy)
    return copy


def _demo_recipe_steps() -> list[str]:
    """The `make demo` recipe's own commands, without echo, comments, and what serves until
    stopped (the server and the background worker started beside it)."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^demo:[^\n=]*\n((?:\t[^\n]*\n)+)", text, re.M)
    assert recipe, "the Makefile has no demo recipe"
    lines = recipe.group(1).replace("\\\n", " ").splitlines()
    steps = []
    for line in lines:
        step = line.strip().lstrip("@").replace("$(BQW)", ".venv/bin/bqw")
        if (
            not step
            or step.startswith(("echo", "#"))
            or re.search(r" (runserver|db_worker) ", step)
        ):
            continue
        steps.append(step)
    assert any("units load" in step for step in steps)
    return steps


def _inputs(copy: Path) -> None:
    """Small files for the commands that name one."""
    import xlsxwriter

    (copy / "divisions.csv").write_text(
        "code,name,parent_code\n441224001099,示例社区居委会,441224001\n", encoding="utf-8"
    )
    book = xlsxwriter.Workbook(str(copy / "data.xlsx"))
    sheet = book.add_worksheet("Sheet1")
    rows = [
        ["村", "人均收入", "空置率"],
        ["方向", "正向", "逆向"],
        ["甲村", 21000, 0.12],
        ["乙村", 18500, 0.20],
        ["丙村", 25000, 0.08],
        ["丁村", 16000, 0.25],
    ]
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    book.close()
    (copy / "plan.txt").write_text(
        "肇慶市百縣千鎮萬村高質量發展工程2025年工作方案\n一、加快推進典型鎮村培育建設。\n",
        encoding="utf-8",
    )


def _shell(command: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env={**FRESH_ENV, "HOME": str(cwd)},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        start_new_session=True,  # no terminal: getpass reads the password from stdin
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.parametrize("command", RUN, ids=str)
def test_each_newcomer_command_runs_in_a_fresh_shell(demo_copy: Path, command: Documented):
    stdin = f"{PASSWORD}\n{PASSWORD}\n" if command.argv[1] == "createuser" else ""
    _shell(command.text, demo_copy, stdin=stdin)


def test_make_demo_never_overwrites_an_env_file(tmp_path: Path):
    own = "BQW_MODE=dev\nSESSION_IDLE_MINUTES=15\n"
    (tmp_path / ".env").write_text(own, encoding="utf-8")
    make = ["make", "-s", "-f", str(ROOT / "Makefile"), ".env"]
    subprocess.run(make, cwd=tmp_path, env=FRESH_ENV, check=True, capture_output=True)
    assert (tmp_path / ".env").read_text(encoding="utf-8") == own
    assert os.path.getsize(tmp_path / ".env") == len(own)
