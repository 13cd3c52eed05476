"""The indicators API's shapes: the indicator system, data sets, values and DHIS2 imports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

# A POST /api/datavalues batch; more goes through /api/dataValueSets.
MAX_BATCH = 1000


class TargetOut(Schema):
    """A milestone target: a level's default, or one unit's own (which overrides it)."""

    year: int
    level: str
    unit_code: str | None
    unit_name: str | None
    value: float
    note: str


class IndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    measure: str
    value_type: str
    direction: str
    aggregation: str
    weight_indicator: str | None
    levels: list[str]
    period_type: str
    dimension: str | None
    dimension_name: str | None
    binding: str
    source: str
    formula: str
    is_computed: bool
    decimals: int
    minimum: float | None
    maximum: float | None
    baseline_year: int | None


class IndicatorDetailOut(IndicatorOut):
    definition: str
    citation: str
    datasets: list[str]
    targets: list[TargetOut]


class IndicatorPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[IndicatorOut]


class DataSetOut(Schema):
    code: str
    name: str
    name_en: str
    level: str
    period_type: str
    owner_code: str
    owner_name: str
    assigned_to: list[str]
    due_days: int
    is_demo: bool


class MemberOut(Schema):
    code: str
    name: str
    measure: str
    value_type: str
    dimension: str | None
    is_computed: bool


class WindowOut(Schema):
    """A period of the data set and when it is open for entry."""

    period: str
    type: str
    start: date
    end: date
    opens_on: date
    closes_on: date


class DataSetDetailOut(DataSetOut):
    indicators: list[MemberOut]
    periods: list[WindowOut]


class DataSetPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[DataSetOut]


class DataValueOut(Schema):
    """One value: entered (`derived` "") or derived ("aggregate" of the units below, or
    "computed" by formula; then `reported` of `expected` units made it)."""

    indicator: str
    indicator_name: str
    unit_code: str
    unit_name: str
    level: str
    period: str
    value: float
    measure: str
    source: str
    derived: str
    stored_at: datetime
    reported: int | None
    expected: int | None
    is_demo: bool


class DataValuePageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[DataValueOut]


class DataValueIn(Schema):
    indicator: str
    unit: str = Field(description="The unit's 12-digit code.")
    value: float | str | None = Field(
        description="A number, or text as a cell takes it (「1,234」, 「35%」, 是/否); "
        "null or an empty text clears the value."
    )


class DataValuesIn(Schema):
    dataset: str
    period: str
    values: list[DataValueIn] = Field(max_length=MAX_BATCH)
    expected_versions: dict[str, int] | None = Field(
        None,
        description="Unit code → its submission version as you read it (0 for none yet); "
        "if any unit changed since, nothing is stored and the answer is 409.",
    )


class DataValuesWrittenOut(Schema):
    new: int
    changed: int
    unchanged: int
    cleared: int
    versions: dict[str, int]


class ImportCountOut(Schema):
    imported: int
    updated: int
    deleted: int
    unchanged: int
    ignored: int


class ImportConflictOut(Schema):
    object: str
    value: str
    property: str
    indexes: list[int]


class ImportSummaryOut(Schema):
    """DHIS2's import summary (``responseType`` ImportSummary)."""

    responseType: str
    status: str
    description: str
    dryRun: bool
    importCount: ImportCountOut
    conflicts: list[ImportConflictOut]
    conflictsTotal: int


class DataValueSetIn(Schema):
    """A DHIS2 data value set; see docs/indicators/interchange.md."""

    dataSet: str | None = None
    period: str | None = None
    orgUnit: str | None = None
    completeDate: str | None = None
    idScheme: str | None = None
    dataValues: list[dict[str, Any]]


class DhisValueOut(Schema):
    """One value of a DHIS2 data value set; `derived` only on totals and computed values."""

    dataElement: str
    period: str
    orgUnit: str
    value: str
    storedBy: str
    created: str
    lastUpdated: str
    comment: str
    followup: bool
    derived: str | None = None


class DataValueSetOut(Schema):
    """A DHIS2 data value set; the top-level fields only when there is one of each."""

    dataSet: str | None = None
    period: str | None = None
    orgUnit: str | None = None
    completeDate: str | None = None
    dataValues: list[DhisValueOut]
