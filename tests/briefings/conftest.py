"""Briefings fixtures: a finished county evaluation run over 2023–2024 (the evaluation tests'
fast county values), an issued plan of three tasks assigned to the eight counties with some
of them red, and the data sets' windows for the reporting rates."""

from __future__ import annotations

from datetime import date

import pytest

from baiqianwan.evaluation.services import run_execute, run_request
from baiqianwan.plans.choices import Light
from baiqianwan.plans.models import Assignment
from baiqianwan.plans.services import plan_issue
from baiqianwan.units.models import Unit
from tests.evaluation import conftest as evaluation
from tests.factories import DEQING, HUAIJI
from tests.plans.factories import assigned, plan_with_tasks

# The evaluation tests' fixtures, shared here.
starter = evaluation.starter
city = evaluation.city
county_values = evaluation.county_values
county_scheme = evaluation.county_scheme


@pytest.fixture
def county_run(county_scheme, hq_admin):  # type: ignore[no-untyped-def]
    run = run_request(user=hq_admin, scheme=county_scheme, periods=["2023", "2024"], enqueue=False)
    return run_execute(run.pk)


@pytest.fixture
def issued_plan(hq_admin):  # type: ignore[no-untyped-def]
    plan = plan_with_tasks(actor=hq_admin, count=3)
    codes = list(
        Unit.objects.current()
        .filter(level="county", code__startswith="4412")
        .values_list("code", flat=True)
    )
    assigned(actor=hq_admin, plan=plan, codes=codes, today=date(2025, 1, 10))
    plan.refresh_from_db()
    plan = plan_issue(actor=hq_admin, plan=plan, version=plan.version, today=date(2025, 1, 10))
    Assignment.objects.filter(task__plan=plan, unit__code=HUAIJI).update(
        light=Light.RED, light_reason="overdue"
    )
    Assignment.objects.filter(task__plan=plan, unit__code=DEQING, task__number="1").update(
        light=Light.DONE, progress=100, done_on=date(2025, 3, 1)
    )
    return plan
