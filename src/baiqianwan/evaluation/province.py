"""A province-scale synthetic data set (演示数据) for trying runs and the cockpit at the size of
Guangdong: `province_demo_create(prefix="44")`, run by `bqw demo load --province 44`.

What it makes, for every current village of the area (the province, or one city with
`--city 4412` for a quick try):

- the indicator system `GD_DEMO` (marked 演示数据 in its name): six dimensions
  富、净、绿、美、强、治 and 40 village indicators (`INDICATORS`), seven of them negative
  (less is better), ten with targets for the milestones 2025 / 2027 / 2035;
- the village data set `GD_DEMO_VILLAGE_Y`, assigned to the area, marked demo;
- the values of 2023, 2024 and 2025 (source "demo", marked demo, each with its history row),
  every village's report approved, the towns' and counties' totals approved, and the totals
  of towns, counties and cities computed by the roll-up (`rollup_refresh`);
- each county's assessment track (创先 / 进位 / 消薄) per year, by its standing;
- the scheme `GD_DEMO_VILLAGE`: the villages of the area on the 40 indicators, entropy
  weights, TOPSIS, weak points, the coupling of the six dimensions, Theil by county.

How the numbers are made (synthetic and plausible, not official): each county has a standing
(1 = the province's average): the Pearl River Delta cities' counties above 1, the others below
(`CITY_STANDING`), districts a little above their city's counties; a town's standing varies
around its county's and a village's around its town's (log-normal). An amount indicator is
base × standing^elasticity × growth^year with a persistent and a yearly log-normal part; a
share is 100 · logistic(a + b · ln standing + persistent + trend · year + yearly). One seeded
generator over the units in code order: the same units always give the same values.

The writes are bulk inserts (COPY on PostgreSQL, executemany in batches elsewhere), all in one
transaction: the demo is there whole or not at all. A second load finds it and refuses.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise

import numpy as np
from django.db import connection, transaction
from django.utils.translation import gettext as _

from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_record
from baiqianwan.core.batches import BATCH, rows_insert
from baiqianwan.core.freshness import data_changed
from baiqianwan.core.problems import InputError
from baiqianwan.evaluation.choices import Track, Weighting
from baiqianwan.evaluation.models import Scheme, SchemeIndicator, UnitTrack
from baiqianwan.indicators.choices import Aggregation, Direction, SubmissionState, ValueSource
from baiqianwan.indicators.models import (
    DataSet,
    DataSetMember,
    DataValue,
    DataValueChange,
    Dimension,
    Indicator,
    IndicatorSystem,
    Period,
    Submission,
    SubmissionStep,
    Target,
)
from baiqianwan.indicators.rollup import rollup_refresh
from baiqianwan.indicators.selectors import units_valid_on
from baiqianwan.indicators.tree import period_tree
from baiqianwan.indicators.windows import windows_open
from baiqianwan.units.choices import Level
from baiqianwan.units.models import Unit

SEED = 20260441
YEARS = (2023, 2024, 2025)
SYSTEM = "GD_DEMO"
DATASET = "GD_DEMO_VILLAGE_Y"
SCHEME = "GD_DEMO_VILLAGE"
DEMO_MARK = "（演示数据）"

# A city's standing (1 = the province's average), synthetic: the nine Pearl River Delta cities
# above the cities of the east, west and north (粤东西北), as the programme describes the gap.
CITY_STANDING = {
    "4401": 1.55,  # 广州
    "4403": 1.70,  # 深圳
    "4404": 1.45,  # 珠海
    "4406": 1.50,  # 佛山
    "4419": 1.45,  # 东莞
    "4420": 1.35,  # 中山
    "4407": 1.10,  # 江门
    "4413": 1.15,  # 惠州
    "4412": 0.95,  # 肇庆
}
OTHER_CITY_STANDING = 0.82
# A district (市辖区, county code 01–20) stands this much above its city's counties.
DISTRICT_LIFT = 1.12

DIMENSIONS = (
    ("GD_FU", "富", "Prosperous"),
    ("GD_JING", "净", "Clean"),
    ("GD_LV", "绿", "Green"),
    ("GD_MEI", "美", "Beautiful"),
    ("GD_QIANG", "强", "Strong organisation"),
    ("GD_ZHI", "治", "Well governed"),
)


@dataclass(frozen=True)
class Spec:
    """One synthetic indicator. `kind` amount / count: base · s^a · (1+trend)^year · noise;
    share: 100 · logistic(base + a · ln s + noise + trend · year). `sigma` is the spread of
    the persistent unit effect (the yearly part is a quarter of it)."""

    code: str
    name: str
    measure: str
    dimension: str
    kind: str
    base: float
    a: float
    sigma: float
    trend: float
    negative: bool = False
    aggregation: str = Aggregation.AVERAGE
    decimals: int = 1
    targets: tuple[tuple[int, float], ...] = ()


S = Spec
INDICATORS: tuple[Spec, ...] = (
    # 富
    S("GD_V01", "户籍人口", "人", "GD_FU", "count", 2600, 0.3, 0.35, -0.004, aggregation="sum"),
    S("GD_V02", "农村居民人均可支配收入", "元", "GD_FU", "amount", 21000, 0.6, 0.08, 0.065,
      aggregation="weighted_average", decimals=0),
    S("GD_V03", "村集体经济收入", "万元", "GD_FU", "amount", 14, 1.6, 0.5, 0.12, aggregation="sum",
      decimals=2, targets=((2025, 10), (2027, 20), (2035, 50))),
    S("GD_V04", "村集体经营性收入", "万元", "GD_FU", "amount", 8, 1.8, 0.6, 0.14, aggregation="sum",
      decimals=2),
    S("GD_V05", "低收入人口占比", "%", "GD_FU", "share", -3.2, -1.5, 0.3, -0.08, negative=True,
      decimals=2),
    S("GD_V06", "农民合作社及家庭农场数", "个", "GD_FU", "count", 6, 0.8, 0.5, 0.05,
      aggregation="sum"),
    S("GD_V07", "特色产业产值", "万元", "GD_FU", "amount", 600, 1.2, 0.6, 0.08, aggregation="sum"),
    # 净
    S("GD_V08", "生活垃圾收运处置覆盖率", "%", "GD_JING", "share", 2.8, 1.0, 0.5, 0.5,
      targets=((2025, 98), (2027, 100))),
    S("GD_V09", "生活污水治理率", "%", "GD_JING", "share", 0.2, 1.5, 0.5, 0.25,
      targets=((2025, 60), (2027, 75), (2035, 90))),
    S("GD_V10", "卫生户厕普及率", "%", "GD_JING", "share", 3.0, 1.0, 0.4, 0.3,
      targets=((2025, 99),)),
    S("GD_V11", "黑臭水体数量", "处", "GD_JING", "count", 0.8, -0.8, 0.8, -0.2, negative=True,
      aggregation="sum"),
    S("GD_V12", "化肥施用强度", "千克/亩", "GD_JING", "amount", 28, -0.2, 0.15, -0.03,
      negative=True),
    S("GD_V13", "畜禽粪污资源化利用率", "%", "GD_JING", "share", 1.8, 0.8, 0.4, 0.2),
    # 绿
    S("GD_V14", "村庄绿化覆盖率", "%", "GD_LV", "share", -1.0, 0.6, 0.3, 0.06,
      targets=((2025, 30), (2027, 32), (2035, 35))),
    S("GD_V15", "森林覆盖率", "%", "GD_LV", "share", 0.6, -0.5, 0.6, 0.01),
    S("GD_V16", "新植树木", "株", "GD_LV", "count", 500, 0.5, 0.7, 0.05, aggregation="sum"),
    S("GD_V17", "撂荒耕地面积", "亩", "GD_LV", "amount", 25, -0.7, 0.8, -0.15, negative=True,
      aggregation="sum"),
    S("GD_V18", "高标准农田占比", "%", "GD_LV", "share", 0.0, 0.7, 0.5, 0.15,
      targets=((2027, 70), (2035, 85))),
    S("GD_V19", "清洁能源使用户比例", "%", "GD_LV", "share", 0.3, 1.0, 0.4, 0.2),
    # 美
    S("GD_V20", "农房风貌提升率", "%", "GD_MEI", "share", -0.5, 1.2, 0.5, 0.3,
      targets=((2025, 50), (2027, 70), (2035, 90))),
    S("GD_V21", "村内道路硬化率", "%", "GD_MEI", "share", 2.5, 0.8, 0.5, 0.3,
      targets=((2025, 95),)),
    S("GD_V22", "路灯覆盖率", "%", "GD_MEI", "share", 1.2, 1.0, 0.5, 0.25),
    S("GD_V23", "公共文化设施面积", "平方米", "GD_MEI", "amount", 800, 0.6, 0.4, 0.05,
      aggregation="sum", decimals=0),
    S("GD_V24", "乡村旅游接待人次", "万人次", "GD_MEI", "amount", 1.5, 1.4, 0.9, 0.12,
      aggregation="sum", decimals=2),
    S("GD_V25", "历史文化遗存保护数", "处", "GD_MEI", "count", 1.2, 0.2, 0.8, 0.03,
      aggregation="sum"),
    S("GD_V26", "集中供水普及率", "%", "GD_MEI", "share", 2.6, 0.8, 0.4, 0.2,
      targets=((2025, 95), (2027, 98))),
    # 强
    S("GD_V27", "村“两委”干部大专以上学历占比", "%", "GD_QIANG", "share", 1.2, 0.5, 0.5, 0.2),
    S("GD_V28", "党员人数", "人", "GD_QIANG", "count", 60, 0.3, 0.35, 0.01, aggregation="sum"),
    S("GD_V29", "35岁以下村干部占比", "%", "GD_QIANG", "share", -1.2, 0.4, 0.4, 0.1),
    S("GD_V30", "驻村工作队员数", "人", "GD_QIANG", "count", 2, -0.3, 0.4, 0.0, aggregation="sum"),
    S("GD_V31", "村级综合服务站服务事项数", "项", "GD_QIANG", "count", 40, 0.3, 0.25, 0.05),
    S("GD_V32", "返乡创业人数", "人", "GD_QIANG", "count", 8, 0.7, 0.6, 0.1, aggregation="sum"),
    S("GD_V33", "村级债务", "万元", "GD_QIANG", "amount", 12, -0.5, 0.8, -0.05, negative=True,
      aggregation="sum", decimals=2),
    # 治
    S("GD_V34", "矛盾纠纷调解成功率", "%", "GD_ZHI", "share", 3.2, 0.5, 0.4, 0.1,
      targets=((2025, 95),)),
    S("GD_V35", "刑事案件发案数", "起", "GD_ZHI", "count", 1.5, -0.4, 0.6, -0.05, negative=True,
      aggregation="sum"),
    S("GD_V36", "信访件数", "件", "GD_ZHI", "count", 4, -0.3, 0.5, -0.06, negative=True,
      aggregation="sum"),
    S("GD_V37", "村规民约执行评分", "分", "GD_ZHI", "share", 2.0, 0.5, 0.4, 0.1),
    S("GD_V38", "网格员配备率", "%", "GD_ZHI", "share", 1.5, 0.5, 0.5, 0.2),
    S("GD_V39", "法律顾问服务覆盖率", "%", "GD_ZHI", "share", 2.0, 0.4, 0.6, 0.3),
    S("GD_V40", "养老服务覆盖率", "%", "GD_ZHI", "share", -0.3, 0.9, 0.5, 0.2),
)  # fmt: skip
del S
WEIGHT_OF = {"GD_V02": "GD_V01"}  # per-capita income, weighted by population


class ProvinceDemoExists(RuntimeError):
    """The province demo is stored already; nothing was done."""


@dataclass
class ProvinceDemoReport:
    area: str = ""
    code: str = ""
    villages: int = 0
    values: int = 0
    history: int = 0
    submissions: int = 0
    steps: int = 0
    derived: int = 0
    tracks: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        timing = "; ".join(
            _("%(step)s %(seconds).1f s") % {"step": step, "seconds": s}
            for step, s in self.seconds.items()
        )
        return [
            _(
                "%(area)s: %(villages)d villages × %(indicators)d indicators × %(years)d years "
                "(演示数据)."
            )
            % {
                "area": self.area,
                "villages": self.villages,
                "indicators": len(INDICATORS),
                "years": len(YEARS),
            },
            _(
                "Stored %(values)d values with %(history)d history rows, %(submissions)d approved "
                "reports (%(steps)d steps), %(derived)d totals, %(tracks)d county tracks, and the "
                "scheme %(scheme)s."
            )
            % {
                "values": self.values,
                "history": self.history,
                "submissions": self.submissions,
                "steps": self.steps,
                "derived": self.derived,
                "tracks": self.tracks,
                "scheme": SCHEME,
            },
            _("Took %(total).1f s (%(steps)s).")
            % {"total": sum(self.seconds.values()), "steps": timing},
            _(
                "The scheme belongs to %(area)s: an account whose home unit is %(code)s sees "
                "and runs it (bqw createuser NAME --role hq_admin --unit %(code)s)."
            )
            % {"area": self.area, "code": self.code},
        ]


def _standings(codes: Sequence[str], rng: np.random.Generator) -> np.ndarray:
    """Each village's standing: its county's (its city's, lifted for a district, varied),
    varied by town and by village (log-normal)."""
    county_codes = sorted({c[:6] for c in codes})
    county = {}
    for code in county_codes:
        city = CITY_STANDING.get(code[:4], OTHER_CITY_STANDING)
        lift = DISTRICT_LIFT if int(code[4:6]) <= 20 else 1.0
        county[code] = city * lift * float(np.exp(rng.normal(0, 0.12)))
    town_codes = sorted({c[:9] for c in codes})
    town_effect = dict(zip(town_codes, np.exp(rng.normal(0, 0.08, len(town_codes))), strict=True))
    village_effect = np.exp(rng.normal(0, 0.1, len(codes)))
    return (
        np.array([county[c[:6]] * town_effect[c[:9]] for c in codes], dtype=float) * village_effect
    )


def demo_values(codes: Sequence[str], *, seed: int = SEED) -> np.ndarray:
    """The values (years, villages, indicators) for the villages of `codes` (code order):
    deterministic, rounded to each indicator's decimals."""
    return _drawn(codes, seed)[1]


def _drawn(codes: Sequence[str], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Each village's standing, and the values `demo_values` gives, from one generator."""
    rng = np.random.default_rng(seed)
    standing = _standings(codes, rng)
    n, m = len(codes), len(INDICATORS)
    sigma = np.array([s.sigma for s in INDICATORS])
    persistent = rng.normal(0, 1, (n, m)) * sigma
    log_s = np.log(standing)[:, None]
    base = np.array([s.base for s in INDICATORS])
    a = np.array([s.a for s in INDICATORS])
    trend = np.array([s.trend for s in INDICATORS])
    share = np.array([s.kind == "share" for s in INDICATORS])
    count = np.array([s.kind == "count" for s in INDICATORS])
    out = np.empty((len(YEARS), n, m))
    for step in range(len(YEARS)):
        yearly = rng.normal(0, 1, (n, m)) * sigma / 4
        with np.errstate(divide="ignore"):
            amount = np.exp(
                np.log(np.abs(base)) + a * log_s + persistent + yearly + step * np.log1p(trend)
            )
        logit = base + a * log_s + persistent + yearly + trend * step
        percent = 100.0 / (1.0 + np.exp(-logit))
        values = np.where(share, percent, amount)
        values = np.where(count, np.round(values), values)
        for j, spec in enumerate(INDICATORS):
            values[:, j] = np.round(values[:, j], 0 if spec.kind == "count" else spec.decimals)
        out[step] = values
    return standing, out


def _system(area: Unit) -> tuple[DataSet, list[Indicator]]:
    system = IndicatorSystem.objects.create(
        code=SYSTEM,
        name=f"{area.name}百千万工程村级指标体系{DEMO_MARK}",
        version="demo",
        source_file="baiqianwan.evaluation.province",
    )
    dims = {
        code: Dimension.objects.create(system=system, code=code, name=name, name_en=en, order=n)
        for n, (code, name, en) in enumerate(DIMENSIONS)
    }
    indicators: dict[str, Indicator] = {}
    for n, spec in enumerate(INDICATORS):
        indicators[spec.code] = Indicator.objects.create(
            system=system,
            code=spec.code,
            name=spec.name,
            measure=spec.measure,
            direction=Direction.NEGATIVE if spec.negative else Direction.POSITIVE,
            aggregation=spec.aggregation,
            weight_indicator=indicators.get(WEIGHT_OF.get(spec.code, "")),
            levels=[Level.VILLAGE],
            dimension=dims[spec.dimension],
            source=_("Demo data"),
            definition=_("Synthetic, for trying the platform at province scale (演示数据)."),
            decimals=0 if spec.kind == "count" else spec.decimals,
            minimum=0,
            maximum=100 if spec.kind == "share" else None,
            order=n,
        )
    Target.objects.bulk_create(
        Target(
            indicator=indicators[spec.code],
            year=year,
            level=Level.VILLAGE,
            value=value,
            note=_("Demo data"),
        )
        for spec in INDICATORS
        for year, value in spec.targets
    )
    dataset = DataSet.objects.create(
        code=DATASET,
        name=f"{area.name}村级年报{DEMO_MARK}",
        level=Level.VILLAGE,
        owner=area,
        is_demo=True,
    )
    dataset.assigned_to.add(area)
    ordered = [indicators[s.code] for s in INDICATORS]
    DataSetMember.objects.bulk_create(
        DataSetMember(dataset=dataset, indicator=indicator, order=n)
        for n, indicator in enumerate(ordered)
    )
    return dataset, ordered


def _year(
    report: ProvinceDemoReport,
    dataset: DataSet,
    period: Period,
    villages: list[tuple[int, str]],
    indicators: list[Indicator],
    values: np.ndarray,
) -> None:
    """One year: the values and their history, every report approved (villages, then the
    towns' and counties' totals), and the totals rolled up."""
    year = period.end.year
    stored = datetime(year + 1, 2, 10, 9, 0, tzinfo=UTC)
    decided = datetime(year + 1, 3, 5, 9, 0, tzinfo=UTC)
    at = connection.ops.adapt_datetimefield_value(stored)
    decided_at = connection.ops.adapt_datetimefield_value(decided)
    source = ValueSource.DEMO
    value_rows = []
    history_rows = []
    ids = [i.pk for i in indicators]
    # Unit by unit: each index of the tables then grows at a few places (the unique key's
    # 40 indicators, the period's end), not all over.
    for (unit_id, _code), row in zip(villages, values.tolist(), strict=True):
        for indicator_id, value in zip(ids, row, strict=True):
            value_rows.append((indicator_id, unit_id, period.pk, value, "", source, None, at, True))
            history_rows.append((indicator_id, unit_id, period.pk, None, value, source, None, at))
    rows_insert(
        DataValue._meta.db_table,
        (
            "indicator_id",
            "unit_id",
            "period_id",
            "value",
            "comment",
            "source",
            "stored_by_id",
            "stored_at",
            "is_demo",
        ),
        value_rows,
    )
    rows_insert(
        DataValueChange._meta.db_table,
        ("indicator_id", "unit_id", "period_id", "old", "new", "source", "actor_id", "at"),
        history_rows,
    )
    report.values += len(value_rows)
    report.history += len(history_rows)
    tree = period_tree(dataset, period)
    reporting = [pk for pk in tree.nodes if tree.submits(pk)]
    rows_insert(
        Submission._meta.db_table,
        ("dataset_id", "period_id", "unit_id", "state", "version", "submitted_at", "decided_at",
         "comment"),
        [
            (dataset.pk, period.pk, pk, SubmissionState.APPROVED, 1, at, decided_at, "")
            for pk in sorted(reporting)
        ],
    )  # fmt: skip
    submission_ids = list(
        Submission.objects.filter(dataset=dataset, period=period).values_list("id", flat=True)
    )
    steps = [
        (pk, SubmissionState.DRAFT, SubmissionState.SUBMITTED, at, _("Demo data"))
        for pk in submission_ids
    ] + [
        (pk, SubmissionState.SUBMITTED, SubmissionState.APPROVED, decided_at, _("Demo data"))
        for pk in submission_ids
    ]
    rows_insert(
        SubmissionStep._meta.db_table, ("submission_id", "state_from", "state_to", "at", "comment"),
        steps,
    )  # fmt: skip
    report.submissions += len(submission_ids)
    report.steps += len(steps)
    report.derived += rollup_refresh(dataset=dataset, period=period, tree=tree, now=decided).rows
    audit_record(
        actor=None,
        action=Action.VALUES,
        obj=dataset,
        object_repr=f"{dataset.name} {period.code}",
        unit_code=dataset.owner.code,
        changes={"period": period.code, "source": source, "new": len(value_rows), "demo": True},
    )


def _tracks(report: ProvinceDemoReport, area: Unit, standing: dict[str, float]) -> None:
    """Each county's track per year by its standing: the top third 创先, the middle 进位,
    the bottom 消薄."""
    counties = list(Unit.objects.current().filter(level=Level.COUNTY, code__startswith=area.prefix))
    ordered = sorted(counties, key=lambda c: -standing.get(c.code[:6], 0.0))
    third = max(len(ordered) // 3, 1)
    rows: list[UnitTrack] = []
    for position, county in enumerate(ordered):
        track = (
            Track.LEAD
            if position < third
            else (Track.ADVANCE if position < 2 * third else Track.CATCH_UP)
        )
        rows.extend(UnitTrack(unit=county, year=year, track=track, is_demo=True) for year in YEARS)
    # A track already set (by headquarters, or by the city's evaluation demo) is kept.
    UnitTrack.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    report.tracks = len(rows)


def _county_standing(codes: Sequence[str], standing: np.ndarray) -> dict[str, float]:
    """Each county's standing (6-digit code): the mean of its villages'."""
    by_county: dict[str, list[float]] = {}
    for code, value in zip(codes, standing.tolist(), strict=True):
        by_county.setdefault(code[:6], []).append(value)
    return {county: float(np.mean(found)) for county, found in by_county.items()}


def _scheme(area: Unit, indicators: list[Indicator]) -> Scheme:
    scheme = Scheme.objects.create(
        code=SCHEME,
        name=f"{area.name}村级综合评价{DEMO_MARK}",
        description=_(
            "Entropy weights, TOPSIS, weak points, the coupling of the six dimensions and "
            "Theil by county over the demo data (演示数据)."
        ),
        unit=area,
        level=Level.VILLAGE,
        weighting=Weighting.ENTROPY,
        coupling=True,
        balance_by_county=True,
        by_track=True,
        # Every one of the province's 26,842 village-level units is ranked, the committees
        # under farms, zones and prisons included, as the scale test asks.
        include_like_units=True,
        is_demo=True,
    )
    SchemeIndicator.objects.bulk_create(
        SchemeIndicator(scheme=scheme, indicator=indicator, order=n)
        for n, indicator in enumerate(indicators)
    )
    return scheme


def area_unit(prefix: str) -> Unit:
    """The current unit a 2-digit (province), 4-digit (city) or 6-digit (county) prefix
    names; refused with the command that loads it when the register lacks it."""
    if len(prefix) not in (2, 4, 6) or not prefix.isdigit():
        raise InputError(
            _("%(prefix)r: expected a province (2 digits), city (4) or county (6) code.")
            % {"prefix": prefix},
            field="prefix",
        )
    area = Unit.objects.current().filter(code=prefix.ljust(12, "0")).first()
    if area is None:
        raise InputError(
            _("No unit %(code)s in the register: load it first (bqw units load --province %(p)s).")
            % {"code": prefix.ljust(12, "0"), "p": prefix[:2]},
            field="prefix",
        )
    return area


def province_demo_absent() -> None:
    """`ProvinceDemoExists` when the demo is stored already."""
    if IndicatorSystem.objects.filter(code=SYSTEM).exists():
        raise ProvinceDemoExists(
            _(
                "The province demo (indicator system %(system)s) exists already; nothing was "
                "changed. To load it again, start from an empty database (bqw flush)."
            )
            % {"system": SYSTEM}
        )


def province_demo_create(
    *, prefix: str = "44", on_step: Callable[[str], None] | None = None
) -> ProvinceDemoReport:
    """Store the demo for the area of `prefix` (see the module's docstring);
    `ProvinceDemoExists` if it is there. `on_step` hears each step as it starts."""
    area = area_unit(prefix)
    province_demo_absent()
    report = ProvinceDemoReport(area=area.name, code=area.code)
    marks: list[tuple[str, float]] = []

    def step(name: str) -> None:
        marks.append((name, time.perf_counter()))
        if on_step:
            on_step(name)

    step(_("indicator system"))
    with transaction.atomic():
        dataset, indicators = _system(area)
        windows_open(datasets=[dataset], years=range(YEARS[0], YEARS[-1] + 1), actor="demo")
        periods = {p.end.year: p for p in Period.objects.filter(code__in=[str(y) for y in YEARS])}
        villages = list(
            units_valid_on(periods[YEARS[-1]].end)
            .filter(level=Level.VILLAGE, code__startswith=area.prefix)
            .order_by("code")
            .values_list("id", "code")
        )
        if not villages:
            raise InputError(
                _("%(area)s has no villages in the register: load them with bqw units load.")
                % {"area": area.name}
            )
        report.villages = len(villages)
        codes = [code for _, code in villages]
        step(_("values"))
        standing, values = _drawn(codes, SEED)
        for y, year in enumerate(YEARS):
            step(str(year))
            _year(report, dataset, periods[year], villages, indicators, values[y])
        step(_("tracks and scheme"))
        _tracks(report, area, _county_standing(codes, standing))
        _scheme(area, indicators)
        data_changed("indicators")
        marks.append(("", time.perf_counter()))
    report.seconds = {name: end - start for (name, start), (_next, end) in pairwise(marks)}
    return report


__all__ = [
    "DATASET",
    "INDICATORS",
    "SCHEME",
    "SYSTEM",
    "ProvinceDemoExists",
    "ProvinceDemoReport",
    "area_unit",
    "demo_values",
    "province_demo_absent",
    "province_demo_create",
]
