"""The cockpit under load: 10 signed-in locust users reading it over loopback, for a bounded time.

The data: the database named by `BENCH_DATABASE_URL` (migrated and filled, e.g. the Guangdong
demo set: `DATABASE_URL=... bqw demo load --province 44` and a run of its scheme), or else a
fresh SQLite file with 肇庆市's units, the starter indicator system and its demo values
(2023–2025, `bqw indicators demo`). Ten accounts are made (headquarters and leaders of `--top`,
county operators), the site is started with gunicorn on 127.0.0.1, and locust
(`locust_cockpit.py`, in a process of its own: gevent patches the standard library) starts 10
users at once. Each signs in through the login page (with its CSRF token) and then does what a
person at the cockpit does, over and over: the page, then its seven API calls one after another
as cockpit.js makes them (the cards, the map, the trends, a county's towns and villages, the top
and bottom lists, supervision, completeness), reads for `--think` seconds (locust's
`wait_time`; 0 for a stress run) and loads the page again, the map's indicator turning through
four choices. All sign in, then the first `--warm` seconds (10) fill the caches, as the
morning's first visitors do (each web process keeps its own: Django's local-memory cache);
they are reported apart. Then it prints locust's median, p95 and worst latency per call, and
the errors. Target (issue 10): p95 ≤ 200 ms for every call, no errors; the script exits non-zero
otherwise.

Run: `make bench` or `.venv/bin/python benchmarks/bench_cockpit_load.py [--seconds 30]`.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _fresh import ROOT, bqw, zhaoqing_database

TARGET_MS = 200.0
CLIENTS = 10
PASSWORD = "Bench-Passw0rd-2026"
CITY = "441200000000"
COUNTIES = ["441224000000", "441226000000", "441223000000", "441225000000"]


def accounts_of(top: str, counties_only: bool = False) -> list[tuple[str, str, str]]:
    """(username, role, home unit): 3 at headquarters and 3 leaders of `top` (the city, or
    the province), 4 county operators; or 10 county operators of 肇庆's four counties."""
    if counties_only:
        return [
            (f"bench-county-{n}", "county_operator", COUNTIES[n % len(COUNTIES)])
            for n in range(CLIENTS)
        ]
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


def run(
    base: str, seconds: float, think: float, warm: float, accounts: list[tuple[str, str, str]]
) -> dict[str, Any]:
    """locust's figures (`locust_cockpit.py`, in a process of its own: gevent patches the
    standard library) for the sign-ins and the first `warm` seconds, and for the `seconds` after."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "locust.json"
        env = {
            **os.environ,
            "BENCH_ACCOUNTS": json.dumps([[username, home] for username, _role, home in accounts]),
            "BENCH_PASSWORD": PASSWORD,
            "BENCH_THINK": str(think),
        }
        command = [
            sys.executable,
            str(Path(__file__).with_name("locust_cockpit.py")),
            "--host",
            base,
            "--users",
            str(CLIENTS),
            "--warm",
            str(warm),
            "--seconds",
            str(seconds),
            "--out",
            str(out),
        ]
        done = subprocess.run(command, env=env, check=False, timeout=warm + seconds + 120)
        if done.returncode != 0 or not out.exists():
            sys.exit(f"locust failed (exit {done.returncode})")
        return dict(json.loads(out.read_text(encoding="utf-8")))


def report(figures: dict[str, Any]) -> bool:
    """Prints the figures; whether every call's p95 is within the target and nothing failed."""
    warm, measured, seconds = figures["warm"], figures["measured"], figures["seconds"]
    if warm["all"]["n"]:
        print(
            f"while the caches fill (and the sign-ins): {warm['all']['n']} calls, median "
            f"{warm['all']['median']:.0f} ms, p95 {warm['all']['p95']:.0f} ms, worst "
            f"{warm['all']['max']:.0f} ms, {warm['all']['failures']} failed"
        )
    every = measured["all"]
    print(
        f"{every['n']} calls by {CLIENTS} locust users in {seconds:.0f} s "
        f"({every['n'] / seconds:.0f}/s), load average {os.getloadavg()[0]:.1f}"
    )
    worst = 0.0
    for name, call in measured["calls"].items():
        print(
            f"  {name:13s} n={call['n']:5d}  median {call['median']:6.0f} ms"
            f"  p95 {call['p95']:6.0f} ms  worst {call['max']:7.0f} ms"
            f"  failed {call['failures']}"
        )
        worst = max(worst, call["p95"])
    print(
        f"  {'all':13s} p95 {every['p95']:.0f} ms; worst call's p95 {worst:.0f} ms"
        f" (target ≤ {TARGET_MS:.0f} per call: {worst / TARGET_MS:.2f} of it)"
    )
    errors = warm["errors"] + measured["errors"]
    print(f"  errors: {len(errors)}" + (f" e.g. {errors[:3]}" if errors else ""))
    return worst <= TARGET_MS and not errors and every["n"] > 0


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
    parser.add_argument(
        "--counties", action="store_true", help="all 10 users county operators (4 counties)"
    )
    args = parser.parse_args()
    accounts = accounts_of(args.top, args.counties)
    with database() as env:
        accounts_make(accounts)
        env = {**env, "PYTHONPATH": str(Path(ROOT / "src"))}
        with server(env) as base:
            figures = run(base, args.seconds, args.think, args.warm, accounts)
    return 0 if report(figures) else 1


if __name__ == "__main__":
    sys.exit(main())
