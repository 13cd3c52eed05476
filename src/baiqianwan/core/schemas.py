from __future__ import annotations

from typing import Any

from ninja import Schema


class ProblemOut(Schema):
    """RFC 9457 problem details, the body of every API error."""

    type: str
    title: str
    status: int
    detail: str
    field: str | None = None
    errors: list[dict[str, Any]] | None = None


# Errors every signed-in read may answer with.
READ_ERRORS: dict[int, type[ProblemOut]] = {
    400: ProblemOut,
    401: ProblemOut,
    403: ProblemOut,
    404: ProblemOut,
    422: ProblemOut,
}
