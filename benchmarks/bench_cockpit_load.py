"""The cockpit under load: 10 signed-in clients reading its API over loopback, for a bounded time.

The data: the database named by `BENCH_DATABASE_URL` (migrated and filled, e.g. the Guangdong
data set: `DATABASE_URL=... bqw demo load --province 44` or its equivalent), or else a fresh
SQLite file with 肇庆市's units, the starter indicator system and its demo values (2023–2025,
`bqw indicators demo`). Ten accounts are made (headquarters, leaders, county operators), the
site is started with gunicorn on 127.0.0.1, and each client signs in through the login page
and then does what the cockpit page does, over and over: the cards, the map, the trends, a
county's towns and villages, the top and bottom lists, supervision and completeness (one call
after another, as the page does), reads for `--think` seconds (1 s; 0 for a stress run, as
locust's `wait_time`) and loads the page again, with the map's indicator turning through four
choices. The first `--warm` seconds (10) fill the caches, as the morning's first visitors do
(each web process keeps its own: Django's local-memory cache); they are reported apart. Then
it prints the median, p95 and worst latency per call and overall, and the errors. Target
(issue 10): p95 ≤ 200 ms per call, no errors; the script exits non-zero otherwise.

locust is not among the project's locked dependencies, so the clients are threads of the
standard library's urllib, each with its own cookie jar (one session per client, as locust's
users would have).

Run: `make bench` or `.venv/bin/python benchmarks/bench_cockpit_load.py [--seconds 30]`.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from _fresh import ROOT, bqw, zhaoqing_database

TARGET_MS = 200.0
CLIENTS = 10
PASSWORD = "Bench-Passw0rd-2026"
CITY = "441200000000"
COUNTIES = ["441224000000", "441226000000", "441223000000", "441225000000"]
INDICATORS = ["C_INCOME_RATIO", "V_COLLECTIVE_INCOME", "C_GDP", "score"]
# A county's map shows its towns: indicators that towns have.
COUNTY_INDICATORS = ["V_COLLECTIVE_INCOME", "T_TYPICAL", "V_RURAL_INCOME", "score"]


def accounts_of(top: str) -> list[tuple[str, str, str]]:
    """(username, role, home unit): 3 at headquarters and 3 leaders of `top` (the city, or
    the province), 4 county operators."""
    return [
        *[(f"bench-hq-{top[:4]}-{n}", "hq_admin", top) for n in range(3)],
        *[(f"bench-leader-{top[:4]}-{n}", "leader", top) for n in range(3)],
        *[(f"bench-county-{n}", "county_operator", code) for n, code in enumerate(COUNTIES)],
    ]


def accounts_make(accounts: list[tuple[str, str, str]]) -> None:
    from baiqianwan.accounts.models import User
    from baiqianwan.accounts.services import user_create

    for username, role, unit in accounts:
        if not User.objects.filter(username=username).exists():
            user_create(
                username=username, role=role, unit_code=unit, password=PASSWORD, person_id=username
            )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(env: dict[str, str]):  # type: ignore[no-untyped-def]
    """gunicorn on loopback (2 workers × 4 threads, as a small production box), stopped after."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "baiqianwan.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/accounts/login/", timeout=10)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        else:
            sys.exit("the server did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


class Client:
    """One signed-in browser: its own cookies, a session like a person's."""

    def __init__(self, base: str, username: str, home: str) -> None:
        self.base = base
        self.home = home
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.open(f"{base}/accounts/login/", timeout=60).read()
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        form = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/accounts/login/"}
        )
        landed = self.opener.open(request, timeout=60)
        if "/accounts/login/" in landed.url:
            sys.exit(f"{username} could not sign in")

    def calls(self, turn: int) -> list[tuple[str, str]]:
        """What one page load asks for (name, path)."""
        county_level = self.home[6:] == "000000" and self.home[4:6] != "00"
        choices = COUNTY_INDICATORS if county_level else INDICATORS
        indicator = choices[turn % len(choices)]
        county = self.home if county_level else COUNTIES[turn % len(COUNTIES)]
        query = urllib.parse.urlencode({"indicator": indicator})
        return [
            ("summary", "/api/cockpit/summary"),
            ("map", f"/api/cockpit/map?{query}"),
            ("trends", f"/api/cockpit/trends?{query}"),
            ("drill", f"/api/cockpit/units/{county}?{query}"),
            ("rankings", f"/api/cockpit/rankings?{query}"),
            ("supervision", "/api/cockpit/supervision"),
            ("completeness", "/api/cockpit/completeness"),
        ]

    def get(self, path: str) -> tuple[float, int]:
        start = time.perf_counter()
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except (urllib.error.URLError, TimeoutError):
            status = 0  # no answer within the timeout: an error
        return (time.perf_counter() - start) * 1000, status


def run(
    base: str, seconds: float, think: float, warm: float, accounts: list[tuple[str, str, str]]
) -> tuple[dict[str, list[float]], list[float], list[str]]:
    """Per call name, the latencies once the caches are warm (after `warm` seconds), the
    latencies while they fill, and the errors of both."""
    timings: dict[str, list[float]] = defaultdict(list)
    filling: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = time.monotonic()
    stop = start + warm + seconds

    def work(account: tuple[str, str, str]) -> None:
        username, _role, home = account
        client = Client(base, username, home)
        turn = 0
        while time.monotonic() < stop and turn < 500:
            for name, path in client.calls(turn):
                began = time.monotonic()
                took, status = client.get(path)
                with lock:
                    (timings[name] if began >= start + warm else filling).append(took)
                    if status != 200:
                        errors.append(f"{username} {path}: {status}")
            turn += 1
            time.sleep(think)

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(work, accounts))
    return timings, filling, errors


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def report(
    timings: dict[str, list[float]], filling: list[float], errors: list[str], seconds: float
) -> bool:
    every = [t for values in timings.values() for t in values]
    if filling:
        print(
            f"while the caches fill: {len(filling)} calls, median "
            f"{statistics.median(filling):.1f} ms, p95 {p95(filling):.1f} ms, worst "
            f"{max(filling):.1f} ms"
        )
    print(
        f"{len(every)} calls by {CLIENTS} clients in {seconds:.0f} s ({len(every) / seconds:.0f}/s)"
    )
    for name, values in timings.items():
        print(
            f"  {name:13s} n={len(values):5d}  median {statistics.median(values):6.1f} ms"
            f"  p95 {p95(values):6.1f} ms  worst {max(values):7.1f} ms"
        )
    overall = p95(every)
    print(
        f"  {'all':13s} p95 {overall:.1f} ms"
        f" (target ≤ {TARGET_MS:.0f}: {overall / TARGET_MS:.2f} of it)"
    )
    print(f"  errors: {len(errors)}" + (f" e.g. {errors[:3]}" if errors else ""))
    return overall <= TARGET_MS and not errors


@contextmanager
def database():  # type: ignore[no-untyped-def]
    given = os.environ.get("BENCH_DATABASE_URL")
    if given:
        env = {**os.environ, "BQW_MODE": "dev", "DATABASE_URL": given, "LANGUAGE": "en"}
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "baiqianwan.settings"
        import django

        django.setup()
        yield env
        return
    with zhaoqing_database() as env:
        start = time.perf_counter()
        bqw(["indicators", "load", "--starter"], env)
        bqw(["indicators", "periods"], env)
        bqw(["indicators", "demo"], env)
        print(f"肇庆 demo values made in {time.perf_counter() - start:.1f} s")
        yield env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--top",
        default=CITY,
        help="the home unit of headquarters and leaders (440000000000: the province)",
    )
    parser.add_argument(
        "--warm", type=float, default=10.0, help="seconds of load before the timing starts"
    )
    parser.add_argument(
        "--think", type=float, default=1.0, help="seconds a person reads a page before the next"
    )
    args = parser.parse_args()
    accounts = accounts_of(args.top)
    with database() as env:
        accounts_make(accounts)
        env = {**env, "PYTHONPATH": str(Path(ROOT / "src"))}
        with server(env) as base:
            timings, filling, errors = run(base, args.seconds, args.think, args.warm, accounts)
    return 0 if report(timings, filling, errors, args.seconds) else 1


if __name__ == "__main__":
    sys.exit(main())
