"""Reading the indicators app: what a user may see, and who is expected to report."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import refuse_out_of_scope, scope_prefix
from baiqianwan.core.problems import InputError
from baiqianwan.indicators.models import DataSet, DataValue, DerivedValue, Indicator, Period
from baiqianwan.units.models import Unit


def units_valid_on(day: date) -> QuerySet[Unit]:
    """The units that existed on `day` (`valid_to` is the first day a unit no longer did)."""
    return Unit.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )


def _subtrees(prefixes: list[str]) -> Q:
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(code__startswith=prefix)
    return condition


def expected_units(dataset: DataSet, period: Period, *, within: str = "") -> QuerySet[Unit]:
    """The units expected to report `dataset` for `period`: those of its level that existed
    on the period's last day, in the subtrees it is assigned to (and under `within`, a code
    prefix, if given)."""
    prefixes = [unit.prefix for unit in dataset.assigned_to.all()]
    units = units_valid_on(period.end).filter(level=dataset.level).filter(_subtrees(prefixes))
    if within:
        units = units.filter(code__startswith=within)
    return units.order_by("code")


def datasets_visible(*, user: Any) -> QuerySet[DataSet]:
    """The data sets assigned to some part of the user's area, or to an area containing it."""
    prefix = scope_prefix(user, "indicators.read")
    home = user.home_unit
    ids = set()
    for dataset in DataSet.objects.prefetch_related("assigned_to"):
        for unit in dataset.assigned_to.all():
            if unit.code.startswith(prefix) or home.code.startswith(unit.prefix):
                ids.add(dataset.pk)
                break
    return DataSet.objects.filter(pk__in=ids).order_by("code")


def dataset_get(*, user: Any, code: str) -> DataSet:
    dataset = datasets_visible(user=user).filter(code=code).first()
    if dataset is None:
        raise InputError(_("No data set %(code)s in your area.") % {"code": code}, field="dataset")
    return dataset


def period_get(code: str) -> Period:
    period = Period.objects.filter(code=(code or "").strip().upper()).first()
    if period is None:
        raise InputError(_("No period %(code)s.") % {"code": code}, field="period")
    return period


def unit_in_area(*, user: Any, code: str, action: str = "indicators.read") -> Unit:
    """A current unit of the user's area by its code; refused (404) outside it."""
    prefix = scope_prefix(user, action)
    unit = Unit.objects.filter(valid_to__isnull=True, code=code, code__startswith=prefix).first()
    if unit is None:
        refuse_out_of_scope(user, action, code)
    return unit


def dataset_indicators(dataset: DataSet) -> list[Indicator]:
    """The data set's indicators in its order, with their dimensions."""
    return [
        member.indicator
        for member in dataset.members.select_related(
            "indicator__dimension", "indicator__dimension__parent"
        ).order_by("order", "id")
    ]


def values_grid(
    model: type[DataValue] | type[DerivedValue],
    period: Period,
    unit_ids: np.ndarray,
    indicator_ids: list[int],
) -> np.ndarray:
    """(units, indicators): the period's `model` values (reported or derived) of these units
    and indicators, in the order given, NaN where there is none. One query for the period
    and indicators, placed by NumPy (the units are not put in the query: a province has
    tens of thousands)."""
    grid = np.full((len(unit_ids), len(indicator_ids)), np.nan)
    if not len(unit_ids) or not indicator_ids:
        return grid
    unit_ids = np.asarray(unit_ids, dtype=np.int64)
    order = np.argsort(unit_ids)
    sorted_units = unit_ids[order]
    column = {pk: j for j, pk in enumerate(indicator_ids)}
    ids = np.asarray(sorted(column), dtype=np.int64)
    column_of = np.asarray([column[pk] for pk in ids.tolist()], dtype=np.int64)
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT unit_id, indicator_id, value FROM {model._meta.db_table} "
            f"WHERE period_id = %s AND indicator_id IN ({marks})",
            [period.pk, *ids.tolist()],
        )
        found = np.array(cursor.fetchall(), dtype=np.float64).reshape(-1, 3)
    units = found[:, 0].astype(np.int64)
    place = np.searchsorted(sorted_units, units).clip(0, len(sorted_units) - 1)
    known = sorted_units[place] == units
    rows = order[place[known]]
    columns = column_of[np.searchsorted(ids, found[known, 1].astype(np.int64))]
    grid[rows, columns] = found[known, 2]
    return grid
