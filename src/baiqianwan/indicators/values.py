"""The one way values are stored: `values_write`. Forms, uploads, the API and the demo all
come here, so every write is checked the same way and leaves the same history.

A write is all-or-nothing. Before anything is stored it refuses, naming the units or
indicators: units outside the writer's area or not expected to report the data set, indicators
not in it or computed, a period not open (or closed, unless the unit holds a lock exception),
units whose report is submitted or approved already, and, when the caller read versions
before (an upload's preview, a form's cell), any unit changed since (`Conflict`). Every stored
change keeps old, new, who, when and from where (`DataValueChange`); a missing value is no
row, never zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from baiqianwan.accounts.policy import require, scope_prefix
from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_record
from baiqianwan.core.batches import BATCH, chunks, rows_insert
from baiqianwan.core.freshness import data_changed
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.indicators.choices import EDITABLE_STATES, SubmissionState, ValueSource
from baiqianwan.indicators.models import (
    CollectionWindow,
    DataSet,
    DataValue,
    DataValueChange,
    LockException,
    Period,
    Submission,
)
from baiqianwan.indicators.selectors import expected_units

# How many names a refusal lists before it says "and N more".
NAMES_SHOWN = 10


@dataclass(frozen=True, slots=True)
class Cell:
    """One value to store: None clears it (missing). Slotted: an upload holds a million."""

    unit_id: int
    indicator_id: int
    value: float | None


@dataclass
class WriteResult:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    cleared: int = 0
    # unit id → its submission's version after the write
    versions: dict[int, int] = field(default_factory=dict)

    @property
    def stored(self) -> int:
        return self.new + self.changed + self.cleared


def names_listed(items: Iterable[str], *, sort: bool = True) -> str:
    """Names for a refusal: the first `NAMES_SHOWN` (sorted and without repeats unless `sort`
    is False), then "and N more"."""
    items = sorted(set(items)) if sort else list(items)
    shown = "、".join(items[:NAMES_SHOWN])
    if len(items) > NAMES_SHOWN:
        shown += _(" and %(count)d more") % {"count": len(items) - NAMES_SHOWN}
    return shown


def window_refusal(dataset: DataSet, period: Period, *, today: date) -> tuple[str, bool]:
    """Why the period is not open for entry (and whether a lock exception could lift that):
    ("", False) when it is open."""
    window = CollectionWindow.objects.filter(dataset=dataset, period=period).first()
    if window is None:
        return (
            _("%(period)s is not open for %(dataset)s.")
            % {"period": period.code, "dataset": dataset.name},
            False,
        )
    if today < window.opens_on:
        return (
            _("%(period)s opens for entry on %(date)s.")
            % {"period": period.code, "date": window.opens_on.isoformat()},
            False,
        )
    if today > window.closes_on:
        return (
            _("%(period)s closed for entry on %(date)s; headquarters can grant an exception.")
            % {"period": period.code, "date": window.closes_on.isoformat()},
            True,
        )
    return "", False


def excepted_unit_ids(dataset: DataSet, period: Period, *, today: date) -> set[int]:
    """The units holding a lock exception for the period today."""
    return set(
        LockException.objects.filter(
            dataset=dataset, period=period, until__gte=today, revoked_at__isnull=True
        ).values_list("unit_id", flat=True)
    )


def submissions_ensure(dataset: DataSet, period: Period, unit_ids: Iterable[int]) -> None:
    """A draft submission row for each unit that has none yet."""
    wanted = set(unit_ids)
    have: set[int] = set()
    for chunk in chunks(sorted(wanted)):
        have.update(
            Submission.objects.filter(
                dataset=dataset, period=period, unit_id__in=chunk
            ).values_list("unit_id", flat=True)
        )
    Submission.objects.bulk_create(
        [
            Submission(dataset=dataset, period=period, unit_id=u, version=0)
            for u in sorted(wanted - have)
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )


def _check_units(
    *, actor: Any, dataset: DataSet, period: Period, unit_ids: set[int]
) -> dict[int, tuple[str, str]]:
    """unit id → (code, name) of the units written; refuses units outside the writer's area
    or not expected to report the data set."""
    prefix = scope_prefix(actor, "indicators.enter") if actor is not None else ""
    expected = dict(
        (pk, (code, name))
        for pk, code, name in expected_units(dataset, period).values_list("id", "code", "name")
    )
    unexpected = unit_ids - expected.keys()
    if unexpected:
        from baiqianwan.units.models import Unit

        names = Unit.objects.filter(pk__in=list(unexpected)[: NAMES_SHOWN * 2]).values_list(
            "name", flat=True
        )
        raise InputError(
            ngettext(
                "%(count)d unit does not report %(dataset)s: %(names)s.",
                "%(count)d units do not report %(dataset)s: %(names)s.",
                len(unexpected),
            )
            % {"count": len(unexpected), "dataset": dataset.name, "names": names_listed(names)},
            field="unit",
        )
    outside = [expected[u][1] for u in unit_ids if not expected[u][0].startswith(prefix)]
    if outside:
        raise InputError(
            _("Outside your area: %(names)s.") % {"names": names_listed(outside)}, field="unit"
        )
    return {u: expected[u] for u in unit_ids}


def _check_indicators(dataset: DataSet, indicator_ids: set[int]) -> None:
    members = {
        member.indicator_id: member.indicator
        for member in dataset.members.select_related("indicator")
    }
    foreign = indicator_ids - members.keys()
    if foreign:
        raise InputError(
            _("Not in %(dataset)s: indicator ids %(ids)s.")
            % {"dataset": dataset.name, "ids": names_listed(str(i) for i in foreign)},
            field="indicator",
        )
    computed = [members[i].name for i in indicator_ids if members[i].formula]
    if computed:
        raise InputError(
            _("Computed by formula, never entered: %(names)s.") % {"names": names_listed(computed)},
            field="indicator",
        )


def values_existing(
    *, period: Period, unit_ids: Sequence[int], indicator_ids: Sequence[int]
) -> dict[tuple[int, int], float]:
    """(unit id, indicator id) → stored value, read in chunks of units."""
    found: dict[tuple[int, int], float] = {}
    for chunk in chunks(sorted(unit_ids)):
        rows = DataValue.objects.filter(
            period=period, unit_id__in=chunk, indicator_id__in=indicator_ids
        ).values_list("unit_id", "indicator_id", "value")
        for unit_id, indicator_id, value in rows:
            found[(unit_id, indicator_id)] = value
    return found


def _upsert(rows: list[tuple[Any, ...]]) -> None:
    table = DataValue._meta.db_table
    sql = (
        f"INSERT INTO {table} (indicator_id, unit_id, period_id, value, comment, source, "
        "stored_by_id, stored_at, is_demo) VALUES (%s, %s, %s, %s, '', %s, %s, %s, %s) "
        "ON CONFLICT (indicator_id, unit_id, period_id) DO UPDATE SET value = excluded.value, "
        "source = excluded.source, stored_by_id = excluded.stored_by_id, "
        "stored_at = excluded.stored_at, is_demo = excluded.is_demo"
    )
    with connection.cursor() as cursor:
        for chunk in chunks(rows, BATCH):
            cursor.executemany(sql, chunk)


HISTORY_COLUMNS = (
    "indicator_id",
    "unit_id",
    "period_id",
    "old",
    "new",
    "source",
    "actor_id",
    "at",
    "upload_id",
)


def _history(rows: list[tuple[Any, ...]]) -> None:
    rows_insert(
        DataValueChange._meta.db_table,
        HISTORY_COLUMNS,
        rows,
    )


def _delete(period: Period, keys: list[tuple[int, int]]) -> None:
    by_unit: dict[int, list[int]] = {}
    for unit_id, indicator_id in keys:
        by_unit.setdefault(unit_id, []).append(indicator_id)
    for unit_id, indicator_ids in by_unit.items():
        DataValue.objects.filter(
            period=period, unit_id=unit_id, indicator_id__in=indicator_ids
        ).delete()


def _lock_and_check(
    *,
    dataset: DataSet,
    period: Period,
    units: Mapping[int, tuple[str, str]],
    expected_versions: Mapping[int, int] | None,
) -> dict[int, int]:
    """Take the units' submissions for this write (bumping their versions is the first write
    of the transaction, so a concurrent write waits, on SQLite and PostgreSQL alike), then
    refuse what is not editable or changed since `expected_versions`. Returns the new
    versions."""
    unit_ids = sorted(units)
    for chunk in chunks(unit_ids):
        Submission.objects.filter(dataset=dataset, period=period, unit_id__in=chunk).update(
            version=F("version") + 1
        )
    versions: dict[int, int] = {}
    not_editable: list[str] = []
    for chunk in chunks(unit_ids):
        for unit_id, state, version in Submission.objects.filter(
            dataset=dataset, period=period, unit_id__in=chunk
        ).values_list("unit_id", "state", "version"):
            versions[unit_id] = version
            if state not in EDITABLE_STATES:
                not_editable.append(f"{units[unit_id][1]}（{SubmissionState(state).label}）")
    if not_editable:
        raise InputError(
            _(
                "These units' reports are no longer open for changes; the level above can "
                "return them: %(names)s."
            )
            % {"names": names_listed(not_editable)},
            field="unit",
        )
    if expected_versions is not None:
        changed = [
            units[u][1]
            for u in unit_ids
            if versions.get(u) != expected_versions.get(u, expected_versions.get(str(u), 0)) + 1  # type: ignore[call-overload]
        ]
        if changed:
            raise Conflict(
                _(
                    "Someone changed the values of %(names)s since you read them; nothing "
                    "was stored. Reload and try again."
                )
                % {"names": names_listed(changed)}
            )
    return versions


def versions_read(dataset: DataSet, period: Period, unit_ids: Iterable[int]) -> dict[int, int]:
    """The current submission version of each unit (0 for a unit with none yet): what a
    preview or a form remembers, to pass back as `expected_versions`."""
    ids = sorted(set(unit_ids))
    versions = dict.fromkeys(ids, 0)
    for chunk in chunks(ids):
        versions.update(
            Submission.objects.filter(
                dataset=dataset, period=period, unit_id__in=chunk
            ).values_list("unit_id", "version")
        )
    return versions


def values_write(
    *,
    actor: Any,
    dataset: DataSet,
    period: Period,
    cells: Sequence[Cell],
    source: str,
    expected_versions: Mapping[int, int] | None = None,
    upload: Any = None,
    is_demo: bool = False,
    today: date | None = None,
    now: datetime | None = None,
    audit: bool = True,
) -> WriteResult:
    """Store `cells` all-or-nothing; see the module's docstring for what is refused.

    `actor` None is the platform itself (the demo, a command): no area, no window check.
    `expected_versions` (unit id → version read before, 0 for none) makes a write whose
    units changed meanwhile a `Conflict`. Returns the counts and the units' new versions.
    """
    ValueSource(source)
    today = today or timezone.localdate()
    now = now or timezone.now()
    if actor is not None:
        require(actor, "indicators.enter")
    for cell in cells:
        if cell.value is not None and not math.isfinite(cell.value):
            raise InputError(_("Values must be finite numbers."), field="value")
    keys = [(c.unit_id, c.indicator_id) for c in cells]
    if len(set(keys)) != len(keys):
        raise InputError(_("The same unit and indicator are given twice."), field="value")
    unit_ids = {c.unit_id for c in cells}
    indicator_ids = {c.indicator_id for c in cells}
    result = WriteResult()
    if not cells:
        return result
    units = (
        _check_units(actor=actor, dataset=dataset, period=period, unit_ids=unit_ids)
        if actor is not None
        else _units_plain(unit_ids)
    )
    _check_indicators(dataset, indicator_ids)
    if actor is not None:
        refusal, liftable = window_refusal(dataset, period, today=today)
        if refusal:
            closed = (
                unit_ids - excepted_unit_ids(dataset, period, today=today) if liftable else unit_ids
            )
            if closed:
                raise InputError(refusal, field="period")
    actor_id = getattr(actor, "pk", None)
    upload_id = getattr(upload, "pk", None)
    # Adapted once for the backend, not once per row by the driver (a million rows' worth).
    stamp = connection.ops.adapt_datetimefield_value(now)
    with transaction.atomic():
        submissions_ensure(dataset, period, unit_ids)
        result.versions = _lock_and_check(
            dataset=dataset, period=period, units=units, expected_versions=expected_versions
        )
        existing = values_existing(
            period=period, unit_ids=sorted(unit_ids), indicator_ids=sorted(indicator_ids)
        )
        upserts: list[tuple[Any, ...]] = []
        clears: list[tuple[int, int]] = []
        history: list[tuple[Any, ...]] = []
        for cell in cells:
            old = existing.get((cell.unit_id, cell.indicator_id))
            if old == cell.value or (old is None and cell.value is None):
                result.unchanged += 1
                continue
            if cell.value is None:
                result.cleared += 1
                clears.append((cell.unit_id, cell.indicator_id))
            else:
                if old is None:
                    result.new += 1
                else:
                    result.changed += 1
                upserts.append(
                    (
                        cell.indicator_id,
                        cell.unit_id,
                        period.pk,
                        cell.value,
                        source,
                        actor_id,
                        stamp,
                        is_demo,
                    )
                )
            history.append(
                (
                    cell.indicator_id,
                    cell.unit_id,
                    period.pk,
                    old,
                    cell.value,
                    source,
                    actor_id,
                    stamp,
                    upload_id,
                )
            )
        _upsert(upserts)
        _delete(period, clears)
        _history(history)
        if audit and result.stored:
            audit_record(
                actor=actor,
                action=Action.VALUES,
                obj=dataset,
                object_repr=f"{dataset.name} {period.code}",
                changes={
                    "period": period.code,
                    "source": source,
                    "units": len(unit_ids),
                    "new": result.new,
                    "changed": result.changed,
                    "cleared": result.cleared,
                    "upload": upload_id,
                },
            )
        if result.new or result.changed or result.cleared:
            data_changed("indicators")
    return result


def _units_plain(unit_ids: set[int]) -> dict[int, tuple[str, str]]:
    from baiqianwan.units.models import Unit

    found: dict[int, tuple[str, str]] = {}
    for chunk in chunks(sorted(unit_ids)):
        for pk, code, name in Unit.objects.filter(pk__in=chunk).values_list("id", "code", "name"):
            found[pk] = (code, name)
    return found


def value_history(*, indicator_id: int, unit_id: int, period: Period) -> list[DataValueChange]:
    """Every change of one value, newest first."""
    return list(
        DataValueChange.objects.filter(indicator_id=indicator_id, unit_id=unit_id, period=period)
        .select_related("actor")
        .order_by("-at", "-id")
    )


__all__ = [
    "Cell",
    "WriteResult",
    "excepted_unit_ids",
    "names_listed",
    "submissions_ensure",
    "value_history",
    "values_write",
    "versions_read",
    "window_refusal",
]
