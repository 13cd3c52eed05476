"""What a run reads: the approved values of a scheme's units, indicators and periods from the
database, or the same matrix from an uploaded spreadsheet.

A value of indicator I for unit U in period P is the unit's own reported value (`DataValue`)
or, for what the unit does not report itself, its total of the units below or a computed
indicator (`DerivedValue`). It counts as approved when U's report of a data set that holds
I is approved or locked for P. A run on values that are not all approved is refused, or,
when the user asked for it, marked provisional; the two are never mixed silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from django.db import connection
from django.db.models import QuerySet

from baiqianwan.core.batches import chunks
from baiqianwan.evaluation.engine import MILESTONES, EvaluationInputError, Inputs
from baiqianwan.evaluation.models import Scheme, UnitTrack
from baiqianwan.indicators.models import (
    DataSetMember,
    DataValue,
    DerivedValue,
    Indicator,
    Period,
    Submission,
)
from baiqianwan.indicators.rollup import COUNTED_STATES
from baiqianwan.indicators.selectors import units_valid_on, values_grid
from baiqianwan.indicators.targets import targets_table
from baiqianwan.units.choices import Kind, Level
from baiqianwan.units.models import Unit

Progress = Callable[[int, str], None]
LIKE_KINDS = (Kind.TOWN_LIKE, Kind.RESIDENTS_LIKE, Kind.VILLAGERS_LIKE)


@dataclass
class Approval:
    """Which values are not approved: per period, the units (codes) with any unapproved
    value, so a refusal can name them."""

    pending: dict[str, list[str]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not any(self.pending.values())

    def message(self, names: dict[str, str]) -> str:
        parts = []
        for period, codes in self.pending.items():
            if not codes:
                continue
            shown = "、".join(names.get(c, c) for c in codes[:5])
            more = f" 等 {len(codes)} 个单位" if len(codes) > 5 else ""
            parts.append(f"{period}：{shown}{more}")
        return "；".join(parts)


def scheme_indicators(scheme: Scheme) -> list[tuple[Indicator, float | None, str]]:
    """The scheme's indicators in order, with their given weight and subsystem."""
    return [
        (member.indicator, member.weight, member.subsystem)
        for member in scheme.members.select_related("indicator__dimension").order_by("order", "id")
    ]


def _units_query(scheme: Scheme, period: Period) -> QuerySet[Unit]:
    """The units the scheme ranks: its level within its area, valid on the period's last
    day, in code order; town-like units (farms, zones, prisons) and the committees under
    them only if the scheme includes them."""
    units = units_valid_on(period.end).filter(
        level=scheme.level, code__startswith=scheme.unit.prefix
    )
    if not scheme.include_like_units:
        units = units.exclude(kind__in=LIKE_KINDS)
    return units.order_by("code")


def scheme_units(scheme: Scheme, period: Period) -> list[Unit]:
    """`_units_query` as model instances."""
    return list(_units_query(scheme, period))


class UnitRow(NamedTuple):
    """What a run reads of a unit: a plain row, not a model instance (a province's run reads
    26,842 of them)."""

    pk: int
    code: str
    name: str
    level: str


AnyUnit = Unit | UnitRow


def _unit_rows(scheme: Scheme, period: Period) -> list[UnitRow]:
    """`scheme_units` as plain rows."""
    return [
        UnitRow(*row)
        for row in _units_query(scheme, period).values_list("id", "code", "name", "level")
    ]


def _tracks(units: Sequence[AnyUnit], year: int, prefix: str) -> list[str]:
    """Each unit's track for the year: its own, else its county's (towns and villages are
    ranked in their county's track). `prefix` is the scheme's area."""
    found = dict(
        UnitTrack.objects.filter(year=year, unit__code__startswith=prefix).values_list(
            "unit__code", "track"
        )
    )
    return [found.get(u.code) or found.get(_county(u.code), "") for u in units]


def _county(code: str) -> str:
    return code[:6].ljust(12, "0")


def _group(code: str, scheme: Scheme) -> str:
    """The unit's group for balance: its ancestor one level below the scheme's area (a
    county for a city's scheme, a town for a county's), and its county for a province's
    (Theil by county, as the programme compares them)."""
    width = {2: 6, 4: 6, 6: 9}.get(len(scheme.unit.prefix), 9)
    return code[:width].ljust(12, "0")


def _group_names(units: Sequence[AnyUnit], scheme: Scheme) -> dict[str, str]:
    codes = sorted({_group(u.code, scheme) for u in units})
    return dict(
        Unit.objects.filter(code__in=codes, valid_to__isnull=True).values_list("code", "name")
    )


def _approved(period: Period, unit_ids: np.ndarray, indicator_ids: list[int]) -> np.ndarray:
    """(units, indicators): whether the unit's report of a data set holding the indicator is
    approved or locked for the period. One query for the period's settled reports, placed
    by NumPy."""
    mask = np.zeros((len(unit_ids), len(indicator_ids)), dtype=bool)
    holds: dict[int, np.ndarray] = {}
    for dataset_id, indicator_id in DataSetMember.objects.filter(
        indicator_id__in=indicator_ids
    ).values_list("dataset_id", "indicator_id"):
        holds.setdefault(dataset_id, np.zeros(len(indicator_ids), dtype=bool))[
            indicator_ids.index(indicator_id)
        ] = True
    if not holds or not len(unit_ids):
        return mask
    datasets = sorted(holds)
    states = [str(state) for state in COUNTED_STATES]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT dataset_id, unit_id FROM {Submission._meta.db_table} "
            f"WHERE period_id = %s AND dataset_id IN ({', '.join(['%s'] * len(datasets))}) "
            f"AND state IN ({', '.join(['%s'] * len(states))})",
            [period.pk, *datasets, *states],
        )
        found = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)
    order = np.argsort(unit_ids)
    sorted_units = unit_ids[order]
    place = np.searchsorted(sorted_units, found[:, 1]).clip(0, len(sorted_units) - 1)
    known = sorted_units[place] == found[:, 1]
    rows = order[place[known]]
    table = np.stack([holds[pk] for pk in datasets])  # (data sets, indicators)
    np.logical_or.at(mask, rows, table[np.searchsorted(datasets, found[known, 0])])
    return mask


def _targets(
    members: list[tuple[Indicator, float | None, str]], units: Sequence[AnyUnit]
) -> dict[int, np.ndarray]:
    """Each milestone's targets (units × indicators, NaN where none), for the milestones
    that have any."""
    tables = targets_table(indicators=[i for i, _, _ in members], units=units, years=MILESTONES)
    return {year: table for year, table in tables.items() if np.isfinite(table).any()}


def _present(period: Period, unit_ids: np.ndarray, indicator_ids: list[int]) -> np.ndarray:
    """(units, indicators): whether the unit has a value (its own or derived) of the
    indicator in the period; the units' rows only, in chunks."""
    found = np.zeros((len(unit_ids), len(indicator_ids)), dtype=bool)
    row = {pk: i for i, pk in enumerate(unit_ids.tolist())}
    column = {pk: j for j, pk in enumerate(indicator_ids)}
    for model in (DataValue, DerivedValue):
        for chunk in chunks(unit_ids.tolist()):
            for unit_id, indicator_id in model.objects.filter(
                period=period, indicator_id__in=indicator_ids, unit_id__in=chunk
            ).values_list("unit_id", "indicator_id"):
                found[row[unit_id], column[indicator_id]] = True
    return found


def _ranked(
    scheme: Scheme, last: Period
) -> tuple[list[tuple[Indicator, float | None, str]], list[UnitRow]]:
    """The scheme's indicators and the units it ranks in the last period, or the refusal:
    no indicators, fewer than two units."""
    members = scheme_indicators(scheme)
    if not members:
        raise EvaluationInputError("方案没有指标")
    units = _unit_rows(scheme, last)
    if len(units) < 2:
        raise EvaluationInputError(
            f"{scheme.unit.name} 在 {last.code} 只有 {len(units)} 个"
            f"{Level(scheme.level).label}，无法排名"
        )
    return members, units


def approval_check(scheme: Scheme, periods: list[Period]) -> Approval:
    """Which of the scheme's values over `periods` are not approved: the `Approval` that
    `inputs_from_database` returns, with its refusals (no indicators, fewer than two units),
    without reading the matrix. Only the units whose reports are not all approved have their
    values looked up (none, once a period is approved)."""
    members, units = _ranked(scheme, periods[-1])
    unit_ids = np.asarray([u.pk for u in units], dtype=np.int64)
    indicator_ids = [i.pk for i, _, _ in members]
    approval = Approval()
    for period in periods:
        approved = _approved(period, unit_ids, indicator_ids)
        open_rows = np.flatnonzero(~approved.all(axis=1))
        present = _present(period, unit_ids[open_rows], indicator_ids)
        unapproved = present & ~approved[open_rows]
        approval.pending[period.code] = [
            units[open_rows[i]].code for i in np.flatnonzero(unapproved.any(axis=1))
        ]
    return approval


def inputs_from_database(
    scheme: Scheme, periods: list[Period], *, progress: Progress | None = None
) -> tuple[Inputs, Approval]:
    """The scheme's matrix over `periods` (ascending) from the stored values, and which of
    them are not approved."""
    members, units = _ranked(scheme, periods[-1])
    unit_ids = np.asarray([u.pk for u in units], dtype=np.int64)
    indicator_ids = [i.pk for i, _, _ in members]
    values = np.full((len(periods), len(units), len(members)), np.nan)
    approval = Approval()
    for p, period in enumerate(periods):
        if progress:
            progress(5 + 40 * p // len(periods), f"读取 {period.code} 的数值")
        # The unit's own reported value, else its total or computed value.
        own = values_grid(DataValue, period, unit_ids, indicator_ids)
        derived = values_grid(DerivedValue, period, unit_ids, indicator_ids)
        values[p] = np.where(np.isnan(own), derived, own)
        present = ~np.isnan(values[p])
        unapproved = present & ~_approved(period, unit_ids, indicator_ids)
        approval.pending[period.code] = [
            units[i].code for i in np.flatnonzero(unapproved.any(axis=1))
        ]
    targets = _targets(members, units)
    inputs = _describe(scheme, periods, units, members, values, targets)
    return inputs, approval


def inputs_from_sheets(scheme: Scheme, periods: list[Period], data: bytes, filename: str) -> Inputs:
    """The scheme's matrix from an uploaded workbook: one sheet per period named by its code
    (2024, 2025…), or, for a one-period run, the first sheet. Units in rows by their 12-digit
    code (or their exact name within the scheme's area), indicators in columns by code or
    name. Errors name the sheet, row and column."""
    from baiqianwan.tabular import TableInputError, dataset_parse, sheets_from_bytes

    wanted = [p.code for p in periods]
    try:
        sheets = sheets_from_bytes(data=data, name=filename, wanted=wanted)
    except TableInputError as exc:
        raise EvaluationInputError(str(exc)) from None
    if len(periods) > 1:
        lacking = [code for code in wanted if code not in sheets]
        if lacking:
            raise EvaluationInputError(
                f"{filename}：多期评价需要每期一个工作表，以期间代码命名；缺少：{'、'.join(lacking)}"
            )
    members = scheme_indicators(scheme)
    by_label: dict[str, int] = {}
    for j, (indicator, _, _) in enumerate(members):
        by_label[indicator.code] = j
        by_label[indicator.name] = j
    units = scheme_units(scheme, periods[-1])
    unit_row = {u.code: i for i, u in enumerate(units)}
    by_name: dict[str, list[int]] = {}
    for i, u in enumerate(units):
        by_name.setdefault(u.name, []).append(i)
    values = np.full((len(periods), len(units), len(members)), np.nan)
    for p, period in enumerate(periods):
        sheet = sheets[period.code] if len(periods) > 1 else sheets[""]
        try:
            parsed = dataset_parse({"": sheet})
        except TableInputError as exc:
            raise EvaluationInputError(str(exc)) from None
        columns = []
        for label, letter in zip(parsed.indicators, parsed.columns, strict=True):
            if label not in by_label:
                raise EvaluationInputError(
                    f"{sheet.name}!{letter}1：「{label}」不是方案的指标（按代码或名称）"
                )
            columns.append(by_label[label])
        for r, (label, row_number) in enumerate(
            zip(parsed.units, parsed.row_numbers or range(2, 2 + len(parsed.units)), strict=False)
        ):
            label = str(label).strip()
            rows = [unit_row[label]] if label in unit_row else by_name.get(label, [])
            if len(rows) != 1:
                why = "不在方案范围内" if not rows else "重名，请用 12 位代码"
                raise EvaluationInputError(f"{sheet.name}!A{row_number}：单位「{label}」{why}")
            values[p, rows[0], columns] = parsed.values[r]
    return _describe(scheme, periods, units, members, values, {})


def _describe(
    scheme: Scheme,
    periods: list[Period],
    units: Sequence[AnyUnit],
    members: list[tuple[Indicator, float | None, str]],
    values: np.ndarray,
    targets: dict[int, np.ndarray],
) -> Inputs:
    year = int(periods[-1].end.year)
    return Inputs(
        periods=[p.code for p in periods],
        years=[int(p.end.year) for p in periods],
        units=[u.code for u in units],
        names=[u.name for u in units],
        groups=[_group(u.code, scheme) for u in units],
        group_names=_group_names(units, scheme),
        tracks=_tracks(units, year, scheme.unit.prefix),
        indicators=[i.code for i, _, _ in members],
        indicator_names=[i.name for i, _, _ in members],
        directions=[i.direction for i, _, _ in members],
        dimensions=[i.dimension.name if i.dimension_id else "" for i, _, _ in members],
        subsystems=[s for _, _, s in members],
        given=[w for _, w, _ in members],
        values=values,
        targets=targets,
    )


def periods_of(codes: list[str]) -> list[Period]:
    """The periods of these codes in time order; an unknown code is named."""
    found = {p.code: p for p in Period.objects.filter(code__in=codes)}
    lacking = [c for c in codes if c not in found]
    if lacking:
        raise EvaluationInputError(f"没有这些期间：{'、'.join(lacking)}")
    return sorted(found.values(), key=lambda p: (p.start, p.end))


def unit_names(codes: list[str]) -> dict[str, str]:
    return dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))


__all__ = [
    "Approval",
    "approval_check",
    "inputs_from_database",
    "inputs_from_sheets",
    "periods_of",
    "scheme_indicators",
    "scheme_units",
    "unit_names",
]
