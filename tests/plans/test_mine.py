"""我的任务: what the signed-in unit must report, redo, review and answer, and its export."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from python_calamine import CalamineWorkbook

from baiqianwan.plans.choices import NoticeState
from baiqianwan.plans.flows import report_review, report_submit
from baiqianwan.plans.models import Notice, Report
from baiqianwan.plans.report_selectors import mine_get
from baiqianwan.plans.services import plan_issue
from tests.factories import DEQING, HUAIJI, ZHAOQING
from tests.plans.factories import assigned, plan_with_tasks, unit
from tests.plans.reporting import ISSUED_ON, county_assignment, issued_plan


def counts(client) -> dict[str, int]:  # type: ignore[no-untyped-def]
    body = client.get("/plans/mine/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    found = {}
    for name in ("to-report", "returned", "to-review", "notices"):
        marker = f'data-testid="count-{name}">'
        found[name] = int(body.split(marker)[1].split("<")[0])
    return found


def notice(plan, assignment, *, sequence, addressee, escalated_to=None, state="open"):  # type: ignore[no-untyped-def]
    return Notice.objects.create(
        issuer=plan.issuer,
        year=2025,
        sequence=sequence,
        assignment=assignment,
        addressee=addressee,
        escalated_to=escalated_to,
        text="请按期回复",
        reply_by=date(2025, 4, 1),
        issued_on=ISSUED_ON,
        state=state,
    )


@pytest.mark.django_db
def test_the_lists_follow_reporting_review_and_notices(client, hq_admin, huaiji_operator):
    plan = issued_plan(actor=hq_admin, count=3)
    client.force_login(huaiji_operator)
    assert counts(client) == {"to-report": 3, "returned": 0, "to-review": 0, "notices": 0}
    today = timezone.localdate()
    first = county_assignment(plan)
    report_submit(
        actor=huaiji_operator,
        assignment=first,
        text="完成",
        percent=50,
        status="on_track",
        today=today,
    )
    assert counts(client)["to-report"] == 2
    client.force_login(hq_admin)
    assert counts(client) == {"to-report": 0, "returned": 0, "to-review": 1, "notices": 0}
    report = Report.objects.get()
    report_review(
        actor=hq_admin, report=report, accept=False, comment="材料不全", version=1, today=today
    )
    assert counts(client)["to-review"] == 0
    client.force_login(huaiji_operator)
    body = client.get("/plans/mine/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert counts(client)["returned"] == 1
    assert "材料不全" in body.split('data-testid="returned"')[1]
    town = unit(HUAIJI).children.filter(level="town", valid_to__isnull=True).first()
    notice(plan, first, sequence=1, addressee=first.unit)
    notice(plan, first, sequence=2, addressee=town, escalated_to=first.unit, state="escalated")
    notice(plan, first, sequence=3, addressee=first.unit, state=NoticeState.REPLIED)
    notice(plan, county_assignment(plan, DEQING), sequence=4, addressee=unit(DEQING))
    assert counts(client)["notices"] == 2
    assert "督办〔2025〕1号" in client.get("/plans/mine/").content.decode()


@pytest.mark.django_db
def test_a_town_sees_its_own_unit_only_and_a_leader_reviews_nothing(
    client, hq_admin, huaiji_operator, make_user
):
    plan = issued_plan(actor=hq_admin, count=2)
    town = unit(HUAIJI).children.filter(level="town", valid_to__isnull=True).first()
    town_operator = make_user("town", "town_operator", town.code)
    client.force_login(town_operator)
    assert counts(client) == {"to-report": 0, "returned": 0, "to-review": 0, "notices": 0}
    leader = make_user("leader", "leader", ZHAOQING)
    report_submit(
        actor=huaiji_operator,
        assignment=county_assignment(plan),
        text="完成",
        percent=50,
        status="on_track",
        today=timezone.localdate(),
    )
    client.force_login(leader)
    assert counts(client)["to-review"] == 0
    client.force_login(make_user("auditor", "audit_admin", ZHAOQING))
    assert client.get("/plans/mine/").status_code == 403
    assert client.get("/plans/mine.xlsx").status_code == 403


@pytest.mark.django_db
def test_reports_of_villages_go_to_their_town_not_to_headquarters(
    client, hq_admin, huaiji_operator, make_user
):
    from baiqianwan.plans.services import assignment_split

    plan = issued_plan(actor=hq_admin)
    county = county_assignment(plan)
    town = unit(HUAIJI).children.filter(level="town", valid_to__isnull=True).first()
    today = timezone.localdate()
    (town_assignment,) = assignment_split(
        actor=huaiji_operator, assignment=county, units=[town], today=today
    )
    town_operator = make_user("town", "town_operator", town.code)
    report_submit(
        actor=town_operator,
        assignment=town_assignment,
        text="完成",
        percent=20,
        status="on_track",
        today=today,
    )
    client.force_login(huaiji_operator)
    assert counts(client)["to-review"] == 1
    client.force_login(hq_admin)
    assert counts(client)["to-review"] == 0


@pytest.mark.django_db
def test_the_export_has_every_row_of_every_list(client, hq_admin, huaiji_operator):
    plan = issued_plan(actor=hq_admin, count=2)
    notice(plan, county_assignment(plan), sequence=9, addressee=unit(HUAIJI))
    client.force_login(huaiji_operator)
    response = client.get("/plans/mine.xlsx", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "attachment;" in response["Content-Disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert rows[0][:5] == ["List", "Plan", "No.", "Task", "Unit"]
    assert [(row[0], row[2], row[4]) for row in rows[1:]] == [
        ("To report", "1", "怀集县"),
        ("To report", "2", "怀集县"),
        ("Notices", "1", "怀集县"),
    ]
    assert rows[3][9].startswith("督办〔2025〕9号")


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_for_2_or_12_assignments(client, hq_admin, huaiji_operator):
    today = timezone.localdate()

    def build(count: int) -> int:
        plan = plan_with_tasks(actor=hq_admin, count=count, deadline=None, title=f"方案{count}")
        assigned(actor=hq_admin, plan=plan, codes=[HUAIJI], today=ISSUED_ON)
        plan = plan_issue(actor=hq_admin, plan=plan, version=plan.version, today=ISSUED_ON)
        for task in plan.tasks.all():
            assignment = task.assignments.select_related("task__plan", "unit").get()
            report_submit(
                actor=huaiji_operator,
                assignment=assignment,
                text="进展",
                percent=10,
                status="on_track",
                today=today,
            )
            notice(plan, assignment, sequence=task.pk, addressee=assignment.unit)
        return count

    def queries(user) -> int:  # type: ignore[no-untyped-def]
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/plans/mine/").status_code == 200
        return len(captured)

    build(2)
    few = queries(hq_admin), queries(huaiji_operator)
    build(10)
    assert (queries(hq_admin), queries(huaiji_operator)) == few
    assert max(few) <= 16
    assert mine_get(user=hq_admin, today=today).to_review_count == 12


@pytest.mark.django_db
def test_the_cards_fit_a_phone(client, hq_admin, huaiji_operator):
    issued_plan(actor=hq_admin)
    client.force_login(huaiji_operator)
    body = client.get("/plans/mine/").content.decode()
    assert 'name="viewport" content="width=device-width' in body
    # One card a row on a phone, two on a tablet, three on a wide screen.
    assert 'class="col-12 col-md-6 col-xl-4"' in body
