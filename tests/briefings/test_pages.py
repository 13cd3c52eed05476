"""The pages through the real stack: asking for a document, the list with its downloads and
preview, the area's limits, schedules."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from baiqianwan.audit.models import AuditEvent
from baiqianwan.briefings.choices import Kind
from baiqianwan.briefings.models import Document, Schedule
from baiqianwan.briefings.services import document_generate, document_request, schedules_run
from baiqianwan.units.models import Unit
from tests.factories import DEQING, HUAIJI, ZHAOQING

pytestmark = pytest.mark.django_db


def test_asking_for_a_briefing_queues_it_and_the_list_offers_both_files(client, hq_admin):
    client.force_login(hq_admin)
    assert client.get(reverse("briefings:new")).status_code == 200
    response = client.post(
        reverse("briefings:new"), {"kind": "briefing", "unit": ZHAOQING, "period": "2030-02"}
    )
    document = Document.objects.get()
    assert response["Location"] == reverse("briefings:document", args=[document.pk])
    assert (document.period, document.state) == ("203002", "queued")
    document_generate(document.pk)
    listed = client.get(reverse("briefings:list")).content.decode()
    assert document.number in listed and ".docx" in listed and ".pdf" in listed
    page = client.get(reverse("briefings:document", args=[document.pk])).content.decode()
    assert 'data-testid="preview"' in page
    preview = client.get(reverse("briefings:preview", args=[document.pk]))
    assert preview["Content-Type"] == "image/png" and preview.content[:4] == b"\x89PNG"
    pdf = client.get(reverse("briefings:pdf", args=[document.pk]))
    assert pdf.content[:5] == b"%PDF-" and "attachment" in pdf["Content-Disposition"]
    docx = client.get(reverse("briefings:docx", args=[document.pk]))
    assert docx.content[:2] == b"PK"
    assert AuditEvent.objects.filter(action="download").count() == 2


def test_a_bad_period_is_refused_naming_it(client, hq_admin):
    client.force_login(hq_admin)
    response = client.post(
        reverse("briefings:new"), {"kind": "briefing", "unit": ZHAOQING, "period": "2025-13"}
    )
    assert response.status_code == 400
    assert "2025-13 不是报告期" in response.content.decode()
    assert not Document.objects.exists()


def test_an_area_outside_the_users_is_not_found(client, huaiji_operator, hq_admin):
    client.force_login(huaiji_operator)
    response = client.post(
        reverse("briefings:new"), {"kind": "briefing", "unit": DEQING, "period": "2024"}
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="out_of_scope").exists()
    city = Unit.objects.get(code=ZHAOQING, valid_to__isnull=True)
    theirs = document_request(
        user=hq_admin, kind=Kind.BRIEFING, unit=city, period="2024", enqueue=False
    )
    for name in ("document", "pdf", "docx", "preview"):
        assert client.get(reverse(f"briefings:{name}", args=[theirs.pk])).status_code == 404
    # Their own county is theirs to write for.
    response = client.post(
        reverse("briefings:new"), {"kind": "briefing", "unit": HUAIJI, "period": "2024"}
    )
    assert response.status_code == 302


def test_the_templates_page_offers_the_shipped_templates_and_an_upload(client, hq_admin):
    client.force_login(hq_admin)
    page = client.get(reverse("briefings:templates")).content.decode()
    assert reverse("briefings:template_shipped", args=["notice"]) in page
    assert 'data-testid="template-form"' in page and "ranking" in page
    shipped = client.get(reverse("briefings:template_shipped", args=["briefing"]))
    assert shipped.content[:2] == b"PK"
    upload = client.post(
        reverse("briefings:templates"),
        {"kind": "briefing", "file": SimpleUploadedFile("宏.docm", b"PK")},
    )
    assert upload.status_code == 400 and "宏.docm" in upload.content.decode()


def test_a_leader_reads_the_list_but_may_not_write(client, make_user):
    leader = make_user("leader", "leader", ZHAOQING)
    client.force_login(leader)
    assert client.get(reverse("briefings:list")).status_code == 200
    assert client.get(reverse("briefings:new")).status_code == 403


def test_a_schedule_writes_last_months_briefing_on_its_day_once(client, hq_admin):
    client.force_login(hq_admin)
    response = client.post(
        reverse("briefings:schedules"), {"kind": "briefing", "cadence": "month", "day": 5}
    )
    assert response.status_code == 302
    schedule = Schedule.objects.get()
    assert schedules_run(today=date(2026, 1, 4), enqueue=False) == []
    made = schedules_run(today=date(2026, 1, 5), enqueue=False)
    assert [(d.kind, d.period, d.schedule_id) for d in made] == [
        ("briefing", "202512", schedule.pk)
    ]
    assert schedules_run(today=date(2026, 1, 5), enqueue=False) == []
    assert (
        client.post(
            reverse("briefings:schedules"), {"kind": "briefing", "cadence": "month", "day": 31}
        ).status_code
        == 400
    )
