"""Reading files: encodings tried and named, bad input refused with a typed error."""

from __future__ import annotations

import io

import docx
import pytest

from baiqianwan.textclean import IntakeErrorCode, IntakeInputError
from baiqianwan.textclean.decode import bytes_decode, document_read

PLAN = "肇庆市实施百县千镇万村高质量发展工程工作方案\n一、突出典型镇村培育，加快推进示范建设。"
TRADITIONAL = (
    "肇慶市實施百縣千鎮萬村高質量發展工程工作方案\n一、突出典型鎮村培育，加快推進示範建設。"
)


@pytest.mark.parametrize(
    ("data", "encoding", "text"),
    [
        (PLAN.encode("utf-8"), "utf-8", PLAN),
        (b"\xef\xbb\xbf" + PLAN.encode("utf-8"), "utf-8-sig", PLAN),
        (PLAN.encode("utf-16"), "utf-16", PLAN),
        (PLAN.encode("gb18030"), "gb18030", PLAN),
        (PLAN.encode("gb2312"), "gb18030", PLAN),
        (TRADITIONAL.encode("big5"), "big5", TRADITIONAL),
        (TRADITIONAL.encode("gb18030"), "gb18030", TRADITIONAL),
    ],
)
def test_encoding_detected_and_named(data: bytes, encoding: str, text: str) -> None:
    decoded = bytes_decode(data=data)
    assert (decoded.encoding, decoded.text) == (encoding, text)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", IntakeErrorCode.EMPTY),
        (b" \n\t\n", IntakeErrorCode.EMPTY),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", IntakeErrorCode.BINARY),
        (bytes(range(1, 32)) * 20, IntakeErrorCode.BINARY),
        (b"\xff\xfe\xfd" * 10, IntakeErrorCode.ENCODING),
        (b"\x81\x30" * 5, IntakeErrorCode.ENCODING),
    ],
)
def test_bad_bytes_refused(data: bytes, code: IntakeErrorCode) -> None:
    with pytest.raises(IntakeInputError) as caught:
        bytes_decode(data=data)
    assert caught.value.code is code
    assert caught.value.message


def test_fifty_megabyte_paste_refused_with_the_limit() -> None:
    with pytest.raises(IntakeInputError) as caught:
        bytes_decode(data=b"x" * (50 * 1024 * 1024))
    assert caught.value.code is IntakeErrorCode.TOO_LARGE
    assert "52,428,800 bytes" in caught.value.message
    assert "4,194,304" in caught.value.message


def test_html_text_without_scripts() -> None:
    page = (
        "<html><head><title>页</title><style>p{}</style></head><body><nav>首页 &gt; 要闻</nav>"
        "<p>据报道，近日。</p><script>var x;</script><p>纸 鸢</p></body></html>"
    )
    decoded = document_read(data=page.encode("gb18030"), name="page.HTML")
    assert decoded.kind == "html"
    assert decoded.encoding == "gb18030"
    assert decoded.text == "首页 > 要闻\n据报道，近日。\n纸 鸢"


def test_docx_paragraphs_and_tables() -> None:
    document = docx.Document()
    document.add_paragraph("一、突出典型镇村培育")
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "加快推进"
    table.cell(0, 2).text = "市农业农村局"
    buffer = io.BytesIO()
    document.save(buffer)
    decoded = document_read(data=buffer.getvalue(), name="plan.docx")
    assert decoded.kind == "docx"
    assert decoded.text == "一、突出典型镇村培育\n加快推进\t市农业农村局"


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"PK\x03\x04broken", "plan.docx", IntakeErrorCode.UNREADABLE),
        (b"%PDF-1.7", "plan.pdf", IntakeErrorCode.UNSUPPORTED),
        (b"", "plan.docx", IntakeErrorCode.EMPTY),
        (b"<html><body><script>x</script></body></html>", "a.html", IntakeErrorCode.EMPTY),
    ],
)
def test_bad_documents_refused(data: bytes, name: str, code: IntakeErrorCode) -> None:
    with pytest.raises(IntakeInputError) as caught:
        document_read(data=data, name=name)
    assert caught.value.code is code
