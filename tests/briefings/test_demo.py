"""The demo briefing: written once, for the last year the demo evaluation ranked, 演示数据."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from baiqianwan.briefings.models import Document
from baiqianwan.evaluation.models import Run
from tests.factories import ZHAOQING

pytestmark = pytest.mark.django_db


def test_the_demo_briefing_is_written_once_and_marked(county_run, make_user, capsys):
    call_command("briefings_demo")
    assert "demo-admin" in capsys.readouterr().out
    assert not Document.objects.exists()
    make_user("demo-admin", "hq_admin", ZHAOQING)
    Run.objects.filter(pk=county_run.pk).update(is_demo=True)
    call_command("briefings_demo")
    assert "pages" in capsys.readouterr().out
    document = Document.objects.get()
    assert (document.kind, document.period, document.is_demo) == ("briefing", "2024", True)
    call_command("briefings_demo")
    assert "已存在" in capsys.readouterr().out
    assert Document.objects.count() == 1
