"""The demo briefing (演示数据): one work briefing of 肇庆市 for the last year the evaluation
demo ranked, written at once (no worker needed) as the demo headquarters account, after
`bqw evaluation demo`. Once only."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from baiqianwan.briefings.choices import Kind
from baiqianwan.briefings.models import Document
from baiqianwan.briefings.services import document_generate, document_request
from baiqianwan.evaluation.models import Run

DEMO_ACCOUNT = "demo-admin"


class BriefingDemoSkipped(Exception):
    pass


def briefings_demo_create() -> Document:
    if Document.objects.filter(is_demo=True).exists():
        raise BriefingDemoSkipped("简报演示数据已存在，未做改动。")
    user = get_user_model().objects.filter(username=DEMO_ACCOUNT).first()
    if user is None:
        raise BriefingDemoSkipped(f"没有演示账户 {DEMO_ACCOUNT}（先运行 bqw demo_users）。")
    run = Run.objects.filter(is_demo=True, state="done").order_by("-finished_at").first()
    if run is None:
        raise BriefingDemoSkipped("没有评价演示数据（先运行 bqw evaluation demo）。")
    document = document_request(
        user=user, kind=Kind.BRIEFING, unit=user.home_unit, period=run.last_period, enqueue=False
    )
    return document_generate(document.pk)
