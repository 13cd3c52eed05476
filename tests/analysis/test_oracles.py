"""Non-default weighting variants against independent implementations (test-only oracles).

- AHP: the eigenvector against pymcdm and AHPy; the geometric mean (方根法) against the
  logarithmic least-squares solution it is proven to equal (Crawford & Williams 1985) and
  scipy's gmean; the arithmetic mean (和积法) against pymcdm's sum normalisation. All on
  inconsistent matrices (CR ≥ 0.1), where the three methods give different weights.
- Entropy with ``zeros="shift"`` against pymcdm's ``entropy_weights`` (which needs positive
  values, as the shift makes them) on the shifted proportions or min-max values, and
  ``basis="proportion"`` against ``scipy.stats.entropy(X, base=n)``, the computation
  scikit-criteria's ``EntropyWeighter`` makes (skcriteria itself is not installed: it would
  bring scikit-learn, seaborn and PuLP for one line of scipy).
- CV weights on the min-max basis with cost indicators: pymcdm's ``minmax_normalization``
  (cost = (max - x)/(max - min)) and ``scipy.stats.variation``; no library has CV weights.
"""

from __future__ import annotations

import ahpy
import numpy as np
import pytest
import scipy.stats
from pymcdm.helpers import normalize_matrix
from pymcdm.normalizations import minmax_normalization, sum_normalization
from pymcdm.weights import entropy_weights as pymcdm_entropy
from pymcdm.weights.subjective import AHP as PymcdmAHP

from baiqianwan import analysis as an

SAATY_SCALE = np.array([*(1 / np.arange(9, 1, -1)), *np.arange(1, 10)], dtype=float)


def reciprocal(rng: np.random.Generator, n: int) -> np.ndarray:
    """A random n × n judgement matrix on Saaty's 1-9 scale."""
    a = np.ones((n, n))
    upper = np.triu_indices(n, 1)
    a[upper] = rng.choice(SAATY_SCALE, size=len(upper[0]))
    a.T[upper] = 1 / a[upper]
    return a


def inconsistent_matrices(seed: int, count: int = 12) -> list[np.ndarray]:
    """Random matrices of 3 to 9 criteria whose CR (by pymcdm, not by us) is at least 0.1."""
    rng = np.random.default_rng(seed)
    found: list[np.ndarray] = []
    while len(found) < count:
        a = reciprocal(rng, int(rng.integers(3, 10)))
        if PymcdmAHP(matrix=a).get_cr() >= 0.1:
            found.append(a)
    return found


MATRICES = inconsistent_matrices(2024)


# ------------------------------------------------------------------------------------- AHP


@pytest.mark.parametrize("a", MATRICES, ids=lambda a: f"n{len(a)}")
def test_ahp_eigenvector_on_inconsistent_matrices_matches_pymcdm_and_ahpy(a: np.ndarray) -> None:
    n = len(a)
    result = an.ahp_weights(a, accept_inconsistent=True)
    np.testing.assert_allclose(result.weights, PymcdmAHP(matrix=a)(), atol=1e-10)
    names = [f"c{i}" for i in range(n)]
    pairs = {(names[i], names[j]): a[i, j] for i in range(n) for j in range(i + 1, n)}
    compare = ahpy.Compare("criteria", pairs, precision=12)
    np.testing.assert_allclose(
        result.weights, [compare.local_weights[name] for name in names], atol=1e-9
    )
    # pymcdm's own RI table (Tummala & Ling 1998) in our formula gives pymcdm's CR.
    ri = PymcdmAHP.RI_M[n - 1]
    ours = an.ahp_weights(a, accept_inconsistent=True, random_index=ri)
    assert ours.cr == pytest.approx(PymcdmAHP(matrix=a).get_cr(), rel=1e-9)
    assert not result.consistent and result.cr >= 0.1


@pytest.mark.parametrize("a", MATRICES, ids=lambda a: f"n{len(a)}")
def test_ahp_geometric_mean_is_the_log_least_squares_solution(a: np.ndarray) -> None:
    """min Σ_ij (ln a_ij - ln w_i + ln w_j)² has the row geometric means as its solution."""
    n = len(a)
    rows, cols = np.nonzero(~np.eye(n, dtype=bool))
    design = np.zeros((len(rows), n))
    design[np.arange(len(rows)), rows] = 1.0
    design[np.arange(len(rows)), cols] = -1.0
    design = np.vstack([design, np.ones(n)])  # fixes the free constant: Σ ln w = 0
    target = np.append(np.log(a[rows, cols]), 0.0)
    log_w = np.linalg.lstsq(design, target, rcond=None)[0]
    expected = np.exp(log_w) / np.exp(log_w).sum()

    result = an.ahp_weights(a, method="geometric_mean", accept_inconsistent=True)
    np.testing.assert_allclose(result.weights, expected, atol=1e-12)
    gmean = scipy.stats.gmean(a, axis=1)
    np.testing.assert_allclose(result.weights, gmean / gmean.sum(), atol=1e-12)
    check_mean_method_consistency(a, result)


@pytest.mark.parametrize("a", MATRICES, ids=lambda a: f"n{len(a)}")
def test_ahp_arithmetic_mean_matches_pymcdm_sum_normalisation(a: np.ndarray) -> None:
    result = an.ahp_weights(a, method="arithmetic_mean", accept_inconsistent=True)
    expected = normalize_matrix(a, sum_normalization, None).mean(axis=1)
    np.testing.assert_allclose(result.weights, expected, atol=1e-12)
    check_mean_method_consistency(a, result)


def check_mean_method_consistency(a: np.ndarray, result: an.AHPResult) -> None:
    """The mean methods' λmax = (1/n) Σ (Aw)_i / w_i (docstring), CI and CR from it, and an
    inconsistent matrix is reported as such."""
    n = len(a)
    w = result.weights
    lam = float(np.mean((a @ w) / w))
    assert result.lambda_max == pytest.approx(lam, rel=1e-12)
    assert result.ci == pytest.approx((lam - n) / (n - 1), rel=1e-12)
    assert result.cr == pytest.approx(result.ci / result.ri, rel=1e-12)
    with pytest.raises(an.InconsistentJudgementError):
        an.ahp_weights(a, method=result.method)  # type: ignore[arg-type]


def test_the_three_ahp_methods_part_on_an_inconsistent_matrix_by_hand() -> None:
    """A cyclic judgement (1 ≻ 2 by 3, 2 ≻ 3 by 7, yet 3 ≻ 1 by 5), worked with fractions."""
    a = np.array([[1, 3, 1 / 5], [1 / 3, 1, 7], [5, 1 / 7, 1]])
    geometric = np.array([(3 / 5) ** (1 / 3), (7 / 3) ** (1 / 3), (5 / 7) ** (1 / 3)])
    # Column sums 19/3, 29/7, 41/5; each row of the column-normalised matrix, then its mean.
    arithmetic = np.array(
        [3 / 19 + 21 / 29 + 1 / 41, 1 / 19 + 7 / 29 + 35 / 41, 15 / 19 + 1 / 29 + 5 / 41]
    )
    result = an.ahp_weights(a, method="geometric_mean", accept_inconsistent=True)
    np.testing.assert_allclose(result.weights, geometric / geometric.sum(), atol=1e-12)
    np.testing.assert_allclose(result.weights, [0.2753, 0.4329, 0.2918], atol=5e-5)
    result = an.ahp_weights(a, method="arithmetic_mean", accept_inconsistent=True)
    np.testing.assert_allclose(result.weights, arithmetic / 3, atol=1e-12)
    np.testing.assert_allclose(result.weights, [0.3021, 0.3826, 0.3153], atol=5e-5)
    # For n = 3 the geometric mean is the principal eigenvector (Crawford & Williams 1985).
    eigen = an.ahp_weights(a, accept_inconsistent=True)
    np.testing.assert_allclose(eigen.weights, geometric / geometric.sum(), atol=1e-12)


# --------------------------------------------------------------------------------- entropy


def sparse_matrix(seed: int, periods: int | None = None) -> np.ndarray:
    """Non-negative lognormal values with about a fifth of them exactly 0."""
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(5, 40)), int(rng.integers(2, 8)))
    if periods is not None:
        shape = (periods, *shape)
    x = rng.lognormal(size=shape)
    x[rng.random(shape) < 0.2] = 0.0
    return x


def random_directions(seed: int, m: int) -> list[str]:
    return list(np.random.default_rng(seed).choice(["+", "-"], size=m))


def pymcdm_minmax(x: np.ndarray, directions: list[str]) -> np.ndarray:
    types = [1 if d == "+" else -1 for d in directions]
    return normalize_matrix(x, minmax_normalization, types)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("shift", [1e-4, 0.01])
@pytest.mark.parametrize("intermediates", [True, False])
def test_entropy_shift_on_proportions_matches_pymcdm_and_scipy(
    seed: int, shift: float, intermediates: bool
) -> None:
    x = sparse_matrix(seed)
    result = an.entropy_weights(
        x, basis="proportion", zeros="shift", shift=shift, intermediates=intermediates
    )
    np.testing.assert_allclose(result.weights, pymcdm_entropy(x + shift), atol=1e-10)
    e = scipy.stats.entropy(x + shift, base=len(x), axis=0)
    np.testing.assert_allclose(result.entropy, e, atol=1e-10)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("intermediates", [True, False])
def test_entropy_limit_on_proportions_matches_scikit_criteria_formula(
    seed: int, intermediates: bool
) -> None:
    """0 ln 0 = 0 as scipy.stats.entropy takes it (pymcdm instead sets e = 0 for a column with
    any zero, a different convention, so it is no oracle here)."""
    x = sparse_matrix(seed)
    result = an.entropy_weights(x, basis="proportion", intermediates=intermediates)
    d = 1 - scipy.stats.entropy(x, base=len(x), axis=0)
    np.testing.assert_allclose(result.weights, d / d.sum(), atol=1e-10)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("shift", [1e-4, 0.01])
@pytest.mark.parametrize("intermediates", [True, False])
def test_entropy_shift_on_minmax_with_cost_indicators_matches_pymcdm(
    seed: int, shift: float, intermediates: bool
) -> None:
    x = sparse_matrix(seed)
    directions = random_directions(seed, x.shape[1])
    result = an.entropy_weights(
        x, directions=directions, zeros="shift", shift=shift, intermediates=intermediates
    )
    expected = pymcdm_entropy(pymcdm_minmax(x, directions) + shift)
    np.testing.assert_allclose(result.weights, expected, atol=1e-10)


@pytest.mark.parametrize("basis", ["minmax", "proportion"])
def test_entropy_shift_over_periods_matches_pymcdm_period_by_period(basis: str) -> None:
    panel = sparse_matrix(99, periods=3)
    directions = random_directions(99, panel.shape[-1])
    for intermediates in (True, False):
        result = an.entropy_weights(
            panel,
            basis=basis,  # type: ignore[arg-type]
            directions=directions,
            zeros="shift",
            intermediates=intermediates,
        )
        for period, x in enumerate(panel):
            y = pymcdm_minmax(x, directions) if basis == "minmax" else x
            np.testing.assert_allclose(result.weights[period], pymcdm_entropy(y + 1e-4), atol=1e-10)


def test_entropy_shift_by_hand() -> None:
    """Two units, column (0, 1) and column (1, 3), shifted by 0.5 on the raw proportions."""
    s = 0.5
    p1 = np.array([s, 1 + s]) / (1 + 2 * s)  # (0.25, 0.75)
    p2 = np.array([1 + s, 3 + s]) / (4 + 2 * s)  # (0.3, 0.7)
    e = [-(p * np.log(p)).sum() / np.log(2) for p in (p1, p2)]
    d = 1 - np.array(e)
    result = an.entropy_weights([[0, 1], [1, 3]], basis="proportion", zeros="shift", shift=s)
    np.testing.assert_allclose(result.entropy, e, atol=1e-12)
    np.testing.assert_allclose(result.weights, d / d.sum(), atol=1e-12)
    np.testing.assert_allclose(result.weights, [0.6139, 0.3861], atol=5e-5)


# -------------------------------------------------------------------------------------- CV


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("shift", [0.0, 0.01])
@pytest.mark.parametrize("ddof", [0, 1])
def test_cv_on_minmax_with_cost_indicators_matches_pymcdm_and_scipy(
    seed: int, shift: float, ddof: int
) -> None:
    rng = np.random.default_rng(seed)
    x = rng.lognormal(size=(int(rng.integers(4, 40)), int(rng.integers(2, 8))))
    directions = random_directions(seed + 100, x.shape[1])
    result = an.cv_weights(x, basis="minmax", directions=directions, shift=shift, ddof=ddof)
    v = scipy.stats.variation(pymcdm_minmax(x, directions) + shift, axis=0, ddof=ddof)
    np.testing.assert_allclose(result.variation, v, rtol=1e-12)
    np.testing.assert_allclose(result.weights, v / v.sum(), atol=1e-12)


def test_cv_on_minmax_cost_by_hand_and_a_constant_column() -> None:
    x = np.array([[1.0, 10.0, 5.0], [2.0, 30.0, 5.0], [4.0, 26.0, 5.0]])
    # Benefit (x - 1)/3 = (0, 1/3, 1); cost (30 - x)/20 = (1, 0, 0.2); constant → weight 0.
    y1, y2 = np.array([0, 1 / 3, 1]), np.array([1, 0, 0.2])
    v = np.array([y1.std() / y1.mean(), y2.std() / y2.mean()])
    result = an.cv_weights(x, basis="minmax", directions=["+", "-", "+"])
    np.testing.assert_allclose(result.weights, [*(v / v.sum()), 0.0], atol=1e-12)
    np.testing.assert_allclose(result.weights, [0.4641, 0.5359, 0.0], atol=5e-5)
    # Read as a benefit indicator, column 2 is (0, 1, 0.8): a smaller CV, a smaller weight.
    benefit = an.cv_weights(x, basis="minmax", directions=["+", "+", "+"])
    np.testing.assert_allclose(benefit.weights, [0.5650, 0.4350, 0.0], atol=5e-5)
