"""Exports: text is never a formula, on opening nor after an edit; download names survive."""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import unquote

import pytest
from python_calamine import CalamineWorkbook

from baiqianwan.core.excel import columns_filled, formula_like, sheet_name, xlsx_from_rows
from baiqianwan.core.responses import attachment_response

# OWASP's CSV-injection starters, a DDE payload, and the full-width forms.
HOSTILE = [
    "=1+1",
    "=cmd|' /C calc'!A0",
    "+SUM(A1:A2)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]
PLAIN = ["怀集县", "441224000000", "1 + 1 =", "a-b", "e@mail"]


def cells(body: bytes) -> list[dict[str, str]]:
    """Each cell of the first sheet as its XML attributes, plus whether it holds a formula."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    found = []
    for match in re.finditer(r"<c ([^>]*?)(?:/>|>(.*?)</c>)", sheet, re.S):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
        attrs["formula"] = "yes" if "<f" in (match.group(2) or "") else "no"
        found.append(attrs)
    return found


def styles(body: bytes) -> list[str]:
    """The cell formats (cellXfs) of the workbook, in index order, as XML text."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        xml = archive.read("xl/styles.xml").decode()
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", xml, re.S)
    assert xfs is not None
    return re.findall(r"<xf [^>]*?(?:/>|>.*?</xf>)", xfs.group(1), re.S)


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_texts_are_recognised(text):
    assert formula_like(text)


@pytest.mark.parametrize("text", PLAIN)
def test_plain_texts_are_left_alone(text):
    assert not formula_like(text)


def test_a_hostile_text_reads_back_as_the_same_text_never_a_formula():
    body = xlsx_from_rows(
        sheet="单位", headers=["文本"], rows=[[t] for t in [*HOSTILE, *PLAIN]], note="=note"
    )
    values = CalamineWorkbook.from_filelike(io.BytesIO(body)).get_sheet_by_index(0).to_python()
    read = [row[0] for row in values[2:]]
    assert read == [*HOSTILE, *PLAIN]  # exactly the text: no apostrophe added, nothing computed
    assert values[0][0] == "=note"
    assert all(c["formula"] == "no" for c in cells(body))


def test_every_text_cell_is_a_text_string_and_formula_like_ones_keep_text_when_edited():
    body = xlsx_from_rows(
        sheet="单位", headers=["文本", "数"], rows=[[t, 7] for t in [*HOSTILE, *PLAIN]]
    )
    formats = styles(body)
    rows = {}
    for cell in cells(body):
        rows.setdefault(int(re.sub(r"\D", "", cell["r"])), {})[cell["r"][0]] = cell
    for offset, text in enumerate([*HOSTILE, *PLAIN], start=2):
        cell = rows[offset]["A"]
        assert cell["t"] == "s", (text, cell)  # a shared string, not a guessed type
        xf = formats[int(cell.get("s", "0"))]
        assert 'numFmtId="49"' in xf, (text, xf)  # Text format: an edit stays text
        assert ('quotePrefix="1"' in xf) == (text in HOSTILE), (text, xf)
        number = rows[offset]["B"]
        assert number.get("t", "n") == "n"  # numbers stay numbers


def test_columns_that_nothing_fills_are_left_out():
    headers, rows = columns_filled(
        ["代码", "城乡分类", "名称", "计数"], [["1", "", "甲", 0], ["2", None, "乙", None]]
    )
    assert headers == ["代码", "名称", "计数"]
    assert rows == [["1", "甲", 0], ["2", "乙", None]]


def test_a_sheet_name_excel_refuses_is_made_acceptable():
    assert sheet_name("2025/2026：[方案]?") == "2025_2026：_方案__"
    assert len(sheet_name("县" * 40)) == 31
    body = xlsx_from_rows(sheet="a/b", headers=["x"], rows=[["y"]])
    assert CalamineWorkbook.from_filelike(io.BytesIO(body)).sheet_names == ["a_b"]


@pytest.mark.django_db  # every download is an audit event
@pytest.mark.parametrize(
    ("name", "fallback", "decoded"),
    [
        ("怀集县-下级单位.xlsx", "export.xlsx", "怀集县-下级单位.xlsx"),
        ("audit-20261201.xlsx", "audit-20261201.xlsx", "audit-20261201.xlsx"),
        ("2025/2026 方案.json", "2025_2026.json", "2025_2026 方案.json"),
        ('a"b\r\nc.xlsx', "a_b__c.xlsx", "a_b__c.xlsx"),
    ],
)
def test_download_names_follow_rfc_6266(name, fallback, decoded):
    header = attachment_response(b"x", filename=name, content_type="text/plain")[
        "Content-Disposition"
    ]
    match = re.fullmatch(r'attachment; filename="([ -~]+)"; filename\*=UTF-8\'\'([!-~]+)', header)
    assert match, header
    assert match.group(1) == fallback
    assert unquote(match.group(2)) == decoded
    assert "/" not in match.group(2) and '"' not in match.group(2)


def test_the_task_ledger_keeps_a_formula_like_task_text():
    """The intake ledger writes its own workbook; a scraped task that starts with "-" or "="
    is text there too, and stays text when a reviewer edits it."""
    from baiqianwan.intake.ledger import LedgerPlan, LedgerRow, ledger_workbook
    from baiqianwan.textclean.report import Span

    def row(task: str, lead: str) -> LedgerRow:
        return LedgerRow(
            category="一、产业",
            number="1",
            task=task,
            lead=(lead,),
            partners=(),
            deadline="-",
            progress="",
            targets=(),
            places=(),
            source=Span(0, 1),
        )

    body = ledger_workbook(
        plan=LedgerPlan(title="方案", issuer=None),
        rows=[row('=HYPERLINK("http://x","点此")', "市工信局"), row("推进产业", "@市局")],
    )
    values = CalamineWorkbook.from_filelike(io.BytesIO(body)).get_sheet_by_index(0).to_python()
    assert values[3][2] == '=HYPERLINK("http://x","点此")' and values[4][3] == "@市局"
    formats = styles(body)
    by_ref = {c["r"]: c for c in cells(body)}
    assert all(c["formula"] == "no" for c in by_ref.values())
    for ref, guarded in (("C4", True), ("D5", True), ("F4", True), ("C5", False), ("D4", False)):
        xf = formats[int(by_ref[ref]["s"])]
        assert ('quotePrefix="1"' in xf) == guarded, (ref, xf)
