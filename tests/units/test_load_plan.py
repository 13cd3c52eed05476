"""The plan step of a load alone: rows compared with a register held in memory, no database."""

from __future__ import annotations

from datetime import date

from baiqianwan.units.choices import Level
from baiqianwan.units.codes import kind_of
from baiqianwan.units.models import Unit
from baiqianwan.units.services import units_load_plan
from baiqianwan.units.sources import DivisionRow

CITY, COUNTY, OTHER_COUNTY = "441200000000", "441224000000", "441284000000"
T1, T2, T3, T2_NEW = "441224100000", "441224101000", "441224102000", "441224399000"
V1, V2, V3 = "441224100201", "441224100202", "441224102201"


def unit(code: str, name: str, level: Level, parent: Unit | None) -> Unit:
    # Unsaved: the plan must not touch the database (a query here would fail the test,
    # which has no database access).
    return Unit(
        code=code,
        name=name,
        level=level.value,
        kind=kind_of(code, name, level).value,
        urban_rural_class="",
        edition="2023",
        valid_from=date(2023, 1, 1),
        parent=parent,
    )


def register() -> dict[str, Unit]:
    city = unit(CITY, "肇庆市", Level.CITY, None)
    county = unit(COUNTY, "怀集县", Level.COUNTY, city)
    t1 = unit(T1, "甲镇", Level.TOWN, county)
    t3 = unit(T3, "丙镇", Level.TOWN, county)
    units = [
        city,
        county,
        unit(OTHER_COUNTY, "四会市", Level.COUNTY, city),
        t1,
        unit(T2, "乙镇", Level.TOWN, county),
        t3,
        unit(V1, "一村", Level.VILLAGE, t1),
        unit(V2, "二村", Level.VILLAGE, t3),
        unit(V3, "三村", Level.VILLAGE, t3),
    ]
    return {u.code: u for u in units}


def row(
    code: str, name: str, level: Level, parent: str, urban_rural_class: str = ""
) -> DivisionRow:
    return DivisionRow(
        code=code,
        name=name,
        level=level,
        parent_code=parent,
        urban_rural_class=urban_rural_class,
        source="2024.csv",
        line=1,
    )


def test_plan_says_what_a_complete_file_would_change() -> None:
    """甲镇 renamed (its village follows), 乙镇 recoded, 丙镇 gone with its villages except
    二村, which moves to 甲镇 and gets a class; 四会市 lies outside what the file lists."""
    units = register()
    rows = [
        row(T1, "甲镇新", Level.TOWN, COUNTY),
        row(T2_NEW, "乙镇", Level.TOWN, COUNTY),
        row(V1, "一村", Level.VILLAGE, T1),
        row(V2, "二村", Level.VILLAGE, T1, "220"),
    ]
    plan = units_load_plan(rows=rows, register=units, edition="2024", retire_missing=True)

    assert [r.code for r in plan.create] == [T2_NEW]
    assert [(u.code, r.name) for u, r in plan.rename] == [(T1, "甲镇新")]
    assert [(u.code, changes) for u, _r, changes in plan.update] == [
        (V2, {"urban_rural_class": ["", "220"]})
    ]
    assert [(u.code, r.parent_code) for u, r in plan.move] == [(V2, T1)]
    assert [u.code for u in plan.follow] == [V1]
    assert [u.code for u in plan.retire] == [V3, T2, T3]  # deepest first
    assert plan.recode == {T2: T2_NEW}
    assert plan.unchanged == 1  # 一村
    assert plan.updated == 2  # 二村 (class and parent), 一村 (follows 甲镇)
    assert plan.by_level == {"town": 2, "village": 2}
    # Planning writes nothing, not even in memory.
    assert units[T1].name == "甲镇" and units[V2].parent is not None
    assert units[V2].parent.code == T3 and units[T2].valid_to is None


def test_plan_of_a_partial_file_retires_nothing_and_of_the_same_rows_changes_nothing() -> None:
    units = register()
    partial = units_load_plan(
        rows=[row(T2_NEW, "乙镇", Level.TOWN, COUNTY)], register=units, edition="2024"
    )
    assert [r.code for r in partial.create] == [T2_NEW]
    assert partial.retire == [] and partial.recode == {}
    same = [
        row(u.code, u.name, Level(u.level), u.parent.code)
        for u in units.values()
        if u.parent is not None
    ]
    plan = units_load_plan(rows=same, register=units, edition="2023", retire_missing=True)
    assert plan.unchanged == len(same)
    assert (plan.create, plan.update, plan.rename, plan.move, plan.follow, plan.retire) == (
        [],
        [],
        [],
        [],
        [],
        [],
    )


def test_plan_of_a_package_retires_everything_it_speaks_for_but_does_not_list() -> None:
    rows = [row(CITY, "肇庆市", Level.CITY, None), row(COUNTY, "怀集县", Level.COUNTY, CITY)]
    plan = units_load_plan(rows=rows, register=register(), edition="2024", scope_prefix="4412")
    assert plan.unchanged == 2
    assert {u.code for u in plan.retire} == {OTHER_COUNTY, T1, T2, T3, V1, V2, V3}
