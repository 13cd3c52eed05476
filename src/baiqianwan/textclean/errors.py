"""The one exception intake raises for input it cannot take, with a stable code."""

from __future__ import annotations

from enum import StrEnum
from gettext import gettext as _


class IntakeErrorCode(StrEnum):
    """Stable codes, so a page can show its own translated message."""

    EMPTY = "empty"
    BINARY = "binary"
    ENCODING = "encoding"
    TOO_LARGE = "too-large"
    UNSUPPORTED = "unsupported"
    UNREADABLE = "unreadable"


class IntakeInputError(ValueError):
    """Input that intake refuses: empty, binary, undecodable, too large or of unknown type.

    Parameters
    ----------
    code : IntakeErrorCode
        Which refusal this is.
    message : str
        A sentence for the person who supplied the input.
    """

    def __init__(self, code: IntakeErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def too_large_error(*, size: int, limit: int, unit: str) -> IntakeInputError:
    """Build the refusal for input over the size limit."""
    return IntakeInputError(
        IntakeErrorCode.TOO_LARGE,
        _(
            "The input is too large: {size:,} {unit}, the limit is {limit:,} {unit}. "
            "Split the text and take it in by parts."
        ).format(size=size, limit=limit, unit=unit),
    )


def empty_error() -> IntakeInputError:
    """Build the refusal for input with no text."""
    return IntakeInputError(IntakeErrorCode.EMPTY, _("The input is empty: there is no text."))
