"""A run on an uploaded sheet instead of approved values: one sheet per period, units by
code or name, indicators by code or name; errors name the sheet, cell and unit."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from baiqianwan.core.problems import InputError
from baiqianwan.evaluation.choices import RunState, Source
from baiqianwan.evaluation.models import RunScore
from baiqianwan.evaluation.services import run_execute, run_inputs, run_request
from tests.evaluation.conftest import COUNTY_INDICATORS
from tests.tabular.test_read import xlsx_bytes

pytestmark = pytest.mark.django_db


def _rows(units, values: np.ndarray, *, by_name: bool = False) -> list[list[object]]:  # type: ignore[no-untyped-def]
    header: list[object] = ["单位", *COUNTY_INDICATORS]
    return [header] + [
        [u.name if by_name else u.code, *map(float, row)]
        for u, row in zip(units, values, strict=True)
    ]


def test_a_two_period_workbook_runs_like_approved_values(county_scheme, county_values, hq_admin):
    units, values = county_values
    data = xlsx_bytes(
        {"2023": _rows(units, values[0]), "2024": _rows(units, values[1], by_name=True)}
    )
    upload = SimpleUploadedFile("县域.xlsx", data)
    run = run_request(
        user=hq_admin,
        scheme=county_scheme,
        periods=["2023", "2024"],
        source=Source.UPLOAD,
        upload=upload,
        enqueue=False,
    )
    run = run_execute(run.pk)
    assert run.state == RunState.DONE and run.upload_name == "县域.xlsx"
    np.testing.assert_allclose(run_inputs(run).values, values[:2])
    assert RunScore.objects.filter(run=run, period="2024").count() == 8
    # A re-run reads the same uploaded file again.
    again = run_execute(
        run_request(
            user=hq_admin,
            scheme=county_scheme,
            periods=run.periods,
            source=Source.UPLOAD,
            rerun_of=run,
            enqueue=False,
        ).pk
    )
    assert again.inputs_sha256 == run.inputs_sha256


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("missing sheet", "缺少：2024"),
        ("unknown indicator", "2023!H1：「人均绿地」不是方案的指标"),
        ("unknown unit", "2023!A3：单位「440000000000」不在方案范围内"),
    ],
)
def test_a_bad_workbook_is_refused_naming_the_place(
    county_scheme, county_values, hq_admin, change, message
):
    units, values = county_values
    first = _rows(units, values[0])
    sheets = {"2023": first, "2024": _rows(units, values[1])}
    if change == "missing sheet":
        del sheets["2024"]
    elif change == "unknown indicator":
        for row in first:
            row.append("人均绿地" if row is first[0] else 1.0)
    else:
        first[2][0] = "440000000000"
    upload = SimpleUploadedFile("bad.xlsx", xlsx_bytes(sheets))
    with pytest.raises(InputError, match=message):
        run_request(
            user=hq_admin,
            scheme=county_scheme,
            periods=["2023", "2024"],
            source=Source.UPLOAD,
            upload=upload,
            enqueue=False,
        )
