"""A run's results as tables: the same rows feed the pages' Excel downloads (one table each)
and the whole run's workbook (one sheet per result). Codes and names stay text; a text that
a spreadsheet would take for a formula is guarded as in `core.excel`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from baiqianwan.evaluation.choices import Track
from baiqianwan.evaluation.models import Run, RunScore
from baiqianwan.indicators.models import Indicator
from baiqianwan.units.codes import prefix_of

Table = tuple[str, list[str], list[list[Any]]]


def indicator_names(codes: Sequence[str]) -> dict[str, str]:
    found = dict(Indicator.objects.filter(code__in=list(codes)).values_list("code", "name"))
    return {code: found.get(code, code) for code in codes}


def weak_text(weak: list[list[Any]], names: dict[str, str]) -> str:
    """[[code, degree], …] as "name 31.2%、…"."""
    return "、".join(f"{names.get(str(c), str(c))} {float(d) * 100:.1f}%" for c, d in weak)


def ranking_table(run: Run, scores: Sequence[RunScore], names: dict[str, str]) -> Table:
    tracks = dict(Track.choices)
    headers = [
        _("Period"),
        _("Code"),
        _("Unit"),
        _("Score"),
        _("Rank"),
        _("Rank change (+ advanced)"),
        _("Track"),
        _("Rank in track"),
        _("Weak points (indicators)"),
        _("Weak points (dimensions)"),
        _("Coordination D"),
        _("Coupling grade"),
        _("Lag type"),
        _("Targets green"),
        _("Targets yellow"),
        _("Targets red"),
        _("Values filled in"),
    ]
    rows = []
    for s in scores:
        lights = list(s.lights) + [None] * (3 - len(s.lights))
        rows.append(
            [
                s.period,
                s.unit.code,
                s.unit.name,
                round(s.score, 6),
                s.rank,
                s.change,
                str(tracks.get(s.track, "")),
                s.track_rank,
                weak_text(s.weak, names),
                weak_text(s.weak_dimensions, {}),
                None if s.coordination is None else round(s.coordination, 6),
                s.grade,
                s.lag,
                *lights[:3],
                _("yes") if s.filled else "",
            ]
        )
    return _("Ranking"), headers, rows


def weights_table(run: Run, names: dict[str, str]) -> Table:
    weights = run.summary.get("weights", {})
    periods = list(weights)
    codes = list(weights[periods[-1]]) if periods else []
    headers = [_("Code"), _("Indicator"), *periods]
    rows = [
        [code, names.get(code, code), *(round(weights[p].get(code, 0.0), 6) for p in periods)]
        for code in codes
    ]
    return _("Weights"), headers, rows


def group_visible(code: str, prefix: str) -> bool:
    """Whether a balance group lies within the area `prefix`, or contains it."""
    return code.startswith(prefix) or prefix.startswith(prefix_of(code))


def balance_table(run: Run, prefix: str = "") -> Table:
    """Theil (between / within), Gini and CV by period, then each group's Theil index and
    contribution; groups outside `prefix` are left out (a county sees its own group)."""
    headers = [
        _("Period"),
        _("Group"),
        _("Theil T"),
        _("Between groups"),
        _("Within groups"),
        _("Gini"),
        _("CV"),
        _("Group mean score"),
        _("Contribution"),
    ]
    rows: list[list[Any]] = []
    for period, entry in run.summary.get("balance", {}).items():
        rows.append(
            [
                period,
                _("All"),
                entry["theil"],
                entry.get("between"),
                entry.get("within"),
                entry["gini"],
                entry["cv"],
                None,
                None,
            ]
        )
        for group in entry.get("groups", []):
            if prefix and not group_visible(group["code"], prefix):
                continue
            rows.append(
                [
                    period,
                    group["name"],
                    group["index"],
                    None,
                    None,
                    None,
                    None,
                    group["mean"],
                    group["contribution"],
                ]
            )
    return _("Balance"), headers, rows


def convergence_table(run: Run) -> Table:
    found = run.summary.get("convergence", {})
    headers = [_("Period"), "σ"]
    rows: list[list[Any]] = [
        [p, s] for p, s in zip(run.periods, found.get("sigma", []), strict=False)
    ]
    if "beta" in found:
        rows.append(["β", found["beta"]])
        rows.append([_("β p-value"), found["beta_p"]])
    return _("Convergence"), headers, rows


def targets_table(run: Run, names: dict[str, str]) -> Table:
    headers = [
        _("Milestone"),
        _("Code"),
        _("Indicator"),
        _("Green"),
        _("Yellow"),
        _("Red"),
        _("Median achievement"),
    ]
    rows = [
        [milestone, code, names.get(code, code), c["green"], c["yellow"], c["red"], c["median"]]
        for milestone, table in run.summary.get("targets", {}).items()
        for code, c in table.items()
    ]
    return pgettext("evaluation sheet", "Targets"), headers, rows


def weak_table(scores: Sequence[RunScore], names: dict[str, str]) -> Table:
    headers = [_("Period"), _("Code"), _("Unit"), _("Place"), _("Indicator"), _("Obstacle degree")]
    rows = [
        [s.period, s.unit.code, s.unit.name, place, names.get(code, code), degree]
        for s in scores
        for place, (code, degree) in enumerate(s.weak, start=1)
    ]
    return _("Weak points"), headers, rows


def coupling_table(scores: Sequence[RunScore]) -> Table:
    headers = [
        _("Period"),
        _("Code"),
        _("Unit"),
        _("Coupling C"),
        _("Development T"),
        _("Coordination D"),
        _("Coupling grade"),
        _("Lag type"),
    ]
    rows = [
        [
            s.period,
            s.unit.code,
            s.unit.name,
            s.coupling,
            s.development,
            s.coordination,
            s.grade,
            s.lag,
        ]
        for s in scores
        if s.coordination is not None
    ]
    return _("Coupling"), headers, rows


def about_table(run: Run) -> Table:
    """The 说明 sheet: what was run, on what, and what the notes say."""
    params = run.parameters
    scheme = params.get("scheme", {})
    rows: list[list[Any]] = [
        [
            _("Scheme"),
            f"{scheme.get('name', '')}（{scheme.get('code', '')}）",
        ],
        [_("Run"), f"#{run.pk}"],
        [_("Periods"), "、".join(run.periods)],
        [_("Data"), run.get_source_display()],
        [_("Software version"), run.software],
        [_("Inputs SHA-256"), run.inputs_sha256],
    ]
    if run.is_demo:
        rows.append([_("Demo data"), "演示数据"])
    if run.provisional:
        rows.append([_("Provisional"), "临时结果"])
    rows += [
        [name, str(value)] for name, value in params.items() if name not in ("scheme", "indicators")
    ]
    rows.append([_("Indicators"), "、".join(i["code"] for i in params.get("indicators", []))])
    rows += [[_("Note"), note] for note in run.notes]
    return _("About"), [_("Item"), _("Value")], rows
