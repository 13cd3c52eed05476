"""CRITIC weights against published worked examples (inputs and results only, no code).

Each example names its source; the tolerance follows the precision the result is published to.
"""

from __future__ import annotations

import numpy as np

from baiqianwan import analysis as an

# Diakoulaki, Mavrotas & Papayannakis (1995), Computers & Operations Research 22(7) 763-770,
# the 8 alternatives × 3 criteria example (all benefit), as reproduced with the CRITIC weights
# (min-max scaling, Pearson r, 1 - r) in scikit-criteria's tests:
# quatrope/scikit-criteria tests/preprocessing/test_weighters.py
# (commit 081a59c67f14d440639e7aba597ff883a91ea52c),
# test_critic_weight_weights_diakoulaki1995determining, scale=True / "pearson".
DIAKOULAKI_1995 = [
    [61, 1.08, 4.33],
    [20.7, 0.26, 4.34],
    [16.3, 1.98, 2.53],
    [9.0, 3.29, 1.65],
    [5.4, 2.77, 2.33],
    [4.0, 4.12, 1.21],
    [-6.1, 3.52, 2.10],
    [-34.6, 3.31, 0.98],
]
DIAKOULAKI_WEIGHTS = [0.20222554, 0.48090173, 0.31687273]  # published to 8 decimals


def test_critic_diakoulaki_1995() -> None:
    """Published to 8 decimals: tolerance 5e-9."""
    result = an.critic_weights(DIAKOULAKI_1995)
    np.testing.assert_allclose(result.weights, DIAKOULAKI_WEIGHTS, rtol=0, atol=5e-9)


def test_critic_diakoulaki_1995_weights_do_not_depend_on_ddof() -> None:
    """σ with ddof 0 or 1 scales every C_j alike, so the published weights hold for both."""
    result = an.critic_weights(DIAKOULAKI_1995, ddof=0)
    np.testing.assert_allclose(result.weights, DIAKOULAKI_WEIGHTS, rtol=0, atol=5e-9)


# Tuş & Aytaç Adalı (2019), The new combination with CRITIC and WASPAS methods for the time and
# attendance software selection problem, OPSEARCH 56(2) 528-538, doi:10.1007/s12597-019-00371-6:
# 5 alternatives × 6 criteria and the weights to 3 decimals, as reproduced in
# energyinpython/pyrepo-mcda tests/test_weighting_methods.py
# (commit e69d81f2c8d7f8478558ba02c1f7822b66f8fc79), Test_CRITIC.test_critic. That test
# computes the weights without criterion types (every column min-max scaled as benefit), and
# the published weights are reproduced that way; with the first criterion (price) reversed as
# a cost they are not (0.184, 0.213, ...), because reversing a column flips the sign of its
# correlations and so changes its conflict Σ(1 - r).
TUS_2019 = [
    [5000, 3, 3, 4, 3, 2],
    [680, 5, 3, 2, 2, 1],
    [2000, 3, 2, 3, 4, 3],
    [600, 4, 3, 1, 2, 2],
    [800, 2, 4, 3, 3, 4],
]
TUS_2019_WEIGHTS = [0.157, 0.249, 0.168, 0.121, 0.154, 0.151]


def test_critic_tus_adali_2019() -> None:
    """Published to 3 decimals: tolerance 5e-4 (+ float slack)."""
    result = an.critic_weights(TUS_2019)
    np.testing.assert_allclose(result.weights, TUS_2019_WEIGHTS, rtol=0, atol=5.1e-4)


# zhjx19/mathmodels (R package) docs/reference/critic_weight.md
# (commit e909b82890e2aedeb0e8c13bf8f60b6b79cd1f4c), example of critic_weight(X, index) with
# x1 benefit ("+") and x2 cost ("-"), method "std", Pearson: w = 0.5075187, 0.4924813.
def test_critic_mathmodels_example_with_cost_indicator() -> None:
    """Printed to 7 decimals: tolerance 5e-8 (+ float slack)."""
    X = [[3, 10], [5, 20], [2, 15], [7, 25]]
    result = an.critic_weights(X, directions=["+", "-"])
    np.testing.assert_allclose(result.weights, [0.5075187, 0.4924813], rtol=0, atol=5.1e-8)
