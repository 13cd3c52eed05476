"""Matching the names plans write to units and departments: a table of real Zhaoqing names."""

from __future__ import annotations

import pytest

from baiqianwan.plans.departments import ZHAOQING_DEPARTMENTS, departments_load, departments_read
from baiqianwan.plans.matching import matcher_for, name_key, names_join
from baiqianwan.plans.models import Department
from tests.factories import HUAIJI, ZHAOQING
from tests.plans.factories import unit

COUNTIES = ["端州区", "鼎湖区", "高要区", "广宁县", "怀集县", "封开县", "德庆县", "四会市"]


@pytest.fixture
def departments(db):  # type: ignore[no-untyped-def]
    departments_load(rows=departments_read(ZHAOQING_DEPARTMENTS.read_bytes()), actor="tests")


def names_of(match) -> list[str]:  # type: ignore[no-untyped-def]
    from baiqianwan.units.models import Unit

    return sorted(Unit.objects.filter(pk__in=match.unit_ids).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("written", "unit_name"),
    [
        ("怀集县", "怀集县"),
        ("怀集县人民政府", "怀集县"),
        ("怀集县政府", "怀集县"),
        ("怀集", "怀集县"),
        ("四会县", "四会市"),
        ("高要市", "高要区"),
        ("端州区人民政府", "端州区"),
        ("怀城街道", "怀城街道"),
        ("怀城街道办事处", "怀城街道"),
        ("冷坑镇人民政府", "冷坑镇"),
        ("肇庆市人民政府", "肇庆市"),
        ("市政府", "肇庆市"),
        (" 德庆县 ", "德庆县"),
    ],
)
def test_units_by_their_written_names(departments, written, unit_name):  # type: ignore[no-untyped-def]
    match = matcher_for(issuer=unit(ZHAOQING)).match(written)
    assert match.matched and not match.collective
    assert names_of(match) == [unit_name]
    assert match.department_id is None


@pytest.mark.parametrize(
    ("written", "department"),
    [
        ("市农业农村局", "市农业农村局"),
        ("农业农村局", "市农业农村局"),
        ("肇庆市农业农村局", "市农业农村局"),
        ("市发展和改革局", "市发展改革局"),
        ("发展改革局", "市发展改革局"),
        ("市住房和城乡建设局", "市住房城乡建设局"),
        ("市人社局", "市人力资源社会保障局"),
        ("市委组织部", "市委组织部"),
        ("中共肇庆市委宣传部", "市委宣传部"),
        ("市“百千万工程”指挥部办公室", "市百千万工程指挥部办公室"),
        ("市文化广电旅游体育局", "市文化广电旅游体育局"),
    ],
)
def test_departments_by_name_alias_and_without_the_city(departments, written, department):  # type: ignore[no-untyped-def]
    match = matcher_for(issuer=unit(ZHAOQING)).match(written)
    assert match.department_id == Department.objects.get(name=department).pk
    assert match.unit_ids == ()


@pytest.mark.parametrize(
    "written",
    ["各县（市、区）", "各县(市、区)人民政府", "各县（市、区）政府", "各县（市、区）党委和政府"],
)
def test_all_counties_is_a_collective_name_for_the_eight(departments, written):  # type: ignore[no-untyped-def]
    match = matcher_for(issuer=unit(ZHAOQING)).match(written)
    assert match.collective
    assert names_of(match) == sorted(COUNTIES)


def test_a_county_plans_all_towns_is_its_own_towns(departments):  # type: ignore[no-untyped-def]
    match = matcher_for(issuer=unit(HUAIJI)).match("各镇（街道）")
    assert match.collective
    towns = names_of(match)
    assert len(towns) == 19 and "怀城街道" in towns and "冷坑镇" in towns


@pytest.mark.parametrize("written", ["有关部门", "市有关单位", "广州市天河区", "市农业农业局", ""])
def test_vague_or_foreign_names_stay_unmatched(departments, written):  # type: ignore[no-untyped-def]
    match = matcher_for(issuer=unit(ZHAOQING)).match(written)
    assert not match.matched and match.unit_ids == () and match.department_id is None


def test_a_county_department_wins_over_the_citys_for_the_countys_plans(departments):  # type: ignore[no-untyped-def]
    own = Department.objects.create(
        unit=unit(HUAIJI), name="怀集县农业农村局", aliases=["县农业农村局"]
    )
    city = Department.objects.get(name="市农业农村局")
    assert matcher_for(issuer=unit(HUAIJI)).match("农业农村局").department_id == own.pk
    assert matcher_for(issuer=unit(ZHAOQING)).match("农业农村局").department_id == city.pk
    # Written with 市, the city's department, even for the county's plan.
    assert matcher_for(issuer=unit(HUAIJI)).match("市农业农村局").department_id == city.pk


def test_a_deactivated_department_is_no_longer_matched(departments):  # type: ignore[no-untyped-def]
    Department.objects.filter(name="市林业局").update(is_active=False)
    assert not matcher_for(issuer=unit(ZHAOQING)).match("市林业局").matched


def test_a_name_two_villages_share_is_ambiguous_not_a_guess(departments):  # type: ignore[no-untyped-def]
    from django.db.models import Count

    from baiqianwan.units.models import Unit

    shared = (
        Unit.objects.current()
        .filter(level="village", code__startswith="4412")
        .values("name")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("name")
        .first()
    )
    assert shared is not None
    match = matcher_for(issuer=unit(ZHAOQING)).match(shared["name"])
    assert not match.matched and match.ambiguous


def test_keys_and_joining():
    assert name_key("各县（市、区） ") == "各县(市、区)"
    assert name_key("“市农业农村局”。") == "市农业农村局"
    assert names_join(["各县（市、区）"] * 8 + ["市财政局"]) == ("各县（市、区）", "市财政局")


def test_six_thousand_names_take_two_queries(departments):  # type: ignore[no-untyped-def]
    """The speed itself is measured in benchmarks/bench_plans_ledger.py."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    names = ["市农业农村局", "各县（市、区）", "怀城街道", "有关部门", "四会市", "市财政局"]
    written = [names[i % len(names)] if i % 7 else f"第{i}单位" for i in range(6000)]
    issuer = unit(ZHAOQING)
    with CaptureQueriesContext(connection) as queries:
        matcher = matcher_for(issuer=issuer)
        found = [matcher.match(name) for name in written]
    assert len(queries) == 2
    unmatched = {match.name for match in found if not match.matched}
    assert "有关部门" in unmatched and "第7单位" in unmatched and "市财政局" not in unmatched
