"""Reading submissions for the pages: the approval list of the units directly below a
viewer, a unit's own report (state, completeness, rule check, history), and the reporting
rate (DHIS2's reporting rate summary). A handful of queries per page, none per unit."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import require
from baiqianwan.indicators.choices import SETTLED_STATES, Severity, SubmissionState
from baiqianwan.indicators.models import (
    CollectionWindow,
    DataSet,
    DataValue,
    DataValueChange,
    Period,
    Submission,
    SubmissionStep,
)
from baiqianwan.indicators.selectors import dataset_indicators, datasets_visible
from baiqianwan.indicators.tree import Node, PeriodTree, period_tree
from baiqianwan.indicators.validation import Violation, violations

# The states in which a report has reached the level above (for the reporting rate).
SUBMITTED_STATES = frozenset(
    {SubmissionState.SUBMITTED, SubmissionState.APPROVED, SubmissionState.LOCKED}
)


@dataclass
class Row:
    """One unit's report as the level above sees it."""

    node: Node
    is_total: bool
    state: str = SubmissionState.DRAFT
    version: int = 0
    submission_pk: int | None = None
    filled: int = 0
    expected: int = 0
    blocking: int = 0
    warnings: int = 0
    last_change: datetime | None = None

    @property
    def state_label(self) -> str:
        return str(SubmissionState(self.state).label)

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.expected) if self.expected else 0


@dataclass
class Choice:
    """The data set and period a page is about, and what the viewer could choose instead."""

    datasets: list[DataSet]
    dataset: DataSet | None
    periods: list[Period]
    period: Period | None


def choice_read(*, user: Any, dataset_code: str = "", period_code: str = "") -> Choice:
    """The data set (by code, else the first visible) and period (by code, else the latest
    with a collection window) a page shows."""
    datasets = list(datasets_visible(user=user))
    dataset = next((d for d in datasets if d.code == dataset_code), None)
    if dataset is None and datasets and not dataset_code:
        dataset = datasets[0]
    periods: list[Period] = []
    period = None
    if dataset is not None:
        periods = [
            w.period
            for w in CollectionWindow.objects.filter(dataset=dataset)
            .select_related("period")
            .order_by("-period__start")
        ]
        period = next((p for p in periods if p.code == period_code.strip().upper()), None)
        if period is None and periods and not period_code:
            period = periods[0]
    return Choice(datasets=datasets, dataset=dataset, periods=periods, period=period)


def _states(tree: PeriodTree, ids: list[int]) -> dict[int, tuple[str, int, int, Any]]:
    return {
        unit_id: (state, version, pk, submitted_at)
        for unit_id, state, version, pk, submitted_at in Submission.objects.filter(
            dataset=tree.dataset, period=tree.period, unit_id__in=ids
        ).values_list("unit_id", "state", "version", "pk", "submitted_at")
    }


def rows_read(tree: PeriodTree, ids: list[int]) -> list[Row]:
    """The reports of `ids` (nodes of `tree`): state, values filled of expected (units below
    settled of units below, for a total), rule counts and the last change."""
    states = _states(tree, ids)
    entered = [i.pk for i in dataset_indicators(tree.dataset) if not i.formula]
    leaves = [pk for pk in ids if tree.is_leaf(pk)]
    filled = dict(
        DataValue.objects.filter(period=tree.period, unit_id__in=leaves, indicator_id__in=entered)
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    changed = dict(
        DataValueChange.objects.filter(
            period=tree.period, unit_id__in=leaves, indicator_id__in=entered
        )
        .values("unit_id")
        .annotate(at=Max("at"))
        .values_list("unit_id", "at")
    )
    stepped = dict(
        SubmissionStep.objects.filter(
            submission__dataset=tree.dataset,
            submission__period=tree.period,
            submission__unit_id__in=ids,
        )
        .values("submission__unit_id")
        .annotate(at=Max("at"))
        .values_list("submission__unit_id", "at")
    )
    broken: Counter[tuple[int, str]] = Counter(
        (v.unit_id, str(v.rule.severity)) for v in violations(tree.dataset, tree.period, leaves)
    )
    children = [c for pk in ids if not tree.is_leaf(pk) for c in tree.children.get(pk, [])]
    child_states = _states(tree, children)
    rows = []
    for pk in ids:
        state, version, sub_pk, _at = states.get(pk, (SubmissionState.DRAFT, 0, None, None))
        row = Row(
            node=tree.nodes[pk],
            is_total=not tree.is_leaf(pk),
            state=state,
            version=version,
            submission_pk=sub_pk,
        )
        if row.is_total:
            below = tree.children.get(pk, [])
            row.expected = len(below)
            row.filled = sum(1 for c in below if child_states.get(c, ("",))[0] in SETTLED_STATES)
        else:
            row.expected = len(entered)
            row.filled = filled.get(pk, 0)
            row.blocking = broken[(pk, Severity.BLOCKING)]
            row.warnings = broken[(pk, Severity.WARNING)]
        moments = [m for m in (changed.get(pk), stepped.get(pk)) if m is not None]
        row.last_change = max(moments) if moments else None
        rows.append(row)
    return rows


@dataclass
class ApprovalPage:
    tree: PeriodTree
    home: Node | None
    rows: list[Row] = field(default_factory=list)
    own: Row | None = None


def approval_page(*, user: Any, dataset: DataSet, period: Period) -> ApprovalPage:
    """The units directly below the viewer's home unit in the period's tree, and the
    viewer's own report (its total, above the reporting level) if it has one."""
    require(user, "indicators.approve")
    tree = period_tree(dataset, period)
    home = tree.node_by_code(user.home_unit.code)
    page = ApprovalPage(tree=tree, home=home)
    if home is None:
        return page
    page.rows = rows_read(tree, tree.children.get(home.pk, []))
    if tree.submits(home.pk):
        page.own = rows_read(tree, [home.pk])[0]
    return page


@dataclass
class StatusPage:
    tree: PeriodTree
    row: Row
    check: list[Violation]
    steps: list[SubmissionStep]
    submission: Submission | None


def status_page(*, tree: PeriodTree, node: Node) -> StatusPage:
    """One unit's report: its row, its rule check (reporting units) and its history."""
    row = rows_read(tree, [node.pk])[0]
    check: list[Violation] = []
    if not row.is_total:
        check = sorted(
            violations(tree.dataset, tree.period, [node.pk]),
            key=lambda v: (v.rule.severity != Severity.BLOCKING, v.rule.code),
        )
    submission = None
    steps: list[SubmissionStep] = []
    if row.submission_pk is not None:
        submission = Submission.objects.select_related("unit").get(pk=row.submission_pk)
        steps = list(submission.steps.select_related("actor").order_by("at", "id"))
    return StatusPage(tree=tree, row=row, check=check, steps=steps, submission=submission)


def submission_get(*, user: Any, pk: int) -> Submission:
    """A submission of the user's area (404 outside it or when there is none)."""
    submission = (
        Submission.objects.select_related("dataset", "period", "unit").filter(pk=pk).first()
    )
    if submission is None:
        raise Http404(_("Not found in your area."))
    require(user, "indicators.read", submission.unit)
    return submission


@dataclass
class RateRow:
    """DHIS2's reporting rate summary for one unit's subtree."""

    name: str
    code: str
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    waived: int = 0

    @property
    def rate(self) -> float | None:
        return round(100 * self.submitted / self.expected, 1) if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.expected, 1) if self.expected else None


@dataclass
class RatePage:
    tree: PeriodTree
    rows: list[RateRow]
    total: RateRow
    closes_on: Any


def reporting_rate(*, user: Any, dataset: DataSet, period: Period) -> RatePage:
    """For each unit directly below the viewer (the viewer's unit alone if it reports):
    reporting units expected (waived ones left out), submitted (submitted, approved or
    locked), on time (submitted by the window's closing day), and the rates."""
    require(user, "indicators.read")
    tree = period_tree(dataset, period)
    window = CollectionWindow.objects.filter(dataset=dataset, period=period).first()
    closes_on = window.closes_on if window else None
    home = tree.node_by_code(user.home_unit.code)
    if home is None:
        groups: list[int] = []
    elif tree.is_leaf(home.pk):
        groups = [home.pk]
    else:
        groups = tree.children.get(home.pk, [])
    leaves_of = {pk: tree.leaves_below(pk) for pk in groups}
    every = [leaf for leaves in leaves_of.values() for leaf in leaves]
    states: dict[int, tuple[str, int, int, Any]] = {}
    for start in range(0, len(every), 900):
        states.update(_states(tree, every[start : start + 900]))
    rows = []
    total = RateRow(name=_("Total"), code="")
    for pk in groups:
        node = tree.nodes[pk]
        row = RateRow(name=node.name, code=node.code)
        for leaf in leaves_of[pk]:
            state, _version, _pk, submitted_at = states.get(
                leaf, (SubmissionState.DRAFT, 0, 0, None)
            )
            if state == SubmissionState.WAIVED:
                row.waived += 1
                continue
            row.expected += 1
            if state in SUBMITTED_STATES:
                row.submitted += 1
                if (
                    closes_on is not None
                    and submitted_at is not None
                    and timezone.localtime(submitted_at).date() <= closes_on
                ):
                    row.on_time += 1
        rows.append(row)
        total.expected += row.expected
        total.submitted += row.submitted
        total.on_time += row.on_time
        total.waived += row.waived
    return RatePage(tree=tree, rows=rows, total=total, closes_on=closes_on)
