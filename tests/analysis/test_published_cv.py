"""Coefficient-of-variation weights against published worked examples (numbers only).

Each example names its source; the tolerance follows the precision the result is published to.
"""

from __future__ import annotations

import numpy as np
import pytest

from baiqianwan import analysis as an

# Shuai, Zongzhun, Yongji & Lei (2012), A new angular method to determine the objective
# weights, 24th Chinese Control and Decision Conference (CCDC), 3889-3892,
# doi:10.1109/CCDC.2012.6244621: the 4 × 4 example and its coefficient-of-variation weights
# to 4 decimals, as reproduced in energyinpython/pyrepo-mcda tests/test_weighting_methods.py
# (commit e69d81f2c8d7f8478558ba02c1f7822b66f8fc79), Test_Coeff_var.test_coeff_var.
SHUAI_2012 = [[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]]
SHUAI_2012_WEIGHTS = [0.4258, 0.3610, 0.2121, 0.0011]


@pytest.mark.parametrize("ddof", [0, 1])
def test_cv_weights_shuai_2012(ddof: int) -> None:
    """Published to 4 decimals: tolerance 5e-5 (+ float slack); σ's ddof cancels in w."""
    result = an.cv_weights(SHUAI_2012, ddof=ddof)
    np.testing.assert_allclose(result.weights, SHUAI_2012_WEIGHTS, rtol=0, atol=5.1e-5)


# zhjx19/mathmodels (R package) docs/reference/cv_weight.md
# (commit e909b82890e2aedeb0e8c13bf8f60b6b79cd1f4c), example of cv_weight(X):
# w = 0.503839, 0.496161 (R's sample sd; the ddof cancels in the weights).
def test_cv_weights_mathmodels_example() -> None:
    """Printed to 6 decimals: tolerance 5e-7 (+ float slack)."""
    result = an.cv_weights([[10, 5], [20, 10], [15, 8]], ddof=1)
    np.testing.assert_allclose(result.weights, [0.503839, 0.496161], rtol=0, atol=5.1e-7)
