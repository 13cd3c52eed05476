"""A small indicator system for the tests: village and county data sets over 肇庆's real units.

Indicators (village level unless said):
- POP 户籍人口 (人, integer, sum)
- INCOME 农村居民人均可支配收入 (元, weighted average by POP)
- COLLECTIVE 村集体经济收入 (万元, sum)
- GREEN 绿化覆盖率 (%, average, 0–100)
- CLEAN 达到干净整洁村标准 (yes/no, sum: the number of villages that do)
- INCOME_PER_10K 人均集体收入 = COLLECTIVE * 10000 / POP (computed)
County level: URBAN_INCOME, RURAL_INCOME_C, RATIO = URBAN_INCOME / RURAL_INCOME_C (computed).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from baiqianwan.indicators.models import (
    CollectionWindow,
    DataSet,
    DataSetMember,
    Dimension,
    Indicator,
    IndicatorSystem,
    Period,
    ValidationRule,
)
from baiqianwan.units.models import Unit
from tests.factories import ZHAOQING

# A town of 怀集县 and two of its villages, for the entry tests.
HUAICHENG = "441224001000"  # 怀城街道
SHANGGUO = "441224001001"  # 上郭社区居委会
DEQING = "441226000000"


def system_make() -> dict[str, Any]:
    """The system, its indicators by code, the village and county data sets and period 2024,
    open from 2025-01-01 to 2025-03-31."""
    system = IndicatorSystem.objects.create(code="TEST", name="测试指标体系", version="1")
    fu = Dimension.objects.create(system=system, code="FU", name="富", name_en="Prosperous")
    jing = Dimension.objects.create(system=system, code="JING", name="净", name_en="Clean")
    econ = Dimension.objects.create(system=system, code="ECON", name="经济发展", name_en="Economy")
    village = ["village"]

    def make(code: str, name: str, **fields: Any) -> Indicator:
        return Indicator.objects.create(system=system, code=code, name=name, name_en=code, **fields)

    pop = make("POP", "户籍人口", measure="人", value_type="integer", levels=village, dimension=fu)
    ind = {
        "POP": pop,
        "INCOME": make(
            "INCOME",
            "农村居民人均可支配收入",
            measure="元",
            levels=village,
            dimension=fu,
            aggregation="weighted_average",
            weight_indicator=pop,
        ),
        "COLLECTIVE": make(
            "COLLECTIVE", "村集体经济收入", measure="万元", levels=village, dimension=fu
        ),
        "GREEN": make(
            "GREEN",
            "绿化覆盖率",
            measure="%",
            value_type="percent",
            levels=village,
            aggregation="average",
            dimension=jing,
            minimum=0,
            maximum=100,
        ),
        "CLEAN": make(
            "CLEAN", "达到干净整洁村标准", value_type="yes_no", levels=village, dimension=jing
        ),
        "INCOME_PER_10K": make(
            "INCOME_PER_10K",
            "人均集体收入",
            measure="元",
            formula="COLLECTIVE * 10000 / POP",
            levels=village,
            dimension=fu,
        ),
        "URBAN_INCOME": make(
            "URBAN_INCOME",
            "城镇居民人均可支配收入",
            measure="元",
            levels=["county"],
            aggregation="average",
            dimension=econ,
        ),
        "RURAL_INCOME_C": make(
            "RURAL_INCOME_C",
            "农村居民人均可支配收入（县）",
            measure="元",
            levels=["county"],
            aggregation="average",
            dimension=econ,
        ),
        "RATIO": make(
            "RATIO",
            "城乡居民收入比",
            formula="URBAN_INCOME / RURAL_INCOME_C",
            levels=["county"],
            direction="negative",
            dimension=econ,
        ),
    }
    city = Unit.objects.get(code=ZHAOQING, valid_to__isnull=True)
    period = Period.objects.create(
        code="2024", type="year", start=date(2024, 1, 1), end=date(2024, 12, 31)
    )
    previous = Period.objects.create(
        code="2023", type="year", start=date(2023, 1, 1), end=date(2023, 12, 31)
    )
    datasets = {}
    for code, level, members in (
        ("VILLAGE", "village", ["POP", "INCOME", "COLLECTIVE", "GREEN", "CLEAN", "INCOME_PER_10K"]),
        ("COUNTY", "county", ["URBAN_INCOME", "RURAL_INCOME_C", "RATIO"]),
    ):
        dataset = DataSet.objects.create(
            code=code, name=f"{code} 报表", level=level, period_type="year", owner=city
        )
        dataset.assigned_to.add(city)
        for order, member in enumerate(members):
            DataSetMember.objects.create(dataset=dataset, indicator=ind[member], order=order)
        for each in (period, previous):
            CollectionWindow.objects.create(
                dataset=dataset,
                period=each,
                opens_on=date(each.end.year + 1, 1, 1),
                closes_on=date(each.end.year + 1, 3, 31),
            )
        datasets[code] = dataset
    ValidationRule.objects.create(
        system=system,
        code="R1",
        name="农村收入不高于城镇收入",
        left="RURAL_INCOME_C",
        operator="<=",
        right="URBAN_INCOME",
        severity="blocking",
        levels=["county"],
    )
    ValidationRule.objects.create(
        system=system,
        code="R2",
        name="绿化覆盖率不超过100",
        left="GREEN",
        operator="<=",
        right="100",
        severity="warning",
        levels=["village"],
    )
    return {
        "system": system,
        "ind": ind,
        "datasets": datasets,
        "period": period,
        "previous": previous,
    }


# A day when the 2024 window is open.
OPEN_DAY = date(2025, 2, 1)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code, valid_to__isnull=True)
