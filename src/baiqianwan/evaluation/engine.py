"""The computation of a run, on arrays only (no Django): what `services.run_execute` calls
between loading the inputs and storing the results, and what the benchmark times as the
library part.

`compute(inputs, params)` applies a scheme's parameters to a units × indicators × periods
matrix with `baiqianwan.analysis`: the missing-value rule, the weights of each period, TOPSIS,
ranks and their change, ranks within tracks, the weak points by indicator and dimension, the
coupling of the subsystems, Theil / Gini / CV by county, σ and β convergence and the targets'
lights. Every refusal is an `EvaluationInputError` whose message names the units or
indicators concerned.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from baiqianwan import analysis as an

# How many units or indicators a message names before it says "and N more".
NAMED = 10
# The milestones of the programme (2025 / 2027 / 2035).
MILESTONES = (2025, 2027, 2035)


def milestone_next(year: int, milestones: Sequence[int] = MILESTONES) -> int:
    """The first of the (non-empty) `milestones` in or after `year`; the last once all are
    past."""
    ordered = sorted(milestones)
    return next((m for m in ordered if m >= year), ordered[-1])


def target_status(
    values: ArrayLike, targets: ArrayLike, benefit: ArrayLike
) -> tuple[NDArray[np.str_], NDArray[np.float64], NDArray[np.bool_]]:
    """Each value against its target (`analysis.target_achievement`: met green, ≥ 80 % yellow,
    below red), "" where it cannot be judged: the value or the target missing, or a target of
    0 for an indicator where more is better. Also the achievement and where it was judged.
    The one rule of the runs' lights, a run's unit page, the cockpit and the briefings."""
    x, t = np.broadcast_arrays(
        np.atleast_1d(np.asarray(values, dtype=np.float64)),
        np.atleast_1d(np.asarray(targets, dtype=np.float64)),
    )
    # `benefit` is one flag, or one per indicator (the last axis).
    more = np.broadcast_to(np.asarray(benefit, dtype=bool), x.shape[-1:])
    usable = np.isfinite(t) & np.isfinite(x) & ~((t == 0) & more)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = an.target_achievement(
            np.where(usable, x, 1.0), target=np.where(usable, t, 1.0), directions=more.tolist()
        )
    return np.where(usable, result.status, ""), result.achievement, usable


# The lists of text an `Inputs` snapshot keeps, one array each.
TEXT_FIELDS = (
    "periods",
    "units",
    "names",
    "groups",
    "tracks",
    "indicators",
    "indicator_names",
    "directions",
    "dimensions",
    "subsystems",
)


class EvaluationInputError(ValueError):
    """Input that a run cannot use; the message says which units or indicators and why."""


@dataclass
class Inputs:
    """What a run reads: `values[p, i, j]` is indicator j of unit i in period p (NaN:
    missing). `groups` is each unit's county code (balance by county), `tracks` its track
    for the last period's year ("" for none), `targets` the target of each unit and
    indicator by milestone year (NaN where none)."""

    periods: list[str]
    years: list[int]
    units: list[str]
    names: list[str]
    groups: list[str]
    group_names: dict[str, str]
    tracks: list[str]
    indicators: list[str]
    indicator_names: list[str]
    directions: list[str]
    dimensions: list[str]
    subsystems: list[str]
    given: list[float | None]
    values: NDArray[np.float64]
    targets: dict[int, NDArray[np.float64]] = field(default_factory=dict)

    def save(self, path_or_file: Any) -> None:
        """The snapshot kept with a run (.npz, compressed); `Inputs.load` reads it back."""
        arrays: dict[str, Any] = {
            name: np.asarray(getattr(self, name), dtype=str) for name in TEXT_FIELDS
        }
        arrays["years"] = np.asarray(self.years, dtype=np.int64)
        arrays["given"] = np.asarray(
            [np.nan if w is None else w for w in self.given], dtype=np.float64
        )
        arrays["values"] = self.values
        arrays["group_codes"] = np.asarray(list(self.group_names), dtype=str)
        arrays["group_labels"] = np.asarray(list(self.group_names.values()), dtype=str)
        arrays["target_years"] = np.asarray(list(self.targets), dtype=np.int64)
        for year, table in self.targets.items():
            arrays[f"target_{year}"] = table
        # An .npz as `np.savez_compressed` writes it, at zlib's fastest level: a province's
        # matrix (26 MB) compresses 4× faster for a few percent more bytes.
        with zipfile.ZipFile(
            path_or_file, mode="w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
        ) as archive:
            for name, array in arrays.items():
                with archive.open(f"{name}.npy", mode="w", force_zip64=True) as member:
                    np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)

    @classmethod
    def load(cls, path_or_file: Any) -> Inputs:
        with np.load(path_or_file, allow_pickle=False) as data:
            texts = {name: [str(x) for x in data[name]] for name in TEXT_FIELDS}
            given = [None if np.isnan(w) else float(w) for w in data["given"]]
            targets = {int(y): data[f"target_{int(y)}"] for y in data["target_years"]}
            return cls(
                **texts,
                years=[int(y) for y in data["years"]],
                group_names=dict(
                    zip(
                        [str(x) for x in data["group_codes"]],
                        [str(x) for x in data["group_labels"]],
                        strict=True,
                    )
                ),
                given=given,
                values=data["values"],
                targets=targets,
            )


@dataclass
class Outcome:
    """A run's results: per unit and period (arrays shaped (periods, units[, k])) and the
    summary the run keeps as JSON."""

    units: list[int]  # rows of the inputs kept (missing="drop" leaves some out)
    score: NDArray[np.float64]
    rank: NDArray[np.int64]
    change: NDArray[np.int64] | None  # (periods - 1, units): rank before - rank now
    track_rank: NDArray[np.int64] | None
    weak: list[list[list[list[Any]]]]  # [period][unit] → [[code, degree], …]
    weak_dimensions: list[list[list[list[Any]]]]
    coupling: dict[str, Any] | None  # arrays C, T, D (periods, units), grade, lag
    lights: NDArray[np.int64] | None  # (units, 3): green, yellow, red counts, last period
    filled: NDArray[np.bool_]
    summary: dict[str, Any]
    notes: list[str]


def _named(items: Sequence[str], more: str = "等 {n} 个") -> str:
    shown = "、".join(items[:NAMED])
    if len(items) > NAMED:
        shown += f" {more.format(n=len(items))}"
    return shown


def _missing(
    inputs: Inputs, rule: str
) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.bool_], list[str]]:
    """The matrix after the missing-value rule, the units kept, the units filled in and the
    notes. 'raise' refuses naming the units (and the indicators they lack)."""
    x = inputs.values
    bad = np.isnan(x)
    keep: NDArray[np.bool_] = np.ones(x.shape[1], dtype=bool)
    filled: NDArray[np.bool_] = np.zeros(x.shape[1], dtype=bool)
    notes: list[str] = []
    if not bad.any():
        return x, keep, filled, notes
    lacking = bad.any(axis=(0, 2))
    rows = np.flatnonzero(lacking)
    labels = [f"{inputs.names[i]}（{inputs.units[i]}）" for i in rows]
    columns = np.flatnonzero(bad.any(axis=(0, 1)))
    indicators = [inputs.indicator_names[j] for j in columns]
    if rule == "raise":
        raise EvaluationInputError(
            f"{len(rows)} 个单位缺少数值：{_named(labels)}；缺的指标：{_named(indicators)}。"
            "可以在方案里选择缺失值的处理：剔除这些单位，或用其他单位的均值、中位数补齐。"
        )
    if rule == "drop":
        keep = np.asarray(~lacking, dtype=bool)
        if keep.sum() < 2:
            raise EvaluationInputError(
                f"剔除缺少数值的 {len(rows)} 个单位后不足两个单位，无法排名：{_named(labels)}"
            )
        notes.append(f"剔除了缺少数值的 {len(rows)} 个单位（不参与排名）：{_named(labels)}")
        return x[:, keep, :], keep, filled, notes
    fill = np.nanmean if rule == "mean" else np.nanmedian
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        centre = fill(x, axis=1, keepdims=True)
    empty = np.isnan(centre).squeeze(1)
    if empty.any():
        p, j = (int(v) for v in np.argwhere(empty)[0])
        raise EvaluationInputError(
            f"{inputs.periods[p]} 没有任何单位报送「{inputs.indicator_names[j]}」，无法补齐"
        )
    x = np.where(bad, centre, x)
    filled = np.asarray(lacking, dtype=bool)
    how = "均值" if rule == "mean" else "中位数"
    notes.append(
        f"{len(rows)} 个单位的 {int(bad.sum())} 个缺失值用同期其他单位的{how}补齐：{_named(labels)}"
    )
    return x, keep, filled, notes


def _within_dimension(
    x: NDArray[np.float64], benefit: NDArray[np.bool_], dims: NDArray[np.intp], count: int
) -> NDArray[np.float64]:
    """Each indicator's entropy weight within its dimension, per period (P, M): the shares
    that split a dimension's AHP weight among its indicators."""
    objective = an.entropy_weights(x, directions=benefit, intermediates=False).weights
    objective = np.broadcast_to(objective, (x.shape[0], x.shape[2])).copy()
    sums = np.zeros((x.shape[0], count))
    np.add.at(sums.T, dims, objective.T)
    sizes = np.bincount(dims, minlength=count)
    share = np.where(
        sums[:, dims] > 0,
        objective / np.where(sums[:, dims] > 0, sums[:, dims], 1),
        1.0 / sizes[dims],
    )
    return share


def _weights(
    x: NDArray[np.float64], inputs: Inputs, params: dict[str, Any], benefit: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], dict[str, Any]]:
    """The weights of each period (P, M) and what the page shows about them."""
    method = params["weighting"]
    periods, _, m = x.shape
    info: dict[str, Any] = {"method": method}
    if method == "given":
        given = np.array([np.nan if w is None else w for w in inputs.given])
        if np.isnan(given).any():
            lacking = [inputs.indicator_names[j] for j in np.flatnonzero(np.isnan(given))]
            raise EvaluationInputError(f"这些指标没有给定权重：{_named(lacking)}")
        if (given < 0).any() or given.sum() <= 0:
            raise EvaluationInputError("给定权重须为非负数，且不能全为 0")
        return np.broadcast_to(given / given.sum(), (periods, m)).copy(), info
    if method == "entropy":
        w = an.entropy_weights(x, directions=benefit, intermediates=False).weights
    elif method == "cv":
        w = an.cv_weights(x, basis="minmax", directions=benefit).weights
    elif method == "critic":
        w = np.stack([an.critic_weights(x[p], directions=benefit).weights for p in range(periods)])
    else:
        w = _ahp(x, inputs, params, benefit, info)
    return np.broadcast_to(w, (periods, m)).copy(), info


def ahp_judged(matrix: NDArray[np.float64], *, accept: bool) -> an.AHPResult:
    """The AHP weights of a pairwise matrix, refused when it is malformed, or inconsistent
    (CR ≥ 0.1) and not accepted."""
    try:
        ahp = an.ahp_weights(matrix, accept_inconsistent=True)
    except an.AnalysisInputError as exc:
        raise EvaluationInputError(f"判断矩阵有误：{exc}") from None
    if not ahp.consistent and not accept:
        raise EvaluationInputError(
            f"判断矩阵不一致：CR = {ahp.cr:.3f}，不小于 0.1。"
            "请修改判断，或在方案中明确接受不一致的矩阵。"
        )
    return ahp


def _ahp(
    x: NDArray[np.float64],
    inputs: Inputs,
    params: dict[str, Any],
    benefit: NDArray[np.bool_],
    info: dict[str, Any],
) -> NDArray[np.float64]:
    """AHP weights (over dimensions, shared within each by entropy, or over indicators),
    combined with entropy weights for the 'combined' method."""
    over = params.get("ahp_over", "dimensions")
    labels = _dimension_labels(inputs) if over == "dimensions" else list(inputs.indicators)
    matrix = np.asarray(params.get("ahp_matrix") or [], dtype=float)
    if matrix.shape != (len(labels), len(labels)):
        raise EvaluationInputError(
            f"判断矩阵应为 {len(labels)}×{len(labels)}（{_named(labels)}），现为 {matrix.shape}"
        )
    ahp = ahp_judged(matrix, accept=bool(params.get("ahp_accept_inconsistent")))
    info.update(ahp_cr=float(ahp.cr), ahp_consistent=bool(ahp.consistent), ahp_labels=labels)
    info["ahp_weights"] = [float(v) for v in ahp.weights]
    periods, _, m = x.shape
    if over == "dimensions":
        dims = np.array([labels.index(d) for d in inputs.dimensions], dtype=np.intp)
        subjective = ahp.weights[dims] * _within_dimension(x, benefit, dims, len(labels))
    else:
        subjective = np.broadcast_to(ahp.weights, (periods, m))
    if params["weighting"] != "combined":
        return subjective
    objective = np.broadcast_to(
        an.entropy_weights(x, directions=benefit, intermediates=False).weights, (periods, m)
    )
    alpha = float(params.get("combine_alpha", 0.5))
    info["alpha"] = alpha
    combined = alpha * subjective + (1 - alpha) * objective
    return combined / combined.sum(axis=-1, keepdims=True)


def _dimension_labels(inputs: Inputs) -> list[str]:
    return list(dict.fromkeys(inputs.dimensions))


def _minmax(x: NDArray[np.float64], benefit: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Direction-aware min-max per period and indicator, 1 best; a constant column is 1."""
    low = x.min(axis=1, keepdims=True)
    high = x.max(axis=1, keepdims=True)
    span = high - low
    safe = np.where(span > 0, span, 1.0)
    y = np.where(benefit, (x - low) / safe, (high - x) / safe)
    return np.where(span > 0, y, 1.0)


def _ranks(score: NDArray[np.float64]) -> NDArray[np.int64]:
    """Competition ranks along the last axis, 1 best; ties share the better rank."""
    order = np.argsort(-score, axis=-1, kind="stable")
    sorted_scores = np.take_along_axis(score, order, axis=-1)
    positions = np.arange(score.shape[-1])
    new = np.ones_like(sorted_scores, dtype=bool)
    new[..., 1:] = sorted_scores[..., 1:] != sorted_scores[..., :-1]
    first = np.maximum.accumulate(np.where(new, positions, 0), axis=-1)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, first + 1, axis=-1)
    return ranks.astype(np.int64)


def _track_ranks(score: NDArray[np.float64], tracks: list[str]) -> NDArray[np.int64] | None:
    labels = np.asarray(tracks)
    if not (labels != "").any():
        return None
    out = np.zeros(score.shape, dtype=np.int64)
    for track in np.unique(labels[labels != ""]):
        members = labels == track
        out[:, members] = _ranks(score[:, members])
    return out


def _weak_lists(
    indices: NDArray[np.intp], degrees: NDArray[np.float64], labels: Sequence[str]
) -> list[list[list[list[Any]]]]:
    """[period][unit] → [[label, degree], …], degrees rounded to 4 places, zeros left out.

    Built as one object array (periods, units, k, 2) turned into lists by NumPy; only the
    few units with a zero degree are filtered in Python."""
    names = np.asarray(labels, dtype=object)[indices]
    rounded = np.round(degrees, 4)
    pairs = np.stack([names, rounded.astype(object)], axis=-1)
    out: list[list[list[list[Any]]]] = pairs.tolist()
    for p, i in np.argwhere(~(rounded > 0).all(axis=-1)).tolist():
        out[p][i] = [pair for pair in out[p][i] if pair[1] > 0]
    return out


def _dimension_top(
    degree: NDArray[np.float64], labels: list[str], k: int
) -> list[list[list[list[Any]]]]:
    k = min(k, degree.shape[-1])
    order = np.argsort(-degree, axis=-1, kind="stable")[..., :k]
    top = np.take_along_axis(degree, order, axis=-1)
    return _weak_lists(order, top, labels)


def _coupling(
    y: NDArray[np.float64], w: NDArray[np.float64], inputs: Inputs
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Each subsystem's score (its indicators' normalised values weighted by their weights
    renormalised within it), then C, T, D, grade and lag type of the subsystems."""
    names = list(
        dict.fromkeys(s or d for s, d in zip(inputs.subsystems, inputs.dimensions, strict=True))
    )
    if len(names) < 2:
        raise EvaluationInputError("耦合协调至少需要两个子系统：请给指标分配子系统（或维度）")
    member = np.array(
        [names.index(s or d) for s, d in zip(inputs.subsystems, inputs.dimensions, strict=True)]
    )
    u = np.empty((*y.shape[:2], len(names)))
    for s in range(len(names)):
        cols = member == s
        ws = w[:, cols]
        total = ws.sum(axis=-1, keepdims=True)
        share = np.where(total > 0, ws / np.where(total > 0, total, 1.0), 1.0 / cols.sum())
        u[:, :, s] = np.einsum("pij,pj->pi", y[:, :, cols], share)
    result = an.coupling_coordination(u, names=names)
    arrays = {
        "C": result.coupling,
        "T": result.development,
        "D": result.coordination,
        "grade": result.grade_name,
        "lag": result.lag_type,
    }
    grades = {}
    for p, period in enumerate(inputs.periods):
        labels, counts = np.unique(result.grade_name[p], return_counts=True)
        grades[period] = {str(g): int(c) for g, c in zip(labels, counts, strict=True)}
    return arrays, {"subsystems": names, "grades": grades}


def _balance(score: NDArray[np.float64], inputs: Inputs, keep: NDArray[np.bool_]) -> dict[str, Any]:
    """Theil T (between / within counties), Gini and CV of the scores, by period."""
    groups = np.asarray(inputs.groups)[keep]
    # By group only when groups hold several units: a county ranking grouped by county
    # would put every unit alone in its group (within 0, between = the whole index).
    grouped = 1 < len(set(groups.tolist())) < len(groups)
    theil = an.theil(score, groups=groups if grouped else None)
    gini = an.gini(score)
    # With the groups, cv also gives each group's mean, in the order of theil.groups (both
    # label the groups by `group_codes`).
    cv = an.cv(score, groups=groups if grouped else None)
    out: dict[str, Any] = {}
    codes = theil.groups.tolist() if grouped else []
    for p, period in enumerate(inputs.periods):
        entry: dict[str, Any] = {
            "theil": float(theil.total[p]),
            "gini": float(gini.gini[p]),
            "cv": float(cv.cv[p]),
        }
        if grouped:
            assert cv.group_mean is not None
            entry.update(
                between=float(theil.between[p]),
                within=float(theil.within[p]),
                groups=[
                    {
                        "code": str(code),
                        "name": inputs.group_names.get(str(code), str(code)),
                        "index": float(theil.group_index[p, g]),
                        "contribution": float(theil.contribution[p, g]),
                        "mean": float(cv.group_mean[p, g]),
                    }
                    for g, code in enumerate(codes)
                ],
            )
        out[period] = entry
    return out


def _convergence(score: NDArray[np.float64], inputs: Inputs) -> dict[str, Any]:
    if score.shape[0] < 2:
        return {}
    times = np.asarray(inputs.years, dtype=float)
    if len(set(inputs.years)) < len(inputs.years):
        times = np.arange(score.shape[0], dtype=float)
    sigma = an.sigma_convergence(score, times=times)
    out: dict[str, Any] = {
        "sigma": [float(v) for v in np.asarray(sigma.sigma)],
        "sigma_slope": float(sigma.slope),
        "sigma_converging": bool(sigma.converging),
    }
    if (score > 0).all():
        beta = an.beta_convergence(score, times=times)
        out.update(
            beta=float(beta.beta),
            beta_p=float(beta.p_value),
            beta_converging=bool(beta.converging),
            beta_speed=float(beta.speed) if np.isfinite(beta.speed) else None,
        )
    return out


def _targets(
    x_last: NDArray[np.float64], inputs: Inputs, keep: NDArray[np.bool_], benefit: NDArray[np.bool_]
) -> tuple[dict[str, Any], NDArray[np.int64] | None]:
    """Achievement of the last period's values against each milestone's targets: counts of
    green / yellow / red units per indicator and milestone, and each unit's lights for the
    next milestone not yet past."""
    year = inputs.years[-1]
    summary: dict[str, Any] = {}
    lights = None
    upcoming = milestone_next(year, list(inputs.targets)) if inputs.targets else None
    for milestone in sorted(inputs.targets):
        status, achievement, usable = target_status(
            x_last, inputs.targets[milestone][keep], benefit
        )
        if not usable.any():
            continue
        table = {}
        for j, code in enumerate(inputs.indicators):
            if not usable[:, j].any():
                continue
            column = status[:, j]
            table[code] = {
                "green": int((column == "green").sum()),
                "yellow": int((column == "yellow").sum()),
                "red": int((column == "red").sum()),
                "median": float(np.median(achievement[usable[:, j], j])),
            }
        summary[str(milestone)] = table
        if milestone == upcoming:
            lights = np.stack(
                [(status == light).sum(axis=1) for light in ("green", "yellow", "red")], axis=1
            ).astype(np.int64)
    return summary, lights


def compute(inputs: Inputs, params: dict[str, Any]) -> Outcome:
    """A run's results from its inputs and parameters (see the module's docstring)."""
    if inputs.values.ndim != 3 or inputs.values.shape[1] < 2:
        raise EvaluationInputError("至少需要两个单位才能排名")
    if not inputs.indicators:
        raise EvaluationInputError("方案没有指标")
    x, keep, filled, notes = _missing(inputs, params.get("missing", "raise"))
    benefit = np.array([d != "negative" for d in inputs.directions], dtype=bool)
    constant = x.max(axis=1) == x.min(axis=1)  # (P, M)
    for p, period in enumerate(inputs.periods):
        flat = [inputs.indicator_names[j] for j in np.flatnonzero(constant[p])]
        if flat:
            notes.append(
                f"{period}：这些指标在所有单位都相同，不区分单位，权重为 0：{_named(flat)}"
            )
    if constant.all():
        raise EvaluationInputError("所有指标在所有单位都相同，无法评价")
    w, weight_info = _weights(x, inputs, params, benefit)
    # A constant indicator tells no unit from another: its weight goes to the others.
    w = np.where(constant, 0.0, w)
    w = w / w.sum(axis=-1, keepdims=True)
    scores = an.topsis(
        x,
        weights=w,
        directions=benefit,
        normalization=params.get("normalization", "minmax"),
        cost=params.get("cost", "invert"),
        intermediates=False,
    )
    score = scores.closeness
    rank = _ranks(score)
    change = rank[:-1] - rank[1:] if rank.shape[0] > 1 else None
    tracks = [t for t, k in zip(inputs.tracks, keep, strict=True) if k]
    track_rank = _track_ranks(score, tracks) if params.get("by_track") else None
    dims = _dimension_labels(inputs)
    dim_index = np.array([dims.index(d) for d in inputs.dimensions])
    top_k = int(params.get("top_k", 3))
    obstacle = an.obstacle_degree(
        x, weights=w, directions=benefit, top_k=top_k, intermediates=False
    )
    weak = _weak_lists(obstacle.top_indices, obstacle.top_degree, inputs.indicators)
    # The dimension obstacle degree is the sum of its indicators' degrees (Eq. 28).
    y = _minmax(x, benefit)
    deviation = w[:, None, :] * (1.0 - y)
    total = deviation.sum(axis=-1, keepdims=True)
    share = np.where(total > 0, deviation / np.where(total > 0, total, 1.0), 0.0)
    by_dim = np.zeros((*share.shape[:2], len(dims)))
    for d in range(len(dims)):
        by_dim[:, :, d] = share[:, :, dim_index == d].sum(axis=-1)
    weak_dimensions = _dimension_top(by_dim, dims, top_k)
    summary: dict[str, Any] = {
        "weights": {
            period: {code: float(w[p, j]) for j, code in enumerate(inputs.indicators)}
            for p, period in enumerate(inputs.periods)
        },
        "weighting": weight_info,
        "units": int(keep.sum()),
        "left_out": int((~keep).sum()),
        "filled": int(filled.sum()),
        "dimensions": dims,
    }
    coupling = None
    if params.get("coupling"):
        coupling, summary["coupling"] = _coupling(y, w, inputs)
    if params.get("balance_by_county", True):
        summary["balance"] = _balance(score, inputs, keep)
    summary["convergence"] = _convergence(score, inputs)
    summary["targets"], lights = _targets(x[-1], inputs, keep, benefit)
    return Outcome(
        units=np.flatnonzero(keep).tolist(),
        score=score,
        rank=rank,
        change=change,
        track_rank=track_rank,
        weak=weak,
        weak_dimensions=weak_dimensions,
        coupling=coupling,
        lights=lights,
        filled=filled[keep],
        summary=summary,
        notes=notes,
    )
