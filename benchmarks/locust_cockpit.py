"""The cockpit's locust users: each signs in through the login page and reads the cockpit as a
person does, page after page. Run by `bench_cockpit_load.py` in a process of its own (gevent
patches the standard library on import, so this never shares a process with Django).

The run is given by the environment: BENCH_ACCOUNTS (JSON: [[username, home unit], ...]),
BENCH_PASSWORD, BENCH_THINK (seconds of reading between pages). Run as a script, it drives the
users through locust's library API for `--warm` + `--seconds` seconds and writes the statistics
of both phases as JSON to `--out`; it also works as a plain locustfile
(`locust -f benchmarks/locust_cockpit.py --headless -u 10 -r 10 -t 30s --host ...`).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import urllib.parse
from typing import Any

from locust import HttpUser, constant, task
from locust.env import Environment
from locust.stats import RequestStats

ACCOUNTS: list[list[str]] = json.loads(os.environ.get("BENCH_ACCOUNTS", "[]"))
PASSWORD = os.environ.get("BENCH_PASSWORD", "")
THINK = float(os.environ.get("BENCH_THINK", "1"))
COUNTIES = ["441224000000", "441226000000", "441223000000", "441225000000"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The map's indicator menu on the cockpit page: "score" first, then the scope's indicators.
MENU = re.compile(r'<select id="cockpit-indicator".*?</select>', re.S)
OPTION = re.compile(r'<option value="([^"]+)"')
_next_account = itertools.count()
signed_in = 0  # users past on_start: the timing starts once all have signed in


class CockpitReader(HttpUser):
    """One signed-in person: their own session, the cockpit page and its seven API calls one
    after another (as cockpit.js makes them), then `THINK` seconds of reading; the map's
    indicator turns through the score and the first three choices of the page's menu."""

    wait_time = constant(THINK)

    def on_start(self) -> None:
        global signed_in
        self.username, self.home = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        self.turn = 0
        page = self.client.get("/accounts/login/", name="login page")
        found = CSRF.search(page.text)
        token = found.group(1) if found else self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/accounts/login/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign in",
            catch_response=True,
        ) as answer:
            if "/accounts/login/" in answer.url:
                answer.failure(f"{self.username} could not sign in")
                self.choices = ["score"]
                signed_in += 1
                return
        menu = MENU.search(self.client.get("/cockpit/", name="page").text)
        self.choices = OPTION.findall(menu.group(0))[:4] if menu else ["score"]
        signed_in += 1

    @task
    def page(self) -> None:
        county_level = self.home[6:] == "000000" and self.home[4:6] != "00"
        indicator = self.choices[self.turn % len(self.choices)]
        county = self.home if county_level else COUNTIES[self.turn % len(COUNTIES)]
        query = urllib.parse.urlencode({"indicator": indicator})
        self.turn += 1
        paths = [] if self.turn == 1 else [("page", "/cockpit/")]  # on_start loaded it
        for name, path in [
            *paths,
            ("summary", "/api/cockpit/summary"),
            ("map", f"/api/cockpit/map?{query}"),
            ("trends", f"/api/cockpit/trends?{query}"),
            ("drill", f"/api/cockpit/units/{county}?{query}"),
            ("rankings", f"/api/cockpit/rankings?{query}"),
            ("supervision", "/api/cockpit/supervision"),
            ("completeness", "/api/cockpit/completeness"),
        ]:
            with self.client.get(path, name=name, catch_response=True) as answer:
                if answer.status_code == 200 and "/accounts/login/" in answer.url:
                    answer.failure("signed out: sent to the login page")


def figures(stats: RequestStats) -> dict[str, Any]:
    """Per call: count, failures, median, p95, worst (ms), and the errors."""
    calls = {
        name: {
            "n": entry.num_requests,
            "failures": entry.num_failures,
            "median": entry.median_response_time,
            "p95": entry.get_response_time_percentile(0.95),
            "max": entry.max_response_time,
        }
        for (name, _method), entry in sorted(stats.entries.items())
        if entry.num_requests
    }
    total = stats.total
    return {
        "calls": calls,
        "all": {
            "n": total.num_requests,
            "failures": total.num_failures,
            "median": total.median_response_time,
            "p95": total.get_response_time_percentile(0.95) if total.num_requests else 0,
            "max": total.max_response_time,
        },
        "errors": [
            f"{error.name}: {error.error} ×{error.occurrences}" for error in stats.errors.values()
        ],
    }


def main() -> None:
    import gevent

    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--warm", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    environment = Environment(user_classes=[CockpitReader], host=args.host)
    runner = environment.create_local_runner()
    runner.start(args.users, spawn_rate=args.users)
    for _ in range(600):  # the sign-ins (password hashing) belong to the warm-up
        if signed_in >= args.users:
            break
        gevent.sleep(0.2)
    gevent.sleep(args.warm)
    warm = figures(environment.stats)
    environment.stats.reset_all()
    gevent.sleep(args.seconds)
    runner.quit()
    measured = figures(environment.stats)
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump({"warm": warm, "measured": measured, "seconds": args.seconds}, out)


if __name__ == "__main__":
    main()
