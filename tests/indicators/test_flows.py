"""The submission workflow up the tree: submit, approve, return, waive, lock; both sides of
every rule."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from baiqianwan.audit.models import AuditEvent
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.indicators.choices import SubmissionState
from baiqianwan.indicators.flows import (
    submission_approve,
    submission_check,
    submission_lock,
    submission_return,
    submission_submit,
    submission_waive,
)
from baiqianwan.indicators.models import DerivedValue, LockException, Submission, SubmissionStep
from baiqianwan.indicators.tree import period_tree
from baiqianwan.indicators.values import Cell, submissions_ensure, values_write
from baiqianwan.notifications.models import Notification
from tests.factories import HUAIJI, ZHAOQING
from tests.indicators.factories import DEQING, HUAICHENG, OPEN_DAY, SHANGGUO, system_make, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    return system_make()


@pytest.fixture
def people(make_user):  # type: ignore[no-untyped-def]
    return {
        "village": make_user("shangguo", "village_reporter", SHANGGUO),
        "town": make_user("huaicheng", "town_operator", HUAICHENG),
        "county": make_user("huaiji", "county_operator", HUAIJI),
        "hq": make_user("hq", "hq_admin", ZHAOQING),
        "deqing": make_user("deqing", "county_operator", DEQING),
    }


def _villages(world):  # type: ignore[no-untyped-def]
    """The villages of 怀城街道 in the period's tree."""
    tree = period_tree(world["datasets"]["VILLAGE"], world["period"])
    town = tree.node_by_code(HUAICHENG)
    return [unit(tree.nodes[pk].code) for pk in tree.children[town.pk]]


def _fill(world, village, **values):  # type: ignore[no-untyped-def]
    ind = world["ind"]
    values_write(
        actor=None,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        cells=[Cell(village.pk, ind[code].pk, value) for code, value in values.items()],
        source="form",
    )


def _village_args(world, village):  # type: ignore[no-untyped-def]
    return {"dataset": world["datasets"]["VILLAGE"], "period": world["period"], "unit": village}


def test_submit_records_step_version_audit_and_notifies_the_town(world, people):  # type: ignore[no-untyped-def]
    village = unit(SHANGGUO)
    _fill(world, village, POP=1000, GREEN=40)
    result = submission_submit(
        actor=people["village"], **_village_args(world, village), today=OPEN_DAY
    )
    submission = result.submission
    assert submission.state == SubmissionState.SUBMITTED
    assert submission.submitted_by == people["village"]
    step = SubmissionStep.objects.get(submission=submission)
    assert (step.state_from, step.state_to) == ("draft", "submitted")
    assert AuditEvent.objects.filter(action="submit", object_id=str(submission.pk)).exists()
    assert Notification.objects.filter(user=people["town"]).count() == 1
    assert not Notification.objects.filter(user=people["county"]).exists()
    with pytest.raises(InputError, match="cannot be done now"):
        submission_submit(actor=people["village"], **_village_args(world, village), today=OPEN_DAY)


def test_values_frozen_once_submitted_and_editable_after_return(world, people):  # type: ignore[no-untyped-def]
    village = unit(SHANGGUO)
    _fill(world, village, POP=1000)
    args = _village_args(world, village)
    submission_submit(actor=people["village"], **args, today=OPEN_DAY)
    pop = world["ind"]["POP"]

    def write():  # type: ignore[no-untyped-def]
        return values_write(
            actor=people["village"],
            cells=[Cell(village.pk, pop.pk, 1100)],
            source="form",
            today=OPEN_DAY,
            dataset=args["dataset"],
            period=args["period"],
        )

    with pytest.raises(InputError, match="no longer open"):
        write()
    with pytest.raises(InputError, match="Say why"):
        submission_return(actor=people["town"], **args, comment="  ")
    returned = submission_return(actor=people["town"], **args, comment="人口与公安数不符")
    assert returned.state == SubmissionState.RETURNED and returned.comment == "人口与公安数不符"
    assert Notification.objects.filter(user=people["village"], kind="returned").exists()
    assert write().changed == 1


def test_warning_reported_and_blocking_rule_refuses(world, people):  # type: ignore[no-untyped-def]
    village = unit(SHANGGUO)
    _fill(world, village, GREEN=120)
    assert [v.rule.code for v in submission_check(**_village_args(world, village))] == ["R2"]
    result = submission_submit(
        actor=people["village"], **_village_args(world, village), today=OPEN_DAY
    )
    assert [v.rule.code for v in result.warnings] == ["R2"]
    county_args = {
        "dataset": world["datasets"]["COUNTY"],
        "period": world["period"],
        "unit": unit(HUAIJI),
    }
    ind = world["ind"]
    values_write(
        actor=None,
        dataset=county_args["dataset"],
        period=world["period"],
        cells=[
            Cell(unit(HUAIJI).pk, ind["URBAN_INCOME"].pk, 30000),
            Cell(unit(HUAIJI).pk, ind["RURAL_INCOME_C"].pk, 35000),
        ],
        source="form",
    )
    with pytest.raises(InputError, match=r"农村收入不高于城镇收入 \(35000 ≤ 30000\)"):
        submission_submit(actor=people["county"], **county_args, today=OPEN_DAY)
    assert Submission.objects.get(unit=unit(HUAIJI)).state == SubmissionState.DRAFT
    values_write(
        actor=None,
        dataset=county_args["dataset"],
        period=world["period"],
        cells=[Cell(unit(HUAIJI).pk, ind["RURAL_INCOME_C"].pk, 20000)],
        source="form",
    )
    submission_submit(actor=people["county"], **county_args, today=OPEN_DAY)
    # A county's report goes to headquarters.
    assert Notification.objects.filter(user=people["hq"], kind="review").exists()
    approved = submission_approve(actor=people["hq"], **county_args)
    assert approved.state == SubmissionState.APPROVED
    city_ratio = DerivedValue.objects.get(unit=unit(ZHAOQING), indicator=ind["RATIO"])
    assert city_ratio.value == pytest.approx(30000 / 20000)


def test_only_the_parent_approves(world, people):  # type: ignore[no-untyped-def]
    village = unit(SHANGGUO)
    args = _village_args(world, village)
    submission_submit(actor=people["village"], **args, today=OPEN_DAY)
    with pytest.raises(PermissionDenied, match="怀城街道"):
        submission_approve(actor=people["county"], **args)
    with pytest.raises(Http404):
        submission_approve(actor=people["deqing"], **args)
    with pytest.raises(PermissionDenied):
        submission_approve(actor=people["village"], **args)
    assert Submission.objects.get(unit=village).state == SubmissionState.SUBMITTED
    assert submission_approve(actor=people["town"], **args).state == SubmissionState.APPROVED
    assert Notification.objects.filter(user=people["village"], kind="general").exists()
    with pytest.raises(InputError, match="cannot be done now"):
        submission_approve(actor=people["town"], **args)


def test_stale_version_is_a_conflict(world, people):  # type: ignore[no-untyped-def]
    village = unit(SHANGGUO)
    args = _village_args(world, village)
    submitted = submission_submit(actor=people["village"], **args, today=OPEN_DAY).submission
    with pytest.raises(Conflict):
        submission_approve(actor=people["town"], **args, version=submitted.version - 1)
    assert submission_approve(actor=people["town"], **args, version=submitted.version)


def test_town_total_waits_for_every_village_then_goes_to_the_county(world, people):  # type: ignore[no-untyped-def]
    villages = _villages(world)
    assert len(villages) > 2
    dataset, period = world["datasets"]["VILLAGE"], world["period"]
    town_args = {"dataset": dataset, "period": period, "unit": unit(HUAICHENG)}
    first, second, *rest = villages
    for village in [first, *rest]:
        _fill(world, village, POP=100)
        submission_submit(actor=people["town"], **_village_args(world, village), today=OPEN_DAY)
        submission_approve(actor=people["town"], **_village_args(world, village))
    with pytest.raises(InputError, match=second.name) as refused:
        submission_submit(actor=people["town"], **town_args, today=OPEN_DAY)
    assert first.name not in str(refused.value)
    with pytest.raises(InputError, match="Say why"):
        submission_waive(actor=people["town"], **_village_args(world, second), comment="")
    waived = submission_waive(
        actor=people["town"], **_village_args(world, second), comment="村委会换届，无人填报"
    )
    assert waived.state == SubmissionState.WAIVED
    submission_submit(actor=people["town"], **town_args, today=OPEN_DAY)
    assert Notification.objects.filter(user=people["county"], kind="review").exists()
    # A village's approval cannot be taken back once the town's total is on its way.
    with pytest.raises(InputError, match="must come back first"):
        submission_return(actor=people["town"], **_village_args(world, first), comment="错")
    with pytest.raises(PermissionDenied):
        submission_approve(actor=people["hq"], **town_args)
    assert submission_approve(actor=people["county"], **town_args).state == "approved"
    town_pop = DerivedValue.objects.get(unit=unit(HUAICHENG), indicator=world["ind"]["POP"])
    # The waived village is not expected.
    assert (town_pop.value, town_pop.reported, town_pop.expected) == (
        100 * (len(villages) - 1),
        len(villages) - 1,
        len(villages) - 1,
    )
    # The county's total waits for its other towns.
    county_args = {"dataset": dataset, "period": period, "unit": unit(HUAIJI)}
    with pytest.raises(InputError, match="waits for"):
        submission_submit(actor=people["county"], **county_args, today=OPEN_DAY)


def test_returning_an_approved_report_takes_it_out_of_the_totals(world, people):  # type: ignore[no-untyped-def]
    village = unit(SHANGGUO)
    _fill(world, village, POP=700)
    args = _village_args(world, village)
    submission_submit(actor=people["village"], **args, today=OPEN_DAY)
    submission_approve(actor=people["town"], **args)
    pop = world["ind"]["POP"]
    assert DerivedValue.objects.get(unit=unit(HUAIJI), indicator=pop).value == 700
    submission_return(actor=people["town"], **args, comment="复核")
    assert not DerivedValue.objects.filter(unit=unit(HUAIJI), indicator=pop).exists()


def test_closed_window_refuses_submit_unless_excepted(world, people):  # type: ignore[no-untyped-def]
    village = unit(SHANGGUO)
    args = _village_args(world, village)
    late = date(2025, 4, 10)
    with pytest.raises(InputError, match="closed for entry"):
        submission_submit(actor=people["village"], **args, today=late)
    LockException.objects.create(
        dataset=args["dataset"],
        period=args["period"],
        unit=village,
        until=date(2025, 4, 30),
        reason="系统故障",
        granted_by=people["hq"],
    )
    assert submission_submit(actor=people["village"], **args, today=late).submission.state == (
        "submitted"
    )


def test_unit_that_does_not_report_is_refused(world, people):  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="does not report"):
        submission_submit(
            actor=people["hq"],
            dataset=world["datasets"]["VILLAGE"],
            period=world["period"],
            unit=unit(ZHAOQING),
            today=OPEN_DAY,
        )


def test_lock_refused_while_unsettled_then_locks_the_subtree(world, people):  # type: ignore[no-untyped-def]
    dataset, period = world["datasets"]["COUNTY"], world["period"]
    tree = period_tree(dataset, period)
    with pytest.raises(PermissionDenied):
        submission_lock(actor=people["county"], dataset=dataset, period=period)
    with pytest.raises(InputError, match="not approved or waived"):
        submission_lock(actor=people["hq"], dataset=dataset, period=period)
    counties = list(tree.leaves)
    submissions_ensure(dataset, period, counties)
    Submission.objects.filter(dataset=dataset, unit_id__in=counties).update(state="approved")
    Submission.objects.filter(dataset=dataset, unit=unit(DEQING)).update(state="waived")
    assert (
        submission_lock(actor=people["hq"], dataset=dataset, period=period, within=unit(HUAIJI))
        == 1
    )
    assert Submission.objects.get(dataset=dataset, unit=unit(HUAIJI)).state == "locked"
    assert submission_lock(actor=people["hq"], dataset=dataset, period=period) == len(counties) - 2
    states = set(Submission.objects.filter(dataset=dataset).values_list("state", flat=True))
    assert states == {"locked", "waived"}
    assert AuditEvent.objects.filter(action="lock").count() == 2
    # A locked report cannot be returned.
    with pytest.raises(InputError, match="cannot be done now"):
        submission_return(
            actor=people["hq"], dataset=dataset, period=period, unit=unit(HUAIJI), comment="x"
        )


def test_decide_many_goes_one_by_one_and_refreshes_once(world, people):  # type: ignore[no-untyped-def]
    from baiqianwan.indicators.flows import submissions_decide

    first, second, draft = _villages(world)[:3]
    for village in (first, second):
        _fill(world, village, POP=50)
        submission_submit(actor=people["town"], **_village_args(world, village), today=OPEN_DAY)
    stale = Submission.objects.get(unit=second).version - 1
    result = submissions_decide(
        actor=people["town"],
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        decision="approve",
        units=[(first, None), (second, stale), (draft, None)],
    )
    assert [s.unit_id for s in result.done] == [first.pk]
    assert [unit.pk for unit, _why in result.refused] == [second.pk, draft.pk]
    assert "reload" in result.refused[0][1]
    assert DerivedValue.objects.get(unit=unit(HUAICHENG), indicator=world["ind"]["POP"]).value == 50
    with pytest.raises(InputError):
        submissions_decide(
            actor=people["town"],
            dataset=world["datasets"]["VILLAGE"],
            period=world["period"],
            decision="delete",
            units=[(first, None)],
        )
    # Returning without a comment is refused for each, and nothing moves.
    result = submissions_decide(
        actor=people["town"],
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        decision="return",
        units=[(first, None)],
    )
    assert result.refused and Submission.objects.get(unit=first).state == "approved"
