"""The light rule, by hand-computed cases, and the pass that rolls progress up the tree."""

from __future__ import annotations

from datetime import date

import pytest

from baiqianwan.plans.choices import Light
from baiqianwan.plans.lights import (
    LightRule,
    LightState,
    cycle_of,
    cycle_required,
    expected_progress,
    light_for,
    lights_refresh,
)
from baiqianwan.plans.models import Assignment
from baiqianwan.plans.services import assignment_split, plan_issue
from tests.factories import DEQING, HUAIJI
from tests.plans.factories import assigned, plan_with_tasks, unit

RULE = LightRule(cycle="monthly", due_day=25, warning_days=15, red_returns=2)


def state(**overrides):  # type: ignore[no-untyped-def]
    values = dict(
        start=date(2025, 1, 1),
        deadline=date(2025, 12, 31),
        progress=50.0,
        done=False,
        returns=0,
        last_cycle="2025-06",
    )
    values.update(overrides)
    return LightState(**values)  # type: ignore[arg-type]


def test_cycles():
    assert cycle_of(date(2025, 3, 9), "monthly") == "2025-03"
    assert cycle_of(date(2025, 3, 9), "quarterly") == "2025-Q1"
    assert cycle_of(date(2025, 12, 31), "quarterly") == "2025-Q4"
    # Before the 25th the report due is last month's; from the 25th on, this month's.
    assert cycle_required(date(2025, 7, 24), RULE) == ("2025-06", date(2025, 6, 25))
    assert cycle_required(date(2025, 7, 25), RULE) == ("2025-07", date(2025, 7, 25))
    quarterly = LightRule(cycle="quarterly", due_day=20)
    assert cycle_required(date(2025, 2, 1), quarterly) == ("2024-Q4", date(2024, 12, 20))
    assert cycle_required(date(2025, 3, 20), quarterly) == ("2025-Q1", date(2025, 3, 20))


def test_expected_line():
    start, end = date(2025, 1, 1), date(2025, 1, 11)
    assert expected_progress(start, end, date(2025, 1, 6)) == 50.0
    assert expected_progress(start, end, date(2024, 12, 1)) == 0.0
    assert expected_progress(start, end, date(2025, 2, 1)) == 100.0


def test_the_rule_case_by_case():
    today = date(2025, 7, 10)
    assert light_for(state(), rule=RULE, today=today) == (Light.GREEN, "")
    assert light_for(state(done=True, deadline=date(2025, 1, 1)), rule=RULE, today=today)[0] == (
        Light.DONE
    )
    light, why = light_for(state(deadline=date(2025, 7, 1)), rule=RULE, today=today)
    assert light == Light.RED and "9" in why
    assert light_for(state(returns=2), rule=RULE, today=today)[0] == Light.RED
    assert light_for(state(returns=1), rule=RULE, today=today)[0] == Light.GREEN
    # June's report was due on 25 June and is missing.
    light, why = light_for(state(last_cycle="2025-05"), rule=RULE, today=today)
    assert light == Light.YELLOW and "2025-06" in why
    # ... but not for an assignment made after that due day, nor for a split one.
    assert light_for(state(last_cycle="", start=date(2025, 7, 1)), rule=RULE, today=today)[0] == (
        Light.GREEN
    )
    assert light_for(state(last_cycle=""), rule=RULE, today=today, reports=False)[0] == Light.GREEN
    # Ten days left, expected about 97 %, at 50 %: yellow; outside the window: green.
    near = state(deadline=date(2025, 7, 20))
    assert light_for(near, rule=RULE, today=today)[0] == Light.YELLOW
    assert (
        light_for(state(deadline=date(2025, 7, 20), progress=99.0), rule=RULE, today=today)[0]
        == Light.GREEN
    )
    assert (
        light_for(state(deadline=date(2025, 8, 20), progress=10.0), rule=RULE, today=today)[0]
        == Light.GREEN
    )


@pytest.mark.django_db
def test_progress_and_lights_roll_up_the_tree(hq_admin, huaiji_operator):
    plan = plan_with_tasks(actor=hq_admin, count=1)
    assigned(actor=hq_admin, plan=plan, codes=[HUAIJI, DEQING], today=date(2025, 1, 2))
    plan_issue(actor=hq_admin, plan=plan, version=plan.version, today=date(2025, 1, 2))
    county = Assignment.objects.get(unit__code=HUAIJI)
    towns = list(unit(HUAIJI).children.filter(valid_to__isnull=True).order_by("code")[:2])
    first, second = assignment_split(
        actor=huaiji_operator,
        assignment=county,
        units=towns,
        weights=[3, 1],
        today=date(2025, 1, 3),
    )
    Assignment.objects.filter(pk=first.pk).update(progress=40, last_cycle="2025-12")
    Assignment.objects.filter(pk=second.pk).update(
        progress=100, done_on=date(2025, 2, 1), last_cycle="2025-12"
    )
    lights_refresh(assignments=Assignment.objects.all(), today=date(2025, 2, 10))
    county.refresh_from_db()
    assert float(county.progress) == 55.0  # (3 × 40 + 1 × 100) / 4
    assert county.light == Light.GREEN
    # The first town passes its deadline: red there, red at the county; the other stays done.
    lights_refresh(assignments=Assignment.objects.all(), today=date(2026, 1, 5))
    county.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.light, second.light, county.light) == (Light.RED, Light.DONE, Light.RED)
    assert Assignment.objects.get(unit__code=DEQING).light == Light.RED


def test_reasons_are_stored_as_codes_and_read_in_the_readers_language():
    from django.utils import translation

    from baiqianwan.plans.lights import reason_text

    light, code = light_for(state(deadline=date(2025, 7, 1)), rule=RULE, today=date(2025, 7, 10))
    assert (light, code) == (Light.RED, "overdue:9")
    assert reason_text(code) == "Overdue by 9 days"
    with translation.override("zh-hans"):
        assert reason_text(code) == "已逾期 9 天"
        assert reason_text("behind:30:92") == "进度滞后：完成 30%，应达 92%"
        assert reason_text("missing:2025-06") == "2025-06 未报送进展"
    assert reason_text("") == ""


@pytest.mark.django_db
def test_issuing_tells_each_assigned_unit_once(hq_admin, huaiji_operator, make_user):
    from baiqianwan.notifications.models import Notification

    deqing_operator = make_user("deqing", "county_operator", DEQING)
    plan = plan_with_tasks(actor=hq_admin, count=3)
    assigned(actor=hq_admin, plan=plan, codes=[HUAIJI, DEQING], today=date(2025, 1, 2))
    plan_issue(actor=hq_admin, plan=plan, version=plan.version, today=date(2025, 1, 2))
    for operator in (huaiji_operator, deqing_operator):
        notes = list(Notification.objects.filter(user=operator))
        assert len(notes) == 1, operator
        assert plan.title in notes[0].title and "3" in notes[0].body
        assert notes[0].url == "/plans/mine/"
    assert not Notification.objects.filter(user=hq_admin).exists()
