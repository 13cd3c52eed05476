"""Checking an uploaded evidence file (佐证材料) by its content, never by its name.

Town and village operators upload photos, PDFs, Word and Excel files as evidence of progress.
The type is read from the first bytes; Office files are opened as zip archives and checked for
macros and for archive tricks (zip bombs, lying sizes, nested archives) with the standard
library alone. No Django here: the limits come in as arguments, and the refusal carries a
reason and its values so that a page can state it in the reader's language.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from gettext import gettext as _
from types import MappingProxyType
from typing import IO
from xml.etree import ElementTree

MIB = 1024 * 1024
NAME_LIMIT = 100
_HEAD = 64
_CHUNK = 64 * 1024
# [Content_Types].xml is a few kilobytes; a larger one is no Office file.
_CONTENT_TYPES_LIMIT = MIB
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_LOCAL_HEADER = struct.Struct("<4s5HL2L2H")
_ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".gz", ".tgz", ".bz2", ".xz", ".tar", ".cab", ".jar")
# Office files embed Office files (a chart's workbook inside a .docx): these are not refused.
_OFFICE_EMBEDDING = re.compile(r"^(word|xl)/embeddings/[^/]+\.(docx|xlsx|pptx)$", re.IGNORECASE)
_VBA_NAME = "_VBA_PROJECT".encode("utf-16-le")
_NOT_IN_NAME = re.compile(r"[\"'`<>:*?|\\/]")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])$", re.IGNORECASE)
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


class EvidenceKind(StrEnum):
    """The kinds of evidence taken."""

    IMAGE = "image"
    PDF = "pdf"
    WORD = "word"
    EXCEL = "excel"


class EvidenceProblem(StrEnum):
    """Why a file is refused, each with the values it states (beside ``name``, the file's).

    ``EMPTY``: none. ``TOO_LARGE``: ``size``, ``limit`` (bytes). ``NOT_ALLOWED``: ``found``
    (``"program"``, ``"markup"``, ``"archive"``, ``"office"`` for an Office file that is not
    a Word document or Excel workbook, ``"ole"`` for a legacy Office file whose name does not
    say Word or Excel, ``"unknown"``). ``MACROS``: ``member``. ``TOO_MANY_MEMBERS``: ``count``,
    ``limit``. ``UNPACKS_TOO_LARGE``: ``size``, ``limit`` (bytes). ``RATIO``: ``member``,
    ``ratio``, ``limit``. ``NESTED_ARCHIVE``: ``member``. ``SIZE_LIE``: ``member``,
    ``declared`` (bytes). ``DAMAGED``: ``detail`` (English).
    """

    EMPTY = "empty"
    TOO_LARGE = "too-large"
    NOT_ALLOWED = "not-allowed"
    MACROS = "macros"
    TOO_MANY_MEMBERS = "too-many-members"
    UNPACKS_TOO_LARGE = "unpacks-too-large"
    RATIO = "ratio"
    NESTED_ARCHIVE = "nested-archive"
    SIZE_LIE = "size-lie"
    DAMAGED = "damaged"


class EvidenceRejected(ValueError):
    """An uploaded file that is not taken as evidence.

    Parameters
    ----------
    problem : EvidenceProblem
        Why, as a stable code.
    message : str
        An English sentence naming the file and why (``str(error)``).
    **values
        The figures and names `message` states (see `EvidenceProblem`), read-only in
        ``values``, so a page can state them in its own language.
    """

    def __init__(self, problem: EvidenceProblem, message: str, **values: object) -> None:
        super().__init__(message)
        self.problem = problem
        self.message = message
        self.values: Mapping[str, object] = MappingProxyType(dict(values))


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """What an Office file (a zip archive) may hold; the defaults are far above any real one.

    Attributes
    ----------
    max_unpacked : int
        Bytes all members may unpack to together.
    max_ratio : int
        Unpacked to packed size of any member of more than `ratio_floor` bytes.
    ratio_floor : int
        Members smaller than this are not held to `max_ratio` (small XML packs well).
    max_members : int
        Members in the archive.
    """

    max_unpacked: int = 100 * MIB
    max_ratio: int = 100
    ratio_floor: int = MIB
    max_members: int = 2000


DEFAULT_LIMITS = ArchiveLimits()


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    """An uploaded file taken as evidence.

    Attributes
    ----------
    kind : EvidenceKind
        Image, PDF, Word or Excel.
    content_type : str
        The media type the content shows, to serve it with.
    extension : str
        The extension to store it with (with its dot), from the content.
    safe_name : str
        The name to show and download it by: the uploader's base name, cleaned, at most
        100 characters, with `extension`.
    size : int
        Bytes.
    """

    kind: EvidenceKind
    content_type: str
    extension: str
    safe_name: str
    size: int


@dataclass(frozen=True, slots=True)
class _Type:
    kind: EvidenceKind
    content_type: str
    extension: str


_PNG = _Type(EvidenceKind.IMAGE, "image/png", ".png")
_JPEG = _Type(EvidenceKind.IMAGE, "image/jpeg", ".jpg")
_GIF = _Type(EvidenceKind.IMAGE, "image/gif", ".gif")
_WEBP = _Type(EvidenceKind.IMAGE, "image/webp", ".webp")
_PDF = _Type(EvidenceKind.PDF, "application/pdf", ".pdf")
_DOCX = _Type(
    EvidenceKind.WORD,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
)
_XLSX = _Type(
    EvidenceKind.EXCEL, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"
)
# Legacy Office files are OLE2 compound files whatever they hold: the name tells which.
# WPS Office's own .wps and .et are kept as such, since WPS opens them by that name.
_OLE_TYPES = {
    ".doc": _Type(EvidenceKind.WORD, "application/msword", ".doc"),
    ".wps": _Type(EvidenceKind.WORD, "application/msword", ".wps"),
    ".xls": _Type(EvidenceKind.EXCEL, "application/vnd.ms-excel", ".xls"),
    ".et": _Type(EvidenceKind.EXCEL, "application/vnd.ms-excel", ".et"),
}


def evidence_check(
    *,
    name: str,
    content: bytes | IO[bytes],
    max_bytes: int,
    limits: ArchiveLimits = DEFAULT_LIMITS,
) -> EvidenceFile:
    """Take an uploaded file as evidence, or refuse it, by what its content is.

    Parameters
    ----------
    name : str
        The name the uploader gave (any path, any characters): only its last extension
        decides between Word and Excel for a legacy OLE2 file, and it is cleaned into
        ``safe_name``.
    content : bytes or binary file
        The file. A file object must be seekable; it is read in chunks, never whole, and
        left at the position it had.
    max_bytes : int
        The largest file taken.
    limits : ArchiveLimits
        What a Word or Excel file (a zip archive) may unpack to.

    Returns
    -------
    EvidenceFile

    Raises
    ------
    EvidenceRejected
        Empty, too large, of a type not taken, with macros, an archive trick, or damaged.
    """
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    position = stream.tell()
    try:
        size = stream.seek(0, io.SEEK_END)
        label = _base_name(name) or name
        if size == 0:
            raise EvidenceRejected(
                EvidenceProblem.EMPTY, _("{name} is empty.").format(name=label), name=label
            )
        if size > max_bytes:
            raise EvidenceRejected(
                EvidenceProblem.TOO_LARGE,
                _("{name} is {size} MB; at most {limit} MB are taken.").format(
                    name=label, **_megabytes(size, max_bytes)
                ),
                name=label,
                size=size,
                limit=max_bytes,
            )
        stream.seek(0)
        head = stream.read(_HEAD)
        found = _type_of(head, stream, name, label, limits)
    finally:
        stream.seek(position)
    return EvidenceFile(
        kind=found.kind,
        content_type=found.content_type,
        extension=found.extension,
        safe_name=evidence_name(name, extension=found.extension),
        size=size,
    )


def evidence_name(name: str, *, extension: str) -> str:
    """The uploader's name made safe to show and to send as a download name.

    The base name only (no folders, of either slash), without control or format characters
    (a right-to-left override could disguise ``gpj.exe``), quotes, the characters Windows
    refuses and leading dots; at most `NAME_LIMIT` characters with `extension` replacing
    the uploader's own. Chinese characters are kept.
    """
    base = _base_name(name)
    stem, dot, suffix = base.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,8}", suffix):
        stem = base
    stem = re.sub(r"\s+", " ", stem).strip(" .")
    if not stem or _WINDOWS_RESERVED.fullmatch(stem):
        stem = f"evidence-{stem}" if stem else "evidence"
    return stem[: NAME_LIMIT - len(extension)].rstrip(" .") + extension


def _base_name(name: str) -> str:
    """The last part of a path of either slash, without unsafe characters or leading dots."""
    last = re.split(r"[\\/]", name)[-1]
    last = unicodedata.normalize("NFC", last)
    kept = "".join(c for c in last if not unicodedata.category(c).startswith("C"))
    return _NOT_IN_NAME.sub("", kept).strip().lstrip(".").strip()


def _megabytes(size: int, limit: int) -> dict[str, str]:
    """Both sizes in MB, with as many decimals as it takes to tell them apart."""
    decimals = 1
    while decimals < 6 and f"{size / MIB:.{decimals}f}" == f"{limit / MIB:.{decimals}f}":
        decimals += 1
    return {"size": f"{size / MIB:.{decimals}f}", "limit": f"{limit / MIB:.{decimals}f}"}


def _refused(label: str, found: str, message: str) -> EvidenceRejected:
    return EvidenceRejected(
        EvidenceProblem.NOT_ALLOWED, message.format(name=label), name=label, found=found
    )


def _type_of(head: bytes, stream: IO[bytes], name: str, label: str, limits: ArchiveLimits) -> _Type:
    """The type the first bytes show; Office files are opened and checked."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _PNG
    if head.startswith(b"\xff\xd8\xff"):
        return _JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return _GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return _WEBP
    if head.startswith(b"%PDF-"):
        return _PDF
    if head.startswith(_ZIP):
        return _ooxml_check(stream, label, limits)
    if head.startswith(_OLE):
        return _ole_check(stream, name, label)
    if head.startswith((b"MZ", b"\x7fELF", b"#!")):
        raise _refused(
            label, "program", _("{name} is a program, not an image, PDF, Word or Excel file.")
        )
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<"):
        raise _refused(
            label,
            "markup",
            _("{name} is a web page or SVG drawing, which can carry scripts; not taken."),
        )
    raise _refused(label, "unknown", _("{name} is not an image, PDF, Word or Excel file."))


def _ole_check(stream: IO[bytes], name: str, label: str) -> _Type:
    """A legacy Office file: Word or Excel by the name's extension, refused with macros.

    Any OLE2 file holding macros has a stream named ``_VBA_PROJECT`` (under ``Macros`` in
    Word, ``_VBA_PROJECT_CUR`` in Excel), its name stored in UTF-16 in the directory: a
    chunked scan for it finds macros without reading the compound file's sector chains.
    """
    base = _base_name(name)
    suffix = "." + base.rpartition(".")[2].lower() if "." in base else ""
    found = _OLE_TYPES.get(suffix)
    if found is None:
        raise _refused(
            label,
            "ole",
            _(
                "{name} is a legacy Office file, but its name does not end in .doc, .wps, "
                ".xls or .et to tell Word from Excel."
            ),
        )
    stream.seek(0)
    tail = b""
    while chunk := stream.read(_CHUNK):
        if _VBA_NAME in tail + chunk:
            raise EvidenceRejected(
                EvidenceProblem.MACROS,
                _("{name} holds macros, which can run programs; save it without them.").format(
                    name=label
                ),
                name=label,
                member="_VBA_PROJECT",
            )
        tail = chunk[-len(_VBA_NAME) :]
    return found


def _damaged(label: str, detail: str) -> EvidenceRejected:
    return EvidenceRejected(
        EvidenceProblem.DAMAGED,
        _("{name} is damaged and cannot be read ({detail}).").format(name=label, detail=detail),
        name=label,
        detail=detail,
    )


def _ooxml_check(stream: IO[bytes], label: str, limits: ArchiveLimits) -> _Type:
    """A Word document or Excel workbook without macros that unpacks to what it says."""
    stream.seek(0)
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _damaged(label, str(exc)) from exc
    with archive:
        members = archive.infolist()
        _sizes_check(members, label, limits)
        found = _main_part(archive, label)
        for member in members:
            _member_check(stream, member, label)
    return found


def _sizes_check(members: list[zipfile.ZipInfo], label: str, limits: ArchiveLimits) -> None:
    """The archive's own account of itself: members, total size, ratios, nested archives."""
    if len(members) > limits.max_members:
        raise EvidenceRejected(
            EvidenceProblem.TOO_MANY_MEMBERS,
            _("{name} holds {count:,} files; at most {limit:,} are taken.").format(
                name=label, count=len(members), limit=limits.max_members
            ),
            name=label,
            count=len(members),
            limit=limits.max_members,
        )
    total = sum(member.file_size for member in members)
    if total > limits.max_unpacked:
        raise EvidenceRejected(
            EvidenceProblem.UNPACKS_TOO_LARGE,
            _("{name} unpacks to {size} MB; at most {limit} MB are taken.").format(
                name=label, **_megabytes(total, limits.max_unpacked)
            ),
            name=label,
            size=total,
            limit=limits.max_unpacked,
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise EvidenceRejected(
                EvidenceProblem.RATIO,
                _(
                    "{name} is a zip bomb: {member} unpacks to {ratio:,.0f} times its packed "
                    "size; at most {limit:,} times is taken."
                ).format(name=label, member=member.filename, ratio=ratio, limit=limits.max_ratio),
                name=label,
                member=member.filename,
                ratio=ratio,
                limit=limits.max_ratio,
            )
        if member.filename.lower().endswith(_ARCHIVE_SUFFIXES):
            raise _nested(label, member.filename)
        if member.filename.rsplit("/", 1)[-1].lower() == "vbaproject.bin":
            raise _macros(label, member.filename)


def _nested(label: str, member: str) -> EvidenceRejected:
    return EvidenceRejected(
        EvidenceProblem.NESTED_ARCHIVE,
        _("{name} holds another archive, {member}; not taken.").format(name=label, member=member),
        name=label,
        member=member,
    )


def _macros(label: str, member: str) -> EvidenceRejected:
    return EvidenceRejected(
        EvidenceProblem.MACROS,
        _("{name} holds macros ({member}), which can run programs; save it without them.").format(
            name=label, member=member
        ),
        name=label,
        member=member,
    )


def _main_part(archive: zipfile.ZipFile, label: str) -> _Type:
    """Word or Excel, from the main part that [Content_Types].xml declares and the zip holds."""
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        raise _refused(
            label, "archive", _("{name} is a zip archive, not a Word or Excel file.")
        ) from None
    if info.file_size > _CONTENT_TYPES_LIMIT:
        raise _damaged(label, "[Content_Types].xml is too large")
    try:
        with archive.open(info) as member:
            data = member.read(_CONTENT_TYPES_LIMIT + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as exc:
        raise _damaged(label, str(exc)) from exc
    # No DTD: an entity declaration could expand without bound.
    if len(data) > _CONTENT_TYPES_LIMIT or b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise _damaged(label, "[Content_Types].xml is not a plain content-type list")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise _damaged(label, f"[Content_Types].xml: {exc}") from exc
    names = set(archive.namelist())
    for override in root.iter(f"{_CONTENT_TYPES_NS}Override"):
        content_type = override.get("ContentType", "")
        part = override.get("PartName", "").lstrip("/")
        if "macroenabled" in content_type.lower():
            raise _macros(label, part)
        if content_type in (_WORD_MAIN, _EXCEL_MAIN):
            if part not in names:
                raise _damaged(label, f"the main part {part} is missing")
            return _DOCX if content_type == _WORD_MAIN else _XLSX
    raise _refused(
        label,
        "office",
        _("{name} is an Office file but neither a Word document nor an Excel workbook."),
    )


def _member_check(stream: IO[bytes], member: zipfile.ZipInfo, label: str) -> None:
    """Unpack one member as far as its declared size and one byte more, checking its CRC.

    `zipfile` stops at the declared size, so a member that unpacks to more than it
    declares would pass it unseen and burst whatever opens the file next. This reads the
    raw packed data and inflates it in bounded steps: the work is bounded by the declared
    sizes, which `_sizes_check` has bounded already.
    """
    if member.flag_bits & 0x1:
        raise _damaged(label, f"{member.filename} is encrypted")
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _damaged(label, f"{member.filename} uses an unsupported compression")
    stream.seek(member.header_offset)
    header = stream.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or not header.startswith(_ZIP):
        raise _damaged(label, f"the local header of {member.filename} is missing")
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    stream.seek(member.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    inflate = zlib.decompressobj(-zlib.MAX_WBITS) if member.compress_type else None
    left = member.compress_size
    unpacked = 0
    crc = 0
    first = b""
    while left > 0:
        packed = stream.read(min(_CHUNK, left))
        if not packed:
            raise _damaged(label, f"{member.filename} is cut short")
        left -= len(packed)
        while packed:
            room = member.file_size - unpacked + 1
            try:
                data = inflate.decompress(packed, room) if inflate else packed[:room]
            except zlib.error as exc:
                raise _damaged(label, f"{member.filename}: {exc}") from exc
            packed = inflate.unconsumed_tail if inflate else packed[room:]
            unpacked += len(data)
            if unpacked > member.file_size:
                raise _size_lie(label, member)
            crc = zlib.crc32(data, crc)
            first = first or data[:4]
            if not data:
                break
    if inflate is not None and not inflate.eof:
        raise _damaged(label, f"{member.filename} is cut short")
    if unpacked != member.file_size or crc != member.CRC:
        raise _damaged(label, f"{member.filename} does not match its checksum")
    if first.startswith(_ZIP) and not _OFFICE_EMBEDDING.match(member.filename):
        raise _nested(label, member.filename)


def _size_lie(label: str, member: zipfile.ZipInfo) -> EvidenceRejected:
    return EvidenceRejected(
        EvidenceProblem.SIZE_LIE,
        _(
            "{name} is a zip bomb: {member} unpacks to more than the {declared:,} bytes it "
            "declares."
        ).format(name=label, member=member.filename, declared=member.file_size),
        name=label,
        member=member.filename,
        declared=member.file_size,
    )
