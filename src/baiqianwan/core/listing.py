"""One paginate helper for every list, in the pages and in the API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.db.models import QuerySet

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class ListParamError(ValueError):
    """A list parameter is wrong; `field` names it for the error response."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    count: int
    number: int
    num_pages: int
    page_size: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def parse_positive_int(raw: Any, *, field: str, default: int) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ListParamError(field, f"{field}={raw!r} is not a whole number") from None
    if value < 1:
        raise ListParamError(field, f"{field}={value} must be 1 or more")
    return value


def list_paginate(
    queryset: QuerySet[Any],
    *,
    page: Any = None,
    page_size: Any = None,
) -> Page:
    """Cut one page of the queryset, in its own order.

    A page past the end is an error, not a silent empty page, so clients notice.
    """
    number = parse_positive_int(page, field="page", default=1)
    size = min(
        parse_positive_int(page_size, field="page_size", default=DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE
    )
    paginator = Paginator(queryset, size)
    try:
        current = paginator.page(number)
    except EmptyPage:
        if number == 1:
            return Page(items=[], count=0, number=1, num_pages=1, page_size=size)
        raise ListParamError(
            "page", f"page={number} is past the last page ({paginator.num_pages})"
        ) from None
    return Page(
        items=list(current.object_list),
        count=paginator.count,
        number=number,
        num_pages=paginator.num_pages,
        page_size=size,
    )
