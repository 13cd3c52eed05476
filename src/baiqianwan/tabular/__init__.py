"""Reading analysts' spreadsheets: units in rows, indicators in columns. No Django.

`bqw evaluate` reads its input here, and so will the indicators app's Excel collection:
workbooks (.xlsx, .xls, .ods) and CSV in any common encoding, the header, the unit column,
the indicator columns with their directions, dimensions and weights, and every cell checked,
with errors that name the sheet, row and column (`TableInputError`).

>>> sheets = sheets_from_bytes(data="县,GDP\\n方向,正向\\n端州区,3\\n鼎湖区,2\\n".encode(),
...                            name="data.csv")
>>> data = dataset_parse(sheets)
>>> data.units, data.indicators, data.directions, data.values.tolist()
(['端州区', '鼎湖区'], ['GDP'], ['正向'], [[3.0], [2.0]])
"""

from __future__ import annotations

from baiqianwan.tabular.cells import cell_blank, cell_number, cell_text, column_letter
from baiqianwan.tabular.dataset import Dataset, dataset_parse, header_find, pairwise_read
from baiqianwan.tabular.errors import TableInputError
from baiqianwan.tabular.read import FIRST, Sheet, csv_rows, sheets_from_bytes, sheets_read

__all__ = [
    "FIRST",
    "Dataset",
    "Sheet",
    "TableInputError",
    "cell_blank",
    "cell_number",
    "cell_text",
    "column_letter",
    "csv_rows",
    "dataset_parse",
    "header_find",
    "pairwise_read",
    "sheets_from_bytes",
    "sheets_read",
]
