"""Coupling coordination degree (耦合协调度) of two or more subsystems: C, T, D and grades."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from baiqianwan.analysis._validation import (
    AnalysisInputError,
    as_float_array,
    as_weights,
    choice,
)
from baiqianwan.analysis.results import vectors_frame

if TYPE_CHECKING:
    import pandas as pd

#: The ten grades of D in steps of 0.1, from [0, 0.1) to [0.9, 1].
GRADES = (
    "极度失调",
    "严重失调",
    "中度失调",
    "轻度失调",
    "濒临失调",
    "勉强协调",
    "初级协调",
    "中级协调",
    "良好协调",
    "优质协调",
)
SYNCHRONOUS = "同步型"


@dataclass(frozen=True, eq=False)
class CouplingResult:
    """C, T, D per unit with the grade (0-9 and its name) and the lagging subsystem.

    ``lagging`` is the index of the lowest subsystem, or -1 when the spread
    max(u) - min(u) is within the tolerance (同步型); ``lag_type`` names it, e.g. 乡村滞后型.
    """

    coupling: NDArray[np.float64]
    development: NDArray[np.float64]
    coordination: NDArray[np.float64]
    grade: NDArray[np.int64]
    grade_name: NDArray[np.str_]
    lagging: NDArray[np.int64]
    lag_type: NDArray[np.str_]
    variant: str

    def to_frame(
        self, *, units: Sequence[Any] | None = None, periods: Sequence[Any] | None = None
    ) -> pd.DataFrame:
        """One row per unit (and period): C, T, D, grade, lag type."""
        return vectors_frame(
            {
                "C": self.coupling,
                "T": self.development,
                "D": self.coordination,
                "grade": self.grade_name,
                "lag_type": self.lag_type,
            },
            units=units,
            periods=periods,
        )


def coupling_coordination(
    U: ArrayLike,
    *,
    alpha: ArrayLike | None = None,
    variant: Literal["standard", "power", "revised"] = "standard",
    k: float | None = None,
    names: Sequence[str] | None = None,
    lag_tolerance: float = 0.1,
    closed: Literal["left", "right"] = "left",
) -> CouplingResult:
    """Coupling coordination degree model of n ≥ 2 subsystems.

    Parameters
    ----------
    U : array_like (..., subsystems)
        Comprehensive development levels :math:`u_i \\in [0, 1]` of each subsystem (e.g. a
        weighted sum of each dimension's normalised indicators); last axis = subsystems.
    alpha : array_like (subsystems,), optional
        Contribution coefficients of T, summing to 1; default equal (1/n each).
    variant : {"standard", "power", "revised"}
        ``"standard"`` (default), Eq. (19); ``"power"``, Eq. (20) with exponent `k`;
        ``"revised"``, Wang Shujia et al. (2021) Eq. (21).
    k : float, optional
        Exponent of the power variant (default 1/n, which equals the standard form; papers
        using the uncorrected two-system form often take k = 2).
    names : sequence of str, optional
        Subsystem names for the lag type, e.g. ``["城镇", "乡村"]`` → ``"乡村滞后型"``.
    lag_tolerance : float
        A unit whose subsystems differ by at most this is 同步型 (default 0.1).
    closed : {"left", "right"}
        Grade intervals [0.1, 0.2) (default) or (0.1, 0.2] as in some papers' tables.

    Notes
    -----
    .. math::

        C = n \\left(\\prod_i u_i\\right)^{1/n} \\Big/ \\sum_i u_i
        \\quad (19; n = 2: 2\\sqrt{u_1 u_2}/(u_1 + u_2))

        C = \\left[\\prod_i u_i \\Big/ \\left(\\tfrac1n \\sum_i u_i\\right)^n\\right]^k
        \\quad (20)

        C = \\sqrt{\\left[1 - \\frac{\\sum_{i>j} |u_i - u_j|}{\\sum_{m=1}^{n-1} m}\\right]
            \\left[\\prod_i \\frac{u_i}{\\max_j u_j}\\right]^{1/(n-1)}}             \\quad (21)

        T = \\sum_i \\alpha_i u_i, \\qquad D = \\sqrt{C T}                        \\quad (22)

    Edge cases: u outside [0, 1], or missing (NaN), raises; when every u is 0 (a unit, or a
    whole period, with no development), C is 0 (nothing to couple), so D = 0 and the grade is
    极度失调.

    References
    ----------
    刘耀彬, 李仁东, 宋学锋 (2005). 中国区域城市化与生态环境耦合的关联分析. 地理学报 60(2).
    王淑佳, 孔伟, 任亮, 治丹丹, 戴彬婷 (2021). 国内耦合协调度模型的误区及修正. 自然资源学报
    36(3), 793-810 (the standard form, the misuses, and the revised C of Eq. 21).
    """
    choice(variant, ("standard", "power", "revised"), name="variant")
    choice(closed, ("left", "right"), name="closed")
    u = as_float_array(U, name="U")
    n = u.shape[-1]
    if n < 2:
        raise AnalysisInputError("coupling needs at least 2 subsystems (the last axis of U)")
    if not np.all(np.isfinite(u)) or (u < 0).any() or (u > 1).any():
        raise AnalysisInputError("subsystem levels must be finite and lie in [0, 1]")
    a = np.full(n, 1.0 / n) if alpha is None else as_weights(alpha, n, name="alpha")
    total = u.sum(axis=-1)
    positive = total > 0
    safe_total = np.where(positive, total, 1.0)
    with np.errstate(divide="ignore"):
        log_mean = np.log(u).mean(axis=-1)  # ln of the geometric mean; -inf if any u is 0
    if variant == "standard":
        coupling = n * np.exp(log_mean) / safe_total  # Eq. (19)
    elif variant == "power":
        exponent = 1.0 / n if k is None else k
        ratio = np.exp(n * log_mean) / (safe_total / n) ** n
        coupling = ratio**exponent  # Eq. (20)
    else:
        i, j = np.triu_indices(n, 1)
        spread = np.abs(u[..., i] - u[..., j]).sum(axis=-1) / (n * (n - 1) / 2)
        top = np.where(positive, u.max(axis=-1), 1.0)
        product = np.prod(u / top[..., None], axis=-1)
        coupling = np.sqrt(np.clip(1 - spread, 0, None) * product ** (1.0 / (n - 1)))  # Eq. (21)
    coupling = np.where(positive, np.clip(coupling, 0.0, 1.0), 0.0)
    development = u @ a
    coordination = np.sqrt(coupling * development)  # Eq. (22)
    scaled = coordination * 10
    grade = np.floor(scaled) if closed == "left" else np.ceil(scaled) - 1
    grade = np.clip(grade, 0, 9).astype(np.int64)
    lagging = np.where(u.max(axis=-1) - u.min(axis=-1) > lag_tolerance, u.argmin(axis=-1), -1)
    labels = list(names) if names is not None else [f"子系统{i + 1}" for i in range(n)]
    if len(labels) != n:
        raise AnalysisInputError(f"{len(labels)} names given for {n} subsystems")
    lag_names = np.array([*(f"{name}滞后型" for name in labels), SYNCHRONOUS])
    return CouplingResult(
        coupling=coupling,
        development=development,
        coordination=coordination,
        grade=grade,
        grade_name=np.array(GRADES)[grade],
        lagging=lagging.astype(np.int64),
        lag_type=lag_names[lagging],
        variant=variant,
    )
