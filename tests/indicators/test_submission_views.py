"""The approval, report, reporting-rate and lock-exception pages through the Django client."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from baiqianwan.audit.models import AuditEvent
from baiqianwan.indicators.models import CollectionWindow, LockException, Submission
from baiqianwan.indicators.tree import period_tree
from baiqianwan.indicators.values import Cell, submissions_ensure, values_write
from tests.factories import HUAIJI, ZHAOQING
from tests.indicators.factories import DEQING, HUAICHENG, SHANGGUO, system_make, unit

pytestmark = pytest.mark.django_db

QUERY = "?dataset=VILLAGE&period=2024"


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    found = system_make()
    # Keep the 2024 window open today, whatever day the tests run.
    today = timezone.localdate()
    CollectionWindow.objects.filter(period=found["period"]).update(
        opens_on=today - timedelta(days=10), closes_on=today + timedelta(days=10)
    )
    return found


@pytest.fixture
def town(make_user):  # type: ignore[no-untyped-def]
    return make_user("huaicheng", "town_operator", HUAICHENG)


def _fill(world, village, **values):  # type: ignore[no-untyped-def]
    values_write(
        actor=None,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        cells=[Cell(village.pk, world["ind"][c].pk, v) for c, v in values.items()],
        source="form",
    )


def test_village_submits_and_town_approves_through_the_pages(client, make_user, world, town):  # type: ignore[no-untyped-def]
    village = unit(SHANGGUO)
    _fill(world, village, POP=900, GREEN=130)
    reporter = make_user("shangguo", "village_reporter", SHANGGUO)
    client.force_login(reporter)
    page = client.get(reverse("indicators:status") + QUERY)
    assert page.status_code == 200
    body = page.content.decode()
    assert "绿化覆盖率不超过100" in body and 'data-testid="submit"' in body
    # The village reporter does not approve.
    assert client.get(reverse("indicators:approvals")).status_code == 403
    response = client.post(
        reverse("indicators:submit"),
        {"dataset": "VILLAGE", "period": "2024", "unit": SHANGGUO, "version": "1"},
        follow=True,
    )
    assert Submission.objects.get(unit=village).state == "submitted"
    assert "绿化覆盖率不超过100" in response.content.decode()
    client.force_login(town)
    page = client.get(reverse("indicators:approvals") + QUERY)
    body = page.content.decode()
    assert f'data-testid="approve-{SHANGGUO}"' in body
    # POP and GREEN of the five entered indicators, and the warning counted.
    assert "2 / 5" in body
    version = Submission.objects.get(unit=village).version
    response = client.post(
        reverse("indicators:decide"),
        {
            "dataset": "VILLAGE",
            "period": "2024",
            "row": f"approve:{village.pk}",
            f"version_{village.pk}": str(version),
        },
        follow=True,
    )
    assert Submission.objects.get(unit=village).state == "approved"
    history = client.get(
        reverse("indicators:submission", args=[Submission.objects.get(unit=village).pk])
    )
    assert history.status_code == 200
    assert "shangguo" in history.content.decode() and "huaicheng" in history.content.decode()


def test_bulk_return_needs_a_comment_and_waive_goes_one_by_one(client, world, town):  # type: ignore[no-untyped-def]
    tree = period_tree(world["datasets"]["VILLAGE"], world["period"])
    villages = tree.children[tree.node_by_code(HUAICHENG).pk][:3]
    submissions_ensure(world["datasets"]["VILLAGE"], world["period"], villages)
    Submission.objects.filter(unit_id__in=villages[:2]).update(state="submitted")
    client.force_login(town)
    data = {"dataset": "VILLAGE", "period": "2024", "decision": "return", "units": villages[:2]}
    response = client.post(reverse("indicators:decide"), data, follow=True)
    assert "Say why" in response.content.decode() or "请说明" in response.content.decode()
    assert set(
        Submission.objects.filter(unit_id__in=villages[:2]).values_list("state", flat=True)
    ) == {"submitted"}
    client.post(reverse("indicators:decide"), {**data, "comment": "请补充人口"}, follow=True)
    assert set(
        Submission.objects.filter(unit_id__in=villages[:2]).values_list("state", flat=True)
    ) == {"returned"}
    client.post(
        reverse("indicators:decide"),
        {"dataset": "VILLAGE", "period": "2024", "row": f"waive:{villages[2]}", "comment": "撤并"},
    )
    assert Submission.objects.get(unit_id=villages[2]).state == "waived"


def test_decide_cannot_reach_outside_the_area(client, world, town):  # type: ignore[no-untyped-def]
    elsewhere = unit(DEQING).children.first().children.first()
    submissions_ensure(world["datasets"]["VILLAGE"], world["period"], [elsewhere.pk])
    Submission.objects.filter(unit=elsewhere).update(state="submitted")
    client.force_login(town)
    client.post(
        reverse("indicators:decide"),
        {"dataset": "VILLAGE", "period": "2024", "row": f"approve:{elsewhere.pk}"},
    )
    assert Submission.objects.get(unit=elsewhere).state == "submitted"


def test_reporting_rate_table_and_export(client, world, hq_admin):  # type: ignore[no-untyped-def]
    tree = period_tree(world["datasets"]["VILLAGE"], world["period"])
    huaiji_villages = tree.leaves_below(tree.node_by_code(HUAIJI).pk)
    on_time, late, waived = huaiji_villages[:3]
    submissions_ensure(world["datasets"]["VILLAGE"], world["period"], [on_time, late, waived])
    window = CollectionWindow.objects.get(
        dataset=world["datasets"]["VILLAGE"], period=world["period"]
    )
    closes = timezone.make_aware(
        timezone.datetime.combine(window.closes_on, timezone.datetime.min.time())
    )
    Submission.objects.filter(unit_id=on_time).update(state="approved", submitted_at=closes)
    Submission.objects.filter(unit_id=late).update(
        state="submitted", submitted_at=closes + timedelta(days=2)
    )
    Submission.objects.filter(unit_id=waived).update(state="waived")
    client.force_login(hq_admin)
    page = client.get(reverse("indicators:reporting") + QUERY)
    assert page.status_code == 200
    rows = page.context["page"].rows
    huaiji = next(r for r in rows if r.code == HUAIJI)
    assert (huaiji.expected, huaiji.submitted, huaiji.on_time, huaiji.waived) == (
        len(huaiji_villages) - 1,
        2,
        1,
        1,
    )
    assert len(rows) == 8
    assert page.context["page"].total.expected == len(tree.leaves) - 1
    export = client.get(reverse("indicators:reporting") + QUERY + "&format=xlsx")
    assert export.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(export.content))
    cells = sheet.get_sheet_by_name(sheet.sheet_names[0]).to_python()
    assert any(row[1] == HUAIJI and row[3] == 2 for row in cells)
    assert AuditEvent.objects.filter(action="download").exists()


def test_lock_exception_grant_and_revoke(client, world, hq_admin, huaiji_operator):  # type: ignore[no-untyped-def]
    window = CollectionWindow.objects.get(
        dataset=world["datasets"]["VILLAGE"], period=world["period"]
    )
    url = reverse("indicators:lock_exceptions")
    client.force_login(huaiji_operator)
    assert client.get(url + QUERY).status_code == 403
    client.force_login(hq_admin)
    data = {"dataset": "VILLAGE", "period": "2024", "unit": SHANGGUO, "reason": ""}
    data["until"] = (window.closes_on + timedelta(days=5)).isoformat()
    refused = client.post(url, data)
    assert refused.status_code == 400 and not LockException.objects.exists()
    refused = client.post(url, {**data, "reason": "洪灾", "until": window.closes_on.isoformat()})
    assert refused.status_code == 400
    refused = client.post(url, {**data, "reason": "洪灾", "unit": HUAICHENG})
    assert refused.status_code == 400
    client.post(url, {**data, "reason": "洪灾"})
    exception = LockException.objects.get()
    assert exception.unit == unit(SHANGGUO) and exception.granted_by == hq_admin
    again = client.post(url, {**data, "reason": "再次"})
    assert again.status_code == 400 and LockException.objects.count() == 1
    assert "洪灾" in client.get(url + QUERY).content.decode()
    client.post(reverse("indicators:lock_exception_revoke", args=[exception.pk]))
    exception.refresh_from_db()
    assert exception.revoked_at is not None
    assert AuditEvent.objects.filter(action="lock_exception").count() == 2


def test_hq_locks_from_the_approval_page(client, world, hq_admin):  # type: ignore[no-untyped-def]
    dataset = world["datasets"]["COUNTY"]
    tree = period_tree(dataset, world["period"])
    client.force_login(hq_admin)
    url = reverse("indicators:lock")
    client.post(url, {"dataset": "COUNTY", "period": "2024"})
    assert not Submission.objects.filter(state="locked").exists()
    submissions_ensure(dataset, world["period"], tree.leaves)
    Submission.objects.filter(dataset=dataset).update(state="approved")
    client.post(url, {"dataset": "COUNTY", "period": "2024"})
    assert Submission.objects.filter(dataset=dataset, state="locked").count() == 8
    page = client.get(reverse("indicators:approvals") + "?dataset=COUNTY&period=2024")
    assert page.status_code == 200 and len(page.context["page"].rows) == 8


def test_pages_in_chinese_and_english(client, world, hq_admin):  # type: ignore[no-untyped-def]
    client.force_login(hq_admin)
    page = client.get(reverse("indicators:approvals") + QUERY, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "审核" in page.content.decode()
    # The city is the viewer's home; its eight counties are listed.
    assert len(page.context["page"].rows) == 8
    assert page.context["page"].home.code == ZHAOQING


def test_status_of_a_unit_outside_the_area_is_not_found(client, world, town):  # type: ignore[no-untyped-def]
    client.force_login(town)
    assert client.get(reverse("indicators:status") + QUERY + f"&unit={DEQING}").status_code == 404
    own = client.get(reverse("indicators:status") + QUERY)
    assert own.status_code == 200 and own.context["status"].row.is_total


def test_rollup_command(world):  # type: ignore[no-untyped-def]
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("indicators", "rollup", "NOPE", "2024")
    with pytest.raises(CommandError):
        call_command("indicators", "rollup", "VILLAGE", "1999")
    out = io.StringIO()
    call_command("indicators", "rollup", "VILLAGE", "2024", stdout=out)
    assert "VILLAGE 2024" in out.getvalue()
