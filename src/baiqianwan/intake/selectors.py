"""Reads of intake documents, within the reader's area, and the highlighted text views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import OutOfScope, scope_prefix
from baiqianwan.intake.models import IntakeDocument

# Above this many characters a text is shown plain: highlighting every change would make a
# page too heavy to open.
HIGHLIGHT_LIMIT = 200_000


def intake_documents(*, user: Any) -> QuerySet[IntakeDocument]:
    prefix = scope_prefix(user, "intake.read")
    return IntakeDocument.objects.filter(unit__code__startswith=prefix).select_related(
        "unit", "created_by"
    )


def intake_get(*, user: Any, pk: int) -> IntakeDocument:
    document = intake_documents(user=user).filter(pk=pk).first()
    if document is None:
        message = _("No such document in your area.")
        elsewhere = IntakeDocument.objects.filter(pk=pk).values_list("unit__code", flat=True)
        for code in elsewhere:
            raise OutOfScope(user=user, action="intake.read", code=code, message=message)
        raise Http404(message)
    return document


@dataclass(frozen=True)
class Segment:
    text: str
    kind: str  # "" for unchanged text, else the change's kind (annotation, conversion, …)
    note: str


def text_segments(*, text: str, changes: list[dict[str, Any]], side: str) -> list[Segment]:
    """Cut `text` into unchanged and changed segments for highlighting.

    `side` is "original" or "clean": which span of each change to mark. Overlapping changes
    (one stage working on another's result) are merged into one marked segment.
    """
    if len(text) > HIGHLIGHT_LIMIT:
        return [Segment(text, "", "")]
    spans = sorted(
        (c[side]["start"], c[side]["end"], c["kind"], f"{c['before']} → {c['after']}")
        for c in changes
        if c[side]["end"] > c[side]["start"]
    )
    segments: list[Segment] = []
    position = 0
    for start, end, kind, note in spans:
        if start < position:  # overlaps the previous mark: extend it
            if segments and segments[-1].kind:
                last = segments.pop()
                segments.append(
                    Segment(last.text + text[position:end], last.kind, f"{last.note}; {note}")
                )
                position = max(position, end)
            continue
        if start > position:
            segments.append(Segment(text[position:start], "", ""))
        segments.append(Segment(text[start:end], kind, note))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:], "", ""))
    return segments
