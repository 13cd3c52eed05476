"""Validation rules: the list everyone at work reads, and headquarters' forms to create, edit,
deactivate and bring back a rule, with each side checked as it is typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from baiqianwan.accounts.policy import require
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.indicators.choices import Operator, Severity
from baiqianwan.indicators.models import IndicatorSystem, ValidationRule
from baiqianwan.indicators.rules import (
    RULE_LEVELS,
    rule_activate,
    rule_create,
    rule_datasets,
    rule_fingerprint,
    rule_get,
    rule_side_check,
    rule_update,
    rules_listed,
)
from baiqianwan.units.choices import Level


class RuleForm(forms.Form):
    system = forms.ModelChoiceField(
        label=gettext_lazy("Indicator system"),
        queryset=IndicatorSystem.objects.order_by("code"),
        empty_label=None,
    )
    code = forms.CharField(label=gettext_lazy("Code"), max_length=32)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    left = forms.CharField(
        label=gettext_lazy("Left side"),
        max_length=300,
        help_text=gettext_lazy(
            "Indicator codes and numbers with + − × ÷ and brackets; the indicators named are "
            "shown below."
        ),
    )
    operator = forms.ChoiceField(label=gettext_lazy("Comparison sign"), choices=Operator.choices)
    right = forms.CharField(
        label=gettext_lazy("Right side"),
        max_length=300,
        help_text=gettext_lazy("A formula like the left side, or a number such as 100."),
    )
    severity = forms.ChoiceField(label=gettext_lazy("Severity"), choices=Severity.choices)
    levels = forms.MultipleChoiceField(
        label=gettext_lazy("Applies at"),
        choices=[(level.value, level.label) for level in RULE_LEVELS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: at every level that reports its indicators."),
    )
    message = forms.CharField(
        label=gettext_lazy("Message to the reporter"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("What to check when the rule is broken."),
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)


class RuleFilter(forms.Form):
    active = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[
            ("", gettext_lazy("Any state")),
            ("1", gettext_lazy("Active")),
            ("0", gettext_lazy("Deactivated")),
        ],
    )


def rules(request: HttpRequest) -> HttpResponse:
    """Every rule with the data sets it is checked in."""
    form = RuleFilter(request.GET)
    active = None
    if form.is_valid() and form.cleaned_data["active"]:
        active = form.cleaned_data["active"] == "1"
    listed = list(rules_listed(user=request.user, active=active))
    applies = rule_datasets(listed)
    rows = [
        {"rule": rule, "datasets": applies[rule.pk], "fingerprint": rule_fingerprint(rule)}
        for rule in listed
    ]
    levels = dict(Level.choices)
    context = {"form": form, "rows": rows, "levels": levels}
    return render(request, "indicators/rules.html", context)


def _fields(form: RuleForm) -> dict[str, Any]:
    return {name: form.cleaned_data.get(name) for name in RuleForm.base_fields}


def _form_of(rule: ValidationRule) -> RuleForm:
    """The edit form filled with the rule as it stands, and the fingerprint of that."""
    initial = {name: getattr(rule, name) for name in RuleForm.base_fields if name != "fingerprint"}
    initial.update(system=rule.system, fingerprint=rule_fingerprint(rule))
    return RuleForm(initial=initial)


def _form_render(
    request: HttpRequest,
    form: RuleForm,
    rule: ValidationRule | None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    system = rule.system if rule is not None else None
    if system is None:
        system_id = form["system"].value()
        system = IndicatorSystem.objects.filter(pk=system_id).first() if system_id else None
        system = system or IndicatorSystem.objects.order_by("code").first()
    checks = {}
    if system is not None:
        for side in ("left", "right"):
            text = form[side].value()
            if text:
                checks[side] = rule_side_check(system=system, text=str(text))
    context = {"form": form, "rule": rule, "checks": checks, "error": error}
    return render(request, "indicators/rule_form.html", context, status=status)


def _refused(form: RuleForm, exc: InputError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def rule_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "indicators.manage")
    if request.method != "POST":
        first = IndicatorSystem.objects.order_by("code").first()
        initial = {"system": first, "severity": Severity.BLOCKING, "operator": Operator.LE}
        return _form_render(request, RuleForm(initial=initial), None)
    form = RuleForm(request.POST)
    if not form.is_valid():
        return _form_render(request, form, None, status=400)
    try:
        rule = rule_create(
            actor=request.user, system=form.cleaned_data["system"], fields=_fields(form)
        )
    except InputError as exc:
        _refused(form, exc)
        return _form_render(request, form, None, status=400)
    messages.success(request, _("Rule %(code)s created.") % {"code": rule.code})
    return redirect("indicators:rules")


def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = rule_get(user=request.user, pk=pk)
    if request.method != "POST":
        return _form_render(request, _form_of(rule), rule)
    data = request.POST.copy()
    data["system"] = str(rule.system_id)  # a rule stays in its system
    form = RuleForm(data)
    if not form.is_valid():
        return _form_render(request, form, rule, status=400)
    try:
        rule_update(
            actor=request.user,
            rule=rule,
            fingerprint=form.cleaned_data["fingerprint"],
            fields=_fields(form),
        )
    except InputError as exc:
        _refused(form, exc)
        return _form_render(request, form, rule, status=400)
    except Conflict as exc:
        # The rule as it is now, to change again knowing what someone else changed.
        rule.refresh_from_db()
        return _form_render(request, _form_of(rule), rule, status=409, error=exc.message)
    messages.success(request, _("Rule %(code)s saved.") % {"code": rule.code})
    return redirect("indicators:rules")


@require_POST
def rule_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate (active=0) or bring back (active=1) a rule."""
    rule = rule_get(user=request.user, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        rule_activate(
            actor=request.user,
            rule=rule,
            fingerprint=request.POST.get("fingerprint", ""),
            active=active,
        )
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("indicators:rules")
    if active:
        messages.success(request, _("Rule %(code)s is checked again.") % {"code": rule.code})
    else:
        messages.success(request, _("Rule %(code)s deactivated.") % {"code": rule.code})
    return redirect("indicators:rules")


def rule_check(request: HttpRequest) -> HttpResponse:
    """One side of a rule read as it is typed (htmx): the indicators it names, or what is
    wrong with it."""
    require(request.user, "indicators.manage")
    side = request.GET.get("side", "left")
    if side not in ("left", "right"):
        side = "left"
    system = IndicatorSystem.objects.filter(pk=request.GET.get("system") or 0).first()
    system = system or IndicatorSystem.objects.order_by("code").first()
    text = request.GET.get(side, "")
    check = rule_side_check(system=system, text=text) if system and text.strip() else None
    return render(request, "indicators/_rule_side.html", {"check": check, "side": side})


urlpatterns: list[URLPattern] = [
    path("rules/", rules, name="rules"),
    path("rules/new/", rule_new, name="rule_create"),
    path("rules/check/", rule_check, name="rule_check"),
    path("rules/<int:pk>/", rule_edit, name="rule_edit"),
    path("rules/<int:pk>/active/", rule_active, name="rule_active"),
]
