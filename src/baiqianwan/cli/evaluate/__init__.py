"""``bqw evaluate FILE``: an analyst's spreadsheet in, evaluation results out.

No server, no database: works on files alone, before Django is set up, and must never import
Django. The spreadsheet is read by `baiqianwan.tabular` (units in rows, indicators in
columns; see there for directions, dimensions and weights); the method comes from the
registry in `methods`; `output` writes the results. Label columns are named in a note
(``--ignore-cols`` to skip them quietly).

Bad input gets one message naming the cell (``Sheet1!D7: '12,3' is not a number``) and
nothing is written; results are written to a temporary file and renamed into place.

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
from baiqianwan.cli.evaluate.output import OUT_SUFFIXES, json_document, output_write, table_print
from baiqianwan.tabular import Dataset, Sheet, TableInputError, dataset_parse, sheets_read
from baiqianwan.tabular.read import FIRST

EXIT_INPUT = 2
PROGRESS_ROWS = 20_000
OPTION_NAMES = {
    "id_col": "--id-col",
    "group_col": "--group-col",
    "weight_col": "--weight-col",
    "ignore_cols": "--ignore-cols",
}


def _flag(field: str) -> str:
    return "--" + field.replace("_", "-")


def _epilog() -> str:
    lines = ["options each method reads:"]
    lines += [
        f"  {name:<22}{' '.join(_flag(o) for o in method.options)}"
        for name, method in METHODS.items()
    ]
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bqw evaluate",
        description="Evaluate units from a spreadsheet (units in rows, indicators in columns).",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, help="input .xlsx, .xls, .ods or .csv")
    parser.add_argument("--method", choices=list(METHODS), default="entropy-topsis")
    parser.add_argument("--out", type=Path, help="write results here (.xlsx: every sheet; .csv)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--id-col", help="column naming the units (default: the first)")
    parser.add_argument("--group-col", help="column of groups (e.g. county) for theil")
    parser.add_argument("--weight-col", help="column of population weights for theil/gini/cv")
    parser.add_argument(
        "--ignore-cols", default="", help="comma-separated columns that are not indicators"
    )
    parser.add_argument("--pairwise-sheet", default="pairwise", help="AHP matrix sheet name")
    parser.add_argument("--accept-inconsistent", action="store_true", help="allow AHP CR ≥ 0.1")
    parser.add_argument(
        "--normalization", choices=("vector", "minmax"), default="vector", help="for TOPSIS"
    )
    parser.add_argument(
        "--combine",
        choices=("none", "multiplicative", "linear"),
        default="none",
        help="combine the given weights (subjective) with entropy weights",
    )
    parser.add_argument("--alpha", type=float, default=0.5, help="subjective share, linear")
    parser.add_argument("--subsystems", help="coupling: comma-separated subsystem columns")
    parser.add_argument(
        "--coupling-variant", choices=("standard", "power", "revised"), default="standard"
    )
    parser.add_argument(
        "--floor",
        type=float,
        default=0.0,
        help="min-max onto [FLOOR, 1] for weighted sums and coupling levels (e.g. 0.01)",
    )
    parser.add_argument("--top-k", type=int, default=3, help="obstacle: weak points per unit")
    parser.add_argument("--ddof", type=int, default=0, help="cv: 0 population, 1 sample")
    parser.add_argument("--missing", choices=("raise", "drop", "mean", "median"), default="raise")
    parser.add_argument("--top", type=int, default=20, help="rows to print (default 20)")
    parser.add_argument("--quiet", action="store_true", help="print no table")
    return parser


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
    args = _parser().parse_args(argv)
    method = METHODS[args.method]
    if args.out is not None and args.out.suffix.lower() not in OUT_SUFFIXES:
        print(f"bqw evaluate: --out {args.out}: expected .xlsx or .csv", file=sys.stderr)
        return EXIT_INPUT
    try:
        sheets = sheets_read(args.file, wanted=["indicators", args.pairwise_sheet])
        data = _parse_with_progress(sheets, args)
        outcome = method.run(data, _options(args), sheets)
        if args.out is not None:
            output_write(args.out, outcome, progress=len(data.units) >= PROGRESS_ROWS)
    except (TableInputError, an.AnalysisInputError) as exc:
        print(f"bqw evaluate: {exc}", file=sys.stderr)
        return EXIT_INPUT
    if args.json:
        document = json_document(data, outcome, method=args.method, source=str(args.file))
        json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif not args.quiet:
        top = args.top if method.ranked else None
        table_print(outcome, title=f"bqw evaluate · {args.method}", top=top)
    for note in data.notes:
        print(f"bqw evaluate: note: {note}", file=sys.stderr)
    if args.out is not None:
        print(f"bqw evaluate: wrote {args.out}", file=sys.stderr)
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
        option_names=OPTION_NAMES,
    )
    if rows < PROGRESS_ROWS:
        return parse()
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task(f"reading {rows:,} rows", total=rows)
        return parse(progress=lambda n: progress.advance(task, n))
