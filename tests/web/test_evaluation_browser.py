"""In Chromium: headquarters writes an AHP scheme (the consistency ratio follows each
judgement), runs it, watches the progress bar turn into the ranking, and opens the trend."""

from __future__ import annotations

import pytest

from baiqianwan.evaluation.models import Run, Scheme
from baiqianwan.evaluation.services import run_execute
from tests.evaluation.conftest import COUNTY_INDICATORS, county_values, starter  # noqa: F401 (fixtures)
from tests.factories import PASSWORD
from tests.web.conftest import shot, sign_in_as

# The register first (a transactional test), then the evaluation tests' fixture: the 8
# counties' values, 2023–2024 approved.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("zhaoqing", "county_values")]


def test_write_an_ahp_scheme_run_it_and_read_the_ranking(  # type: ignore[no-untyped-def]
    zhaoqing, page, live_server, hq_admin
):
    hq_admin.set_password(PASSWORD)
    hq_admin.save()
    sign_in_as(page, live_server, hq_admin.username, "/evaluation/schemes/new/")
    page.fill("#id_code", "ZQ_AHP")
    page.fill("#id_name", "县域 AHP 评价")
    page.select_option("#id_weighting", "ahp")
    page.select_option("#id_ahp_over", "indicators")
    # One indicator at a time, each time waiting for the matrix to grow (on a busy machine
    # three quick changes can overtake each other).
    page.check(f"[data-testid=indicator-{COUNTY_INDICATORS[0]}]")
    page.check(f"[data-testid=indicator-{COUNTY_INDICATORS[1]}]")
    page.wait_for_selector("[data-testid=ahp-matrix] select[name=ahp_0_1]")
    page.check(f"[data-testid=indicator-{COUNTY_INDICATORS[2]}]")
    page.wait_for_selector("[data-testid=ahp-matrix] select[name=ahp_1_2]")
    page.select_option("select[name=ahp_0_1]", "9")
    page.wait_for_selector("[data-testid=mirror] >> text=1/9")
    page.select_option("select[name=ahp_0_2]", "1/9")
    page.select_option("select[name=ahp_1_2]", "9")
    page.wait_for_selector("[data-testid=ahp-verdict] >> text=不一致")
    shot(page, "evaluation-01-ahp-inconsistent")
    page.select_option("select[name=ahp_0_2]", "5")
    page.select_option("select[name=ahp_1_2]", "1/2")
    page.wait_for_selector("[data-testid=ahp-verdict] >> text=/^一致$/")
    assert "CR = " in page.inner_text("[data-testid=ahp-result]")
    shot(page, "evaluation-02-ahp-consistent")
    page.click("[data-testid=scheme-save]")
    page.wait_for_selector("[data-testid=scheme-run]")
    matrix = Scheme.objects.get(code="ZQ_AHP").ahp_matrix
    assert sorted(v for row in matrix for v in row)[-2:] == [5, 9]  # the judgements as typed
    page.click("[data-testid=scheme-run]")
    page.uncheck("#period-2025")
    page.click("[data-testid=run-submit]")
    page.wait_for_selector("[data-testid=progress]")
    shot(page, "evaluation-03-queued")
    run_execute(Run.objects.get().pk)  # what the worker does
    page.wait_for_selector("[data-testid=ranking]", timeout=10_000)
    assert "怀集县" in page.inner_text("[data-testid=ranking]")
    shot(page, "evaluation-04-ranking")
    page.click("[data-testid=tabs] >> text=权重")
    assert "CR" in page.inner_text("main")
    page.click("[data-testid=tabs] >> text=趋势")
    page.wait_for_selector("[data-testid=trend-chart] canvas")
    shot(page, "evaluation-05-trend")
    page.click("[data-testid=tabs] >> text=排名")
    page.click("[data-testid=ranking] >> text=怀集县")
    page.wait_for_selector("[data-testid=unit-values]")
    assert "短板" in page.inner_text("main")
    shot(page, "evaluation-06-unit")
