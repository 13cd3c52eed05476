"""The 「数据交换」 page: download, upload → preview → confirm or drop, and who may."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from baiqianwan.indicators.models import CollectionWindow, DataValue, Upload
from baiqianwan.indicators.values import Cell, values_write
from tests.indicators.factories import DEQING, HUAICHENG, system_make, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    made = system_make()
    today = timezone.localdate()
    CollectionWindow.objects.filter(period=made["period"]).update(
        opens_on=today - timedelta(days=10), closes_on=today + timedelta(days=30)
    )
    return made


@pytest.fixture
def town(make_user):  # type: ignore[no-untyped-def]
    return make_user("town", "town_operator", HUAICHENG)


def _village():  # type: ignore[no-untyped-def]
    return unit(HUAICHENG).children.filter(valid_to__isnull=True).order_by("code").first()


def test_the_page_offers_download_and_upload(client, town, world, make_user):  # type: ignore[no-untyped-def]
    client.force_login(town)
    page = client.get("/indicators/exchange/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "数据交换" in body and 'data-testid="upload-form"' in body
    assert f'value="{HUAICHENG}"' in body and DEQING not in body
    leader = make_user("leader", "leader", HUAICHENG)
    client.force_login(leader)
    body = client.get("/indicators/exchange/").content.decode()
    assert 'data-testid="download-form"' in body and 'data-testid="upload-form"' not in body
    assert client.post("/indicators/exchange/upload/").status_code == 403
    auditor = make_user("aud", "audit_admin", "441200000000")
    client.force_login(auditor)
    assert client.get("/indicators/exchange/").status_code == 403


def test_downloads_as_csv_and_dhis2_json(client, town, world):  # type: ignore[no-untyped-def]
    values_write(
        actor=None,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        cells=[Cell(_village().pk, world["ind"]["POP"].pk, 1200)],
        source="demo",
    )
    client.force_login(town)
    csv = client.get("/indicators/exchange/download/?format=csv&dataset=VILLAGE&period=2024")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert csv.content.startswith(b"\xef\xbb\xbf") and b",1200," in csv.content
    assert "VILLAGE-2024-441224001000.csv" in csv["Content-Disposition"]
    dhis2 = client.get(
        f"/indicators/exchange/download/?dataset=VILLAGE&period=2024&unit={HUAICHENG}"
    )
    assert json.loads(dhis2.content)["dataValues"][0]["value"] == "1200"
    bad = client.get("/indicators/exchange/download/?dataset=VILLAGE&period=1999")
    assert bad.status_code == 400 and 'data-testid="download-error"' in bad.content.decode()
    elsewhere = f"/indicators/exchange/download/?dataset=VILLAGE&period=2024&unit={DEQING}"
    assert client.get(elsewhere).status_code == 404


def _upload(client, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        "/indicators/exchange/upload/",
        {"dataset": "VILLAGE", "period": "2024", "file": SimpleUploadedFile(name, data)},
    )


def test_upload_preview_then_store(client, town, world):  # type: ignore[no-untyped-def]
    client.force_login(town)
    data = f'unit_code,period,indicator_code,value\n{_village().code},2024,POP,"1,234"\n'
    preview = _upload(client, "v.csv", data.encode())
    assert preview.status_code == 200
    body = preview.content.decode()
    assert 'data-testid="count-new">1<' in body and 'data-testid="confirm"' in body
    assert not DataValue.objects.exists()
    upload = Upload.objects.get()
    stored = client.post(
        "/indicators/exchange/confirm/", {"upload": upload.pk, "action": "store"}, follow=True
    )
    assert stored.status_code == 200 and "已保存" in stored.content.decode()
    assert DataValue.objects.get().value == 1234
    again = client.post(
        "/indicators/exchange/confirm/", {"upload": upload.pk, "action": "store"}, follow=True
    )
    assert "重新上传" in again.content.decode()


def test_upload_with_problems_cannot_be_confirmed(client, town, world):  # type: ignore[no-untyped-def]
    client.force_login(town)
    payload = {"dataValues": [{"dataElement": "POP", "orgUnit": _village().code, "value": "12,3"}]}
    preview = _upload(client, "v.json", json.dumps(payload).encode())
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "dataValues[0].value" in body and "不是数字" in body
    assert 'data-testid="confirm"' not in body
    refused = _upload(client, "v.xlsx", b"PK")
    assert refused.status_code == 400 and 'data-testid="upload-error"' in refused.content.decode()
    no_file = client.post("/indicators/exchange/upload/", {"dataset": "VILLAGE", "period": "2024"})
    assert no_file.status_code == 400


def test_drop_and_someone_elses_upload(client, town, world, make_user):  # type: ignore[no-untyped-def]
    client.force_login(town)
    data = f"unit_code,period,indicator_code,value\n{_village().code},2024,POP,5\n".encode()
    _upload(client, "v.csv", data)
    upload = Upload.objects.get()
    other = make_user("other", "town_operator", HUAICHENG)
    client.force_login(other)
    assert client.post("/indicators/exchange/confirm/", {"upload": upload.pk}).status_code == 404
    client.force_login(town)
    dropped = client.post(
        "/indicators/exchange/confirm/", {"upload": upload.pk, "action": "discard"}
    )
    assert dropped.status_code == 302
    upload.refresh_from_db()
    assert upload.state == "discarded" and not DataValue.objects.exists()
