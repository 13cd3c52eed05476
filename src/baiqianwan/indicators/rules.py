"""Headquarters' validation rules: reading a side as it is typed, creating, editing and
deactivating rules. Each write is audited and refused (`Conflict`) when the rule changed
since the editor read it.

A rule is `left operator right`, each side a formula over the codes of its system's
indicators (`baiqianwan.indicators.formula`), checked in `validation`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import require
from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_record
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.indicators.choices import Operator, Severity
from baiqianwan.indicators.formula import MAX_LENGTH, FormulaError, formula_parse
from baiqianwan.indicators.models import (
    DataSet,
    Indicator,
    IndicatorSystem,
    ValidationRule,
)
from baiqianwan.units.choices import Level

# The levels that report values; a rule names some of them, or none for every level.
RULE_LEVELS = (Level.COUNTY, Level.TOWN, Level.VILLAGE)
# What the form edits and the fingerprint covers.
EDITED = ("code", "name", "left", "operator", "right", "severity", "levels", "message")
_AT = re.compile(r"\(at (\d+)\)")


@dataclass(frozen=True)
class SideCheck:
    """One side of a rule as read: the error (empty when it reads), and the indicators it
    names as (code, name, unit of measure)."""

    text: str
    error: str
    indicators: tuple[tuple[str, str, str], ...]

    @property
    def ok(self) -> bool:
        return not self.error


def _formula_message(error: FormulaError, text: str) -> str:
    """A formula error in the reader's language, with the character it happened at."""
    detail = str(error)
    if not text.strip():
        return _("Write a formula: indicator codes, numbers, + − × ÷ and brackets.")
    if len(text.strip()) > MAX_LENGTH:
        return _("A formula is at most %(count)d characters long.") % {"count": MAX_LENGTH}
    at = _AT.search(detail)
    position = int(at.group(1)) if at else 0
    if detail.startswith("cannot read"):
        return _("Cannot read the formula near character %(at)d.") % {"at": position}
    return _(
        "Near character %(at)d: only numbers, indicator codes, + − × ÷, brackets and "
        "min( ), max( ), abs( ) are allowed."
    ) % {"at": position}


def rule_side_check(*, system: IndicatorSystem, text: str) -> SideCheck:
    """Read one side of a rule against `system`'s indicators: syntax first, then each code
    (a code written in the wrong case is named with its right spelling)."""
    try:
        formula = formula_parse(text)
    except FormulaError as error:
        return SideCheck(text=text, error=_formula_message(error, text), indicators=())
    known = {
        code: (name, measure)
        for code, name, measure in Indicator.objects.filter(
            system=system, is_active=True
        ).values_list("code", "name", "measure")
    }
    unknown = sorted(formula.codes - known.keys())
    if unknown:
        upper = {code.upper(): code for code in known}
        shown = [
            _("%(code)s (did you mean %(right)s?)") % {"code": c, "right": upper[c.upper()]}
            if c.upper() in upper
            else c
            for c in unknown
        ]
        return SideCheck(
            text=text,
            error=_("Not an indicator of %(system)s: %(codes)s.")
            % {"system": system.name, "codes": "、".join(shown)},
            indicators=(),
        )
    found = tuple((code, known[code][0], known[code][1]) for code in sorted(formula.codes))
    return SideCheck(text=formula.text, error="", indicators=found)


def rule_fingerprint(rule: ValidationRule) -> str:
    """A digest of what an editor sees of the rule: a write carrying an older one would
    overwrite a change its author never saw."""
    seen = {name: getattr(rule, name) for name in (*EDITED, "is_active", "system_id")}
    return hashlib.sha256(json.dumps(seen, sort_keys=True).encode()).hexdigest()[:16]


def _cleaned(*, system: IndicatorSystem, fields: dict[str, Any]) -> dict[str, Any]:
    """The rule's fields checked and tidied; InputError naming the first field at fault."""
    code = (fields.get("code") or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", code):
        raise InputError(
            _("A rule code is 1 to 32 letters, digits, _ . or -, e.g. R1."), field="code"
        )
    name = (fields.get("name") or "").strip()
    if not name:
        raise InputError(_("Give the rule a name."), field="name")
    sides = {}
    for side in ("left", "right"):
        check = rule_side_check(system=system, text=fields.get(side) or "")
        if not check.ok:
            raise InputError(check.error, field=side)
        sides[side] = check
    if not sides["left"].indicators and not sides["right"].indicators:
        raise InputError(_("A rule must name at least one indicator."), field="left")
    operator = fields.get("operator") or ""
    if operator not in Operator.values:
        raise InputError(_("Choose a comparison."), field="operator")
    severity = fields.get("severity") or ""
    if severity not in Severity.values:
        raise InputError(_("Choose blocking or warning."), field="severity")
    levels = list(dict.fromkeys(fields.get("levels") or []))
    if any(level not in RULE_LEVELS for level in levels):
        raise InputError(_("A rule applies at county, town or village level."), field="levels")
    return {
        "code": code,
        "name": name[:200],
        "left": sides["left"].text,
        "operator": operator,
        "right": sides["right"].text,
        "severity": severity,
        "levels": [level for level in RULE_LEVELS if level in levels],
        "message": (fields.get("message") or "").strip()[:300],
    }


def _code_free(*, system: IndicatorSystem, code: str, rule: ValidationRule | None) -> None:
    taken = ValidationRule.objects.filter(system=system, code=code)
    if rule is not None:
        taken = taken.exclude(pk=rule.pk)
    if taken.exists():
        raise InputError(
            _("%(system)s already has a rule %(code)s.") % {"system": system.name, "code": code},
            field="code",
        )


def rule_create(*, actor: Any, system: IndicatorSystem, fields: dict[str, Any]) -> ValidationRule:
    """A new active rule of `system`, audited."""
    require(actor, "indicators.manage")
    cleaned = _cleaned(system=system, fields=fields)
    with transaction.atomic():
        _code_free(system=system, code=cleaned["code"], rule=None)
        rule = ValidationRule.objects.create(system=system, **cleaned)
        audit_record(actor=actor, action=Action.CREATE, obj=rule, changes=cleaned)
    return rule


def _locked(rule: ValidationRule, fingerprint: str) -> ValidationRule:
    """The rule as it stands, locked for this transaction; `Conflict` when it changed since
    `fingerprint` was read."""
    current = ValidationRule.objects.select_for_update().filter(pk=rule.pk).first()
    if current is None:
        raise Conflict(_("Someone deleted this rule meanwhile."))
    if rule_fingerprint(current) != fingerprint:
        raise Conflict(
            _(
                "Someone changed rule %(code)s after you opened it; it is shown as it is now. "
                "Make your change again if it is still needed."
            )
            % {"code": current.code}
        )
    return current


def rule_update(
    *, actor: Any, rule: ValidationRule, fingerprint: str, fields: dict[str, Any]
) -> ValidationRule:
    """Change a rule's code, name, sides, comparison, severity, levels or message; audited
    with old and new of what changed."""
    require(actor, "indicators.manage")
    cleaned = _cleaned(system=rule.system, fields=fields)
    with transaction.atomic():
        current = _locked(rule, fingerprint)
        _code_free(system=current.system, code=cleaned["code"], rule=current)
        changes = {
            name: {"old": getattr(current, name), "new": value}
            for name, value in cleaned.items()
            if getattr(current, name) != value
        }
        if changes:
            for name, value in cleaned.items():
                setattr(current, name, value)
            current.save(update_fields=list(cleaned))
            audit_record(actor=actor, action=Action.UPDATE, obj=current, changes=changes)
    return current


def rule_activate(
    *, actor: Any, rule: ValidationRule, fingerprint: str, active: bool
) -> ValidationRule:
    """Deactivate a rule (it is no longer checked, and kept with its history) or bring it
    back; audited."""
    require(actor, "indicators.manage")
    with transaction.atomic():
        current = _locked(rule, fingerprint)
        if current.is_active != active:
            current.is_active = active
            current.save(update_fields=["is_active"])
            audit_record(
                actor=actor,
                action=Action.UPDATE if active else Action.RETIRE,
                obj=current,
                changes={"is_active": {"old": not active, "new": active}},
            )
    return current


def rules_listed(
    *, user: Any, system: IndicatorSystem | None = None, active: bool | None = None
) -> QuerySet[ValidationRule]:
    """The rules, of one system and state if given, by system and code."""
    require(user, "indicators.read")
    rules = ValidationRule.objects.select_related("system")
    if system is not None:
        rules = rules.filter(system=system)
    if active is not None:
        rules = rules.filter(is_active=active)
    return rules.order_by("system__code", "code")


def rule_datasets(rules: list[ValidationRule]) -> dict[int, list[DataSet]]:
    """rule id → the data sets it is checked in: their level is among its levels (or it
    names none) and they report or compute every code it uses."""
    datasets = list(DataSet.objects.prefetch_related("members__indicator").order_by("code"))
    codes = {d.pk: {m.indicator.code for m in d.members.all()} for d in datasets}
    applies: dict[int, list[DataSet]] = {}
    for rule in rules:
        try:
            used = formula_parse(rule.left).codes | formula_parse(rule.right).codes
        except FormulaError:
            used = frozenset({"?"})
        applies[rule.pk] = [
            d
            for d in datasets
            if (not rule.levels or d.level in rule.levels) and used <= codes[d.pk]
        ]
    return applies


def rule_get(*, user: Any, pk: int) -> ValidationRule:
    """A rule to manage; 404 for none."""
    require(user, "indicators.manage")
    return get_object_or_404(ValidationRule.objects.select_related("system"), pk=pk)
