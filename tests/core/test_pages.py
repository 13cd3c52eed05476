"""Pages: no asset from outside the site, error pages without tracebacks, language switch."""

from __future__ import annotations

import re

import pytest

from tests.core.test_scope_routes import all_patterns, fill
from tests.factories import HUAIJI

EXTERNAL = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?\s*(?:https?:)?//""", re.I)


@pytest.mark.django_db
def test_no_page_references_an_asset_outside_the_site(client, hq_admin, auditor, make_user):
    seen = 0
    for reader in (hq_admin, auditor, make_user("security", "security_admin", "441200000000")):
        client.force_login(reader)
        for name, route in all_patterns():
            path = fill(route, HUAIJI)
            response = client.get(path, follow=True)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            body = response.content.decode()
            assert not EXTERNAL.search(body), (name, EXTERNAL.search(body).group(0))
            seen += 1
    client.logout()
    body = client.get("/accounts/login/").content.decode()
    assert not EXTERNAL.search(body)
    assert seen >= 15


@pytest.mark.django_db
def test_error_pages_never_show_a_traceback(client, huaiji_operator, settings):
    settings.DEBUG = False
    client.force_login(huaiji_operator)
    response = client.get("/units/441226000000/")
    assert response.status_code == 404
    body = response.content.decode()
    assert ("Traceback" not in body and "未找到" in body) or "Not found" in body
    response = client.get("/audit/")
    assert response.status_code == 403
    assert "Traceback" not in response.content.decode()


@pytest.mark.django_db
def test_a_server_error_shows_the_friendly_page(client, huaiji_operator, settings, monkeypatch):
    settings.DEBUG = False
    from baiqianwan.units import views

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views, "unit_descendant_counts", boom)
    client.raise_request_exception = False
    client.force_login(huaiji_operator)
    response = client.get(f"/units/{HUAIJI}/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "secret internals" not in body and "Traceback" not in body


@pytest.mark.django_db
def test_chinese_by_default_and_english_on_request(client, huaiji_operator):
    client.force_login(huaiji_operator)
    chinese = client.get(f"/units/{HUAIJI}/").content.decode()
    assert "下级单位" in chinese and 'lang="zh-hans"' in chinese
    client.post("/i18n/setlang/", {"language": "en", "next": f"/units/{HUAIJI}/"})
    english = client.get(f"/units/{HUAIJI}/").content.decode()
    assert "Subordinate units" in english and 'lang="en"' in english


@pytest.mark.django_db
def test_children_export_is_a_real_workbook(client, huaiji_operator):
    from python_calamine import CalamineWorkbook

    client.force_login(huaiji_operator)
    response = client.get(f"/units/{HUAIJI}/children.xlsx")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(__import__("io").BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert len(rows) == 1 + 19
    assert all(isinstance(row[0], str) and len(row[0]) == 12 for row in rows[1:])
    assert "怀城街道" in [row[1] for row in rows]


@pytest.mark.django_db
def test_search_finds_partial_names_and_codes(client, hq_admin):
    client.force_login(hq_admin)
    by_name = client.get("/units/search/", {"q": "怀集"}).content.decode()
    assert "441224000000" in by_name
    by_code = client.get("/units/search/", {"q": "441224", "level": "town"}).content.decode()
    assert "怀城街道" in by_code and "19" in by_code
    fragment = client.get("/units/search/", {"q": "怀集"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "441224000000" in fragment


@pytest.mark.django_db
def test_every_response_carries_a_same_site_content_security_policy(client, hq_admin):
    client.force_login(hq_admin)
    for path in ("/accounts/login/", f"/units/{HUAIJI}/", "/api/units", "/api/docs"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert "http" not in policy


def test_every_post_form_carries_a_csrf_token():
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "src" / "baiqianwan"
    checked = 0
    for template in package.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", text, re.S | re.I):
            assert "{% csrf_token %}" in form, template
            checked += 1
    assert checked >= 6


@pytest.mark.django_db
def test_an_idle_session_ends(client, huaiji_operator):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(huaiji_operator)
    assert client.get(f"/units/{HUAIJI}/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(f"/units/{HUAIJI}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_malformed_request_gets_the_friendly_page(client, hq_admin):
    client.force_login(hq_admin)
    fields = {f"f{i}": "x" for i in range(26_000)}
    response = client.post("/intake/new/", fields, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "The request could not be read" in response.content.decode()
