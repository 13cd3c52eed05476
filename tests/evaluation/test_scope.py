"""Who sees which scheme, run and rows: the area rules of the evaluation selectors."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from baiqianwan.evaluation import selectors
from baiqianwan.evaluation.services import run_execute, run_request, scheme_save
from baiqianwan.units.models import Unit
from tests.evaluation.conftest import VILLAGE_INDICATORS

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_run(county_scheme, hq_admin):  # type: ignore[no-untyped-def]
    return run_execute(
        run_request(user=hq_admin, scheme=county_scheme, periods=["2024"], enqueue=False).pk
    )


def test_a_county_sees_the_city_s_ranking_but_only_its_own_row(city_run, huaiji_operator):
    assert selectors.run_get(user=huaiji_operator, pk=city_run.pk) == city_run
    rows = list(selectors.run_scores(user=huaiji_operator, run=city_run))
    assert [r.unit.code for r in rows] == ["441224000000"]
    assert 1 <= rows[0].rank <= 8  # its rank among all eight counties


def test_another_county_s_run_and_scheme_answer_404(village_values, hq_admin, make_user):
    huaiji = Unit.objects.get(code="441224000000", valid_to__isnull=True)
    scheme = scheme_save(
        user=hq_admin,
        fields={"code": "HJ_V", "name": "怀集县村级", "level": "village", "unit": huaiji},
        indicators=[{"code": code} for code in VILLAGE_INDICATORS],
    )
    run = run_request(user=hq_admin, scheme=scheme, periods=["2024"], enqueue=False)
    deqing = make_user("deqing-op", "county_operator", "441226000000")
    with pytest.raises(Http404):
        selectors.run_get(user=deqing, pk=run.pk)
    with pytest.raises(Http404):
        selectors.scheme_get(user=deqing, pk=scheme.pk)
    assert not selectors.runs_visible(user=deqing).filter(pk=run.pk).exists()


def test_a_county_may_not_run_the_city_s_scheme(county_scheme, huaiji_operator):
    with pytest.raises(Http404):
        run_request(user=huaiji_operator, scheme=county_scheme, periods=["2024"], enqueue=False)


def test_a_leader_reads_but_may_not_run(county_scheme, make_user):
    leader = make_user("leader", "leader", "441200000000")
    assert selectors.schemes_visible(user=leader).filter(pk=county_scheme.pk).exists()
    with pytest.raises(PermissionDenied):
        run_request(user=leader, scheme=county_scheme, periods=["2024"], enqueue=False)
