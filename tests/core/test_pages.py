"""Pages: no asset from outside the site, error pages without tracebacks, language switch."""

from __future__ import annotations

import html
import re

import pytest

from tests.core.test_scope_routes import all_patterns, fill
from tests.factories import HUAIJI, ZHAOQING

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
def test_a_malformed_request_gets_the_friendly_page(client, hq_admin):
    client.force_login(hq_admin)
    fields = {f"f{i}": "x" for i in range(26_000)}
    response = client.post("/intake/new/", fields, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "The request could not be read" in response.content.decode()


# Words a Chinese page may show in Latin letters: names of formats, tools and languages.
LATIN_ALLOWED = {
    "English",
    "Excel",
    "WPS",
    "API",
    "IP",
    "JSON",
    "MB",
    "UTF",
    "txt",
    "docx",
    "html",
    "htm",
}
LATIN_ALLOWED |= {"bqw", "createuser"}  # the command that creates accounts on the server
LATIN_ALLOWED |= {"DHIS", "CSV"}  # the interchange formats the data exchange page names
# The evaluation methods' and measures' names, written in Latin letters in Chinese texts too.
LATIN_ALLOWED |= {"AHP", "CRITIC", "TOPSIS", "CR", "CI", "CV", "SHA"}
# The briefing templates page names the formats and the template tags an office writes.
LATIN_ALLOWED |= {"Word", "WPS", "PDF", "Jinja", "title", "ranking", "rows"}


def visible_words(body: str, allowed: set[str]) -> set[str]:
    """Latin words a reader sees on a page: its text and its placeholder, title, aria-label
    and alt attributes, without scripts and without the data rows (<tbody>: user names,
    encodings, what the register and the audit trail hold)."""
    body = re.sub(r"(?is)<(script|style|tbody)\b.*?</\1>", " ", body)
    attributes = re.findall(r'(?:placeholder|title|aria-label|alt)="([^"]*)"', body)
    text = html.unescape(re.sub(r"(?s)<[^>]+>", " ", body) + " " + " ".join(attributes))
    return set(re.findall(r"[A-Za-z]{2,}", text)) - allowed


@pytest.mark.django_db
def test_every_chinese_page_and_error_is_chinese(client, hq_admin, auditor, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from baiqianwan.intake.services import intake_create
    from baiqianwan.textclean.decode import DecodedText

    document = intake_create(
        user=hq_admin,
        decoded=DecodedText(
            text="一、推进产业。\n（一）市工信局牵头。", encoding="utf-8", kind="paste"
        ),
        source_name="",
        title="测试方案",
    )
    readers = [
        hq_admin,
        auditor,
        make_user("security", "security_admin", ZHAOQING),
        make_user("system", "system_admin", ZHAOQING),
    ]
    # What the reader typed comes back in the error, and an encoding's name is data.
    allowed = LATIN_ALLOWED | {reader.username for reader in readers} | {"abc", "hamlet", "utf"}
    english: dict[str, set[str]] = {}
    seen = 0
    for reader in readers:
        client.force_login(reader)
        for name, route in all_patterns():
            if route.startswith("api/") or name in ("accounts:logout", "set_language"):
                continue
            path = re.sub(r"<(?:\w+:)?code>", HUAIJI, route).replace("<int:pk>", str(document.pk))
            path = "/" + path.replace("<str:username>", hq_admin.username)
            for query in ("", "?page=abc", "?page=0", "?page=99", "?q=怀集&level=hamlet"):
                response = client.get(path + query, follow=True)
                if "html" not in response.get("Content-Type", ""):
                    continue
                seen += 1
                for word in visible_words(response.content.decode(), allowed):
                    english.setdefault(word, set()).add(f"{reader.username} {path}{query}")
    client.force_login(hq_admin)
    refusals = {
        "binary": SimpleUploadedFile("plan.txt", b"\x00\x01" * 100),
        "byte-order mark": SimpleUploadedFile("plan.txt", b"\xef\xbb\xbf\xff"),
        "encoding": SimpleUploadedFile("plan.txt", b"plan " + b"\x81\x30" * 5 + b"\x81"),
        "type": SimpleUploadedFile("plan.pdf", b"%PDF-1.7"),
        "damaged docx": SimpleUploadedFile("plan.docx", b"PK\x03\x04 not really"),
        "empty": SimpleUploadedFile("plan.txt", b" \n"),
    }
    refused = {}
    for kind, upload in refusals.items():
        refused[kind] = client.post("/intake/new/", {"text": "", "upload": upload})
        assert refused[kind].status_code == 400
        # The detail is shown on a Chinese page too, so its words are checked below.
        assert 'data-testid="intake-detail"' in refused[kind].content.decode(), kind
    conflict = client.post(
        f"/intake/{document.pk}/",
        {"version": document.version - 1, "rows-0-task": "推进产业", "rows-0-carried": "{}"},
    )
    assert conflict.status_code == 409 and 'class="alert alert-danger"' in conflict.content.decode()
    empty = client.post(
        f"/intake/{document.pk}/",
        {"version": document.version, "rows-0-task": " ", "rows-0-carried": "{}"},
    )
    assert empty.status_code == 400
    assert "第 1 行：工作任务为空。请填写，或删除该行。" in empty.content.decode()
    # Encoding names and the file type the reader uploaded are data, not English.
    data_words = allowed | {"GB", "Big", "pdf"}
    checked = [(f"upload {kind}", response) for kind, response in refused.items()]
    for where, response in [*checked, ("conflict", conflict), ("empty", empty)]:
        for word in visible_words(response.content.decode(), data_words):
            english.setdefault(word, set()).add(where)
    client.logout()
    for path in ("/accounts/login/", "/accounts/login/?next=/units/"):
        for word in visible_words(client.get(path).content.decode(), LATIN_ALLOWED):
            english.setdefault(word, set()).add(path)
    assert seen >= 60
    assert not english, {word: sorted(where)[:3] for word, where in english.items()}


@pytest.mark.django_db
def test_an_error_message_is_a_bootstrap_danger_alert(rf, hq_admin):
    """Django tags an error "error"; Bootstrap has no alert-error, so it must read danger."""
    from django.contrib import messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = hq_admin
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    messages.error(request, "保存失败")
    messages.success(request, "已保存")
    body = render_to_string("base.html", request=request)
    assert (
        '<div class="alert alert-danger" role="alert" data-testid="message">保存失败</div>' in body
    )
    assert (
        '<div class="alert alert-success" role="status" data-testid="message">已保存</div>' in body
    )
    assert "alert-error" not in body
