"""``bqw evaluate FILE``: an analyst's spreadsheet in, evaluation results out.

No server, no database: works on files alone, before Django is set up, and must never import
Django. The spreadsheet is read by `baiqianwan.tabular` (units in rows, indicators in
columns; see there for directions, dimensions and weights); the method comes from the
registry in `methods`; `output` writes the results. Label columns are named in a note
(``--ignore-cols`` to skip them quietly).

Bad input gets one message naming the cell (``Sheet1!D7：「12,3」不是数字``) and nothing is
written; results are written to a temporary file and renamed into place.

Messages, table headers and the output file's sheet and column names are Chinese unless the
locale or ``--lang en`` says English (`baiqianwan.cli.lang`); JSON keys stay English. When the
unit column holds codes, the units' names (``--name-col``, or the first text column) stay
beside them in the printed table, the output file and the JSON.

Exit status: 0 on success, 2 for input that cannot be evaluated or wrong usage.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Mapping
from pathlib import Path

from baiqianwan import analysis as an
from baiqianwan.cli.evaluate.methods import METHODS, Options
from baiqianwan.cli.evaluate.output import (
    OUT_SUFFIXES,
    json_document,
    outcome_named,
    output_write,
    table_print,
)
from baiqianwan.cli.lang import (
    LANGUAGES,
    argparse_speaking,
    colon,
    lang_set,
    language_from_argv,
    library_text,
    place,
    say,
)
from baiqianwan.tabular import Dataset, Sheet, TableInputError, dataset_parse, sheets_read
from baiqianwan.tabular.read import FIRST

EXIT_INPUT = 2
PROGRESS_ROWS = 20_000
OPTION_NAMES = {
    "id_col": "--id-col",
    "group_col": "--group-col",
    "weight_col": "--weight-col",
    "ignore_cols": "--ignore-cols",
    "name_col": "--name-col",
}
PROG = "bqw evaluate"


def _flag(field: str) -> str:
    return "--" + field.replace("_", "-")


def _epilog() -> str:
    lines = [say("options each method reads:")]
    lines += [
        f"  {name:<22}{' '.join(_flag(o) for o in method.options)}"
        for name, method in METHODS.items()
    ]
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=say(
            "Evaluate units from a spreadsheet (units in rows, indicators in columns)."
        ),
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("file", type=Path, help=say("input .xlsx, .xls, .ods or .csv"))
    add("--method", choices=list(METHODS), default="entropy-topsis", help=say("evaluation method"))
    add("--out", type=Path, help=say("write results here (.xlsx: every sheet; .csv)"))
    add("--json", action="store_true", help=say("print the results as JSON"))
    add("--id-col", help=say("column naming the units (default: the first)"))
    add(
        "--name-col",
        help=say(
            "column of unit names to keep beside the codes (default: found when the unit"
            " column holds codes)"
        ),
    )
    add("--group-col", help=say("column of groups (e.g. county) for theil, gini and cv"))
    add("--weight-col", help=say("column of population weights for theil/gini/cv"))
    add("--ignore-cols", default="", help=say("comma-separated columns that are not indicators"))
    add("--pairwise-sheet", default="pairwise", help=say("AHP matrix sheet name"))
    add("--accept-inconsistent", action="store_true", help=say("allow AHP CR ≥ 0.1"))
    add("--normalization", choices=("vector", "minmax"), default="vector", help=say("for TOPSIS"))
    add(
        "--combine",
        choices=("none", "multiplicative", "linear"),
        default="none",
        help=say("combine the given weights (subjective) with entropy weights"),
    )
    add("--alpha", type=float, default=0.5, help=say("subjective share, linear"))
    add("--subsystems", help=say("coupling: comma-separated subsystem columns"))
    add(
        "--coupling-variant",
        choices=("standard", "power", "revised"),
        default="standard",
        help=say("coupling: the form of C"),
    )
    add(
        "--floor",
        type=float,
        default=0.0,
        help=say("min-max onto [FLOOR, 1] for weighted sums and coupling levels (e.g. 0.01)"),
    )
    add("--top-k", type=int, default=3, help=say("obstacle: weak points per unit"))
    add("--ddof", type=int, default=0, help=say("cv: 0 population, 1 sample"))
    add(
        "--missing",
        choices=("raise", "drop", "mean", "median"),
        default="raise",
        help=say("missing values: refuse, drop the unit, or fill with the mean/median"),
    )
    add("--top", type=int, default=20, help=say("rows to print (default 20)"))
    add("--quiet", action="store_true", help=say("print no table"))
    add(
        "--lang",
        choices=LANGUAGES,
        help=say("language of messages and tables: zh (default, or the locale's) or en"),
    )
    return parser


def _error_text(exc: Exception) -> str:
    """One line for a person, in the current language, led by the place of a table error."""
    if isinstance(exc, TableInputError):
        where = place(exc.sheet, exc.row, exc.column) if exc.where else ""
        text = library_text(exc.message)
        return f"{where}{colon()}{text}" if where else text
    return library_text(str(exc))


def _options(args: argparse.Namespace) -> Options:
    return Options(
        missing=args.missing,
        normalization=args.normalization,
        combine=args.combine,
        alpha=args.alpha,
        pairwise_sheet=args.pairwise_sheet,
        accept_inconsistent=args.accept_inconsistent,
        subsystems=args.subsystems,
        coupling_variant=args.coupling_variant,
        floor=args.floor,
        top_k=args.top_k,
        ddof=args.ddof,
    )


def main(argv: list[str]) -> int:
    """Run ``bqw evaluate``; returns the exit status."""
    lang_set(language_from_argv(argv))
    with argparse_speaking():
        args = _parser().parse_args(argv)
    method = METHODS[args.method]
    lead = f"{PROG}{colon()}"
    if args.out is not None and args.out.suffix.lower() not in OUT_SUFFIXES:
        print(lead + say("--out {path}: expected .xlsx or .csv", path=args.out), file=sys.stderr)
        return EXIT_INPUT
    try:
        sheets = sheets_read(args.file, wanted=["indicators", args.pairwise_sheet])
        data = _parse_with_progress(sheets, args)
        outcome = outcome_named(method.run(data, _options(args), sheets), data)
        if args.out is not None:
            output_write(args.out, outcome, data, progress=len(data.units) >= PROGRESS_ROWS)
    except (TableInputError, an.AnalysisInputError) as exc:
        print(lead + _error_text(exc), file=sys.stderr)
        return EXIT_INPUT
    if args.json:
        document = json_document(data, outcome, method=args.method, source=str(args.file))
        json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif not args.quiet:
        top = args.top if method.ranked else None
        table_print(outcome, data, title=f"{PROG} · {args.method}", top=top)
    for note in data.notes:
        print(lead + say("note: {note}", note=library_text(note)), file=sys.stderr)
    if args.out is not None:
        print(lead + say("wrote {path}", path=args.out), file=sys.stderr)
    return 0


def _parse_with_progress(sheets: Mapping[str, Sheet], args: argparse.Namespace) -> Dataset:
    rows = len(sheets[FIRST].rows)
    parse = functools.partial(
        dataset_parse,
        sheets,
        id_col=args.id_col,
        group_col=args.group_col,
        weight_col=args.weight_col,
        ignore_cols=[c.strip() for c in args.ignore_cols.split(",") if c.strip()],
        name_col=args.name_col,
        guess_names=True,
        option_names=OPTION_NAMES,
    )
    if rows < PROGRESS_ROWS:
        return parse()
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task(say("reading {rows:,} rows", rows=rows), total=rows)
        return parse(progress=lambda n: progress.advance(task, n))
