from __future__ import annotations

from datetime import date

from ninja import Schema


class UnitOut(Schema):
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None
    urban_rural_class: str
    edition: str
    valid_from: date
    valid_to: date | None


class UnitDetailOut(UnitOut):
    ancestors: list[UnitOut]
    children_count: int


class UnitFoundOut(UnitOut):
    """A search result names the county and town it lies in (None above those levels)."""

    county: str | None
    town: str | None


class UnitPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[UnitFoundOut]
