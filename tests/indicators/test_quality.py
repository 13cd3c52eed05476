"""The data quality page: violations and outliers of a data set, period and area, filters,
counts per county, the Excel exports and the area's limits."""

from __future__ import annotations

import io
from datetime import date

import numpy as np
import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from baiqianwan.indicators.quality import quality_report
from baiqianwan.indicators.selectors import expected_units
from baiqianwan.indicators.values import Cell, values_write
from tests.indicators.factories import DEQING, HUAICHENG, OPEN_DAY, system_make, unit

pytestmark = pytest.mark.django_db

HUAIJI = "441224000000"
# POP of the first six villages of 怀城街道 in 2024 and 2023, and GREEN in 2024.
POP_2024 = [1000, 1100, 1200, 1300, 1400, 9000]
POP_2023 = [1000, 1100, 1200, 650, 1400, 8800]
GREEN_2024 = [40, 42, 44, 46, 48, 120]


@pytest.fixture
def world(hq_admin):  # type: ignore[no-untyped-def]
    world = system_make()
    dataset = world["datasets"]["VILLAGE"]
    villages = list(expected_units(dataset, world["period"], within=HUAICHENG[:9])[:6])
    assert len(villages) == 6
    ind = world["ind"]
    for period, pops, greens, today in (
        (world["period"], POP_2024, GREEN_2024, OPEN_DAY),
        (world["previous"], POP_2023, [], date(2024, 2, 1)),
    ):
        cells = [Cell(v.pk, ind["POP"].pk, p) for v, p in zip(villages, pops, strict=True)]
        cells += [Cell(v.pk, ind["GREEN"].pk, g) for v, g in zip(villages, greens, strict=False)]
        values_write(
            actor=hq_admin, dataset=dataset, period=period, cells=cells, source="form", today=today
        )
    world["villages"] = villages
    return world


def _report(world, user, **filters):  # type: ignore[no-untyped-def]
    return quality_report(
        user=user,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        within=unit(HUAICHENG),
        **filters,
    )


def test_violations_by_unit(world, hq_admin):  # type: ignore[no-untyped-def]
    report = _report(world, hq_admin)
    last = world["villages"][5]
    assert [(v.unit.code, v.rule.code, v.left, v.right) for v in report.violations] == [
        (last.code, "R2", 120.0, 100.0)
    ]
    assert report.violations[0].unit.county == "怀集县"
    assert not report.violations[0].blocking
    # 100 is not above 100: the other side of the rule.
    assert all(v.left > 100 for v in report.violations)


def test_outliers_by_change_and_by_z(world, hq_admin):  # type: ignore[no-untyped-def]
    report = _report(world, hq_admin, indicator="POP")
    villages = world["villages"]
    found = {(o.unit.code, o.indicator.code): o for o in report.outliers}
    # 650 → 1300 is +100 %; 8800 → 9000 is +2.3 % but 9000 is far from its peers.
    doubled = found[(villages[3].code, "POP")]
    assert doubled.by_change and doubled.change == pytest.approx(1.0) and doubled.previous == 650
    far = found[(villages[5].code, "POP")]
    assert far.by_z and not far.by_change
    # Peers are the six villages with a value: median 1250, MAD 150.
    assert far.median == 1250 and far.z == pytest.approx(0.6745 * (9000 - 1250) / 150)
    assert set(found) == {(villages[3].code, "POP"), (villages[5].code, "POP")}


def test_filters(world, hq_admin):  # type: ignore[no-untyped-def]
    assert _report(world, hq_admin, severity="blocking").violations == []
    assert len(_report(world, hq_admin, severity="warning").violations) == 1
    assert _report(world, hq_admin, indicator="POP").violations == []
    assert len(_report(world, hq_admin, rule="R2").violations) == 1
    assert all(o.by_change for o in _report(world, hq_admin, method="change").outliers)
    assert all(o.by_z for o in _report(world, hq_admin, method="z").outliers)
    # A threshold above the doubling leaves only the z-score's outlier.
    high = _report(world, hq_admin, indicator="POP", threshold=1.5)
    assert [o.by_z for o in high.outliers] == [True]
    # For a year the previous period is the same period last year.
    assert _report(world, hq_admin, compare="previous").compared_with == world["previous"]


def test_the_comparison_period():  # type: ignore[no-untyped-def]
    from baiqianwan.core.problems import InputError
    from baiqianwan.indicators.models import Period
    from baiqianwan.indicators.quality import comparison_period

    def make(code, start, end):  # type: ignore[no-untyped-def]
        return Period.objects.create(code=code, type="quarter", start=start, end=end)

    q3 = make("2024Q3", date(2024, 7, 1), date(2024, 9, 30))
    q2 = make("2024Q2", date(2024, 4, 1), date(2024, 6, 30))
    assert comparison_period(q3, "previous") == q2
    # No 2023Q3 (nor 2024Q1): nothing to compare with, so no change is judged.
    assert comparison_period(q3, "year") is None
    assert comparison_period(q2, "previous") is None
    last_year = make("2023Q3", date(2023, 7, 1), date(2023, 9, 30))
    assert comparison_period(q3, "year") == last_year
    with pytest.raises(InputError):
        comparison_period(q3, "decade")


def test_counts_per_county(world, hq_admin):  # type: ignore[no-untyped-def]
    report = quality_report(
        user=hq_admin, dataset=world["datasets"]["VILLAGE"], period=world["period"]
    )
    by_code = {c.code: c for c in report.counties}
    assert len(by_code) == 8
    assert (by_code[HUAIJI].warning, by_code[HUAIJI].blocking) == (1, 0)
    assert by_code[HUAIJI].outliers >= 2
    assert by_code[DEQING].units > 0 and by_code[DEQING].warning == 0
    assert sum(c.units for c in report.counties) == report.units


def test_the_page(client, world, hq_admin):  # type: ignore[no-untyped-def]
    client.force_login(hq_admin)
    url = reverse("indicators:quality")
    page = client.get(url, {"dataset": "VILLAGE", "period": "2024", "unit": HUAICHENG})
    assert page.status_code == 200
    body = page.content.decode()
    last = world["villages"][5]
    assert f'data-testid="violation-{last.code}-R2"' in body
    assert reverse("units:detail", args=[last.code]) in body
    assert 'data-testid="county-441224000000"' in body
    outliers = client.get(url, {"dataset": "VILLAGE", "period": "2024", "show": "outliers"})
    assert f'data-testid="outlier-{last.code}-POP"' in outliers.content.decode()
    # The page opens on the first data set and its latest period without parameters.
    assert client.get(url).status_code == 200


def test_the_exports(client, world, hq_admin):  # type: ignore[no-untyped-def]
    client.force_login(hq_admin)
    url = reverse("indicators:quality_export")
    for show, expected in (("violations", "R2"), ("outliers", "POP")):
        response = client.get(url, {"dataset": "VILLAGE", "period": "2024", "show": show})
        assert response.status_code == 200
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        rows = book.get_sheet_by_index(0).to_python()
        codes = [row[1] for row in rows[2:]]
        assert world["villages"][5].code in codes
        assert any(expected in [str(cell) for cell in row] for row in rows[2:])


def test_an_area_outside_the_users_is_not_found(client, world, huaiji_operator):  # type: ignore[no-untyped-def]
    client.force_login(huaiji_operator)
    url = reverse("indicators:quality")
    assert client.get(url, {"dataset": "VILLAGE", "unit": DEQING}).status_code == 404
    page = client.get(url, {"dataset": "VILLAGE", "period": "2024"})
    assert page.status_code == 200
    body = page.content.decode()
    # Only 怀集's own county appears in the counts, and no 德庆 unit anywhere.
    assert 'data-testid="county-441224000000"' in body and "441226" not in body


def test_bad_parameters_are_400(client, world, hq_admin):  # type: ignore[no-untyped-def]
    client.force_login(hq_admin)
    url = reverse("indicators:quality")
    for params in (
        {"dataset": "NOSUCH"},
        {"dataset": "VILLAGE", "period": "1999"},
        {"dataset": "VILLAGE", "indicator": "URBAN_INCOME"},
        {"dataset": "VILLAGE", "rule": "R1"},
        {"dataset": "VILLAGE", "threshold": "0"},
        {"dataset": "VILLAGE", "severity": "fatal"},
    ):
        response = client.get(url, params)
        assert response.status_code == 400, params
        assert 'data-testid="form-error"' in response.content.decode()


def test_the_values_matrix_reads_the_same_for_few_and_many_units(world):  # type: ignore[no-untyped-def]
    from baiqianwan.indicators.selectors import dataset_indicators
    from baiqianwan.indicators.validation import IN_CHUNK, values_matrix

    dataset, period = world["datasets"]["VILLAGE"], world["period"]
    everyone = list(expected_units(dataset, period).values_list("id", flat=True))
    assert len(everyone) > IN_CHUNK
    # Reversed, so the rows' order is not the units'.
    everyone.reverse()
    indicators = dataset_indicators(dataset)
    many = values_matrix(period, everyone, indicators)
    few_ids = [v.pk for v in world["villages"]]
    few = values_matrix(period, few_ids, indicators)
    rows = [everyone.index(pk) for pk in few_ids]
    for code in ("POP", "GREEN", "INCOME_PER_10K"):
        np.testing.assert_array_equal(many[code][rows], few[code])
    assert few["POP"].tolist() == POP_2024
    assert int(np.isfinite(many["POP"]).sum()) == 6
    assert np.isnan(few["INCOME"]).all()
