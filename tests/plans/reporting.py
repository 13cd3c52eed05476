"""Builders for the reporting tests: an issued plan assigned to two counties, evidence files."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from baiqianwan.plans.models import Assignment, Plan
from baiqianwan.plans.services import plan_issue
from tests.factories import DEQING, HUAIJI
from tests.plans.factories import assigned, plan_with_tasks
from tests.plans.test_evidence import PDF, png_bytes

ISSUED_ON = date(2025, 3, 1)


def issued_plan(*, actor: Any, count: int = 1, deadline: date | None = None) -> Plan:
    """An issued plan of `count` tasks, assigned to 怀集县 and 德庆县.

    With no deadline (long-term tasks) only reporting and returns colour the lights, so pages,
    which report on the real today, give the same lights on any day the tests run.
    """
    plan = plan_with_tasks(actor=actor, count=count, deadline=deadline)
    assigned(actor=actor, plan=plan, codes=[HUAIJI, DEQING], today=ISSUED_ON)
    return plan_issue(actor=actor, plan=plan, version=plan.version, today=ISSUED_ON)


def county_assignment(plan: Plan, code: str = HUAIJI) -> Assignment:
    return Assignment.objects.select_related("task__plan", "unit").get(
        task__plan=plan, unit__code=code, task__number="1"
    )


def png(name: str = "现场照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf(name: str = "验收报告.pdf", padding: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + b"%" * padding, content_type="application/pdf")


def exe(name: str = "照片.png") -> SimpleUploadedFile:
    """A Windows program (MZ header, PE signature) under a picture's name."""
    body = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(44)
    body += (64).to_bytes(4, "little") + b"PE\x00\x00" + bytes(200)
    return SimpleUploadedFile(name, body, content_type="image/png")
