"""Values in and out as DHIS2 `dataValueSets` JSON and as a tidy CSV (one row per unit,
period, indicator and value: the Open SDG layout).

Both directions meet the rest of the app at two points: exports read through
`exchange_rows` (the caller's area only; derived totals and computed values only on request,
and marked), and imports go through `import_plan` (every item checked and resolved, each problem
named by item index or row and field) and `import_apply`, which stores through
`values.values_write` (source "dhis2" or "csv") all-or-nothing, or with `dry_run` only says
what would happen, DHIS2-style: counts of imported/updated/deleted/unchanged/ignored values
and a list of conflicts.

Identifiers are codes (DHIS2's ``idScheme=CODE``): indicator codes as ``dataElement``, the
NBS 12-digit unit codes as ``orgUnit``, DHIS2 period codes. Derived values are never imported:
an item marked derived is counted as ignored.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from baiqianwan.accounts.policy import require, scope_prefix
from baiqianwan.core.excel import FORMULA_STARTS, formula_like
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.indicators.cells import CellProblem, cell_value
from baiqianwan.indicators.choices import ValueSource
from baiqianwan.indicators.models import (
    DataSet,
    DataSetMember,
    DataValue,
    DataValueChange,
    DerivedValue,
    Indicator,
    Period,
    Submission,
)
from baiqianwan.indicators.periods import PeriodError, period_parse
from baiqianwan.indicators.selectors import datasets_visible, expected_units
from baiqianwan.indicators.values import Cell, WriteResult, values_write, versions_read
from baiqianwan.tabular.errors import TableInputError
from baiqianwan.tabular.read import csv_rows
from baiqianwan.units.models import Unit

# An import file or request body: about 100,000 values in DHIS2 JSON, more in CSV.
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ITEMS = 200_000
# How many conflicts an import summary lists before it says how many more there are.
CONFLICTS_SHOWN = 200
# DHIS2's default category option combo (its UID and its code): the only one we keep.
DEFAULT_COMBOS = frozenset({"", "default", "HllvX50cXC0"})
# The identifier schemes an import or export understands (DHIS2's idScheme values).
ID_SCHEMES = frozenset({"code"})
CSV_COLUMNS = (
    "unit_code",
    "unit_name",
    "period",
    "indicator_code",
    "indicator_name",
    "value",
    "measure",
    "source",
    "derived",
)
CSV_REQUIRED = ("unit_code", "period", "indicator_code", "value")
# Chinese headers an office may type instead of ours.
CSV_ALIASES = {
    "单位代码": "unit_code",
    "单位名称": "unit_name",
    "单位": "unit_name",
    "报告期": "period",
    "指标代码": "indicator_code",
    "指标名称": "indicator_name",
    "指标": "indicator_name",
    "数值": "value",
    "值": "value",
    "计量单位": "measure",
    "来源": "source",
    "派生": "derived",
}
DERIVED_KINDS = frozenset({"aggregate", "computed"})


# --- Reading out -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExchangeRow:
    """One value as the exports write it; `derived` is "" for an entered value."""

    unit_code: str
    unit_name: str
    period: str
    indicator_code: str
    indicator_name: str
    measure: str
    value_type: str
    value: float
    source: str
    derived: str
    stored_by: str
    created: datetime
    updated: datetime
    comment: str


def _indicator_ids(dataset: DataSet | None, indicators: Sequence[Indicator]) -> list[int]:
    if dataset is not None:
        return list(dataset.members.values_list("indicator_id", flat=True))
    return [indicator.pk for indicator in indicators]


def exchange_rows(
    *,
    user: Any,
    unit: Unit,
    periods: Sequence[Period],
    dataset: DataSet | None = None,
    indicators: Sequence[Indicator] = (),
    children: bool = True,
    derived: bool = False,
) -> list[ExchangeRow]:
    """The values of a data set (or of some indicators) for `periods` at `unit` and, with
    `children`, the units below it, ordered by period, unit and indicator.

    Entered values of a data set are those of its level; `derived` adds the totals and
    computed values (at every level of the scope). The caller has checked that `unit` lies
    in the user's area; this refuses a role that may not read values at all.
    """
    require(user, "indicators.read", unit)
    ids = _indicator_ids(dataset, indicators)
    where: dict[str, Any] = {"indicator_id__in": ids, "period__in": list(periods)}
    if children:
        where["unit__code__startswith"] = unit.prefix
    else:
        where["unit"] = unit
    entered = DataValue.objects.filter(**where)
    if dataset is not None:
        entered = entered.filter(unit__level=dataset.level)
    created = {
        (row["indicator_id"], row["unit_id"], row["period_id"]): row["first"]
        for row in DataValueChange.objects.filter(**where)
        .values("indicator_id", "unit_id", "period_id")
        .annotate(first=Min("at"))
    }
    rows: list[tuple[tuple[Any, ...], ExchangeRow]] = []
    order = {pk: position for position, pk in enumerate(ids)}
    # Plain tuples, not model instances: an export of a city's villages is 10⁵ values.
    about = {
        pk: (code, name, measure, kind)
        for pk, code, name, measure, kind in Indicator.objects.filter(pk__in=ids).values_list(
            "pk", "code", "name", "measure", "value_type"
        )
    }
    spans = {period.pk: (period.start, period.code) for period in periods}
    fields = ("indicator_id", "unit_id", "period_id", "unit__code", "unit__name", "value")
    for (
        indicator_id,
        unit_id,
        period_id,
        unit_code,
        unit_name,
        value,
        source,
        stored_by,
        stored_at,
        comment,
    ) in entered.values_list(*fields, "source", "stored_by__username", "stored_at", "comment"):
        code, name, measure, kind = about[indicator_id]
        rows.append(
            (
                (spans[period_id][0], unit_code, order[indicator_id], 0),
                ExchangeRow(
                    unit_code=unit_code,
                    unit_name=unit_name,
                    period=spans[period_id][1],
                    indicator_code=code,
                    indicator_name=name,
                    measure=measure,
                    value_type=kind,
                    value=value,
                    source=source,
                    derived="",
                    stored_by=stored_by or "",
                    created=created.get((indicator_id, unit_id, period_id), stored_at),
                    updated=stored_at,
                    comment=comment,
                ),
            )
        )
    if derived:
        totals = DerivedValue.objects.filter(**where).values_list(*fields, "kind", "computed_at")
        for indicator_id, _unit, period_id, unit_code, unit_name, value, how, at in totals:
            code, name, measure, kind = about[indicator_id]
            rows.append(
                (
                    (spans[period_id][0], unit_code, order[indicator_id], 1),
                    ExchangeRow(
                        unit_code=unit_code,
                        unit_name=unit_name,
                        period=spans[period_id][1],
                        indicator_code=code,
                        indicator_name=name,
                        measure=measure,
                        value_type=kind,
                        value=value,
                        source=how,
                        derived=how,
                        stored_by="",
                        created=at,
                        updated=at,
                        comment="",
                    ),
                )
            )
    rows.sort(key=lambda pair: pair[0])
    return [row for _key, row in rows]


def number_text(value: float) -> str:
    """A stored number as text that reads back exactly: 1200 not 1200.0, 0.1 not
    0.1000000000000000055."""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _moment(value: datetime) -> str:
    return value.isoformat(timespec="milliseconds")


def _dhis2_value(row: ExchangeRow) -> str:
    if row.value_type == "yes_no":
        return "true" if row.value else "false"
    return number_text(row.value)


def dhis2_export(
    *,
    rows: Sequence[ExchangeRow],
    dataset: DataSet | None,
    periods: Sequence[Period],
    unit: Unit,
    children: bool,
) -> dict[str, Any]:
    """A DHIS2 data value set: the data set, period and org unit on top when there is one of
    each (with the submission's date as ``completeDate`` once submitted), and every value with
    its own ``period`` and ``orgUnit``. Derived values carry ``"derived": "aggregate"`` or
    ``"computed"``, an addition of ours that DHIS2 ignores and our import skips."""
    body: dict[str, Any] = {}
    if dataset is not None:
        body["dataSet"] = dataset.code
    if len(periods) == 1:
        body["period"] = periods[0].code
    if not children:
        body["orgUnit"] = unit.code
    if dataset is not None and len(periods) == 1 and not children:
        submission = Submission.objects.filter(
            dataset=dataset, period=periods[0], unit=unit, submitted_at__isnull=False
        ).first()
        if submission is not None and submission.submitted_at and submission.state != "draft":
            body["completeDate"] = timezone.localdate(submission.submitted_at).isoformat()
    values = []
    for row in rows:
        item: dict[str, Any] = {
            "dataElement": row.indicator_code,
            "period": row.period,
            "orgUnit": row.unit_code,
            "value": _dhis2_value(row),
            "storedBy": row.stored_by,
            "created": _moment(row.created),
            "lastUpdated": _moment(row.updated),
            "comment": row.comment,
            "followup": False,
        }
        if row.derived:
            item["derived"] = row.derived
        values.append(item)
    body["dataValues"] = values
    return body


def csv_safe(text: str) -> str:
    """A text cell that no spreadsheet takes for a formula (OWASP "CSV injection"): one that
    starts like a formula gets a leading apostrophe, which Excel and WPS show as text."""
    return "'" + text if formula_like(text) else text


def csv_export(rows: Iterable[ExchangeRow]) -> bytes:
    """The tidy CSV: UTF-8 with a byte-order mark (so Excel opens it as UTF-8), our header,
    one row per value. Every text cell is guarded against formula injection; values are plain
    numbers (yes/no as 1/0)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                csv_safe(row.unit_code),
                csv_safe(row.unit_name),
                csv_safe(row.period),
                csv_safe(row.indicator_code),
                csv_safe(row.indicator_name),
                number_text(row.value),
                csv_safe(row.measure),
                csv_safe(row.source),
                csv_safe(row.derived),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- Reading in --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Incoming:
    """One value as a file gives it, before anything is looked up.

    `index` is the item's index in ``dataValues`` (DHIS2) or its row number as a spreadsheet
    shows it (CSV, the header being row 1); `where` names its fields as the file does.
    """

    kind: str  # "dhis2" or "csv"
    index: int
    dataset: str
    indicator: str
    unit: str
    period: str
    raw: Any
    deleted: bool = False
    derived: bool = False
    combos: tuple[str, ...] = ()


DHIS2_NAMES = {
    "dataset": "dataSet",
    "indicator": "dataElement",
    "unit": "orgUnit",
    "period": "period",
    "value": "value",
    "combo": "categoryOptionCombo",
    "item": "",
}
CSV_NAMES = {
    "dataset": "dataset",
    "indicator": "indicator_code",
    "unit": "unit_code",
    "period": "period",
    "value": "value",
    "combo": "",
    "item": "",
}


def where(item: Incoming, part: str) -> str:
    """The place of a field of an item as its file names it: ``dataValues[17].value`` or
    ``第 18 行 value 列``."""
    if item.kind == "dhis2":
        name = DHIS2_NAMES[part]
        return f"dataValues[{item.index}]" + (f".{name}" if name else "")
    name = CSV_NAMES[part]
    if not name:
        return _("row %(row)d") % {"row": item.index}
    return _("row %(row)d, column %(column)s") % {"row": item.index, "column": name}


@dataclass
class ImportConflict:
    """A problem with some items: DHIS2's ``{object, value}`` with the field and indexes."""

    object: str
    value: str
    property: str = ""
    indexes: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "object": self.object,
            "value": self.value,
            "property": self.property,
            "indexes": self.indexes,
        }

    def __str__(self) -> str:
        return f"{self.object}: {self.value}"


class ImportRefused(InputError):
    """The file as a whole cannot be read (not JSON, no header, too large …)."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def id_scheme_check(options: Mapping[str, Any]) -> None:
    for name in ("idScheme", "dataElementIdScheme", "orgUnitIdScheme", "dataSetIdScheme"):
        scheme = _text(options.get(name)).lower()
        if scheme and scheme not in ID_SCHEMES:
            raise ImportRefused(
                _("%(name)s=%(scheme)s: only CODE is understood (indicator and unit codes).")
                % {"name": name, "scheme": options.get(name)},
                field=name,
            )


def dhis2_read(
    data: bytes | str | Mapping[str, Any], *, options: Mapping[str, Any] = {}
) -> list[Incoming]:
    """The values of a DHIS2 ``dataValueSet`` (JSON text or the parsed object).

    Top-level ``dataSet``, ``period`` and ``orgUnit`` apply to the items that lack their own.
    An item's ``deleted: true`` (or an empty value) clears the value; one marked ``derived``
    is read only to be ignored. Id schemes other than CODE (given in `options`, the query,
    or the payload) are refused.
    """
    if isinstance(data, bytes | str):
        if len(data) > MAX_IMPORT_BYTES:
            raise ImportRefused(
                _("The file is %(size)d bytes; an import may be at most %(limit)d bytes.")
                % {"size": len(data), "limit": MAX_IMPORT_BYTES},
                field="file",
            )
        try:
            payload = json.loads(data)
        except (UnicodeDecodeError, ValueError) as exc:
            raise ImportRefused(
                _("This is not JSON: %(error)s") % {"error": exc}, field="file"
            ) from None
    else:
        payload = data
    if not isinstance(payload, dict) or not isinstance(payload.get("dataValues"), list):
        raise ImportRefused(
            _('This is not a DHIS2 data value set: it needs a "dataValues" list.'), field="file"
        )
    id_scheme_check(options)
    id_scheme_check(payload)
    values = payload["dataValues"]
    if len(values) > MAX_IMPORT_ITEMS:
        raise ImportRefused(
            _("%(count)d values; an import may hold at most %(limit)d.")
            % {"count": len(values), "limit": MAX_IMPORT_ITEMS},
            field="file",
        )
    top = {name: _text(payload.get(name)) for name in ("dataSet", "period", "orgUnit")}
    top_combo = _text(payload.get("attributeOptionCombo"))
    items = []
    for index, value in enumerate(values):
        if not isinstance(value, dict):
            value = {"_not_an_object": True}
        deleted = value.get("deleted") in (True, "true")
        items.append(
            Incoming(
                kind="dhis2",
                index=index,
                dataset=_text(value.get("dataSet")) or top["dataSet"],
                indicator=_text(value.get("dataElement")),
                unit=_text(value.get("orgUnit")) or top["orgUnit"],
                period=_text(value.get("period")) or top["period"],
                raw=None if deleted else value.get("value"),
                deleted=deleted,
                derived=bool(value.get("derived")),
                combos=(
                    _text(value.get("categoryOptionCombo")),
                    _text(value.get("attributeOptionCombo")) or top_combo,
                ),
            )
        )
    return items


def _header(cell: Any) -> str:
    text = _text(cell).lstrip("\ufeff")
    if text.startswith("'") and formula_like(text[1:]):
        text = text[1:]
    return CSV_ALIASES.get(text, text.lower())


def _csv_cell(text: Any) -> str:
    """A code cell as written, without the apostrophe our export puts before a formula-like
    text."""
    value = _text(text)
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def csv_read(data: bytes, *, name: str = "upload.csv") -> list[Incoming]:
    """The values of a tidy CSV: our header (or its Chinese aliases) in the first row, in any
    order; ``unit_code``, ``period``, ``indicator_code`` and ``value`` are needed, the rest is
    for people. Rows whose ``derived`` column is filled are read only to be ignored."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused(
            _("The file is %(size)d bytes; an import may be at most %(limit)d bytes.")
            % {"size": len(data), "limit": MAX_IMPORT_BYTES},
            field="file",
        )
    try:
        rows = csv_rows(data, name=name)
    except TableInputError as exc:
        raise ImportRefused(
            _("%(name)s cannot be read as CSV: %(error)s") % {"name": name, "error": exc.message},
            field="file",
        ) from None
    if not rows:
        raise ImportRefused(_("The file is empty."), field="file")
    columns = [_header(cell) for cell in rows[0]]
    missing = [column for column in CSV_REQUIRED if column not in columns]
    if missing:
        raise ImportRefused(
            _("Row 1 must name the columns %(needed)s; missing: %(missing)s.")
            % {"needed": ", ".join(CSV_REQUIRED), "missing": ", ".join(missing)},
            field="file",
        )
    twice = sorted({c for c in columns if c and columns.count(c) > 1})
    if twice:
        raise ImportRefused(
            _("Row 1 names a column twice: %(columns)s.") % {"columns": ", ".join(twice)},
            field="file",
        )
    if len(rows) - 1 > MAX_IMPORT_ITEMS:
        raise ImportRefused(
            _("%(count)d values; an import may hold at most %(limit)d.")
            % {"count": len(rows) - 1, "limit": MAX_IMPORT_ITEMS},
            field="file",
        )
    position = {column: number for number, column in enumerate(columns)}

    def get(row: list[Any], column: str) -> str:
        number = position.get(column)
        return "" if number is None or number >= len(row) else _csv_cell(row[number])

    items = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(_text(cell) for cell in row):
            continue
        value_at = position["value"]
        items.append(
            Incoming(
                kind="csv",
                index=number,
                dataset=get(row, "dataset"),
                indicator=get(row, "indicator_code"),
                unit=get(row, "unit_code"),
                period=get(row, "period"),
                raw=row[value_at] if value_at < len(row) else None,
                derived=get(row, "derived").lower() not in ("", "no", "否", "false", "0"),
            )
        )
    return items


# --- Checking and storing ----------------------------------------------------------------------


@dataclass
class ImportPlan:
    """What an import would write, grouped by data set and period, with the problems found."""

    groups: dict[tuple[int, int], list[Cell]] = field(default_factory=dict)
    indexes: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    datasets: dict[int, DataSet] = field(default_factory=dict)
    periods: dict[int, Period] = field(default_factory=dict)
    conflicts: list[ImportConflict] = field(default_factory=list)
    ignored: int = 0
    total: int = 0

    def versions(self) -> dict[str, dict[int, int]]:
        """Per "dataset:period", each unit's submission version now: what a confirmation
        passes back so that a change made in between is refused."""
        return {
            f"{dataset_id}:{period_id}": versions_read(
                self.datasets[dataset_id],
                self.periods[period_id],
                {cell.unit_id for cell in cells},
            )
            for (dataset_id, period_id), cells in self.groups.items()
        }


@dataclass
class ImportSummary:
    """DHIS2's import summary: ``status`` SUCCESS, WARNING (something ignored) or ERROR
    (nothing stored), the counts and the conflicts."""

    dry_run: bool
    imported: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    ignored: int = 0
    conflicts: list[ImportConflict] = field(default_factory=list)
    conflicts_total: int = 0
    stored: bool = False

    @property
    def status(self) -> str:
        if self.conflicts_total:
            return "ERROR"
        return "WARNING" if self.ignored else "SUCCESS"

    @property
    def description(self) -> str:
        if self.conflicts_total:
            return ngettext(
                "%(count)d problem; nothing was stored.",
                "%(count)d problems; nothing was stored.",
                self.conflicts_total,
            ) % {"count": self.conflicts_total}
        if self.dry_run:
            return _("Dry run: nothing was stored.")
        return _("Import process completed successfully.")

    def as_dhis2(self) -> dict[str, Any]:
        return {
            "responseType": "ImportSummary",
            "status": self.status,
            "description": self.description,
            "dryRun": self.dry_run,
            "importCount": {
                "imported": self.imported,
                "updated": self.updated,
                "deleted": self.deleted,
                "unchanged": self.unchanged,
                "ignored": self.ignored,
            },
            "conflicts": [conflict.as_dict() for conflict in self.conflicts],
            "conflictsTotal": self.conflicts_total,
        }

    def add(self, result: WriteResult) -> None:
        self.imported += result.new
        self.updated += result.changed
        self.deleted += result.cleared
        self.unchanged += result.unchanged


def _conflict(item: Incoming, part: str, message: str) -> ImportConflict:
    return ImportConflict(
        object=where(item, part),
        value=message,
        property=DHIS2_NAMES[part] if item.kind == "dhis2" else CSV_NAMES[part],
        indexes=[item.index],
    )


class _Lookup:
    """The codes an import names, looked up once each, within the importer's area."""

    def __init__(self, *, user: Any, items: Sequence[Incoming], dataset: DataSet | None) -> None:
        self.prefix = scope_prefix(user, "indicators.enter")
        self.visible = {d.code: d for d in datasets_visible(user=user)}
        self.fixed = dataset
        self.indicators = {
            i.code: i for i in Indicator.objects.filter(code__in={item.indicator for item in items})
        }
        self.periods = {p.code: p for p in Period.objects.all()}
        members: dict[int, set[int]] = defaultdict(set)
        for dataset_id, indicator_id in DataSetMember.objects.filter(
            dataset_id__in=[d.pk for d in self.visible.values()]
        ).values_list("dataset_id", "indicator_id"):
            members[dataset_id].add(indicator_id)
        self.members = members
        self.levels = dict(
            Unit.objects.current()
            .filter(code__in={item.unit for item in items})
            .values_list("code", "level")
        )
        self._expected: dict[tuple[int, int], dict[str, int]] = {}

    def expected(self, dataset: DataSet, period: Period) -> dict[str, int]:
        key = (dataset.pk, period.pk)
        if key not in self._expected:
            self._expected[key] = dict(
                expected_units(dataset, period, within=self.prefix).values_list("code", "id")
            )
        return self._expected[key]

    def dataset_for(self, item: Incoming, indicator: Indicator) -> DataSet | str:
        """The item's data set, or why there is none."""
        if self.fixed is not None:
            if item.dataset and item.dataset != self.fixed.code:
                return _("%(code)s is not the data set chosen (%(chosen)s)") % {
                    "code": item.dataset,
                    "chosen": self.fixed.code,
                }
            return self.fixed
        if item.dataset:
            found = self.visible.get(item.dataset)
            return found or _("No data set %(code)s in your area") % {"code": item.dataset}
        candidates = [d for d in self.visible.values() if indicator.pk in self.members[d.pk]]
        level = self.levels.get(item.unit)
        if len(candidates) > 1 and level:
            candidates = [d for d in candidates if d.level == level]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            return _("%(code)s is in no data set of your area") % {"code": indicator.code}
        return _("%(code)s is in several data sets (%(sets)s); name the data set") % {
            "code": indicator.code,
            "sets": ", ".join(sorted(d.code for d in candidates)),
        }


@lru_cache(maxsize=256)
def _period_code(text: str) -> str:
    """A period as DHIS2 codes it (2025-03 → 202503); an import names few, many times."""
    return period_parse(text).code


def _resolve(
    item: Incoming, lookup: _Lookup, period_fixed: Period | None
) -> tuple[DataSet, Period, int, Indicator] | ImportConflict:
    """The item's data set, period, unit id and indicator, or its first problem."""
    if any(combo not in DEFAULT_COMBOS for combo in item.combos):
        return _conflict(
            item,
            "combo",
            _("disaggregations are not kept here; leave it out or use the default combination"),
        )
    if not item.indicator:
        return _conflict(item, "indicator", _("missing"))
    indicator = lookup.indicators.get(item.indicator)
    if indicator is None:
        return _conflict(item, "indicator", _("no indicator %(code)s") % {"code": item.indicator})
    if not item.period and period_fixed is not None:
        item = replace(item, period=period_fixed.code)
    if not item.period:
        return _conflict(item, "period", _("missing"))
    try:
        code = _period_code(item.period)
    except PeriodError:
        return _conflict(
            item,
            "period",
            _("%(code)r is not a period (write 2024, 2024S1, 2024Q3 or 202405)")
            % {"code": item.period},
        )
    period = lookup.periods.get(code)
    if period is None:
        return _conflict(item, "period", _("no period %(code)s") % {"code": code})
    if period_fixed is not None and period != period_fixed:
        return _conflict(
            item,
            "period",
            _("%(code)s is not the period chosen (%(chosen)s)")
            % {"code": code, "chosen": period_fixed.code},
        )
    dataset = lookup.dataset_for(item, indicator)
    if isinstance(dataset, str):
        return _conflict(item, "dataset", dataset)
    if indicator.pk not in lookup.members[dataset.pk]:
        return _conflict(
            item,
            "indicator",
            _("%(code)s is not in %(dataset)s") % {"code": indicator.code, "dataset": dataset.code},
        )
    if indicator.formula:
        return _conflict(
            item,
            "indicator",
            _("%(code)s is computed by formula, never entered") % {"code": indicator.code},
        )
    if period.type != dataset.period_type:
        return _conflict(
            item,
            "period",
            _("%(dataset)s is reported by %(type)s, not for %(code)s")
            % {"dataset": dataset.code, "type": dataset.get_period_type_display(), "code": code},
        )
    if not item.unit:
        return _conflict(item, "unit", _("missing"))
    unit_id = lookup.expected(dataset, period).get(item.unit)
    if unit_id is None:
        if item.unit.startswith(lookup.prefix) and item.unit in lookup.levels:
            message = _("%(code)s does not report %(dataset)s") % {
                "code": item.unit,
                "dataset": dataset.code,
            }
        else:
            message = _("no unit %(code)s in your area") % {"code": item.unit}
        return _conflict(item, "unit", message)
    return dataset, period, unit_id, indicator


def import_plan(
    *,
    user: Any,
    items: Sequence[Incoming],
    dataset: DataSet | None = None,
    period: Period | None = None,
) -> ImportPlan:
    """Check every item and group what would be written by data set and period.

    `dataset` and `period`, when given (the page's upload for one report), must be those of
    every item. Each problem names the item and field; an item marked derived is ignored.
    """
    require(user, "indicators.enter")
    plan = ImportPlan(total=len(items))
    lookup = _Lookup(user=user, items=items, dataset=dataset)
    seen: dict[tuple[int, int, int, int], int] = {}
    for item in items:
        if item.derived:
            plan.ignored += 1
            continue
        resolved = _resolve(item, lookup, period)
        if isinstance(resolved, ImportConflict):
            plan.conflicts.append(resolved)
            continue
        found_dataset, found_period, unit_id, indicator = resolved
        try:
            value = None if item.deleted else cell_value(indicator, item.raw)
        except CellProblem as exc:
            plan.conflicts.append(_conflict(item, "value", str(exc)))
            continue
        key = (found_dataset.pk, found_period.pk, unit_id, indicator.pk)
        if key in seen:
            first = replace(item, index=seen[key])
            plan.conflicts.append(
                _conflict(
                    item,
                    "item",
                    _("the same unit, period and indicator as %(first)s")
                    % {"first": where(first, "item")},
                )
            )
            continue
        seen[key] = item.index
        group = (found_dataset.pk, found_period.pk)
        plan.datasets[found_dataset.pk] = found_dataset
        plan.periods[found_period.pk] = found_period
        plan.groups.setdefault(group, []).append(Cell(unit_id, indicator.pk, value))
        plan.indexes.setdefault(group, []).append(item.index)
    return plan


class _DryRun(Exception):
    """Raised to roll a trial write back."""


def import_apply(
    *,
    user: Any,
    plan: ImportPlan,
    source: str,
    dry_run: bool,
    expected_versions: Mapping[str, Mapping[Any, int]] | None = None,
    upload: Any = None,
    today: date | None = None,
) -> ImportSummary:
    """Store the plan all-or-nothing through `values_write`, or with `dry_run` try it and
    roll it back, so the counts and refusals (area, window, submitted reports) are exactly
    what storing would meet.

    `expected_versions` ("dataset:period" → unit id → version, from `ImportPlan.versions` at
    the preview) turns a change made since into `Conflict`, and nothing is stored.
    """
    ValueSource(source)
    summary = ImportSummary(dry_run=dry_run, ignored=plan.ignored)
    summary.conflicts = list(plan.conflicts)
    try:
        with transaction.atomic():
            for key, cells in plan.groups.items():
                dataset, period = plan.datasets[key[0]], plan.periods[key[1]]
                expected = None
                if expected_versions is not None:
                    raw = expected_versions.get(f"{key[0]}:{key[1]}", {})
                    expected = {int(unit): int(version) for unit, version in raw.items()}
                try:
                    result = values_write(
                        actor=user,
                        dataset=dataset,
                        period=period,
                        cells=cells,
                        source=source,
                        expected_versions=expected,
                        upload=upload,
                        today=today,
                    )
                except InputError as exc:
                    summary.conflicts.append(
                        ImportConflict(
                            object=f"{dataset.code} {period.code}",
                            value=exc.message,
                            property=exc.field,
                            indexes=plan.indexes[key],
                        )
                    )
                    continue
                summary.add(result)
            if dry_run or summary.conflicts:
                raise _DryRun
    except _DryRun:
        pass
    summary.conflicts_total = len(summary.conflicts)
    summary.conflicts = summary.conflicts[:CONFLICTS_SHOWN]
    if summary.conflicts_total and not dry_run:
        summary.imported = summary.updated = summary.deleted = summary.unchanged = 0
    summary.stored = not dry_run and not summary.conflicts_total
    return summary


# --- The page's upload: preview, then confirm -------------------------------------------------

FORMATS = {".json": "dhis2", ".csv": "csv"}


def format_of(filename: str) -> str:
    """ "dhis2" or "csv" by the file's extension; anything else is refused."""
    for suffix, kind in FORMATS.items():
        if filename.lower().endswith(suffix):
            return kind
    raise ImportRefused(
        _("Upload a DHIS2 data value set (.json) or a tidy CSV (.csv)."), field="file"
    )


def _items_of(kind: str, data: bytes, filename: str) -> list[Incoming]:
    return dhis2_read(data) if kind == "dhis2" else csv_read(data, name=filename)


def exchange_upload_preview(
    *,
    user: Any,
    dataset: DataSet,
    period: Period,
    filename: str,
    data: bytes,
    today: date | None = None,
) -> tuple[Any, ImportSummary]:
    """Keep an uploaded file for one data set and period (an `Upload`, in private storage)
    and try it without storing: the counts, the conflicts, and the versions of the units it
    touches, which the confirmation passes back so that a change made in between is refused."""
    import hashlib

    from django.core.files.base import ContentFile

    from baiqianwan.indicators.models import Upload

    kind = format_of(filename)
    items = _items_of(kind, data, filename)
    plan = import_plan(user=user, items=items, dataset=dataset, period=period)
    summary = import_apply(user=user, plan=plan, source=kind, dry_run=True, today=today)
    versions = plan.versions().get(f"{dataset.pk}:{period.pk}", {})
    upload = Upload(
        dataset=dataset,
        period=period,
        scope=user.home_unit,
        uploaded_by=user,
        filename=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        summary={
            "format": kind,
            "new": summary.imported,
            "changed": summary.updated,
            "unchanged": summary.unchanged,
            "cleared": summary.deleted,
            "ignored": summary.ignored,
            "conflicts": summary.conflicts_total,
        },
        versions={str(unit): version for unit, version in versions.items()},
    )
    upload.file.save(
        f"{upload.sha256[:16]}{'.json' if kind == 'dhis2' else '.csv'}",
        ContentFile(data),
        save=False,
    )
    upload.save()
    return upload, summary


def exchange_upload_confirm(*, user: Any, upload: Any, today: date | None = None) -> ImportSummary:
    """Store a previewed upload all-or-nothing, as it was previewed: if a unit it touches
    changed since, `Conflict` (the upload is marked so) and nothing is stored."""
    from baiqianwan.indicators.models import UploadState

    if upload.state != UploadState.PREVIEWED:
        raise InputError(
            _("This upload is %(state)s; upload the file again.")
            % {"state": upload.get_state_display()},
            field="upload",
        )
    kind = upload.summary.get("format") or format_of(upload.filename)
    with upload.file.open("rb") as handle:
        data = handle.read()
    items = _items_of(kind, data, upload.filename)
    plan = import_plan(user=user, items=items, dataset=upload.dataset, period=upload.period)
    key = f"{upload.dataset_id}:{upload.period_id}"
    try:
        summary = import_apply(
            user=user,
            plan=plan,
            source=kind,
            dry_run=False,
            expected_versions={key: upload.versions},
            upload=upload,
            today=today,
        )
    except Conflict:
        upload.state = UploadState.CONFLICT
        upload.save(update_fields=["state"])
        raise
    if summary.stored:
        upload.state = UploadState.STORED
        upload.stored_at = timezone.now()
        upload.save(update_fields=["state", "stored_at"])
    return summary


def exchange_upload_discard(*, user: Any, upload: Any) -> None:
    """Drop a previewed upload that will not be stored."""
    from baiqianwan.indicators.models import UploadState

    if upload.state == UploadState.PREVIEWED:
        upload.state = UploadState.DISCARDED
        upload.save(update_fields=["state"])


__all__ = [
    "CSV_COLUMNS",
    "ExchangeRow",
    "ImportConflict",
    "ImportPlan",
    "ImportRefused",
    "ImportSummary",
    "Incoming",
    "csv_export",
    "csv_read",
    "csv_safe",
    "dhis2_export",
    "dhis2_read",
    "exchange_rows",
    "exchange_upload_confirm",
    "exchange_upload_discard",
    "exchange_upload_preview",
    "format_of",
    "import_apply",
    "import_plan",
    "number_text",
]
