"""Two runs compared (the rank change split into weights and values) and the Excel exports."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from baiqianwan.audit.models import AuditEvent
from baiqianwan.evaluation.compare import runs_compare
from baiqianwan.evaluation.models import RunScore, Scheme
from baiqianwan.evaluation.services import run_execute, run_request, scheme_save
from tests.evaluation.conftest import COUNTY_INDICATORS

pytestmark = pytest.mark.django_db


def _done(user, scheme, periods):  # type: ignore[no-untyped-def]
    return run_execute(run_request(user=user, scheme=scheme, periods=periods, enqueue=False).pk)


def _given(user, city, code, weights):  # type: ignore[no-untyped-def]
    return scheme_save(
        user=user,
        fields={"code": code, "name": code, "level": "county", "unit": city, "weighting": "given"},
        indicators=[
            {"code": c, "weight": w} for c, w in zip(COUNTY_INDICATORS, weights, strict=True)
        ],
    )


def test_same_values_other_weights_owe_every_move_to_the_weights(hq_admin, city, county_values):
    a = _done(hq_admin, _given(hq_admin, city, "A", [1, 1, 1, 1, 1, 1]), ["2024"])
    b = _done(hq_admin, _given(hq_admin, city, "B", [5, 1, 1, 1, 1, 0.1]), ["2024"])
    found = runs_compare(a=a, b=b)
    rows = found.rows()
    assert len(rows) == 8
    stored_a = dict(RunScore.objects.filter(run=a).values_list("unit__code", "rank"))
    stored_b = dict(RunScore.objects.filter(run=b).values_list("unit__code", "rank"))
    assert {r["code"]: r["rank_a"] for r in rows} == stored_a
    assert {r["code"]: r["rank_b"] for r in rows} == stored_b
    assert all(r["from_values"] == 0 for r in rows)
    assert all(r["from_weights"] == r["change"] for r in rows)
    assert any(r["change"] != 0 for r in rows)
    assert found.partial  # two schemes


def test_same_weights_other_values_owe_every_move_to_the_values(hq_admin, city, county_values):
    scheme = _given(hq_admin, city, "G", [1, 2, 1, 1, 1, 1])
    a = _done(hq_admin, scheme, ["2023"])
    b = _done(hq_admin, scheme, ["2024"])
    rows = runs_compare(a=a, b=b).rows()
    assert all(r["from_weights"] == 0 for r in rows)
    assert all(r["from_values"] == r["change"] for r in rows)
    # Each change adds up, whatever the split.
    assert sum(r["change"] for r in rows) == 0


def test_runs_over_different_indicators_are_compared_over_the_common_ones(
    client, hq_admin, city, county_scheme
):
    a = _done(hq_admin, county_scheme, ["2024"])
    narrow = scheme_save(
        user=hq_admin,
        fields={"code": "N", "name": "窄方案", "level": "county", "unit": city},
        indicators=[{"code": c} for c in COUNTY_INDICATORS[:3]],
    )
    b = _done(hq_admin, narrow, ["2024"])
    client.force_login(hq_admin)
    page = client.get(reverse("evaluation:compare") + f"?a={a.pk}&b={b.pk}")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="partial"' in body and "3 个指标" in body
    for row in runs_compare(a=a, b=b).rows():
        assert row["from_weights"] + row["from_values"] == row["change"]


def _sheets(response) -> dict[str, list[list[object]]]:  # type: ignore[no-untyped-def]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_every_table_and_the_whole_run_export_to_excel(client, hq_admin, county_scheme):
    run = _done(hq_admin, county_scheme, ["2023", "2024"])
    client.force_login(hq_admin)
    url = reverse("evaluation:run_export", args=[run.pk])
    ranking = _sheets(client.get(url + "?table=ranking&period=2024"))
    rows = next(iter(ranking.values()))
    assert len(rows) == 9  # header and the eight counties
    assert rows[1][1] == RunScore.objects.get(run=run, period="2024", rank=1).unit.code
    for table in ("weights", "balance", "targets"):
        response = client.get(url + f"?table={table}")
        assert response.status_code == 200, table
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    whole = _sheets(client.get(url))
    assert list(whole) == ["说明", "排名", "权重", "短板", "耦合", "均衡", "收敛", "目标"]
    assert len(whole["排名"]) == 1 + 16  # two periods of eight counties
    weights = {row[0]: row[3] for row in whole["权重"][1:]}
    assert sum(weights.values()) == pytest.approx(1, abs=1e-5)  # each rounded to 6 places
    assert any(run.inputs_sha256 in str(cell) for row in whole["说明"] for cell in row)
    assert AuditEvent.objects.filter(action="download").count() >= 5
    assert client.get(url + "?table=nothing").status_code == 404


def test_a_county_operator_exports_only_its_own_row(
    client, hq_admin, huaiji_operator, county_scheme
):
    run = _done(hq_admin, county_scheme, ["2024"])
    client.force_login(huaiji_operator)
    whole = _sheets(client.get(reverse("evaluation:run_export", args=[run.pk])))
    assert [row[2] for row in whole["排名"][1:]] == ["怀集县"]
    text = str(whole)
    assert "德庆县" not in text and "端州区" not in text


def test_a_village_ranking_pages_and_filters(client, hq_admin, village_scheme, village_values):
    units, _ = village_values
    run = _done(hq_admin, village_scheme, ["2024"])
    client.force_login(hq_admin)
    url = reverse("evaluation:run_detail", args=[run.pk])
    unit_links = f'href="/evaluation/runs/{run.pk}/units/'
    first = client.get(url).content.decode()
    assert first.count(unit_links) == 100
    assert f"1 / {-(-len(units) // 100)}" in first  # the pager
    last = client.get(url + f"?county=441224&sort=name&page={-(-len(units) // 100)}")
    assert last.content.decode().count(unit_links) == len(units) % 100 or 100
    elsewhere = client.get(url + "?county=441223").content.decode()
    assert elsewhere.count(unit_links) == 0


def test_a_county_in_the_city_ranking_drills_to_its_towns(client, hq_admin, city, county_scheme):
    county_run = _done(hq_admin, county_scheme, ["2024"])
    # A town scheme of the city (the only town run): each county links to it, filtered.
    town_scheme = Scheme.objects.create(code="T", name="镇街评价", unit=city, level="town")
    town_run = county_run.__class__.objects.create(
        scheme=town_scheme, unit=city, periods=["2024"], source="approved", state="done"
    )
    client.force_login(hq_admin)
    page = client.get(reverse("evaluation:run_detail", args=[county_run.pk])).content.decode()
    assert f"/evaluation/runs/{town_run.pk}/?county=441224" in page
    assert "镇街评价" in page


def test_a_county_with_its_own_town_scheme_drills_to_that(client, hq_admin, city, county_scheme):
    from baiqianwan.units.models import Unit

    county_run = _done(hq_admin, county_scheme, ["2024"])
    huaiji = Unit.objects.get(code="441224000000", valid_to__isnull=True)
    own = Scheme.objects.create(code="HJ_T", name="怀集镇街评价", unit=huaiji, level="town")
    own_run = county_run.__class__.objects.create(
        scheme=own, unit=huaiji, periods=["2024"], source="approved", state="done"
    )
    client.force_login(hq_admin)
    page = client.get(reverse("evaluation:run_detail", args=[county_run.pk])).content.decode()
    assert f'href="/evaluation/runs/{own_run.pk}/" data-testid="drill"' in page
    assert "怀集镇街评价 的最新运行" in page
    assert page.count('data-testid="drill"') == 1  # no town run for the other counties
