"""Reading the data quality of one data set and period in an area: the rules each unit breaks
and the values that look unusual (`outliers`), with counts per county.

One read of the values serves both lists: the period's values matrix (units × indicators,
computed indicators included) and, for the change, the comparison period's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import scope_prefix
from baiqianwan.core.problems import InputError
from baiqianwan.indicators.choices import Severity, ValueType
from baiqianwan.indicators.models import DataSet, Indicator, Period, ValidationRule
from baiqianwan.indicators.outliers import (
    CHANGE_THRESHOLD,
    ChangeReason,
    change_outliers,
    modified_z,
)
from baiqianwan.indicators.periods import period_previous, period_same_last_year
from baiqianwan.indicators.selectors import dataset_indicators, expected_units
from baiqianwan.indicators.validation import rules_for, values_matrix, violations_in
from baiqianwan.units.codes import parent_code_of
from baiqianwan.units.models import Unit

# How the change is measured: against the same period a year before, or the one before.
COMPARE_YEAR = "year"
COMPARE_PREVIOUS = "previous"
# Who a unit's peers are: its siblings (same parent), or every unit of the level in the area.
PEERS_SIBLINGS = "siblings"
PEERS_AREA = "area"
# Which outliers: by change, by z-score, or both.
METHOD_CHANGE = "change"
METHOD_Z = "z"


@dataclass(frozen=True)
class Place:
    """A unit as the lists show it: code, name and its county's name."""

    id: int
    code: str
    name: str
    county_code: str
    county: str


@dataclass(frozen=True)
class ViolationRow:
    unit: Place
    rule: ValidationRule
    left: float
    right: float

    @property
    def blocking(self) -> bool:
        return self.rule.severity == Severity.BLOCKING


@dataclass(frozen=True)
class OutlierRow:
    unit: Place
    indicator: Indicator
    value: float
    previous: float | None
    change: float | None  # relative, 0.6 for +60 %
    reason: int  # ChangeReason
    z: float | None
    median: float | None
    by_change: bool
    by_z: bool

    @property
    def why(self) -> str:
        """What the change did, when the change is why the value is listed."""
        return reason_label(self.reason) if self.by_change else ""


@dataclass
class CountyCount:
    code: str
    name: str
    units: int = 0
    blocking: int = 0
    warning: int = 0
    outliers: int = 0


@dataclass
class QualityReport:
    dataset: DataSet
    period: Period
    compared_with: Period | None
    units: int
    violations: list[ViolationRow]
    outliers: list[OutlierRow]
    counties: list[CountyCount]
    rules: list[ValidationRule] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    # Values present of those expected, for the reader to weigh the lists.
    values_present: int = 0
    values_expected: int = 0


def reason_label(reason: int) -> str:
    """What a `ChangeReason` code says, for the page and the export."""
    return {
        ChangeReason.NONE: "",
        ChangeReason.RISE: _("Rose beyond the threshold"),
        ChangeReason.FALL: _("Fell beyond the threshold"),
        ChangeReason.SIGN_FLIP: _("Changed sign"),
        ChangeReason.FROM_ZERO: _("Was zero"),
        ChangeReason.TO_ZERO: _("Fell to zero"),
    }[ChangeReason(reason)]


def comparison_period(period: Period, compare: str) -> Period | None:
    """The period the change is measured against, if it exists."""
    if compare not in (COMPARE_YEAR, COMPARE_PREVIOUS):
        raise InputError(
            _("Compare with the same period last year or the one before."), field="compare"
        )
    code = (
        period_same_last_year(period.code)
        if compare == COMPARE_YEAR
        else period_previous(period.code)
    )
    return Period.objects.filter(code=code).first()


def _places(units: list[tuple[int, str, str]]) -> list[Place]:
    county_codes = {code[:6].ljust(12, "0") for _id, code, _name in units}
    names = dict(
        Unit.objects.filter(code__in=county_codes, valid_to__isnull=True).values_list(
            "code", "name"
        )
    )
    return [
        Place(
            id=pk,
            code=code,
            name=name,
            county_code=code[:6].ljust(12, "0"),
            county=names.get(code[:6].ljust(12, "0"), code[:6]),
        )
        for pk, code, name in units
    ]


def _columns(matrix: dict[str, np.ndarray], codes: list[str], rows: int) -> np.ndarray:
    """The matrix's values of `codes` as units × indicators (NaN for a code it lacks)."""
    if not codes:
        return np.empty((rows, 0))
    return np.column_stack([matrix.get(code, np.full(rows, np.nan)) for code in codes])


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def quality_report(
    *,
    user: Any,
    dataset: DataSet,
    period: Period,
    within: Unit | None = None,
    severity: str = "",
    rule: str = "",
    indicator: str = "",
    method: str = "",
    compare: str = COMPARE_YEAR,
    peers: str = PEERS_SIBLINGS,
    threshold: float = CHANGE_THRESHOLD,
) -> QualityReport:
    """The violations and outliers of `dataset` for `period` among the units expected to
    report it in the user's area (or the subtree of `within`, which the caller has checked
    lies in it), filtered by severity, rule code, indicator code and outlier method.

    Counts per county are of the filtered lists. Peers for the z-score are the siblings
    (same parent) or every unit of the list.
    """
    area = within.prefix if within is not None else scope_prefix(user, "indicators.read")
    if severity and severity not in Severity.values:
        raise InputError(_("Choose blocking or warning."), field="severity")
    if peers not in (PEERS_SIBLINGS, PEERS_AREA):
        raise InputError(_("Peers are the siblings or the whole area."), field="peers")
    if method not in ("", METHOD_CHANGE, METHOD_Z):
        raise InputError(_("Choose the change or the z-score."), field="method")
    if not 0 < threshold <= 10:
        raise InputError(_("The change threshold is a percentage above 0."), field="threshold")
    compared_with = comparison_period(period, compare)
    indicators = dataset_indicators(dataset)
    by_code = {i.code: i for i in indicators}
    if indicator and indicator not in by_code:
        raise InputError(
            _("%(code)s is not an indicator of %(dataset)s.")
            % {"code": indicator, "dataset": dataset.name},
            field="indicator",
        )
    all_rules = rules_for(dataset, indicators)
    if rule and rule not in {r.code for r, _left, _right in all_rules}:
        raise InputError(
            _("Rule %(code)s is not checked in %(dataset)s.")
            % {"code": rule, "dataset": dataset.name},
            field="rule",
        )
    places = _places(
        list(expected_units(dataset, period, within=area).values_list("id", "code", "name"))
    )
    ids = [p.id for p in places]
    matrix = values_matrix(period, ids, indicators) if ids else {}
    entered = [i.code for i in indicators if not i.formula]
    present = int(sum(np.isfinite(matrix[c]).sum() for c in entered if c in matrix))

    chosen = [
        (r, left, right)
        for r, left, right in all_rules
        if (not severity or r.severity == severity)
        and (not rule or r.code == rule)
        and (not indicator or indicator in left.codes | right.codes)
    ]
    position = {p.id: p for p in places}
    violation_rows = [
        ViolationRow(unit=position[v.unit_id], rule=v.rule, left=v.left, right=v.right)
        for v in (violations_in(chosen, matrix, ids) if ids and chosen else [])
    ]

    judged = [
        i
        for i in indicators
        if i.value_type != ValueType.YES_NO and (not indicator or i.code == indicator)
    ]
    codes = [i.code for i in judged]
    current = _columns(matrix, codes, len(ids))
    if compared_with is not None and ids:
        before = _columns(values_matrix(compared_with, ids, indicators), codes, len(ids))
    else:
        before = np.full(current.shape, np.nan)
    change = change_outliers(current, before, threshold=threshold)
    groups = (
        np.array([parent_code_of(p.code) or "" for p in places])
        if peers == PEERS_SIBLINGS
        else None
    )
    z = modified_z(current, groups)
    by_change = change.flagged if method != METHOD_Z else np.zeros(current.shape, dtype=bool)
    by_z = z.flagged if method != METHOD_CHANGE else np.zeros(current.shape, dtype=bool)
    outlier_rows = [
        OutlierRow(
            unit=places[row],
            indicator=judged[col],
            value=float(current[row, col]),
            previous=_finite(before[row, col]),
            change=_finite(change.change[row, col]),
            reason=int(change.reason[row, col]) if by_change[row, col] else 0,
            z=_finite(z.z[row, col]),
            median=_finite(z.median[row, col]),
            by_change=bool(by_change[row, col]),
            by_z=bool(by_z[row, col]),
        )
        for row, col in np.argwhere(by_change | by_z).tolist()
    ]

    counties: dict[str, CountyCount] = {}
    for place in places:
        count = counties.setdefault(place.county_code, CountyCount(place.county_code, place.county))
        count.units += 1
    for v in violation_rows:
        if v.blocking:
            counties[v.unit.county_code].blocking += 1
        else:
            counties[v.unit.county_code].warning += 1
    for o in outlier_rows:
        counties[o.unit.county_code].outliers += 1
    return QualityReport(
        dataset=dataset,
        period=period,
        compared_with=compared_with,
        units=len(places),
        violations=violation_rows,
        outliers=outlier_rows,
        counties=sorted(counties.values(), key=lambda c: c.code),
        rules=[r for r, _left, _right in all_rules],
        indicators=indicators,
        values_present=present,
        values_expected=len(ids) * len(entered),
    )
