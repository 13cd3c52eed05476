"""The one exception intake raises for input it cannot take, with a stable code and values.

The English sentence (``str(error)``, ``error.message``) is for the command line. A page in
another language builds its own sentence from ``code``, ``reason`` and ``values``, which is
why every figure the sentence names is also kept as a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from gettext import gettext as _
from types import MappingProxyType


class IntakeErrorCode(StrEnum):
    """Stable codes, so a page can show its own translated message."""

    EMPTY = "empty"
    BINARY = "binary"
    ENCODING = "encoding"
    TOO_LARGE = "too-large"
    UNSUPPORTED = "unsupported"
    UNREADABLE = "unreadable"


class IntakeErrorReason(StrEnum):
    """Which refusal within a code, each with its own values (listed beside it).

    ``EMPTY``: no values. ``FURNITURE_ONLY``: no values. ``BINARY``: ``offset`` (of the
    first control byte) and ``byte`` (its value). ``BOM_NOT_UTF8``: ``offset`` (of the first
    byte that is not UTF-8, counting from 0). ``UNKNOWN_ENCODING``: ``encodings`` (the ones
    tried, a tuple) and ``offset`` (of the first byte that is not UTF-8). ``TOO_LARGE``:
    ``size``, ``limit`` and ``unit`` (``"bytes"`` or ``"characters"``). ``UNSUPPORTED``:
    ``suffix`` (as seen, ``""`` for none). ``DOCX_DAMAGED``: ``damage`` (a `DocxDamage`)
    and ``error`` (the reading library's own words, English). ``DOCX_UNPACKED``: ``size``,
    ``body``, ``limit`` and ``body_limit`` (bytes).
    """

    EMPTY = "empty"
    FURNITURE_ONLY = "furniture-only"
    BINARY = "binary"
    BOM_NOT_UTF8 = "bom-not-utf8"
    UNKNOWN_ENCODING = "unknown-encoding"
    TOO_LARGE = "too-large"
    UNSUPPORTED = "unsupported"
    DOCX_DAMAGED = "docx-damaged"
    DOCX_UNPACKED = "docx-unpacked"


class DocxDamage(StrEnum):
    """How a .docx file is damaged, as far as can be told."""

    NOT_ZIP = "not-zip"
    NO_BODY = "no-body"
    BAD_XML = "bad-xml"
    OTHER = "other"


class IntakeInputError(ValueError):
    """Input that intake refuses: empty, binary, undecodable, too large or of unknown type.

    Parameters
    ----------
    code : IntakeErrorCode
        Which refusal this is.
    message : str
        A sentence for the person who supplied the input (English; ``str(error)``).
    reason : IntakeErrorReason, optional
        Which refusal within `code`; by default the reason of the same name as `code`.
    **values
        The figures and names `message` states (see `IntakeErrorReason`), kept read-only
        in ``values`` so a page can state them in its own language.
    """

    def __init__(
        self,
        code: IntakeErrorCode,
        message: str,
        *,
        reason: IntakeErrorReason | None = None,
        **values: object,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason if reason is not None else _DEFAULT_REASONS[code]
        self.values: Mapping[str, object] = MappingProxyType(dict(values))


_DEFAULT_REASONS = {
    IntakeErrorCode.EMPTY: IntakeErrorReason.EMPTY,
    IntakeErrorCode.BINARY: IntakeErrorReason.BINARY,
    IntakeErrorCode.ENCODING: IntakeErrorReason.UNKNOWN_ENCODING,
    IntakeErrorCode.TOO_LARGE: IntakeErrorReason.TOO_LARGE,
    IntakeErrorCode.UNSUPPORTED: IntakeErrorReason.UNSUPPORTED,
    IntakeErrorCode.UNREADABLE: IntakeErrorReason.DOCX_DAMAGED,
}


def too_large_error(*, size: int, limit: int, unit: str) -> IntakeInputError:
    """Build the refusal for input over the size limit; `unit` is "bytes" or "characters"."""
    return IntakeInputError(
        IntakeErrorCode.TOO_LARGE,
        _(
            "The input is too large: {size:,} {unit}, the limit is {limit:,} {unit}. "
            "Split the text and take it in by parts."
        ).format(size=size, limit=limit, unit=unit),
        size=size,
        limit=limit,
        unit=unit,
    )


def empty_error() -> IntakeInputError:
    """Build the refusal for input with no text."""
    return IntakeInputError(IntakeErrorCode.EMPTY, _("The input is empty: there is no text."))
