"""Coupling coordination (standard and revised) against published examples (numbers only).

Each example names its source; the tolerance follows the precision the result is published to.
"""

from __future__ import annotations

import numpy as np
import pytest

from baiqianwan import analysis as an
from tests.analysis.published import MATHMODELS_SYSTEM_EVALUATION

# zhjx19/mathmodels (R package) docs/reference/system_evaluation.md
# (commit 757a8748181c9f1596555deac6428d34c29b211b): the printed examples of
# coupling_degree() on three subsystems, with the standard formula and equal weights, and with
# type = "adjusted" (the revised C of Wang Shujia et al. 2021) and weights 0.4, 0.3, 0.3.
MATHMODELS_U = MATHMODELS_SYSTEM_EVALUATION
# columns: coupling C, coordination index T, coupling coordination D (tibble, 3 digits)
MATHMODELS_STANDARD = [
    [0.571, 0.185, 0.325],
    [0.867, 0.411, 0.597],
    [0.674, 0.394, 0.515],
    [0.967, 0.687, 0.815],
    [0.418, 0.370, 0.393],
    [0.971, 0.814, 0.889],
]
MATHMODELS_REVISED = [
    [0.447, 0.168, 0.274],
    [0.501, 0.388, 0.440],
    [0.455, 0.409, 0.432],
    [0.669, 0.686, 0.678],
    [0.175, 0.336, 0.242],
    [0.715, 0.832, 0.771],
]


def _ctd(result: an.CouplingResult) -> np.ndarray:
    return np.column_stack([result.coupling, result.development, result.coordination])


def test_coupling_standard_mathmodels_three_subsystems() -> None:
    """Printed to 3 decimals: tolerance 5e-4 (+ float slack)."""
    result = an.coupling_coordination(MATHMODELS_U)
    np.testing.assert_allclose(_ctd(result), MATHMODELS_STANDARD, rtol=0, atol=5.1e-4)


def test_coupling_revised_mathmodels_three_subsystems() -> None:
    """Printed to 3 decimals: tolerance 5e-4 (+ float slack)."""
    result = an.coupling_coordination(MATHMODELS_U, alpha=[0.4, 0.3, 0.3], variant="revised")
    np.testing.assert_allclose(_ctd(result), MATHMODELS_REVISED, rtol=0, atol=5.1e-4)


# 王淑佳, 孔伟, 任亮, 治丹丹, 戴彬婷 (2021). 国内耦合协调度模型的误区及修正. 自然资源学报 36(3),
# 793-810, doi:10.31497/zrzyxb.20210319, 表8 (jnr.ac.cn .../1000-3037-36-3-793/T7.html): the
# ecology-economy C of 13 Beijing-Tianjin-Hebei cities by the original model (first row of
# each year) and the modified model (second row), 2008-2014, 4 decimals. The paper does not
# print the subsystem levels U1, U2, so this is a consistency check, not a reproduction: for two
# subsystems the original C fixes the ratio r = min/max (C = 2√r/(1+r)), and Eq. (21),
# C' = √[(1 - |U1 - U2|)·r], then fixes U_max; the published pair is consistent with Eq. (21)
# exactly when that U_max lies in (0, 1], and (U_max, r·U_max) then reproduces both C values.
CITIES = ["北京", "天津", "石家庄", "唐山", "秦皇岛", "邯郸", "邢台", "保定", "张家口", "承德"]
CITIES += ["沧州", "廊坊", "衡水"]
# year, then C of the 13 cities; first line original model, second line modified model
TABLE8_TEXT = """
2008 0.9989 0.9935 0.8868 0.9073 0.6821 0.8328 0.6816 0.7789 0.6871 0.6101 0.8017 0.7867 0.7191
2008 0.9404 0.8660 0.5440 0.5769 0.3006 0.4780 0.3344 0.4171 0.3278 0.2700 0.4374 0.4196 0.3738
2009 0.9984 0.9997 0.8912 0.9079 0.6790 0.8114 0.6839 0.7786 0.7180 0.6377 0.8018 0.7587 0.7396
2009 0.9238 0.9675 0.5435 0.5716 0.2946 0.4445 0.3224 0.4117 0.3533 0.2731 0.4352 0.3821 0.3906
2010 0.9999 0.9920 0.9071 0.9224 0.6957 0.8309 0.7044 0.7992 0.7556 0.6212 0.8277 0.7707 0.7109
2010 0.9835 0.8497 0.5659 0.5942 0.3041 0.4593 0.3385 0.4245 0.3857 0.2533 0.4574 0.3908 0.3529
2011 0.9939 0.9848 0.9373 0.9468 0.7446 0.8488 0.7437 0.8114 0.7806 0.6469 0.8601 0.8162 0.7560
2011 0.8485 0.7896 0.6271 0.6503 0.3454 0.4767 0.3720 0.4332 0.4123 0.2600 0.4994 0.4361 0.3951
2012 0.9992 0.9913 1.0000 0.9276 0.6720 0.8527 0.7674 0.8211 0.7859 0.6561 0.8749 0.8133 0.7577
2012 0.9445 0.8342 0.9949 0.5937 0.2497 0.4816 0.3967 0.4433 0.4134 0.2615 0.5164 0.4243 0.3931
2013 0.9858 0.9280 0.9867 0.9866 0.7442 0.9215 0.8259 0.8680 0.7819 0.6619 0.9183 0.9025 0.7773
2013 0.7757 0.5868 0.8169 0.8135 0.3519 0.6125 0.4721 0.5160 0.4043 0.2746 0.6006 0.5692 0.4184
2014 0.9942 0.9488 0.9834 0.9815 0.6713 0.8995 0.8283 0.8917 0.7556 0.6955 0.9270 0.9064 0.8257
2014 0.8523 0.6353 0.7939 0.7829 0.2532 0.5627 0.4708 0.5540 0.3797 0.3067 0.6191 0.5750 0.4723
"""
_ROWS = np.array([line.split() for line in TABLE8_TEXT.strip().splitlines()], dtype=float)
TABLE8_YEARS = _ROWS[0::2, 0].astype(int)
TABLE8_ORIGINAL = _ROWS[0::2, 1:]
TABLE8_MODIFIED = _ROWS[1::2, 1:]
TABLE8 = [
    pytest.param(original, modified, id=f"{year}-{city}")
    for year, originals, modifieds in zip(
        TABLE8_YEARS, TABLE8_ORIGINAL, TABLE8_MODIFIED, strict=True
    )
    for city, original, modified in zip(CITIES, originals, modifieds, strict=True)
    if original < 0.9995  # C = 1.0000 (石家庄 2012) leaves U_max undetermined
]


@pytest.mark.parametrize(("original", "modified"), TABLE8)
def test_coupling_revised_consistent_with_wang_2021_table8(
    original: float, modified: float
) -> None:
    """Both C published to 4 decimals: tolerance 5e-5 (+ float slack) on each."""
    root = (1 - np.sqrt(1 - original**2)) / original  # √r from C = 2√r/(1+r)
    ratio = root**2
    top = (1 - modified**2 / ratio) / (1 - ratio)  # from C'² = (1 - U_max(1 - r))·r
    assert 0 < top <= 1
    U = [top, ratio * top]
    standard = an.coupling_coordination(U)
    revised = an.coupling_coordination(U, variant="revised")
    np.testing.assert_allclose(standard.coupling, original, rtol=0, atol=5.1e-5)
    np.testing.assert_allclose(revised.coupling, modified, rtol=0, atol=5.1e-5)


def test_wang_2021_table8_rules_out_the_product_over_max_reading() -> None:
    """Eq. (21) read as (ΠU_i / max U_i)^(1/(n-1)) instead of Π(U_i / max U_i) cannot give
    北京 2008: with n = 2 it is √[(1 - |U1 - U2|)·U_min], at most √(r·(1 - (1 - r)·u)·u) over
    u = U_max in (0, 1], which stays below the published 0.9404; the ratio reading of our
    implementation is the one Table 8 admits."""
    original, modified = 0.9989, 0.9404
    ratio = ((1 - np.sqrt(1 - original**2)) / original) ** 2
    u = np.linspace(1e-6, 1, 100_001)
    best = np.sqrt((1 - (1 - ratio) * u) * ratio * u).max()
    assert best < modified - 0.01
