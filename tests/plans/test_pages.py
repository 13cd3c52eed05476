"""The plan pages: list, create, the plan page with its task tree and filters, settings, issue,
close, assign, the task page, their exports, and who sees what."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from baiqianwan.plans.choices import Light, PlanStatus
from baiqianwan.plans.models import Assignment, Plan, Task, TaskParty
from baiqianwan.plans.services import assignment_split, plan_create, plan_issue
from tests.factories import DEQING, HUAIJI, ZHAOQING
from tests.plans.factories import assigned, plan_with_tasks, unit

HUAIJI_TOWN = "441224001000"  # 怀城街道
SIHUI = "441284000000"  # 四会市


@pytest.fixture(autouse=True)
def _english_pages(client):  # type: ignore[no-untyped-def]
    """The pages in English, so the tests read their words (one test reads the Chinese)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def sheet(response) -> list[list[object]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_name(book.sheet_names[0]).to_python()


@pytest.fixture
def issued(hq_admin):  # type: ignore[no-untyped-def]
    """HQ's plan of 3 tasks assigned to 怀集 and 德庆, issued on 2 January 2025."""
    plan = plan_with_tasks(actor=hq_admin, count=3, title="市级方案")
    plan.milestones = [{"year": 2025, "text": "三年初见成效"}, {"year": 2035, "text": "远景"}]
    plan.document_number = "肇百千万〔2025〕1号"
    plan.save()
    assigned(actor=hq_admin, plan=plan, codes=[HUAIJI, DEQING], today=date(2025, 1, 2))
    plan.refresh_from_db()
    return plan_issue(actor=hq_admin, plan=plan, version=plan.version, today=date(2025, 1, 2))


def set_light(plan: Plan, number: str, code: str, light: str, **fields: object) -> None:
    Assignment.objects.filter(task__plan=plan, task__number=number, unit__code=code).update(
        light=light, **fields
    )


# --- The list and creating a plan -------------------------------------------------------------


@pytest.mark.django_db
def test_hq_lists_plans_with_light_counts_and_exports_them(client, hq_admin, issued):
    set_light(issued, "1", HUAIJI, Light.RED)
    set_light(issued, "2", DEQING, Light.DONE)
    client.force_login(hq_admin)
    page = client.get(reverse("plans:list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "市级方案" in html
    counts = page.context["rows"][0].counts
    assert (counts.red, counts.yellow, counts.done, counts.total) == (1, 0, 1, 6)
    rows = sheet(client.get(reverse("plans:list_export")))
    assert rows[0] == [
        "Title",
        "Document number",
        "Issued by",
        "Years",
        "Status",
        "Issued on",
        "Tasks",
        "overdue",
        "at risk",
        "on schedule",
        "done",
        "Demo data",
    ]
    body = rows[1]
    assert body[0] == "市级方案" and body[1] == "肇百千万〔2025〕1号"
    assert body[3] == "2025–2027" and body[5] == "2025-01-02" and body[6] == 3
    # red, yellow, green, done
    assert body[7:11] == [1, 0, 4, 1]


@pytest.mark.django_db
def test_create_a_plan_with_milestones(client, hq_admin):
    client.force_login(hq_admin)
    assert client.get(reverse("plans:create")).status_code == 200
    response = client.post(
        reverse("plans:create"),
        {
            "title": "新方案",
            "document_number": "肇〔2025〕9号",
            "year_start": "2025",
            "year_end": "2027",
            "milestones": "2025 三年初见成效\n\n2027年：五年见到显著成效",
        },
    )
    plan = Plan.objects.get(title="新方案")
    assert response.status_code == 302 and response["Location"] == reverse(
        "plans:detail", args=[plan.pk]
    )
    assert plan.issuer.code == ZHAOQING and plan.status == PlanStatus.DRAFT
    assert plan.milestones == [
        {"year": 2025, "text": "三年初见成效"},
        {"year": 2027, "text": "五年见到显著成效"},
    ]


@pytest.mark.django_db
def test_create_refuses_bad_input_naming_the_field(client, hq_admin):
    client.force_login(hq_admin)
    data = {"title": "x", "year_start": "2025", "year_end": "2027", "milestones": "三年初见成效"}
    response = client.post(reverse("plans:create"), data)
    assert response.status_code == 400
    assert "Line 1 “三年初见成效” does not start with a year" in response.content.decode()
    assert response.context["form"].errors["milestones"]
    response = client.post(reverse("plans:create"), {**data, "milestones": "", "year_end": "2024"})
    assert response.status_code == 400
    assert "year_end" in response.context["form"].errors
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_a_county_lists_its_own_plans_and_issued_plans_assigned_to_it(
    client, hq_admin, huaiji_operator, make_user, issued
):
    plan_with_tasks(actor=hq_admin, title="市级草稿")
    own = plan_create(
        actor=huaiji_operator,
        title="怀集县方案",
        issuer=unit(HUAIJI),
        year_start=2025,
        year_end=2025,
    )
    deqing = make_user("deqing", "county_operator", DEQING)
    plan_create(
        actor=deqing, title="德庆县方案", issuer=unit(DEQING), year_start=2025, year_end=2025
    )
    set_light(issued, "1", DEQING, Light.RED)
    set_light(issued, "2", HUAIJI, Light.YELLOW)
    client.force_login(huaiji_operator)
    page = client.get(reverse("plans:list"))
    titles = {row.plan.title for row in page.context["rows"]}
    assert titles == {"市级方案", "怀集县方案"}
    counts = {row.plan.pk: row.counts for row in page.context["rows"]}
    # Only 怀集's three assignments are counted: 德庆's red is not.
    assert (counts[issued.pk].red, counts[issued.pk].yellow, counts[issued.pk].total) == (0, 1, 3)
    assert counts[own.pk].total == 0
    assert "德庆县方案" not in page.content.decode()
    exported = sheet(client.get(reverse("plans:list_export")))
    assert {row[0] for row in exported[1:]} == {"市级方案", "怀集县方案"}


# --- Who may open what ------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_render_for_each_working_role_and_leaders_only_read(client, make_user, issued):
    users = {
        "hq": make_user("hq2", "hq_admin", ZHAOQING),
        "county": make_user("county-op", "county_operator", HUAIJI),
        "town": make_user("town-op", "town_operator", HUAIJI_TOWN),
        "leader": make_user("leader-1", "leader", ZHAOQING),
    }
    county_assignment = Assignment.objects.get(
        task__plan=issued, task__number="1", unit__code=HUAIJI
    )
    assignment_split(
        actor=users["county"],
        assignment=county_assignment,
        units=[unit(HUAIJI_TOWN)],
        today=date(2025, 1, 3),
    )
    task = issued.tasks.get(number="1")
    for name, user in users.items():
        client.force_login(user)
        for url in (
            reverse("plans:list"),
            reverse("plans:detail", args=[issued.pk]),
            reverse("plans:board", args=[issued.pk]),
            reverse("plans:board", args=[issued.pk]) + "?by=county",
            reverse("plans:compare", args=[issued.pk]),
            reverse("plans:task", args=[task.pk]),
        ):
            assert client.get(url).status_code == 200, (name, url)
        html = client.get(reverse("plans:detail", args=[issued.pk])).content.decode()
        may_manage = name == "hq"
        assert ('data-testid="plan-close"' in html) is may_manage, name
        assert ('data-testid="nav-assign"' in html) is may_manage, name
    # The town operator sees only its town's work of task 1, and not tasks 2 and 3.
    client.force_login(users["town"])
    tree = client.get(reverse("plans:detail", args=[issued.pk])).context["groups"]
    assert [row.task.number for group in tree for row in group.rows] == ["1"]
    nodes = client.get(reverse("plans:task", args=[task.pk])).context["nodes"]
    assert [node.assignment.unit.code for node in nodes] == [HUAIJI_TOWN]
    assert (
        client.get(reverse("plans:task", args=[issued.tasks.get(number="2").pk])).status_code == 404
    )
    # A leader may not change anything.
    client.force_login(users["leader"])
    for name in ("settings", "issue", "close", "assign"):
        response = client.post(reverse(f"plans:{name}", args=[issued.pk]), {"version": "1"})
        assert response.status_code == 403, name
    assert client.get(reverse("plans:create")).status_code == 403


@pytest.mark.django_db
def test_the_separated_administrators_get_403(client, make_user, issued):
    for role in ("system_admin", "security_admin", "audit_admin"):
        client.force_login(make_user(role, role, ZHAOQING))
        for url in (
            reverse("plans:list"),
            reverse("plans:list_export"),
            reverse("plans:detail", args=[issued.pk]),
            reverse("plans:board", args=[issued.pk]),
        ):
            assert client.get(url).status_code == 403, (role, url)
        html = client.get(reverse("accounts:password_change")).content.decode()
        assert f'href="{reverse("plans:list")}"' not in html


@pytest.mark.django_db
def test_a_plan_elsewhere_is_404_on_every_route_and_method(client, huaiji_operator, make_user):
    deqing = make_user("deqing", "county_operator", DEQING)
    plan = plan_create(
        actor=deqing, title="德庆方案", issuer=unit(DEQING), year_start=2025, year_end=2025
    )
    task = Task.objects.create(plan=plan, number="1", text="德庆任务")
    client.force_login(huaiji_operator)
    for name in (
        "detail",
        "tasks_export",
        "settings",
        "issue",
        "close",
        "assign",
        "board",
        "compare",
    ):
        url = reverse(f"plans:{name}", args=[plan.pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"version": "1"}).status_code == 404, name
    assert client.get(reverse("plans:task", args=[task.pk])).status_code == 404
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.version == 1


# --- The plan page ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_tree_filters(client, hq_admin, issued):
    tasks = {t.number: t for t in issued.tasks.all()}
    tasks["2"].category = "二、另一大类"
    tasks["2"].text = "建设乡村振兴示范带"
    tasks["2"].save()
    party = TaskParty.objects.get(task=tasks["3"])
    party.name = "市农业农村局"
    party.unit = None
    party.save()
    set_light(issued, "1", DEQING, Light.RED)
    set_light(issued, "3", HUAIJI, Light.DONE)
    set_light(issued, "3", DEQING, Light.DONE)
    Assignment.objects.filter(task=tasks["2"], unit__code=DEQING).delete()
    client.force_login(hq_admin)
    url = reverse("plans:detail", args=[issued.pk])

    def numbers(**params: str) -> list[str]:
        response = client.get(url, params, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "<html" not in response.content.decode()  # only the tree part
        return [row.task.number for g in response.context["groups"] for row in g.rows]

    assert numbers() == ["1", "2", "3"]
    assert numbers(light="red") == ["1"]
    assert numbers(light="done") == ["3"]
    assert numbers(light="green") == ["2"]
    assert numbers(category="二、另一大类") == ["2"]
    assert numbers(unit=DEQING) == ["1", "3"]
    assert numbers(lead="农业农村") == ["3"]
    assert numbers(lead="肇庆") == ["1", "2"]
    assert numbers(text="示范带") == ["2"]
    assert numbers(text="3") == ["3"]
    assert numbers(unit=DEQING, light="red") == ["1"]
    # Grouped by category, in the plan's order.
    response = client.get(url)
    assert [g.category for g in response.context["groups"]] == [
        "一、测试大类",
        "二、另一大类",
        "一、测试大类",
    ]
    row1 = response.context["groups"][0].rows[0]
    assert row1.light == "red" and (row1.counts.red, row1.counts.green) == (1, 1)
    # A bad filter is refused by name.
    bad = client.get(url, {"light": "blue"})
    assert bad.status_code == 400 and "blue" in bad.content.decode()
    assert client.get(url, {"unit": "4412"}).status_code == 400
    # The export keeps the filters.
    rows = sheet(client.get(reverse("plans:tasks_export", args=[issued.pk]), {"light": "red"}))
    assert rows[0][0] == "市级方案 · light=red"
    assert [r[1] for r in rows[2:]] == ["1"]
    assert rows[2][3] == "肇庆市" and rows[2][5] == "2025-12-31" and rows[2][6] == "overdue"


@pytest.mark.django_db
def test_progress_is_the_mean_of_the_top_assignments(client, hq_admin, issued):
    set_light(issued, "1", HUAIJI, Light.GREEN, progress=40)
    set_light(issued, "1", DEQING, Light.GREEN, progress=90)
    client.force_login(hq_admin)
    response = client.get(reverse("plans:detail", args=[issued.pk]))
    row = response.context["groups"][0].rows[0]
    assert row.progress == 65.0


def _time_the_page(client, plan: Plan) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_plan_page_runs_as_many_queries_for_5_tasks_as_for_60(
    client, hq_admin, huaiji_operator
):
    counts = {}
    for count in (5, 60):
        plan = plan_with_tasks(actor=hq_admin, count=count, title=f"方案{count}")
        assigned(actor=hq_admin, plan=plan, codes=[HUAIJI, DEQING, SIHUI], today=date(2025, 1, 2))
        # 怀集 splits each of its assignments into two towns.
        towns = list(unit(HUAIJI).children.filter(valid_to__isnull=True).order_by("code")[:2])
        for assignment in Assignment.objects.filter(task__plan=plan, unit__code=HUAIJI):
            assignment_split(
                actor=huaiji_operator, assignment=assignment, units=towns, today=date(2025, 1, 3)
            )
        plan.refresh_from_db()
        plan_issue(actor=hq_admin, plan=plan, version=plan.version, today=date(2025, 1, 3))
        client.force_login(hq_admin)
        counts[count] = _time_the_page(client, plan)
        client.force_login(huaiji_operator)
        counts[(count, "county")] = _time_the_page(client, plan)
    assert counts[5] == counts[60]
    assert counts[(5, "county")] == counts[(60, "county")]


# --- Settings, issue, close, assign -----------------------------------------------------------


@pytest.mark.django_db
def test_issue_refused_lists_the_problems_then_works(client, hq_admin):
    plan = plan_with_tasks(actor=hq_admin, count=2)
    client.force_login(hq_admin)
    page = client.get(reverse("plans:detail", args=[plan.pk]))
    assert "Task 1 is assigned to no unit." in page.content.decode()
    refused = client.post(reverse("plans:issue", args=[plan.pk]), {"version": plan.version})
    assert refused.status_code == 400
    assert "Task 2 is assigned to no unit." in refused.context["refused"]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    # Assign all tasks to all counties through the form.
    response = client.post(
        reverse("plans:assign", args=[plan.pk]), {"all_tasks": "1", "all_units": "1"}
    )
    assert response.status_code == 302
    counties = unit(ZHAOQING).children.filter(valid_to__isnull=True).count()
    assert Assignment.objects.filter(task__plan=plan).count() == 2 * counties == 16
    issued = client.post(reverse("plans:issue", args=[plan.pk]), {"version": plan.version})
    assert issued.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ISSUED
    # A stale version is a conflict.
    stale = client.post(reverse("plans:close", args=[plan.pk]), {"version": plan.version - 1})
    assert stale.status_code == 409
    closed = client.post(reverse("plans:close", args=[plan.pk]), {"version": plan.version})
    assert closed.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED


@pytest.mark.django_db
def test_assign_chosen_tasks_to_chosen_counties_and_refuse_bad_input(client, hq_admin):
    plan = plan_with_tasks(actor=hq_admin, count=3)
    client.force_login(hq_admin)
    url = reverse("plans:assign", args=[plan.pk])
    first = plan.tasks.get(number="1")
    form = client.get(url, {"task": first.pk})
    assert form.status_code == 200 and str(first.pk) in form.context["chosen_tasks"]
    assert client.post(url, {"unit": [HUAIJI]}).status_code == 400
    bad = client.post(url, {"task": [first.pk], "unit": [HUAIJI_TOWN]})
    assert bad.status_code == 400 and HUAIJI_TOWN in " ".join(bad.context["errors"])
    bad_date = client.post(url, {"task": [first.pk], "unit": [HUAIJI], "deadline": "明年"})
    assert bad_date.status_code == 400 and "明年" in " ".join(bad_date.context["errors"])
    none = client.post(url, {"task": [first.pk]})
    assert none.status_code == 400
    assert not Assignment.objects.exists()
    ok = client.post(url, {"task": [first.pk], "unit": [HUAIJI, DEQING], "deadline": "2025-06-30"})
    assert ok.status_code == 302
    assert sorted(Assignment.objects.values_list("task__number", "unit__code", "deadline")) == [
        ("1", HUAIJI, date(2025, 6, 30)),
        ("1", DEQING, date(2025, 6, 30)),
    ]


@pytest.mark.django_db
def test_settings_save_and_a_conflict_keeps_the_input(client, hq_admin):
    plan = plan_with_tasks(actor=hq_admin)
    client.force_login(hq_admin)
    url = reverse("plans:settings", args=[plan.pk])
    form = client.get(url)
    assert form.status_code == 200
    data = {
        "title": "改过的方案",
        "document_number": "",
        "year_start": "2025",
        "year_end": "2027",
        "milestones": "2027 见到显著成效",
        "report_cycle": "quarterly",
        "report_due_day": "20",
        "warning_days": "10",
        "red_returns": "3",
        "notice_reply_days": "5",
        "escalation_days": "3",
        "interview_days": "5",
        "version": str(plan.version),
    }
    assert client.post(url, data).status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.report_cycle, plan.report_due_day, plan.red_returns) == (
        "改过的方案",
        "quarterly",
        20,
        3,
    )
    assert plan.milestones == [{"year": 2027, "text": "见到显著成效"}]
    # The same form sent again carries the old version: 409, and the typing is kept.
    again = client.post(url, {**data, "title": "第二次修改"})
    assert again.status_code == 409
    assert 'value="第二次修改"' in again.content.decode()
    plan.refresh_from_db()
    assert plan.title == "改过的方案"
    # Out of bounds: the field is named.
    bad = client.post(url, {**data, "version": str(plan.version), "report_due_day": "31"})
    assert bad.status_code == 400 and "report_due_day" in bad.context["form"].errors


# --- The task page ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_task_page_shows_parties_deadline_and_the_assignment_tree(
    client, hq_admin, huaiji_operator, issued
):
    task = issued.tasks.get(number="1")
    task.deadline_text = "尽快"
    task.deadline_flagged = True
    task.target_text = "建成示范村10个"
    task.save()
    TaskParty.objects.create(task=task, role="partner", name="某某局", order=1)
    county = Assignment.objects.get(task=task, unit__code=HUAIJI)
    towns = list(unit(HUAIJI).children.filter(valid_to__isnull=True).order_by("code")[:2])
    assignment_split(actor=huaiji_operator, assignment=county, units=towns, today=date(2025, 1, 3))
    client.force_login(hq_admin)
    response = client.get(reverse("plans:task", args=[task.pk]))
    html = response.content.decode()
    assert 'data-testid="deadline-flagged"' in html and "尽快" in html
    assert "建成示范村10个" in html
    assert html.count('data-testid="unmatched"') == 1  # 某某局
    depths = [(n.assignment.unit.code, n.depth) for n in response.context["nodes"]]
    assert depths == [(HUAIJI, 0), (towns[0].code, 1), (towns[1].code, 1), (DEQING, 0)]
    assert 'data-testid="assign-more"' in html
    assert issued.is_demo is False and "Demo data" not in html
    Plan.objects.filter(pk=issued.pk).update(is_demo=True)
    for url in (
        reverse("plans:task", args=[task.pk]),
        reverse("plans:detail", args=[issued.pk]),
        reverse("plans:list"),
        reverse("plans:board", args=[issued.pk]),
        reverse("plans:compare", args=[issued.pk]),
    ):
        assert "Demo data" in client.get(url).content.decode(), url
        chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "演示数据" in chinese, url


@pytest.mark.django_db
def test_the_menu_links_to_plans_in_chinese(client, hq_admin):
    client.force_login(hq_admin)
    html = client.get(reverse("plans:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'<a class="nav-link active" href="{reverse("plans:list")}">计划督办</a>' in html
    assert (
        "挂图作战"
        in client.get(
            reverse("plans:board", args=[plan_with_tasks(actor=hq_admin).pk]),
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        ).content.decode()
    )


@pytest.mark.django_db
def test_the_list_of_tasks_is_named_so_and_a_count_of_tasks_so(client, hq_admin, issued):
    """任务清单 names the plan's tab and its export; 任务数 stays the plan list's count column."""
    client.force_login(hq_admin)
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    detail = client.get(reverse("plans:detail", args=[issued.pk]), **zh).content.decode()
    tab = reverse("plans:detail", args=[issued.pk])
    assert f'<a class="nav-link active" href="{tab}">任务清单</a>' in detail
    assert (
        '<th class="text-end">任务数</th>'
        in client.get(reverse("plans:list"), **zh).content.decode()
    )
    export = client.get(reverse("plans:tasks_export", args=[issued.pk]), **zh)
    assert CalamineWorkbook.from_filelike(io.BytesIO(export.content)).sheet_names == ["任务清单"]
    assert "%E4%BB%BB%E5%8A%A1%E6%B8%85%E5%8D%95" in export["Content-Disposition"]  # 任务清单


@pytest.mark.django_db
def test_the_tree_part_links_the_export_with_its_filters(client, hq_admin, issued):
    client.force_login(hq_admin)
    part = client.get(
        reverse("plans:detail", args=[issued.pk]),
        {"light": "green", "lead": "肇庆"},
        headers={"HX-Request": "true"},
    ).content.decode()
    export = reverse("plans:tasks_export", args=[issued.pk])
    assert f'href="{export}?light=green&amp;lead=%E8%82%87%E5%BA%86"' in part
    # The page's scripts come from the site (the Content-Security-Policy allows no inline ones).
    page = client.get(reverse("plans:detail", args=[issued.pk])).content.decode()
    assert "onsubmit=" not in page and "/static/plans/plans.js" in page


@pytest.mark.django_db
def test_the_list_filters_by_status_and_words(client, hq_admin, issued):
    plan_with_tasks(actor=hq_admin, title="另一草稿")
    client.force_login(hq_admin)

    def titles(**params: str) -> list[str]:
        return [row.plan.title for row in client.get(reverse("plans:list"), params).context["rows"]]

    assert sorted(titles()) == ["另一草稿", "市级方案"]
    assert titles(status="issued") == ["市级方案"]
    assert titles(status="draft") == ["另一草稿"]
    assert titles(q="2025〕1号") == ["市级方案"]
    assert titles(q="草稿") == ["另一草稿"]
    assert client.get(reverse("plans:list"), {"page": "x"}).status_code == 400


@pytest.mark.django_db
def test_a_bad_filter_through_htmx_shows_in_place_of_the_tree(client, hq_admin, issued):
    client.force_login(hq_admin)
    response = client.get(
        reverse("plans:detail", args=[issued.pk]),
        {"unit": "123"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'data-testid="filter-error"' in html and "“123” is not a 12-digit unit code." in html
    assert "<html" not in html
