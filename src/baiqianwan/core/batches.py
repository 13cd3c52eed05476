"""Reading and writing in batches every database takes: ids per `IN (...)` list and rows per
bulk write stay well under SQLite's 32,766 parameters; `rows_insert` for the largest writes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

IN_CHUNK = 900
BATCH = 5000


def chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """`items` in slices of at most `size`."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def rows_insert(table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert plain rows (values as the database takes them: JSON as its text) in bulk:
    COPY on PostgreSQL, `executemany` in batches of `BATCH` elsewhere. No model methods, no
    signals: for the large writes (a demo's values, a run's scores) whose rows are checked
    before."""
    from django.db import connection

    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        for chunk in chunks(rows, BATCH):
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", chunk)
