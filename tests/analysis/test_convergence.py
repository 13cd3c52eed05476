"""σ- and β-convergence."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from baiqianwan import analysis as an
from tests.analysis.conftest import load_reference


def test_sigma_by_hand() -> None:
    y = np.array([[1.0, 3.0, 5.0], [2.0, 3.0, 4.0], [2.5, 3.0, 3.5]])
    result = an.sigma_convergence(y, times=[2020, 2021, 2022], measure="std")
    np.testing.assert_allclose(result.sigma, y.std(axis=1))
    assert result.converging and result.slope < 0
    cv = an.sigma_convergence(y)
    np.testing.assert_allclose(cv.sigma, y.std(axis=1) / 3.0)


def test_beta_by_hand_exact_convergence() -> None:
    # Growth that halves the log gap each period: ln y_T = 0.5 ln y_0 + c.
    y0 = np.array([1.0, 2.0, 4.0, 8.0])
    yt = np.exp(0.5 * np.log(y0) + 1.0)
    result = an.beta_convergence(np.stack([y0, yt]), growth="total")
    assert result.beta == pytest.approx(-0.5)
    assert result.r_squared == pytest.approx(1.0)
    assert result.speed == pytest.approx(np.log(2))
    assert result.half_life == pytest.approx(1.0)


def test_beta_mexico_matches_independent_ols() -> None:
    """Mexican states 1940-2000 (Rey & Sastré-Gutiérrez 2010 data): β < 0 (convergence)."""
    data = load_reference("mexico_state_gdp_per_capita_1940_2000.json")
    y = np.array(data["y"]).T
    result = an.beta_convergence(y, times=range(1940, 2010, 10))
    growth = np.log(y[-1] / y[0]) / 60
    fit = stats.linregress(np.log(y[0]), growth)
    assert result.beta == pytest.approx(fit.slope) and result.p_value == pytest.approx(fit.pvalue)
    assert result.converging
    sigma = an.sigma_convergence(y, times=range(1940, 2010, 10), measure="log_std")
    assert sigma.sigma[-1] < sigma.sigma[0]


def test_errors() -> None:
    with pytest.raises(an.AnalysisInputError, match="periods"):
        an.sigma_convergence([[1.0, 2.0, 3.0]])
    with pytest.raises(an.AnalysisInputError, match="increasing"):
        an.sigma_convergence([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]], times=[2021, 2020])
    with pytest.raises(an.AnalysisInputError, match="positive"):
        an.beta_convergence([[1.0, 0.0, 3.0], [1.0, 2.0, 3.0]])
    with pytest.raises(an.AnalysisInputError, match="positive"):
        an.sigma_convergence([[1.0, 0.0, 3.0], [1.0, 2.0, 3.0]], measure="log_std")
    frame = an.beta_convergence([[1.0, 2.0, 3.0], [2.0, 3.0, 3.5]]).to_frame()
    assert list(frame.columns) == ["initial_log", "growth"]


def test_sigma_random_against_loops() -> None:
    rng = np.random.default_rng(17)
    y = rng.lognormal(size=(6, 25))
    result = an.sigma_convergence(y, times=range(2019, 2025))
    cvs = []
    for row in y:
        mean = sum(row) / len(row)
        cvs.append((sum((v - mean) ** 2 for v in row) / len(row)) ** 0.5 / mean)
    np.testing.assert_allclose(result.sigma, cvs)
    assert result.slope == pytest.approx(stats.linregress(range(2019, 2025), cvs).slope)


# ------------------------------------------------------------- all-zero periods (issue 12)
# 2022 is all 0 (the indicator was not yet reported): its σ is 0, its CV 0/0.
WITH_ZERO_PERIOD = np.array([[2.0, 4.0, 6.0, 8.0], [0.0, 0.0, 0.0, 0.0], [3.0, 4.0, 5.0, 6.0]])


def test_sigma_refuses_an_all_zero_period_by_name_for_cv_and_logs() -> None:
    with pytest.raises(an.AnalysisInputError, match=r"period 2022: every value is 0.*CV"):
        an.sigma_convergence(WITH_ZERO_PERIOD, times=[2021, 2022, 2023])
    with pytest.raises(an.AnalysisInputError, match="unit 1 has 0 in period 2022"):
        an.sigma_convergence(WITH_ZERO_PERIOD, times=[2021, 2022, 2023], measure="log_std")
    # σ itself is defined (0), and the trend uses it as it is.
    std = an.sigma_convergence(WITH_ZERO_PERIOD, times=[2021, 2022, 2023], measure="std")
    np.testing.assert_allclose(std.sigma, WITH_ZERO_PERIOD.std(axis=1))
    assert std.sigma[1] == 0.0 and np.isfinite(std.slope)


def test_beta_uses_first_and_last_periods_only() -> None:
    # An all-zero middle period does not enter; an all-zero end does and is refused.
    result = an.beta_convergence(WITH_ZERO_PERIOD, times=[2021, 2022, 2023])
    ends = an.beta_convergence(WITH_ZERO_PERIOD[[0, 2]], times=[2021, 2023])
    assert result.beta == pytest.approx(ends.beta) and np.isfinite(result.beta)
    with pytest.raises(an.AnalysisInputError, match="positive levels"):
        an.beta_convergence(WITH_ZERO_PERIOD[:2])


def test_missing_value_is_named() -> None:
    with pytest.raises(an.AnalysisInputError, match="unit 3 in period 2"):
        an.sigma_convergence([[1.0, 2.0, 3.0], [1.0, 2.0, np.nan]])
