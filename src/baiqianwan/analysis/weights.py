"""Indicator weights: entropy (熵权法), coefficient of variation, CRITIC, AHP and their combination.

Weights are returned unrounded; round only for display.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from baiqianwan.analysis import _blocks
from baiqianwan.analysis._validation import (
    AnalysisInputError,
    Direction,
    Missing,
    MissingOrKeep,
    as_float_array,
    as_matrix,
    as_weights,
    choice,
    handle_missing,
    in_period,
    label,
    parse_directions,
)
from baiqianwan.analysis.normalize import Affine, column_affine

if TYPE_CHECKING:
    import pandas as pd

#: Saaty's random consistency index RI for n = 1..15 (Saaty 1980 for n ≤ 10; n = 11..15 as
#: commonly reproduced from his extended table).
SAATY_RI = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59)


TINY = np.finfo(np.float64).tiny


class InconsistentJudgementError(AnalysisInputError):
    """An AHP pairwise matrix whose consistency ratio is 0.1 or more."""


def _weights_frame(
    columns: dict[str, NDArray[Any]], indicators: Sequence[Any] | None
) -> pd.DataFrame:
    import pandas as pd

    first = next(iter(columns.values()))
    m = first.shape[-1]
    names = list(indicators) if indicators is not None else [f"x{j + 1}" for j in range(m)]
    if first.ndim == 1:
        return pd.DataFrame(columns, index=pd.Index(names, name="indicator"))
    periods = range(1, int(np.prod(first.shape[:-1])) + 1)
    index = pd.MultiIndex.from_product([periods, names], names=["period", "indicator"])
    return pd.DataFrame({k: v.reshape(-1) for k, v in columns.items()}, index=index)


@dataclass(frozen=True, eq=False)
class EntropyResult:
    """Entropy weights with e_j, d_j = 1 - e_j and (unless switched off) the proportions p_ij."""

    weights: NDArray[np.float64]
    entropy: NDArray[np.float64]
    diversity: NDArray[np.float64]
    proportions: NDArray[np.float64] | None
    basis: str
    zeros: str

    def to_frame(self, *, indicators: Sequence[Any] | None = None) -> pd.DataFrame:
        """One row per indicator (and period): entropy, diversity, weight."""
        return _weights_frame(
            {"entropy": self.entropy, "diversity": self.diversity, "weight": self.weights},
            indicators,
        )


def entropy_weights(
    X: ArrayLike,
    *,
    directions: Sequence[Direction] | ArrayLike | None = None,
    basis: Literal["minmax", "proportion"] = "minmax",
    zeros: Literal["limit", "shift"] = "limit",
    shift: float = 1e-4,
    missing: MissingOrKeep = "raise",
    intermediates: bool = True,
    units: Sequence[Any] | None = None,
    indicators: Sequence[Any] | None = None,
) -> EntropyResult:
    """Entropy weight method (熵权法).

    Parameters
    ----------
    X : array_like (..., units, indicators)
        Raw values; each leading index (period) gets its own weights.
    directions : sequence, optional
        正向/逆向 per indicator, used by ``basis="minmax"``.
    basis : {"minmax", "proportion"}
        ``"minmax"`` (default; Chinese regional practice): proportions of the direction-aware
        min-max values. ``"proportion"`` (MCDM packages such as pymcdm and scikit-criteria):
        proportions of the raw values, which must be non-negative; directions are ignored.
    zeros : {"limit", "shift"}
        ``"limit"`` (default) takes :math:`0 \\ln 0 = 0`; ``"shift"`` adds `shift` to every value
        before the proportions (the 平移 variant, usually 0.0001 or 0.01).
    missing : {"raise", "drop", "mean", "median", "keep"}
        NaN handling: refused naming the unit and indicator (default), dropped or imputed as
        in :func:`~baiqianwan.analysis.normalize`, or ``"keep"``: a missing cell is left out
        of its column, whose min-max, proportions and entropy are taken over its
        :math:`n_j` present cells (Eq. 7 with :math:`\\ln n_j`), as if the missing units had
        not been asked that indicator; its proportion stays NaN. A column with fewer than 2
        present cells raises, naming it. ``"keep"`` always computes directly, never blocked.
    intermediates : bool
        Keep the full-size proportion matrix. ``False`` computes in cache-sized blocks on every
        core without any full-size temporary (for national-scale arrays).

    Returns
    -------
    EntropyResult

    Notes
    -----
    With :math:`y_{ij}` the (shifted) basis values and :math:`n` units:

    .. math::

        p_{ij} = y_{ij} / \\sum_i y_{ij}                  \\quad (6)

        e_j = -\\frac{1}{\\ln n} \\sum_i p_{ij} \\ln p_{ij}   \\quad (7)

        w_j = (1 - e_j) / \\sum_k (1 - e_k)                \\quad (8)

    The blocked path uses the identity :math:`\\sum_i p\\ln p = S_2/S_1 - \\ln S_1` with
    :math:`S_1 = \\sum_i y`, :math:`S_2 = \\sum_i y \\ln y`, so one pass suffices.

    Edge cases: a constant column (or an all-zero one) has :math:`p_{ij} = 1/n`, :math:`e_j = 1`
    and weight 0; fewer than 2 units, or every column constant, raise
    :class:`AnalysisInputError`; negative raw values with ``basis="proportion"`` raise.

    References
    ----------
    Shannon, C. E. (1948). A mathematical theory of communication. *Bell Syst. Tech. J.* 27.
    Zeleny, M. (1982). *Multiple Criteria Decision Making*. McGraw-Hill, pp. 191-195.
    王晶, 原伟鹏, 刘新平 (2018). 哈尔滨城市土地生态安全时序评价及预测分析. ChinaXiv 201810.00156.
    """
    choice(basis, ("minmax", "proportion"), name="basis")
    choice(zeros, ("limit", "shift"), name="zeros")
    matrix, _ = handle_missing(
        as_matrix(X), missing=missing, units=units, indicators=indicators, keep_allowed=True
    )
    n, m = matrix.shape[-2:]
    if n < 2:
        raise AnalysisInputError("entropy weights need at least 2 units")
    if missing == "keep" and np.isnan(matrix).any():
        return _entropy_keep(matrix, directions, basis, zeros, shift, intermediates, indicators)
    added = shift if zeros == "shift" else 0.0
    benefit = parse_directions(directions, m)
    if basis == "proportion":
        if (matrix < 0).any():
            raise AnalysisInputError("basis='proportion' needs non-negative values; use 'minmax'")
        benefit = np.ones(m, dtype=bool)
    if basis == "minmax":
        affine = column_affine(
            matrix, method="minmax", benefit=benefit, shift=added, blocked=not intermediates
        )
    else:
        identity = Affine.identity(matrix.shape)
        affine = Affine(
            identity.center, identity.divisor, identity.offset + added, identity.degenerate
        )
    if intermediates:
        y = affine.apply(matrix)
        constant = y.max(axis=-2) == y.min(axis=-2)
        total = y.sum(axis=-2, keepdims=True)
        degenerate = total == 0
        p = np.where(degenerate, 1.0 / n, y / np.where(degenerate, 1.0, total))  # Eq. (6)
        plogp = p * np.log(p, out=np.zeros_like(p), where=p > 0)
        entropy = -plogp.sum(axis=-2) / np.log(n)  # Eq. (7)
        proportions: NDArray[np.float64] | None = p
    else:
        entropy = _entropy_blocked(matrix, affine, n).reshape(*matrix.shape[:-2], m)
        if basis == "minmax":
            constant = affine.degenerate[..., 0, :]
        else:
            lo, hi = _blocks.column_min_max(_blocks.as_3d(matrix))
            constant = (lo == hi).reshape(entropy.shape)
        proportions = None
    # A constant column has e = 1 exactly (Eq. 7 gives 1 - ε by rounding).
    entropy = np.where(constant, 1.0, np.clip(entropy, 0.0, 1.0))
    diversity = 1.0 - entropy
    total_d = diversity.sum(axis=-1, keepdims=True)
    if (total_d <= 0).any():
        raise AnalysisInputError(
            f"every indicator is constant{in_period(total_d[..., 0] <= 0)}, so entropy weights"
            " are undefined"
        )
    return EntropyResult(
        weights=diversity / total_d,  # Eq. (8)
        entropy=entropy,
        diversity=diversity,
        proportions=proportions,
        basis=basis,
        zeros=zeros,
    )


def _entropy_keep(
    matrix: NDArray[np.float64],
    directions: Sequence[Direction] | ArrayLike | None,
    basis: str,
    zeros: str,
    shift: float,
    intermediates: bool,
    indicators: Sequence[Any] | None,
) -> EntropyResult:
    """Eq. (6)-(8) over the present cells of each column (``missing="keep"``)."""
    m = matrix.shape[-1]
    present = ~np.isnan(matrix)
    count = present.sum(axis=-2)
    if (count < 2).any():
        short = (count < 2).reshape(-1, m)
        j = int(np.argmax(short.any(axis=0)))
        raise AnalysisInputError(
            f"indicator {label(indicators, j, 'column')} has fewer than 2 values"
            f"{in_period((count < 2)[..., j])}, so its entropy is undefined"
        )
    added = shift if zeros == "shift" else 0.0
    if basis == "proportion":
        if (matrix < 0).any():
            raise AnalysisInputError("basis='proportion' needs non-negative values; use 'minmax'")
        y = matrix + added
    else:
        benefit = parse_directions(directions, m)
        affine = column_affine(matrix, method="minmax", benefit=benefit, shift=added, nan=True)
        y = affine.apply(matrix)
    filled = np.where(present, y, 0.0)
    constant = np.nanmax(y, axis=-2) == np.nanmin(y, axis=-2)
    total = filled.sum(axis=-2, keepdims=True)
    degenerate = total == 0
    p = np.where(degenerate, 1.0 / count[..., None, :], filled / np.where(degenerate, 1.0, total))
    p = np.where(present, p, 0.0)  # Eq. (6) over the present cells
    plogp = p * np.log(p, out=np.zeros_like(p), where=p > 0)
    entropy = -plogp.sum(axis=-2) / np.log(count)  # Eq. (7) with ln n_j
    entropy = np.where(constant, 1.0, np.clip(entropy, 0.0, 1.0))
    diversity = 1.0 - entropy
    total_d = diversity.sum(axis=-1, keepdims=True)
    if (total_d <= 0).any():
        raise AnalysisInputError(
            f"every indicator is constant{in_period(total_d[..., 0] <= 0)}, so entropy weights"
            " are undefined"
        )
    return EntropyResult(
        weights=diversity / total_d,  # Eq. (8)
        entropy=entropy,
        diversity=diversity,
        proportions=np.where(present, p, np.nan) if intermediates else None,
        basis=basis,
        zeros=zeros,
    )


def _entropy_blocked(matrix: NDArray[np.float64], affine: Affine, n: int) -> NDArray[np.float64]:
    """Eq. (7) by one blocked pass of S1 = Σy and S2 = Σ y ln y."""
    three = _blocks.as_3d(matrix)

    def sums(period: int, _rows: slice, block: NDArray[np.float64]) -> NDArray[np.float64]:
        y = affine.apply(block, period)
        # y·ln(max(y, tiny)) is exactly 0 at y = 0 (the limit 0·ln 0) and exact elsewhere.
        logs = np.log(np.maximum(y, TINY))
        return np.stack([y.sum(axis=0), np.einsum("ij,ij->j", y, logs)])

    parts = _blocks.map_blocks(three, sums)
    s = np.array([np.sum(period, axis=0) for period in parts])  # (P, 2, M)
    s1, s2 = s[:, 0], s[:, 1]
    degenerate = s1 <= 0
    safe = np.where(degenerate, 1.0, s1)
    plogp = np.where(degenerate, -np.log(n), s2 / safe - np.log(safe))
    return -plogp / np.log(n)


@dataclass(frozen=True, eq=False)
class CVResult:
    """Coefficient-of-variation weights with each indicator's mean, σ and v = σ/|μ|."""

    weights: NDArray[np.float64]
    mean: NDArray[np.float64]
    std: NDArray[np.float64]
    variation: NDArray[np.float64]

    def to_frame(self, *, indicators: Sequence[Any] | None = None) -> pd.DataFrame:
        """One row per indicator: mean, std, variation, weight."""
        return _weights_frame(
            {
                "mean": self.mean,
                "std": self.std,
                "variation": self.variation,
                "weight": self.weights,
            },
            indicators,
        )


def cv_weights(
    X: ArrayLike,
    *,
    ddof: int = 0,
    basis: Literal["raw", "minmax"] = "raw",
    directions: Sequence[Direction] | ArrayLike | None = None,
    shift: float = 0.0,
    missing: MissingOrKeep = "raise",
    units: Sequence[Any] | None = None,
    indicators: Sequence[Any] | None = None,
) -> CVResult:
    """Coefficient of variation weights (变异系数法).

    .. math:: v_j = \\sigma_j / |\\mu_j|, \\qquad w_j = v_j / \\sum_k v_k   \\quad (9)

    Parameters
    ----------
    ddof : int
        0 (default) for the population σ, 1 for the sample σ.
    basis : {"raw", "minmax"}
        ``"raw"`` (default) on the raw values, which must have non-zero means; ``"minmax"`` on
        direction-aware min-max values plus `shift`.
    missing : {"raise", "drop", "mean", "median", "keep"}
        NaN handling: refused naming the unit and indicator (default), dropped or imputed, or
        ``"keep"``: μ_j and σ_j are taken over the column's present cells (n_j of them, σ with
        n_j - ddof), as if the missing units had not been asked that indicator.

    Edge cases: a column with mean 0 raises naming it (and the period); constant columns get
    weight 0; all constant raises; with ``"keep"`` a column with n_j ≤ ddof values raises.

    References
    ----------
    The 变异系数法 of Chinese evaluation practice; the same ratio as Williamson's (1965)
    unweighted index, see :func:`~baiqianwan.analysis.cv`.
    """
    choice(basis, ("raw", "minmax"), name="basis")
    matrix, _ = handle_missing(
        as_matrix(X), missing=missing, units=units, indicators=indicators, keep_allowed=True
    )
    nan = missing == "keep" and bool(np.isnan(matrix).any())
    m = matrix.shape[-1]
    if basis == "minmax":
        benefit = parse_directions(directions, m)
        affine = column_affine(matrix, method="minmax", benefit=benefit, shift=shift, nan=nan)
        matrix = affine.apply(matrix)
    count = np.sum(~np.isnan(matrix), axis=-2)
    if (count - ddof <= 0).any():
        j = int(np.argmax((count - ddof <= 0).reshape(-1, m).any(axis=0)))
        fewest = int(count.reshape(-1, m)[:, j].min())
        raise AnalysisInputError(
            f"indicator {label(indicators, j, 'column')} has {fewest} value(s), too few for"
            f" ddof={ddof}"
        )
    mean = np.nanmean(matrix, axis=-2) if nan else matrix.mean(axis=-2)
    if (mean == 0).any():
        j = int(np.argmax((mean == 0).reshape(-1, m).any(axis=0)))
        where = in_period((mean == 0)[..., j])
        raise AnalysisInputError(
            f"indicator {label(indicators, j, 'column')} has mean 0{where}, so its coefficient"
            " of variation is undefined"
        )
    std = np.nanstd(matrix, axis=-2, ddof=ddof) if nan else matrix.std(axis=-2, ddof=ddof)
    variation = std / np.abs(mean)
    total = variation.sum(axis=-1, keepdims=True)
    if (total <= 0).any():
        raise AnalysisInputError(
            f"every indicator is constant{in_period(total[..., 0] <= 0)}, so CV weights are"
            " undefined"
        )
    return CVResult(weights=variation / total, mean=mean, std=std, variation=variation)


@dataclass(frozen=True, eq=False)
class CriticResult:
    """CRITIC weights with σ_j, the correlation matrix and the information C_j."""

    weights: NDArray[np.float64]
    std: NDArray[np.float64]
    correlation: NDArray[np.float64]
    information: NDArray[np.float64]

    def to_frame(self, *, indicators: Sequence[Any] | None = None) -> pd.DataFrame:
        """One row per indicator: std, information, weight."""
        return _weights_frame(
            {"std": self.std, "information": self.information, "weight": self.weights}, indicators
        )


def critic_weights(
    X: ArrayLike,
    *,
    directions: Sequence[Direction] | ArrayLike | None = None,
    ddof: int = 1,
    conflict: Literal["signed", "absolute"] = "signed",
    missing: Missing = "raise",
    units: Sequence[Any] | None = None,
    indicators: Sequence[Any] | None = None,
) -> CriticResult:
    """CRITIC weights (Diakoulaki et al. 1995).

    .. math::

        C_j = \\sigma_j \\sum_k (1 - r_{jk}), \\qquad w_j = C_j / \\sum_k C_k   \\quad (10)

    on direction-aware min-max values, with Pearson's :math:`r`.

    Parameters
    ----------
    ddof : int
        1 (default, the sample σ as in Diakoulaki et al.) or 0.
    conflict : {"signed", "absolute"}
        ``"signed"`` uses :math:`1 - r_{jk}` (original); ``"absolute"`` uses
        :math:`1 - |r_{jk}|` (a common variant that treats negative correlation as redundancy).
    missing : {"raise", "drop", "mean", "median"}
        NaN handling: refused naming the unit and indicator (default), or dropped/imputed. A
        correlation needs both values of every unit, so missing values are never kept
        (``missing="keep"`` is refused).

    Edge cases: a constant column has σ = 0 and weight 0 (its correlations are taken as 0);
    all constant raises.

    References
    ----------
    Diakoulaki, D., Mavrotas, G. & Papayannakis, L. (1995). Determining objective weights in
    multiple criteria problems: the CRITIC method. *Computers & Operations Research* 22(7).
    """
    choice(conflict, ("signed", "absolute"), name="conflict")
    matrix, _ = handle_missing(as_matrix(X), missing=missing, units=units, indicators=indicators)
    n, m = matrix.shape[-2:]
    if n < 2:
        raise AnalysisInputError("CRITIC weights need at least 2 units")
    benefit = parse_directions(directions, m)
    y = column_affine(matrix, method="minmax", benefit=benefit).apply(matrix)
    centred = y - y.mean(axis=-2, keepdims=True)
    pop_std = np.sqrt((centred * centred).mean(axis=-2, keepdims=True))
    z = np.where(pop_std > 0, centred / np.where(pop_std > 0, pop_std, 1.0), 0.0)
    correlation = np.einsum("...ij,...ik->...jk", z, z) / n
    std = y.std(axis=-2, ddof=ddof)
    r = np.abs(correlation) if conflict == "absolute" else correlation
    information = std * (1.0 - r).sum(axis=-1)
    total = information.sum(axis=-1, keepdims=True)
    if (total <= 0).any():
        raise AnalysisInputError(
            f"every indicator is constant{in_period(total[..., 0] <= 0)}, so CRITIC weights"
            " are undefined"
        )
    return CriticResult(
        weights=information / total, std=std, correlation=correlation, information=information
    )


@dataclass(frozen=True, eq=False)
class AHPResult:
    """AHP priorities with λmax, CI, RI, CR and whether CR < 0.1."""

    weights: NDArray[np.float64]
    lambda_max: float
    ci: float
    ri: float
    cr: float
    consistent: bool
    method: str

    def to_frame(self, *, indicators: Sequence[Any] | None = None) -> pd.DataFrame:
        """One row per criterion with its weight; λmax, CI, RI and CR in ``attrs``."""
        frame = _weights_frame({"weight": self.weights}, indicators)
        frame.attrs.update(lambda_max=self.lambda_max, ci=self.ci, ri=self.ri, cr=self.cr)
        return frame


def ahp_weights(
    pairwise: ArrayLike,
    *,
    method: Literal["eigenvector", "geometric_mean", "arithmetic_mean"] = "eigenvector",
    accept_inconsistent: bool = False,
    random_index: float | None = None,
    tolerance: float = 0.01,
) -> AHPResult:
    """Weights from an AHP pairwise comparison matrix (层次分析法), with the consistency check.

    Parameters
    ----------
    pairwise : array_like (n, n)
        Positive reciprocal judgements :math:`a_{ij}` (1-9 scale), :math:`a_{ji} = 1/a_{ij}`
        within `tolerance` (so 0.333 for 1/3 is accepted), diagonal 1.
    method : {"eigenvector", "geometric_mean", "arithmetic_mean"}
        ``"eigenvector"`` (default, Saaty): principal right eigenvector;
        ``"geometric_mean"`` (方根法): normalised row geometric means;
        ``"arithmetic_mean"`` (和积法): row means of the column-normalised matrix.
    accept_inconsistent : bool
        CR ≥ 0.1 raises :class:`InconsistentJudgementError` unless this is True.
    random_index : float, optional
        Override Saaty's RI (e.g. with a table your province prescribes).

    Notes
    -----
    .. math::

        A w = \\lambda_{max} w                                   \\quad (11)

        CI = (\\lambda_{max} - n)/(n - 1), \\quad CR = CI / RI      \\quad (12)

    For the mean methods :math:`\\lambda_{max} = \\frac1n\\sum_i (Aw)_i / w_i`. For n ≤ 2 a
    reciprocal matrix is always consistent and CR = 0.

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.
    Saaty, T. L. (2008). Decision making with the analytic hierarchy process. *Int. J.
    Services Sciences* 1(1), 83-98 (the drinks example used in the tests).
    """
    choice(method, ("eigenvector", "geometric_mean", "arithmetic_mean"), name="method")
    a = as_float_array(pairwise, name="pairwise", min_ndim=2)
    n = a.shape[0]
    if a.ndim != 2 or a.shape[1] != n:
        raise AnalysisInputError(f"the pairwise matrix must be square, not {a.shape}")
    if not np.all(np.isfinite(a)) or (a <= 0).any():
        raise AnalysisInputError("pairwise judgements must be positive numbers")
    if not np.allclose(np.diag(a), 1.0):
        raise AnalysisInputError("the pairwise matrix must have 1 on its diagonal")
    product = a * a.T
    if not np.allclose(product, 1.0, rtol=0, atol=tolerance):
        i, j = np.unravel_index(np.argmax(np.abs(product - 1)), a.shape)
        raise AnalysisInputError(
            f"the pairwise matrix is not reciprocal at ({i + 1}, {j + 1}):"
            f" {a[i, j]:g} × {a[j, i]:g} ≠ 1"
        )
    if n > len(SAATY_RI) and random_index is None:
        raise AnalysisInputError(
            f"Saaty's RI is tabulated up to n = 15; pass random_index for n = {n}"
        )
    if method == "eigenvector":
        values, vectors = np.linalg.eig(a)
        k = int(np.argmax(values.real))
        w = np.abs(vectors[:, k].real)
        lambda_max = float(values[k].real)
    else:
        if method == "geometric_mean":
            w = np.exp(np.log(a).mean(axis=1))
        else:
            w = (a / a.sum(axis=0)).mean(axis=1)
        lambda_max = float(np.mean((a @ (w / w.sum())) / (w / w.sum())))
    weights = w / w.sum()
    ri = float(random_index if random_index is not None else SAATY_RI[n - 1])
    ci = (lambda_max - n) / (n - 1) if n > 1 else 0.0
    cr = ci / ri if ri > 0 else 0.0
    consistent = cr < 0.1
    if not consistent and not accept_inconsistent:
        raise InconsistentJudgementError(
            f"the pairwise matrix is inconsistent: CR = {cr:.4f} ≥ 0.1 (λmax = {lambda_max:.4f},"
            f" CI = {ci:.4f}, RI = {ri}); revise the judgements or pass accept_inconsistent=True"
        )
    return AHPResult(
        weights=weights,
        lambda_max=lambda_max,
        ci=ci,
        ri=ri,
        cr=cr,
        consistent=consistent,
        method=method,
    )


@dataclass(frozen=True, eq=False)
class CombinedWeights:
    """Combined weights with their subjective and objective parts."""

    weights: NDArray[np.float64]
    subjective: NDArray[np.float64]
    objective: NDArray[np.float64]
    method: str
    alpha: float

    def to_frame(self, *, indicators: Sequence[Any] | None = None) -> pd.DataFrame:
        """One row per indicator: subjective, objective, weight."""
        subjective = np.broadcast_to(self.subjective, self.weights.shape)
        objective = np.broadcast_to(self.objective, self.weights.shape)
        return _weights_frame(
            {"subjective": subjective, "objective": objective, "weight": self.weights}, indicators
        )


def combine_weights(
    subjective: ArrayLike,
    objective: ArrayLike,
    *,
    method: Literal["multiplicative", "linear"] = "multiplicative",
    alpha: float = 0.5,
) -> CombinedWeights:
    """Combine subjective (e.g. AHP) and objective (e.g. entropy) weights (组合赋权).

    .. math::

        w_j = \\frac{s_j o_j}{\\sum_k s_k o_k} \\ \\text{(multiplicative)}, \\qquad
        w_j = \\alpha s_j + (1-\\alpha) o_j \\ \\text{(linear)}      \\quad (13)

    Both inputs must each sum to 1 along the last axis; leading axes broadcast (objective
    weights per period with one subjective vector). ``alpha`` is the subjective share.
    Edge case: if :math:`\\sum_k s_k o_k = 0` (no indicator has both weights) it raises.

    References
    ----------
    Ma, J., Fan, Z.-P. & Huang, L.-H. (1999). A subjective and objective integrated approach to
    determine attribute weights. *EJOR* 112(2), 397-404.
    """
    choice(method, ("multiplicative", "linear"), name="method")
    s_raw = as_float_array(subjective, name="subjective weights")
    s = as_weights(s_raw, s_raw.shape[-1], name="subjective weights")
    o = as_weights(objective, s.shape[-1], name="objective weights")
    if method == "multiplicative":
        product = s * o
        total = product.sum(axis=-1, keepdims=True)
        if (total <= 0).any():
            raise AnalysisInputError("no indicator has both a subjective and an objective weight")
        weights = product / total
    else:
        if not 0.0 <= alpha <= 1.0:
            raise AnalysisInputError(f"alpha must lie in [0, 1], not {alpha}")
        weights = alpha * s + (1.0 - alpha) * o
    return CombinedWeights(weights=weights, subjective=s, objective=o, method=method, alpha=alpha)
