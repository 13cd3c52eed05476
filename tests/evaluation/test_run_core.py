"""A run end to end on approved values: request, compute, store."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from baiqianwan.core.problems import InputError
from baiqianwan.evaluation.choices import RunState
from baiqianwan.evaluation.models import Run, RunScore
from baiqianwan.evaluation.services import run_execute, run_inputs, run_request

pytestmark = pytest.mark.django_db


def test_a_county_run_ranks_the_eight_counties(county_scheme, county_values, hq_admin):
    units, values = county_values
    run = run_request(user=hq_admin, scheme=county_scheme, periods=["2024", "2023"], enqueue=False)
    assert run.periods == ["2023", "2024"]
    run = run_execute(run.pk)
    assert run.state == RunState.DONE
    scores = list(RunScore.objects.filter(run=run, period="2024").order_by("rank"))
    assert [s.rank for s in scores] == list(range(1, 9))
    assert all(s.change is not None for s in scores)
    assert all(len(s.weak) == 3 for s in scores)
    # The snapshot is what was read, exactly.
    inputs = run_inputs(run)
    assert np.array_equal(inputs.values, values[:2])
    assert inputs.units == [u.code for u in units]
    assert set(run.summary["weights"]["2024"]) == set(inputs.indicators)


def test_village_run_with_balance_by_county(village_scheme, village_values, hq_admin):
    units, _ = village_values
    run = run_execute(
        run_request(user=hq_admin, scheme=village_scheme, periods=["2024"], enqueue=False).pk
    )
    assert RunScore.objects.filter(run=run).count() == len(units)
    balance = run.summary["balance"]["2024"]
    assert balance["theil"] >= 0
    # Grouped by town (the level below the scheme's area, 怀集县).
    assert len(balance["groups"]) == 19
    assert abs(balance["between"] + balance["within"] - balance["theil"]) < 1e-9


def test_a_period_with_unapproved_values_is_refused_or_marked_provisional(county_scheme, hq_admin):
    with pytest.raises(InputError, match="尚未审核通过"):
        run_request(user=hq_admin, scheme=county_scheme, periods=["2025"], enqueue=False)
    assert not Run.objects.exists()
    run = run_request(
        user=hq_admin, scheme=county_scheme, periods=["2025"], provisional=True, enqueue=False
    )
    assert run.provisional
    assert "临时结果" in run.notes[0]
    assert run_execute(run.pk).state == RunState.DONE


def test_a_run_killed_while_storing_leaves_no_scores(county_scheme, hq_admin):
    run = run_request(user=hq_admin, scheme=county_scheme, periods=["2024"], enqueue=False)
    with pytest.raises(RuntimeError):
        run_execute(run.pk, fail_after="store")
    assert not RunScore.objects.filter(run=run).exists()


def test_the_command_names_provisional_only_for_unapproved_values(county_scheme):
    """`bqw evaluation run` adds the --provisional hint to the refusal marked as that
    option's (InputError.field), not to other refusals."""
    with pytest.raises(CommandError, match="尚未审核通过") as unapproved:
        call_command("evaluation", "run", county_scheme.code, "2025")
    assert "--provisional" in str(unapproved.value)
    with pytest.raises(CommandError) as other:
        call_command("evaluation", "run", county_scheme.code, "1999")
    assert "--provisional" not in str(other.value)
    call_command("evaluation", "run", county_scheme.code, "2025", "--provisional")
    assert Run.objects.get().provisional
