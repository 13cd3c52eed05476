"""Balance (均衡) of development: Theil T and L with group decomposition, Gini, CV, ratios.

Values lie on the last axis (units); leading axes are periods and are handled at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from baiqianwan.analysis._validation import AnalysisInputError, as_float_array, choice, label

if TYPE_CHECKING:
    import pandas as pd


def _values(
    y: ArrayLike, *, name: str = "y", units: Sequence[Any] | None = None
) -> NDArray[np.float64]:
    values = as_float_array(y, name=name)
    if not np.all(np.isfinite(values)):
        where = _where(np.argwhere(~np.isfinite(values))[0], units)
        raise AnalysisInputError(f"{name} has a missing or infinite value at {where}")
    if (values < 0).any():
        raise AnalysisInputError(f"{name} must be non-negative")
    return values


def _where(position: ArrayLike, units: Sequence[Any] | None) -> str:
    """'unit 'A' (period 2)' for an index into (..., units)."""
    *lead, unit = (int(i) for i in np.asarray(position).ravel())
    where = f"unit {label(units, unit, 'unit')}"
    if lead:
        where += f" (period {', '.join(str(i + 1) for i in lead)})"
    return where


def _drop_missing(
    y: ArrayLike,
    weights: ArrayLike | None,
    groups: ArrayLike | None,
    missing: str,
) -> tuple[ArrayLike, ArrayLike | None, ArrayLike | None]:
    """With ``missing="drop"``, remove units with a missing value (in any period)."""
    choice(missing, ("raise", "drop"), name="missing")
    values = as_float_array(y, name="y")
    if missing == "raise" or np.isfinite(values).all():
        return y, weights, groups
    keep = np.isfinite(values).reshape(-1, values.shape[-1]).all(axis=0)
    if keep.sum() < 2:
        raise AnalysisInputError("fewer than 2 units are left after dropping missing values")
    kept_weights = None
    if weights is not None:
        w = np.broadcast_to(as_float_array(weights, name="population"), values.shape)
        kept_weights = w[..., keep]
    kept_groups = None if groups is None else np.asarray(groups)[keep]
    return values[..., keep], kept_weights, kept_groups


def _population(population: ArrayLike | None, shape: tuple[int, ...]) -> NDArray[np.float64]:
    if population is None:
        return np.ones(shape)
    weights = _values(population, name="population")
    if (weights <= 0).any():
        raise AnalysisInputError("population weights must be positive")
    try:
        return np.broadcast_to(weights, shape)
    except ValueError:
        raise AnalysisInputError(
            f"population of shape {weights.shape} does not fit {shape}"
        ) from None


def group_codes(groups: ArrayLike, n: int) -> tuple[NDArray[np.intp], NDArray[Any]]:
    """Integer codes 0..G-1 of a (units,) label array, and the labels in code order."""
    labels = np.asarray(groups)
    if labels.shape != (n,):
        raise AnalysisInputError(f"groups must have one label per unit ({n}), not {labels.shape}")
    uniques, codes = np.unique(labels, return_inverse=True)
    return codes.astype(np.intp), uniques


def group_sum(
    values: NDArray[np.float64], codes: NDArray[np.intp], count: int
) -> NDArray[np.float64]:
    """Sums of the last axis by group code, vectorised over leading axes: (..., groups)."""
    lead, n = values.shape[:-1], values.shape[-1]
    rows = int(np.prod(lead))
    index = codes[None, :] + count * np.arange(rows)[:, None]
    sums = np.bincount(
        index.ravel(), weights=values.reshape(rows, n).ravel(), minlength=rows * count
    )
    return sums.reshape((*lead, count))


def _xlogx_ratio(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """a·ln(a/b) with 0·ln 0 = 0."""
    positive = a > 0
    return np.where(
        positive, a * np.log(np.where(positive, a, 1.0) / np.where(positive, b, 1.0)), 0.0
    )


@dataclass(frozen=True, eq=False)
class TheilResult:
    """Theil index with its between/within decomposition.

    Attributes
    ----------
    total, between, within : ndarray (...)
        The index, its between-group part and its within-group part (total = between + within).
    group_index : ndarray (..., groups)
        The index computed inside each group.
    income_share, population_share : ndarray (..., groups)
        S_g and P_g.
    contribution : ndarray (..., groups)
        Each group's within part over the total (S_g·T_g/T or P_g·L_g/L); together with
        ``between_contribution`` it sums to 1.
    between_contribution : ndarray (...)
    groups : ndarray
        Group labels in the order of the group axis (empty without groups).
    all_zero : ndarray of bool (...)
        Periods in which every value is 0: every index there is 0 by convention (see
        :func:`theil`), so a report can say "no values" rather than "perfect balance".
    """

    total: NDArray[np.float64]
    between: NDArray[np.float64]
    within: NDArray[np.float64]
    group_index: NDArray[np.float64]
    income_share: NDArray[np.float64]
    population_share: NDArray[np.float64]
    contribution: NDArray[np.float64]
    between_contribution: NDArray[np.float64]
    groups: NDArray[Any]
    index: str
    weighted: bool
    all_zero: NDArray[np.bool_]

    def to_frame(self, *, periods: Sequence[Any] | None = None) -> pd.DataFrame:
        """One row per (period and) group with its index, shares and contribution, plus rows
        ``between`` and ``total``."""
        import pandas as pd

        lead = self.total.shape
        count = int(np.prod(lead))
        period_labels = list(periods) if periods is not None else list(range(1, count + 1))
        frames = []
        for position, period in enumerate(period_labels):
            g = self.group_index.reshape(count, -1)[position]
            frame = pd.DataFrame(
                {
                    "index": g,
                    "income_share": self.income_share.reshape(count, -1)[position],
                    "population_share": self.population_share.reshape(count, -1)[position],
                    "contribution": self.contribution.reshape(count, -1)[position],
                },
                index=pd.Index([str(x) for x in self.groups], name="group"),
            )
            extra = pd.DataFrame(
                {
                    "index": [self.between.reshape(-1)[position], self.total.reshape(-1)[position]],
                    "contribution": [self.between_contribution.reshape(-1)[position], 1.0],
                },
                index=pd.Index(["between", "total"], name="group"),
            )
            frames.append(pd.concat([frame, extra]).assign(period=period))
        result = pd.concat(frames).set_index("period", append=True)
        return result.reorder_levels(["period", "group"]) if lead else result.droplevel("period")


def theil(
    y: ArrayLike,
    *,
    population: ArrayLike | None = None,
    groups: ArrayLike | None = None,
    index: Literal["T", "L"] = "T",
    missing: Literal["raise", "drop"] = "raise",
    units: Sequence[Any] | None = None,
) -> TheilResult:
    """Theil index T (GE(1)) or L (GE(0), mean log deviation), with group decomposition.

    Parameters
    ----------
    y : array_like (..., units)
        Per-capita values (income, GDP per head, a composite score), non-negative.
    population : array_like (units,) or (..., units), optional
        Population of each unit: the population-weighted index for per-capita data. Without
        it every unit counts once (pysal's ``Theil``).
    groups : array_like (units,), optional
        Group label of each unit (county of a village, county of a town) for the
        between/within decomposition.
    index : {"T", "L"}
        ``"T"`` (default), Eq. (23); ``"L"``, Eq. (24).
    missing : {"raise", "drop"}
        A missing value raises naming the unit (labels from `units`), or ``"drop"`` removes
        units with a missing value in any period (with their population and group).

    Notes
    -----
    With income shares :math:`s_i = P_i y_i / \\sum_k P_k y_k` and population shares
    :math:`p_i = P_i / \\sum_k P_k` (:math:`P_i = 1` unweighted), and group totals
    :math:`S_g, P_g`:

    .. math::

        T = \\sum_i s_i \\ln(s_i/p_i)
          = \\underbrace{\\sum_g S_g \\ln(S_g/P_g)}_{between}
          + \\underbrace{\\sum_g S_g T_g}_{within}                         \\quad (23)

        L = \\sum_i p_i \\ln(p_i/s_i)
          = \\sum_g P_g \\ln(P_g/S_g) + \\sum_g P_g L_g                      \\quad (24)

    Edge cases: zeros are allowed in T (0 ln 0 = 0) but make L infinite, so L rejects them
    (naming the unit). A group whose values are all 0 (a county whose villages all report 0)
    has :math:`S_g = 0`, so its term :math:`S_g T_g` is 0 whatever :math:`T_g` is; its
    :math:`T_g` (0/0 in Eq. 23) is set to 0, the index of a group of equal values, and its
    contribution is 0. A period whose values are all 0 is that group alone: every index, share
    and contribution of the period is 0 and ``all_zero`` marks it. Without groups the between
    part is 0 and the one group is everything.

    References
    ----------
    Theil, H. (1967). *Economics and Information Theory*. North-Holland.
    Shorrocks, A. F. (1980). The class of additively decomposable inequality measures.
    *Econometrica* 48(3), 613-625.
    Rey, S. J. & Sastré-Gutiérrez, M. L. (2010). Interregional inequality dynamics in Mexico.
    *Spatial Economic Analysis* 5(3), 277-298 (pysal ``inequality.theil``; tests reproduce it).
    """
    choice(index, ("T", "L"), name="index")
    y, population, groups = _drop_missing(y, population, groups, missing)
    values = _values(y, units=units)
    n = values.shape[-1]
    weights = _population(population, values.shape)
    income = weights * values
    income_total = income.sum(axis=-1, keepdims=True)
    all_zero = income_total[..., 0] <= 0
    if index == "L" and (values == 0).any():
        where = _where(np.argwhere(values == 0)[0], units)
        raise AnalysisInputError(f"Theil L is infinite when a unit has 0 ({where}); use index='T'")
    s = income / np.where(income_total > 0, income_total, 1.0)  # an all-zero period: s = 0
    p = weights / weights.sum(axis=-1, keepdims=True)
    if groups is None:
        codes, labels = np.zeros(n, dtype=np.intp), np.array(["all"])
    else:
        codes, labels = group_codes(groups, n)
    count = len(labels)
    big_s, big_p = group_sum(s, codes, count), group_sum(p, codes, count)
    if index == "T":
        terms, outer, inner = _xlogx_ratio(s, p), big_s, big_p
    else:
        terms, outer, inner = _xlogx_ratio(p, s), big_p, big_s
    group_terms = group_sum(terms, codes, count)
    between_terms = _xlogx_ratio(outer, inner)
    # T_g or L_g; a group with no income (S_g = 0, only in T) has index 0, not 0/0.
    has = outer > 0
    safe_outer = np.where(has, outer, 1.0)
    group_index = np.where(has, group_terms / safe_outer - np.log(safe_outer / inner), 0.0)
    total = terms.sum(axis=-1)
    between = between_terms.sum(axis=-1) if groups is not None else np.zeros(total.shape)
    within_parts = outer * group_index
    safe_total = np.where(total > 0, total, 1.0)
    return TheilResult(
        total=total,
        between=between,
        within=within_parts.sum(axis=-1),
        group_index=group_index,
        income_share=big_s,
        population_share=big_p,
        contribution=np.where(total[..., None] > 0, within_parts / safe_total[..., None], 0.0),
        between_contribution=np.where(total > 0, between / safe_total, 0.0),
        groups=labels,
        index=index,
        weighted=population is not None,
        all_zero=all_zero,
    )


@dataclass(frozen=True, eq=False)
class GiniResult:
    """Gini coefficient with the Lorenz curve points (population and income shares).

    Attributes
    ----------
    gini : ndarray (...)
        G per period.
    lorenz_population, lorenz_income : ndarray (..., units + 1)
        The Lorenz curve from (0, 0) to (1, 1).
    corrected : bool
        Whether the n/(n-1) correction was applied.
    all_zero : ndarray of bool (...)
        Periods in which every value is 0 (G = 0 by convention, see :func:`gini`).
    groups : ndarray
        Group labels in the order of the group axis (empty without groups).
    group_gini : ndarray (..., groups) or None
        G inside each group; None without groups.
    """

    gini: NDArray[np.float64]
    lorenz_population: NDArray[np.float64]
    lorenz_income: NDArray[np.float64]
    corrected: bool
    all_zero: NDArray[np.bool_]
    groups: NDArray[Any]
    group_gini: NDArray[np.float64] | None

    def to_frame(self, *, periods: Sequence[Any] | None = None) -> pd.DataFrame:
        """One row per period with the Gini coefficient."""
        import pandas as pd

        values = np.atleast_1d(self.gini).reshape(-1)
        labels = list(periods) if periods is not None else list(range(1, values.size + 1))
        return pd.DataFrame({"gini": values}, index=pd.Index(labels, name="period"))

    def group_frame(self, *, periods: Sequence[Any] | None = None) -> pd.DataFrame:
        """One row per (period and) group with its Gini coefficient."""
        if self.group_gini is None:
            raise AnalysisInputError("computed without groups: pass groups= to gini()")
        return _group_frame({"gini": self.group_gini}, self.groups, periods)


def gini(
    y: ArrayLike,
    *,
    weights: ArrayLike | None = None,
    groups: ArrayLike | None = None,
    correction: bool = False,
    missing: Literal["raise", "drop"] = "raise",
    units: Sequence[Any] | None = None,
) -> GiniResult:
    """Gini coefficient, population form, for individual or grouped (weighted) data.

    Parameters
    ----------
    y : array_like (..., units)
        Non-negative values (individual units, or group means for grouped data).
    weights : array_like, optional
        Population (frequency) of each value: grouped data, or per-capita data by unit.
    groups : array_like (units,), optional
        Group label of each unit (the county of a village): G is also computed inside each
        group (``group_gini``), by Eq. (25) on the group's units alone.
    correction : bool
        Multiply by n/(n-1) (n = number of values, in a group the group's), the small-sample
        (sample) form.
    missing : {"raise", "drop"}
        As in :func:`theil`.

    Notes
    -----
    .. math::

        G = \\frac{\\sum_i\\sum_j w_i w_j |y_i - y_j|}{2 W^2 \\mu}
          = 1 - \\sum_i (F_i - F_{i-1})(L_i + L_{i-1})                     \\quad (25)

    where :math:`F` and :math:`L` are the cumulative population and income shares of the
    values sorted ascending (the Lorenz curve); unweighted :math:`w_i = 1`.

    Edge cases: values all 0 make Eq. (25) 0/0 (μ = 0); such a period, or such a group (a
    county whose villages all report 0), gets G = 0, the coefficient of equal values, and
    its Lorenz curve is the line of equality; ``all_zero`` marks the periods. One unit gives 0
    (and raises with ``correction``, as does a one-unit group).

    References
    ----------
    Gini, C. (1912). *Variabilità e mutabilità*. Bologna.
    Lambert, P. J. (2001). *The Distribution and Redistribution of Income*, 3rd ed., ch. 2.
    pysal ``inequality.gini.Gini`` (Mexico 1940: 0.35372, reproduced in the tests).
    """
    y, weights, groups = _drop_missing(y, weights, groups, missing)
    values = _values(y, units=units)
    n = values.shape[-1]
    w = _population(weights, values.shape)
    order = np.argsort(values, axis=-1, kind="stable")
    ys = np.take_along_axis(values, order, axis=-1)
    ws = np.take_along_axis(np.asarray(w), order, axis=-1)
    income = np.cumsum(ys * ws, axis=-1)
    all_zero = income[..., -1] <= 0
    big_f = np.cumsum(ws, axis=-1) / ws.sum(axis=-1, keepdims=True)
    total = np.where(all_zero, 1.0, income[..., -1])[..., None]
    big_l = np.where(all_zero[..., None], big_f, income / total)  # all 0: the equality line
    zero = np.zeros((*values.shape[:-1], 1))
    f_prev = np.concatenate([zero, big_f[..., :-1]], axis=-1)
    l_prev = np.concatenate([zero, big_l[..., :-1]], axis=-1)
    g = 1.0 - ((big_f - f_prev) * (big_l + l_prev)).sum(axis=-1)  # Eq. (25)
    g = np.where(all_zero, 0.0, g)
    if correction:
        if n < 2:
            raise AnalysisInputError("the n/(n-1) correction needs at least 2 values")
        g = g * n / (n - 1)
    labels: NDArray[Any] = np.array([])
    group_g = None
    if groups is not None:
        codes, labels = group_codes(groups, n)
        group_g = _group_gini(values, np.asarray(w), codes, len(labels))
        if correction:
            sizes = np.bincount(codes, minlength=len(labels))
            if (sizes < 2).any():
                alone = labels[int(np.argmax(sizes < 2))]
                raise AnalysisInputError(
                    f"group {str(alone)!r} has one unit: the n/(n-1) correction needs at least 2"
                )
            group_g = group_g * sizes / (sizes - 1)
    return GiniResult(
        gini=g,
        lorenz_population=np.concatenate([zero, big_f], axis=-1),
        lorenz_income=np.concatenate([zero, big_l], axis=-1),
        corrected=correction,
        all_zero=all_zero,
        groups=labels,
        group_gini=group_g,
    )


def _group_gini(
    values: NDArray[np.float64], w: NDArray[np.float64], codes: NDArray[np.intp], count: int
) -> NDArray[np.float64]:
    """Eq. (25) inside each group at once: (..., groups); an all-zero group gets 0.

    Units are sorted by group, then by value within the group (two stable sorts), so each
    group occupies the same run of positions in every period and its Lorenz curve is the
    running income minus the income before the run.
    """
    by_value = np.argsort(values, axis=-1, kind="stable")
    order = np.take_along_axis(by_value, np.argsort(codes[by_value], axis=-1, kind="stable"), -1)
    sorted_codes = np.sort(codes, kind="stable")
    income = np.take_along_axis(values * w, order, axis=-1)
    ws = np.take_along_axis(np.broadcast_to(w, values.shape), order, axis=-1)
    group_income = group_sum(income, sorted_codes, count)
    group_w = group_sum(ws, sorted_codes, count)
    running = np.cumsum(income, axis=-1)
    before = np.concatenate([np.zeros((*values.shape[:-1], 1)), running[..., :-1]], axis=-1)
    starts = np.searchsorted(sorted_codes, np.arange(count))
    within = running - before[..., starts][..., sorted_codes]
    has = group_income > 0
    safe = np.where(has, group_income, 1.0)[..., sorted_codes]
    big_l, share = within / safe, income / safe
    f = ws / group_w[..., sorted_codes]
    g = 1.0 - group_sum(
        f * (2.0 * big_l - share), sorted_codes, count
    )  # Eq. (25), L_{i-1} = L_i - s_i
    return np.where(has, g, 0.0)


def _group_frame(
    columns: dict[str, NDArray[np.float64]], groups: NDArray[Any], periods: Sequence[Any] | None
) -> pd.DataFrame:
    """Per-group arrays (..., groups) as rows indexed by group or (period, group)."""
    import pandas as pd

    first = next(iter(columns.values()))
    names = [str(g) for g in groups]
    if first.ndim == 1:
        return pd.DataFrame(columns, index=pd.Index(names, name="group"))
    count = int(np.prod(first.shape[:-1]))
    labels = list(periods) if periods is not None else list(range(1, count + 1))
    index = pd.MultiIndex.from_product([labels, names], names=["period", "group"])
    return pd.DataFrame({k: v.reshape(-1) for k, v in columns.items()}, index=index)


@dataclass(frozen=True, eq=False)
class DispersionResult:
    """Coefficient of variation with its mean and σ, and the max/min ratio.

    Attributes
    ----------
    cv, mean, std, max_min_ratio : ndarray (...)
        Per period.
    all_zero : ndarray of bool (...)
        Periods in which every value is 0 (CV = 0, max/min = 1 by convention, see :func:`cv`).
    groups : ndarray
        Group labels in the order of the group axis (empty without groups).
    group_cv, group_mean, group_std : ndarray (..., groups) or None
        The same inside each group; None without groups.
    """

    cv: NDArray[np.float64]
    mean: NDArray[np.float64]
    std: NDArray[np.float64]
    max_min_ratio: NDArray[np.float64]
    all_zero: NDArray[np.bool_]
    groups: NDArray[Any]
    group_cv: NDArray[np.float64] | None
    group_mean: NDArray[np.float64] | None
    group_std: NDArray[np.float64] | None

    def to_frame(self, *, periods: Sequence[Any] | None = None) -> pd.DataFrame:
        """One row per period: cv, mean, std, max_min_ratio."""
        import pandas as pd

        columns = {
            "cv": self.cv,
            "mean": self.mean,
            "std": self.std,
            "max_min_ratio": self.max_min_ratio,
        }
        flat = {k: np.atleast_1d(v).reshape(-1) for k, v in columns.items()}
        count = flat["cv"].size
        labels = list(periods) if periods is not None else list(range(1, count + 1))
        return pd.DataFrame(flat, index=pd.Index(labels, name="period"))

    def group_frame(self, *, periods: Sequence[Any] | None = None) -> pd.DataFrame:
        """One row per (period and) group: cv, mean, std."""
        if self.group_cv is None or self.group_mean is None or self.group_std is None:
            raise AnalysisInputError("computed without groups: pass groups= to cv()")
        columns = {"cv": self.group_cv, "mean": self.group_mean, "std": self.group_std}
        return _group_frame(columns, self.groups, periods)


def cv(
    y: ArrayLike,
    *,
    weights: ArrayLike | None = None,
    groups: ArrayLike | None = None,
    ddof: int = 0,
    missing: Literal["raise", "drop"] = "raise",
    units: Sequence[Any] | None = None,
) -> DispersionResult:
    """Coefficient of variation, unweighted or weighted (Williamson's index), and max/min.

    .. math::

        \\mu = \\frac{\\sum_i w_i y_i}{\\sum_i w_i}, \\quad
        \\sigma = \\sqrt{\\frac{\\sum_i w_i (y_i - \\mu)^2}{\\sum_i w_i - \\text{ddof}}}, \\quad
        CV = \\sigma/\\mu                                                   \\quad (26)

    Parameters
    ----------
    weights : array_like, optional
        Population of each unit: the population-weighted CV (Williamson 1965), which is the
        usual measure of regional disparity in per-capita terms; unweighted by default.
    groups : array_like (units,), optional
        Group label of each unit: Eq. (26) is also computed inside each group
        (``group_cv``, ``group_mean``, ``group_std``).
    ddof : int
        0 (default, population σ) or 1 (sample σ). With weights, they are frequencies, so the
        denominator is Σw - ddof (in a group, the group's Σw).

    Edge cases: values are non-negative, so μ = 0 means every value is 0 and Eq. (26) is
    0/0; such a period, or such a group (a county whose villages all report 0), gets σ = 0
    and CV = 0, the CV of equal values, and ``all_zero`` marks the periods. max/min is inf
    when the minimum is 0 and some value is not, 1 when every value is 0. ``ddof`` that leaves
    no degrees of freedom (in the whole or in a group) raises naming it. Missing values as in
    :func:`theil`.

    References
    ----------
    Williamson, J. G. (1965). Regional inequality and the process of national development.
    *Economic Development and Cultural Change* 13(4), 1-84.
    """
    y, weights, groups = _drop_missing(y, weights, groups, missing)
    values = _values(y, units=units)
    w = _population(weights, values.shape)
    total_w = w.sum(axis=-1)
    if (total_w - ddof <= 0).any():
        raise AnalysisInputError(f"ddof={ddof} leaves no degrees of freedom")
    mean = (w * values).sum(axis=-1) / total_w
    all_zero = mean <= 0
    std = np.sqrt((w * (values - mean[..., None]) ** 2).sum(axis=-1) / (total_w - ddof))
    labels: NDArray[Any] = np.array([])
    group_cv = group_mean = group_std = None
    if groups is not None:
        codes, labels = group_codes(groups, values.shape[-1])
        count = len(labels)
        group_w = group_sum(w, codes, count)
        if (group_w - ddof <= 0).any():
            short = labels[int(np.argmax((group_w - ddof <= 0).reshape(-1, count).any(axis=0)))]
            raise AnalysisInputError(
                f"ddof={ddof} leaves group {str(short)!r} no degrees of freedom"
            )
        group_mean = group_sum(w * values, codes, count) / group_w
        spread = w * (values - group_mean[..., codes]) ** 2
        group_std = np.sqrt(group_sum(spread, codes, count) / (group_w - ddof))
        group_cv = np.where(
            group_mean > 0, group_std / np.where(group_mean > 0, group_mean, 1.0), 0.0
        )
    return DispersionResult(
        cv=np.where(all_zero, 0.0, std / np.where(all_zero, 1.0, mean)),
        mean=mean,
        std=std,
        max_min_ratio=max_min_ratio(values),
        all_zero=all_zero,
        groups=labels,
        group_cv=group_cv,
        group_mean=group_mean,
        group_std=group_std,
    )


def max_min_ratio(y: ArrayLike) -> NDArray[np.float64]:
    """Ratio of the largest to the smallest value along the last axis.

    inf if the minimum is 0 and the maximum is not; 1 if every value is 0 (all equal).
    """
    values = _values(y)
    low, high = values.min(axis=-1), values.max(axis=-1)
    ratio = np.where(low > 0, high / np.where(low > 0, low, 1.0), np.inf)
    return np.where(high > 0, ratio, 1.0)


def urban_rural_ratio(urban: ArrayLike, rural: ArrayLike) -> NDArray[np.float64]:
    """Urban-rural income ratio (城乡居民收入比): per-capita disposable income, urban / rural.

    A rural income of 0 raises. The definition of 国家统计局's statistical communiqués.
    """
    top, bottom = _values(urban, name="urban"), _values(rural, name="rural")
    if (bottom <= 0).any():
        raise AnalysisInputError("rural income must be positive")
    return np.asarray(top / bottom)
