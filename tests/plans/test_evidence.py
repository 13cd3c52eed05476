"""Evidence files checked by content: real small files built in memory, and each refusal."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import IO

import docx
import pytest
import xlsxwriter

from baiqianwan.plans.evidence import (
    DEFAULT_LIMITS,
    MIB,
    ArchiveLimits,
    EvidenceFile,
    EvidenceKind,
    EvidenceProblem,
    EvidenceRejected,
    evidence_check,
    evidence_name,
)

MAX = 20 * MIB
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def png_bytes() -> bytes:
    """A real 1×1 grey PNG, chunk by chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(64)
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("四会市2025年村容村貌整治进展")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.add_worksheet("进展").write_row(0, 0, ["村", "完成率"])
    workbook.close()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def docx_file() -> bytes:
    return docx_bytes()


def repacked(original: bytes, edit: Callable[[zipfile.ZipFile], None], **replace: bytes) -> bytes:
    """`original` with some members replaced, then `edit` adding members."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        edit(target)
    return buffer.getvalue()


def adding(name: str, data: bytes) -> Callable[[zipfile.ZipFile], None]:
    return lambda archive: archive.writestr(name, data)


def check(
    content: bytes | IO[bytes], name: str = "证明.pdf", limits: ArchiveLimits = DEFAULT_LIMITS
) -> EvidenceFile:
    return evidence_check(name=name, content=content, max_bytes=MAX, limits=limits)


def refusal(
    content: bytes, name: str = "证明.pdf", limits: ArchiveLimits = DEFAULT_LIMITS
) -> EvidenceRejected:
    with pytest.raises(EvidenceRejected) as caught:
        check(content, name, limits)
    return caught.value


# ---------------------------------------------------------------- taken


@pytest.mark.parametrize(
    ("content", "name", "kind", "content_type", "extension"),
    [
        (png_bytes(), "村口.png", EvidenceKind.IMAGE, "image/png", ".png"),
        (JPEG, "村口.jpeg", EvidenceKind.IMAGE, "image/jpeg", ".jpg"),
        (GIF, "动图.gif", EvidenceKind.IMAGE, "image/gif", ".gif"),
        (WEBP, "照片.webp", EvidenceKind.IMAGE, "image/webp", ".webp"),
        (PDF, "报告.pdf", EvidenceKind.PDF, "application/pdf", ".pdf"),
        (docx_bytes(), "进展.docx", EvidenceKind.WORD, DOCX_TYPE, ".docx"),
        (xlsx_bytes(), "台账.xlsx", EvidenceKind.EXCEL, XLSX_TYPE, ".xlsx"),
        (OLE_HEADER + bytes(1024), "旧报告.doc", EvidenceKind.WORD, "application/msword", ".doc"),
        (OLE_HEADER + bytes(1024), "旧报告.WPS", EvidenceKind.WORD, "application/msword", ".wps"),
        (
            OLE_HEADER + bytes(1024),
            "旧台账.xls",
            EvidenceKind.EXCEL,
            "application/vnd.ms-excel",
            ".xls",
        ),
        (
            OLE_HEADER + bytes(1024),
            "旧台账.et",
            EvidenceKind.EXCEL,
            "application/vnd.ms-excel",
            ".et",
        ),
    ],
)
def test_taken_by_content(
    content: bytes, name: str, kind: EvidenceKind, content_type: str, extension: str
) -> None:
    assert check(content, name) == EvidenceFile(
        kind=kind,
        content_type=content_type,
        extension=extension,
        safe_name=name.rsplit(".", 1)[0] + extension,
        size=len(content),
    )


def test_type_comes_from_content_not_name() -> None:
    found = check(png_bytes(), "现场照片.pdf")
    assert (found.content_type, found.extension, found.safe_name) == (
        "image/png",
        ".png",
        "现场照片.png",
    )


def test_docx_with_an_embedded_workbook_is_taken(docx_file: bytes) -> None:
    content = repacked(
        docx_file, adding("word/embeddings/Microsoft_Excel_Worksheet.xlsx", xlsx_bytes())
    )
    assert check(content, "图表.docx").kind is EvidenceKind.WORD


class CountingReader(io.BytesIO):
    """A file that counts the bytes read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def test_file_object_is_read_by_its_head_and_left_where_it_was() -> None:
    content = png_bytes() + bytes(8 * MIB)
    stream = CountingReader(content)
    stream.seek(5)
    found = check(stream, "大图.png")
    assert (found.size, found.kind) == (len(content), EvidenceKind.IMAGE)
    assert stream.bytes_read <= 64
    assert stream.tell() == 5


def test_office_file_object_is_checked_and_rewound(docx_file: bytes) -> None:
    stream = io.BytesIO(docx_file)
    assert check(stream, "进展.docx").kind is EvidenceKind.WORD
    assert stream.tell() == 0


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("name", "extension", "safe"),
    [
        ("../../etc/照片 2025.JPG", ".png", "照片 2025.png"),
        ("C:\\Users\\张三\\报告.pdf.exe", ".pdf", "报告.pdf.pdf"),
        ("\u202egnp.exe", ".png", "gnp.png"),
        ("进展\x00\x07报告.docx", ".docx", "进展报告.docx"),
        ("\"引号\"'名'`x`.pdf", ".pdf", "引号名x.pdf"),
        ("..\\.htaccess", ".png", "htaccess.png"),
        ("...", ".pdf", "evidence.pdf"),
        ("", ".pdf", "evidence.pdf"),
        ("CON.png", ".png", "evidence-CON.png"),
        ("a<b>c:d*e?f|g.xlsx", ".xlsx", "abcdefg.xlsx"),
        ("整治   方案 .doc", ".doc", "整治 方案.doc"),
        ("村容村貌", ".jpg", "村容村貌.jpg"),
    ],
)
def test_safe_name(name: str, extension: str, safe: str) -> None:
    assert evidence_name(name, extension=extension) == safe


def test_long_name_is_capped_keeping_the_extension() -> None:
    safe = evidence_name("肇" * 300 + ".pdf", extension=".pdf")
    assert safe == "肇" * 96 + ".pdf"
    assert len(safe) == 100


# ---------------------------------------------------------------- refused by type


@pytest.mark.parametrize(
    ("content", "name", "found"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(100), "报告.pdf", "program"),
        (b"\x7fELF\x02\x01\x01" + bytes(100), "报告.pdf", "program"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "照片.jpg", "markup"),
        (
            b'\xef\xbb\xbf<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
            b"<script>alert(1)</script></svg>",
            "图.svg",
            "markup",
        ),
        (b"  \n<svg onload='alert(1)'/>", "图.png", "markup"),
        (b"plain text, not evidence", "说明.txt", "unknown"),
        (OLE_HEADER + bytes(1024), "演示.ppt", "ole"),
        (OLE_HEADER + bytes(1024), "无扩展名", "ole"),
        (OLE_HEADER + bytes(1024), "资料.doc/无扩展名", "ole"),
    ],
)
def test_refused_by_content(content: bytes, name: str, found: str) -> None:
    error = refusal(content, name)
    assert error.problem is EvidenceProblem.NOT_ALLOWED
    base = name.rsplit("/", 1)[-1]
    assert dict(error.values) == {"name": base, "found": found}
    assert str(error).startswith(f"{base} is ")


def test_plain_zip_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    error = refusal(buffer.getvalue(), "材料.docx")
    assert error.problem is EvidenceProblem.NOT_ALLOWED
    assert error.values["found"] == "archive"
    assert str(error) == "材料.docx is a zip archive, not a Word or Excel file."


def test_presentation_is_refused(docx_file: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(docx_file)) as archive:
        types = archive.read("[Content_Types].xml")
    pptx_types = types.replace(
        b"wordprocessingml.document.main+xml", b"presentationml.presentation.main+xml"
    )
    error = refusal(repacked(docx_file, lambda _a: None, **{"[Content_Types].xml": pptx_types}))
    assert (error.problem, error.values["found"]) == (EvidenceProblem.NOT_ALLOWED, "office")


def test_empty_is_refused() -> None:
    error = refusal(b"", "空.pdf")
    assert (error.problem, str(error)) == (EvidenceProblem.EMPTY, "空.pdf is empty.")


def test_too_large_states_both_sizes_in_mb() -> None:
    content = PDF + bytes(3 * MIB)
    with pytest.raises(EvidenceRejected) as caught:
        evidence_check(name="扫描件.pdf", content=content, max_bytes=2 * MIB)
    error = caught.value
    assert error.problem is EvidenceProblem.TOO_LARGE
    assert str(error) == "扫描件.pdf is 3.0 MB; at most 2.0 MB are taken."
    assert dict(error.values) == {"name": "扫描件.pdf", "size": len(content), "limit": 2 * MIB}


def test_just_too_large_is_told_apart_from_the_limit() -> None:
    with pytest.raises(EvidenceRejected, match=r"is 2\.0001 MB; at most 2\.0000 MB"):
        evidence_check(name="a.pdf", content=PDF + bytes(2 * MIB), max_bytes=2 * MIB)


# ---------------------------------------------------------------- macros


def test_docm_with_vba_project_is_refused(docx_file: bytes) -> None:
    content = repacked(docx_file, adding("word/vbaProject.bin", OLE_HEADER + bytes(512)))
    error = refusal(content, "宏.docm")
    assert error.problem is EvidenceProblem.MACROS
    assert error.values["member"] == "word/vbaProject.bin"
    assert "holds macros" in str(error)


def test_xlsm_declared_macro_enabled_is_refused() -> None:
    workbook = xlsx_bytes()
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        types = archive.read("[Content_Types].xml")
    macro_types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert macro_types != types
    content = repacked(workbook, lambda _a: None, **{"[Content_Types].xml": macro_types})
    error = refusal(content, "宏.xlsm")
    assert (error.problem, error.values["member"]) == (EvidenceProblem.MACROS, "xl/workbook.xml")


def test_legacy_file_with_macros_is_refused_across_chunks() -> None:
    vba = "_VBA_PROJECT".encode("utf-16-le")
    content = OLE_HEADER + bytes(64 * 1024 - len(OLE_HEADER) - 5) + vba + bytes(100)
    error = refusal(content, "宏.xls")
    assert error.problem is EvidenceProblem.MACROS


# ---------------------------------------------------------------- archive tricks


@pytest.fixture(scope="module")
def bomb(docx_file: bytes) -> bytes:
    """A .docx with 128 MiB of zeros in one member, written in streaming steps."""

    def add_bomb(archive: zipfile.ZipFile) -> None:
        zeros = bytes(MIB)
        with archive.open("word/media/image1.png", "w", force_zip64=True) as member:
            for _ in range(128):
                member.write(zeros)

    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx_file)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        add_bomb(target)
    return buffer.getvalue()


def test_zip_bomb_over_the_unpacked_limit_is_refused(bomb: bytes) -> None:
    assert len(bomb) < 2 * MIB
    error = refusal(bomb, "炸弹.docx")
    assert error.problem is EvidenceProblem.UNPACKS_TOO_LARGE
    assert error.values["limit"] == 100 * MIB
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        total = sum(info.file_size for info in archive.infolist())
    assert error.values["size"] == total > 128 * MIB
    assert str(error) == f"炸弹.docx unpacks to {total / MIB:.1f} MB; at most 100.0 MB are taken."


def test_unpacked_limit_is_a_parameter(bomb: bytes) -> None:
    error = refusal(bomb, "炸弹.docx", limits=ArchiveLimits(max_unpacked=200 * MIB))
    assert error.problem is EvidenceProblem.RATIO
    assert error.values["member"] == "word/media/image1.png"


def test_high_ratio_member_is_refused(docx_file: bytes) -> None:
    content = repacked(docx_file, adding("word/media/image1.png", bytes(2 * MIB)))
    error = refusal(content, "进展.docx")
    assert error.problem is EvidenceProblem.RATIO
    assert error.values["limit"] == 100
    assert isinstance(error.values["ratio"], float) and error.values["ratio"] > 100


def test_small_members_are_not_held_to_the_ratio(docx_file: bytes) -> None:
    content = repacked(docx_file, adding("word/media/blank.bin", bytes(MIB)))
    assert check(content, "进展.docx").kind is EvidenceKind.WORD


def lying(content: bytes, member: str, declared: int) -> bytes:
    """`content` with `member`'s uncompressed size patched to `declared` in both headers."""
    data = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        offset = archive.getinfo(member).header_offset
    struct.pack_into("<I", data, offset + 22, declared)
    central = data.rfind(b"PK\x01\x02" + data[offset + 4 : offset + 6], 0)
    while data[central + 46 : central + 46 + len(member)] != member.encode():
        central = data.rfind(b"PK\x01\x02", 0, central)
    struct.pack_into("<I", data, central + 24, declared)
    return bytes(data)


def test_member_unpacking_past_its_declared_size_is_refused(docx_file: bytes) -> None:
    content = lying(
        repacked(docx_file, adding("word/media/image1.png", bytes(8 * MIB))),
        "word/media/image1.png",
        declared=1000,
    )
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.getinfo("word/media/image1.png").file_size == 1000
    error = refusal(content, "进展.docx")
    assert error.problem is EvidenceProblem.SIZE_LIE
    assert dict(error.values) == {
        "name": "进展.docx",
        "member": "word/media/image1.png",
        "declared": 1000,
    }


def test_too_many_members_are_refused(docx_file: bytes) -> None:
    def many(archive: zipfile.ZipFile) -> None:
        for number in range(2000):
            archive.writestr(f"word/media/{number}.txt", b"")

    error = refusal(repacked(docx_file, many), "进展.docx")
    assert error.problem is EvidenceProblem.TOO_MANY_MEMBERS
    assert error.values["limit"] == 2000
    assert isinstance(error.values["count"], int) and error.values["count"] > 2000


@pytest.mark.parametrize(
    "member", ["word/media/inner.zip", "word/media/inner.7z", "word/media/photo.png"]
)
def test_nested_archive_is_refused(docx_file: bytes, member: str) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("payload.txt", "x")
    error = refusal(repacked(docx_file, adding(member, inner.getvalue())), "进展.docx")
    assert (error.problem, error.values["member"]) == (EvidenceProblem.NESTED_ARCHIVE, member)


# ---------------------------------------------------------------- damaged


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04" + b"\x00" * 100,
        b"PK\x03\x04garbage that is no zip at all",
    ],
)
def test_corrupt_zip_is_refused(content: bytes) -> None:
    error = refusal(content, "坏.docx")
    assert error.problem is EvidenceProblem.DAMAGED
    assert str(error).startswith("坏.docx is damaged and cannot be read (")


def test_member_not_matching_its_checksum_is_refused(docx_file: bytes) -> None:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx_file)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    data = bytearray(buffer.getvalue())
    position = data.find(b"<w:body>")
    data[position + 1] = ord("W")
    error = refusal(bytes(data), "进展.docx")
    assert error.problem is EvidenceProblem.DAMAGED
    assert error.values["detail"] == "word/document.xml does not match its checksum"


def test_truncated_docx_is_refused(docx_file: bytes) -> None:
    error = refusal(docx_file[: len(docx_file) // 2], "进展.docx")
    assert error.problem is EvidenceProblem.DAMAGED


def test_main_part_declared_but_missing_is_refused(docx_file: bytes) -> None:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx_file)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info.filename, source.read(info))
    error = refusal(buffer.getvalue(), "进展.docx")
    assert error.values["detail"] == "the main part word/document.xml is missing"


def test_content_types_with_entities_are_refused(docx_file: bytes) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Types>&b;</Types>'
    )
    content = repacked(docx_file, lambda _a: None, **{"[Content_Types].xml": laughs})
    error = refusal(content, "进展.docx")
    assert error.problem is EvidenceProblem.DAMAGED
