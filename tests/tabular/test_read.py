"""Reading workbooks and CSV files in any common encoding into rows."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import xlsxwriter

from baiqianwan.tabular import FIRST, TableInputError, csv_rows, sheets_from_bytes, sheets_read

ROWS = [["县", "人均收入"], ["方向", "正向"], ["端州区", "3.5"], ["怀集县", "2"]]
TEXT = "".join(",".join(row) + "\r\n" for row in ROWS)


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("gbk"),
        TEXT.encode("gb18030"),
        TEXT.encode("utf-16"),  # with a byte-order mark, as Windows writes "Unicode text"
        TEXT.encode("utf-16-le"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030", "utf-16-bom", "utf-16-le"],
)
def test_csv_in_every_common_encoding_reads_the_same(data: bytes) -> None:
    assert csv_rows(data, name="data.csv") == ROWS


def test_gbk_is_not_read_as_utf8_mojibake() -> None:
    data = TEXT.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the case the decoder must take over
    assert csv_rows(data, name="data.csv")[2][0] == "端州区"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not a CSV text file"),
        (b"a,\x80b\n", "no known encoding"),  # 0x80 alone: not UTF-8, GB18030 or Big5
    ],
)
def test_unreadable_csv_is_a_clear_error_naming_the_file(data: bytes, message: str) -> None:
    with pytest.raises(TableInputError) as caught:
        csv_rows(data, name="县.csv")
    assert caught.value.sheet == "县.csv"
    assert str(caught.value).startswith("县.csv: ") and message in str(caught.value)


def test_empty_csv_reads_as_no_rows() -> None:
    assert csv_rows(b" \r\n", name="empty.csv") == []


def test_workbook_from_bytes_gives_the_first_and_the_wanted_sheets() -> None:
    data = xlsx_bytes({"数据": [["县", "GDP"], ["端州区", 3]], "indicators": [["指标"]]})
    sheets = sheets_from_bytes(data=data, name="upload.xlsx", wanted=["indicators", "pairwise"])
    assert set(sheets) == {FIRST, "indicators"}
    assert sheets[FIRST].name == "数据"
    assert sheets[FIRST].rows == [["县", "GDP"], ["端州区", 3.0]]


def test_workbook_from_a_path_and_from_bytes_agree(tmp_path: Path) -> None:
    data = xlsx_bytes({"Sheet1": ROWS})
    path = tmp_path / "data.xlsx"
    path.write_bytes(data)
    assert sheets_read(path)[FIRST].rows == sheets_from_bytes(data=data, name="x.xlsx")[FIRST].rows


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.docx", b"PK", "upload.docx: expected .xlsx, .xls, .ods or .csv"),
        ("plan.xlsx", b"not a workbook", "upload.xlsx: cannot be read as a spreadsheet"),
    ],
)
def test_wrong_files_are_refused(name: str, data: bytes, message: str) -> None:
    with pytest.raises(TableInputError, match=message.replace(".", r"\.")):
        sheets_from_bytes(data=data, name="upload" + Path(name).suffix)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TableInputError, match=r"absent\.csv: no such file"):
        sheets_read(tmp_path / "absent.csv")
