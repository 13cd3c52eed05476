"""Writes of the indicators app other than values (values.py) and submissions (flows.py).

Lock exceptions: after a data set's period closes, entry locks for everyone; headquarters
may let one unit keep entering (and submitting) until a date, with a reason. Granting and
revoking are audited; `values.values_write` and `flows.submission_submit` honour an
exception that is not revoked and whose end date has not passed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import require
from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_record
from baiqianwan.core.problems import InputError
from baiqianwan.indicators.models import CollectionWindow, DataSet, LockException, Period
from baiqianwan.indicators.tree import period_tree
from baiqianwan.units.models import Unit

REASON_LIMIT = 300


def lock_exception_grant(
    *,
    actor: Any,
    dataset: DataSet,
    period: Period,
    unit: Unit,
    until: date,
    reason: str,
    today: date | None = None,
) -> LockException:
    """Let `unit` enter `dataset`'s values for `period` until `until` (inclusive).

    Headquarters only (`indicators.manage`). Refused: a unit that has no report of the data
    set in the period's tree, an end date in the past or before the window closes (no
    exception is needed then), an empty or over-long reason, and a second live exception for
    the same unit (revoke it first).
    """
    require(actor, "indicators.manage", unit)
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise InputError(_("Give the reason for the exception."), field="reason")
    if len(reason) > REASON_LIMIT:
        raise InputError(
            _("The reason is longer than %(limit)d characters.") % {"limit": REASON_LIMIT},
            field="reason",
        )
    tree = period_tree(dataset, period)
    node = tree.nodes.get(unit.pk) or tree.node_by_code(unit.code)
    if node is None or not tree.is_leaf(node.pk):
        raise InputError(
            _("%(unit)s does not enter %(dataset)s for %(period)s.")
            % {"unit": unit.name, "dataset": dataset.name, "period": period.code},
            field="unit",
        )
    if until < today:
        raise InputError(_("The end date has passed."), field="until")
    window = CollectionWindow.objects.filter(dataset=dataset, period=period).first()
    if window is None:
        raise InputError(
            _("%(period)s is not open for %(dataset)s.")
            % {"period": period.code, "dataset": dataset.name},
            field="period",
        )
    if until <= window.closes_on:
        raise InputError(
            _("The window is open until %(date)s; an exception must end after that.")
            % {"date": window.closes_on.isoformat()},
            field="until",
        )
    with transaction.atomic():
        live = LockException.objects.select_for_update().filter(
            dataset=dataset,
            period=period,
            unit_id=node.pk,
            revoked_at__isnull=True,
            until__gte=today,
        )
        if live.exists():
            raise InputError(
                _("%(unit)s holds an exception already; revoke it first.") % {"unit": unit.name},
                field="unit",
            )
        exception = LockException.objects.create(
            dataset=dataset,
            period=period,
            unit_id=node.pk,
            until=until,
            reason=reason,
            granted_by=actor,
        )
        audit_record(
            actor=actor,
            action=Action.LOCK_EXCEPTION,
            obj=exception,
            object_repr=f"{dataset.name} {period.code} {unit.name}",
            changes={"until": until, "reason": reason, "period": period.code},
        )
    return exception


def lock_exception_revoke(*, actor: Any, exception: LockException) -> LockException:
    """End an exception now (audited); revoking one revoked already is refused."""
    require(actor, "indicators.manage", exception.unit)
    with transaction.atomic():
        updated = LockException.objects.filter(pk=exception.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if not updated:
            raise InputError(_("This exception was revoked already."), field="exception")
        exception.refresh_from_db()
        audit_record(
            actor=actor,
            action=Action.LOCK_EXCEPTION,
            obj=exception,
            object_repr=(f"{exception.dataset.name} {exception.period.code} {exception.unit.name}"),
            changes={"revoked": exception.revoked_at},
        )
    return exception


__all__ = ["lock_exception_grant", "lock_exception_revoke"]
