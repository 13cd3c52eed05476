"""Convergence of regional development: σ-convergence and absolute β-convergence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from baiqianwan.analysis._validation import AnalysisInputError, as_float_array, choice

if TYPE_CHECKING:
    import pandas as pd


def _panel(
    y: ArrayLike, times: ArrayLike | None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    values = as_float_array(y, name="y", min_ndim=2)
    if values.ndim != 2 or values.shape[0] < 2 or values.shape[1] < 3:
        raise AnalysisInputError("y must be (periods ≥ 2, units ≥ 3)")
    if not np.all(np.isfinite(values)):
        period, unit = (int(i) for i in np.argwhere(~np.isfinite(values))[0])
        raise AnalysisInputError(
            f"y has a missing value: unit {unit + 1} in period {period + 1}; convergence needs"
            " a balanced panel, so fill it or leave the unit out"
        )
    t = (
        np.arange(values.shape[0], dtype=float)
        if times is None
        else as_float_array(times, name="times")
    )
    if t.shape != (values.shape[0],) or (np.diff(t) <= 0).any():
        raise AnalysisInputError("times must be increasing, one per period")
    return values, t


@dataclass(frozen=True, eq=False)
class SigmaResult:
    """Dispersion per period and its linear trend (slope < 0: σ-convergence)."""

    sigma: NDArray[np.float64]
    times: NDArray[np.float64]
    slope: float
    intercept: float
    p_value: float
    converging: bool
    measure: str

    def to_frame(self) -> pd.DataFrame:
        """One row per period: time and dispersion; the trend in ``attrs``."""
        import pandas as pd

        frame = pd.DataFrame({"time": self.times, "sigma": self.sigma})
        frame.attrs.update(slope=self.slope, p_value=self.p_value, converging=self.converging)
        return frame


def sigma_convergence(
    y: ArrayLike,
    *,
    times: ArrayLike | None = None,
    measure: Literal["cv", "std", "log_std"] = "cv",
    ddof: int = 0,
) -> SigmaResult:
    """σ-convergence: does the dispersion of units shrink over time?

    Parameters
    ----------
    y : array_like (periods, units)
    times : array_like (periods,), optional
        E.g. years; default 0, 1, 2, ...
    measure : {"cv", "std", "log_std"}
        Coefficient of variation (default; comparable across price levels), standard
        deviation, or standard deviation of ln y (Barro & Sala-i-Martin; needs y > 0).

    Notes
    -----
    :math:`\\sigma_t` per period, then the OLS trend :math:`\\sigma_t = a + b t`   (30);
    ``converging`` is b < 0 (see ``p_value`` for its significance).

    Edge cases: a period whose values are all 0 (an indicator not yet reported) has σ = 0,
    which ``"std"`` uses as it is; its CV is 0/0 and its logarithm undefined, so ``"cv"`` and
    ``"log_std"`` refuse it, naming the period: unlike :func:`~baiqianwan.analysis.cv`, which
    reports such a period as 0 and flags it, a single trend through a made-up point would
    change the slope of every other period. Missing values are refused (no NaN anywhere).

    References
    ----------
    Barro, R. J. & Sala-i-Martin, X. (1992). Convergence. *J. Political Economy* 100(2),
    223-251. Sala-i-Martin, X. (1996). The classical approach to convergence analysis.
    *Economic Journal* 106(437), 1019-1036.
    """
    from scipy.stats import linregress

    choice(measure, ("cv", "std", "log_std"), name="measure")
    values, t = _panel(y, times)
    if measure == "log_std":
        if (values <= 0).any():
            period, unit = (int(i) for i in np.argwhere(values <= 0)[0])
            raise AnalysisInputError(
                f"measure='log_std' needs positive values: unit {unit + 1} has"
                f" {values[period, unit]:g} in period {t[period]:g}"
            )
        sigma = np.log(values).std(axis=1, ddof=ddof)
    else:
        sigma = values.std(axis=1, ddof=ddof)
        if measure == "cv":
            mean = values.mean(axis=1)
            if (mean == 0).any():
                period = int(np.argmax(mean == 0))
                what = "every value is 0" if not values[period].any() else "the mean is 0"
                raise AnalysisInputError(
                    f"period {t[period]:g}: {what}, so its CV is undefined (0/0) and a trend"
                    " through it would be made up; leave the period out or use measure='std'"
                )
            sigma = sigma / mean
    fit = linregress(t, sigma)
    return SigmaResult(
        sigma=sigma,
        times=t,
        slope=float(fit.slope),
        intercept=float(fit.intercept),
        p_value=float(fit.pvalue),
        converging=bool(fit.slope < 0),
        measure=measure,
    )


@dataclass(frozen=True, eq=False)
class BetaResult:
    """Absolute β-convergence regression of growth on the initial level, with its fit."""

    beta: float
    intercept: float
    r_squared: float
    p_value: float
    stderr: float
    speed: float
    half_life: float
    converging: bool
    growth: NDArray[np.float64]
    initial_log: NDArray[np.float64]

    def to_frame(self, *, units: Sequence[Any] | None = None) -> pd.DataFrame:
        """One row per unit: ln y0 and growth; the fit in ``attrs``."""
        import pandas as pd

        index = pd.Index(
            list(units) if units is not None else range(1, self.growth.size + 1), name="unit"
        )
        frame = pd.DataFrame({"initial_log": self.initial_log, "growth": self.growth}, index=index)
        frame.attrs.update(beta=self.beta, p_value=self.p_value, r_squared=self.r_squared)
        return frame


def beta_convergence(
    y: ArrayLike,
    *,
    times: ArrayLike | None = None,
    growth: Literal["annual", "total"] = "annual",
) -> BetaResult:
    """Absolute β-convergence: do units that start lower grow faster?

    Parameters
    ----------
    y : array_like (periods, units)
        Positive levels (e.g. per-capita income); the first and last periods are used.
    times : array_like (periods,), optional
        Years; the span is T = times[-1] - times[0] (default periods - 1).
    growth : {"annual", "total"}
        Growth as :math:`\\ln(y_T/y_0)/T` (default) or :math:`\\ln(y_T/y_0)`.

    Notes
    -----
    .. math::

        g_i = \\alpha + \\beta \\ln y_{i0} + \\varepsilon_i                \\quad (31)

        \\theta = -\\ln(1 + \\beta T)/T, \\qquad \\text{half-life} = \\ln 2/\\theta   \\quad (32)

    (with total growth, :math:`\\theta = -\\ln(1 + \\beta)/T`). β < 0 means convergence;
    ``p_value`` is the two-sided OLS test of β = 0. θ is NaN when :math:`1 + \\beta T \\le 0`.

    References
    ----------
    Barro, R. J. & Sala-i-Martin, X. (1992). Convergence. *J. Political Economy* 100(2),
    223-251.
    """
    from scipy.stats import linregress

    choice(growth, ("annual", "total"), name="growth")
    values, t = _panel(y, times)
    if (values[[0, -1]] <= 0).any():
        raise AnalysisInputError("β-convergence needs positive levels in the first and last period")
    span = float(t[-1] - t[0])
    initial_log = np.log(values[0])
    g = np.log(values[-1] / values[0])
    if growth == "annual":
        g = g / span
    fit = linregress(initial_log, g)
    beta = float(fit.slope)
    factor = 1 + beta * span if growth == "annual" else 1 + beta
    speed = float(-np.log(factor) / span) if factor > 0 else float("nan")
    return BetaResult(
        beta=beta,
        intercept=float(fit.intercept),
        r_squared=float(fit.rvalue**2),
        p_value=float(fit.pvalue),
        stderr=float(fit.stderr),
        speed=speed,
        half_life=float(np.log(2) / speed) if speed > 0 else float("inf"),
        converging=beta < 0,
        growth=g,
        initial_log=initial_log,
    )
