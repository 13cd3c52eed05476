"""The wall chart (挂图作战) and the county comparison: their figures, by hand-computed cases,
their exports, their scope, and their query counts."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from baiqianwan.plans.choices import Light
from baiqianwan.plans.models import Assignment, Plan
from baiqianwan.plans.reading import timeline_of
from baiqianwan.plans.services import assignment_split, plan_issue
from tests.factories import DEQING, HUAIJI
from tests.plans.factories import assigned, plan_with_tasks, unit

SIHUI = "441284000000"  # 四会市


@pytest.fixture(autouse=True)
def _english_pages(client):  # type: ignore[no-untyped-def]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def sheet(response) -> list[list[object]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_name(book.sheet_names[0]).to_python()


def issued_plan(hq_admin, count: int = 4) -> Plan:  # type: ignore[no-untyped-def]
    plan = plan_with_tasks(actor=hq_admin, count=count, title="看板方案")
    plan.milestones = [{"year": 2025, "text": "初见成效"}, {"year": 2035, "text": "远景"}]
    plan.save()
    assigned(actor=hq_admin, plan=plan, codes=[HUAIJI, DEQING, SIHUI], today=date(2025, 1, 1))
    plan.refresh_from_db()
    return plan_issue(actor=hq_admin, plan=plan, version=plan.version, today=date(2025, 1, 1))


def mark(plan: Plan, number: str, code: str, **fields: object) -> None:
    updated = Assignment.objects.filter(
        task__plan=plan, task__number=number, unit__code=code
    ).update(**fields)
    assert updated == 1


def test_the_timeline_spans_the_plans_years():
    plan = Plan(year_start=2025, year_end=2026, milestones=[{"year": 2025, "text": "a"}])
    axis = timeline_of(plan)
    assert len(axis.months) == 24 and axis.months[12] == date(2026, 1, 1)
    assert axis.days == 730
    assert axis.at(date(2025, 1, 1)) == 0.0
    assert axis.at(date(2026, 1, 1)) == 50.0
    assert axis.at(date(2030, 1, 1)) == 99.86  # clamped to 31 December 2026
    assert axis.at(date(2024, 6, 1)) == 0.0
    assert axis.milestones == [{"year": 2025, "text": "a", "inside": True, "at": 49.86}]


@pytest.mark.django_db
def test_the_board_by_task_and_by_county(client, hq_admin):
    plan = issued_plan(hq_admin)
    mark(plan, "1", DEQING, light=Light.RED, progress=20)
    mark(plan, "2", HUAIJI, light=Light.YELLOW, progress=30)
    for code in (HUAIJI, DEQING, SIHUI):
        mark(plan, "3", code, light=Light.DONE, progress=100, done_on=date(2025, 6, 1))
    client.force_login(hq_admin)
    url = reverse("plans:board", args=[plan.pk])
    response = client.get(url)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r.label, r.light) for r in rows] == [
        ("1 第1项任务", "red"),
        ("2 第2项任务", "yellow"),
        ("3 第3项任务", "done"),
        ("4 第4项任务", "green"),
    ]
    assert rows[0].progress == round((20 + 0 + 0) / 3, 1)
    assert rows[2].progress == 100.0
    # Every bar runs from the day of issue to the deadline, 31 December 2025, of 2025–2027.
    assert (rows[0].bar_left, rows[0].bar_width) == (0.0, 33.24)
    html = response.content.decode()
    assert html.count('class="bqw-milestone"') == 4  # 2025 inside, on each row; 2035 not
    assert "2035 远景 (outside the plan's years)" in html
    # Printable on A3 landscape, without the menu and the buttons.
    assert "data-print" in html and "/static/plans/plans.css" in html
    css = Path(str(finders.find("plans/plans.css"))).read_text(encoding="utf-8")
    assert "@page { size: A3 landscape;" in css
    assert "nav.navbar, footer, .d-print-none" in css
    # By county: one row per county, worst light, mean progress, last deadline.
    by_county = client.get(url, {"by": "county"}).context["rows"]
    assert [(r.label, r.light, r.progress) for r in by_county] == [
        ("怀集县", "yellow", round((0 + 30 + 100 + 0) / 4, 1)),
        ("德庆县", "red", round((20 + 0 + 100 + 0) / 4, 1)),
        ("四会市", "green", 25.0),
    ]
    assert by_county[0].counts.total == 4 and by_county[0].counts.done == 1
    # Exports.
    rows_x = sheet(client.get(url, {"export": "xlsx"}))
    assert [cell for cell in rows_x[0] if cell != ""] == ["看板方案"]
    assert rows_x[1][:6] == [
        "Task",
        "Lead units",
        "Deadline as written",
        "Deadline",
        "Light",
        "Progress (%)",
    ]
    assert rows_x[2][:6] == [
        "1 第1项任务",
        "肇庆市",
        "2025年12月31日前",
        "2025-12-31",
        "overdue",
        round(20 / 3, 1),
    ]
    county_x = sheet(client.get(url, {"by": "county", "export": "xlsx"}))
    assert [r[0] for r in county_x[2:]] == ["怀集县", "德庆县", "四会市"]
    assert county_x[3][4] == "overdue"


@pytest.mark.django_db
def test_the_board_filters_like_the_tree(client, hq_admin):
    plan = issued_plan(hq_admin)
    mark(plan, "4", SIHUI, light=Light.RED)
    client.force_login(hq_admin)
    response = client.get(reverse("plans:board", args=[plan.pk]), {"light": "red"})
    assert [r.task.number for r in response.context["rows"]] == ["4"]
    assert client.get(reverse("plans:board", args=[plan.pk]), {"light": "x"}).status_code == 400


@pytest.mark.django_db
def test_a_county_sees_its_own_row_and_its_towns(client, hq_admin, huaiji_operator):
    plan = issued_plan(hq_admin, count=2)
    towns = list(unit(HUAIJI).children.filter(valid_to__isnull=True).order_by("code")[:2])
    county = Assignment.objects.get(task__plan=plan, task__number="1", unit__code=HUAIJI)
    assignment_split(actor=huaiji_operator, assignment=county, units=towns, today=date(2025, 1, 2))
    mark(plan, "1", DEQING, light=Light.RED)
    client.force_login(huaiji_operator)
    by_county = client.get(reverse("plans:board", args=[plan.pk]), {"by": "county"})
    assert [r.label for r in by_county.context["rows"]] == ["怀集县"]
    assert by_county.context["rows"][0].counts.red == 0
    compare = client.get(reverse("plans:compare", args=[plan.pk]))
    assert [r.code for r in compare.context["rows"]] == [HUAIJI]
    drilled = client.get(reverse("plans:compare", args=[plan.pk]), {"unit": HUAIJI})
    assert [r.code for r in drilled.context["rows"]] == [t.code for t in towns]
    # Drilling into 德庆 is refused by name, and shows nothing of it.
    refused = client.get(reverse("plans:compare", args=[plan.pk]), {"unit": DEQING})
    assert refused.status_code == 400 and DEQING in refused.content.decode()
    assert "德庆县" not in refused.content.decode()


@pytest.mark.django_db
def test_the_comparison_figures_and_ranking(client, hq_admin):
    plan = issued_plan(hq_admin, count=4)
    # 怀集: 3 of 4 done, 2 of them by the deadline (31 Dec 2025), one late.
    mark(plan, "1", HUAIJI, light=Light.DONE, progress=100, done_on=date(2025, 6, 1))
    mark(plan, "2", HUAIJI, light=Light.DONE, progress=100, done_on=date(2025, 12, 31))
    mark(plan, "3", HUAIJI, light=Light.DONE, progress=100, done_on=date(2026, 1, 5))
    mark(plan, "4", HUAIJI, light=Light.RED, progress=40)
    # 德庆: 3 of 4 done, all on time (so it ranks above 怀集), one yellow.
    for number in ("1", "2", "3"):
        mark(plan, number, DEQING, light=Light.DONE, progress=100, done_on=date(2025, 3, 1))
    mark(plan, "4", DEQING, light=Light.YELLOW, progress=10)
    # 四会: nothing done, two red.
    mark(plan, "1", SIHUI, light=Light.RED, progress=50)
    mark(plan, "2", SIHUI, light=Light.RED, progress=50)
    client.force_login(hq_admin)
    url = reverse("plans:compare", args=[plan.pk])
    rows = client.get(url).context["rows"]
    got = [
        (
            r.rank,
            r.code,
            r.assignments,
            r.done,
            r.completion,
            r.on_time,
            r.on_time_rate,
            r.progress,
            r.red,
            r.yellow,
        )
        for r in rows
    ]
    assert got == [
        (1, DEQING, 4, 3, 75.0, 3, 100.0, 77.5, 0, 1),
        (2, HUAIJI, 4, 3, 75.0, 2, 66.7, 85.0, 1, 0),
        (3, SIHUI, 4, 0, 0.0, 0, 0.0, 25.0, 2, 0),
    ]
    exported = sheet(client.get(url, {"export": "xlsx"}))
    assert [cell for cell in exported[0] if cell != ""] == ["看板方案"]
    assert exported[1][0] == "Rank"
    assert exported[2] == [1, "德庆县", DEQING, 4, 3, 75.0, 3, 100.0, 77.5, 0, 1]
    assert client.get(url, {"unit": "441224"}).status_code == 400


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_board_and_comparison_queries_do_not_grow_with_rows(client, hq_admin):
    counts: dict[int, list[int]] = {}
    for count in (5, 60):
        plan = issued_plan(hq_admin, count=count)
        client.force_login(hq_admin)
        counts[count] = [
            _queries(client, reverse("plans:board", args=[plan.pk])),
            _queries(client, reverse("plans:board", args=[plan.pk]) + "?by=county"),
            _queries(client, reverse("plans:compare", args=[plan.pk])),
            _queries(client, reverse("plans:task", args=[plan.tasks.first().pk])),
            _queries(client, reverse("plans:list")),
        ]
    assert counts[5] == counts[60]


@pytest.mark.django_db
def test_a_town_compares_from_its_own_row_down_to_its_villages(client, hq_admin, make_user):
    plan = issued_plan(hq_admin, count=1)
    county_operator = make_user("huaiji-op", "county_operator", HUAIJI)
    town = unit("441224001000")  # 怀城街道
    other_town = unit(HUAIJI).children.filter(valid_to__isnull=True).exclude(pk=town.pk).first()
    county = Assignment.objects.get(task__plan=plan, unit__code=HUAIJI)
    assignment_split(
        actor=county_operator, assignment=county, units=[town, other_town], today=date(2025, 1, 2)
    )
    villages = list(town.children.filter(valid_to__isnull=True).order_by("code")[:2])
    town_assignment = Assignment.objects.get(task__plan=plan, unit=town)
    assignment_split(
        actor=county_operator, assignment=town_assignment, units=villages, today=date(2025, 1, 2)
    )
    client.force_login(make_user("town-op", "town_operator", town.code))
    url = reverse("plans:compare", args=[plan.pk])
    assert [r.code for r in client.get(url).context["rows"]] == [town.code]
    drilled = client.get(url, {"unit": town.code}).context["rows"]
    assert [r.code for r in drilled] == [v.code for v in villages]
    assert client.get(url, {"unit": HUAIJI}).status_code == 400
