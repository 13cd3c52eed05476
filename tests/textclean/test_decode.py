"""Reading files: encodings tried and named, bad input refused with a typed error."""

from __future__ import annotations

import io
import random
import zipfile

import docx
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from baiqianwan.textclean import IntakeErrorCode, IntakeInputError
from baiqianwan.textclean.decode import (
    MAX_DOCX_BODY,
    MAX_DOCX_UNPACKED,
    bytes_decode,
    document_read,
)

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
        # Odd: without the last byte this is UTF-16-BE 脰脰脰脰脰, which is read.
        (b"\x81\x30" * 5 + b"\x81", IntakeErrorCode.ENCODING),
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


def test_utf8_mark_with_bad_bytes_is_refused_naming_the_byte() -> None:
    data = b"\xef\xbb\xbf" + "据报道".encode() + b"\xff\xfe\x80abc"
    with pytest.raises(IntakeInputError) as caught:
        bytes_decode(data=data)
    assert caught.value.code is IntakeErrorCode.ENCODING
    assert "byte 12 " in caught.value.message


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (PLAN, "utf-16-le"),
        (PLAN, "utf-16-be"),
        ("肇庆市实施百县千镇万村高质量发展工程", "utf-16-le"),  # no NUL byte at all
        ("肇庆市实施百县千镇万村高质量发展工程", "utf-16-be"),
        ("据发展", "utf-16-le"),
        ("Plan for 2025\n", "utf-16-le"),
    ],
)
def test_utf16_without_mark_is_read_and_named(text: str, encoding: str) -> None:
    decoded = bytes_decode(data=text.encode(encoding))
    assert (decoded.encoding, decoded.text) == (encoding, text)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        bytes(range(256)) * 10,
        b"\x00" * 64,
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" * 20,
        random.Random(0).randbytes(4096),
    ],
)
def test_binary_with_nul_bytes_is_still_binary(data: bytes) -> None:
    with pytest.raises(IntakeInputError) as caught:
        bytes_decode(data=data)
    assert caught.value.code is IntakeErrorCode.BINARY


EVERYDAY_HAN = [
    chr(c) for c in range(0x4E00, 0x9FA6) if len(chr(c).encode("gb2312", "ignore")) == 2
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(EVERYDAY_HAN), st.sampled_from(list("，。、：；（）\n 2025ANZ"))),
        min_size=1,
        max_size=60,
    ).map("".join),
    st.sampled_from(["gb18030", "big5"]),
)
def test_chinese_encodings_are_never_read_as_utf16(text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    try:
        decoded = bytes_decode(data=data)
    except IntakeInputError as refused:
        assert refused.code is IntakeErrorCode.EMPTY
        return
    assert not decoded.encoding.startswith("utf-16")


SHORT_TRADITIONAL = ["廣寧縣", "記者 陳曉", "紙鳶", "端州區", "肇慶市", "發展", "中國", "據報道"]
SHORT_SIMPLIFIED = ["广宁县", "记者 陈晓", "纸鸢", "端州区", "肇庆市", "发展", "中国", "据报道"]


@pytest.mark.parametrize("text", SHORT_TRADITIONAL)
def test_short_big5_is_read_as_big5(text: str) -> None:
    decoded = bytes_decode(data=text.encode("big5"))
    assert (decoded.encoding, decoded.text) == ("big5", text)


@pytest.mark.parametrize(("text", "encoding"), [(t, "gb18030") for t in SHORT_SIMPLIFIED])
def test_short_gb18030_is_read_as_gb18030(text: str, encoding: str) -> None:
    decoded = bytes_decode(data=text.encode(encoding))
    assert (decoded.encoding, decoded.text) == (encoding, text)


@pytest.mark.parametrize("text", ["紙鳶", "肇慶市", "記者 陳曉"])
def test_short_traditional_in_gb18030_is_read_as_gb18030(text: str) -> None:
    decoded = bytes_decode(data=text.encode("gb18030"))
    assert (decoded.encoding, decoded.text) == ("gb18030", text)


EVERYDAY_TRADITIONAL = [
    ch
    for ch in (chr(c) for c in range(0x4E00, 0x9FA6))
    if 0xA440 <= int.from_bytes(ch.encode("big5", "ignore") or b"\0", "big") <= 0xC67E
]


def _everyday_simplified(text: str) -> bool:
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _short(characters: list[str]) -> st.SearchStrategy[str]:
    return st.lists(
        st.one_of(st.sampled_from(characters), st.sampled_from(list("，。 "))),
        min_size=2,
        max_size=10,
    ).map("".join)


@settings(max_examples=300, deadline=None)
@given(_short(EVERYDAY_HAN))
def test_everyday_simplified_text_is_read_as_gb18030(text: str) -> None:
    data = text.encode("gb18030")
    assume(not _utf8(data))  # UTF-8 is tried first: 一一 is also UTF-8 һһ
    decoded = bytes_decode(data=data)
    assert (decoded.encoding, decoded.text) == ("gb18030", text)


@settings(max_examples=300, deadline=None)
@given(_short(EVERYDAY_TRADITIONAL))
def test_everyday_traditional_text_is_read_as_big5(text: str) -> None:
    data = text.encode("big5")
    assume(not _utf8(data))
    try:
        other = data.decode("gb18030")
    except UnicodeDecodeError:
        other = ""
    # Bytes that are everyday simplified text as well (縣 is 郡) are GB18030 by rule.
    assume(not (other and _everyday_simplified(other)))
    decoded = bytes_decode(data=data)
    assert (decoded.encoding, decoded.text) == ("big5", text)


def _docx_bytes(replace: dict[str, bytes] | None = None) -> bytes:
    document = docx.Document()
    document.add_paragraph("一、突出典型镇村培育")
    buffer = io.BytesIO()
    document.save(buffer)
    if not replace:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, replace.get(item.filename, source.read(item)))
    return out.getvalue()


@pytest.mark.parametrize(
    "body",
    [b"this is not XML <w:", b"<?xml version='1.0'?><w:document/>", b""],
)
def test_damaged_docx_is_unreadable_not_a_crash(body: bytes) -> None:
    data = _docx_bytes({"word/document.xml": body})
    with pytest.raises(IntakeInputError) as caught:
        document_read(data=data, name="plan.docx")
    assert caught.value.code is IntakeErrorCode.UNREADABLE
    assert "Save it again from Word" in caught.value.message


def _zip_of_zeros(members: dict[str, int]) -> bytes:
    """A small zip whose members unpack to the given numbers of zero bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, size in members.items():
            with archive.open(name, "w", force_zip64=True) as member:
                chunk = bytes(1024 * 1024)
                for start in range(0, size, len(chunk)):
                    member.write(chunk[: size - start])
    return buffer.getvalue()


@pytest.mark.parametrize(
    "members",
    [
        {"[Content_Types].xml": 10, "word/document.xml": MAX_DOCX_BODY + 1},
        {"word/document.xml": 10, "word/media/a.bin": MAX_DOCX_UNPACKED + 1},
    ],
)
def test_docx_unpacking_too_large_is_refused(members: dict[str, int]) -> None:
    data = _zip_of_zeros(members)
    assert len(data) < 200_000
    with pytest.raises(IntakeInputError) as caught:
        document_read(data=data, name="bomb.docx")
    assert caught.value.code is IntakeErrorCode.UNREADABLE
    assert "unpacks to" in caught.value.message


# Each refusal carries its code, its reason and the values its sentence states; str() is the
# English sentence the command line prints, naming the same values.
REFUSAL_VALUES = [
    (b" \n", "plan.txt", "empty", {}, "The input is empty: there is no text."),
    (
        b"plan\x00\x01",
        "plan.txt",
        "binary",
        {"offset": 4, "byte": 0},
        "This looks like a binary file, not text. Upload a .txt, .docx or .html file.",
    ),
    (
        b"\xef\xbb\xbf" + "据报道".encode() + b"\xff",
        "plan.txt",
        "bom-not-utf8",
        {"offset": 12},
        "The text starts with a UTF-8 byte-order mark, but byte 12 (counting from 0) is not "
        "UTF-8. Save it as UTF-8 and try again.",
    ),
    (
        b"plan " + b"\x81\x30" * 5 + b"\x81",
        "plan.txt",
        "unknown-encoding",
        {"encodings": ("UTF-8", "UTF-16", "GB18030", "Big5"), "offset": 5},
        "The text is in an unknown encoding: it is not UTF-8, UTF-16, GB18030 or Big5. "
        "Save it as UTF-8 and try again.",
    ),
    (
        b"a" * 11,
        "plan.txt",
        "too-large",
        {"size": 11, "limit": 10, "unit": "bytes"},
        "The input is too large: 11 bytes, the limit is 10 bytes. Split the text and take it "
        "in by parts.",
    ),
    (
        b"%PDF-1.7",
        "plan.PDF",
        "unsupported",
        {"suffix": ".pdf"},
        "Files of type .pdf are not taken in; use .txt, .docx or .html.",
    ),
    (
        b"PK\x03\x04broken",
        "plan.docx",
        "docx-damaged",
        {"damage": "not-zip", "error": "File is not a zip file"},
        "This .docx file cannot be read (File is not a zip file). Save it again from Word.",
    ),
]


@pytest.mark.parametrize(
    ("data", "name", "reason", "values", "message"),
    REFUSAL_VALUES,
    ids=[case[2] for case in REFUSAL_VALUES],
)
def test_a_refusal_carries_its_reason_and_values(
    data: bytes, name: str, reason: str, values: dict[str, object], message: str
) -> None:
    with pytest.raises(IntakeInputError) as caught:
        document_read(data=data, name=name, limit=10 if reason == "too-large" else 4096)
    assert caught.value.reason == reason
    assert caught.value.code in IntakeErrorCode
    assert dict(caught.value.values) == values
    assert str(caught.value) == caught.value.message == message


@pytest.mark.parametrize(
    ("body", "damage"),
    [(b"this is not XML <w:", "bad-xml"), (b"", "bad-xml")],
)
def test_a_damaged_docx_says_how(body: bytes, damage: str) -> None:
    with pytest.raises(IntakeInputError) as caught:
        document_read(data=_docx_bytes({"word/document.xml": body}), name="plan.docx")
    assert caught.value.reason == "docx-damaged"
    assert caught.value.values["damage"] == damage
    assert f"({caught.value.values['error']})" in str(caught.value)


def test_a_docx_without_a_body_says_so() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_docx_bytes())) as source, zipfile.ZipFile(buffer, "w") as out:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                out.writestr(item, source.read(item))
    with pytest.raises(IntakeInputError) as caught:
        document_read(data=buffer.getvalue(), name="plan.docx")
    assert caught.value.values["damage"] == "no-body"


def test_unpacked_sizes_are_values() -> None:
    data = _zip_of_zeros({"word/document.xml": MAX_DOCX_BODY + 1})
    with pytest.raises(IntakeInputError) as caught:
        document_read(data=data, name="bomb.docx")
    assert caught.value.reason == "docx-unpacked"
    assert dict(caught.value.values) == {
        "size": MAX_DOCX_BODY + 1,
        "body": MAX_DOCX_BODY + 1,
        "limit": MAX_DOCX_UNPACKED,
        "body_limit": MAX_DOCX_BODY,
    }


def test_text_of_furniture_only_and_too_many_characters_carry_their_values() -> None:
    from baiqianwan.textclean import clean_text

    with pytest.raises(IntakeInputError) as caught:
        clean_text("分享到 微信\n我要评论")
    assert (caught.value.code, caught.value.reason) == ("empty", "furniture-only")
    with pytest.raises(IntakeInputError) as caught:
        clean_text("字" * 11, max_chars=10)
    assert dict(caught.value.values) == {"size": 11, "limit": 10, "unit": "characters"}
    assert "11 characters, the limit is 10 characters" in str(caught.value)


def test_the_values_are_read_only() -> None:
    with pytest.raises(IntakeInputError) as caught:
        bytes_decode(data=b"a" * 11, limit=10)
    with pytest.raises(TypeError):
        caught.value.values["size"] = 1  # type: ignore[index]


@pytest.mark.parametrize(
    ("page", "text"),
    [
        (
            "<p>据<span>报道</span>，近日<a href='/x'>肇庆市</a>印发"
            "<strong>《方案》</strong>。</p>",
            "据报道，近日肇庆市印发《方案》。",
        ),
        ("<p>据<em>报道</em>\n，近日<b>印发</b>《方案》</p>", "据报道 ，近日印发《方案》"),
        ("<div>第一段<br>第二段</div><p>第三段</p>", "第一段\n第二段\n第三段"),
        (
            "<h1>标题</h1><ul><li>一、<span>总体</span>要求</li><li>二、主要任务</li></ul>",
            "标题\n一、总体要求\n二、主要任务",
        ),
        (
            "<table><tr><th>序号</th><th>任务</th><th>牵头单位</th></tr>"
            "<tr><td>1</td><td>加快<span>推进</span>典型镇村建设</td><td>市农业农村局</td></tr>"
            "</table>",
            "序号\t任务\t牵头单位\n1\t加快推进典型镇村建设\t市农业农村局",
        ),
        ("<p>据报道<!-- 注释 -->，近日</p>", "据报道，近日"),
        ("<pre>第一行\n第二行</pre>", "第一行\n第二行"),
    ],
)
def test_html_inline_tags_keep_the_line_block_tags_break_it(page: str, text: str) -> None:
    decoded = document_read(data=f"<html><body>{page}</body></html>".encode(), name="a.html")
    assert decoded.text == text
