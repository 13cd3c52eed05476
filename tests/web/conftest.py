"""Browser tests: Playwright driving Debian's chromium against the live test server."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Flags for a root, headless, offline machine: no sandbox, and no calls to Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _OneRequestAtATime(ThreadedWSGIServer):
    """The live server, answering one request at a time.

    On SQLite the test database lives in memory, and every request thread of the live server
    shares the test's one connection: two requests at once (a cockpit's seven API calls, a
    preview image fetched while the page polls) interleave their transactions on it and fail
    ("cannot start a transaction within a transaction"). Connections are still accepted in
    parallel; only the application is entered by one thread at a time.
    """

    _lock = threading.Lock()

    def set_app(self, application):  # type: ignore[no-untyped-def]
        lock = self._lock

        def one_at_a_time(environ, start_response):  # type: ignore[no-untyped-def]
            with lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


LiveServerThread.server_class = _OneRequestAtATime

# Playwright's sync API runs an event loop in this thread; the live server's database work
# happens in its own thread, and the test's own ORM calls are made between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (make test does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    outside: list[str] = []

    def watch(request):  # type: ignore[no-untyped-def]
        if not request.url.startswith(live_server.url) and not request.url.startswith("data:"):
            outside.append(request.url)

    page.on("request", watch)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)  # type: ignore[no-untyped-def]
    page.on("pageerror", lambda e: errors.append(str(e)))  # type: ignore[no-untyped-def]
    yield page
    context.close()
    assert not outside, f"the page asked for something outside the site: {outside}"
    # A script blocked by the Content-Security-Policy, or failing, shows up here.
    blocking = [e for e in errors if "favicon" not in e and "404" not in e]
    assert not blocking, f"the browser reported errors: {blocking}"


def shot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in_as(tab, live_server, username: str, then: str = "") -> None:  # type: ignore[no-untyped-def]
    """Sign out whoever is signed in, sign `username` in (password `PASSWORD`), then open
    `then` if given."""
    from tests.factories import PASSWORD

    tab.context.clear_cookies()
    tab.goto(live_server.url + "/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", PASSWORD)
    tab.click("[data-testid=sign-in]")
    tab.wait_for_url(lambda url: "/accounts/login/" not in url)
    if then:
        tab.goto(live_server.url + then)


def workbook_choose(page, dataset: str, scope: str) -> None:  # type: ignore[no-untyped-def]
    """Pick `dataset` on the Excel page and wait until htmx has swapped in its choices.

    Waiting for the scope's option alone is not enough: the page before the swap may list
    it already, and a file submitted mid-swap posts an incomplete choice (a 400).
    """
    page.select_option("[data-testid=dataset]", dataset)
    page.wait_for_function(
        "([dataset, scope]) => !document.querySelector('.htmx-request')"
        " && document.querySelector('[data-testid=dataset]').value === dataset"
        " && document.querySelector(`[data-testid=scope] option[value='${scope}']`) !== null",
        arg=[dataset, scope],
    )
    page.wait_for_load_state("networkidle")
