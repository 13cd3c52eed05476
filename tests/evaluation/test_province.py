"""The province demo (`bqw demo load`): what it stores, that it refuses a second time, and a
run at the province's level on it. The test register holds 肇庆市 and its ancestors, so the
province's demo here covers Zhaoqing's 1,558 villages (the full load is the benchmark's)."""

from __future__ import annotations

from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from baiqianwan.core.problems import InputError
from baiqianwan.evaluation.choices import RunState, Track
from baiqianwan.evaluation.engine import compute
from baiqianwan.evaluation.inputs import approval_check, inputs_from_database, periods_of
from baiqianwan.evaluation.models import RunScore, Scheme, UnitTrack
from baiqianwan.evaluation.province import (
    DATASET,
    INDICATORS,
    SCHEME,
    SYSTEM,
    demo_values,
    province_demo_create,
)
from baiqianwan.evaluation.services import run_execute, run_inputs, run_request
from baiqianwan.indicators.models import (
    DataValue,
    DataValueChange,
    DerivedValue,
    IndicatorSystem,
    Submission,
    Target,
)
from baiqianwan.units.models import Unit

PROVINCE = "440000000000"
HUAIJI = "441224000000"


def _villages(prefix: str) -> list[Unit]:
    return list(
        Unit.objects.current().filter(level="village", code__startswith=prefix).order_by("code")
    )


def test_values_are_deterministic_plausible_and_follow_the_county():
    # Two villages of a Guangzhou district, two of a northern county (梅州 大埔县).
    codes = ["440106001001", "440106001002", "441422100201", "441422100202"]
    values = demo_values(codes)
    assert values.shape == (3, 4, len(INDICATORS))
    assert np.array_equal(values, demo_values(codes))
    column = {spec.code: j for j, spec in enumerate(INDICATORS)}
    shares = [column[s.code] for s in INDICATORS if s.kind == "share"]
    assert ((values[:, :, shares] >= 0) & (values[:, :, shares] <= 100)).all()
    counts = [column[s.code] for s in INDICATORS if s.kind == "count"]
    assert np.array_equal(values[:, :, counts], np.round(values[:, :, counts]))
    income = values[:, :, column["GD_V02"]]
    assert income[:, :2].min() > income[:, 2:].max()  # the delta's villages earn more
    assert (income[2] > income[0]).all()  # and incomes grow
    assert sum(s.negative for s in INDICATORS) == 7
    assert {s.dimension for s in INDICATORS} == {
        "GD_FU",
        "GD_JING",
        "GD_LV",
        "GD_MEI",
        "GD_QIANG",
        "GD_ZHI",
    }


@pytest.mark.django_db
def test_the_demo_loads_approved_and_rolled_up_then_runs_at_the_province(make_user, settings):
    villages = _villages("44")
    # A track set before (by headquarters, or the city's evaluation demo) is kept.
    UnitTrack.objects.create(
        unit=Unit.objects.current().get(code=HUAIJI), year=2025, track=Track.LEAD
    )
    # The service on the register as it is (the command would load the whole province).
    report = province_demo_create(prefix="44")
    assert f"{len(villages)} villages × 40 indicators × 3 years" in report.lines()[0]
    assert report.values == report.history == len(villages) * len(INDICATORS) * 3
    system = IndicatorSystem.objects.get(code=SYSTEM)
    assert "演示数据" in system.name
    stored = len(villages) * len(INDICATORS) * 3
    assert DataValue.objects.filter(is_demo=True, source="demo").count() == stored
    assert DataValueChange.objects.filter(source="demo", old__isnull=True).count() == stored
    assert Target.objects.filter(indicator__system=system).count() == 21
    # Every village's report approved, and the towns' and counties' totals.
    reports = Submission.objects.filter(dataset__code=DATASET)
    assert set(reports.values_list("state", flat=True)) == {"approved"}
    towns = Unit.objects.current().filter(level="town", code__startswith="44").count()
    assert reports.filter(period__code="2024").count() == len(villages) + towns + 8
    # 怀集县's total population is its villages' sum.
    huaiji = Unit.objects.current().get(code=HUAIJI)
    own = DataValue.objects.filter(
        indicator__code="GD_V01", period__code="2024", unit__code__startswith="441224"
    ).aggregate(total=Sum("value"))["total"]
    total = DerivedValue.objects.get(indicator__code="GD_V01", period__code="2024", unit=huaiji)
    assert total.value == pytest.approx(own)
    assert total.reported == len(_villages("441224"))
    tracks = UnitTrack.objects.filter(year=2025)
    assert tracks.count() == 8
    assert tracks.get(unit__code=HUAIJI).track == Track.LEAD
    assert set(tracks.values_list("track", flat=True)) == set(Track.values)
    scheme = Scheme.objects.get(code=SCHEME)
    assert scheme.unit.code == PROVINCE and scheme.is_demo and scheme.members.count() == 40

    # A second load (the command, for the city: its units are all there) finds it and
    # changes nothing.
    again = StringIO()
    call_command("demo", "load", "--city", "4412", stdout=again)
    assert "exists already" in again.getvalue()
    assert "Units loaded" not in again.getvalue()
    assert DataValue.objects.count() == stored

    # A province's run: balance by county, each village ranked in its county's track.
    province_hq = make_user("gd-hq", "hq_admin", PROVINCE)
    run = run_request(user=province_hq, scheme=scheme, periods=["2024", "2025"], enqueue=False)
    run = run_execute(run.pk)
    assert run.state == RunState.DONE, run.error
    scores = RunScore.objects.filter(run=run, period="2025")
    assert scores.count() == len(villages)
    assert not scores.filter(track="").exists()
    assert not scores.filter(track_rank__isnull=True).exists()
    assert not scores.filter(change__isnull=True).exists()
    balance = run.summary["balance"]["2025"]
    assert len(balance["groups"]) == 8  # the counties
    assert {g["code"] for g in balance["groups"]} == {
        u.code for u in Unit.objects.current().filter(level="county", code__startswith="4412")
    }
    assert len(run.summary["coupling"]["subsystems"]) == 6
    # The stored rows are the computation's, exactly; computed again from the snapshot.
    inputs = run_inputs(run)
    outcome = compute(inputs, run.parameters)
    assert outcome.summary == run.summary
    stored = {
        (s.unit.code, s.period): s for s in RunScore.objects.filter(run=run).select_related("unit")
    }
    for p, period in enumerate(run.periods):
        for position, row in enumerate(outcome.units[:50]):
            score = stored[(inputs.units[row], period)]
            assert score.score == outcome.score[p, position]
            assert score.rank == outcome.rank[p, position]
            assert score.weak == outcome.weak[p][position]
            assert score.weak_dimensions == outcome.weak_dimensions[p][position]
            assert score.coordination == outcome.coupling["D"][p, position]
            assert score.grade == outcome.coupling["grade"][p, position]
            assert score.lights == (outcome.lights[position].tolist() if p == 1 else [])


@pytest.mark.django_db
def test_the_demo_is_refused_outside_dev_and_for_a_bad_area(settings):
    with pytest.raises(CommandError, match="expected 4 digits"):
        call_command("demo", "load", "--city", "44")
    with pytest.raises(InputError, match="449900000000"):
        province_demo_create(prefix="4499")
    settings.BQW_MODE = "production"
    with pytest.raises(CommandError, match="BQW_MODE=dev or demo"):
        call_command("demo", "load", "--city", "4412")
    assert not IndicatorSystem.objects.filter(code=SYSTEM).exists()


@pytest.mark.django_db
def test_the_request_finds_unapproved_values_as_the_full_read_does(county_scheme, county_values):
    """`run_request` checks approval without reading the matrix (`approval_check`): the
    same units as `inputs_from_database` says, for approved, submitted and mixed periods."""
    units, _ = county_values
    periods = periods_of(["2023", "2024", "2025"])
    returned = Submission.objects.get(period__code="2024", unit=units[3])
    returned.state = "returned"
    returned.save()
    # A value with no report at all is unapproved too.
    Submission.objects.filter(period__code="2023", unit=units[5]).delete()
    _, full = inputs_from_database(county_scheme, periods)
    quick = approval_check(county_scheme, periods)
    assert quick.pending == full.pending
    assert quick.pending["2023"] == [units[5].code]
    assert quick.pending["2024"] == [units[3].code]
    assert quick.pending["2025"] == [u.code for u in units]
