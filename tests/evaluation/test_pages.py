"""The evaluation pages through the Django test client: schemes, tracks, runs and results."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from baiqianwan.evaluation.choices import RunState
from baiqianwan.evaluation.models import Run, Scheme, UnitTrack
from baiqianwan.evaluation.services import run_execute, run_request
from baiqianwan.units.models import Unit
from tests.evaluation.conftest import COUNTY_INDICATORS

pytestmark = pytest.mark.django_db


def _done(user, scheme, periods):  # type: ignore[no-untyped-def]
    run = run_request(user=user, scheme=scheme, periods=periods, enqueue=False)
    return run_execute(run.pk)


def _scheme_post(**extra):  # type: ignore[no-untyped-def]
    data = {
        "code": "ZQ_NEW",
        "name": "新方案",
        "unit": "441200000000",
        "level": "county",
        "weighting": "entropy",
        "ahp_over": "dimensions",
        "combine_alpha": "0.5",
        "normalization": "minmax",
        "cost": "invert",
        "missing": "raise",
        "top_k": "3",
        "balance_by_county": "on",
        "indicator": COUNTY_INDICATORS[:4],
    }
    data.update(extra)
    return data


def test_a_scheme_is_created_from_the_form(client, hq_admin, county_values):
    client.force_login(hq_admin)
    page = client.get(reverse("evaluation:scheme_create"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "C_GDP_PER_CAPITA" in body  # a county indicator is offered
    assert "V_RURAL_INCOME" not in body  # a village one is not
    village = client.get(reverse("evaluation:scheme_indicators") + "?level=village").content
    assert b"V_RURAL_INCOME" in village and b"C_GDP_PER_CAPITA" not in village
    assert b'id="ahp" data-testid="ahp" hx-swap-oob="true"' in village
    response = client.post(reverse("evaluation:scheme_create"), _scheme_post())
    assert response.status_code == 302
    scheme = Scheme.objects.get(code="ZQ_NEW")
    assert {m.indicator.code for m in scheme.members.all()} == set(COUNTY_INDICATORS[:4])
    detail = client.get(response["Location"]).content.decode()
    assert "新方案" in detail and "C_URBAN_INCOME" in detail


def test_an_edit_on_an_older_version_is_refused_as_a_conflict(client, hq_admin, county_scheme):
    client.force_login(hq_admin)
    url = reverse("evaluation:scheme_edit", args=[county_scheme.pk])
    assert client.get(url).status_code == 200
    stale = _scheme_post(code=county_scheme.code, name="改名", version=str(county_scheme.version))
    Scheme.objects.filter(pk=county_scheme.pk).update(version=county_scheme.version + 1)
    response = client.post(url, stale)
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    assert Scheme.objects.get(pk=county_scheme.pk).name == "县域综合评价"


def test_the_ahp_block_shows_the_consistency_ratio_as_typed(client, hq_admin, county_values):
    client.force_login(hq_admin)
    data = _scheme_post(weighting="ahp", ahp_over="indicators", indicator=COUNTY_INDICATORS[:3])
    data["ahp_labels"] = "\n".join(COUNTY_INDICATORS[:3])
    data.update(ahp_0_1="3", ahp_0_2="5", ahp_1_2="3")
    body = client.post(reverse("evaluation:scheme_ahp"), data).content.decode()
    assert "CR = <strong>0.0332</strong>" in body  # Saaty: consistent below 0.1
    assert 'text-bg-success" data-testid="ahp-verdict">一致' in body
    assert "1/3" in body and "1/5" in body  # the lower triangle mirrors
    # A judgement changed: only the figures come back, the inputs stay as typed.
    data.update(ahp_0_1="9", ahp_0_2="1/9", ahp_1_2="9")
    live = reverse("evaluation:scheme_ahp") + "?part=live"
    body = client.post(live, data).content.decode()
    assert 'text-bg-danger" data-testid="ahp-verdict">不一致' in body
    assert "<select" not in body
    assert body.count('data-testid="mirror" hx-swap-oob="true"') == 3  # below the diagonal


def test_tracks_are_set_per_year_by_headquarters(client, hq_admin, huaiji_operator, county_values):
    client.force_login(huaiji_operator)
    assert client.get(reverse("evaluation:tracks")).status_code == 403
    client.force_login(hq_admin)
    page = client.get(reverse("evaluation:tracks") + "?year=2024")
    assert "怀集县" in page.content.decode()
    response = client.post(
        reverse("evaluation:tracks"), {"year": "2024", "track_441224000000": "catch_up"}
    )
    assert response.status_code == 302
    assert UnitTrack.objects.get(unit__code="441224000000", year=2024).track == "catch_up"


def test_the_tracks_page_opens_on_the_latest_year_with_tracks(client, hq_admin, county_values):
    client.force_login(hq_admin)
    UnitTrack.objects.create(unit=Unit.objects.get(code="441224000000"), year=2024, track="lead")
    body = client.get(reverse("evaluation:tracks")).content.decode()
    assert '<option value="2024" selected>' in body
    assert re.search(r'name="track_441224000000" value="lead" aria-label="[^"]*" checked', body)


def test_a_run_is_asked_for_and_its_page_polls_then_shows_the_ranking(
    client, hq_admin, county_scheme, django_capture_on_commit_callbacks
):
    client.force_login(hq_admin)
    form = client.get(reverse("evaluation:run_create") + f"?scheme={county_scheme.pk}")
    assert form.status_code == 200
    # The last three years with data are ticked.
    assert form.content.decode().count("checked") >= 3
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("evaluation:run_create"),
            {"scheme": county_scheme.pk, "periods": ["2023", "2024"], "source": "approved"},
        )
    assert response.status_code == 302
    run = Run.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page
    progress = client.get(reverse("evaluation:run_progress", args=[run.pk]))
    assert "HX-Refresh" not in progress
    run_execute(run.pk)
    progress = client.get(reverse("evaluation:run_progress", args=[run.pk]))
    assert progress["HX-Refresh"] == "true"
    page = client.get(reverse("evaluation:run_detail", args=[run.pk])).content.decode()
    assert 'data-testid="ranking"' in page
    assert "端州区" in page
    assert "↑" in page or "↓" in page
    for tab in ("weights", "balance", "trend", "targets", "notes"):
        answer = client.get(reverse("evaluation:run_detail", args=[run.pk]) + f"?tab={tab}")
        assert answer.status_code == 200, tab
    client.cookies["django_language"] = "en"
    english = client.get(reverse("evaluation:run_detail", args=[run.pk])).content.decode()
    assert "Ranking" in english and "Weak points (indicators)" in english
    del client.cookies["django_language"]
    notes = client.get(reverse("evaluation:run_detail", args=[run.pk]) + "?tab=notes")
    assert Run.objects.get().inputs_sha256 in notes.content.decode()


def test_a_county_operator_sees_only_its_row_of_the_city_ranking(
    client, hq_admin, huaiji_operator, county_scheme
):
    run = _done(hq_admin, county_scheme, ["2023", "2024"])
    client.force_login(huaiji_operator)
    assert client.get(reverse("evaluation:runs")).status_code == 200
    page = client.get(reverse("evaluation:run_detail", args=[run.pk])).content.decode()
    assert "怀集县" in page
    assert "端州区" not in page
    balance = client.get(reverse("evaluation:run_detail", args=[run.pk]) + "?tab=balance")
    assert "德庆县" not in balance.content.decode()


def test_the_unit_page_compares_the_unit_with_the_others(client, hq_admin, county_scheme):
    run = _done(hq_admin, county_scheme, ["2024"])
    client.force_login(hq_admin)
    page = client.get(reverse("evaluation:run_unit", args=[run.pk, "441224000000"]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "怀集县" in body and 'data-testid="unit-values"' in body


def test_rerun_asks_again_with_the_same_periods(client, hq_admin, county_scheme):
    run = _done(hq_admin, county_scheme, ["2023", "2024"])
    client.force_login(hq_admin)
    response = client.post(reverse("evaluation:run_rerun", args=[run.pk]))
    assert response.status_code == 302
    again = Run.objects.exclude(pk=run.pk).get()
    assert again.rerun_of == run and again.periods == run.periods
    assert again.state == RunState.QUEUED


def test_a_run_is_reproduced_from_its_snapshot_as_docs_say(hq_admin, county_scheme):
    from baiqianwan.evaluation.engine import compute
    from baiqianwan.evaluation.services import run_inputs

    run = _done(hq_admin, county_scheme, ["2023", "2024"])
    inputs = run_inputs(run)
    outcome = compute(inputs, run.parameters)
    stored = dict(run.scores.filter(period=run.last_period).values_list("unit__code", "rank"))
    kept = [inputs.units[i] for i in outcome.units]
    assert [stored[code] for code in kept] == outcome.rank[-1].tolist()


def test_every_page_of_a_run_reads_in_chinese(client, hq_admin, county_scheme):
    from tests.core.test_pages import LATIN_ALLOWED, visible_words

    run = _done(hq_admin, county_scheme, ["2023", "2024"])
    client.force_login(hq_admin)
    detail = reverse("evaluation:run_detail", args=[run.pk])
    pages = [detail + f"?tab={tab}" for tab in ("ranking", "weights", "balance", "trend")]
    pages += [detail + "?tab=targets", detail + "?tab=notes"]
    pages += [
        reverse("evaluation:run_unit", args=[run.pk, "441224000000"]),
        reverse("evaluation:compare") + f"?a={run.pk}&b={run.pk}",
        reverse("evaluation:scheme_detail", args=[county_scheme.pk]),
        reverse("evaluation:scheme_edit", args=[county_scheme.pk]),
        reverse("evaluation:runs"),
        reverse("evaluation:tracks"),
    ]
    # Data, not English: the user's name, the scheme's code and the snapshot's hash.
    data = {hq_admin.username, county_scheme.code, Run.objects.get().inputs_sha256}
    allowed = LATIN_ALLOWED | set(visible_words(" ".join(data), set()))
    english = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        words = visible_words(response.content.decode(), allowed)
        if words:
            english[url] = words
    assert not english
    assert "赋权方法" in client.get(detail + "?tab=notes").content.decode()


def test_ahp_over_dimensions_runs_with_the_dimensions_compared(client, hq_admin, county_values):
    from baiqianwan.indicators.models import Indicator

    client.force_login(hq_admin)
    data = _scheme_post(weighting="combined", indicator=COUNTY_INDICATORS)
    dimensions = list(
        dict.fromkeys(
            Indicator.objects.get(code=c).dimension.name
            for c in sorted(COUNTY_INDICATORS, key=lambda c: Indicator.objects.get(code=c).pk)
        )
    )
    assert len(dimensions) >= 2
    block = client.post(reverse("evaluation:scheme_ahp"), data).content.decode()
    assert all(f"<th>{name}</th>" in block for name in dimensions)
    data["ahp_labels"] = block.split("hidden>")[1].split("</textarea>")[0]
    data["ahp_0_1"] = "3"
    assert client.post(reverse("evaluation:scheme_create"), data).status_code == 302
    scheme = Scheme.objects.get(code="ZQ_NEW")
    assert scheme.ahp_matrix[0][1] == 3
    run = _done(hq_admin, scheme, ["2024"])
    weighting = run.summary["weighting"]
    assert weighting["ahp_labels"][:2] == data["ahp_labels"].split("\n")[:2]
    assert weighting["alpha"] == 0.5
    page = client.get(reverse("evaluation:run_detail", args=[run.pk]) + "?tab=weights")
    assert 'data-testid="ahp-cr"' in page.content.decode()


def test_tracks_rank_each_county_within_its_track(client, hq_admin, county_scheme):
    from baiqianwan.evaluation.services import track_set
    from baiqianwan.units.models import Unit

    for code, track in (("441224000000", "catch_up"), ("441226000000", "catch_up")):
        unit = Unit.objects.get(code=code, valid_to__isnull=True)
        track_set(user=hq_admin, unit=unit, year=2024, track=track)
    Scheme.objects.filter(pk=county_scheme.pk).update(by_track=True)
    county_scheme.refresh_from_db()
    run = _done(hq_admin, county_scheme, ["2024"])
    client.force_login(hq_admin)
    page = client.get(reverse("evaluation:run_detail", args=[run.pk])).content.decode()
    assert page.count("消薄 · 第 ") == 2
    ranks = sorted(run.scores.filter(track="catch_up").values_list("track_rank", flat=True))
    assert ranks == [1, 2]
