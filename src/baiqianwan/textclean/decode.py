"""Reading uploaded files into text: plain text in an unknown encoding, .docx and .html.

Encodings tried, in order: UTF-8 (with or without BOM), GB18030 and Big5. GB18030 accepts
most Big5 byte strings too, so when both decode, the one whose Han characters are common
in its own script wins (see `_plausibility`).
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass
from gettext import gettext as _
from pathlib import PurePath

from baiqianwan.textclean.chars import is_han
from baiqianwan.textclean.errors import (
    IntakeErrorCode,
    IntakeInputError,
    empty_error,
    too_large_error,
)

# Four MiB of file: a long plan as .docx is well under one.
MAX_INPUT_BYTES = 4 * 1024 * 1024
ENCODINGS = ("utf-8", "gb18030", "big5")
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ""})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
DOCX_SUFFIXES = frozenset({".docx"})
_BINARY_CONTROLS = frozenset(range(0, 32)) - {9, 10, 12, 13, 27}
_SAMPLE = 65536
_NOT_TEXT = frozenset({"Cn", "Co", "Cs"})  # unassigned, private use, surrogate


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Text read from bytes, with how it was read.

    Attributes
    ----------
    text : str
        The decoded text.
    encoding : str
        ``"utf-8"``, ``"utf-8-sig"``, ``"gb18030"`` or ``"big5"``; ``"docx"`` for Word files.
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


def _plausibility(text: str, encoding: str) -> float:
    """Share of Han characters that are everyday characters of the decoding's script.

    GB 2312 holds everyday simplified characters; the Big5 range A440-C67E everyday
    traditional ones. Bytes decoded with the wrong table land mostly outside both.
    """
    han = [ch for ch in text[:_SAMPLE] if is_han(ch)]
    if not han:
        return 1.0 if encoding == "gb18030" else 0.0
    everyday = 0
    for ch in han:
        try:
            ch.encode("gb2312")
            everyday += 1
            continue
        except UnicodeEncodeError:
            pass
        try:
            if 0xA440 <= int.from_bytes(ch.encode("big5"), "big") <= 0xC67E:
                everyday += 1
        except UnicodeEncodeError:
            pass
    return everyday / len(han)


def bytes_decode(*, data: bytes, limit: int = MAX_INPUT_BYTES) -> DecodedText:
    """Decode plain-text bytes, saying which encoding was used.

    Raises
    ------
    IntakeInputError
        ``TOO_LARGE`` over `limit` bytes, ``EMPTY`` with no text, ``BINARY`` for
        binary data, ``ENCODING`` if none of UTF-8, GB18030 and Big5 decodes it.
    """
    if len(data) > limit:
        raise too_large_error(size=len(data), limit=limit, unit="bytes")
    if data.startswith(b"\xef\xbb\xbf"):
        return _text_checked(data[3:].decode("utf-8", errors="replace"), "utf-8-sig", "text")
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
        raise IntakeInputError(
            IntakeErrorCode.BINARY,
            _("This looks like a binary file, not text. Upload a .txt, .docx or .html file."),
        )
    try:
        return _text_checked(data.decode("utf-8"), "utf-8", "text")
    except UnicodeDecodeError:
        pass
    decoded: list[tuple[float, str, str]] = []
    for encoding in ENCODINGS[1:]:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        decoded.append((_plausibility(text, encoding), encoding, text))
    if not decoded:
        raise IntakeInputError(
            IntakeErrorCode.ENCODING,
            _(
                "The text is in an unknown encoding: it is not UTF-8, GB18030 or Big5. "
                "Save it as UTF-8 and try again."
            ),
        )
    best = max(decoded, key=lambda found: found[0])
    return _text_checked(best[2], best[1], "text")


def _text_checked(text: str, encoding: str, kind: str) -> DecodedText:
    if not text.strip():
        raise empty_error()
    return DecodedText(text=text, encoding=encoding, kind=kind)


def _html_text(markup: str) -> str:
    from bs4 import BeautifulSoup  # imported here: only HTML input needs it

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    blocks = []
    for line in soup.get_text("\n").split("\n"):
        if line.strip():
            blocks.append(line.strip())
    return "\n".join(blocks)


def _docx_text(data: bytes) -> str:
    import docx  # imported here: only Word input needs it

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IntakeInputError(
            IntakeErrorCode.UNREADABLE,
            _("This .docx file cannot be read ({error}). Save it again from Word.").format(
                error=exc
            ),
        ) from exc
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells]
            # Merged cells repeat their text in every grid cell they span.
            unique = [cell for i, cell in enumerate(cells) if cell and cell not in cells[:i]]
            lines.append("\t".join(unique))
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
    )
