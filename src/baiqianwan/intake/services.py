"""Taking a text in and saving the reviewer's ledger; each write is audited."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import require, scope_prefix
from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_record
from baiqianwan.intake.draft import draft_data, draft_plan
from baiqianwan.intake.ledger import (
    LedgerDataError,
    ledger_data,
    ledger_document,
    ledger_from_document,
)
from baiqianwan.intake.models import IntakeDocument
from baiqianwan.textclean import clean_data, clean_text
from baiqianwan.textclean.decode import DecodedText
from baiqianwan.units.models import Unit

TITLE_MAX = 300


class LedgerConflict(Exception):
    """Someone saved the ledger after the editor opened it."""


def _register_names(*, user: Any) -> list[tuple[str, str]]:
    """(name, code) of the current units in the user's area, for matching place names; a
    name several units share (回龙镇 in 高要区 and in 德庆县) keeps all its codes."""
    prefix = scope_prefix(user, "intake.write")
    units = Unit.objects.current().within(prefix).exclude(level="village").order_by("code")
    return list(units.values_list("name", "code"))


@transaction.atomic
def intake_create(
    *, user: Any, decoded: DecodedText, source_name: str, title: str = ""
) -> IntakeDocument:
    """Clean the text, draft the plan and its ledger, and keep all of it for review.

    Raises `IntakeInputError` (from cleaning) when the text cannot be taken in.
    """
    require(user, "intake.write")
    result = clean_text(decoded.text)
    draft = draft_plan(result.text, unit_names=_register_names(user=user))
    report = clean_data(result=result)
    report.pop("text", None)
    drafted_title = draft.title.text if draft.title else ""
    document = IntakeDocument.objects.create(
        title=(title.strip() or drafted_title or source_name or _("Untitled text"))[:TITLE_MAX],
        unit=user.home_unit,
        created_by=user,
        source_name=source_name[:255],
        source_kind=decoded.kind,
        encoding=decoded.encoding,
        original=result.original,
        clean_text=result.text,
        report=report,
        draft=draft_data(draft=draft),
        ledger=ledger_data(draft=draft),
    )
    audit_record(
        actor=user,
        action=Action.CREATE,
        obj=document,
        changes={
            "source": source_name,
            "encoding": decoded.encoding,
            "characters": len(result.original),
            "ledger_rows": len(document.ledger["rows"]),
        },
    )
    return document


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
    plan, rows = ledger_from_document(ledger)
    renumbered = [replace(row, number=str(i)) for i, row in enumerate(rows, start=1)]
    data = ledger_document(plan=plan, rows=renumbered)
    old_rows = document.ledger.get("rows", [])
    updated = IntakeDocument.objects.filter(pk=document.pk, version=version).update(
        ledger=data, version=version + 1
    )
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


__all__ = [
    "LedgerConflict",
    "LedgerDataError",
    "intake_create",
    "intake_ledger_save",
]
