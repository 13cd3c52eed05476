"""Periods and their collection windows: when each data set's period is open for entry.

`windows_open` makes the periods of a data set's period type for a span of years (2024,
2024Q1…) and opens a window for each that has none: by default from the day after the period
ends until `due_days` later. Headquarters moves a window's dates on the data set page
(`window_update`, audited and conflict-safe); an existing window is never moved by
`windows_open`, so running it again (or for more years) keeps those edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import require
from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_record
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.indicators.models import CollectionWindow, DataSet, Period
from baiqianwan.indicators.periods import MONTHS, period_code, period_parse

# The years a command or a page may make periods for.
YEARS = (2000, 2100)


def years_parse(text: str) -> range:
    """`2023-2025` or `2024` as a range of years; `InputError` says what is wrong."""
    text = (text or "").strip()
    first, dash, last = text.partition("-")
    try:
        start = int(first)
        end = int(last) if dash else start
    except ValueError:
        raise InputError(
            _("%(text)r is not a span of years (write 2023-2025 or 2024)") % {"text": text},
            field="years",
        ) from None
    if not (YEARS[0] <= start <= end <= YEARS[1]):
        raise InputError(
            _("Years run from %(low)d to %(high)d, the first before the last: %(text)r")
            % {"low": YEARS[0], "high": YEARS[1], "text": text},
            field="years",
        )
    return range(start, end + 1)


def periods_ensure(*, period_type: str, years: range) -> list[Period]:
    """The periods of `period_type` in `years`, made where missing, in time order."""
    per_year = 12 // MONTHS[period_type]
    codes = [
        period_code(period_type, year, index) for year in years for index in range(1, per_year + 1)
    ]
    have = {p.code: p for p in Period.objects.filter(code__in=codes)}
    for code in codes:
        if code not in have:
            span = period_parse(code)
            have[code] = Period.objects.create(
                code=code, type=span.type, start=span.start, end=span.end
            )
    return [have[code] for code in codes]


def window_default(dataset: DataSet, period: Period) -> tuple[date, date]:
    """Open from the day after the period ends, for `due_days` days."""
    opens_on = period.end + timedelta(days=1)
    return opens_on, opens_on + timedelta(days=max(dataset.due_days - 1, 0))


@dataclass
class WindowsReport:
    periods: list[str] = field(default_factory=list)
    # data set code → the period codes whose windows were opened
    opened: dict[str, list[str]] = field(default_factory=dict)
    kept: int = 0

    def lines(self) -> list[str]:
        found = [
            _("%(dataset)s: windows opened for %(periods)s.")
            % {"dataset": code, "periods": ", ".join(periods)}
            for code, periods in self.opened.items()
        ]
        if self.kept:
            found.append(
                _("%(count)d windows existed already and were kept as they are.")
                % {"count": self.kept}
            )
        return found or [_("No data set to open windows for.")]


def windows_open(*, datasets: list[DataSet], years: range, actor: Any) -> WindowsReport:
    """Make the periods of each data set's type in `years` and open the windows missing.

    One audit event per data set that got a window. Existing windows are kept.
    """
    report = WindowsReport()
    with transaction.atomic():
        for dataset in datasets:
            periods = periods_ensure(period_type=dataset.period_type, years=years)
            report.periods.extend(p.code for p in periods if p.code not in report.periods)
            have = set(
                CollectionWindow.objects.filter(dataset=dataset, period__in=periods).values_list(
                    "period_id", flat=True
                )
            )
            opened = []
            for period in periods:
                if period.pk in have:
                    report.kept += 1
                    continue
                opens_on, closes_on = window_default(dataset, period)
                CollectionWindow.objects.create(
                    dataset=dataset, period=period, opens_on=opens_on, closes_on=closes_on
                )
                opened.append(period.code)
            if opened:
                report.opened[dataset.code] = opened
                audit_record(
                    actor=actor,
                    action=Action.CREATE,
                    obj=dataset,
                    object_repr=_("%(dataset)s: collection windows") % {"dataset": dataset.name},
                    changes={"windows": opened, "due_days": dataset.due_days},
                )
    return report


def window_update(
    *,
    actor: Any,
    window: CollectionWindow,
    opens_on: date,
    closes_on: date,
    seen: tuple[date, date],
) -> CollectionWindow:
    """Move a window's dates (headquarters only, audited).

    `seen` is the (opens, closes) the editor read: if someone moved the window since, the
    change is refused (`Conflict`) rather than overwriting theirs.
    """
    require(actor, "indicators.manage", window.dataset)
    if closes_on < opens_on:
        raise InputError(
            _("The window closes (%(closes)s) before it opens (%(opens)s).")
            % {"closes": closes_on.isoformat(), "opens": opens_on.isoformat()},
            field="closes_on",
        )
    if opens_on <= window.period.start:
        raise InputError(
            _("A window opens after its period begins (%(start)s).")
            % {"start": window.period.start.isoformat()},
            field="opens_on",
        )
    with transaction.atomic():
        current = CollectionWindow.objects.select_for_update().get(pk=window.pk)
        if (current.opens_on, current.closes_on) != tuple(seen):
            raise Conflict(
                _(
                    "Someone changed this window since you read it (now %(opens)s – "
                    "%(closes)s); nothing was stored."
                )
                % {"opens": current.opens_on.isoformat(), "closes": current.closes_on.isoformat()}
            )
        old = (current.opens_on, current.closes_on)
        if old == (opens_on, closes_on):
            return current
        current.opens_on, current.closes_on = opens_on, closes_on
        current.save(update_fields=["opens_on", "closes_on"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=current.dataset,
            object_repr=f"{current.dataset.name} {current.period.code}",
            changes={
                "period": current.period.code,
                "opens_on": [old[0].isoformat(), opens_on.isoformat()],
                "closes_on": [old[1].isoformat(), closes_on.isoformat()],
            },
        )
    return current


__all__ = [
    "WindowsReport",
    "periods_ensure",
    "window_default",
    "window_update",
    "windows_open",
    "years_parse",
]
