"""The changes `clean_text` reports are built column-wise; they equal ordinary records."""

from __future__ import annotations

from dataclasses import fields

from baiqianwan.textclean import clean_text
from baiqianwan.textclean.report import Change, ChangeKind, Span, changes_make


def test_changes_make_equals_records_built_one_by_one() -> None:
    made = changes_make(
        kinds=[ChangeKind.CONVERSION, ChangeKind.FURNITURE],
        rules=["t2s", "breadcrumb"],
        originals=[(3, 5), (10, 30)],
        cleans=[(2, 4), (8, 8)],
        befores=["發展", "当前位置：首页 > 新闻"],
        afters=["发展", ""],
    )
    assert made == (
        Change(ChangeKind.CONVERSION, "t2s", Span(3, 5), Span(2, 4), "發展", "发展"),
        Change(
            ChangeKind.FURNITURE,
            "breadcrumb",
            Span(10, 30),
            Span(8, 8),
            "当前位置：首页 > 新闻",
            "",
        ),
    )
    # Every field is set (a field added to Change and not to changes_make would be unset).
    for change in made:
        assert {field.name for field in fields(change)} == {
            "kind",
            "rule",
            "original",
            "clean",
            "before",
            "after",
        }
        for field in fields(change):
            getattr(change, field.name)
        hash(change)


def test_changes_come_in_original_order() -> None:
    result = clean_text("據(jù)說，發展很快。\n來源：新華社\n")
    starts = [(change.original.start, change.original.end) for change in result.changes]
    assert starts == sorted(starts)
    assert [change.kind for change in result.changes][:2] == [
        ChangeKind.CONVERSION,
        ChangeKind.ANNOTATION,
    ]
