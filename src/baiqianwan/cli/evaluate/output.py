"""What ``bqw evaluate`` hands back: a workbook or CSV file, a JSON document, a table."""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from baiqianwan.cli.evaluate.methods import EvaluateInputError, Outcome
from baiqianwan.core.excel import GUARDED_TEXT, formula_like
from baiqianwan.tabular import Dataset

EVALUATE_SCHEMA = "baiqianwan.evaluate/1"
OUT_SUFFIXES = (".xlsx", ".csv")


def output_write(path: Path, outcome: Outcome, *, progress: bool = False) -> None:
    """Write every sheet (.xlsx) or the main table (.csv) to a temporary file, then rename,
    so that a failure leaves no half-written file."""
    suffix = path.suffix.lower()
    directory = path.resolve().parent
    if not directory.is_dir():
        raise EvaluateInputError(f"--out {path}: the directory {directory} does not exist")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.stem}.", suffix=suffix)
    os.close(handle)
    try:
        if suffix == ".csv":
            outcome.table.to_csv(temporary, encoding="utf-8-sig")
        else:
            _xlsx_write(temporary, outcome, progress=progress)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp's 0600 is for the temporary only
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _xlsx_write(filename: str, outcome: Outcome, *, progress: bool) -> None:
    """Row by row with xlsxwriter in constant-memory mode (pandas' to_excel is ~5x slower)."""
    import xlsxwriter
    from rich.progress import Progress

    total = sum(len(frame) for frame in outcome.sheets.values())
    # Unit and indicator names come from the analyst's file: never a formula (OWASP "CSV
    # injection"), and formula-like text marked as typed text, as in every web export.
    book = xlsxwriter.Workbook(
        filename,
        {
            "constant_memory": True,
            "nan_inf_to_errors": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
        },
    )
    bold = book.add_format({"bold": True})
    guarded = book.add_format(GUARDED_TEXT)
    with Progress(transient=True, disable=not progress) as bar:
        task = bar.add_task(f"writing {total:,} rows", total=total)
        for name, frame in outcome.sheets.items():
            sheet = book.add_worksheet(name[:31])
            index_names = [str(n) if n is not None else "" for n in frame.index.names]
            sheet.write_row(0, 0, [*index_names, *map(str, frame.columns)], bold)
            labels = frame.index.tolist()
            for r, (label, row) in enumerate(
                zip(labels, frame.itertuples(index=False, name=None), strict=True), start=1
            ):
                keys = list(label) if isinstance(label, tuple) else [label]
                for c, value in enumerate([*map(_cell, keys), *map(_cell, row)]):
                    if isinstance(value, str) and formula_like(value):
                        sheet.write_string(r, c, value, guarded)
                    else:
                        sheet.write(r, c, value)
                if r % 5000 == 0:
                    bar.advance(task, 5000)
    book.close()


def _cell(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def json_document(data: Dataset, outcome: Outcome, *, method: str, source: str) -> dict[str, Any]:
    """Everything a machine needs: schema, method, and every sheet as records."""
    sheets = {}
    for name, frame in outcome.sheets.items():
        records = frame.reset_index().to_dict(orient="records")
        sheets[name] = [{str(k): _json_value(v) for k, v in row.items()} for row in records]
    return {
        "schema": EVALUATE_SCHEMA,
        "method": method,
        "input": source,
        "units": len(data.units),
        "indicators": data.indicators,
        "notes": data.notes,
        **outcome.summary,
        "sheets": sheets,
    }


def table_print(outcome: Outcome, *, title: str, top: int | None) -> None:
    """The table on the terminal with rich: its first `top` rows, or all of them."""
    from rich.console import Console
    from rich.table import Table

    frame = outcome.table.head(top) if top is not None else outcome.table
    table = Table(title=title, show_lines=False)
    index_name = frame.index.name or "unit"
    table.add_column(str(index_name))
    for column in frame.columns:
        table.add_column(str(column), justify="right")
    for label, *row in frame.itertuples(name=None):
        cells = [f"{v:.4f}" if isinstance(v, float) else str(v) for v in row]
        table.add_row(str(label), *cells)
    Console(stderr=False).print(table)
    if len(outcome.table) > len(frame):
        Console().print(f"… {len(outcome.table) - len(frame)} more rows in the output file")
