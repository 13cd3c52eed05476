"""Reading uploaded files into text: plain text in an unknown encoding, .docx and .html.

Encodings tried, in order: a byte-order mark (UTF-8, UTF-16), UTF-16 without one when it
reads as plain Chinese or ASCII text (see `_utf16_unmarked`), UTF-8, GB18030 and Big5.
GB18030 accepts most Big5 byte strings too, so when both decode, the one whose Han
characters are everyday characters of its own script wins (see `_plausibility`).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from gettext import gettext as _
from pathlib import PurePath

from baiqianwan.textclean.chars import is_han
from baiqianwan.textclean.errors import (
    DocxDamage,
    IntakeErrorCode,
    IntakeErrorReason,
    IntakeInputError,
    empty_error,
    too_large_error,
)

# Four MiB of file: a long plan as .docx is well under one.
MAX_INPUT_BYTES = 4 * 1024 * 1024
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ""})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
DOCX_SUFFIXES = frozenset({".docx"})
DOCX_BODY = "word/document.xml"
# What a .docx may unpack to: a long plan's document.xml is a few megabytes.
MAX_DOCX_UNPACKED = 50 * 1024 * 1024
MAX_DOCX_BODY = 20 * 1024 * 1024
_BINARY_CONTROLS = frozenset(range(0, 32)) - {9, 10, 12, 13, 27}
_SAMPLE = 65536
_NOT_TEXT = frozenset({"Cn", "Co", "Cs"})  # unassigned, private use, surrogate
_UTF8_BOM = b"\xef\xbb\xbf"
# A UTF-16 reading without byte-order mark: share of plain characters, and of Han
# characters when no NUL byte hints at UTF-16 (see `_utf16_unmarked`).
_UTF16_PLAIN = 0.9
_UTF16_HAN = 0.5


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Text read from bytes, with how it was read.

    Attributes
    ----------
    text : str
        The decoded text.
    encoding : str
        ``"utf-8"``, ``"utf-8-sig"``, ``"utf-16"`` (with a byte-order mark),
        ``"utf-16-le"`` or ``"utf-16-be"`` (without one), ``"gb18030"`` or ``"big5"``;
        ``"docx"`` for Word files.
    kind : str
        ``"text"``, ``"html"`` or ``"docx"``.
    """

    text: str
    encoding: str
    kind: str


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SAMPLE]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte in _BINARY_CONTROLS)
    return controls > len(sample) // 100


def _gb_everyday(ch: str) -> bool:
    """Whether `ch` is in GB 2312, the everyday simplified characters and symbols."""
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _big5_everyday(ch: str) -> bool:
    """Whether `ch` is in Big5 A140-C67E: symbols, then the everyday traditional characters."""
    try:
        return 0xA140 <= int.from_bytes(ch.encode("big5"), "big") <= 0xC67E
    except UnicodeEncodeError:
        return False


def everyday_char(ch: str) -> bool:
    """Whether `ch` is an everyday character or symbol of GB 2312 or Big5."""
    return _gb_everyday(ch) or _big5_everyday(ch)


# Everyday characters of a script; a UTF-16 reading may hold either.
_SCRIPTS = {"simplified": _gb_everyday, "traditional": _big5_everyday, "either": everyday_char}
# The readings tried after UTF-8, as (encoding, script), best first among equals: GB18030
# text is mostly simplified, but may be traditional (GBK holds 紙鳶). Big5 comes before
# GB18030 read as traditional, which its bytes read as GB18030 often are as well.
_READINGS = (("gb18030", "simplified"), ("big5", "traditional"), ("gb18030", "traditional"))


def _foreign(ch: str) -> bool:
    """Kana, Greek or Cyrillic: in GB 2312 where Big5 has its most frequent characters.

    中 is Big5 A4A4, the kana い in GB 2312; plans in Chinese hardly use these letters.
    """
    return 0x3040 <= ord(ch) <= 0x30FF or 0x0370 <= ord(ch) <= 0x04FF


def _plausibility(text: str, script: str) -> float:
    """Share of everyday characters of `script` among the characters beyond ASCII.

    GB 2312 holds everyday simplified characters; Big5 A140-C67E everyday traditional
    ones. Bytes decoded with the wrong table land mostly outside their script: in rare
    characters, private use (U+E000-U+F8FF), unassigned code points, or kana, Greek and
    Cyrillic (see `_foreign`); each counts against the reading. A text with no character
    beyond ASCII and blanks is plausible in any script.
    """
    everyday = _SCRIPTS[script]
    wide = [ch for ch in text[:_SAMPLE] if ch > "\x7f" and not ch.isspace()]
    if not wide:
        return 1.0
    return sum(1 for ch in wide if everyday(ch) and not _foreign(ch)) / len(wide)


def _plain(ch: str) -> bool:
    """A character of ordinary text: a line break, a tab or a printable everyday one."""
    return ch in "\t\n\r" or (ch >= " " and ch != "\x7f" and everyday_char(ch))


def _utf16_unmarked(data: bytes, *, han_share: float) -> tuple[str, str] | None:
    """Read UTF-16 without a byte-order mark, if one byte order gives plain text.

    Either byte order is tried strictly. A reading counts when at least 90 % of its
    characters are line breaks, printable ASCII or everyday Chinese characters and
    punctuation, and at least `han_share` of them are Han. Text in GB 2312 or Big5 read
    as UTF-16 lands mostly in Hangul, private use and rare ideographs; binary data in
    controls.

    Returns
    -------
    (encoding, text) or None
        ``"utf-16-le"`` or ``"utf-16-be"`` and the text; None if neither reading counts.
    """
    if len(data) % 2:
        return None
    readings: list[tuple[float, str, str]] = []
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:_SAMPLE]
        plain = sum(1 for ch in sample if _plain(ch))
        han = sum(1 for ch in sample if is_han(ch))
        if sample and plain >= _UTF16_PLAIN * len(sample) and han >= han_share * len(sample):
            readings.append((plain / len(sample), encoding, text))
    if not readings:
        return None
    _, encoding, text = max(readings)
    return encoding, text


def bytes_decode(*, data: bytes, limit: int = MAX_INPUT_BYTES) -> DecodedText:
    """Decode plain-text bytes, saying which encoding was used.

    Raises
    ------
    IntakeInputError
        ``TOO_LARGE`` over `limit` bytes, ``EMPTY`` with no text, ``BINARY`` for
        binary data, ``ENCODING`` if none of UTF-8, UTF-16, GB18030 and Big5 decodes
        it, or if bytes after a UTF-8 byte-order mark are not UTF-8 (naming the first).
    """
    if len(data) > limit:
        raise too_large_error(size=len(data), limit=limit, unit="bytes")
    if data.startswith(_UTF8_BOM):
        try:
            return _text_checked(data[len(_UTF8_BOM) :].decode("utf-8"), "utf-8-sig", "text")
        except UnicodeDecodeError as exc:
            raise IntakeInputError(
                IntakeErrorCode.ENCODING,
                _(
                    "The text starts with a UTF-8 byte-order mark, but byte {offset:,} "
                    "(counting from 0) is not UTF-8. Save it as UTF-8 and try again."
                ).format(offset=exc.start + len(_UTF8_BOM)),
                reason=IntakeErrorReason.BOM_NOT_UTF8,
                offset=exc.start + len(_UTF8_BOM),
            ) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Windows "Unicode text" is UTF-16 with a byte-order mark.
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = ""
        if text and not any(
            ch == "\ufffd" or unicodedata.category(ch) in _NOT_TEXT for ch in text[:_SAMPLE]
        ):
            return _text_checked(text, "utf-16", "text")
    if _looks_binary(data):
        # UTF-16 looks binary: ASCII has a NUL byte beside it, many Han characters a
        # control byte (万 is 07 4E). Without NUL bytes, only mostly Han text is taken.
        nul = b"\x00" in data[:_SAMPLE]
        unmarked = _utf16_unmarked(data, han_share=0 if nul else _UTF16_HAN)
        if unmarked is not None:
            return _text_checked(unmarked[1], unmarked[0], "text")
        offset = _first_control(data)
        raise IntakeInputError(
            IntakeErrorCode.BINARY,
            _("This looks like a binary file, not text. Upload a .txt, .docx or .html file."),
            offset=offset,
            byte=data[offset],
        )
    try:
        return _text_checked(data.decode("utf-8"), "utf-8", "text")
    except UnicodeDecodeError as exc:
        not_utf8 = exc.start
    decoded: list[tuple[float, str, str]] = []
    for encoding, script in _READINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        decoded.append((_plausibility(text, script), encoding, text))
    # Chinese in UTF-16 need have no NUL or control byte (据发展 is 6E 63 D1 53 55 5C),
    # and GB18030 takes it, as garbage. The UTF-16 reading wins only if more plausible
    # than the others, each taken as either script: rare characters of the right script
    # (Big5 C952 is 仂) are far likelier than UTF-16 without a NUL byte (勉).
    unmarked = _utf16_unmarked(data, han_share=_UTF16_HAN)
    if unmarked is not None:
        rivals = [_plausibility(other, "either") for _, _, other in decoded]
        if _plausibility(unmarked[1], "either") > max(rivals, default=0.0):
            return _text_checked(unmarked[1], unmarked[0], "text")
    if not decoded:
        raise IntakeInputError(
            IntakeErrorCode.ENCODING,
            _(
                "The text is in an unknown encoding: it is not UTF-8, UTF-16, GB18030 or Big5. "
                "Save it as UTF-8 and try again."
            ),
            encodings=("UTF-8", "UTF-16", "GB18030", "Big5"),
            offset=not_utf8,
        )
    best = max(decoded, key=lambda found: found[0])  # the first of equals
    return _text_checked(best[2], best[1], "text")


def _first_control(data: bytes) -> int:
    """Where the first NUL or other binary control byte is (`_looks_binary` found some)."""
    sample = data[:_SAMPLE]
    return next((i for i, byte in enumerate(sample) if byte in _BINARY_CONTROLS), 0)


def _text_checked(text: str, encoding: str, kind: str) -> DecodedText:
    if not text.strip():
        raise empty_error()
    return DecodedText(text=text, encoding=encoding, kind=kind)


# Elements that start a line of their own; every other element (span, a, strong, em,
# font, b, i, sup …) is inline and leaves its text on the line it sits in.
_HTML_BLOCK_NAMES = (
    "address article aside blockquote body caption center dd details dialog div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html legend li "
    "main nav ol p pre section summary table tbody thead tfoot tr ul"
)
_HTML_BLOCKS = frozenset(_HTML_BLOCK_NAMES.split())
_HTML_CELLS = frozenset({"td", "th"})
_HTML_SKIPPED = frozenset({"script", "style", "noscript", "template", "head"})
_HTML_BLANKS = re.compile(r"[ \t\r\n\f]+")


def _html_text(markup: str) -> str:
    """The text of a page, one block a line: inline tags never break a line.

    Block elements (``p``, ``div``, ``li``, ``h1`` …) and ``br`` end a line; a table row is
    a line with its cells joined by a tab, as in Word files; the text of inline elements
    (``span``, ``a``, ``strong`` …) runs on. Blanks in the markup collapse to one space,
    as a browser shows them (``pre`` keeps its own); blank lines are dropped.
    """
    from bs4 import BeautifulSoup  # imported here: only HTML input needs it
    from bs4.element import CData, NavigableString, Tag

    soup = BeautifulSoup(markup, "html.parser")
    parts: list[str] = []

    def walk(node: Tag, preformatted: bool) -> None:
        for child in node.children:
            if isinstance(child, Tag):
                name = child.name.lower()
                if name in _HTML_SKIPPED:
                    continue
                if name == "br":
                    parts.append("\n")
                    continue
                block = name in _HTML_BLOCKS
                if block:
                    parts.append("\n")
                elif name in _HTML_CELLS:
                    parts.append("\t")
                walk(child, preformatted or name == "pre")
                if block:
                    parts.append("\n")
            elif type(child) in (NavigableString, CData):  # not comments or declarations
                text = str(child)
                parts.append(text if preformatted else _HTML_BLANKS.sub(" ", text))

    walk(soup, False)
    lines = []
    for line in "".join(parts).split("\n"):
        cells = [cell.strip() for cell in line.split("\t")]
        joined = "\t".join(cell for cell in cells if cell)
        if joined:
            lines.append(joined)
    return "\n".join(lines)


def _docx_damage(error: Exception) -> DocxDamage:
    """Tell what is wrong with a .docx from the error reading it raised."""
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    if isinstance(error, (zipfile.BadZipFile, PackageNotFoundError)):
        return DocxDamage.NOT_ZIP
    if isinstance(error, KeyError):
        return DocxDamage.NO_BODY
    if isinstance(error, XMLSyntaxError):
        return DocxDamage.BAD_XML
    return DocxDamage.OTHER


def _docx_unreadable(error: Exception) -> IntakeInputError:
    return IntakeInputError(
        IntakeErrorCode.UNREADABLE,
        _("This .docx file cannot be read ({error}). Save it again from Word.").format(error=error),
        reason=IntakeErrorReason.DOCX_DAMAGED,
        damage=_docx_damage(error),
        error=str(error),
    )


def _docx_sizes_check(data: bytes) -> None:
    """Refuse a .docx that would unpack to far more than any plan (a zip bomb).

    The sizes are those the archive declares; `zipfile` never inflates a member past its
    declared size, so a lying archive fails its CRC check instead of filling memory.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _docx_unreadable(exc) from exc
    total = sum(member.file_size for member in members)
    body = sum(member.file_size for member in members if member.filename == DOCX_BODY)
    if total > MAX_DOCX_UNPACKED or body > MAX_DOCX_BODY:
        raise IntakeInputError(
            IntakeErrorCode.UNREADABLE,
            _(
                "This .docx file unpacks to {size:,} bytes ({body:,} of text), more than "
                "the {limit:,} bytes ({body_limit:,} of text) taken in. Split the document "
                "or save its text as .txt."
            ).format(size=total, body=body, limit=MAX_DOCX_UNPACKED, body_limit=MAX_DOCX_BODY),
            reason=IntakeErrorReason.DOCX_UNPACKED,
            size=total,
            body=body,
            limit=MAX_DOCX_UNPACKED,
            body_limit=MAX_DOCX_BODY,
        )


def _docx_text(data: bytes) -> str:
    import docx  # imported here: only Word input needs it

    _docx_sizes_check(data)
    try:
        document = docx.Document(io.BytesIO(data))
        lines = [paragraph.text for paragraph in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                cells = [cell.text.strip() for cell in row.cells]
                # Merged cells repeat their text in every grid cell they span.
                unique = [cell for i, cell in enumerate(cells) if cell and cell not in cells[:i]]
                lines.append("\t".join(unique))
    # python-docx and lxml raise many kinds of error on a damaged file (XMLSyntaxError,
    # KeyError, ValueError, AttributeError …); each one means the file cannot be read.
    except Exception as exc:
        raise _docx_unreadable(exc) from exc
    return "\n".join(lines)


def document_read(*, data: bytes, name: str, limit: int = MAX_INPUT_BYTES) -> DecodedText:
    """Read an uploaded file by its name's suffix: .txt (any listed encoding), .html, .docx.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        Its file name; only the suffix is used. ``"-"`` means text from standard input.
    limit : int
        Refuse larger files.

    Raises
    ------
    IntakeInputError
        ``UNSUPPORTED`` for other suffixes, otherwise as `bytes_decode`.
    """
    suffix = "" if name == "-" else PurePath(name).suffix.lower()
    if len(data) > limit:
        raise too_large_error(size=len(data), limit=limit, unit="bytes")
    if not data.strip():
        raise empty_error()
    if suffix in DOCX_SUFFIXES:
        return _text_checked(_docx_text(data), "docx", "docx")
    if suffix in HTML_SUFFIXES:
        decoded = bytes_decode(data=data, limit=limit)
        return _text_checked(_html_text(decoded.text), decoded.encoding, "html")
    if suffix in TEXT_SUFFIXES:
        return bytes_decode(data=data, limit=limit)
    raise IntakeInputError(
        IntakeErrorCode.UNSUPPORTED,
        _("Files of type {suffix} are not taken in; use .txt, .docx or .html.").format(
            suffix=suffix
        ),
        suffix=suffix,
    )
