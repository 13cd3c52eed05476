"""Loading an indicator system from its YAML file: `system_load` (`bqw indicators load FILE`).

The file (`data/zhaoqing-starter.yaml` ships with the platform; docs/indicators/system.md
describes the format) holds the system's version, its dimension tree, its indicators with
their targets, its validation rules and its data sets. The office edits it; nothing of it is
hard-coded in Python.

A load is checked whole before anything is stored, and every problem is reported at once as
``FILE:LINE: what is wrong`` (unknown keys, duplicate codes, codes that are not identifiers,
formulas that do not parse, name unknown codes or refer to each other in a cycle, weighted
averages without a weight, unknown levels, types or aggregations, targets for unknown units,
data sets naming unknown indicators, rules whose sides do not parse). Then it is stored in
one transaction: loading the same file twice changes nothing, loading an edited file changes
what was edited and says what. An indicator left out of the file is deactivated, never
deleted (values refer to it); a rule left out is deactivated; a dimension left out is
deleted once no indicator uses it. Data sets are created and updated, never deleted. A
per-unit target override is set when the file names it and otherwise left as headquarters
set it on the indicator page. Each load is one audit event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_record
from baiqianwan.indicators.choices import (
    Aggregation,
    Binding,
    Direction,
    Operator,
    PeriodType,
    Severity,
    ValueType,
)
from baiqianwan.indicators.formula import CODE, FormulaError, formula_parse, formulas_order
from baiqianwan.indicators.models import (
    DataSet,
    DataSetMember,
    Dimension,
    Indicator,
    IndicatorSystem,
    Target,
    ValidationRule,
)
from baiqianwan.units.choices import Level
from baiqianwan.units.models import Unit

# The levels a value can be reported at, and those a target can be set for.
REPORTING_LEVELS = (Level.COUNTY, Level.TOWN, Level.VILLAGE)
TARGET_LEVELS = tuple(Level)
YEARS = (1900, 2200)
CODE_LENGTH = 32

TOP_KEYS = {
    "version": True,
    "system": True,
    "dimensions": True,
    "indicators": True,
    "rules": False,
    "datasets": False,
}
SYSTEM_KEYS = {"code": True, "name": True, "name_en": False}
DIMENSION_KEYS = {"code": True, "name": True, "name_en": False, "children": False}
INDICATOR_KEYS = {
    "code": True,
    "name": True,
    "name_en": False,
    "measure": False,
    "value_type": False,
    "direction": False,
    "aggregation": False,
    "weight": False,
    "levels": True,
    "period_type": False,
    "dimension": True,
    "binding": False,
    "source": False,
    "definition": False,
    "formula": False,
    "decimals": False,
    "min": False,
    "max": False,
    "baseline_year": False,
    "citation": True,
    "targets": False,
}
RULE_KEYS = {
    "code": True,
    "name": True,
    "left": True,
    "operator": True,
    "right": True,
    "severity": False,
    "levels": False,
    "message": False,
}
DATASET_KEYS = {
    "code": True,
    "name": True,
    "name_en": False,
    "level": True,
    "period_type": False,
    "owner": True,
    "assigned_to": True,
    "due_days": False,
    "indicators": True,
}


class SystemLoadError(ValueError):
    """The file cannot be loaded; `problems` lists each as ``FILE:LINE: message``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# --- Reading YAML with its line numbers -----------------------------------------------------


class LDict(dict):  # type: ignore[type-arg]
    """A mapping read from the file, with the line of itself and of each of its keys."""

    line: int
    key_lines: dict[Any, int]


class LList(list):  # type: ignore[type-arg]
    """A sequence read from the file, with the line of itself and of each item."""

    line: int
    item_lines: list[int]


class _DuplicateKey(ValueError):
    def __init__(self, key: Any, line: int) -> None:
        super().__init__(key)
        self.key = key
        self.line = line


class _LineLoader(yaml.SafeLoader):
    """PyYAML's safe loader keeping line numbers (1-based) from the composed nodes' marks."""


def _mapping(loader: _LineLoader, node: yaml.MappingNode) -> LDict:
    loader.flatten_mapping(node)
    result = LDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value", key_node.start_mark
            )
        if key in result:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LList:
    result = LList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def yaml_read(text: str, *, name: str) -> Any:
    """The document in `text` with line numbers kept; `SystemLoadError` names the line of a
    YAML syntax error or a key given twice in one mapping."""
    try:
        return yaml.load(text, Loader=_LineLoader)
    except _DuplicateKey as exc:
        raise SystemLoadError(
            [f"{name}:{exc.line}: " + _("the key %(key)r is given twice") % {"key": exc.key}]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or str(exc)
        raise SystemLoadError(
            [f"{name}:{line}: " + _("not valid YAML: %(problem)s") % {"problem": problem}]
        ) from None
    except yaml.YAMLError as exc:
        raise SystemLoadError(
            [f"{name}:1: " + _("not valid YAML: %(problem)s") % {"problem": exc}]
        ) from None


# --- Checking ---------------------------------------------------------------------------


@dataclass
class _Checker:
    name: str
    problems: list[str] = field(default_factory=list)

    def add(self, line: int, message: str) -> None:
        self.problems.append(f"{self.name}:{line}: {message}")

    def line_of(self, mapping: Any, key: Any) -> int:
        if isinstance(mapping, LDict):
            return mapping.key_lines.get(key, mapping.line)
        return getattr(mapping, "line", 1)

    def mapping(self, value: Any, line: int, what: str) -> bool:
        if not isinstance(value, dict):
            self.add(line, _("%(what)s must be a mapping (key: value)") % {"what": what})
            return False
        return True

    def keys(self, mapping: LDict, allowed: dict[str, bool], what: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.add(
                    self.line_of(mapping, key),
                    _("unknown key %(key)r in %(what)s (allowed: %(allowed)s)")
                    % {"key": key, "what": what, "allowed": ", ".join(allowed)},
                )
        for key, required in allowed.items():
            if required and mapping.get(key) in (None, ""):
                self.add(
                    mapping.line,
                    _("%(what)s needs %(key)r") % {"what": what, "key": key},
                )

    def text(self, mapping: LDict, key: str, *, limit: int, default: str = "") -> str:
        value = mapping.get(key)
        if value is None:
            return default
        if isinstance(value, bool | dict | list):
            self.add(self.line_of(mapping, key), _("%(key)s must be text") % {"key": key})
            return default
        value = str(value).strip()
        if len(value) > limit:
            self.add(
                self.line_of(mapping, key),
                _("%(key)s is longer than %(limit)d characters") % {"key": key, "limit": limit},
            )
        return value

    def code(self, mapping: LDict, key: str = "code") -> str:
        value = mapping.get(key)
        code = "" if value is None else str(value).strip()
        if code and (not CODE.match(code) or len(code) > CODE_LENGTH):
            self.add(
                self.line_of(mapping, key),
                _(
                    "%(code)r is not a code: a letter, then letters, digits or underscores, "
                    "at most %(limit)d"
                )
                % {"code": code, "limit": CODE_LENGTH},
            )
        return code

    def choice(self, mapping: LDict, key: str, choices: Any, default: str) -> str:
        value = mapping.get(key)
        if value is None:
            return default
        if str(value) not in choices.values:
            self.add(
                self.line_of(mapping, key),
                _("%(key)s %(value)r is not one of %(allowed)s")
                % {"key": key, "value": value, "allowed": ", ".join(choices.values)},
            )
            return default
        return str(value)

    def number(self, mapping: LDict, key: str) -> float | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(self.line_of(mapping, key), _("%(key)s must be a number") % {"key": key})
            return None
        return float(value)

    def integer(self, mapping: LDict, key: str, low: int, high: int) -> int | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(
                self.line_of(mapping, key),
                _("%(key)s must be a whole number from %(low)d to %(high)d")
                % {"key": key, "low": low, "high": high},
            )
            return None
        return value

    def levels(self, mapping: LDict, key: str, allowed: Iterable[str]) -> list[str]:
        value = mapping.get(key)
        if value is None:
            return []
        allowed = list(allowed)
        line = self.line_of(mapping, key)
        if not isinstance(value, list):
            self.add(line, _("%(key)s must be a list, e.g. [village]") % {"key": key})
            return []
        found = []
        for item in value:
            if str(item) not in allowed:
                self.add(
                    line,
                    _("%(key)s: %(value)r is not a level (%(allowed)s)")
                    % {"key": key, "value": item, "allowed": ", ".join(allowed)},
                )
            elif str(item) not in found:
                found.append(str(item))
        return found


@dataclass
class _Plan:
    """What the file asks for, checked: plain values ready to store."""

    system: dict[str, Any]
    dimensions: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    rules: list[dict[str, Any]]
    datasets: list[dict[str, Any]]


def _check_dimensions(check: _Checker, items: Any, line: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    seen: dict[str, int] = {}

    def walk(nodes: Any, line: int, parent: str) -> None:
        if not isinstance(nodes, list):
            check.add(line, _("dimensions must be a list"))
            return
        for position, node in enumerate(nodes):
            node_line = nodes.item_lines[position] if isinstance(nodes, LList) else line
            if not check.mapping(node, node_line, _("a dimension")):
                continue
            check.keys(node, DIMENSION_KEYS, _("a dimension"))
            code = check.code(node)
            if code in seen:
                check.add(
                    node.line,
                    _("dimension %(code)s is given twice (first at line %(line)d)")
                    % {"code": code, "line": seen[code]},
                )
                continue
            seen[code] = node.line
            found.append(
                {
                    "code": code,
                    "name": check.text(node, "name", limit=100),
                    "name_en": check.text(node, "name_en", limit=100),
                    "parent": parent,
                    "order": len(found),
                    "line": node.line,
                }
            )
            if node.get("children") is not None:
                walk(node["children"], check.line_of(node, "children"), code)

    walk(items, line, "")
    return found


def _check_targets(
    check: _Checker, entry: LDict, code: str
) -> tuple[dict[tuple[int, str], float], dict[tuple[int, str], tuple[float, int]]]:
    """(year, level) → value, and (year, unit code) → (value, line) of an indicator."""
    defaults: dict[tuple[int, str], float] = {}
    overrides: dict[tuple[int, str], tuple[float, int]] = {}
    targets = entry.get("targets")
    if targets is None:
        return defaults, overrides
    line = check.line_of(entry, "targets")
    if not check.mapping(targets, line, _("targets")):
        return defaults, overrides

    def years(values: Any, line: int, key: str) -> dict[int, float]:
        if not check.mapping(values, line, _("the targets of %(key)s") % {"key": key}):
            return {}
        found = {}
        for year, value in values.items():
            year_line = check.line_of(values, year)
            if (
                isinstance(year, bool)
                or not isinstance(year, int)
                or not (YEARS[0] <= year <= YEARS[1])
            ):
                check.add(year_line, _("%(year)r is not a year") % {"year": year})
            elif isinstance(value, bool) or not isinstance(value, int | float):
                check.add(
                    year_line,
                    _("the %(year)d target of %(code)s must be a number")
                    % {"year": year, "code": code},
                )
            else:
                found[year] = float(value)
        return found

    for key, values in targets.items():
        key_line = check.line_of(targets, key)
        if key == "overrides":
            if not check.mapping(values, key_line, _("overrides")):
                continue
            for unit_code, by_year in values.items():
                unit_line = check.line_of(values, unit_code)
                for year, value in years(by_year, unit_line, str(unit_code)).items():
                    overrides[(year, str(unit_code))] = (value, unit_line)
        elif key in TARGET_LEVELS:
            for year, value in years(values, key_line, str(key)).items():
                defaults[(year, str(key))] = value
        else:
            check.add(
                key_line,
                _("targets: %(key)r is neither a level (%(levels)s) nor overrides")
                % {"key": key, "levels": ", ".join(TARGET_LEVELS)},
            )
    return defaults, overrides


def _check_indicator(check: _Checker, entry: LDict, dimensions: set[str]) -> dict[str, Any]:
    check.keys(entry, INDICATOR_KEYS, _("an indicator"))
    code = check.code(entry)
    formula = check.text(entry, "formula", limit=500)
    value_type = check.choice(entry, "value_type", ValueType, ValueType.NUMBER)
    aggregation = check.choice(
        entry, "aggregation", Aggregation, Aggregation.NONE if formula else Aggregation.SUM
    )
    minimum, maximum = check.number(entry, "min"), check.number(entry, "max")
    if minimum is not None and maximum is not None and minimum > maximum:
        check.add(check.line_of(entry, "min"), _("min is larger than max"))
    dimension = check.code(entry, "dimension")
    if dimension and dimension not in dimensions:
        check.add(
            check.line_of(entry, "dimension"),
            _("no dimension %(code)s in this file") % {"code": dimension},
        )
    levels = check.levels(entry, "levels", REPORTING_LEVELS)
    if "levels" in entry and not levels and isinstance(entry["levels"], list):
        check.add(check.line_of(entry, "levels"), _("levels names no level"))
    defaults, overrides = _check_targets(check, entry, code)
    return {
        "code": code,
        "line": entry.line,
        "name": check.text(entry, "name", limit=200),
        "name_en": check.text(entry, "name_en", limit=200),
        "measure": check.text(entry, "measure", limit=20),
        "value_type": value_type,
        "direction": check.choice(entry, "direction", Direction, Direction.POSITIVE),
        "aggregation": aggregation,
        "weight": check.code(entry, "weight"),
        "weight_line": check.line_of(entry, "weight"),
        "levels": levels,
        "period_type": check.choice(entry, "period_type", PeriodType, PeriodType.YEAR),
        "dimension": dimension,
        "binding": check.choice(entry, "binding", Binding, Binding.INDICATIVE),
        "source": check.text(entry, "source", limit=100),
        "definition": check.text(entry, "definition", limit=5000),
        "formula": formula,
        "formula_line": check.line_of(entry, "formula"),
        "decimals": check.integer(entry, "decimals", 0, 6),
        "minimum": minimum,
        "maximum": maximum,
        "baseline_year": check.integer(entry, "baseline_year", *YEARS),
        "citation": check.text(entry, "citation", limit=2000),
        "targets": defaults,
        "overrides": overrides,
    }


def _check_formulas(check: _Checker, indicators: dict[str, dict[str, Any]]) -> None:
    parsed = {}
    for code, item in indicators.items():
        if not item["formula"]:
            continue
        try:
            formula = formula_parse(item["formula"])
        except FormulaError as exc:
            check.add(
                item["formula_line"],
                _("the formula of %(code)s: %(error)s") % {"code": code, "error": exc},
            )
            continue
        unknown = sorted(formula.codes - indicators.keys())
        if unknown:
            check.add(
                item["formula_line"],
                _("the formula of %(code)s names unknown indicators: %(codes)s")
                % {"code": code, "codes": ", ".join(unknown)},
            )
            continue
        if item["aggregation"] != Aggregation.NONE:
            check.add(
                item["formula_line"],
                _(
                    "%(code)s is computed by formula at every level; its aggregation must be "
                    "none (or left out)"
                )
                % {"code": code},
            )
        parsed[code] = formula
    try:
        formulas_order(parsed)
    except FormulaError as exc:
        first = min(indicators[code]["formula_line"] for code in parsed)
        check.add(first, str(exc))


def _check_weights(check: _Checker, indicators: dict[str, dict[str, Any]]) -> None:
    for code, item in indicators.items():
        weight = item["weight"]
        if item["aggregation"] == Aggregation.WEIGHTED_AVERAGE:
            if not weight:
                check.add(
                    item["line"],
                    _("%(code)s is a weighted average: name its weight indicator (weight:)")
                    % {"code": code},
                )
            elif weight not in indicators:
                check.add(
                    item["weight_line"],
                    _("the weight of %(code)s, %(weight)s, is not an indicator of this file")
                    % {"code": code, "weight": weight},
                )
            elif weight == code:
                check.add(item["weight_line"], _("%(code)s cannot weigh itself") % {"code": code})
            elif not set(item["levels"]) <= set(indicators[weight]["levels"]):
                check.add(
                    item["weight_line"],
                    _("the weight %(weight)s is not reported at every level %(code)s is")
                    % {"code": code, "weight": weight},
                )
        elif weight:
            check.add(
                item["weight_line"],
                _("%(code)s has a weight but is not a weighted average") % {"code": code},
            )


def _check_rule(check: _Checker, entry: LDict, indicators: set[str]) -> dict[str, Any]:
    check.keys(entry, RULE_KEYS, _("a rule"))
    rule: dict[str, Any] = {
        "code": check.code(entry),
        "line": entry.line,
        "name": check.text(entry, "name", limit=200),
        "left": check.text(entry, "left", limit=300),
        "operator": check.choice(entry, "operator", Operator, ""),
        "right": check.text(entry, "right", limit=300),
        "severity": check.choice(entry, "severity", Severity, Severity.BLOCKING),
        "levels": check.levels(entry, "levels", REPORTING_LEVELS),
        "message": check.text(entry, "message", limit=300),
    }
    for side in ("left", "right"):
        if not rule[side]:
            continue
        try:
            formula = formula_parse(rule[side])
        except FormulaError as exc:
            check.add(
                check.line_of(entry, side),
                _("the %(side)s side of rule %(code)s: %(error)s")
                % {"side": side, "code": rule["code"], "error": exc},
            )
            continue
        unknown = sorted(formula.codes - indicators)
        if unknown:
            check.add(
                check.line_of(entry, side),
                _("the %(side)s side of rule %(code)s names unknown indicators: %(codes)s")
                % {"side": side, "code": rule["code"], "codes": ", ".join(unknown)},
            )
    return rule


def _unit_codes(value: Any) -> str:
    """A unit code as the file may write it: quoted, or a bare number YAML read as one."""
    return str(value).strip() if not isinstance(value, bool) else ""


def _check_dataset(
    check: _Checker, entry: LDict, indicators: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    check.keys(entry, DATASET_KEYS, _("a data set"))
    code = check.code(entry)
    level = check.choice(entry, "level", Level, "")
    if level and level not in REPORTING_LEVELS:
        check.add(
            check.line_of(entry, "level"),
            _("a data set is reported at %(levels)s") % {"levels": ", ".join(REPORTING_LEVELS)},
        )
    period_type = check.choice(entry, "period_type", PeriodType, PeriodType.YEAR)
    due_days = check.integer(entry, "due_days", 0, 366)
    assigned = entry.get("assigned_to")
    if assigned is not None and not isinstance(assigned, list):
        check.add(check.line_of(entry, "assigned_to"), _("assigned_to must be a list of codes"))
        assigned = []
    members_raw = entry.get("indicators")
    members: list[str] = []
    line = check.line_of(entry, "indicators")
    if members_raw is not None and not isinstance(members_raw, list):
        check.add(line, _("indicators must be a list of codes"))
        members_raw = []
    for member in members_raw or []:
        member = str(member)
        if member in members:
            check.add(line, _("%(code)s is listed twice") % {"code": member})
        elif member not in indicators:
            check.add(
                line,
                _("data set %(dataset)s names the unknown indicator %(code)s")
                % {"dataset": code, "code": member},
            )
        else:
            item = indicators[member]
            if level and item["levels"] and level not in item["levels"]:
                check.add(
                    line,
                    _("%(code)s is not reported at the level %(level)s")
                    % {"code": member, "level": level},
                )
            if item["period_type"] != period_type:
                check.add(
                    line,
                    _("%(code)s is reported by %(its)s, the data set by %(type)s")
                    % {"code": member, "its": item["period_type"], "type": period_type},
                )
            members.append(member)
    for member in members:
        if indicators[member]["formula"]:
            try:
                needed = formula_parse(indicators[member]["formula"]).codes
            except FormulaError:
                continue  # reported with the indicator
            missing = sorted(needed - set(members))
            if missing:
                check.add(
                    line,
                    _("%(code)s is computed from %(codes)s, which the data set lacks")
                    % {"code": member, "codes": ", ".join(missing)},
                )
    return {
        "code": code,
        "line": entry.line,
        "name": check.text(entry, "name", limit=200),
        "name_en": check.text(entry, "name_en", limit=200),
        "level": level,
        "period_type": period_type,
        "owner": _unit_codes(entry.get("owner", "")),
        "owner_line": check.line_of(entry, "owner"),
        "assigned_to": [_unit_codes(u) for u in assigned or []],
        "assigned_line": check.line_of(entry, "assigned_to"),
        "due_days": 30 if due_days is None else due_days,
        "indicators": members,
    }


def _list_of(check: _Checker, document: LDict, key: str) -> list[tuple[Any, int]]:
    value = document.get(key)
    if value is None:
        return []
    if not isinstance(value, LList):
        check.add(check.line_of(document, key), _("%(key)s must be a list") % {"key": key})
        return []
    return list(zip(value, value.item_lines, strict=True))


def _duplicates(check: _Checker, items: list[dict[str, Any]], what: str) -> None:
    seen: dict[str, int] = {}
    for item in items:
        code = item["code"]
        if not code:
            continue
        if code in seen:
            check.add(
                item["line"],
                _("%(what)s %(code)s is given twice (first at line %(line)d)")
                % {"what": what, "code": code, "line": seen[code]},
            )
        else:
            seen[code] = item["line"]


def _check_database(check: _Checker, plan: _Plan) -> None:
    """What only the database can tell: units that exist, codes another system holds."""
    wanted: dict[str, int] = {}
    for dataset in plan.datasets:
        if dataset["owner"]:
            wanted.setdefault(dataset["owner"], dataset["owner_line"])
        for code in dataset["assigned_to"]:
            wanted.setdefault(code, dataset["assigned_line"])
    for item in plan.indicators:
        for (_year, code), (_value, line) in item["overrides"].items():
            wanted.setdefault(code, line)
    known = set(Unit.objects.current().filter(code__in=list(wanted)).values_list("code", flat=True))
    for code, line in sorted(wanted.items(), key=lambda pair: pair[1]):
        if code not in known:
            check.add(line, _("no current unit has the code %(code)s") % {"code": code})
    taken = dict(
        Indicator.objects.filter(code__in=[i["code"] for i in plan.indicators])
        .exclude(system__code=plan.system["code"])
        .values_list("code", "system__code")
    )
    for item in plan.indicators:
        if item["code"] in taken:
            check.add(
                item["line"],
                _("the indicator code %(code)s belongs to the system %(system)s")
                % {"code": item["code"], "system": taken[item["code"]]},
            )


def system_check(text: str, *, name: str) -> _Plan:
    """The file read and checked; `SystemLoadError` lists every problem found."""
    document = yaml_read(text, name=name)
    check = _Checker(name=name)
    if not isinstance(document, LDict):
        raise SystemLoadError(
            [
                f"{name}:1: "
                + _(
                    "the file must be a mapping with version:, system:, dimensions: and indicators:"
                )
            ]
        )
    check.keys(document, TOP_KEYS, _("the file"))
    version = check.text(document, "version", limit=32)
    system: dict[str, Any] = {"code": "", "name": "", "version": version}
    raw_system = document.get("system")
    if raw_system is not None and check.mapping(
        raw_system, check.line_of(document, "system"), "system"
    ):
        check.keys(raw_system, SYSTEM_KEYS, "system")
        system.update(code=check.code(raw_system), name=check.text(raw_system, "name", limit=200))
    dimensions = _check_dimensions(
        check, document.get("dimensions") or LList(), check.line_of(document, "dimensions")
    )
    dimension_codes = {d["code"] for d in dimensions}
    indicators: list[dict[str, Any]] = []
    for entry, line in _list_of(check, document, "indicators"):
        if check.mapping(entry, line, _("an indicator")):
            indicators.append(_check_indicator(check, entry, dimension_codes))
    _duplicates(check, indicators, _("indicator"))
    by_code = {item["code"]: item for item in indicators if item["code"]}
    _check_formulas(check, by_code)
    _check_weights(check, by_code)
    rules = [
        _check_rule(check, entry, set(by_code))
        for entry, line in _list_of(check, document, "rules")
        if check.mapping(entry, line, _("a rule"))
    ]
    _duplicates(check, rules, _("rule"))
    datasets = [
        _check_dataset(check, entry, by_code)
        for entry, line in _list_of(check, document, "datasets")
        if check.mapping(entry, line, _("a data set"))
    ]
    _duplicates(check, datasets, _("data set"))
    plan = _Plan(system, dimensions, indicators, rules, datasets)
    _check_database(check, plan)
    if check.problems:
        raise SystemLoadError(check.problems)
    return plan


# --- Storing ---------------------------------------------------------------------------


@dataclass
class LoadReport:
    """What a load did, by kind of thing: codes created, updated (with the fields that
    changed), deactivated (indicators, rules) or deleted (dimensions, level targets)."""

    system: IndicatorSystem
    created: dict[str, list[str]] = field(default_factory=dict)
    updated: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)

    def note(self, kind: str, code: str, changed: list[str] | None) -> None:
        """`changed` None: created; empty: unchanged; else the fields that changed."""
        if changed is None:
            self.created.setdefault(kind, []).append(code)
        elif changed:
            self.updated.setdefault(kind, {})[code] = changed

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def lines(self) -> list[str]:
        """The report as sentences, one per kind and change."""
        found = []
        for kind, codes in self.created.items():
            found.append(
                _("%(kind)s created (%(count)d): %(codes)s")
                % {"kind": _KINDS[kind](), "count": len(codes), "codes": ", ".join(codes)}
            )
        for kind, changes in self.updated.items():
            described = "; ".join(f"{code} ({', '.join(f)})" for code, f in changes.items())
            found.append(
                _("%(kind)s updated (%(count)d): %(codes)s")
                % {"kind": _KINDS[kind](), "count": len(changes), "codes": described}
            )
        for kind, codes in self.removed.items():
            found.append(
                _("%(kind)s deactivated or removed (%(count)d): %(codes)s")
                % {"kind": _KINDS[kind](), "count": len(codes), "codes": ", ".join(codes)}
            )
        return found or [_("Nothing changed: the system is as the file describes it.")]

    def as_changes(self) -> dict[str, Any]:
        return {
            "version": self.system.version,
            "sha256": self.system.sha256,
            "created": self.created,
            "updated": {k: sorted(v) for k, v in self.updated.items()},
            "removed": self.removed,
        }


_KINDS: dict[str, Callable[[], str]] = {
    "system": lambda: _("System"),
    "dimension": lambda: _("Dimensions"),
    "indicator": lambda: _("Indicators"),
    "target": lambda: _("Targets"),
    "rule": lambda: _("Rules"),
    "dataset": lambda: _("Data sets"),
}


def _assign(obj: Any, values: dict[str, Any]) -> list[str]:
    """Set `values` on `obj`; the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _upsert(model: Any, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, Any]:
    """The row of `lookup` with `values`, and None (created) or the fields that changed."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), None
    changed = _assign(obj, values)
    if changed:
        obj.save(update_fields=changed)
    return obj, changed


def _store_dimensions(plan: _Plan, system: IndicatorSystem, report: LoadReport) -> dict:
    stored: dict[str, Dimension] = {}
    for item in plan.dimensions:
        dimension, changed = _upsert(
            Dimension,
            {"system": system, "code": item["code"]},
            {
                "name": item["name"],
                "name_en": item["name_en"],
                "order": item["order"],
                "parent": stored.get(item["parent"]),
            },
        )
        stored[item["code"]] = dimension
        report.note("dimension", item["code"], changed)
    return stored


def _remove_dimensions(plan: _Plan, system: IndicatorSystem, report: LoadReport) -> None:
    """Delete the dimensions the file left out, children first, once nothing uses them."""
    wanted = {d["code"] for d in plan.dimensions}
    leftover = list(Dimension.objects.filter(system=system).exclude(code__in=wanted))
    while leftover:
        used = set(
            Indicator.objects.filter(dimension__in=leftover).values_list("dimension", flat=True)
        ) | set(Dimension.objects.filter(parent__in=leftover).values_list("parent", flat=True))
        removable = [d for d in leftover if d.pk not in used]
        if not removable:
            break
        for dimension in removable:
            report.removed.setdefault("dimension", []).append(dimension.code)
            dimension.delete()
        leftover = [d for d in leftover if d not in removable]


def _store_indicators(
    plan: _Plan, system: IndicatorSystem, dimensions: dict, report: LoadReport
) -> dict[str, Indicator]:
    stored: dict[str, Indicator] = {}
    for order, item in enumerate(plan.indicators):
        values = {
            "system": system,
            "name": item["name"],
            "name_en": item["name_en"],
            "measure": item["measure"],
            "value_type": item["value_type"],
            "direction": item["direction"],
            "aggregation": item["aggregation"],
            "levels": item["levels"],
            "period_type": item["period_type"],
            "dimension": dimensions[item["dimension"]],
            "binding": item["binding"],
            "source": item["source"],
            "definition": item["definition"],
            "formula": item["formula"],
            "decimals": 2 if item["decimals"] is None else item["decimals"],
            "minimum": item["minimum"],
            "maximum": item["maximum"],
            "baseline_year": item["baseline_year"],
            "citation": item["citation"],
            "order": order,
            "is_active": True,
        }
        indicator, changed = _upsert(Indicator, {"code": item["code"]}, values)
        stored[item["code"]] = indicator
        report.note("indicator", item["code"], changed)
    for item in plan.indicators:
        indicator = stored[item["code"]]
        weight = stored[item["weight"]] if item["weight"] else None
        if indicator.weight_indicator_id != getattr(weight, "pk", None):
            indicator.weight_indicator = weight
            indicator.save(update_fields=["weight_indicator"])
            if item["code"] not in report.created.get("indicator", []):
                fields = report.updated.setdefault("indicator", {}).setdefault(item["code"], [])
                fields.append("weight_indicator")
    gone = Indicator.objects.filter(system=system, is_active=True).exclude(code__in=stored)
    for indicator in gone.order_by("code"):
        indicator.is_active = False
        indicator.save(update_fields=["is_active"])
        report.removed.setdefault("indicator", []).append(indicator.code)
    return stored


def _store_targets(plan: _Plan, indicators: dict[str, Indicator], report: LoadReport) -> None:
    units = dict(
        Unit.objects.current()
        .filter(code__in={code for i in plan.indicators for (_y, code) in i["overrides"]})
        .values_list("code", "pk")
    )
    for item in plan.indicators:
        indicator = indicators[item["code"]]
        existing = {
            (t.year, t.level): t for t in Target.objects.filter(indicator=indicator, unit=None)
        }
        for (year, level), value in sorted(item["targets"].items()):
            key = f"{item['code']} {year} {level}"
            target = existing.pop((year, level), None)
            if target is None:
                Target.objects.create(indicator=indicator, year=year, level=level, value=value)
                report.note("target", key, None)
            elif target.value != value:
                target.value = value
                target.save(update_fields=["value"])
                report.note("target", key, ["value"])
        for target in existing.values():
            report.removed.setdefault("target", []).append(
                f"{item['code']} {target.year} {target.level}"
            )
            target.delete()
        for (year, code), (value, _line) in sorted(item["overrides"].items()):
            _target, changed = _upsert(
                Target,
                {"indicator": indicator, "year": year, "unit_id": units[code]},
                {"value": value, "level": ""},
            )
            report.note("target", f"{item['code']} {year} {code}", changed)


def _store_rules(plan: _Plan, system: IndicatorSystem, report: LoadReport) -> None:
    for item in plan.rules:
        values = {
            k: item[k]
            for k in ("name", "left", "operator", "right", "severity", "levels", "message")
        }
        _rule, changed = _upsert(
            ValidationRule,
            {"system": system, "code": item["code"]},
            {**values, "is_active": True},
        )
        report.note("rule", item["code"], changed)
    gone = ValidationRule.objects.filter(system=system, is_active=True).exclude(
        code__in=[r["code"] for r in plan.rules]
    )
    for rule in gone.order_by("code"):
        rule.is_active = False
        rule.save(update_fields=["is_active"])
        report.removed.setdefault("rule", []).append(rule.code)


def _store_datasets(plan: _Plan, indicators: dict[str, Indicator], report: LoadReport) -> None:
    units = dict(
        Unit.objects.current()
        .filter(
            code__in={d["owner"] for d in plan.datasets}
            | {c for d in plan.datasets for c in d["assigned_to"]}
        )
        .values_list("code", "pk")
    )
    for item in plan.datasets:
        dataset, changed = _upsert(
            DataSet,
            {"code": item["code"]},
            {
                "name": item["name"],
                "name_en": item["name_en"],
                "level": item["level"],
                "period_type": item["period_type"],
                "owner_id": units[item["owner"]],
                "due_days": item["due_days"],
            },
        )
        changed = list(changed) if changed is not None else None
        wanted = {units[c] for c in item["assigned_to"]}
        if set(dataset.assigned_to.values_list("pk", flat=True)) != wanted:
            dataset.assigned_to.set(wanted)
            if changed is not None:
                changed.append("assigned_to")
        members = [(m.indicator_id, m.order) for m in dataset.members.order_by("order", "id")]
        wanted_members = [(indicators[c].pk, n) for n, c in enumerate(item["indicators"])]
        if members != wanted_members:
            dataset.members.all().delete()
            DataSetMember.objects.bulk_create(
                DataSetMember(dataset=dataset, indicator_id=pk, order=n) for pk, n in wanted_members
            )
            if changed is not None:
                changed.append("indicators")
        report.note("dataset", item["code"], changed)


def system_load(*, path: Path, actor: Any) -> LoadReport:
    """Load the indicator system of the YAML file at `path`, all or nothing.

    Parameters
    ----------
    path : Path
        The file; its name starts every problem reported (``FILE:LINE: ...``).
    actor : Any
        Who loads it, for the audit trail: a user, or `command_actor(...)`'s string.

    Returns
    -------
    LoadReport
        What was created, updated and deactivated (nothing, for a file loaded before).

    Raises
    ------
    SystemLoadError
        Every problem of the file; nothing is stored.
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise SystemLoadError(
            [f"{path}: " + _("cannot read the file: %(error)s") % {"error": exc.strerror or exc}]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SystemLoadError([f"{path}:{line}: " + _("the file is not UTF-8")]) from None
    plan = system_check(text, name=str(path))
    with transaction.atomic():
        system, changed = _upsert(
            IndicatorSystem,
            {"code": plan.system["code"]},
            {
                "name": plan.system["name"],
                "version": plan.system["version"],
                "source_file": str(path)[-300:],
                "sha256": hashlib.sha256(raw).hexdigest(),
            },
        )
        report = LoadReport(system=system)
        if changed is None or set(changed) - {"source_file", "sha256"}:
            report.note("system", system.code, changed)
        dimensions = _store_dimensions(plan, system, report)
        indicators = _store_indicators(plan, system, dimensions, report)
        _remove_dimensions(plan, system, report)
        _store_targets(plan, indicators, report)
        _store_rules(plan, system, report)
        _store_datasets(plan, indicators, report)
        audit_record(
            actor=actor,
            action=Action.LOAD,
            obj=system,
            object_repr=f"{system.name} {system.version}",
            changes=report.as_changes(),
        )
    return report


__all__ = ["LoadReport", "SystemLoadError", "system_check", "system_load", "yaml_read"]
