"""A data set's submissions on their way up the tree: submit, approve, return, waive, lock.

DHIS2's approval levels, over the period's tree (`tree.period_tree`):

- a reporting unit (a village, for a village data set) submits its values; the unit directly
  above it (its town) approves or returns them, or waives a unit that has no one to report;
- each unit above, up to the counties, then submits *its total* of the same data set (a
  `Submission` of that data set for the town), once every unit directly below it is approved
  or waived; its own parent approves it (the county a town's, headquarters a county's);
- headquarters locks a period of a data set, or a subtree of it, once everything in it is
  settled.

The approver is an account with `indicators.approve` whose home unit is the parent of the
submission's unit in the period's tree (headquarters, at the city, for a county). Every move
records a `SubmissionStep`, bumps the submission's `version` (so a stale page gets a
`Conflict`), is audited, and notifies: the level above on submit, the unit on approval and on
return. Approving, returning an approved report and waiving refresh the totals of the unit's
ancestors at once (`rollup.rollup_refresh`).

There is no unlock: a locked period is final (the figures have gone into evaluations and
briefings). A mistake found before the lock is corrected by returning the report; the lock
exception (`services.lock_exception_grant`) only lifts a closed window, not an approval.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import ACTIONS, require
from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_record
from baiqianwan.core.freshness import data_changed
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.indicators.choices import (
    EDITABLE_STATES,
    SETTLED_STATES,
    Severity,
    SubmissionState,
)
from baiqianwan.indicators.models import DataSet, Period, Submission, SubmissionStep
from baiqianwan.indicators.rollup import rollup_refresh
from baiqianwan.indicators.tree import Node, PeriodTree, period_tree
from baiqianwan.indicators.validation import Violation, violations
from baiqianwan.indicators.values import (
    excepted_unit_ids,
    names_listed,
    submissions_ensure,
    window_refusal,
)
from baiqianwan.notifications.choices import NotificationKind
from baiqianwan.notifications.services import notifications_send_to_unit
from baiqianwan.units.models import Unit

COMMENT_LIMIT = 2000


@dataclass
class SubmitResult:
    submission: Submission
    warnings: list[Violation] = field(default_factory=list)


def _comment(comment: str, *, missing: str) -> str:
    """A return's or a waiver's comment, required and at most `COMMENT_LIMIT` long."""
    comment = (comment or "").strip()
    if not comment:
        raise InputError(missing, field="comment")
    if len(comment) > COMMENT_LIMIT:
        raise InputError(
            _("The comment is longer than %(limit)d characters.") % {"limit": COMMENT_LIMIT},
            field="comment",
        )
    return comment


def _node(tree: PeriodTree, unit: Unit) -> Node:
    node = tree.nodes.get(unit.pk) or tree.node_by_code(unit.code)
    if node is None or not tree.submits(node.pk):
        raise InputError(
            _("%(unit)s does not report %(dataset)s for %(period)s.")
            % {"unit": unit.name, "dataset": tree.dataset.name, "period": tree.period.code},
            field="unit",
        )
    return node


def _submission(tree: PeriodTree, node: Node) -> Submission:
    submissions_ensure(tree.dataset, tree.period, [node.pk])
    return Submission.objects.select_related("unit", "dataset", "period").get(
        dataset=tree.dataset, period=tree.period, unit_id=node.pk
    )


def _move(
    *,
    submission: Submission,
    actor: Any,
    to: str,
    allowed_from: Sequence[str],
    version: int | None,
    comment: str = "",
    **fields: Any,
) -> Submission:
    """Change the state if it still is what the caller saw: one conditional UPDATE, so two
    approvers clicking at once cannot both win."""
    state_from = submission.state
    if state_from not in allowed_from:
        raise InputError(
            _("%(unit)s's report is %(state)s; this cannot be done now.")
            % {"unit": submission.unit.name, "state": SubmissionState(state_from).label},
            field="state",
        )
    query = Submission.objects.filter(pk=submission.pk, state=state_from)
    if version is not None:
        query = query.filter(version=version)
    updated = query.update(state=to, version=F("version") + 1, comment=comment, **fields)
    if not updated:
        raise Conflict(
            _("Someone changed %(unit)s's report since you opened it; reload the page.")
            % {"unit": submission.unit.name}
        )
    SubmissionStep.objects.create(
        submission=submission,
        state_from=state_from,
        state_to=to,
        actor=actor if getattr(actor, "pk", None) else None,
        comment=comment,
    )
    submission.refresh_from_db()
    data_changed("indicators")
    return submission


def _audit(actor: Any, action: Action, submission: Submission, **changes: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=submission,
        object_repr=(f"{submission.dataset.name} {submission.period.code} {submission.unit.name}"),
        changes={"state": submission.state, "version": submission.version, **changes},
    )


def _url(submission: Submission) -> str:
    return reverse("indicators:submission", args=[submission.pk])


def _unsettled_children(tree: PeriodTree, node: Node) -> list[str]:
    """The names of the units directly below `node` whose report is not approved or waived."""
    children = tree.children.get(node.pk, [])
    settled = set(
        Submission.objects.filter(
            dataset=tree.dataset,
            period=tree.period,
            unit_id__in=children,
            state__in=SETTLED_STATES,
        ).values_list("unit_id", flat=True)
    )
    return [tree.nodes[child].name for child in children if child not in settled]


def _require_children_settled(tree: PeriodTree, node: Node) -> None:
    if tree.is_leaf(node.pk):
        return
    waiting = _unsettled_children(tree, node)
    if waiting:
        raise InputError(
            _(
                "%(unit)s's total waits for %(count)d unit(s) below it to be approved or "
                "waived: %(names)s."
            )
            % {
                "unit": node.name,
                "count": len(waiting),
                "names": names_listed(waiting, sort=False),
            },
            field="state",
        )


def _parent_unit(tree: PeriodTree, node: Node) -> Unit:
    if node.parent is None:
        raise InputError(_("%(unit)s has no level above it.") % {"unit": node.name})
    return Unit.objects.get(pk=node.parent)


def _require_approver(actor: Any, tree: PeriodTree, node: Node) -> None:
    """An account with `indicators.approve` whose home unit is the parent of the unit."""
    require(actor, "indicators.approve")
    parent = tree.nodes.get(node.parent) if node.parent is not None else None
    if parent is None or actor.home_unit.code != parent.code:
        require(actor, "indicators.approve", node.code)
        raise PermissionDenied(
            _("%(unit)s's report is approved by %(parent)s, the level directly above it.")
            % {"unit": node.name, "parent": parent.name if parent else "—"}
        )


def _blocking_message(found: list[Violation], tree: PeriodTree) -> str:
    parts = [
        _("%(rule)s (%(left)s %(operator)s %(right)s)")
        % {
            "rule": v.rule.name,
            "left": f"{v.left:g}",
            "operator": v.rule.get_operator_display(),
            "right": f"{v.right:g}",
        }
        for v in found
    ]
    return _("Blocking rules are broken; correct the values first: %(rules)s.") % {
        "rules": names_listed(parts, sort=False)
    }


def submission_check(*, dataset: DataSet, period: Period, unit: Unit) -> list[Violation]:
    """The rules a reporting unit's values break now (blocking first); a total has none."""
    tree = period_tree(dataset, period)
    node = _node(tree, unit)
    if not tree.is_leaf(node.pk):
        return []
    found = violations(dataset, period, [node.pk])
    return sorted(found, key=lambda v: (v.rule.severity != Severity.BLOCKING, v.rule.code))


def submission_submit(
    *,
    actor: Any,
    dataset: DataSet,
    period: Period,
    unit: Unit,
    version: int | None = None,
    today: date | None = None,
) -> SubmitResult:
    """Submit a unit's values (or its total) to the level above.

    Refused: a unit outside the actor's area (404) or one that does not report the data set;
    a report not in draft or returned; for a reporting unit, a closed window (unless the unit
    holds a lock exception) and broken blocking rules (each listed with its values); for a
    total, units directly below not yet approved or waived (listed). Warnings come back.
    """
    require(actor, "indicators.enter", unit)
    today = today or timezone.localdate()
    tree = period_tree(dataset, period)
    node = _node(tree, unit)
    warnings: list[Violation] = []
    if tree.is_leaf(node.pk):
        refusal, liftable = window_refusal(dataset, period, today=today)
        if refusal and not (
            liftable and node.pk in excepted_unit_ids(dataset, period, today=today)
        ):
            raise InputError(refusal, field="period")
        found = violations(dataset, period, [node.pk])
        blocking = [v for v in found if v.blocking]
        if blocking:
            raise InputError(_blocking_message(blocking, tree), field="values")
        warnings = [v for v in found if not v.blocking]
    else:
        _require_children_settled(tree, node)
    now = timezone.now()
    with transaction.atomic():
        submission = _submission(tree, node)
        submission = _move(
            submission=submission,
            actor=actor,
            to=SubmissionState.SUBMITTED,
            allowed_from=sorted(EDITABLE_STATES),
            version=version,
            submitted_at=now,
            submitted_by=actor,
            decided_at=None,
            decided_by=None,
        )
        _audit(actor, Action.SUBMIT, submission, warnings=len(warnings))
        notifications_send_to_unit(
            unit=_parent_unit(tree, node),
            kind=NotificationKind.REVIEW,
            title=_("%(unit)s submitted %(dataset)s for %(period)s")
            % {"unit": node.name, "dataset": dataset.name, "period": period.code},
            url=_url(submission),
            key=f"indicators.submission:{submission.pk}:{submission.version}:submit",
            roles=sorted(ACTIONS["indicators.approve"]),
        )
    return SubmitResult(submission=submission, warnings=warnings)


def submission_approve(
    *,
    actor: Any,
    dataset: DataSet,
    period: Period,
    unit: Unit,
    version: int | None = None,
    tree: PeriodTree | None = None,
    refresh: bool = True,
) -> Submission:
    """Approve a submitted report as the level directly above; the totals of the unit's
    ancestors are refreshed in the same transaction (`refresh=False` leaves that to the
    caller: `submissions_decide` refreshes once for all it approved; `tree` saves reading the
    period's tree again)."""
    tree = tree if tree is not None else period_tree(dataset, period)
    node = _node(tree, unit)
    _require_approver(actor, tree, node)
    _require_children_settled(tree, node)
    now = timezone.now()
    with transaction.atomic():
        submission = _submission(tree, node)
        submission = _move(
            submission=submission,
            actor=actor,
            to=SubmissionState.APPROVED,
            allowed_from=[SubmissionState.SUBMITTED],
            version=version,
            decided_at=now,
            decided_by=actor,
        )
        if refresh:
            rollup_refresh(dataset=dataset, period=period, units=[node.pk], now=now, tree=tree)
        _audit(actor, Action.APPROVE, submission)
        notifications_send_to_unit(
            unit=submission.unit,
            kind=NotificationKind.GENERAL,
            title=_("%(dataset)s for %(period)s was approved")
            % {"dataset": dataset.name, "period": period.code},
            url=_url(submission),
            key=f"indicators.submission:{submission.pk}:{submission.version}:approve",
        )
    return submission


def submission_return(
    *,
    actor: Any,
    dataset: DataSet,
    period: Period,
    unit: Unit,
    comment: str,
    version: int | None = None,
    tree: PeriodTree | None = None,
    refresh: bool = True,
) -> Submission:
    """Send a submitted (or approved) report back for correction, with a comment saying
    why; its values are editable again. An approved report can come back only while the
    total above it is not yet submitted; its values then leave the totals at once."""
    comment = _comment(comment, missing=_("Say why the report goes back."))
    tree = tree if tree is not None else period_tree(dataset, period)
    node = _node(tree, unit)
    _require_approver(actor, tree, node)
    parent = tree.nodes.get(node.parent) if node.parent is not None else None
    if parent is not None and tree.submits(parent.pk):
        above = Submission.objects.filter(dataset=dataset, period=period, unit_id=parent.pk).first()
        if above is not None and above.state not in EDITABLE_STATES:
            raise InputError(
                _("%(parent)s's total is %(state)s already; it must come back first.")
                % {"parent": parent.name, "state": SubmissionState(above.state).label},
                field="state",
            )
    now = timezone.now()
    with transaction.atomic():
        submission = _submission(tree, node)
        was_approved = submission.state == SubmissionState.APPROVED
        submission = _move(
            submission=submission,
            actor=actor,
            to=SubmissionState.RETURNED,
            allowed_from=[SubmissionState.SUBMITTED, SubmissionState.APPROVED],
            version=version,
            comment=comment,
            decided_at=now,
            decided_by=actor,
        )
        if was_approved and refresh:
            rollup_refresh(dataset=dataset, period=period, units=[node.pk], now=now, tree=tree)
        _audit(actor, Action.RETURN, submission, comment=comment)
        notifications_send_to_unit(
            unit=submission.unit,
            kind=NotificationKind.RETURNED,
            title=_("%(dataset)s for %(period)s was returned")
            % {"dataset": dataset.name, "period": period.code},
            body=comment[:500],
            url=_url(submission),
            key=f"indicators.submission:{submission.pk}:{submission.version}:return",
        )
    return submission


def submission_waive(
    *,
    actor: Any,
    dataset: DataSet,
    period: Period,
    unit: Unit,
    comment: str,
    version: int | None = None,
    tree: PeriodTree | None = None,
    refresh: bool = True,
) -> Submission:
    """Let a unit's report be skipped (no one to report, a unit being merged), with the
    reason; the total above can then go ahead without it. Only a report not yet approved."""
    comment = _comment(comment, missing=_("Say why the report is waived."))
    tree = tree if tree is not None else period_tree(dataset, period)
    node = _node(tree, unit)
    _require_approver(actor, tree, node)
    now = timezone.now()
    with transaction.atomic():
        submission = _submission(tree, node)
        submission = _move(
            submission=submission,
            actor=actor,
            to=SubmissionState.WAIVED,
            allowed_from=[
                SubmissionState.DRAFT,
                SubmissionState.RETURNED,
                SubmissionState.SUBMITTED,
            ],
            version=version,
            comment=comment,
            decided_at=now,
            decided_by=actor,
        )
        if refresh:
            rollup_refresh(dataset=dataset, period=period, units=[node.pk], now=now, tree=tree)
        _audit(actor, Action.WAIVE, submission, comment=comment)
        notifications_send_to_unit(
            unit=submission.unit,
            kind=NotificationKind.GENERAL,
            title=_("%(dataset)s for %(period)s was waived")
            % {"dataset": dataset.name, "period": period.code},
            body=comment[:500],
            url=_url(submission),
            key=f"indicators.submission:{submission.pk}:{submission.version}:waive",
        )
    return submission


DECISIONS: dict[str, Callable[..., Submission]] = {
    "approve": submission_approve,
    "return": submission_return,
    "waive": submission_waive,
}


@dataclass
class DecideResult:
    done: list[Submission] = field(default_factory=list)
    # (unit, why) for each unit refused
    refused: list[tuple[Unit, str]] = field(default_factory=list)


def submissions_decide(
    *,
    actor: Any,
    dataset: DataSet,
    period: Period,
    decision: str,
    units: Sequence[tuple[Unit, int | None]],
    comment: str = "",
) -> DecideResult:
    """Approve, return or waive several reports (each unit with the version the approver
    saw): each is decided on its own, as `submission_approve` & co. would, and a refused one
    does not stop the others; the totals are refreshed once, for all that went through."""
    if decision not in DECISIONS:
        raise InputError(_("Choose to approve, return or waive."), field="decision")
    tree = period_tree(dataset, period)
    result = DecideResult()
    for unit, version in units:
        kwargs: dict[str, Any] = {
            "actor": actor,
            "dataset": dataset,
            "period": period,
            "unit": unit,
            "version": version,
            "tree": tree,
            "refresh": False,
        }
        if decision != "approve":
            kwargs["comment"] = comment
        try:
            with transaction.atomic():
                result.done.append(DECISIONS[decision](**kwargs))
        except (InputError, Conflict) as error:
            result.refused.append((unit, error.message))
        except PermissionDenied as error:
            result.refused.append((unit, str(error)))
    if result.done:
        rollup_refresh(
            dataset=dataset, period=period, units=[s.unit_id for s in result.done], tree=tree
        )
    return result


def submission_lock(
    *, actor: Any, dataset: DataSet, period: Period, within: Unit | None = None
) -> int:
    """Headquarters locks a period of a data set (or the subtree of `within`): every
    approved report in it becomes locked. Refused while any report in it is not approved or
    waived (listed). Returns how many reports were locked."""
    require(actor, "indicators.manage")
    tree = period_tree(dataset, period)
    if within is not None:
        require(actor, "indicators.manage", within)
        root = tree.node_by_code(within.code)
        if root is None:
            raise InputError(
                _("%(unit)s is not in %(dataset)s's tree for %(period)s.")
                % {"unit": within.name, "dataset": dataset.name, "period": period.code},
                field="unit",
            )
        members = {root.pk} | {pk for pk in tree.nodes if root.pk in tree.ancestors(pk)}
    else:
        members = set(tree.nodes)
    members = {pk for pk in members if tree.submits(pk)}
    states = dict(
        Submission.objects.filter(dataset=dataset, period=period).values_list("unit_id", "state")
    )
    waiting = sorted(
        (tree.nodes[pk].code, tree.nodes[pk].name)
        for pk in members
        if states.get(pk, SubmissionState.DRAFT) not in SETTLED_STATES
    )
    if waiting:
        raise InputError(
            _("%(count)d report(s) are not approved or waived yet: %(names)s.")
            % {
                "count": len(waiting),
                "names": names_listed([name for _code, name in waiting], sort=False),
            },
            field="state",
        )
    with transaction.atomic():
        to_lock = list(
            Submission.objects.select_for_update()
            .filter(
                dataset=dataset,
                period=period,
                unit_id__in=sorted(members),
                state=SubmissionState.APPROVED,
            )
            .values_list("pk", flat=True)
        )
        Submission.objects.filter(pk__in=to_lock).update(
            state=SubmissionState.LOCKED, version=F("version") + 1
        )
        SubmissionStep.objects.bulk_create(
            [
                SubmissionStep(
                    submission_id=pk,
                    state_from=SubmissionState.APPROVED,
                    state_to=SubmissionState.LOCKED,
                    actor=actor,
                )
                for pk in to_lock
            ]
        )
        audit_record(
            actor=actor,
            action=Action.LOCK,
            obj=dataset,
            object_repr=f"{dataset.name} {period.code}",
            changes={
                "period": period.code,
                "within": within.code if within is not None else "",
                "locked": len(to_lock),
            },
        )
    return len(to_lock)


__all__ = [
    "DecideResult",
    "SubmitResult",
    "submission_approve",
    "submission_check",
    "submission_lock",
    "submission_return",
    "submission_submit",
    "submission_waive",
    "submissions_decide",
]
