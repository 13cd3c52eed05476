"""Taking a text in and saving the reviewer's ledger; each write is audited."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import require
from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_record
from baiqianwan.intake.choices import IntakeStatus
from baiqianwan.intake.draft import draft_data, draft_plan
from baiqianwan.intake.ledger import (
    LedgerDataError,
    ledger_data,
    ledger_document,
    ledger_from_document,
)
from baiqianwan.intake.models import IntakeDocument
from baiqianwan.intake.selectors import intake_stall
from baiqianwan.textclean import (
    MAX_TEXT_CHARS,
    IntakeErrorCode,
    IntakeInputError,
    clean_data,
    clean_text,
)
from baiqianwan.textclean.decode import MAX_INPUT_BYTES, DecodedText
from baiqianwan.textclean.errors import empty_error, too_large_error
from baiqianwan.units.models import Unit

TITLE_MAX = 300
# From this many characters a text is cleaned and drafted by the background worker; a
# smaller one (a few seconds' work at most) is done before the page answers.
BACKGROUND_CHARS = 200_000
# The progress the page shows: the worker has begun; the text is clean, drafting follows.
PROGRESS_STARTED = 5
PROGRESS_CLEANED = 70
OUTLINE_ITEMS = 100


class LedgerConflict(Exception):
    """Someone saved the ledger after the editor opened it."""


class RetryRefused(Exception):
    """The background work on a document is going on or over: it is not queued again."""


def _register_names(*, unit: Unit) -> list[tuple[str, str]]:
    """(name, code) of the current units under the document's unit, for matching place
    names; a name several units share (回龙镇 in 高要区 and in 德庆县) keeps all its codes.

    The taker's right was checked when the text was taken in; a job run later must not fail
    because their account has been disabled or moved since.
    """
    units = Unit.objects.current().within(unit.prefix).exclude(level="village").order_by("code")
    return list(units.values_list("name", "code"))


def input_error_message(error: IntakeInputError) -> str:
    """The reader's-language sentence for a text intake refuses."""
    messages_by_code = {
        IntakeErrorCode.EMPTY: _("The text is empty."),
        IntakeErrorCode.BINARY: _("This is not a text: the file holds binary data."),
        IntakeErrorCode.ENCODING: _("The file is in none of the encodings UTF-8, GB18030 or Big5."),
        IntakeErrorCode.TOO_LARGE: _(
            "The text is too large (at most %(mb)d MB of file or %(characters)s characters)."
        )
        % {"mb": MAX_INPUT_BYTES // 2**20, "characters": f"{MAX_TEXT_CHARS:,}"},
        IntakeErrorCode.UNSUPPORTED: _(
            "This kind of file is not read here: use .txt, .docx or .html."
        ),
        IntakeErrorCode.UNREADABLE: _("The file cannot be read: it may be damaged."),
    }
    return messages_by_code.get(error.code, _("The text cannot be taken in."))


def _worked(*, document: IntakeDocument, text: str) -> None:
    """Clean and draft `text` into `document`'s fields (not saved); progress on the way."""
    result = clean_text(text)
    _progress(document=document, progress=PROGRESS_CLEANED)
    draft = draft_plan(result.text, unit_names=_register_names(unit=document.unit))
    report = clean_data(result=result)
    report.pop("text", None)
    document.changes = report.pop("changes", [])
    document.report = report
    document.original = result.original
    document.clean_text = result.text
    document.draft = draft_data(draft=draft)
    document.outline = draft_outline(document.draft)
    document.ledger = ledger_data(draft=draft)
    document.task_count = len(document.ledger["rows"])
    document.lost_characters = report.get("counts", {}).get("lost_characters", 0)
    document.status = IntakeStatus.DONE
    document.progress = 100
    document.error = ""
    if not document.title:
        drafted_title = draft.title.text if draft.title else ""
        document.title = (drafted_title or document.source_name or _("Untitled text"))[:TITLE_MAX]


def draft_outline(data: dict[str, Any]) -> dict[str, Any]:
    """What the page shows of a draft: issuer, title, goals, groups and levers, at most
    `OUTLINE_ITEMS` of each (a 2,000,000-character text drafts thousands of levers)."""
    issuer, title = data.get("issuer") or {}, data.get("title") or {}
    levers = data.get("levers", [])
    return {
        "issuer": issuer.get("text", ""),
        "title": title.get("text", ""),
        "goals": [
            {"year": g.get("year"), "text": g.get("text", "")}
            for g in data.get("goals", [])[:OUTLINE_ITEMS]
        ],
        "groups": [g.get("name", "") for g in data.get("groups", [])[:OUTLINE_ITEMS]],
        "levers": [
            {"text": v.get("text", ""), "role": v.get("role", ""), "children": len(v["children"])}
            for v in levers[:OUTLINE_ITEMS]
        ],
        "levers_total": len(levers),
    }


def _progress(*, document: IntakeDocument, progress: int) -> None:
    """Tell the page how far the background work is (a saved document only)."""
    if document.pk is not None and document.status == IntakeStatus.RUNNING:
        IntakeDocument.objects.filter(pk=document.pk).update(
            progress=progress, updated_at=timezone.now()
        )


@transaction.atomic
def intake_create(
    *, user: Any, decoded: DecodedText, source_name: str, title: str = ""
) -> IntakeDocument:
    """Keep the text for review, cleaned and drafted into a plan and its ledger.

    A text of `BACKGROUND_CHARS` characters or more is kept as it is and queued: the worker
    cleans and drafts it (`intake_process`), and the page follows its progress.

    Raises `IntakeInputError` (from cleaning) when the text cannot be taken in.
    """
    require(user, "intake.write")
    document = IntakeDocument(
        title=title.strip()[:TITLE_MAX],
        unit=user.home_unit,
        created_by=user,
        source_name=source_name[:255],
        source_kind=decoded.kind,
        encoding=decoded.encoding,
        original=decoded.text,
        clean_text="",
        report={},
        changes=[],
        draft={},
        outline={},
        ledger={},
    )
    background = len(decoded.text) >= BACKGROUND_CHARS
    if background:
        if len(decoded.text) > MAX_TEXT_CHARS:
            raise too_large_error(size=len(decoded.text), limit=MAX_TEXT_CHARS, unit="characters")
        if not decoded.text.strip():
            raise empty_error()
        document.title = document.title or (source_name or _("Untitled text"))[:TITLE_MAX]
        document.status = IntakeStatus.QUEUED
        document.progress = 0
    else:
        _worked(document=document, text=decoded.text)
    document.save()
    audit_record(
        actor=user,
        action=Action.CREATE,
        obj=document,
        changes={
            "source": source_name,
            "encoding": decoded.encoding,
            "characters": len(decoded.text),
            "ledger_rows": document.task_count,
            "status": document.status,
        },
    )
    if background:
        transaction.on_commit(lambda: _enqueue(document_id=document.pk))
    return document


def _enqueue(*, document_id: int) -> None:
    """Queue the background work on a document and note the job, so the page can tell when
    the job failed."""
    from baiqianwan.intake.jobs import intake_process_job

    result = intake_process_job.enqueue(document_id=document_id)
    IntakeDocument.objects.filter(pk=document_id).update(task_id=result.id)


def intake_process(*, document_id: int) -> IntakeDocument:
    """The background half of `intake_create`: clean and draft a queued document.

    Idempotent: the job claims the document with a conditional update (queued → running),
    so a second job for it (a retry while the first was still alive) does nothing, and a
    job that finds the document done leaves it as it is.

    Raises whatever cleaning raises; the caller (the job) records the failure with
    `intake_fail`.
    """
    claimed = IntakeDocument.objects.filter(pk=document_id, status=IntakeStatus.QUEUED).update(
        status=IntakeStatus.RUNNING, progress=PROGRESS_STARTED, error="", updated_at=timezone.now()
    )
    document = IntakeDocument.objects.select_related("created_by", "unit").get(pk=document_id)
    if not claimed:
        return document
    _worked(document=document, text=document.original)
    with transaction.atomic():
        current = (
            IntakeDocument.objects.select_for_update()
            .filter(pk=document_id)
            .values_list("status", flat=True)
            .get()
        )
        if current != IntakeStatus.RUNNING:  # queued again meanwhile: that job does it
            return document
        document.save()
        audit_record(
            actor=document.created_by,
            action=Action.UPDATE,
            obj=document,
            changes={"status": [IntakeStatus.RUNNING, IntakeStatus.DONE]}
            | {"ledger_rows": [0, document.task_count]},
        )
    return document


@transaction.atomic
def intake_retry(*, user: Any, document: IntakeDocument) -> IntakeDocument:
    """Queue the background work on a failed or stalled document again, from the start.

    The reset is a conditional update on the state the writer saw (status, job, last
    progress), so two clicks, or two writers, queue one job.

    Raises `RetryRefused` when the work is going on normally or is done, or when someone
    queued it again a moment ago.
    """
    require(user, "intake.write", document)
    if document.status == IntakeStatus.DONE:
        raise RetryRefused(_("This text is cleaned and drafted already."))
    reason = document.error if document.status == IntakeStatus.FAILED else ""
    reason = reason or intake_stall(document=document)
    if not reason:
        raise RetryRefused(
            _("This text is being cleaned and drafted; it cannot be queued a second time.")
        )
    updated = IntakeDocument.objects.filter(
        pk=document.pk,
        status=document.status,
        task_id=document.task_id,
        updated_at=document.updated_at,
    ).update(
        status=IntakeStatus.QUEUED, progress=0, error="", task_id="", updated_at=timezone.now()
    )
    if not updated:
        raise RetryRefused(_("Someone queued this text again a moment ago."))
    audit_record(
        actor=user,
        action=Action.UPDATE,
        obj=document,
        changes={"status": [document.status, IntakeStatus.QUEUED], "retried after": reason},
    )
    transaction.on_commit(lambda: _enqueue(document_id=document.pk))
    document.refresh_from_db(fields=["status", "progress", "error", "task_id", "updated_at"])
    return document


def intake_fail(*, document_id: int, error: Exception) -> None:
    """Record why the background work on a document stopped, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        if isinstance(error, IntakeInputError):
            message = input_error_message(error)
        else:
            message = _(
                "Cleaning and drafting stopped on an unexpected error (%(kind)s). Try again; "
                "if it fails again, tell the system administrator."
            ) % {"kind": type(error).__name__}
    IntakeDocument.objects.filter(pk=document_id).update(
        status=IntakeStatus.FAILED, error=message, updated_at=timezone.now()
    )


def _row_changes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> dict[str, Any]:
    """What a save changed, row by row, as [old, new] pairs for the audit trail."""
    changes: dict[str, Any] = {}
    for index in range(max(len(old), len(new))):
        before = old[index] if index < len(old) else None
        after = new[index] if index < len(new) else None
        if before != after:
            changes[f"row {index + 1}"] = [before, after]
    return changes


@transaction.atomic
def intake_ledger_save(
    *, user: Any, document: IntakeDocument, ledger: Any, version: int
) -> IntakeDocument:
    """Replace the ledger with the reviewer's edit, unless someone saved in between.

    Raises
    ------
    LedgerDataError
        The edit names a row and field that is wrong; nothing is saved.
    LedgerConflict
        `version` is not the stored one; nothing is saved.
    """
    require(user, "intake.write", document)
    if document.status != IntakeStatus.DONE:
        raise LedgerDataError(_("The ledger is not drafted yet."))
    plan, rows = ledger_from_document(ledger)
    renumbered = [replace(row, number=str(i)) for i, row in enumerate(rows, start=1)]
    data = ledger_document(plan=plan, rows=renumbered)
    old_rows = document.ledger.get("rows", [])
    updated = IntakeDocument.objects.filter(
        pk=document.pk, version=version, status=IntakeStatus.DONE
    ).update(ledger=data, version=version + 1, task_count=len(renumbered))
    if not updated:
        raise LedgerConflict(
            _(
                "Someone else saved this ledger after you opened it. Your changes were not saved: "
                "reload the page to see theirs, then make yours again."
            )
        )
    document.refresh_from_db()
    audit_record(
        actor=user,
        action=Action.UPDATE,
        obj=document,
        changes=_row_changes(old_rows, data["rows"]) or {"rows": ["unchanged", "unchanged"]},
    )
    return document


def intake_ledger_edit(
    *,
    user: Any,
    document: IntakeDocument,
    plan_title: str,
    plan_issuer: str,
    rows: list[dict[str, Any]],
    version: int,
) -> IntakeDocument:
    """Merge the editor's plan title, issuer and rows into the stored ledger and save it
    (see `intake_ledger_save` for what is refused)."""
    stored = document.ledger
    edited = {
        **stored,
        "plan": {
            **stored.get("plan", {}),
            "title": plan_title.strip() or None,
            "issuer": plan_issuer.strip() or None,
        },
        "rows": rows,
    }
    return intake_ledger_save(user=user, document=document, ledger=edited, version=version)


__all__ = [
    "LedgerConflict",
    "LedgerDataError",
    "RetryRefused",
    "intake_create",
    "intake_fail",
    "intake_ledger_edit",
    "intake_ledger_save",
    "intake_process",
    "intake_retry",
]
