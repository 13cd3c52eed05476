"""The plans API: what a caller of each area sees, and the light counts of their area only."""

from __future__ import annotations

from datetime import date

import pytest

from baiqianwan.plans.models import Assignment
from baiqianwan.plans.services import plan_issue
from tests.factories import DEQING, HUAIJI
from tests.plans.factories import assigned, plan_with_tasks


@pytest.fixture
def issued(hq_admin):  # type: ignore[no-untyped-def]
    plan = plan_with_tasks(actor=hq_admin, count=3)
    assigned(actor=hq_admin, plan=plan, codes=[HUAIJI, DEQING], today=date(2025, 1, 2))
    return plan_issue(actor=hq_admin, plan=plan, version=plan.version, today=date(2025, 1, 2))


@pytest.mark.django_db
def test_plans_and_their_light_counts_by_area(client, hq_admin, huaiji_operator, issued):
    Assignment.objects.filter(unit__code=DEQING).update(light="red")
    client.force_login(hq_admin)
    body = client.get("/api/plans").json()
    assert body["count"] == 1
    assert body["items"][0]["lights"] == {"green": 3, "yellow": 0, "red": 3, "done": 0}
    client.force_login(huaiji_operator)
    body = client.get("/api/plans").json()
    assert body["items"][0]["lights"] == {"green": 3, "yellow": 0, "red": 0, "done": 0}
    detail = client.get(f"/api/plans/{issued.pk}").json()
    assert detail["warning_days"] == 15 and detail["status"] == "issued"


@pytest.mark.django_db
def test_tasks_and_assignments(client, huaiji_operator, issued):
    client.force_login(huaiji_operator)
    tasks = client.get(f"/api/plans/{issued.pk}/tasks").json()
    assert [t["number"] for t in tasks["items"]] == ["1", "2", "3"]
    assert tasks["items"][0]["parties"][0]["unit_code"] == "441200000000"
    first = tasks["items"][0]["id"]
    assignments = client.get(f"/api/plans/tasks/{first}/assignments").json()
    assert [a["unit_code"] for a in assignments] == [HUAIJI]
    deqing = Assignment.objects.get(task_id=first, unit__code=DEQING)
    refused = client.get(f"/api/plans/assignments/{deqing.pk}")
    assert refused.status_code == 404
    assert refused["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_a_draft_is_seen_by_its_issuers_area_only(client, hq_admin, huaiji_operator):
    plan = plan_with_tasks(actor=hq_admin, count=1)
    assigned(actor=hq_admin, plan=plan, codes=[HUAIJI], today=date(2025, 1, 2))
    client.force_login(huaiji_operator)
    assert client.get("/api/plans").json()["count"] == 0
    assert client.get(f"/api/plans/{plan.pk}").status_code == 404
    client.force_login(hq_admin)
    assert client.get("/api/plans?status=draft").json()["count"] == 1
    bad = client.get("/api/plans?status=late")
    assert bad.status_code == 400 and bad.json()["field"] == "status"
