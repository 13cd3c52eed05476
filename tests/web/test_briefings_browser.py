"""In Chromium: headquarters writes a supervision notice from a task's page; the document's
page waits while the worker writes it, then shows page 1 and the two downloads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from baiqianwan.accounts.services import user_create
from baiqianwan.briefings.models import Document
from baiqianwan.briefings.services import document_generate
from baiqianwan.plans.models import Assignment
from baiqianwan.plans.services import plan_issue
from tests.factories import HUAIJI, PASSWORD, ZHAOQING
from tests.plans.factories import assigned, plan_with_tasks
from tests.web.conftest import shot, sign_in_as

pytestmark = pytest.mark.browser


def test_a_notice_from_the_task_page_to_its_preview(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    hq = user_create(username="hq-d", role="hq_admin", unit_code=ZHAOQING, password=PASSWORD)
    plan = plan_with_tasks(actor=hq, count=1, deadline=today - timedelta(days=3))
    assigned(actor=hq, plan=plan, codes=[HUAIJI], today=today - timedelta(days=30))
    plan_issue(actor=hq, plan=plan, version=plan.version, today=today - timedelta(days=30))
    assignment = Assignment.objects.get()

    sign_in_as(page, live_server, "hq-d", then=f"/plans/tasks/{assignment.task_id}/")
    page.click("[data-testid=notice-document]")
    page.wait_for_selector("[data-testid=document-state][data-state=queued]")
    document = Document.objects.get()
    assert "督办" in page.inner_text("h1") or "Supervision" in page.inner_text("h1")
    # The worker's part, done here: the page asks again every 2 s and shows the result.
    document_generate(document.pk)
    page.wait_for_selector("[data-testid=preview]", timeout=10_000)
    assert page.eval_on_selector("[data-testid=preview]", "img => img.naturalWidth") > 300
    with page.expect_download() as download:
        page.click("[data-testid=download-pdf]")
    assert download.value.suggested_filename.endswith(".pdf")
    shot(page, "briefings-01-notice")
    page.goto(f"{live_server.url}/briefings/")
    assert document.number in page.inner_text("[data-testid=documents]")
    shot(page, "briefings-02-list")
