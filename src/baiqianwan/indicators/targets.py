"""Targets: reading an indicator's target for a unit and year, and headquarters' per-unit
overrides.

A target is set in the system's file for each level and milestone year (2025, 2027, 2035); a
unit may have its own (an override), set in the file or by headquarters on the indicator page.
The target that counts for a unit is its own override, else its level's default.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import require, scope_prefix
from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_record
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.indicators.models import Indicator, Target
from baiqianwan.units.models import Unit


def target_for(*, indicator: Indicator, unit: Unit, year: int) -> float | None:
    """The unit's target for `year`: its own override, else its level's default (None for
    none)."""
    own = Target.objects.filter(indicator=indicator, unit=unit, year=year).first()
    if own is not None:
        return own.value
    default = Target.objects.filter(
        indicator=indicator, unit__isnull=True, level=unit.level, year=year
    ).first()
    return default.value if default is not None else None


def targets_table(
    *, indicators: Sequence[Any], units: Sequence[Any], years: Sequence[int]
) -> dict[int, np.ndarray]:
    """`target_for` of many indicators, units and years at once: year → (units,
    indicators), NaN where none. `indicators` are indicators or their ids, `units` anything
    with `pk` and `level`; two queries in all (the level defaults, then the units' own)."""
    ids = [getattr(i, "pk", i) for i in indicators]
    column = {pk: j for j, pk in enumerate(ids)}
    rows_of_level: dict[str, list[int]] = {}
    for row, unit in enumerate(units):
        rows_of_level.setdefault(unit.level, []).append(row)
    position = {unit.pk: row for row, unit in enumerate(units)}
    tables = {year: np.full((len(units), len(ids)), np.nan) for year in years}
    if not ids or not units:
        return tables
    for indicator_id, year, level, value in Target.objects.filter(
        indicator_id__in=ids, unit__isnull=True, year__in=list(years)
    ).values_list("indicator_id", "year", "level", "value"):
        if level in rows_of_level:
            tables[year][rows_of_level[level], column[indicator_id]] = value
    for indicator_id, year, unit_id, value in Target.objects.filter(
        indicator_id__in=ids, unit__isnull=False, year__in=list(years)
    ).values_list("indicator_id", "year", "unit_id", "value"):
        if unit_id in position:
            tables[year][position[unit_id], column[indicator_id]] = value
    return tables


def targets_for(*, indicator: Indicator, units: Sequence[Any], year: int) -> np.ndarray:
    """`target_for` for many units at once: one value per unit in `units`' order (NaN where
    none). `units` are units or anything with `pk` and `level`."""
    return targets_table(indicators=[indicator], units=units, years=[year])[year][:, 0]


def targets_by_level(indicator: Indicator) -> tuple[list[int], list[dict[str, Any]]]:
    """The indicator's level defaults as a table: the years, and one row per level that has
    any ({"level": ..., "values": [value or None per year]})."""
    defaults = list(Target.objects.filter(indicator=indicator, unit__isnull=True))
    years = sorted({t.year for t in defaults})
    rows = []
    for level in dict.fromkeys(t.level for t in sorted(defaults, key=_level_order)):
        by_year = {t.year: t.value for t in defaults if t.level == level}
        rows.append({"level": level, "values": [by_year.get(year) for year in years]})
    return years, rows


# Levels from the top down; a value reported at one level exists (aggregated) at those above.
LEVELS_DOWN = ("province", "city", "county", "town", "village")


def _rank(level: str) -> int:
    """Higher for higher levels (village 0 … province 4)."""
    return len(LEVELS_DOWN) - 1 - LEVELS_DOWN.index(level) if level in LEVELS_DOWN else -1


def _level_order(target: Target) -> int:
    return -_rank(target.level)


def overrides_visible(*, user: Any, indicator: Indicator) -> list[Target]:
    """The per-unit overrides of units in the user's area, by unit code and year."""
    prefix = scope_prefix(user, "indicators.read")
    return list(
        Target.objects.filter(indicator=indicator, unit__code__startswith=prefix)
        .select_related("unit")
        .order_by("unit__code", "year")
    )


def target_override_set(
    *,
    actor: Any,
    indicator: Indicator,
    unit: Unit,
    year: int,
    value: float | None,
    seen: float | None,
) -> Target | None:
    """Set (or, with `value` None, clear) a unit's own target for `year`: headquarters only,
    audited.

    `seen` is the override the editor read (None: none): if it changed since, nothing is
    stored (`Conflict`). Returns the override, or None once cleared.
    """
    require(actor, "indicators.manage", unit)
    if not 2000 <= year <= 2100:
        raise InputError(_("%(year)s is not a target year.") % {"year": year}, field="year")
    if value is not None and not np.isfinite(value):
        raise InputError(_("A target must be a finite number."), field="value")
    if indicator.levels and _rank(unit.level) < min(_rank(level) for level in indicator.levels):
        raise InputError(
            _("%(indicator)s has no values at the level of %(unit)s.")
            % {"unit": unit.name, "indicator": indicator.name},
            field="unit",
        )
    with transaction.atomic():
        current = (
            Target.objects.select_for_update()
            .filter(indicator=indicator, unit=unit, year=year)
            .first()
        )
        now = current.value if current is not None else None
        if now != seen:
            raise Conflict(
                _(
                    "Someone changed the %(year)d target of %(unit)s since you read it (now "
                    "%(value)s); nothing was stored."
                )
                % {"year": year, "unit": unit.name, "value": "—" if now is None else now}
            )
        if now == value:
            return current
        if value is None:
            assert current is not None
            current.delete()
            result = None
        elif current is None:
            result = Target.objects.create(indicator=indicator, unit=unit, year=year, value=value)
        else:
            current.value = value
            current.save(update_fields=["value"])
            result = current
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=unit,
            object_type="indicators.target",
            object_id=f"{indicator.code}/{unit.code}/{year}",
            object_repr=f"{indicator.name} {year} {unit.name}",
            changes={"indicator": indicator.code, "year": year, "target": [now, value]},
        )
    return result


__all__ = [
    "overrides_visible",
    "target_for",
    "target_override_set",
    "targets_by_level",
    "targets_for",
    "targets_table",
]
