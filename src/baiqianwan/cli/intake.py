"""``bqw intake FILE``: clean a scraped policy text and draft its plan and task ledger.

Works on files alone, before Django is set up; it must never import Django. Messages and
help are Chinese unless the locale or ``--lang en`` says English (`baiqianwan.cli.lang`); the
document it writes is the ledger of a Chinese text and stays Chinese.

Exit status: 0 on success, 2 for input that cannot be taken in or wrong usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from baiqianwan.cli.lang import (
    LANGUAGES,
    argparse_speaking,
    colon,
    intake_refusal,
    kind_name,
    lang,
    lang_set,
    language_from_argv,
    say,
)
from baiqianwan.intake.draft import DraftItem, PlanDraft, draft_data, draft_plan
from baiqianwan.intake.ledger import ledger_data, ledger_markdown, ledger_xlsx
from baiqianwan.textclean import CleanResult, IntakeInputError, clean_data, clean_text
from baiqianwan.textclean.decode import MAX_INPUT_BYTES, DecodedText, document_read

INTAKE_SCHEMA = "baiqianwan.intake/1"
EXIT_INPUT = 2
PROG = "bqw intake"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=say(
            "Clean a scraped policy text (.txt, .docx, .html, or - for standard input) and"
            " draft its plan and task ledger."
        ),
    )
    parser.add_argument("file", help=say("the file to take in, or - to read standard input"))
    parser.add_argument(
        "--clean-only", action="store_true", help=say("print the clean text and stop")
    )
    parser.add_argument(
        "--format",
        choices=("md", "json", "xlsx"),
        default="md",
        help=say("md (default): text and tables; json: everything; xlsx: the task ledger"),
    )
    parser.add_argument("--out", type=Path, help=say("write here instead of standard output"))
    parser.add_argument(
        "--units",
        type=Path,
        help=say("unit register to match place names: one unit a line, 'code,name' or a name"),
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help=say("language of messages and tables: zh (default, or the locale's) or en"),
    )
    return parser


def _units_read(path: Path) -> list[tuple[str, str]]:
    """(name, code) pairs, code empty for a name alone: a name that several units share
    (回龙镇 in two counties) keeps every code."""
    units: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = [part.strip() for part in line.replace("\t", ",").split(",") if part.strip()]
        if len(parts) >= 2 and parts[0].isdigit():
            units.append((parts[1], parts[0]))
        elif parts:
            units.append((parts[-1], ""))
    return units


def _source_read(name: str) -> DecodedText:
    if name == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    else:
        with open(name, "rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    return document_read(data=data, name=name)


def _report_md(result: CleanResult) -> list[str]:
    counts = result.counts
    lines = [
        "## 清洗报告",
        "",
        f"- 删除拼音注音：{counts.annotations_removed} 处",
        f"- 繁体转简体：{counts.characters_converted} 字",
        f"- 删除网页附属内容：{counts.furniture_lines_removed} 行",
        f"- 规范标点：{counts.punctuation_normalised} 处",
        f"- 规范空白：{counts.whitespace_normalised} 处",
        f"- 缺失字符：{counts.lost_characters} 处（正文中以 □ 标出）",
    ]
    for lost in result.lost:
        reading = f"，残存读音 {lost.reading}" if lost.reading else ""
        proposals = "、".join(f"{p.char}（{p.word}）" if p.word else p.char for p in lost.proposals)
        proposal = f"；建议（待确认）：{proposals}" if proposals else ""
        lines.append(f"  - 第 {lost.clean_position + 1} 字：…{lost.context}…{reading}{proposal}")
    if result.suspects:
        chars = "、".join(f"{s.char}（第 {s.clean_position + 1} 字）" for s in result.suspects)
        lines.append(f"- 可疑字符（可能是乱码）：{chars}")
    return lines


def _outline(items: Sequence[DraftItem], depth: int = 0) -> list[str]:
    lines = []
    for item in items:
        # A table row's 序号 is the bare number (1); a heading's carries its mark (1．, 一、).
        mark = "．" if item.number.isdigit() else ""
        label = f"{item.number}{mark}{item.text}"
        if item.role:
            label = f"抓手：{item.text}（{item.role}）"
        lines.append(f"{'  ' * depth}- {label}")
        lines.extend(_outline(item.children, depth + 1))
    return lines


def _draft_md(draft: PlanDraft) -> list[str]:
    lines = ["## 方案草稿", ""]
    lines.append(f"- 印发单位：{draft.issuer.text if draft.issuer else '（未识别）'}")
    lines.append(f"- 方案名称：《{draft.title.text}》" if draft.title else "- 方案名称：（未识别）")
    for goal in draft.goals:
        year = f"{goal.year}年" if goal.year else "年份未识别"
        lines.append(
            f"- 目标：{year}「{goal.text}」" + ("（按时间节点推定）" if goal.inferred else "")
        )
    for group in draft.groups:
        members = f"：{'、'.join(group.members)}" if group.members else ""
        lines.append(f"- 举措组：「{group.name}」{members}")
    lines += ["", "### 结构", "", *_outline(draft.items)]
    return lines


def _json_document(decoded: DecodedText, name: str, result: CleanResult) -> dict[str, Any]:
    return {
        "schema": INTAKE_SCHEMA,
        "source": {"name": name, "encoding": decoded.encoding, "kind": decoded.kind},
        "clean": clean_data(result=result),
    }


def _emit(data: bytes, out: Path | None) -> None:
    if out is not None:
        out.write_bytes(data)
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _output(args: argparse.Namespace, decoded: DecodedText, result: CleanResult) -> bytes:
    """What to write: the clean text, the JSON document, the workbook or the Markdown."""
    units = _units_read(args.units) if args.units else None
    if args.format == "json":
        document = _json_document(decoded, args.file, result)
        if not args.clean_only:
            draft = draft_plan(result.text, unit_names=units)
            document["draft"] = draft_data(draft=draft)
            document["ledger"] = ledger_data(draft=draft)
        return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    if args.clean_only:
        return result.text.encode("utf-8")
    draft = draft_plan(result.text, unit_names=units)
    if args.format == "xlsx":
        return ledger_xlsx(draft=draft)
    lines = ["## 清洗后文本", "", result.text, *_report_md(result), "", *_draft_md(draft), ""]
    ledger = ledger_markdown(draft=draft).decode("utf-8").replace("# ", "## ", 1)
    return ("\n".join(lines) + "\n" + ledger).encode("utf-8")


def main(argv: list[str]) -> int:
    """Run ``bqw intake``; return the exit status."""
    lang_set(language_from_argv(argv))
    with argparse_speaking():
        parser = _parser()
        args = parser.parse_args(argv)
        if args.format == "xlsx" and (args.out is None or args.clean_only):
            parser.error(
                say("--format xlsx writes a workbook: give --out FILE.xlsx, without --clean-only")
            )
    lead = f"{PROG}{colon()}"
    try:
        decoded = _source_read(args.file)
        result = clean_text(decoded.text)
        read = say(
            "read {file} as {kind}, encoding {encoding}",
            file=args.file,
            kind=kind_name(decoded.kind),
            encoding=decoded.encoding,
        )
        print(lead + read, file=sys.stderr)
        _emit(_output(args, decoded, result), args.out)
    except IntakeInputError as exc:
        refusal = intake_refusal(str(exc.reason), exc.message, exc.values)
        print(f"{lead}{args.file}{colon()}{refusal}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:
        print(f"{lead}{exc.filename or args.file}{colon()}{_os_error(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except UnicodeDecodeError:
        print(
            f"{lead}{args.units}{colon()}{say('the unit register is not UTF-8')}", file=sys.stderr
        )
        return EXIT_INPUT
    if args.out is not None:
        print(lead + say("wrote {path}", path=args.out), file=sys.stderr)
    return 0


def _os_error(exc: OSError) -> str:
    """The system's reason; in Chinese a missing file is said in Chinese (other reasons as
    the system words them)."""
    if isinstance(exc, FileNotFoundError) and lang() == "zh":
        return say("no such file or directory")
    return str(exc.strerror or exc)
