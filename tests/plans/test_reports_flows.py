"""The reporting flow as services, on explicit dates: cycles, lights, the level above."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from baiqianwan.accounts.policy import OutOfScope
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.plans.choices import Light, ReviewState
from baiqianwan.plans.flows import percent_parse, report_review, report_submit, review_unit
from baiqianwan.plans.models import Assignment, Plan, Report
from baiqianwan.plans.services import assignment_split, plan_issue, plan_update
from tests.factories import DEQING, HUAIJI
from tests.plans.factories import assigned, plan_with_tasks, unit
from tests.plans.reporting import county_assignment, issued_plan


def submit(actor, assignment, *, today, **fields):  # type: ignore[no-untyped-def]
    values = {"text": "进展", "percent": 30, "status": "on_track", **fields}
    return report_submit(actor=actor, assignment=assignment, today=today, **values)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0", "0.0"), ("100", "100.0"), ("12.34", "12.3"), (" 55 % ", "55.0"), (7, "7.0")],
)
def test_percents_taken(raw, expected):
    assert str(percent_parse(raw)) == expected


@pytest.mark.parametrize("raw", ["101", "-1", "100.1", "", "abc", "Infinity", "NaN", True, None])
def test_percents_refused_name_the_field(raw):
    with pytest.raises(InputError) as refused:
        percent_parse(raw)
    assert refused.value.field == "percent"
    assert "percent complete" in refused.value.message


@pytest.mark.django_db
def test_a_missing_report_turns_yellow_and_the_report_turns_it_green(hq_admin, huaiji_operator):
    plan = plan_with_tasks(actor=hq_admin, count=1, deadline=None)
    assigned(actor=hq_admin, plan=plan, codes=[HUAIJI], today=date(2025, 1, 2))
    plan_issue(actor=hq_admin, plan=plan, version=plan.version, today=date(2025, 1, 2))
    # Assignments made "today" start on their creation day; date them in January 2025.
    Assignment.objects.update(created_at="2025-01-02T08:00:00+08:00")
    assignment = county_assignment(plan)
    from baiqianwan.plans.lights import lights_refresh

    lights_refresh(assignments=Assignment.objects.all(), today=date(2025, 3, 26))
    assignment.refresh_from_db()
    assert (assignment.light, assignment.light_why) == (Light.YELLOW, "No report for 2025-03")
    report = submit(huaiji_operator, assignment, today=date(2025, 3, 26))
    assert report.cycle == "2025-03"
    assignment.refresh_from_db()
    assert (assignment.light, assignment.last_cycle) == (Light.GREEN, "2025-03")
    assert assignment.last_report_on == date(2025, 3, 26)


@pytest.mark.django_db
def test_an_earlier_cycle_may_be_reported_late_but_last_cycle_never_goes_back(
    hq_admin, huaiji_operator
):
    plan = issued_plan(actor=hq_admin)
    assignment = county_assignment(plan)
    submit(huaiji_operator, assignment, today=date(2025, 5, 3))
    submit(huaiji_operator, assignment, today=date(2025, 5, 3), cycle="2025-03")
    assignment.refresh_from_db()
    assert assignment.last_cycle == "2025-05"
    assert list(Report.objects.order_by("id").values_list("cycle", flat=True)) == [
        "2025-05",
        "2025-03",
    ]


@pytest.mark.django_db
def test_a_quarterly_plan_takes_quarters(hq_admin, huaiji_operator):
    plan = issued_plan(actor=hq_admin)
    plan = plan_update(actor=hq_admin, plan=plan, version=plan.version, report_cycle="quarterly")
    assignment = county_assignment(plan)
    assert submit(huaiji_operator, assignment, today=date(2025, 5, 3)).cycle == "2025-Q2"
    with pytest.raises(InputError) as refused:
        submit(huaiji_operator, assignment, today=date(2025, 5, 3), cycle="2025-04")
    assert refused.value.field == "cycle"
    assert "2025-Q2" in refused.value.message
    with pytest.raises(InputError, match="2025-Q3 has not begun"):
        submit(huaiji_operator, assignment, today=date(2025, 5, 3), cycle="2025-Q3")


@pytest.mark.django_db
def test_a_draft_plan_takes_no_report(hq_admin, huaiji_operator):
    plan = plan_with_tasks(actor=hq_admin, count=1)
    assigned(actor=hq_admin, plan=plan, codes=[HUAIJI], today=date(2025, 1, 2))
    with pytest.raises(InputError, match="not issued yet"):
        submit(huaiji_operator, county_assignment(plan), today=date(2025, 1, 3))
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_reporting_for_another_county_is_out_of_scope(hq_admin, huaiji_operator):
    plan = issued_plan(actor=hq_admin)
    with pytest.raises(OutOfScope) as refused:
        submit(huaiji_operator, county_assignment(plan, DEQING), today=date(2025, 3, 3))
    assert refused.value.code == DEQING


@pytest.mark.django_db
def test_the_reviewer_is_the_level_above(hq_admin, huaiji_operator, make_user):
    plan = issued_plan(actor=hq_admin)
    county = county_assignment(plan)
    assert review_unit(county) == plan.issuer
    town = unit(HUAIJI).children.filter(level="town", valid_to__isnull=True).first()
    (child,) = assignment_split(
        actor=huaiji_operator, assignment=county, units=[town], today=date(2025, 3, 2)
    )
    child = Assignment.objects.select_related("parent__unit", "task__plan", "unit").get(pk=child.pk)
    assert review_unit(child) == county.unit
    town_operator = make_user("town", "town_operator", town.code)
    report = submit(town_operator, child, today=date(2025, 3, 3))
    with pytest.raises(PermissionDenied):
        report_review(
            actor=town_operator,
            report=report,
            accept=True,
            comment="",
            version=report.version,
            today=date(2025, 3, 4),
        )
    # Headquarters, further up, may decide too.
    reviewed = report_review(
        actor=hq_admin,
        report=report,
        accept=True,
        comment="",
        version=report.version,
        today=date(2025, 3, 4),
    )
    assert reviewed.state == ReviewState.ACCEPTED


@pytest.mark.django_db
def test_a_stale_version_is_a_conflict_and_a_reviewed_report_is_not_reviewed_again(
    hq_admin, huaiji_operator
):
    plan = issued_plan(actor=hq_admin)
    report = submit(huaiji_operator, county_assignment(plan), today=date(2025, 3, 3), percent=80)
    report_review(
        actor=hq_admin, report=report, accept=True, comment="好", version=1, today=date(2025, 3, 4)
    )
    with pytest.raises(Conflict):
        report_review(
            actor=hq_admin,
            report=report,
            accept=False,
            comment="再看",
            version=1,
            today=date(2025, 3, 4),
        )
    with pytest.raises(InputError, match="reviewed already"):
        report_review(
            actor=hq_admin,
            report=report,
            accept=False,
            comment="再看",
            version=2,
            today=date(2025, 3, 4),
        )
    report.refresh_from_db()
    assert (report.state, report.comment, report.percent) == ("accepted", "好", Decimal("80.0"))


@pytest.mark.django_db
def test_accepting_done_marks_the_day_and_a_later_partial_report_reopens(hq_admin, huaiji_operator):
    plan = issued_plan(actor=hq_admin)
    assignment = county_assignment(plan)
    done = submit(huaiji_operator, assignment, today=date(2025, 3, 3), status="done", percent=95)
    report_review(
        actor=hq_admin, report=done, accept=True, comment="", version=1, today=date(2025, 3, 5)
    )
    assignment.refresh_from_db()
    assert (assignment.done_on, assignment.light) == (date(2025, 3, 5), Light.DONE)
    again = submit(huaiji_operator, assignment, today=date(2025, 4, 3), percent=90)
    report_review(
        actor=hq_admin, report=again, accept=True, comment="", version=1, today=date(2025, 4, 5)
    )
    assignment.refresh_from_db()
    assert assignment.done_on is None and assignment.light != Light.DONE


@pytest.mark.django_db
def test_a_closed_plan_takes_no_review(hq_admin, huaiji_operator):
    from baiqianwan.plans.services import plan_close

    plan = issued_plan(actor=hq_admin)
    report = submit(huaiji_operator, county_assignment(plan), today=date(2025, 3, 3))
    plan = Plan.objects.get(pk=plan.pk)
    plan_close(actor=hq_admin, plan=plan, version=plan.version, today=date(2025, 3, 4))
    report = Report.objects.select_related("assignment__task__plan", "assignment__unit").get()
    with pytest.raises(InputError, match="The plan is closed"):
        report_review(
            actor=hq_admin,
            report=report,
            accept=True,
            comment="",
            version=1,
            today=date(2025, 3, 5),
        )
