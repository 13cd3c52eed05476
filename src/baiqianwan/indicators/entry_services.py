"""Writing one cell of the web data-entry form (填报).

A typed cell is read by `cells.cell_value` (the one reading every channel shares) and stored
by `values.values_write` with the row's submission version as the form read it, so a row that
someone else changed meanwhile is refused whole (a conflict), never overwritten. After a save
the cell learns what the rules say about its unit now and whether the value moved unusually
against the previous period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.indicators.cells import CellProblem, cell_value, value_shown
from baiqianwan.indicators.choices import SubmissionState, ValueSource
from baiqianwan.indicators.entry_selectors import UNUSUAL_CHANGE, delta_text
from baiqianwan.indicators.formula import formula_parse
from baiqianwan.indicators.models import DataSet, DataValue, Indicator, Period, Submission
from baiqianwan.indicators.periods import PeriodError, period_previous
from baiqianwan.indicators.selectors import dataset_indicators
from baiqianwan.indicators.validation import values_matrix, violations
from baiqianwan.indicators.values import Cell, values_write, versions_read
from baiqianwan.units.models import Unit


@dataclass
class CellOutcome:
    """What a cell shows after the user typed into it.

    `status` is "saved", "invalid" (the text is no value of the indicator; nothing stored),
    "conflict" (the row changed since the form read it; nothing stored) or "refused" (the
    row or period is not open to this user; nothing stored).
    """

    status: str
    text: str  # what the input shows now
    stored_text: str  # the value stored now, which Esc restores
    version: int  # the row's submission version now
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    previous: str = ""
    delta: str = ""
    unusual: bool = False
    # The state of the row's submission after a save (a first save makes it a draft).
    state_label: str = ""
    # code → value text of the row's computed indicators, evaluated after the save
    computed: dict[str, str] = field(default_factory=dict)


def _stored(indicator: Indicator, unit: Unit, period: Period) -> float | None:
    return (
        DataValue.objects.filter(indicator=indicator, unit=unit, period=period)
        .values_list("value", flat=True)
        .first()
    )


def _uses(codes: frozenset[str], formulas: dict[str, frozenset[str]]) -> set[str]:
    """The codes a rule side reads, through the computed indicators it names."""
    seen: set[str] = set()
    pending = list(codes)
    while pending:
        code = pending.pop()
        if code in seen:
            continue
        seen.add(code)
        pending.extend(formulas.get(code, ()))
    return seen


def _warnings(
    dataset: DataSet, period: Period, unit: Unit, indicator: Indicator, indicators: list[Indicator]
) -> list[str]:
    """The rules the unit breaks now that read this indicator (directly or through a computed
    one)."""
    formulas = {i.code: formula_parse(i.formula).codes for i in indicators if i.formula}
    found = []
    for violation in violations(dataset, period, [unit.pk]):
        rule = violation.rule
        used = _uses(formula_parse(rule.left).codes | formula_parse(rule.right).codes, formulas)
        if indicator.code not in used:
            continue
        text = rule.message or rule.name
        if violation.blocking:
            found.append(_("%(rule)s: this blocks the submission.") % {"rule": text})
        else:
            found.append(_("%(rule)s: please check.") % {"rule": text})
    return found


def cell_save(
    *,
    actor: Any,
    dataset: DataSet,
    period: Period,
    unit: Unit,
    indicator: Indicator,
    raw: str,
    version: int,
    today: date,
) -> CellOutcome:
    """Read `raw` as a value of `indicator` and store it for `unit`, if the row's submission is
    still at `version`; see `CellOutcome` for what comes back. Nothing is stored unless the
    outcome is "saved"."""
    stored = _stored(indicator, unit, period)
    stored_text = value_shown(indicator, stored, indicator.decimals)
    try:
        value = cell_value(indicator, raw)
    except CellProblem as problem:
        return CellOutcome(
            status="invalid",
            text=raw,
            stored_text=stored_text,
            version=version,
            message=str(problem),
        )
    try:
        result = values_write(
            actor=actor,
            dataset=dataset,
            period=period,
            cells=[Cell(unit_id=unit.pk, indicator_id=indicator.pk, value=value)],
            source=ValueSource.FORM,
            expected_versions={unit.pk: version},
            today=today,
        )
    except Conflict as conflict:
        theirs = _stored(indicator, unit, period)
        shown = value_shown(indicator, theirs, indicator.decimals) or "—"
        return CellOutcome(
            status="conflict",
            text=raw,
            stored_text=value_shown(indicator, theirs, indicator.decimals),
            version=version,
            message=conflict.message
            + " "
            + _("The value stored now: %(value)s.") % {"value": shown},
        )
    except InputError as error:
        return CellOutcome(
            status="refused",
            text=raw,
            stored_text=stored_text,
            version=versions_read(dataset, period, [unit.pk])[unit.pk],
            message=error.message,
        )
    text = value_shown(indicator, value, indicator.decimals)
    outcome = CellOutcome(
        status="saved", text=text, stored_text=text, version=result.versions[unit.pk]
    )
    state = (
        Submission.objects.filter(dataset=dataset, period=period, unit=unit)
        .values_list("state", flat=True)
        .first()
    )
    outcome.state_label = str(SubmissionState(state).label) if state else ""
    indicators = dataset_indicators(dataset)
    outcome.warnings = _warnings(dataset, period, unit, indicator, indicators)
    computed = [i for i in indicators if i.formula]
    if computed:
        matrix = values_matrix(period, [unit.pk], indicators)
        for each in computed:
            array = matrix.get(each.code)
            number = None if array is None or array[0] != array[0] else float(array[0])
            outcome.computed[each.code] = value_shown(each, number, each.decimals)
    try:
        before = Period.objects.filter(code=period_previous(period.code)).first()
    except PeriodError:
        before = None
    old = _stored(indicator, unit, before) if before is not None else None
    outcome.previous = value_shown(indicator, old, indicator.decimals)
    if indicator.value_type != "yes_no":
        outcome.delta, outcome.unusual = delta_text(value, old)
    if outcome.unusual:
        outcome.warnings.append(
            _("More than %(share)d%% away from %(period)s (%(value)s); please check.")
            % {
                "share": round(UNUSUAL_CHANGE * 100),
                "period": before.code if before else "",
                "value": outcome.previous,
            }
        )
    return outcome


__all__ = ["CellOutcome", "cell_save"]
