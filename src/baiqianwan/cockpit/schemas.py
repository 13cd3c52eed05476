"""What the cockpit's API answers (`/api/cockpit/...`), as OpenAPI shows it."""

from __future__ import annotations

from ninja import Schema


class UnitRefOut(Schema):
    code: str
    name: str
    level: str | None = None


class IndicatorRefOut(Schema):
    code: str
    name: str
    measure: str
    decimals: int
    direction: str


class RunRefOut(Schema):
    id: int
    scheme: str
    periods: list[str]
    provisional: bool
    demo: bool
    finished_at: str | None


class TrendPointOut(Schema):
    period: str
    value: float


class CardOut(Schema):
    key: str
    indicator: str
    title: str
    measure: str
    decimals: int
    direction: str
    period: str | None
    value: float | None
    shown: str
    reported: int | None
    expected: int | None
    provisional: bool
    target: float | None
    target_year: int | None
    target_shown: str
    light: str
    trend: list[TrendPointOut]


class SummaryOut(Schema):
    unit: UnitRefOut
    cards: list[CardOut]
    demo: bool


class RowOut(Schema):
    code: str
    name: str
    value: float | None
    shown: str
    provisional: bool
    target: float | None
    light: str
    rank: int | None
    change: int | None = None


class MapOut(Schema):
    unit: UnitRefOut
    level: str | None
    mode: str
    indicator: IndicatorRefOut | None
    period: str | None
    periods: list[str]
    run: RunRefOut | None
    rows: list[RowOut]
    demo: bool


class DrillPartOut(Schema):
    level: str
    label: str
    run: RunRefOut | None
    rows: list[RowOut]


class DrillOut(Schema):
    unit: UnitRefOut
    mode: str
    indicator: IndicatorRefOut | None
    period: str | None
    parts: list[DrillPartOut]
    note: str


class SeriesOut(Schema):
    code: str
    name: str
    values: list[float | None]


class TrendsOut(Schema):
    unit: UnitRefOut
    mode: str
    indicator: IndicatorRefOut | None
    periods: list[str]
    own: SeriesOut | None
    series: list[SeriesOut]


class LightCountOut(Schema):
    code: str
    name: str
    red: int
    yellow: int
    green: int
    done: int


class LightTotalsOut(Schema):
    red: int
    yellow: int
    green: int
    done: int


class OverdueOut(Schema):
    assignment: int
    task: str
    text: str
    plan: str
    unit: str
    unit_code: str
    deadline: str | None
    days: int
    why: str


class SupervisionOut(Schema):
    unit: UnitRefOut
    rows: list[LightCountOut]
    totals: LightTotalsOut
    overdue: list[OverdueOut]
    overdue_count: int
    notices_awaiting: int
    today: str
    demo: bool


class RateOut(Schema):
    code: str
    name: str
    expected: int
    submitted: int
    on_time: int
    waived: int
    rate: float | None


class DataSetRateOut(Schema):
    code: str
    name: str
    level: str
    period: str
    closes_on: str
    total: RateOut
    rows: list[RateOut]
    demo: bool


class CompletenessOut(Schema):
    unit: UnitRefOut
    datasets: list[DataSetRateOut]


class RankingsOut(Schema):
    unit: UnitRefOut
    demo: bool
    by: str
    indicator: IndicatorRefOut | None
    run: RunRefOut | None
    period: str | None
    top: list[RowOut]
    bottom: list[RowOut]
