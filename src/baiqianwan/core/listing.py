"""One paginate helper for every list, in the pages and in the API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext as _

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class ListParamError(ValueError):
    """A list parameter is wrong; `field` names it for the error response, and the message,
    in the request's language, names it as a reader would (页码 for ``page``)."""

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


def _field_label(field: str) -> str:
    """The parameter as a reader calls it (页码 for ``page``); the API also gets `field`."""
    labels = {"page": _("The page number"), "page_size": _("The page size")}
    return labels.get(field, field)


def parse_positive_int(raw: Any, *, field: str, default: int) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ListParamError(
            field,
            _("%(field)s “%(value)s” is not a whole number")
            % {"field": _field_label(field), "value": raw},
        ) from None
    if value < 1:
        raise ListParamError(
            field,
            _("%(field)s must be 1 or more, not %(value)d")
            % {"field": _field_label(field), "value": value},
        )
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
            "page",
            _("Page %(number)d is past the last page (%(last)d)")
            % {"number": number, "last": paginator.num_pages},
        ) from None
    return Page(
        items=list(current.object_list),
        count=paginator.count,
        number=number,
        num_pages=paginator.num_pages,
        page_size=size,
    )
