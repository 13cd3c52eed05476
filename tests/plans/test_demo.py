"""The demo plan: built from the sample text, on every light, marked 演示数据 where it shows."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import Count

from baiqianwan.plans.choices import Light, NoticeState
from baiqianwan.plans.demo import DemoError, plans_demo_create
from baiqianwan.plans.models import Assignment, Notice, Plan
from tests.factories import shared_path

TODAY = date(2026, 12, 1)


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    call_command("departments_load", "--zhaoqing", stdout=io.StringIO())
    call_command("demo_users", stdout=io.StringIO())
    text = shared_path("samples", "xijiang-daily-commentary-2025.txt")
    return plans_demo_create(text_path=text, today=TODAY)


@pytest.mark.django_db
def test_the_demo_plan_shows_every_light_and_an_escalated_notice(demo):
    plan = demo.plan
    assert plan.is_demo and plan.status == "issued" and "演示数据" in plan.title
    assert plan.source_document is not None  # taken in through intake, as a user would
    lights = dict(
        Assignment.objects.filter(task__plan=plan).values_list("light").annotate(n=Count("id"))
    )
    assert set(lights) == set(Light), lights
    counties = Assignment.objects.filter(task__plan=plan, parent__isnull=True)
    assert counties.values("unit").distinct().count() == 8
    assert Assignment.objects.filter(task__plan=plan, unit__level="village").exists()
    escalated = Notice.objects.get(state=NoticeState.ESCALATED)
    assert escalated.escalated_to.code == "441224000000"  # a town's notice went up to 怀集县
    assert escalated.steps.filter(kind="escalated").exists()
    assert Notice.objects.filter(state=NoticeState.OPEN).count() == 1


@pytest.mark.django_db
def test_the_demo_is_built_once_and_says_so(demo):
    text = shared_path("samples", "xijiang-daily-commentary-2025.txt")
    with pytest.raises(DemoError, match="exists already"):
        plans_demo_create(text_path=text, today=TODAY)
    assert Plan.objects.filter(is_demo=True).count() == 1


@pytest.mark.django_db
def test_the_demo_is_labelled_where_it_shows(client, demo):
    from baiqianwan.accounts.models import User

    client.force_login(User.objects.get(username="demo-county"))
    for url in ("/plans/", f"/plans/{demo.plan.pk}/", f"/plans/{demo.plan.pk}/board/"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert page.status_code == 200, url
        assert "演示数据" in page.content.decode(), url


@pytest.mark.django_db
def test_the_command_refuses_production(settings):
    settings.BQW_MODE = "production"
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="dev or demo"):
        call_command("plans_demo", stdout=io.StringIO())
