"""The template and upload pages, through the Django test client."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from baiqianwan.indicators.models import CollectionWindow, DataValue, Upload, UploadState
from tests.indicators.factories import HUAICHENG, SHANGGUO, system_make, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    found = system_make()
    CollectionWindow.objects.filter(period=found["period"]).update(
        closes_on=timezone.localdate() + timedelta(days=30)
    )
    return found


@pytest.fixture
def town(make_user, client):  # type: ignore[no-untyped-def]
    user = make_user("town", "town_operator", HUAICHENG)
    client.force_login(user)
    return user


def _download(client) -> bytes:  # type: ignore[no-untyped-def]
    response = client.get(
        reverse("indicators:workbook_template"),
        {"dataset": "VILLAGE", "period": "2024", "scope": HUAICHENG},
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content) if response.streaming else response.content


def _fill(data: bytes, value) -> bytes:  # type: ignore[no-untyped-def]
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=6):
        if row[0].value == SHANGGUO:
            row[4].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _post(client, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("indicators:workbook_upload"),
        {
            "dataset": "VILLAGE",
            "period": "2024",
            "scope": HUAICHENG,
            "file": SimpleUploadedFile("填报.xlsx", data),
        },
    )


def test_page_offers_data_sets_periods_and_areas(client, world, town):  # type: ignore[no-untyped-def]
    response = client.get(reverse("indicators:workbook"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "VILLAGE 报表" in text and "2024" in text and HUAICHENG in text
    # A town operator's areas for a village report: the town itself.
    assert response.context["scopes"] == [unit(HUAICHENG)]


def test_download_fill_upload_preview_store(client, world, town):  # type: ignore[no-untyped-def]
    data = _download(client)
    response = _post(client, _fill(data, 321))
    assert response.status_code == 302
    upload = Upload.objects.get()
    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200 and upload.state == UploadState.PREVIEWED
    assert 'data-testid="count-new"' in text and "321" in text
    assert not DataValue.objects.exists()
    stored = client.post(reverse("indicators:upload_store", args=[upload.pk]))
    assert stored.status_code == 302
    assert DataValue.objects.get(unit=unit(SHANGGUO)).value == 321
    assert 'data-state="stored"' in client.get(stored["Location"]).content.decode()


def test_problems_shown_and_nothing_stored(client, world, town):  # type: ignore[no-untyped-def]
    response = _post(client, _fill(_download(client), "12,3"))
    page = client.get(response["Location"]).content.decode()
    # The page (and the problems it keeps) speak the uploader's language: Chinese here.
    assert "村级报表!E" in page and "&#x27;12,3&#x27; 不是数字" in page
    assert 'data-testid="store"' not in page
    upload = Upload.objects.get()
    assert client.post(reverse("indicators:upload_store", args=[upload.pk])).status_code == 302
    assert not DataValue.objects.exists()


def test_not_the_template_is_refused_on_the_form(client, world, town):  # type: ignore[no-untyped-def]
    response = _post(client, b"hello")
    assert response.status_code == 400
    assert "不是本平台为该报表生成的模板" in response.content.decode()
    assert not Upload.objects.exists()


def test_discard(client, world, town):  # type: ignore[no-untyped-def]
    _post(client, _fill(_download(client), 5))
    upload = Upload.objects.get()
    response = client.post(reverse("indicators:upload_discard", args=[upload.pk]))
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.state == UploadState.DISCARDED


def test_state_fragment_polls_while_working_and_reloads_when_done(client, world, town):  # type: ignore[no-untyped-def]
    _post(client, _fill(_download(client), 5))
    upload = Upload.objects.get()
    Upload.objects.filter(pk=upload.pk).update(state=UploadState.CHECKING)
    part = client.get(reverse("indicators:upload_state", args=[upload.pk]))
    assert 'hx-trigger="every 2s"' in part.content.decode()
    Upload.objects.filter(pk=upload.pk).update(state=UploadState.PREVIEWED)
    done = client.get(reverse("indicators:upload_state", args=[upload.pk]) + "?was=checking")
    assert done["HX-Refresh"] == "true"


def test_another_areas_upload_is_not_found(client, world, town, make_user):  # type: ignore[no-untyped-def]
    _post(client, _fill(_download(client), 5))
    upload = Upload.objects.get()
    client.force_login(make_user("deqing", "county_operator", "441226000000"))
    assert client.get(reverse("indicators:upload", args=[upload.pk])).status_code == 404
    assert client.post(reverse("indicators:upload_store", args=[upload.pk])).status_code == 404
    assert (
        client.get(
            reverse("indicators:workbook_template"),
            {"dataset": "VILLAGE", "period": "2024", "scope": HUAICHENG},
        ).status_code
        == 404
    )


def test_leader_may_not_upload(client, world, make_user):  # type: ignore[no-untyped-def]
    client.force_login(make_user("leader", "leader", HUAICHENG[:6] + "000000"))
    assert client.get(reverse("indicators:workbook")).status_code == 403
