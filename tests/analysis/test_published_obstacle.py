"""Obstacle degree (障碍度模型) against a published example (numbers only).

Each example names its source; the tolerance follows the precision the result is published to.
"""

from __future__ import annotations

import numpy as np
import pytest

from baiqianwan import analysis as an
from tests.analysis.published import MATHMODELS_SYSTEM_EVALUATION

# zhjx19/mathmodels (R package) docs/reference/system_evaluation.md
# (commit 757a8748181c9f1596555deac6428d34c29b211b): the printed examples of
# obstacle_degree(df) on three indicators already normalised to [0, 1], with equal weights and
# with weights 0.4, 0.3, 0.3. The package prints the unscaled products F_j·I_ij = w_j(1 - x_ij)
# (scaled = FALSE), 3 significant digits; the obstacle degree O_ij is each row divided by its sum.
X = MATHMODELS_SYSTEM_EVALUATION
EQUAL = [
    [0.328, 0.243, 0.245],
    [0.274, 0.106, 0.209],
    [0.150, 0.314, 0.142],
    [0.109, 0.173, 0.0306],
    [0.326, 0.0370, 0.266],
    [0.00417, 0.148, 0.0339],
]
WEIGHTED = [
    [0.394, 0.218, 0.220],
    [0.329, 0.0953, 0.188],
    [0.180, 0.282, 0.128],
    [0.131, 0.156, 0.0275],
    [0.392, 0.0333, 0.239],
    [0.00500, 0.133, 0.0305],
]
CASES = [
    pytest.param([1 / 3, 1 / 3, 1 / 3], EQUAL, id="equal"),
    pytest.param([0.4, 0.3, 0.3], WEIGHTED, id="0.4-0.3-0.3"),
]


@pytest.mark.parametrize(("weights", "published"), CASES)
def test_obstacle_weighted_deviation_mathmodels(weights: list[float], published: list) -> None:
    """F_j·I_ij printed to 3 significant digits (at most 5e-4 absolute): tolerance 5e-4."""
    result = an.obstacle_degree(X, weights=weights, normalization="none")
    assert result.deviation is not None
    unscaled = result.factor_contribution * result.deviation
    np.testing.assert_allclose(unscaled, published, rtol=0, atol=5.1e-4)


@pytest.mark.parametrize(("weights", "published"), CASES)
def test_obstacle_degree_mathmodels_row_shares(weights: list[float], published: list) -> None:
    """O_ij = the published products over their row sum; rounding of 3 printed digits carries
    through the division, so tolerance 2e-3."""
    result = an.obstacle_degree(X, weights=weights, normalization="none", top_k=3)
    shares = np.asarray(published) / np.sum(published, axis=1, keepdims=True)
    assert result.degree is not None
    np.testing.assert_allclose(result.degree, shares, rtol=0, atol=2e-3)
    np.testing.assert_array_equal(result.top_indices, np.argsort(-shares, axis=1, kind="stable"))
