"""Reads of intake documents, within the reader's area, and the highlighted text views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks.exceptions import TaskResultDoesNotExist

from baiqianwan.accounts.policy import OutOfScope, scope_prefix
from baiqianwan.intake.choices import IntakeStatus
from baiqianwan.intake.models import IntakeDocument

# Above this many characters a text is shown plain: highlighting every change would make a
# page too heavy to open.
HIGHLIGHT_LIMIT = 200_000


# The columns a list or an export shows: never the texts, the report, the draft or the ledger.
LIST_COLUMNS = (
    "id",
    "title",
    "unit__name",
    "created_by__username",
    "created_at",
    "source_name",
    "encoding",
    "task_count",
    "lost_characters",
    "status",
    "progress",
    "updated_at",
    "task_id",
)
# The large columns a detail page does not read: the texts (a part at a time, through
# `intake_text_part`) and the draft (its outline instead).
TEXT_COLUMNS = ("original", "clean_text", "changes", "draft")
TEXT_SIDES = {"original": "original", "clean": "clean_text"}
# What the progress of the background work is read from.
STATUS_COLUMNS = ("id", "status", "progress", "error", "updated_at", "task_id")
# A text is shown this many characters at a time, so a page never holds millions of them.
PART_CHARS = 20_000
# A read-only ledger is shown this many tasks at a time.
LEDGER_PAGE_ROWS = 100


def _scoped(*, user: Any) -> QuerySet[IntakeDocument]:
    prefix = scope_prefix(user, "intake.read")
    return IntakeDocument.objects.filter(unit__code__startswith=prefix)


def _missing(*, user: Any, pk: int) -> Http404:
    """Not found in the reader's area: out of scope (recorded) when it exists elsewhere."""
    message = _("No such document in your area.")
    elsewhere = IntakeDocument.objects.filter(pk=pk).values_list("unit__code", flat=True)
    for code in elsewhere:
        return OutOfScope(user=user, action="intake.read", code=code, message=message)
    return Http404(message)


def intake_documents(*, user: Any) -> QuerySet[IntakeDocument]:
    """The documents in the reader's area, with the list's columns only."""
    return _scoped(user=user).select_related("unit", "created_by").only(*LIST_COLUMNS)


def intake_get(*, user: Any, pk: int) -> IntakeDocument:
    """One document in the reader's area, without its texts, their changes and the draft."""
    document = (
        _scoped(user=user)
        .select_related("unit", "created_by")
        .defer(*TEXT_COLUMNS)
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise _missing(user=user, pk=pk)
    return document


def intake_status(*, user: Any, pk: int) -> IntakeDocument:
    """How far the cleaning and drafting of a document is."""
    document = (
        _scoped(user=user)
        .select_related("unit")
        .only(*STATUS_COLUMNS, "unit__code")
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise _missing(user=user, pk=pk)
    return document


def intake_stall(*, document: IntakeDocument) -> str:
    """Why the background work on a queued or running document has stopped, or "" while it
    goes on (and for a document that is done or failed).

    It has stopped when the worker's record of the job says it failed or ended with the
    document unfinished, or when the job has shown no progress (`updated_at`, which every
    step of the job touches) for `INTAKE_STALL_MINUTES`: a worker killed mid-job leaves its
    record running for ever.
    """
    if document.status not in (IntakeStatus.QUEUED, IntakeStatus.RUNNING):
        return ""
    if document.task_id:
        try:
            result = default_task_backend.get_result(document.task_id)
        except TaskResultDoesNotExist:
            return _("The background job's record is gone: the queue was emptied.")
        if result.status == TaskResultStatus.FAILED:
            return _("The background job failed before it could record why.")
        if result.status == TaskResultStatus.SUCCESSFUL:
            return _("The background job ended without finishing the text.")
    minutes = settings.INTAKE_STALL_MINUTES
    if document.updated_at < timezone.now() - timedelta(minutes=minutes):
        return _(
            "No progress for more than %(minutes)d minutes: the background worker may have "
            "stopped or the machine restarted."
        ) % {"minutes": minutes}
    return ""


@dataclass(frozen=True)
class TextPart:
    side: str  # "original" or "clean"
    number: int  # 1-based
    count: int
    start: int  # offset of the part's first character in the whole text
    length: int  # of the whole text
    segments: list[Segment]

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count


def intake_text_part(*, user: Any, pk: int, side: str, number: int) -> TextPart:
    """Part `number` (1-based, clamped to the parts there are) of a document's original or
    clean text, highlighted when the text is short enough; only that part is read from the
    database when it is not."""
    column = TEXT_SIDES.get(side)
    if column is None:
        raise Http404(_("No such text."))
    documents = _scoped(user=user).filter(pk=pk)
    length = documents.annotate(length=Length(column)).values_list("length", flat=True).first()
    if length is None:
        raise _missing(user=user, pk=pk)
    count = max(1, -(-length // PART_CHARS))
    number = min(max(number, 1), count)
    start = (number - 1) * PART_CHARS
    end = min(start + PART_CHARS, length)
    if length <= HIGHLIGHT_LIMIT:
        text, changes = documents.values_list(column, "changes").get()
        segments = text_segments(text=text, changes=changes, side=side, start=start, end=end)
    else:
        part = (
            documents.annotate(part=Substr(column, start + 1, PART_CHARS))
            .values_list("part", flat=True)
            .get()
        )
        segments = [Segment(part, "", "")]
    return TextPart(
        side=side, number=number, count=count, start=start, length=length, segments=segments
    )


@dataclass(frozen=True)
class LedgerRowsPage:
    rows: list[dict[str, Any]]
    number: int  # 1-based
    count: int
    total: int  # tasks in the whole ledger

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None


def ledger_rows_page(*, ledger: dict[str, Any], number: int) -> LedgerRowsPage:
    """Page `number` (1-based, clamped to the pages there are) of a ledger's tasks."""
    rows = ledger.get("rows", [])
    count = max(1, -(-len(rows) // LEDGER_PAGE_ROWS))
    number = min(max(number, 1), count)
    start = (number - 1) * LEDGER_PAGE_ROWS
    return LedgerRowsPage(
        rows=rows[start : start + LEDGER_PAGE_ROWS], number=number, count=count, total=len(rows)
    )


@dataclass(frozen=True)
class Segment:
    text: str
    kind: str  # "" for unchanged text, else the change's kind (annotation, conversion, …)
    note: str


def text_segments(
    *,
    text: str,
    changes: list[dict[str, Any]],
    side: str,
    start: int = 0,
    end: int | None = None,
) -> list[Segment]:
    """Cut `text[start:end]` into unchanged and changed segments for highlighting.

    `side` is "original" or "clean": which span of each change to mark. Overlapping changes
    (one stage working on another's result) are merged into one marked segment; a change
    across `start` or `end` is marked up to the edge.
    """
    end = len(text) if end is None else min(end, len(text))
    if len(text) > HIGHLIGHT_LIMIT:
        return [Segment(text[start:end], "", "")]
    spans = sorted(
        (
            max(c[side]["start"], start),
            min(c[side]["end"], end),
            c["kind"],
            f"{c['before']} → {c['after']}",
        )
        for c in changes
        if c[side]["end"] > c[side]["start"] and c[side]["end"] > start and c[side]["start"] < end
    )
    segments: list[Segment] = []
    position = start
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
    if position < end:
        segments.append(Segment(text[position:end], "", ""))
    return segments
