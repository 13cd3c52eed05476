"""Chinese number formatting: hand-made cases, properties (Hypothesis), and the page's
JavaScript giving the same text as the server for the same values."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from baiqianwan.cockpit.numbers import MISSING, grouped, measure_split, number_cn

NUMBERS_JS = (
    Path(__file__).resolve().parents[2] / "src/baiqianwan/cockpit/static/cockpit/numbers.js"
)


@pytest.mark.parametrize(
    ("value", "measure", "decimals", "shown"),
    [
        (12_345_678, "元", None, "1234.6 万元"),
        (3.2e8, "元", None, "3.2 亿元"),
        (320_000_000, "", None, "3.2 亿"),
        (35.249, "%", None, "35.2%"),
        (35.25, "%", 2, "35.3%"),  # a percentage always has one decimal
        (24_516, "元", 0, "24,516 元"),
        (99_999, "元", 0, "99,999 元"),
        (100_000, "元", 0, "10.0 万元"),
        (1.8345, "", 2, "1.83"),
        (15, "万元", 2, "15.0 万元"),
        (9.5, "万元", 2, "9.50 万元"),
        (27_925.1, "万元", 2, "2.8 亿元"),
        (2_792.51, "亿元", 2, "2792.5 亿元"),
        (123_456.7, "亿元", 2, "123,456.7 亿元"),
        (79.75, "万人", 2, "79.8 万人"),
        (2.5, "", 0, "3"),  # half away from zero, as JavaScript's toFixed
        (-2.5, "", 0, "-3"),
        (-1_234_567, "元", None, "-123.5 万元"),
        (250_000, "元/人", 0, "250,000 元/人"),  # a rate is never scaled
        (0.0, "", None, "0"),
        (-0.0, "%", None, "0.0%"),
    ],
)
def test_hand_made_cases(value, measure, decimals, shown):  # type: ignore[no-untyped-def]
    assert number_cn(value, measure, decimals) == shown


@pytest.mark.parametrize("value", [None, math.nan, math.inf, -math.inf])
def test_no_value_is_a_dash(value):  # type: ignore[no-untyped-def]
    assert number_cn(value, "元") == MISSING


def test_measure_split():  # type: ignore[no-untyped-def]
    assert measure_split("万元") == (10_000.0, "元")
    assert measure_split("亿元") == (100_000_000.0, "元")
    assert measure_split("元") == (1.0, "元")
    assert measure_split("万") == (1.0, "万")


def _read_back(text: str, measure: str) -> float:
    """The number a reader takes from `text`, in `measure`."""
    number, _space, unit = text.partition(" ")
    value = float(number.replace(",", "").rstrip("%"))
    multiple, _base = measure_split(measure)
    scale = {"万": 1e4, "亿": 1e8}.get(unit[:1], 1.0) if unit != measure else multiple
    return value * scale / multiple


amounts = st.floats(min_value=-1e14, max_value=1e14, allow_nan=False)
measures = st.sampled_from(["元", "万元", "亿元", "万人", "人", "", "个"])


@given(value=amounts, measure=measures, decimals=st.integers(0, 3))
def test_reads_back_within_its_last_digit(value, measure, decimals):  # type: ignore[no-untyped-def]
    text = number_cn(value, measure, decimals)
    assert "e" not in text.lower()
    back = _read_back(text, measure)
    multiple, _base = measure_split(measure)
    amount = abs(value * multiple)
    if amount >= 1e8:
        step = 1e8 * 0.1 / multiple
    elif amount >= 1e5:
        step = 1e4 * 0.1 / multiple
    else:
        step = 10.0**-decimals
    assert abs(back - value) <= step / 2 + 1e-9 * max(1.0, abs(value))


@given(value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_percent_has_one_decimal(value):  # type: ignore[no-untyped-def]
    text = number_cn(value, "%")
    assert text.endswith("%")
    assert len(text.rstrip("%").partition(".")[2]) == 1


@given(whole=st.integers(min_value=-(10**15), max_value=10**15))
def test_separators_group_by_three(whole):  # type: ignore[no-untyped-def]
    text = grouped(str(whole))
    assert text.replace(",", "") == str(whole)
    groups = text.lstrip("-").split(",")
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3


def test_the_page_formats_as_the_server_does(tmp_path):  # type: ignore[no-untyped-def]
    node = shutil.which("node")
    assert node, "node is needed (make setup installs the front-end packages with it)"
    rng = np.random.default_rng(2025)
    magnitudes = 10.0 ** rng.uniform(-3, 13, 1500)
    signed = magnitudes * rng.choice([-1, 1], 1500)
    values = [
        round(float(v), int(d)) for v, d in zip(signed, rng.integers(0, 4, 1500), strict=True)
    ]
    cases = [
        [float(v), m, d]
        for v, m, d in zip(
            [*values, 2.5, 0.125, 1e5, 99_999.95, 1e8 - 1],
            rng.choice(["元", "万元", "亿元", "%", "", "万人", "元/人"], 1505).tolist(),
            [None if d < 0 else int(d) for d in rng.integers(-1, 4, 1505)],
            strict=True,
        )
    ]
    (tmp_path / "cases.json").write_text(json.dumps(cases), encoding="utf-8")
    script = (
        f"const n = require({json.dumps(str(NUMBERS_JS))});"
        f"const cases = require({json.dumps(str(tmp_path / 'cases.json'))});"
        "console.log(JSON.stringify(cases.map(c => n.numberCn(c[0], c[1], c[2]))));"
    )
    result = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True)
    from_page = json.loads(result.stdout)
    from_server = [number_cn(v, m, d) for v, m, d in cases]
    differ = [(c, p, s) for c, p, s in zip(cases, from_page, from_server, strict=True) if p != s]
    assert not differ, differ[:5]


def test_the_template_filter_formats_the_same_way():  # type: ignore[no-untyped-def]
    from django.template import Context, Template

    shown = Template('{% load cockpit %}{{ gdp|number_cn:"元" }} · {{ share|number_cn:"%" }}')
    assert shown.render(Context({"gdp": 12_345_678, "share": 35.25})) == "1234.6 万元 · 35.3%"
