"""The evaluation demo: three schemes with a run each, tracks marked as demo, once only."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from baiqianwan.evaluation.choices import RunState
from baiqianwan.evaluation.models import Run, RunScore, Scheme, UnitTrack

pytestmark = pytest.mark.django_db


def test_the_demo_runs_each_scheme_and_says_it_is_demo(demo_values, capsys):
    call_command("evaluation", "demo")
    assert "3 个方案" in capsys.readouterr().out
    assert set(Scheme.objects.values_list("code", flat=True)) == {
        "DEMO_COUNTY",
        "DEMO_TOWN",
        "DEMO_VILLAGE",
    }
    assert all("演示数据" in name for name in Scheme.objects.values_list("name", flat=True))
    runs = Run.objects.all()
    assert {r.state for r in runs} == {RunState.DONE} and all(r.is_demo for r in runs)
    county = runs.get(scheme__code="DEMO_COUNTY")
    assert RunScore.objects.filter(run=county, period="2024").count() == 8
    # Town-like units (a prison, a development zone) are not ranked with the towns.
    town = runs.get(scheme__code="DEMO_TOWN")
    assert RunScore.objects.filter(run=town, period="2024").count() == 104
    assert UnitTrack.objects.filter(year=2024).count() == 8
    assert all(UnitTrack.objects.values_list("is_demo", flat=True))
    call_command("evaluation", "demo")
    assert "已存在" in capsys.readouterr().out
    assert Run.objects.count() == 3


def test_the_demo_town_scheme_opens_for_editing_with_all_its_indicators(
    demo_values, client, hq_admin
):  # type: ignore[no-untyped-def]
    """DEMO_TOWN holds village indicators rolled up to towns (scheme_save allows them): its
    edit form offers each one checked, so saving it unchanged keeps them all."""
    call_command("evaluation", "demo")
    scheme = Scheme.objects.get(code="DEMO_TOWN")
    codes = list(scheme.members.values_list("indicator__code", flat=True))
    assert any(code.startswith("V_") for code in codes)
    client.force_login(hq_admin)
    body = client.get(reverse("evaluation:scheme_edit", args=[scheme.pk])).content.decode()
    for code in codes:
        assert re.search(rf'value="{code}" id="ind-{code}" checked', body), code
