"""Behind the documented nginx: the client address, HTTPS and HSTS, no caching of programme
data, and a private SQLite file."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory

from baiqianwan.audit.context import client_address
from baiqianwan.audit.models import AuditEvent
from tests.factories import HUAIJI, PASSWORD, ROOT

PROXY = "10.0.0.5"


def address(settings, trusted: list[str], remote: str, forwarded: str | None = None):  # type: ignore[no-untyped-def]
    settings.BQW_TRUSTED_PROXIES = trusted
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    assert address(settings, [], "203.0.113.9", "198.51.100.1") == "203.0.113.9"


def test_a_spoofed_header_from_an_untrusted_peer_is_ignored(settings):
    assert address(settings, [PROXY], "203.0.113.9", "198.51.100.1") == "203.0.113.9"


def test_the_trusted_proxy_is_believed(settings):
    assert address(settings, [PROXY], PROXY, "198.51.100.1") == "198.51.100.1"
    assert address(settings, ["10.0.0.0/24"], PROXY, "198.51.100.1") == "198.51.100.1"


def test_a_trusted_proxy_without_the_header_is_the_client(settings):
    assert address(settings, [PROXY], PROXY) == PROXY


def test_a_chain_is_walked_from_the_right_past_trusted_proxies_only(settings):
    trusted = [PROXY, "10.0.1.0/24"]
    # The client wrote 1.1.1.1 itself; nginx appended the real peer; a balancer the proxy.
    chain = "1.1.1.1, 198.51.100.7, 10.0.1.3"
    assert address(settings, trusted, PROXY, chain) == "198.51.100.7"
    # A client that writes a trusted proxy's address gains nothing: the walk stops at it.
    assert address(settings, trusted, PROXY, "10.0.1.3, 198.51.100.7") == "198.51.100.7"
    # Every hop trusted: the leftmost is the client (a machine inside the proxies' network).
    assert address(settings, trusted, PROXY, "10.0.1.9, 10.0.1.3") == "10.0.1.9"


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        (["::1"], "::1", "2001:db8::7", "2001:db8::7"),
        (["2001:db8:ff::/48"], "2001:db8:ff::2", "198.51.100.1, 2001:db8::7", "2001:db8::7"),
        (["::1"], "::1", "[2001:db8::7]:4431", "2001:db8::7"),
        ([PROXY], "::ffff:10.0.0.5", "198.51.100.1", "198.51.100.1"),
        ([PROXY], PROXY, "198.51.100.1:5123", "198.51.100.1"),
        (["::1"], "2001:db8::9", "198.51.100.1", "2001:db8::9"),
    ],
)
def test_ipv6_and_ports(settings, trusted, remote, forwarded, expected):
    assert address(settings, trusted, remote, forwarded) == expected


@pytest.mark.parametrize(
    "forwarded",
    ["", "garbage", "198.51.100.1, <script>", "999.1.1.1", "fe80::1%eth0", " , ,", "unknown"],
)
def test_garbage_stops_at_the_last_trusted_proxy(settings, forwarded):
    assert address(settings, [PROXY], PROXY, forwarded) == PROXY


def test_a_garbage_peer_address_is_no_address(settings):
    assert address(settings, [PROXY], "not-an-address", "198.51.100.1") is None


@pytest.mark.django_db
def test_the_audit_trail_records_the_client_behind_the_proxy(client, settings, hq_admin):
    settings.BQW_TRUSTED_PROXIES = ["127.0.0.1"]
    client.post(
        "/accounts/login/",
        {"username": "hq", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.23",
    )
    assert AuditEvent.objects.filter(action="login").latest("id").ip == "198.51.100.23"
    client.get("/units/search.xlsx", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.23")
    assert AuditEvent.objects.filter(action="download").latest("id").ip == "198.51.100.23"


@pytest.mark.django_db
def test_a_spoofed_header_does_not_reach_the_audit_trail(client, settings, hq_admin):
    settings.BQW_TRUSTED_PROXIES = ["10.0.0.0/8"]
    client.post(
        "/accounts/login/",
        {"username": "hq", "password": "wrong"},
        REMOTE_ADDR="203.0.113.50",
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert AuditEvent.objects.filter(action="login_failed").latest("id").ip == "203.0.113.50"


@pytest.mark.django_db
def test_axes_locks_out_by_the_same_client_address(client, settings, hq_admin):
    from axes.models import AccessAttempt

    settings.BQW_TRUSTED_PROXIES = ["127.0.0.1"]
    client.post(
        "/accounts/login/",
        {"username": "hq", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.77",
    )
    assert AccessAttempt.objects.get(username="hq").ip_address == "198.51.100.77"
    client.post(
        "/accounts/login/",
        {"username": "hq", "password": "wrong"},
        REMOTE_ADDR="203.0.113.50",
        HTTP_X_FORWARDED_FOR="198.51.100.77",
    )
    assert AccessAttempt.objects.filter(ip_address="203.0.113.50").exists()


def settings_under(env: dict[str, str], tmp_path: Path, code: str) -> str:
    """Run `code` after importing the settings under `env` (a fresh interpreter)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BQW_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "-c", f"import baiqianwan.settings as s\n{code}"],
        env={**base, "BQW_MODE": "dev", "BQW_VAR_DIR": str(tmp_path / "var"), **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


SECURITY = (
    "import json; print(json.dumps({'SECURE_PROXY_SSL_HEADER': s.SECURE_PROXY_SSL_HEADER,"
    " 'SECURE_HSTS_SECONDS': s.SECURE_HSTS_SECONDS, 'SESSION_COOKIE_SECURE':"
    " s.SESSION_COOKIE_SECURE, 'BQW_TRUSTED_PROXIES': s.BQW_TRUSTED_PROXIES}))"
)


def test_https_behind_the_proxy_sends_hsts_and_secure_cookies(tmp_path, client, settings):
    secure = json.loads(
        settings_under({"BQW_HTTPS": "1", "BQW_TRUSTED_PROXIES": "127.0.0.1"}, tmp_path, SECURITY)
    )
    assert secure["SESSION_COOKIE_SECURE"] is True
    assert secure["BQW_TRUSTED_PROXIES"] == ["127.0.0.1/32"]
    # The header nginx sets (docs/deployment.md) is the one the settings read.
    nginx = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert secure["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    settings.SECURE_PROXY_SSL_HEADER = tuple(secure["SECURE_PROXY_SSL_HEADER"])
    settings.SECURE_HSTS_SECONDS = secure["SECURE_HSTS_SECONDS"]
    over_https = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert over_https.headers["Strict-Transport-Security"] == "max-age=31536000"
    over_http = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="http")
    assert "Strict-Transport-Security" not in over_http.headers


def test_plain_http_trusts_no_proxy_header(tmp_path):
    plain = json.loads(settings_under({}, tmp_path, SECURITY))
    assert plain["SECURE_PROXY_SSL_HEADER"] is None and plain["SECURE_HSTS_SECONDS"] == 0
    assert plain["BQW_TRUSTED_PROXIES"] == []


def test_the_sqlite_file_and_its_journal_are_private(tmp_path):
    code = (
        "import django, os, stat; os.environ['DJANGO_SETTINGS_MODULE'] = 'baiqianwan.settings'\n"
        "django.setup()\n"
        "from django.db import connection\n"
        "c = connection.cursor(); c.execute('CREATE TABLE t (x int)')\n"
        "c.execute('INSERT INTO t VALUES (1)')\n"
        "name = connection.settings_dict['NAME']\n"
        "for f in (name, f'{name}-wal', f'{name}-shm'):\n"
        "    print(os.path.basename(f), oct(stat.S_IMODE(os.stat(f).st_mode)))\n"
    )
    old = os.umask(0o022)
    try:
        out = settings_under({}, tmp_path, code)
    finally:
        os.umask(old)
    assert out.split() == [
        "baiqianwan.sqlite3", "0o600", "baiqianwan.sqlite3-wal", "0o600",
        "baiqianwan.sqlite3-shm", "0o600",
    ]  # fmt: skip
    assert stat.S_IMODE((tmp_path / "var").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "var" / "secret_key").stat().st_mode) == 0o600


def test_an_existing_sqlite_file_is_made_private(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    for name in ("baiqianwan.sqlite3", "baiqianwan.sqlite3-wal"):
        (var / name).write_bytes(b"")
        (var / name).chmod(0o644)
    settings_under({}, tmp_path, "")
    for name in ("baiqianwan.sqlite3", "baiqianwan.sqlite3-wal"):
        assert stat.S_IMODE((var / name).stat().st_mode) == 0o600


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/units/",
        f"/units/{HUAIJI}/",
        "/units/search/?q=怀集",
        "/units/search.xlsx?q=怀集",
        f"/units/{HUAIJI}/children.xlsx",
        "/intake/",
        "/intake/documents.xlsx",
        f"/api/units/{HUAIJI}",
    ],
)
def test_pages_and_downloads_of_programme_data_are_never_cached(client, hq_admin, url):
    client.force_login(hq_admin)
    response = client.get(url)
    assert response.status_code in (200, 302), url
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_the_audit_trail_and_its_export_are_never_cached(client, auditor):
    client.force_login(auditor)
    for url in ("/audit/", "/audit/export.xlsx"):
        assert client.get(url).headers["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_static_files_are_left_to_their_own_caching(hq_admin):
    from django.http import HttpResponse

    from baiqianwan.core.middleware import PrivateNoStoreMiddleware

    request = RequestFactory().get("/static/app.css")
    request.user = hq_admin
    response = PrivateNoStoreMiddleware(lambda r: HttpResponse("css"))(request)
    assert "Cache-Control" not in response.headers
    request = RequestFactory().get("/units/")
    request.user = hq_admin
    response = PrivateNoStoreMiddleware(lambda r: HttpResponse("page"))(request)
    assert response.headers["Cache-Control"] == "private, no-store"


def test_https_without_a_trusted_proxy_warns(settings):
    from baiqianwan.audit.checks import check_client_address

    settings.BQW_MODE = "production"
    settings.SESSION_COOKIE_SECURE = True
    settings.BQW_TRUSTED_PROXIES = []
    assert [w.id for w in check_client_address()] == ["baiqianwan.W001"]
    settings.BQW_TRUSTED_PROXIES = ["127.0.0.1"]
    assert check_client_address() == []
    settings.BQW_TRUSTED_PROXIES = []
    settings.SESSION_COOKIE_SECURE = False  # plain HTTP: clients reach the site directly
    assert check_client_address() == []
