"""Supervision notices (督办单): issue, reply, close, and the escalation of unanswered ones.

A notice presses one assignment. Headquarters issues notices to any unit of its area, a
county to its towns and villages: the issuer (the actor's home unit) is always a strict
ancestor of the addressee. Each issuer numbers its own notices per year (督办〔2025〕3号).

Unanswered, a notice climbs: `reply_by` + the plan's `escalation_days` passed, it is escalated
to the addressee's parent level (village → town → county → city); escalated and still
unanswered `interview_days` later, it is marked for an interview (约谈). The unit addressed, or
the unit it was escalated to, may reply at any point until it is closed; the issuer closes it.
Every step is a `NoticeStep` and an audit event.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import require, scope_prefix
from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_event, audit_record, audit_record_many
from baiqianwan.core.freshness import data_changed
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.notifications.choices import NotificationKind
from baiqianwan.notifications.services import notifications_send_to_unit
from baiqianwan.plans.choices import NoticeState, NoticeStepKind, PlanStatus
from baiqianwan.plans.models import Assignment, Notice, NoticeStep, Plan, notice_number
from baiqianwan.plans.selectors import in_area_or_refused
from baiqianwan.units.models import Unit

# A notice's requirement, as long as a paper 督办单 holds.
MAX_TEXT = 4000
# Numbering attempts before giving up: each failure means another issuer took the number.
NUMBER_ATTEMPTS = 5
# Rows written per statement by the escalation pass.
BATCH = 500
# The actor the audit trail names for what the daily pass does.
SYSTEM = "system"
# States in which a notice waits for its reply.
AWAITING = (NoticeState.OPEN, NoticeState.ESCALATED, NoticeState.INTERVIEW)


def notice_sequence_next(*, issuer: Unit, year: int) -> int:
    """The issuer's next number in `year` (1 for its first)."""
    last = Notice.objects.filter(issuer=issuer, year=year).aggregate(last=Max("sequence"))["last"]
    return (last or 0) + 1


def _issuer_of(actor: Any, assignment: Assignment) -> Unit:
    """The actor's home unit, when it lies strictly above the assignment's unit."""
    home = actor.home_unit
    if assignment.unit.code == home.code or not assignment.unit.code.startswith(home.prefix):
        raise PermissionDenied(
            _("A notice goes to a unit below yours; %(unit)s is not below %(home)s.")
            % {"unit": assignment.unit.name, "home": home.name}
        )
    return home


def notice_issue(
    *,
    actor: Any,
    assignment: Assignment,
    text: str,
    reply_by: date | None = None,
    today: date,
) -> Notice:
    """Issue a numbered notice on `assignment` to its unit, to be answered by `reply_by`
    (by default the plan's `notice_reply_days` after `today`).

    Raises
    ------
    InputError
        Without a requirement, with a reply-by date before `today`, or on a plan not issued.
    PermissionDenied
        When the actor's role may not issue notices, or the unit is not below theirs.
    """
    require(actor, "plans.notice", assignment)
    issuer = _issuer_of(actor, assignment)
    plan: Plan = assignment.task.plan
    if plan.status != PlanStatus.ISSUED:
        raise InputError(_("Notices are issued on the tasks of an issued plan only."))
    text = text.strip()
    if not text:
        raise InputError(_("Write what the unit must do."), field="text")
    if len(text) > MAX_TEXT:
        raise InputError(
            _("The requirement is %(length)d characters long; at most %(limit)d are kept.")
            % {"length": len(text), "limit": MAX_TEXT},
            field="text",
        )
    reply_by = reply_by or today + timedelta(days=plan.notice_reply_days)
    if reply_by < today:
        raise InputError(
            _("The reply-by date %(day)s has passed.") % {"day": reply_by.isoformat()},
            field="reply_by",
        )
    for _attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                notice = Notice.objects.create(
                    issuer=issuer,
                    year=today.year,
                    sequence=notice_sequence_next(issuer=issuer, year=today.year),
                    assignment=assignment,
                    addressee=assignment.unit,
                    text=text,
                    reply_by=reply_by,
                    issued_on=today,
                    issued_by=actor,
                )
                NoticeStep.objects.create(
                    notice=notice, kind=NoticeStepKind.ISSUED, unit=issuer, on=today, actor=actor
                )
                data_changed("plans")
                audit_record(
                    actor=actor,
                    action=Action.NOTICE,
                    obj=notice,
                    changes={
                        "number": notice.number,
                        "task": assignment.task.number,
                        "reply_by": reply_by,
                    },
                )
                notifications_send_to_unit(
                    unit=assignment.unit,
                    kind=NotificationKind.NOTICE,
                    title=_("Supervision notice %(number)s from %(issuer)s: reply by %(day)s")
                    % {"number": notice.number, "issuer": issuer.name, "day": reply_by},
                    body=text,
                    url=reverse("plans:notice", args=[notice.pk]),
                    key=f"notice:{notice.pk}",
                )
            return notice
        except IntegrityError:
            # Another notice of this issuer took the number meanwhile: take the next one.
            continue
    raise Conflict(_("Many notices are being issued at once; try again."))


def notice_repliers_may(*, actor: Any, notice: Notice) -> bool:
    """Whether the actor's home unit is the one addressed or the one escalated to. The issuer
    never answers its own notice: one escalated to the issuer's own level (a county's, from
    headquarters, to the city) still waits for the addressee's reply."""
    home_id = getattr(actor, "home_unit_id", None)
    return (
        home_id is not None
        and home_id != notice.issuer_id
        and home_id in (notice.addressee_id, notice.escalated_to_id)
    )


def notice_reply(*, actor: Any, notice: Notice, reply: str, version: int, today: date) -> Notice:
    """The addressee's (or the escalated-to unit's) reply; the notice waits for the issuer to
    close it.

    Raises
    ------
    Conflict
        When the notice changed since `version` was read (replied, escalated, closed).
    """
    require(actor, "plans.report", notice)
    if not notice_repliers_may(actor=actor, notice=notice):
        raise PermissionDenied(
            _("Only the unit addressed, or the unit it was escalated to, replies to a notice.")
        )
    if notice.state not in AWAITING:
        raise InputError(_("This notice is not waiting for a reply."))
    reply = reply.strip()
    if not reply:
        raise InputError(_("Write the reply."), field="reply")
    if len(reply) > MAX_TEXT:
        raise InputError(
            _("The reply is %(length)d characters long; at most %(limit)d are kept.")
            % {"length": len(reply), "limit": MAX_TEXT},
            field="reply",
        )
    with transaction.atomic():
        updated = Notice.objects.filter(pk=notice.pk, version=version, state__in=AWAITING).update(
            state=NoticeState.REPLIED,
            reply=reply,
            replied_on=today,
            version=F("version") + 1,
        )
        if not updated:
            raise Conflict(
                _("This notice changed meanwhile (replied, escalated or closed); reload it.")
            )
        notice.refresh_from_db()
        NoticeStep.objects.create(
            notice=notice,
            kind=NoticeStepKind.REPLIED,
            unit=actor.home_unit,
            on=today,
            actor=actor,
            note=reply,
        )
        data_changed("plans")
        audit_record(
            actor=actor,
            action=Action.REPLY,
            obj=notice,
            changes={"number": notice.number, "replied_on": today},
        )
        notifications_send_to_unit(
            unit=notice.issuer,
            kind=NotificationKind.NOTICE,
            title=_("%(unit)s replied to supervision notice %(number)s")
            % {"unit": actor.home_unit.name, "number": notice.number},
            body=reply,
            url=reverse("plans:notice", args=[notice.pk]),
            key=f"notice-reply:{notice.pk}",
        )
    return notice


def notice_close(
    *, actor: Any, notice: Notice, version: int, today: date, note: str = ""
) -> Notice:
    """The issuer closes a notice: answered to its satisfaction, or no longer needed."""
    require(actor, "plans.notice", notice)
    if getattr(actor, "home_unit_id", None) != notice.issuer_id:
        raise PermissionDenied(_("Only the issuing unit closes a notice."))
    if notice.state == NoticeState.CLOSED:
        raise InputError(_("This notice is closed already."))
    note = note.strip()[:MAX_TEXT]
    with transaction.atomic():
        updated = (
            Notice.objects.filter(pk=notice.pk, version=version)
            .exclude(state=NoticeState.CLOSED)
            .update(state=NoticeState.CLOSED, closed_on=today, version=F("version") + 1)
        )
        if not updated:
            raise Conflict(
                _("This notice changed meanwhile (replied, escalated or closed); reload it.")
            )
        notice.refresh_from_db()
        NoticeStep.objects.create(
            notice=notice,
            kind=NoticeStepKind.CLOSED,
            unit=actor.home_unit,
            on=today,
            actor=actor,
            note=note,
        )
        data_changed("plans")
        audit_record(
            actor=actor,
            action=Action.CLOSE,
            obj=notice,
            changes={"number": notice.number, "closed_on": today},
        )
    return notice


@dataclass(frozen=True, slots=True)
class EscalationResult:
    """What one pass did: the notices escalated and those marked for interview, by id."""

    escalated: tuple[int, ...] = ()
    interviews: tuple[int, ...] = ()


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _overdue(state: str, since: str, grace: str, today: date) -> QuerySet[Notice]:
    """Notices in `state` whose date `since` lies more than the plan's `grace` days before
    `today`: one condition per distinct grace value among the plans (a handful)."""
    # A closed plan's notices stay where they stand: its work is no longer pressed.
    waiting = Notice.objects.filter(state=state, assignment__task__plan__status=PlanStatus.ISSUED)
    grace_path = f"assignment__task__plan__{grace}"
    values = waiting.values_list(grace_path, flat=True).distinct().order_by()
    condition = Q(pk__in=[])
    for days in values:
        condition |= Q(**{grace_path: days, f"{since}__lt": today - timedelta(days=days)})
    return waiting.filter(condition)


def _step_and_audit(
    rows: Sequence[dict[str, Any]], *, kind: NoticeStepKind, action: Action, today: date
) -> None:
    NoticeStep.objects.bulk_create(
        [NoticeStep(notice_id=row["id"], kind=kind, unit_id=row["unit"], on=today) for row in rows],
        batch_size=BATCH,
    )
    audit_record_many(
        audit_event(
            actor=SYSTEM,
            action=action,
            object_type="plans.notice",
            object_id=str(row["id"]),
            object_repr=_number(row),
            unit_code=row["addressee__code"],
            changes={"to": row["unit_code"], "on": today},
        )
        for row in rows
    )


def _number(row: dict[str, Any]) -> str:
    return notice_number(row["year"], row["sequence"])


def _tell(
    rows: Sequence[dict[str, Any]],
    *,
    kind: NotificationKind,
    recipients: Sequence[str],
    today: date,
) -> None:
    """One notification per unit concerned (the `recipients` columns of each row), listing
    its notices: a unit hears once a day however many of its notices moved."""
    by_unit: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        for unit_id in {row[column] for column in recipients}:
            by_unit[unit_id].append(row)
    units = Unit.objects.in_bulk(list(by_unit))
    if kind == NotificationKind.ESCALATED:
        title, line = (
            _("Supervision notices escalated: %(count)d"),
            _("%(number)s to %(to)s, unanswered, was escalated to %(up)s."),
        )
    else:
        title, line = (
            _("Supervision notices marked for interview (约谈): %(count)d"),
            _("%(number)s to %(to)s: no reply since escalated to %(up)s; marked for interview."),
        )
    for unit_id, found in by_unit.items():
        notifications_send_to_unit(
            unit=units[unit_id],
            kind=kind,
            title=title % {"count": len(found)},
            body="\n".join(
                line
                % {"number": _number(row), "to": row["addressee__name"], "up": row["unit_name"]}
                for row in found[:50]
            ),
            url=reverse("plans:notices") + f"?state={found[0]['state']}",
            key=f"{kind}:{unit_id}:{today.isoformat()}",
        )


def notices_escalate(*, today: date) -> EscalationResult:
    """Escalate every unanswered notice past its grace, and mark for interview every escalated
    one unanswered past the next; idempotent for a day, and a constant number of queries per
    batch of notices (never one per notice).

    The notices are locked as they are read (PostgreSQL; SQLite writes one transaction at a
    time), so a reply and the pass never interleave: a reply sent with the version read
    before the pass is refused (409) and the unit replies again to the escalated notice.
    """
    parent = Unit.objects.filter(pk=OuterRef("addressee_id")).values("parent_id")
    fields = (
        "id",
        "year",
        "sequence",
        "issuer_id",
        "addressee_id",
        "addressee__code",
        "addressee__name",
    )
    escalated: list[int] = []
    interviews: list[int] = []
    with transaction.atomic():
        due = list(
            _overdue(NoticeState.OPEN, "reply_by", "escalation_days", today)
            .filter(addressee__parent__isnull=False)
            .select_for_update(of=("self",))
            .values(
                *fields,
                unit=F("addressee__parent_id"),
                unit_code=F("addressee__parent__code"),
                unit_name=F("addressee__parent__name"),
            )
        )
        for chunk in _chunks([row["id"] for row in due]):
            Notice.objects.filter(pk__in=chunk, state=NoticeState.OPEN).update(
                state=NoticeState.ESCALATED,
                escalated_to=Subquery(parent),
                escalated_on=today,
                version=F("version") + 1,
            )
        _step_and_audit(due, kind=NoticeStepKind.ESCALATED, action=Action.ESCALATE, today=today)
        for row in due:
            row["state"] = NoticeState.ESCALATED
        _tell(due, kind=NotificationKind.ESCALATED, recipients=("unit", "issuer_id"), today=today)
        escalated = [row["id"] for row in due]

        marked = list(
            _overdue(NoticeState.ESCALATED, "escalated_on", "interview_days", today)
            .select_for_update(of=("self",))
            .values(
                *fields,
                unit=F("escalated_to_id"),
                unit_code=F("escalated_to__code"),
                unit_name=F("escalated_to__name"),
            )
        )
        for chunk in _chunks([row["id"] for row in marked]):
            Notice.objects.filter(pk__in=chunk, state=NoticeState.ESCALATED).update(
                state=NoticeState.INTERVIEW, interview_on=today, version=F("version") + 1
            )
        _step_and_audit(marked, kind=NoticeStepKind.INTERVIEW, action=Action.INTERVIEW, today=today)
        for row in marked:
            row["state"] = NoticeState.INTERVIEW
        _tell(
            marked,
            kind=NotificationKind.INTERVIEW,
            recipients=("addressee_id", "unit", "issuer_id"),
            today=today,
        )
        interviews = [row["id"] for row in marked]
        if escalated or interviews:
            data_changed("plans")
    return EscalationResult(escalated=tuple(escalated), interviews=tuple(interviews))


# --- Reading ---------------------------------------------------------------------------------


def notices_visible(*, user: Any) -> QuerySet[Notice]:
    """The notices of the user's area: those addressed to a unit in it, and those its units
    issued (the issuer always stands above the addressee, so the second adds nothing today;
    it keeps an issuer's notices in sight should an addressee move)."""
    prefix = scope_prefix(user, "plans.read")
    return Notice.objects.filter(
        Q(addressee__code__startswith=prefix) | Q(issuer__code__startswith=prefix)
    )


def notices_listed(
    *, user: Any, state: str = "", unit: Unit | None = None, overdue: bool = False, today: date
) -> QuerySet[Notice]:
    """The list page's and the export's notices, newest first, with what a row shows.

    `unit` keeps those addressed to a unit of its subtree; `overdue` those still waiting for
    a reply after their reply-by date.
    """
    notices = notices_visible(user=user).select_related(
        "issuer", "addressee", "escalated_to", "assignment__task__plan"
    )
    if state:
        notices = notices.filter(state=state)
    if unit is not None:
        notices = notices.filter(addressee__code__startswith=unit.prefix)
    if overdue:
        notices = notices.filter(state__in=AWAITING, reply_by__lt=today)
    return notices.order_by("-issued_on", "-year", "-sequence", "-id")


def notice_get(*, user: Any, pk: int) -> Notice:
    """A notice of the user's area; 404 otherwise (one elsewhere is a security event)."""
    found = (
        notices_visible(user=user)
        .select_related(
            "issuer",
            "addressee",
            "escalated_to",
            "issued_by",
            "assignment__unit",
            "assignment__task__plan",
        )
        .filter(pk=pk)
        .first()
    )
    return in_area_or_refused(
        found,
        user=user,
        action="plans.read",
        codes_elsewhere=Notice.objects.filter(pk=pk).values_list("addressee__code", flat=True),
        message=_("No such notice."),
    )
