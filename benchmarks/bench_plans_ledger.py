"""A draft plan from a 2,000-row ledger (issue 8: ≤ 5 s on SQLite), the name matching inside it
(2,000 rows × 3 names: well under a second), and the plan written back as a ledger workbook.

Migrates a fresh SQLite file in a temporary directory, loads 肇庆市's units and departments,
then times, in this process: matching 6,000 names with a fresh matcher, `plan_from_ledger`
over 2,000 rows (each with a department as lead, 各县（市、区） and a town as partners, a
deadline and a target: some 22,000 parties), and `plan_ledger_workbook` with `ledger_read` of
its output. Exits non-zero when the import takes 5 s or more. Run: `make bench`.
"""

from __future__ import annotations

import sys
import time
from datetime import date

from _fresh import bqw, zhaoqing_database

ROWS = 2000
TARGET_SECONDS = 5.0
MATCH_TARGET_SECONDS = 1.0


def main() -> int:
    with zhaoqing_database() as env:
        bqw(["departments_load", "--zhaoqing"], env)
        from django.utils import translation

        translation.activate("en")
        return measure()


def measure() -> int:
    from baiqianwan.accounts.services import user_create
    from baiqianwan.intake.ledger import LedgerPlan, LedgerRow
    from baiqianwan.plans.ledger import ledger_read, plan_from_ledger, plan_ledger_workbook
    from baiqianwan.plans.matching import matcher_for
    from baiqianwan.plans.models import Department, TaskParty
    from baiqianwan.textclean.report import Span
    from baiqianwan.units.models import Unit

    city = Unit.objects.current().get(code="441200000000")
    actor = user_create(
        username="bench",
        role="hq_admin",
        unit_code=city.code,
        password="Quartz-Ledger-7391",
        person_id="bench",
    )
    departments = list(Department.objects.values_list("name", flat=True))
    towns = list(
        Unit.objects.current().within("4412").filter(level="town").values_list("name", flat=True)
    )
    deadlines = ["2025年底前", "2025年6月30日前", "每季度", "长期坚持", "尽快"]
    rows = [
        LedgerRow(
            category=f"{n % 8 + 1}、大类",
            number=str(n),
            task=f"第{n}项任务：推进典型镇村培育和县城扩容提质。",
            lead=(departments[n % len(departments)],),
            partners=("各县（市、区）人民政府", towns[n % len(towns)] if n % 10 else "有关部门"),
            deadline=deadlines[n % len(deadlines)],
            progress="",
            targets=(f"{n % 50 + 1}个",),
            places=(),
            source=Span(0, 0),
        )
        for n in range(1, ROWS + 1)
    ]
    names = [name for row in rows for name in (*row.lead, *row.partners)]

    start = time.perf_counter()
    matcher = matcher_for(issuer=city)
    matched = sum(matcher.match(name).matched for name in names)
    matching = time.perf_counter() - start

    start = time.perf_counter()
    made = plan_from_ledger(
        actor=actor,
        plan=LedgerPlan(title="基准方案", issuer=None),
        rows=rows,
        issuer=city,
        today=date(2025, 3, 1),
    )
    importing = time.perf_counter() - start
    parties = TaskParty.objects.filter(task__plan=made.plan).count()

    start = time.perf_counter()
    data = plan_ledger_workbook(plan=made.plan, today=date(2025, 3, 1))
    writing = time.perf_counter() - start
    start = time.perf_counter()
    read = ledger_read(data=data, name="bench.xlsx")
    reading = time.perf_counter() - start
    assert len(read.rows) == ROWS

    print(
        f"match {len(names):,} names (fresh matcher):     {matching:6.2f} s  ({matched:,} matched)"
    )
    print(
        f"plan_from_ledger, {ROWS:,} rows:             {importing:6.2f} s  "
        f"({made.tasks:,} tasks, {parties:,} parties, {len(made.unmatched)} names unmatched)"
    )
    print(f"plan_ledger_workbook:                     {writing:6.2f} s  ({len(data):,} bytes)")
    print(f"ledger_read of that workbook:             {reading:6.2f} s")
    print(f"import / target:     {importing / TARGET_SECONDS:6.2f}  (must be under 1)")
    print(f"matching / target:   {matching / MATCH_TARGET_SECONDS:6.2f}  (must be well under 1)")
    return 0 if importing < TARGET_SECONDS and matching < MATCH_TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
