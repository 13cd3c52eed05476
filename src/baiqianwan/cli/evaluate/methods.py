"""The evaluation methods of ``bqw evaluate``, by name: what each computes, from which options.

`METHODS` maps a method's name to its function and the options it reads; the command line
takes its choices from there, and a new method is one function and one entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from baiqianwan import analysis as an
from baiqianwan.cli.lang import say
from baiqianwan.tabular import Dataset, Sheet, TableInputError, pairwise_read

if TYPE_CHECKING:
    import pandas as pd


class EvaluateInputError(TableInputError):
    """Input that the chosen method cannot evaluate (no direction, a constant column …)."""


@dataclass(frozen=True)
class Options:
    """What the command line says about how to evaluate; each method reads some of it."""

    missing: str = "raise"
    normalization: str = "vector"
    combine: str = "none"
    alpha: float = 0.5
    pairwise_sheet: str = "pairwise"
    accept_inconsistent: bool = False
    subsystems: str | None = None
    coupling_variant: str = "standard"
    floor: float = 0.0
    top_k: int = 3
    ddof: int = 0


@dataclass
class Outcome:
    """What a method produced: sheets to write, the ranked table to print, JSON to emit."""

    sheets: dict[str, pd.DataFrame]
    table: pd.DataFrame
    summary: dict[str, Any]


Run = Callable[[Dataset, Options, Mapping[str, Sheet]], Outcome]


@dataclass(frozen=True)
class Method:
    """A method of the registry.

    Attributes
    ----------
    run : callable
        ``run(data, options, sheets)`` computes the outcome.
    options : tuple of str
        The options it reads (`Options` fields and the columns it uses, as the command line
        names them without ``--``), for the command line's help.
    ranked : bool
        Whether its table ranks units (printed from the top), rather than listing indicators.
    """

    run: Run
    options: tuple[str, ...]
    ranked: bool


# ----------------------------------------------------------------------------- checks


def _unit_index(data: Dataset) -> pd.Index:
    """The units as a frame's index named "unit" (the output puts their names beside it)."""
    import pandas as pd

    return pd.Index(data.units, name="unit")


def _require_directions(data: Dataset) -> list[str]:
    missing = [k for k, d in enumerate(data.directions) if d is None]
    if missing:
        k = missing[0]
        raise EvaluateInputError(
            say(
                "indicator {name!r} has no direction; add 正向/逆向 (+/-) in a 'direction' row"
                " under the header or an 'indicators' sheet",
                name=data.indicators[k],
            ),
            sheet=data.sheet,
            row=data.header_row,
            column=data.columns[k],
        )
    return [d for d in data.directions if d is not None]


def _clean_values(data: Dataset, missing: str) -> NDArray[np.float64]:
    nan = np.isnan(data.values)
    if nan.any() and missing == "raise":
        i, k = (int(v) for v in np.argwhere(nan)[0])
        raise EvaluateInputError(
            say(
                "missing value for {unit!r}, {indicator!r}; fill it or pass --missing"
                " drop|mean|median",
                unit=data.units[i],
                indicator=data.indicators[k],
            ),
            sheet=data.sheet,
            row=data.row_numbers[i],
            column=data.columns[k],
        )
    return data.values


def _reject_constant(data: Dataset, values: NDArray[np.float64]) -> None:
    with np.errstate(invalid="ignore"):
        constant = np.nanmax(values, axis=0) == np.nanmin(values, axis=0)
    if constant.any():
        k = int(np.argmax(constant))
        raise EvaluateInputError(
            say(
                "indicator {name!r} is constant ({value:g} for every unit), so it cannot tell"
                " units apart; remove the column",
                name=data.indicators[k],
                value=float(np.nanmax(values[:, k])),
            ),
            sheet=data.sheet,
            column=data.columns[k],
        )


def _given_weights(data: Dataset) -> NDArray[np.float64] | None:
    if all(w is None for w in data.weights):
        return None
    if any(w is None for w in data.weights):
        k = next(k for k, w in enumerate(data.weights) if w is None)
        raise EvaluateInputError(
            say("indicator {name!r} has no weight while others do", name=data.indicators[k])
        )
    weights = np.array(data.weights, dtype=float)
    if (weights < 0).any() or weights.sum() <= 0:
        raise EvaluateInputError(say("given weights must be non-negative and not all 0"))
    return weights / weights.sum()


def _missing(
    data: Dataset, values: NDArray[np.float64], missing: str
) -> tuple[NDArray[np.float64], Dataset]:
    """Fill or drop missing values as `missing` says; a dropped unit leaves every list."""
    if missing == "raise" or not np.isnan(values).any():
        return values, data
    from baiqianwan.analysis._validation import handle_missing

    cleaned, keep = handle_missing(values, missing=missing)  # type: ignore[arg-type]
    if keep.all():
        return cleaned, data
    kept_units = [u for u, k in zip(data.units, keep, strict=True) if k]
    data.notes.append(say("dropped {count} unit(s) with missing values", count=int((~keep).sum())))
    data.units = kept_units
    data.row_numbers = [r for r, k in zip(data.row_numbers, keep, strict=True) if k]
    if data.groups is not None:
        data.groups = [g for g, k in zip(data.groups, keep, strict=True) if k]
    if data.population is not None:
        data.population = data.population[keep]
    if data.names is not None:
        data.names = [n for n, k in zip(data.names, keep, strict=True) if k]
    return cleaned, data


def _scoring_input(
    data: Dataset, options: Options
) -> tuple[NDArray[np.float64], list[str], Dataset]:
    """Values and directions for a method that scores units: every indicator has a
    direction, missing values are handled, no column is constant."""
    values = _clean_values(data, options.missing)
    directions = _require_directions(data)
    values, data = _missing(data, values, options.missing)
    _reject_constant(data, values)
    return values, directions, data


# ----------------------------------------------------------------------------- weights


def _weights(
    data: Dataset, values: NDArray[np.float64], directions: list[str], options: Options
) -> tuple[NDArray[np.float64], pd.DataFrame]:
    """Entropy weights, combined with the given ones if asked; the frame explains them."""
    entropy = an.entropy_weights(values, directions=directions)
    frame = entropy.to_frame(indicators=data.indicators)
    weights = entropy.weights
    given = _given_weights(data)
    if options.combine != "none":
        if given is None:
            raise EvaluateInputError(
                say(
                    "--combine {combine} needs a 'weight' (权重) row or an 'indicators' sheet"
                    " with weights",
                    combine=options.combine,
                )
            )
        combined = an.combine_weights(
            given,
            entropy.weights,
            method=options.combine,  # type: ignore[arg-type]
            alpha=options.alpha,
        )
        weights = combined.weights
        frame = frame.assign(subjective=given, weight=weights)
    elif given is not None:
        data.notes.append(
            say(
                "the given weights were not used; pass --combine multiplicative|linear to"
                " combine them with the entropy weights"
            )
        )
    frame.insert(0, "direction", directions)
    frame.insert(1, "dimension", [d or "" for d in data.dimensions])
    return weights, frame


# ----------------------------------------------------------------------------- methods


def _topsis_outcome(
    data: Dataset,
    values: NDArray[np.float64],
    directions: list[str],
    weights: NDArray[np.float64],
    weights_frame: pd.DataFrame,
    options: Options,
) -> Outcome:
    import pandas as pd

    result = an.topsis(
        values,
        weights=weights,
        directions=directions,
        normalization=options.normalization,  # type: ignore[arg-type]
    )
    scores = result.to_frame(units=data.units).rename(columns={"closeness": "score"})
    scores = scores[["rank", "score", "d_plus", "d_minus"]]
    assert result.normalized is not None and result.weighted is not None
    sheets = {
        "scores": scores.sort_values("rank", kind="stable"),
        "weights": weights_frame,
        "normalized": pd.DataFrame(
            result.normalized, index=_unit_index(data), columns=data.indicators
        ),
        "weighted": pd.DataFrame(result.weighted, index=_unit_index(data), columns=data.indicators),
        "ideal": pd.DataFrame(
            {"ideal": result.ideal, "anti_ideal": result.anti_ideal}, index=data.indicators
        ),
    }
    return Outcome(sheets=sheets, table=sheets["scores"], summary={})


def entropy_topsis(data: Dataset, options: Options, sheets: Mapping[str, Sheet]) -> Outcome:
    """TOPSIS with entropy weights (combined with given weights on request)."""
    values, directions, data = _scoring_input(data, options)
    weights, frame = _weights(data, values, directions, options)
    return _topsis_outcome(data, values, directions, weights, frame, options)


def ahp_topsis(data: Dataset, options: Options, sheets: Mapping[str, Sheet]) -> Outcome:
    """TOPSIS with AHP weights from the pairwise sheet; refuses CR ≥ 0.1 unless accepted."""
    import pandas as pd

    values, directions, data = _scoring_input(data, options)
    sheet = sheets.get(options.pairwise_sheet)
    if sheet is None:
        raise EvaluateInputError(
            say(
                "ahp-topsis needs a sheet named {sheet!r} with the pairwise matrix",
                sheet=options.pairwise_sheet,
            )
        )
    matrix = pairwise_read(sheet, data.indicators)
    ahp = an.ahp_weights(matrix, accept_inconsistent=options.accept_inconsistent)
    frame = ahp.to_frame(indicators=data.indicators)
    frame.insert(0, "direction", directions)
    outcome = _topsis_outcome(data, values, directions, ahp.weights, frame, options)
    outcome.sheets["consistency"] = pd.DataFrame(
        {"value": [ahp.lambda_max, ahp.ci, ahp.ri, ahp.cr]},
        index=["lambda_max", "CI", "RI", "CR"],
    )
    outcome.summary["consistency"] = {"lambda_max": ahp.lambda_max, "CI": ahp.ci, "CR": ahp.cr}
    return outcome


def entropy_weighted_sum(data: Dataset, options: Options, sheets: Mapping[str, Sheet]) -> Outcome:
    """Weighted sum of min-max values on [floor, 1] with entropy weights."""
    import pandas as pd

    values, directions, data = _scoring_input(data, options)
    weights, frame = _weights(data, values, directions, options)
    result = an.weighted_sum(
        values, weights=weights, directions=directions, feature_range=(options.floor, 1.0)
    )
    scores = result.to_frame(units=data.units)[["rank", "score"]].sort_values("rank")
    assert result.normalized is not None
    sheets_out = {
        "scores": scores,
        "weights": frame,
        "normalized": pd.DataFrame(
            result.normalized, index=_unit_index(data), columns=data.indicators
        ),
    }
    return Outcome(sheets=sheets_out, table=scores, summary={})


def obstacle(data: Dataset, options: Options, sheets: Mapping[str, Sheet]) -> Outcome:
    """Each unit's weak points (obstacle degree) under entropy weights, by dimension too."""
    import pandas as pd

    values, directions, data = _scoring_input(data, options)
    weights, frame = _weights(data, values, directions, options)
    dims = [d or "" for d in data.dimensions] if all(data.dimensions) else None
    weak_result = an.obstacle_degree(
        values, weights=weights, directions=directions, dimensions=dims, top_k=options.top_k
    )
    weak = weak_result.to_frame(units=data.units, indicators=data.indicators)
    assert weak_result.degree is not None
    sheets_out = {
        "weak_points": weak,
        "obstacle_degree": pd.DataFrame(
            weak_result.degree, index=_unit_index(data), columns=data.indicators
        ),
        "weights": frame,
    }
    if weak_result.dimension_degree is not None:
        sheets_out["dimension_degree"] = pd.DataFrame(
            weak_result.dimension_degree,
            index=_unit_index(data),
            columns=[str(d) for d in weak_result.dimensions],
        )
    return Outcome(sheets=sheets_out, table=weak, summary={})


def coupling(data: Dataset, options: Options, sheets: Mapping[str, Sheet]) -> Outcome:
    """Coupling coordination of subsystem levels: given columns, or each dimension's
    entropy-weighted sum of its indicators."""
    import pandas as pd

    values = _clean_values(data, options.missing)
    if options.subsystems:
        names = [s.strip() for s in options.subsystems.split(",") if s.strip()]
        unknown = [n for n in names if n not in data.indicators]
        if unknown:
            raise EvaluateInputError(
                say(
                    "--subsystems: no column(s) {unknown}; columns: {columns}",
                    unknown=unknown,
                    columns=data.indicators,
                )
            )
        u = values[:, [data.indicators.index(n) for n in names]]
        if np.isnan(u).any():
            raise EvaluateInputError(say("subsystem levels have missing values"))
        frames: dict[str, pd.DataFrame] = {}
    else:
        directions = _require_directions(data)
        if any(d is None for d in data.dimensions):
            raise EvaluateInputError(
                say(
                    "coupling needs --subsystems COL,COL or a 'dimension' (维度) for every"
                    " indicator"
                )
            )
        values, data = _missing(data, values, options.missing)
        _reject_constant(data, values)
        u, names, frames = _dimension_levels(data, values, directions, options)
    result = an.coupling_coordination(
        u,
        names=names,
        variant=options.coupling_variant,  # type: ignore[arg-type]
    )
    table = pd.DataFrame(u, index=_unit_index(data), columns=names).join(
        result.to_frame(units=data.units)
    )
    table = table.sort_values("D", ascending=False, kind="stable")
    return Outcome(sheets={"coupling": table, **frames}, table=table, summary={})


def _dimension_levels(
    data: Dataset, values: NDArray[np.float64], directions: list[str], options: Options
) -> tuple[NDArray[np.float64], list[str], dict[str, pd.DataFrame]]:
    """Each dimension's level: the weighted sum of its indicators under their entropy
    weights, with a weights sheet per dimension."""
    names = list(dict.fromkeys(d for d in data.dimensions if d is not None))
    levels, frames = [], {}
    for name in names:
        cols = [k for k, d in enumerate(data.dimensions) if d == name]
        part = values[:, cols]
        part_directions = [directions[k] for k in cols]
        entropy = an.entropy_weights(part, directions=part_directions)
        levels.append(
            an.weighted_sum(
                part,
                weights=entropy.weights,
                directions=part_directions,
                feature_range=(options.floor, 1.0),
            ).scores
        )
        frames[f"weights_{name}"[:31]] = entropy.to_frame(
            indicators=[data.indicators[k] for k in cols]
        )
    return np.stack(levels, axis=-1), names, frames


BalanceRow = tuple[dict[str, float], "pd.DataFrame | None"]


def _balance(
    data: Dataset,
    options: Options,
    index: str,
    row: Callable[[Dataset, NDArray[np.float64], str], BalanceRow],
) -> Outcome:
    """One row per indicator from `row(data, column, name)`, which may add rows of a
    decomposition by group. An indicator that is 0 for every unit gets indices 0 (the
    library's convention) and a note, so that 0 is not read as perfect balance."""
    import pandas as pd

    values = _clean_values(data, options.missing)
    values, data = _missing(data, values, options.missing)
    rows, group_rows = [], []
    for k, name in enumerate(data.indicators):
        if not np.any(values[:, k]):
            data.notes.append(
                say(
                    "indicator {name!r} is 0 for every unit: its indices are 0 by convention",
                    name=name,
                )
            )
        found, groups = row(data, values[:, k], name)
        rows.append({"indicator": name, **found})
        if groups is not None:
            group_rows.append(groups)
    table = pd.DataFrame(rows).set_index("indicator")
    sheets_out = {index: table}
    if group_rows:
        sheets_out["groups"] = pd.concat(group_rows).set_index(["indicator", "group"])
    return Outcome(sheets=sheets_out, table=table, summary={})


def theil(data: Dataset, options: Options, sheets: Mapping[str, Sheet]) -> Outcome:
    """Theil T of each indicator, decomposed between and within the groups (a group whose
    values are all 0 has index 0 and share 0)."""

    def row(data: Dataset, column: NDArray[np.float64], name: str) -> BalanceRow:
        result = an.theil(column, population=data.population, groups=data.groups)
        groups = None
        if data.groups is not None:
            groups = result.to_frame().reset_index().assign(indicator=name)
        found = {
            "theil_T": float(result.total),
            "between": float(result.between),
            "within": float(result.within),
            "between_share": float(result.between_contribution),
        }
        return found, groups

    return _balance(data, options, "theil", row)


def gini(data: Dataset, options: Options, sheets: Mapping[str, Sheet]) -> Outcome:
    """The Gini coefficient of each indicator, population-weighted if weights are given, and
    inside each group with ``--group-col``."""

    def row(data: Dataset, column: NDArray[np.float64], name: str) -> BalanceRow:
        result = an.gini(column, weights=data.population, groups=data.groups)
        groups = None
        if data.groups is not None:
            groups = result.group_frame().reset_index().assign(indicator=name)
        return {"gini": float(result.gini)}, groups

    return _balance(data, options, "gini", row)


def cv(data: Dataset, options: Options, sheets: Mapping[str, Sheet]) -> Outcome:
    """The coefficient of variation of each indicator, with its mean and spread, and inside
    each group with ``--group-col``."""

    def row(data: Dataset, column: NDArray[np.float64], name: str) -> BalanceRow:
        dispersion = an.cv(column, weights=data.population, groups=data.groups, ddof=options.ddof)
        found = {
            "cv": float(dispersion.cv),
            "mean": float(dispersion.mean),
            "std": float(dispersion.std),
            "max_min_ratio": float(dispersion.max_min_ratio),
        }
        groups = None
        if data.groups is not None:
            groups = dispersion.group_frame().reset_index().assign(indicator=name)
        return found, groups

    return _balance(data, options, "cv", row)


_WEIGHTING = ("combine", "alpha", "missing")
METHODS: dict[str, Method] = {
    "entropy-topsis": Method(entropy_topsis, ("normalization", *_WEIGHTING), ranked=True),
    "ahp-topsis": Method(
        ahp_topsis,
        ("pairwise_sheet", "accept_inconsistent", "normalization", "missing"),
        ranked=True,
    ),
    "entropy-weighted-sum": Method(entropy_weighted_sum, ("floor", *_WEIGHTING), ranked=True),
    "coupling": Method(
        coupling, ("subsystems", "coupling_variant", "floor", "missing"), ranked=True
    ),
    "theil": Method(theil, ("group_col", "weight_col", "missing"), ranked=False),
    "gini": Method(gini, ("group_col", "weight_col", "missing"), ranked=False),
    "cv": Method(cv, ("ddof", "group_col", "weight_col", "missing"), ranked=False),
    "obstacle": Method(obstacle, ("top_k", *_WEIGHTING), ranked=True),
}
