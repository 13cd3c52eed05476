"""The demo plan: the sample policy text's ledger issued to Zhaoqing's 8 counties, marked 演示.

Built only in dev and demo mode (`bqw plans_demo`, run by `make demo`), deterministically for
a given day: the same day gives the same plan. It goes the way a user goes:

1. the sample text (../shared/samples) is taken in by headquarters (the intake document);
2. its ledger becomes a draft plan (`plan_from_ledger`); a task the text names no lead for is
   led by the headquarters office (in the demo only: a reviewer would decide);
3. the tasks are assigned to the 8 counties and the plan is issued 120 days ago;
4. 怀集县 (the demo county operator's) splits its assignments into three towns, the first of
   which (the demo town operator's) splits one into two villages;
5. reports over the past months, accepted or returned by the level above, put the
   assignments on every light: done, green, yellow (behind, or a report missing), red
   (overdue, or returned twice), and some still await review;
6. a notice from 怀集县 to a town went unanswered and has escalated to the county; one from
   headquarters to a county awaits its reply;
7. the daily pass runs for today: lights, reminders, escalation.

The demo's deadlines are set per assignment relative to the day (the sample's own deadlines
are long past), so that the board shows every light.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from baiqianwan.intake.ledger import ledger_from_document
from baiqianwan.intake.services import intake_create
from baiqianwan.plans.choices import PartyRole, ProgressStatus
from baiqianwan.plans.flows import report_review, report_submit
from baiqianwan.plans.jobs import plans_daily
from baiqianwan.plans.ledger import plan_from_ledger
from baiqianwan.plans.models import Assignment, Department, Plan, Task, TaskParty
from baiqianwan.plans.services import assignment_split, plan_issue, tasks_assign
from baiqianwan.plans.supervision import notice_issue, notices_escalate
from baiqianwan.textclean.decode import bytes_decode
from baiqianwan.units.models import Unit

CITY = "441200000000"  # 肇庆市
HUAIJI = "441224000000"  # 怀集县: the demo county operator's
HQ_OFFICE = "市百千万工程指挥部办公室"
ISSUED_DAYS_AGO = 120
SAMPLE = "xijiang-daily-commentary-2025.txt"


class DemoError(RuntimeError):
    """Something the demo needs is missing: a unit, an account, the sample text."""


@dataclass(frozen=True)
class DemoPlan:
    plan: Plan
    assignments: int
    reports: int
    notices: int


def sample_path(root: Path) -> Path:
    """The sample policy text beside the repository (../shared/samples)."""
    return root.parent / "shared" / "samples" / SAMPLE


def _account(username: str) -> Any:
    from baiqianwan.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise DemoError(f"the demo account {username} is missing: run `bqw demo_users` first")
    return user


def _operator(unit: Unit, role: str) -> Any:
    """The account that reports for `unit` in the demo: one made for it, with a random
    password no one is told (only the printed demo accounts sign in)."""
    import secrets

    from baiqianwan.accounts.models import User
    from baiqianwan.accounts.services import user_create

    username = f"demo-{unit.code}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            username=username,
            role=role,
            unit_code=unit.code,
            password=secrets.token_urlsafe(24) + "aA1!",
            full_name=f"{unit.name}（演示）",
        )
    return user


def _first(units: Any) -> Unit:
    unit = units.order_by("code").first()
    if unit is None:
        raise DemoError("the units are not loaded: run `bqw units load --city 4412` first")
    return unit


# The light each leaf assignment is steered to, in turn; deterministic in its index.
PATTERN = (
    "green",
    "done",
    "yellow_behind",
    "red_overdue",
    "green",
    "yellow_missing",
    "red_returned",
    "review",
    "green",
    "done",
)


def _steer(*, assignment: Assignment, kind: str, today: date, reporter: Any, reviewer: Any) -> int:
    """Deadline and reports that put `assignment` on the light `kind`; the reports made."""
    deadlines = {
        "green": today + timedelta(days=200),
        "done": today + timedelta(days=60),
        "yellow_behind": today + timedelta(days=10),
        "red_overdue": today - timedelta(days=6),
        "yellow_missing": today + timedelta(days=150),
        "red_returned": today + timedelta(days=120),
        "review": today + timedelta(days=180),
    }
    Assignment.objects.filter(pk=assignment.pk).update(deadline=deadlines[kind])
    # Monthly reports from 100 days ago; "missing" stops two months ago.
    days = [today - timedelta(days=offset) for offset in (95, 65, 35, 5)]
    if kind == "yellow_missing":
        days = days[:2]
    percents = {
        "green": (15, 35, 55, 70),
        "done": (30, 60, 90, 100),
        "yellow_behind": (10, 15, 20, 30),
        "red_overdue": (20, 40, 60, 75),
        "yellow_missing": (10, 20),
        "red_returned": (20, 40, 45, 45),
        "review": (10, 30, 45, 60),
    }[kind]
    made = 0
    for index, (day, percent) in enumerate(zip(days, percents, strict=True)):
        last = index == len(days) - 1
        done = kind == "done" and last
        report = report_submit(
            actor=reporter,
            assignment=assignment,
            text=(
                f"（演示数据）第{index + 1}次报告：已完成阶段工作量的{percent}%，"
                + ("任务全部完成。" if done else "正按计划推进。")
            ),
            percent=percent,
            status=ProgressStatus.DONE if done else ProgressStatus.ON_TRACK,
            today=day,
        )
        made += 1
        if kind == "review" and last:
            continue  # awaits the level above
        returned = kind == "red_returned" and index >= len(days) - 2
        report_review(
            actor=reviewer,
            report=report,
            accept=not returned,
            comment="（演示数据）佐证材料不足，请补充现场照片。" if returned else "",
            version=report.version,
            today=day + timedelta(days=1),
        )
    return made


def _leads_complete(*, plan: Plan, hq_office: Department | None, city: Unit) -> None:
    """Give a lead to each task the text named none for, and match what stayed unmatched to
    the headquarters office: the demo's stand-in for the reviewer's decisions."""
    leadless = plan.tasks.exclude(parties__role=PartyRole.LEAD)
    TaskParty.objects.bulk_create(
        TaskParty(
            task=task,
            role=PartyRole.LEAD,
            name=HQ_OFFICE if hq_office else city.name,
            unit=None if hq_office else city,
            department=hq_office,
        )
        for task in leadless
    )
    TaskParty.objects.filter(task__plan=plan, unit__isnull=True, department__isnull=True).update(
        department=hq_office, unit=None if hq_office else city
    )


def plans_demo_create(*, text_path: Path, today: date) -> DemoPlan:
    """Build the demo plan for `today` (see the module docstring); all or nothing."""
    if Plan.objects.filter(is_demo=True).exists():
        raise DemoError("the demo plan exists already")
    if not text_path.is_file():
        raise DemoError(f"the sample text is not at {text_path}")
    hq, county_operator = _account("demo-admin"), _account("demo-county")
    town_operator = _account("demo-town")
    city = _first(Unit.objects.current().filter(code=CITY))
    counties = list(Unit.objects.current().filter(parent=city, level="county").order_by("code"))
    huaiji = next(unit for unit in counties if unit.code == HUAIJI)
    towns = list(Unit.objects.current().filter(parent=huaiji, level="town").order_by("code")[:3])
    villages = list(
        Unit.objects.current().filter(parent=towns[0], level="village").order_by("code")[:2]
    )
    issued = today - timedelta(days=ISSUED_DAYS_AGO)
    with transaction.atomic():
        document = intake_create(
            user=hq,
            decoded=bytes_decode(data=text_path.read_bytes()),
            source_name=text_path.name,
            title="（演示数据）西江日报评论：百千万工程",
        )
        ledger_plan, rows = ledger_from_document(document.ledger)
        made = plan_from_ledger(
            actor=hq,
            plan=ledger_plan,
            rows=rows,
            issuer=city,
            today=issued,
            source_document=document,
            title=f"（演示数据）{ledger_plan.title or '百千万工程重点任务'}",
            year_start=today.year,
            year_end=today.year + 2,
            document_number="肇百千万指〔演示〕1号",
            is_demo=True,
        )
        plan = made.plan
        office = Department.objects.filter(unit=city, name=HQ_OFFICE).first()
        _leads_complete(plan=plan, hq_office=office, city=city)
        tasks = list(plan.tasks.select_related("plan__issuer").order_by("order", "id"))
        tasks_assign(actor=hq, tasks=tasks, units=counties, today=issued)
        plan = plan_issue(actor=hq, plan=plan, version=plan.version, today=issued)
        leaves: list[tuple[Assignment, Any, Any]] = []
        for index, task in enumerate(tasks):
            for county in counties:
                assignment = Assignment.objects.select_related("unit", "task__plan").get(
                    task=task, unit=county
                )
                if county.pk != huaiji.pk or index >= 6:
                    reporter = (
                        county_operator
                        if county.pk == huaiji.pk
                        else _operator(county, "county_operator")
                    )
                    leaves.append((assignment, reporter, hq))
                    continue
                children = assignment_split(
                    actor=county_operator,
                    assignment=assignment,
                    units=towns,
                    today=issued + timedelta(days=3),
                )
                for child in children:
                    if child.unit_id == towns[0].pk and index == 0 and villages:
                        grandchildren = assignment_split(
                            actor=town_operator,
                            assignment=child,
                            units=villages,
                            today=issued + timedelta(days=5),
                        )
                        village_reporter = _account("demo-village")
                        leaves += [
                            (
                                grandchild,
                                village_reporter
                                if grandchild.unit_id == village_reporter.home_unit_id
                                else _operator(grandchild.unit, "village_reporter"),
                                town_operator,
                            )
                            for grandchild in grandchildren
                        ]
                    else:
                        reporter = (
                            town_operator
                            if child.unit_id == towns[0].pk
                            else _operator(child.unit, "town_operator")
                        )
                        leaves.append((child, reporter, county_operator))
        # Assigned when the plan was issued (the rule's expected line starts there).
        Assignment.objects.filter(task__plan=plan).update(
            created_at=timezone.make_aware(datetime.combine(issued, time(9)))
        )
        reports = 0
        for number, (assignment, reporter, reviewer) in enumerate(leaves):
            kind = PATTERN[number % len(PATTERN)]
            assignment.refresh_from_db()
            reports += _steer(
                assignment=assignment,
                kind=kind,
                today=today,
                reporter=reporter,
                reviewer=reviewer,
            )
        notices = _notices(
            hq=hq,
            county_operator=county_operator,
            huaiji=huaiji,
            towns=towns,
            today=today,
            plan=plan,
        )
        plans_daily(today=today)
    return DemoPlan(
        plan=plan,
        assignments=Assignment.objects.filter(task__plan=plan).count(),
        reports=reports,
        notices=notices,
    )


def _notices(
    *, hq: Any, county_operator: Any, huaiji: Unit, towns: list[Unit], today: date, plan: Plan
) -> int:
    """One notice escalated from a town of 怀集县 to the county, one awaiting a county's reply."""
    first_task = Task.objects.filter(plan=plan).order_by("order", "id").first()
    town_assignment = Assignment.objects.select_related("unit", "task__plan").get(
        task=first_task, unit=towns[1]
    )
    sent = today - timedelta(days=15)
    notice_issue(
        actor=county_operator,
        assignment=town_assignment,
        text="（演示数据）该项任务进度滞后，请于期限内报送整改措施和完成时间。",
        reply_by=sent + timedelta(days=5),
        today=sent,
    )
    notices_escalate(today=today)
    red = (
        Assignment.objects.select_related("unit", "task__plan")
        .filter(task__plan=plan, parent__isnull=True, light="red")
        .exclude(unit=huaiji)
        .order_by("task__order", "unit__code")
        .first()
    )
    if red is not None:
        notice_issue(
            actor=hq,
            assignment=red,
            text="（演示数据）该项任务已逾期，请说明原因并于期限内报送整改方案。",
            today=today - timedelta(days=1),
        )
        return 2
    return 1
