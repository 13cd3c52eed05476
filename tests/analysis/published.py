"""Published inputs used by more than one test file (numbers only, each with its source)."""

from __future__ import annotations

import numpy as np

# zhjx19/mathmodels (R package) docs/reference/system_evaluation.md
# (commit 757a8748181c9f1596555deac6428d34c29b211b): the 6 x 3 table, already normalised to
# [0, 1], on which the page prints both coupling_degree() and obstacle_degree().
MATHMODELS_SYSTEM_EVALUATION = np.array(
    [
        [0.0162, 0.2720, 0.2655],
        [0.1782, 0.6824, 0.3721],
        [0.5490, 0.0593, 0.5729],
        [0.6730, 0.4812, 0.9082],
        [0.0207, 0.8891, 0.2017],
        [0.9875, 0.5573, 0.8984],
    ]
)
