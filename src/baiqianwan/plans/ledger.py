"""Plans from task ledgers, and plans back out as ledgers.

A ledger (`baiqianwan.ledger/1`, see docs/intake.md) comes from the intake review page or from
an uploaded .xlsx in the same layout. `plan_from_ledger` turns it into a draft plan: one task
per row, its lead and partner names matched (`plans.matching`), its 完成时限 read
(`plans.deadlines`), its first 量化目标 split into number and unit of measure. The rows are
checked first and nothing is written when one is wrong.

What is refused and what is listed
----------------------------------
Refused, naming every row at fault: no rows, a row without its 序号 or 工作任务, a 序号 used
twice, a cell longer than the field holds. Listed for the reviewer (the draft is made): names
matched to nothing, rows without any lead (both keep the plan from being issued, see
`plan_problems`), deadlines kept as text (尽快) and flagged on the task.

`plan_ledger_workbook` writes a plan in the same layout, 落实进展 filled from the latest report
of each unit the task was assigned to, so the office's own Excel ledger round-trips: importing
the export gives the same tasks.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import require
from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_record
from baiqianwan.core.problems import InputError
from baiqianwan.intake.draft import units_split
from baiqianwan.intake.ledger import (
    COLUMNS,
    LedgerGoal,
    LedgerPlan,
    LedgerRow,
    ledger_workbook,
)
from baiqianwan.plans import choices
from baiqianwan.plans.deadlines import deadline_parse
from baiqianwan.plans.matching import NameMatch, city_prefix, matcher_for, names_join
from baiqianwan.plans.models import Department, Plan, Report, Task, TaskParty
from baiqianwan.plans.services import plan_create
from baiqianwan.tabular import TableInputError, cell_blank, cell_text, column_letter
from baiqianwan.tabular.read import sheets_from_bytes
from baiqianwan.textclean.report import Span
from baiqianwan.units.models import Unit

# What an uploaded ledger may be: an office's ledger has hundreds of rows, a city's few thousand.
MAX_LEDGER_BYTES = 10 * 1024 * 1024
MAX_LEDGER_ROWS = 5000
# The header is looked for in the first rows (a title and a note row come before it).
HEADER_SEARCH_ROWS = 20
REQUIRED_HEADERS = ("序号", "工作任务", "牵头单位")
LEDGER_SHEET = "任务台账"
# More errors than this are counted, not listed.
LISTED_ERRORS = 20
_TITLE = re.compile(r"^《(?P<title>.+)》任务台账$")
_ISSUER = re.compile(r"印发单位：(?P<issuer>[^　\s]+)")
_YEAR = re.compile(r"(20\d{2})")
_TARGET = re.compile(r"^\s*(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>\S{0,20})")
_FIELD_LIMITS = {"number": 20, "category": 200, "deadline": 100}
_NAME_LIMIT = 100


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A name matched to no unit or department, with the ledger rows that write it."""

    name: str
    rows: tuple[int, ...]
    ambiguous: bool = False


@dataclass(frozen=True, slots=True)
class FlaggedDeadline:
    row: int
    number: str
    text: str
    problem: str


@dataclass(frozen=True)
class PlanImport:
    """The draft plan made from a ledger and what the reviewer must look at."""

    plan: Plan
    tasks: int
    unmatched: tuple[Unmatched, ...] = ()
    leadless: tuple[int, ...] = ()
    flagged: tuple[FlaggedDeadline, ...] = ()


@dataclass(frozen=True)
class LedgerSheet:
    """A ledger read from a workbook: its plan, rows and the sheet row of each."""

    plan: LedgerPlan
    rows: tuple[LedgerRow, ...]
    row_numbers: tuple[int, ...]
    sheet: str


def _where(row: int, sheet: str) -> str:
    if sheet:
        return _("%(sheet)s row %(row)d") % {"sheet": sheet, "row": row}
    return _("Row %(row)d") % {"row": row}


def _rows_check(rows: Sequence[LedgerRow], numbers: Sequence[int], sheet: str) -> None:
    """Every error of the rows at once, each naming its row; nothing is written if any."""
    if not rows:
        raise InputError(_("The ledger has no rows."), field="file")
    errors: list[str] = []
    first_of: dict[str, int] = {}
    for row, line in zip(rows, numbers, strict=True):
        where = _where(line, sheet)
        if not row.number:
            errors.append(_("%(where)s: the number (序号) is empty.") % {"where": where})
        elif row.number in first_of:
            errors.append(
                _("%(where)s: number %(number)s is used already by %(first)s.")
                % {
                    "where": where,
                    "number": row.number,
                    "first": _where(first_of[row.number], sheet),
                }
            )
        else:
            first_of[row.number] = line
        if not row.task:
            errors.append(_("%(where)s: the task (工作任务) is empty.") % {"where": where})
        for key, limit in _FIELD_LIMITS.items():
            if len(getattr(row, key)) > limit:
                header = next(column.header for column in COLUMNS if column.key == key)
                errors.append(
                    _("%(where)s: %(column)s is longer than %(n)d characters.")
                    % {"where": where, "column": header, "n": limit}
                )
        for name in (*row.lead, *row.partners):
            if len(name) > _NAME_LIMIT:
                errors.append(
                    _("%(where)s: the unit name %(name)s… is longer than %(n)d characters.")
                    % {"where": where, "name": name[:20], "n": _NAME_LIMIT}
                )
    if errors:
        listed = errors[:LISTED_ERRORS]
        if len(errors) > LISTED_ERRORS:
            listed.append(_("and %(n)d more errors.") % {"n": len(errors) - LISTED_ERRORS})
        raise InputError(" ".join(listed), field="file")


def _target(texts: Sequence[str]) -> tuple[str, Decimal | None, str]:
    """The first target as written, its number and its unit of measure (10个 → 10, 个)."""
    if not texts:
        return "", None, ""
    text = texts[0][:200]
    found = _TARGET.match(text)
    if found is None:
        return text, None, ""
    try:
        value = Decimal(found.group("value"))
    except InvalidOperation:
        return text, None, ""
    if value >= Decimal(10) ** 14:
        return text, None, ""
    return text, value, found.group("unit")[:20]


def plan_years(*, plan: LedgerPlan, today: date) -> tuple[int, int]:
    """The first year of a ledger's plan when none is given: the year in its title (《…2025年
    工作方案》), else this year; `plan_from_ledger` extends the last year to the latest
    deadline of its rows."""
    found = _YEAR.search(plan.title or "")
    year = int(found.group(1)) if found else today.year
    return year, year


def _milestones(goals: Sequence[LedgerGoal]) -> list[dict[str, Any]]:
    return [
        {"year": goal.year, "text": goal.text}
        for goal in goals
        if goal.year is not None and 2000 <= goal.year <= 2100
    ]


def plan_from_ledger(
    *,
    actor: Any,
    plan: LedgerPlan,
    rows: Sequence[LedgerRow],
    issuer: Unit,
    today: date,
    source_document: Any = None,
    title: str | None = None,
    year_start: int | None = None,
    year_end: int | None = None,
    document_number: str = "",
    row_numbers: Sequence[int] | None = None,
    sheet: str = "",
    is_demo: bool = False,
) -> PlanImport:
    """A draft plan of `issuer` with one task per ledger row.

    Parameters
    ----------
    plan, rows
        The ledger (`baiqianwan.intake.ledger`), from intake's review or `ledger_read`.
    title, year_start, year_end, document_number
        The plan's; by default the ledger's title and `plan_years`.
    row_numbers, sheet
        Where each row stands, for messages (the sheet rows of an uploaded file); by default
        the rows are numbered from 1.

    Raises
    ------
    InputError
        Listing every row at fault (see the module's docstring); nothing is written.
    """
    require(actor, "plans.manage", issuer)
    numbers = list(row_numbers) if row_numbers is not None else list(range(1, len(rows) + 1))
    if len(numbers) != len(rows):
        raise ValueError("row_numbers must give one number per row")
    _rows_check(rows, numbers, sheet)
    default_start, default_end = plan_years(plan=plan, today=today)
    start = year_start or default_start
    end = year_end or (year_start if year_start else default_end)
    if not year_end:
        # A plan runs at least until its latest dated task (2025年 plan, 2027年底前 task).
        dues = (deadline_parse(row.deadline, plan_year=start).due for row in rows)
        end = max([end, *(due.year for due in dues if due is not None and due.year <= 2100)])
    matcher = matcher_for(issuer=issuer)
    unmatched: dict[str, list[int]] = defaultdict(list)
    ambiguous: set[str] = set()
    leadless: list[int] = []
    flagged: list[FlaggedDeadline] = []
    with transaction.atomic():
        made = plan_create(
            actor=actor,
            title=(title or plan.title or "").strip() or _("Plan from a ledger"),
            issuer=issuer,
            year_start=start,
            year_end=end,
            issuer_name=plan.issuer or "",
            document_number=document_number,
            milestones=_milestones(plan.goals),
            source_document=source_document,
            is_demo=is_demo,
        )
        tasks = []
        for order, (row, line) in enumerate(zip(rows, numbers, strict=True), start=1):
            deadline = deadline_parse(row.deadline, plan_year=start)
            target_text, target_value, target_unit = _target(row.targets)
            tasks.append(
                Task(
                    plan=made,
                    category=row.category,
                    number=row.number,
                    order=order,
                    text=row.task,
                    deadline_kind=choices.DeadlineKind[deadline.kind.name],
                    deadline=deadline.due,
                    deadline_text=row.deadline,
                    deadline_flagged=deadline.flagged,
                    target_text=target_text,
                    target_value=target_value,
                    target_unit=target_unit,
                    source_row=line,
                )
            )
            if deadline.flagged:
                flagged.append(FlaggedDeadline(line, row.number, row.deadline, deadline.problem))
            if not row.lead:
                leadless.append(line)
        Task.objects.bulk_create(tasks, batch_size=1000)
        parties = []
        for task, row, line in zip(tasks, rows, numbers, strict=True):
            roles = ((choices.PartyRole.LEAD, row.lead), (choices.PartyRole.PARTNER, row.partners))
            for role, names in roles:
                order = 0
                for name in names:
                    found = matcher.match(name)
                    made_parties = _parties(task, role, found, start=order)
                    order += len(made_parties)
                    parties.extend(made_parties)
                    if not found.matched:
                        unmatched[name].append(line)
                        if found.ambiguous:
                            ambiguous.add(name)
        TaskParty.objects.bulk_create(parties, batch_size=2000)
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=made,
            changes={
                "tasks": len(tasks),
                "unmatched names": len(unmatched),
                "source": "intake" if source_document is not None else "ledger file",
            },
        )
    return PlanImport(
        plan=made,
        tasks=len(tasks),
        unmatched=tuple(
            Unmatched(name, tuple(dict.fromkeys(lines)), name in ambiguous)
            for name, lines in unmatched.items()
        ),
        leadless=tuple(leadless),
        flagged=tuple(flagged),
    )


def _parties(task: Task, role: str, found: NameMatch, *, start: int) -> list[TaskParty]:
    """One party for a unit, a department or an unmatched name; one per unit for a
    collective name (各县（市、区）), each keeping the name as written."""
    name = found.name[:_NAME_LIMIT]
    if found.department_id is not None:
        return [
            TaskParty(
                task=task, role=role, name=name, department_id=found.department_id, order=start
            )
        ]
    if found.unit_ids:
        return [
            TaskParty(task=task, role=role, name=name, unit_id=unit_id, order=start + offset)
            for offset, unit_id in enumerate(found.unit_ids)
        ]
    return [TaskParty(task=task, role=role, name=name, order=start)]


# Reading a ledger workbook.


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return "" if cell_blank(value) else cell_text(value)


def _header(rows: list[list[Any]], sheet: str) -> tuple[int, dict[str, int]]:
    """The index of the header row and the column of each known header."""
    known = {column.header: column.key for column in COLUMNS}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [_text(cell) for cell in row]
        if all(header in texts for header in REQUIRED_HEADERS):
            columns: dict[str, int] = {}
            for j, text in enumerate(texts):
                key = known.get(text)
                if key is None:
                    continue
                if key in columns:
                    raise InputError(
                        _("%(where)s: the column %(name)s appears twice (columns %(a)s and %(b)s)")
                        % {
                            "where": _where(index + 1, sheet),
                            "name": text,
                            "a": column_letter(columns[key]),
                            "b": column_letter(j),
                        },
                        field="file",
                    )
                columns[key] = j
            return index, columns
    raise InputError(
        _("%(sheet)s: no header row with %(headers)s in the first %(n)d rows")
        % {"sheet": sheet, "headers": ", ".join(REQUIRED_HEADERS), "n": HEADER_SEARCH_ROWS},
        field="file",
    )


def ledger_read(*, data: bytes, name: str) -> LedgerSheet:
    """The ledger of an uploaded workbook (.xlsx, .xls, .ods) in the `baiqianwan.ledger/1`
    layout: the sheet 任务台账 (or the first), its header found by the headers 序号, 工作任务,
    牵头单位 in the first rows, the plan's title and issuer from the rows above it when they
    are the exported ones.

    Raises
    ------
    InputError
        For a file too large or not a workbook, a sheet without the header, too many rows;
        the message names the sheet, row and column.
    """
    if len(data) > MAX_LEDGER_BYTES:
        raise InputError(
            _("The file is %(size)d bytes; a ledger may be at most %(limit)d bytes.")
            % {"size": len(data), "limit": MAX_LEDGER_BYTES},
            field="file",
        )
    if not name.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise InputError(_("Upload the ledger as an .xlsx, .xls or .ods workbook."), field="file")
    try:
        sheets = sheets_from_bytes(data=data, name=name, wanted=(LEDGER_SHEET,))
    except TableInputError:
        # The reader's own words are English and name the library's trouble; say what to do.
        raise InputError(
            _(
                "%(name)s cannot be read as a workbook: it is damaged or no spreadsheet. Save "
                "it again as .xlsx from the spreadsheet program and upload that."
            )
            % {"name": name},
            field="file",
        ) from None
    sheet = sheets.get(LEDGER_SHEET) or sheets[""]
    top, columns = _header(sheet.rows, sheet.name)
    title, issuer = None, None
    for row in sheet.rows[:top]:
        for cell in row:
            text = _text(cell)
            if (found := _TITLE.match(text)) is not None:
                title = found.group("title")
            if (found_issuer := _ISSUER.search(text)) is not None:
                issuer = found_issuer.group("issuer")
    rows: list[LedgerRow] = []
    numbers: list[int] = []
    for index in range(top + 1, len(sheet.rows)):
        cells = sheet.rows[index]
        values = {key: _text(cells[j]) if j < len(cells) else "" for key, j in columns.items()}
        if not any(values.values()):
            continue
        if len(rows) >= MAX_LEDGER_ROWS:
            raise InputError(
                _("%(sheet)s: a ledger may have at most %(n)d rows.")
                % {"sheet": sheet.name, "n": MAX_LEDGER_ROWS},
                field="file",
            )
        rows.append(
            LedgerRow(
                category=values.get("category", ""),
                number=values.get("number", ""),
                task=values.get("task", ""),
                lead=units_split(values.get("lead", "")),
                partners=units_split(values.get("partners", "")),
                deadline=values.get("deadline", ""),
                progress=values.get("progress", ""),
                targets=units_split(values.get("targets", "")),
                places=units_split(values.get("places", "")),
                source=Span(0, 0),
            )
        )
        numbers.append(index + 1)
    return LedgerSheet(
        plan=LedgerPlan(title=title, issuer=issuer),
        rows=tuple(rows),
        row_numbers=tuple(numbers),
        sheet=sheet.name,
    )


# Writing a plan back as a ledger.


def _progress_lines(*, plan: Plan) -> dict[int, str]:
    """落实进展 per task: for each unit the task was assigned to by the plan's issuer, its
    latest report submitted or accepted, "怀集县：…（60%）", one line per unit."""
    reports = (
        Report.objects.filter(
            assignment__task__plan=plan,
            assignment__parent__isnull=True,
            state__in=(choices.ReviewState.SUBMITTED, choices.ReviewState.ACCEPTED),
        )
        .order_by("assignment__task_id", "assignment__unit__code", "-submitted_on", "-id")
        .values_list(
            "assignment__task_id", "assignment_id", "assignment__unit__name", "text", "percent"
        )
    )
    lines: dict[int, list[str]] = defaultdict(list)
    seen: set[int] = set()
    for task_id, assignment_id, unit_name, text, percent in reports.iterator(chunk_size=2000):
        if assignment_id in seen:
            continue
        seen.add(assignment_id)
        lines[task_id].append(f"{unit_name}：{' '.join(text.split())}（{percent.normalize():f}%）")
    return {task_id: "\n".join(each) for task_id, each in lines.items()}


def plan_ledger_rows(*, plan: Plan) -> tuple[LedgerPlan, list[LedgerRow]]:
    """The plan as a ledger: its tasks in order, each party's name as written."""
    tasks = list(plan.tasks.order_by("order", "id").prefetch_related("parties"))
    progress = _progress_lines(plan=plan)
    rows = []
    for task in tasks:
        parties = sorted(task.parties.all(), key=lambda party: party.order)
        lead = names_join(p.name for p in parties if p.role == choices.PartyRole.LEAD)
        partners = names_join(p.name for p in parties if p.role == choices.PartyRole.PARTNER)
        rows.append(
            LedgerRow(
                category=task.category,
                number=task.number,
                task=task.text,
                lead=lead,
                partners=partners,
                deadline=task.deadline_text,
                progress=progress.get(task.pk, ""),
                targets=(task.target_text,) if task.target_text else (),
                places=(),
                source=Span(0, 0),
            )
        )
    goals = tuple(LedgerGoal(m.get("year"), str(m.get("text", ""))) for m in plan.milestones)
    ledger_plan = LedgerPlan(
        title=plan.title, issuer=plan.issuer_name or plan.issuer.name, goals=goals
    )
    return ledger_plan, rows


def plan_ledger_workbook(*, plan: Plan, today: date | None = None) -> bytes:
    """The plan in the `baiqianwan.ledger/1` layout, 落实进展 filled from the latest reports."""
    ledger_plan, rows = plan_ledger_rows(plan=plan)
    return ledger_workbook(plan=ledger_plan, rows=rows, generated=today)


# The reviewer fixes the names the import could not match.


def plan_unmatched(*, plan: Plan) -> list[Unmatched]:
    """The names of the plan's parties matched to nothing, with the ledger rows (or task
    numbers, for tasks not from a ledger) that write them, in the order of the plan."""
    found: dict[str, list[int]] = defaultdict(list)
    parties = (
        TaskParty.objects.filter(task__plan=plan, unit__isnull=True, department__isnull=True)
        .order_by("task__order", "task_id", "role", "order")
        .values_list("name", "task__source_row", "task__order")
    )
    for name, source_row, order in parties:
        found[name].append(source_row or order)
    return [Unmatched(name, tuple(dict.fromkeys(rows))) for name, rows in found.items()]


def _choice_check(*, plan: Plan, unit: Unit | None, department: Department | None) -> None:
    if (unit is None) == (department is None):
        raise InputError(_("Choose a unit or a department."), field="choice")
    prefix = city_prefix(plan.issuer)
    if unit is not None and (unit.valid_to is not None or not unit.code.startswith(prefix)):
        raise InputError(
            _("%(unit)s is not a current unit of the issuer's city.") % {"unit": unit.name},
            field="choice",
        )
    if department is not None and (
        not department.is_active or not department.unit.code.startswith(prefix)
    ):
        raise InputError(
            _("%(name)s is not an active department of the issuer's city.")
            % {"name": department.name},
            field="choice",
        )


def task_party_set(
    *, actor: Any, party: TaskParty, unit: Unit | None = None, department: Department | None = None
) -> TaskParty:
    """Match one party of a draft plan's task to a unit or a department of the issuer's city."""
    plan = party.task.plan
    require(actor, "plans.manage", plan)
    if plan.status != choices.PlanStatus.DRAFT:
        raise InputError(_("Only a draft plan's units can be matched."))
    _choice_check(plan=plan, unit=unit, department=department)
    with transaction.atomic():
        old = party.unit_id, party.department_id
        party.unit, party.department = unit, department
        party.save(update_fields=["unit", "department"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=plan,
            changes={
                "party": party.name,
                "task": party.task.number,
                "unit, department": [list(old), [party.unit_id, party.department_id]],
            },
        )
    return party


def parties_match_name(
    *,
    actor: Any,
    plan: Plan,
    name: str,
    unit: Unit | None = None,
    department: Department | None = None,
) -> int:
    """Match every unmatched party of a draft plan written `name` to `unit` or `department`;
    returns how many were matched.

    Raises
    ------
    InputError
        When the plan is no draft, the choice lies outside the issuer's city, or no party of
        the plan is written so unmatched.
    """
    require(actor, "plans.manage", plan)
    if plan.status != choices.PlanStatus.DRAFT:
        raise InputError(_("Only a draft plan's units can be matched."))
    _choice_check(plan=plan, unit=unit, department=department)
    with transaction.atomic():
        count = TaskParty.objects.filter(
            task__plan=plan, name=name, unit__isnull=True, department__isnull=True
        ).update(unit=unit, department=department)
        if not count:
            raise InputError(
                _("No unmatched unit of this plan is written %(name)s; reload the page.")
                % {"name": name},
                field="name",
            )
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=plan,
            changes={
                "matched": name,
                "to": unit.name if unit is not None else department.name if department else "",
                "parties": count,
            },
        )
    return count


def tasks_lead_set(
    *,
    actor: Any,
    plan: Plan,
    task_ids: Sequence[int],
    unit: Unit | None = None,
    department: Department | None = None,
) -> int:
    """Give each of a draft plan's tasks that has no lead unit `unit` or `department` as its
    lead; returns how many were given one. Tasks that have a lead already keep theirs.

    Raises
    ------
    InputError
        When the plan is no draft, no task is chosen, or the choice lies outside the issuer's
        city.
    """
    require(actor, "plans.manage", plan)
    if plan.status != choices.PlanStatus.DRAFT:
        raise InputError(_("Only a draft plan's units can be matched."))
    _choice_check(plan=plan, unit=unit, department=department)
    tasks = list(
        plan.tasks.filter(pk__in=list(task_ids)).exclude(parties__role=choices.PartyRole.LEAD)
    )
    if not tasks:
        raise InputError(_("Choose the tasks to give this lead unit."), field="tasks")
    name = unit.name if unit is not None else department.name if department else ""
    with transaction.atomic():
        TaskParty.objects.bulk_create(
            TaskParty(
                task=task, role=choices.PartyRole.LEAD, name=name, unit=unit, department=department
            )
            for task in tasks
        )
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=plan,
            changes={"lead": name, "tasks": [task.number for task in tasks]},
        )
    return len(tasks)
