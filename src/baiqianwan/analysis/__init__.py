"""Evaluation methods of regional development, pure NumPy/SciPy (never Django).

``from baiqianwan import analysis as an``; every function takes arrays shaped
(..., units, indicators) (leading axes are periods) and returns a frozen dataclass that keeps
its intermediates and converts to a DataFrame with ``.to_frame()``. See docs/methods/.
"""

from baiqianwan.analysis._validation import AnalysisInputError
from baiqianwan.analysis.normalize import NormalizeResult, normalize
from baiqianwan.analysis.topsis import ScoreResult, TopsisResult, topsis, weighted_sum
from baiqianwan.analysis.weights import (
    SAATY_RI,
    AHPResult,
    CombinedWeights,
    CriticResult,
    CVResult,
    EntropyResult,
    InconsistentJudgementError,
    ahp_weights,
    combine_weights,
    critic_weights,
    cv_weights,
    entropy_weights,
)

__all__ = [
    "SAATY_RI",
    "AHPResult",
    "AnalysisInputError",
    "CVResult",
    "CombinedWeights",
    "CriticResult",
    "EntropyResult",
    "InconsistentJudgementError",
    "NormalizeResult",
    "ScoreResult",
    "TopsisResult",
    "ahp_weights",
    "combine_weights",
    "critic_weights",
    "cv_weights",
    "entropy_weights",
    "normalize",
    "topsis",
    "weighted_sum",
]
