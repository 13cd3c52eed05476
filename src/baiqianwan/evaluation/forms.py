"""The evaluation app's forms: a scheme (with its indicators and AHP judgements read from the
posted rows), a run, and the year of the tracks page."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baiqianwan.evaluation.choices import (
    AhpOver,
    Cost,
    MissingRule,
    Normalization,
    Source,
    Weighting,
)
from baiqianwan.indicators.models import Indicator
from baiqianwan.units.choices import Level

# The levels a scheme ranks.
SCHEME_LEVELS = [(v.value, v.label) for v in (Level.COUNTY, Level.TOWN, Level.VILLAGE)]
# Saaty's scale as the matrix form offers it, strongest first: 9 … 2, 1, 1/2 … 1/9.
JUDGEMENTS = [str(n) for n in range(9, 1, -1)] + ["1"] + [f"1/{n}" for n in range(2, 10)]


def styled(form: forms.Form) -> None:
    """Bootstrap's classes on every widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
            css = "form-select form-select-sm"
        elif isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            css = "form-check-input"
        else:
            css = "form-control form-control-sm"
        widget.attrs.setdefault("class", css)


def judgement_parse(text: str) -> float:
    """A judgement as typed ("3", "1/3") to its number; anything off Saaty's scale is
    refused, naming what was typed."""
    cleaned = (text or "").strip()
    if cleaned not in JUDGEMENTS:
        raise ValueError(
            _("“%(value)s” is not on the 1–9 scale (1/9 … 1 … 9)") % {"value": cleaned}
        )
    return float(Fraction(cleaned))


def judgement_text(value: float) -> str:
    """A stored judgement shown on the scale: 3 → "3", 0.333… → "1/3"."""
    if value >= 1:
        return str(round(value))
    return f"1/{round(1 / value)}"


class SchemeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=32)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    unit = forms.ChoiceField(label=gettext_lazy("Area"))
    level = forms.ChoiceField(label=gettext_lazy("Units ranked"), choices=SCHEME_LEVELS)
    weighting = forms.ChoiceField(label=gettext_lazy("Weighting"), choices=Weighting.choices)
    ahp_over = forms.ChoiceField(
        label=gettext_lazy("Pairwise judgements over"), choices=AhpOver.choices
    )
    ahp_accept_inconsistent = forms.BooleanField(
        label=gettext_lazy("Accept an inconsistent matrix (CR ≥ 0.1)"), required=False
    )
    combine_alpha = forms.FloatField(
        label=gettext_lazy("Share of the AHP weights (α)"), min_value=0, max_value=1, initial=0.5
    )
    normalization = forms.ChoiceField(
        label=gettext_lazy("Normalisation"), choices=Normalization.choices
    )
    cost = forms.ChoiceField(
        label=gettext_lazy("Negative indicators in TOPSIS"), choices=Cost.choices
    )
    missing = forms.ChoiceField(label=gettext_lazy("Missing values"), choices=MissingRule.choices)
    top_k = forms.IntegerField(
        label=gettext_lazy("Weak points per unit"), min_value=1, max_value=10, initial=3
    )
    by_track = forms.BooleanField(label=gettext_lazy("Rank each track separately"), required=False)
    coupling = forms.BooleanField(
        label=gettext_lazy("Coupling coordination of the subsystems"), required=False
    )
    balance_by_county = forms.BooleanField(
        label=gettext_lazy("Theil and Gini by group"), required=False, initial=True
    )
    include_like_units = forms.BooleanField(
        label=gettext_lazy("include town-like units (farms, zones, prisons)"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = areas  # type: ignore[attr-defined]
        styled(self)


@dataclass
class Member:
    """One indicator row of the scheme form as posted."""

    indicator: Indicator
    chosen: bool
    order: int
    weight: str
    subsystem: str


def members_parse(data: Any, indicators: list[Indicator]) -> tuple[list[Member], list[str]]:
    """The indicator rows of a posted scheme form in their order, and the errors (each
    naming the indicator)."""
    chosen = set(data.getlist("indicator"))
    rows, errors = [], []
    for position, indicator in enumerate(indicators):
        raw_order = (data.get(f"order_{indicator.code}") or "").strip()
        try:
            order = int(raw_order) if raw_order else position + 1
        except ValueError:
            errors.append(
                _("%(indicator)s: the order “%(value)s” is not a whole number")
                % {"indicator": indicator.name, "value": raw_order}
            )
            order = position + 1
        weight = (data.get(f"weight_{indicator.code}") or "").strip()
        if weight and indicator.code in chosen:
            try:
                if float(weight) < 0:
                    raise ValueError
            except ValueError:
                errors.append(
                    _("%(indicator)s: the given weight “%(value)s” is not a number ≥ 0")
                    % {"indicator": indicator.name, "value": weight}
                )
        rows.append(
            Member(
                indicator=indicator,
                chosen=indicator.code in chosen,
                order=order,
                weight=weight,
                subsystem=(data.get(f"subsystem_{indicator.code}") or "").strip()[:100],
            )
        )
    rows.sort(key=lambda m: (not m.chosen, m.order))
    return rows, errors


def ahp_labels(members: list[Member], over: str) -> list[str]:
    """What the pairwise matrix compares, in the order the run uses: the chosen indicators'
    dimensions (first appearance) or their codes."""
    chosen = [m.indicator for m in members if m.chosen]
    if over == AhpOver.INDICATORS:
        return [i.code for i in chosen]
    return list(dict.fromkeys(i.dimension.name if i.dimension_id else "" for i in chosen))


def ahp_parse(
    data: Any, labels: list[str], stored: list[list[float]] | None = None
) -> tuple[list[list[str]], list[str]]:
    """The upper triangle's judgements as typed (text, "1" where none), carried over by label
    when the labels changed since the form was drawn, and the errors naming the pair."""
    # One label a line; a browser posts a textarea's lines with CR LF.
    old_labels = [x.strip() for x in (data.get("ahp_labels") or "").splitlines()] if data else []
    n = len(labels)
    grid = [["1"] * n for _ in range(n)]
    errors: list[str] = []
    for i in range(n):
        for j in range(i + 1, n):
            raw = None
            if data is not None and labels[i] in old_labels and labels[j] in old_labels:
                a, b = old_labels.index(labels[i]), old_labels.index(labels[j])
                if a < b:
                    raw = data.get(f"ahp_{a}_{b}")
                else:
                    typed = data.get(f"ahp_{b}_{a}")
                    raw = (
                        judgement_text(1 / judgement_parse(typed)) if typed in JUDGEMENTS else typed
                    )
            elif stored and len(stored) == n:
                raw = judgement_text(stored[i][j])
            if raw is None:
                continue
            try:
                judgement_parse(raw)
                grid[i][j] = raw.strip()
            except ValueError as exc:
                errors.append(f"{labels[i]} : {labels[j]} — {exc}")
    return grid, errors


def ahp_matrix(grid: list[list[str]]) -> list[list[float]]:
    """The full reciprocal matrix from the upper triangle's judgements."""
    n = len(grid)
    matrix = [[1.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            value = judgement_parse(grid[i][j])
            matrix[i][j] = value
            matrix[j][i] = 1 / value
    return matrix


class RunForm(forms.Form):
    scheme = forms.ChoiceField(label=gettext_lazy("Scheme"))
    periods = forms.MultipleChoiceField(
        label=gettext_lazy("Periods"), widget=forms.CheckboxSelectMultiple
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Data"), choices=Source.choices, widget=forms.RadioSelect
    )
    upload = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx or .csv)"), required=False)
    provisional = forms.BooleanField(
        label=gettext_lazy("Run as a provisional result"),
        required=False,
        help_text=gettext_lazy(
            "Uses values not yet approved; the result is marked 临时结果 wherever it shows."
        ),
    )

    def __init__(
        self,
        *args: Any,
        schemes: list[tuple[str, str]],
        periods: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = schemes  # type: ignore[attr-defined]
        self.fields["periods"].choices = periods  # type: ignore[attr-defined]
        styled(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == Source.UPLOAD and not data.get("upload"):
            self.add_error("upload", _("Choose the spreadsheet to upload."))
        return data
