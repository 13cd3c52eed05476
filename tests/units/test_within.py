"""`Unit.objects.within(prefix)`: the subtree, asked as a range of codes."""

from __future__ import annotations

import pytest
from django.db import connection

from baiqianwan.units.models import Unit, prefix_after

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("prefix", "after"),
    [("4412", "4413"), ("4419", "442"), ("441299", "4413"), ("4", "5"), ("99", ""), ("", "")],
)
def test_prefix_after(prefix: str, after: str) -> None:
    assert prefix_after(prefix) == after


@pytest.mark.parametrize("prefix", ["", "44", "4412", "441224", "441224100", "4419", "9"])
def test_within_is_the_units_whose_code_starts_with_the_prefix(prefix: str) -> None:
    expected = set(Unit.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    assert set(Unit.objects.within(prefix).values_list("code", flat=True)) == expected


def test_within_holds_under_a_language_collation() -> None:
    """On PostgreSQL, codes compared under ICU's English order (which skips punctuation)
    give the same subtree."""
    if connection.vendor != "postgresql":
        pytest.skip("collations are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT count(*) FROM units_unit WHERE code COLLATE "en-US-x-icu" >= %s '
            'AND code COLLATE "en-US-x-icu" < %s',
            ["4412", prefix_after("4412")],
        )
        (count,) = cursor.fetchone()
    assert count == Unit.objects.filter(code__startswith="4412").count() > 0
