"""Evaluation methods of regional development, pure NumPy/SciPy (never Django).

``from baiqianwan import analysis as an``; functions take arrays shaped (..., units,
indicators) whose leading axes are periods, and return frozen dataclasses that keep their
intermediates and convert to a DataFrame with ``.to_frame()``. See docs/methods/.
"""

from baiqianwan.analysis._validation import AnalysisInputError
from baiqianwan.analysis.convergence import (
    BetaResult,
    SigmaResult,
    beta_convergence,
    sigma_convergence,
)
from baiqianwan.analysis.coupling import GRADES, CouplingResult, coupling_coordination
from baiqianwan.analysis.inequality import (
    DispersionResult,
    GiniResult,
    TheilResult,
    cv,
    gini,
    max_min_ratio,
    theil,
    urban_rural_ratio,
)
from baiqianwan.analysis.normalize import NormalizeResult, normalize
from baiqianwan.analysis.obstacle import ObstacleResult, obstacle_degree
from baiqianwan.analysis.pipeline import EvaluationResult, evaluate
from baiqianwan.analysis.targets import (
    MILESTONES,
    RankChangeResult,
    TargetResult,
    rank_change,
    target_achievement,
)
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
    "GRADES",
    "MILESTONES",
    "SAATY_RI",
    "AHPResult",
    "AnalysisInputError",
    "BetaResult",
    "CVResult",
    "CombinedWeights",
    "CouplingResult",
    "CriticResult",
    "DispersionResult",
    "EntropyResult",
    "EvaluationResult",
    "GiniResult",
    "InconsistentJudgementError",
    "NormalizeResult",
    "ObstacleResult",
    "RankChangeResult",
    "ScoreResult",
    "SigmaResult",
    "TargetResult",
    "TheilResult",
    "TopsisResult",
    "ahp_weights",
    "beta_convergence",
    "combine_weights",
    "coupling_coordination",
    "critic_weights",
    "cv",
    "cv_weights",
    "entropy_weights",
    "evaluate",
    "gini",
    "max_min_ratio",
    "normalize",
    "obstacle_degree",
    "rank_change",
    "sigma_convergence",
    "target_achievement",
    "theil",
    "topsis",
    "urban_rural_ratio",
    "weighted_sum",
]
