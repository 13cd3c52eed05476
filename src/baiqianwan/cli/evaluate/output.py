"""What ``bqw evaluate`` hands back: a workbook or CSV file, a JSON document, a table.

Files and tables are for people: their sheet and column names are in the current language
(`baiqianwan.cli.lang`), the analyst's own names (indicators, dimensions) as they are. JSON is
for machines: its keys stay English whatever the language.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from baiqianwan.cli.evaluate.methods import EvaluateInputError, Outcome
from baiqianwan.cli.lang import header, library_text, say
from baiqianwan.core.excel import GUARDED_TEXT, formula_like
from baiqianwan.tabular import Dataset

if TYPE_CHECKING:
    import pandas as pd

EVALUATE_SCHEMA = "baiqianwan.evaluate/1"
OUT_SUFFIXES = (".xlsx", ".csv")


def outcome_named(outcome: Outcome, data: Dataset) -> Outcome:
    """The outcome with the units' names beside their codes: a ``name`` column first in every
    frame indexed by unit (when the data has names)."""
    if data.names is None:
        return outcome
    names = dict(zip(data.units, data.names, strict=True))

    def named(frame: pd.DataFrame) -> pd.DataFrame:
        if frame.index.name != "unit" or "name" in frame.columns:
            return frame
        frame = frame.copy()
        frame.insert(0, "name", [names.get(str(u), "") for u in frame.index])
        return frame

    return Outcome(
        sheets={key: named(frame) for key, frame in outcome.sheets.items()},
        table=named(outcome.table),
        summary=outcome.summary,
    )


def frame_for_people(frame: pd.DataFrame, data: Dataset) -> pd.DataFrame:
    """Column, index and group names in the current language; the analyst's own names (the
    indicators and dimensions, which may be words such as "score") stay as they are."""
    own = set(data.indicators) | {d for d in data.dimensions if d}
    # A frame of the analyst's columns only (normalised values) keeps every name; elsewhere
    # the method's own columns (rank, score …) are translated even if an indicator shares
    # the word.
    mine = all(isinstance(c, str) and c in own for c in frame.columns)

    def word(name: Any) -> Any:
        return name if not isinstance(name, str) or (mine and name in own) else header(name)

    frame = frame.rename(columns=word)
    frame.index = frame.index.set_names(
        [header(n) if isinstance(n, str) else n for n in frame.index.names]
    )
    if "group" in (frame.index.names or []) or header("group") in (frame.index.names or []):
        level = header("group")
        frame = frame.rename(
            index={"between": header("between"), "total": header("total")}, level=level
        )
    return frame


def output_write(path: Path, outcome: Outcome, data: Dataset, *, progress: bool = False) -> None:
    """Write every sheet (.xlsx) or the main table (.csv) to a temporary file, then rename,
    so that a failure leaves no half-written file."""
    suffix = path.suffix.lower()
    directory = path.resolve().parent
    if not directory.is_dir():
        raise EvaluateInputError(
            f"--out {path}: " + say("the directory {directory} does not exist", directory=directory)
        )
    people = Outcome(
        sheets={header(k): frame_for_people(v, data) for k, v in outcome.sheets.items()},
        table=frame_for_people(outcome.table, data),
        summary=outcome.summary,
    )
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.stem}.", suffix=suffix)
    os.close(handle)
    try:
        if suffix == ".csv":
            people.table.to_csv(temporary, encoding="utf-8-sig")
        else:
            _xlsx_write(temporary, people, progress=progress)
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
        task = bar.add_task(say("writing {rows:,} rows", rows=total), total=total)
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
        "notes": [library_text(note) for note in data.notes],
        **outcome.summary,
        "sheets": sheets,
    }


def table_print(outcome: Outcome, data: Dataset, *, title: str, top: int | None) -> None:
    """The table on the terminal with rich: its first `top` rows, or all of them; the units'
    names (if any) beside their codes, text columns left-aligned."""
    from rich.console import Console
    from rich.table import Table

    frame = outcome.table.head(top) if top is not None else outcome.table
    frame = frame_for_people(frame, data)
    table = Table(title=title, show_lines=False)
    index_name = frame.index.name or header("unit")
    table.add_column(str(index_name))
    for column in frame.columns:
        text = frame[column].dtype == object
        table.add_column(str(column), justify="left" if text else "right")
    for label, *row in frame.itertuples(name=None):
        cells = [f"{v:.4f}" if isinstance(v, float) else str(v) for v in row]
        table.add_row(str(label), *cells)
    Console(stderr=False).print(table)
    if len(outcome.table) > len(frame):
        more = len(outcome.table) - len(frame)
        Console().print(say("… {count} more rows in the output file", count=more))
