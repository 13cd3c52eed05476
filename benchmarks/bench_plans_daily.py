"""The plans' daily pass at size, in a fresh SQLite file.

One issued plan of 2,000 tasks assigned down Zhaoqing's tree: each task to the 8 counties, to
a town of each county (split from the county's assignment) and a village of each such town,
and a second village in the first county: 25 assignments a task, 50,000 in all; an operator
in every county and town. Deadlines and reports vary so that the lights come out green,
yellow, red and done; 5,000 notices wait, half of them past their grace.
Then `plans_daily(today=...)` runs twice for the same day: the first run recomputes and
writes every light, sends the reminders and escalates 2,500 notices (notifying the units
concerned); the second finds nothing to change. Target: the first run ≤ 10 s.
Run: `make bench` or `.venv/bin/python benchmarks/bench_plans_daily.py`.

On the 2-core development container shared with other work (December 2026): see
benchmarks/README.md for the figures.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from _fresh import zhaoqing_database

TASKS = 2_000
NOTICES = 5_000
TODAY = date(2025, 9, 1)
TARGET_SECONDS = 10.0


def build() -> int:
    """The plan, its tasks, assignments and notices, written in bulk; returns the
    assignments' count."""
    from baiqianwan.accounts.models import User
    from baiqianwan.accounts.services import user_create
    from baiqianwan.plans.models import Assignment, Notice, Plan, Task
    from baiqianwan.units.models import Unit

    city = Unit.objects.get(code="441200000000", valid_to__isnull=True)
    actor = user_create(
        username="bench-hq", role="hq_admin", unit_code=city.code, password="Bench-Passw0rd-2026"
    )
    units = list(Unit.objects.current().filter(code__startswith="4412").order_by("code"))
    children: dict[int, list[Any]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    counties = children[city.pk]
    # An operator in every county and town, so that reminders and escalations notify people.
    User.objects.bulk_create(
        [
            User(
                username=f"bench-{unit.code}",
                role="county_operator" if unit.parent_id == city.pk else "town_operator",
                home_unit=unit,
                password="!",
            )
            for unit in units
            if unit.level in ("county", "town")
        ]
    )
    plan = Plan.objects.create(
        title="基准方案",
        issuer=city,
        year_start=2025,
        year_end=2025,
        status="issued",
        issued_on=date(2025, 1, 2),
        created_by=actor,
    )
    tasks = Task.objects.bulk_create(
        [
            Task(
                plan=plan,
                number=str(n),
                order=n,
                text=f"第{n}项任务",
                deadline_kind="date",
                # Passed, near (yellow when behind) and far deadlines, in turn.
                deadline=TODAY + timedelta(days=(-20, 10, 120)[n % 3]),
            )
            for n in range(1, TASKS + 1)
        ],
        batch_size=1000,
    )
    level: list[list[Assignment]] = [[], [], []]
    for n, task in enumerate(tasks):
        cycle = "2025-08" if n % 4 else "2025-06"  # every fourth misses July and August
        for index, county in enumerate(counties):
            county_row = Assignment(task=task, unit=county, last_cycle=cycle, created_by=actor)
            town = children[county.pk][n % len(children[county.pk])]
            villages = children.get(town.pk, [])
            level[0].append(county_row)
            town_row = Assignment(task=task, unit=town, parent=county_row, last_cycle=cycle)
            level[1].append(town_row)
            count = 2 if index == 0 else 1
            for village in villages[n % max(len(villages), 1) :][:count] or villages[:count]:
                done = n % 5 == 0
                level[2].append(
                    Assignment(
                        task=task,
                        unit=village,
                        parent=town_row,
                        last_cycle=cycle,
                        progress=100 if done else (n * 7) % 100,
                        done_on=date(2025, 8, 1) if done else None,
                    )
                )
    for rows in level:
        Assignment.objects.bulk_create(rows, batch_size=2000)
        for row in rows:  # the parents' ids, now that they are saved
            if row.parent is not None:
                row.parent_id = row.parent.pk
    # Assigned when the plan was issued, not today (the expected line starts there).
    Assignment.objects.update(created_at=datetime(2025, 1, 2, 9, tzinfo=UTC))
    county_rows = level[0]
    Notice.objects.bulk_create(
        [
            Notice(
                issuer=city,
                year=2025,
                sequence=n + 1,
                assignment=county_rows[n % len(county_rows)],
                addressee=county_rows[n % len(county_rows)].unit,
                text="请加快进度",
                reply_by=TODAY - timedelta(days=10 if n % 2 else 1),
                issued_on=TODAY - timedelta(days=15),
                issued_by=actor,
            )
            for n in range(NOTICES)
        ],
        batch_size=1000,
    )
    return sum(len(rows) for rows in level)


def main() -> int:
    with zhaoqing_database():
        from baiqianwan.plans.jobs import plans_daily
        from baiqianwan.plans.models import Assignment

        start = time.perf_counter()
        count = build()
        print(
            f"{count:,} assignments and {NOTICES:,} notices written in "
            f"{time.perf_counter() - start:.1f} s"
        )
        start = time.perf_counter()
        first = plans_daily(today=TODAY)
        first_time = time.perf_counter() - start
        start = time.perf_counter()
        second = plans_daily(today=TODAY)
        second_time = time.perf_counter() - start
        lights = {
            light: Assignment.objects.filter(light=light).count()
            for light in ("green", "yellow", "red", "done")
        }
    print(f"first pass:  {first_time:6.2f} s  -> {first.summary()}")
    print(f"second pass: {second_time:6.2f} s  -> {second.summary()}")
    print(f"lights after: {lights}")
    print(
        f"first pass / {TARGET_SECONDS:.0f} s target: {first_time / TARGET_SECONDS:6.2f}"
        "  (must be under 1)"
    )
    return 0 if first_time < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
