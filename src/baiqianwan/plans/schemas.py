from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Schema


class LightCountsOut(Schema):
    """Assignments of the caller's area by light."""

    green: int
    yellow: int
    red: int
    done: int


class MilestoneOut(Schema):
    year: int
    text: str


class PlanOut(Schema):
    id: int
    title: str
    issuer_code: str
    issuer_name: str
    document_number: str
    year_start: int
    year_end: int
    status: str
    issued_on: date | None
    closed_on: date | None
    is_demo: bool
    milestones: list[MilestoneOut]
    lights: LightCountsOut


class PlanDetailOut(PlanOut):
    report_cycle: str
    report_due_day: int
    warning_days: int
    red_returns: int
    notice_reply_days: int
    escalation_days: int
    interview_days: int
    version: int


class PlanPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[PlanOut]


class PartyOut(Schema):
    role: str
    name: str
    unit_code: str | None
    department: str | None


class TaskOut(Schema):
    id: int
    plan_id: int
    category: str
    number: str
    text: str
    deadline_kind: str
    deadline: date | None
    deadline_text: str
    deadline_flagged: bool
    target_value: Decimal | None
    target_unit: str
    target_text: str
    indicator_code: str
    parties: list[PartyOut]


class TaskPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[TaskOut]


class AssignmentOut(Schema):
    id: int
    task_id: int
    unit_code: str
    unit_name: str
    department: str | None
    parent_id: int | None
    weight: Decimal
    deadline: date | None
    progress: Decimal
    light: str
    light_reason: str
    returns: int
    last_cycle: str
    last_report_on: date | None
    done_on: date | None
    version: int
