"""Formulas over indicators: computed indicators and the two sides of validation rules. No Django.

A formula is arithmetic over indicator codes and numbers: ``URBAN_INCOME / RURAL_INCOME``,
``100 * GREEN_AREA / AREA``, ``min(A, B)``, ``abs(A - B)``. It is parsed once (`formula_parse`)
into a tree that refuses anything else (names that are not codes, attributes, calls other than
``min``, ``max``, ``abs``), and evaluated over NumPy arrays, one element per unit
(`formula_evaluate`): a missing operand (NaN) makes the result missing, and so does a division
by zero, never an infinity.

>>> f = formula_parse("URBAN / RURAL")
>>> sorted(f.codes)
['RURAL', 'URBAN']
>>> formula_evaluate(f, {"URBAN": np.array([50.0, 40.0]), "RURAL": np.array([25.0, 0.0])})
array([ 2., nan])
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

# An indicator code as formulas name it: a letter, then letters, digits or underscores.
CODE = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
FUNCTIONS = ("min", "max", "abs")
MAX_LENGTH = 500


class FormulaError(ValueError):
    """A formula that cannot be read; the message names what and where (column offset)."""


@dataclass(frozen=True)
class Formula:
    text: str
    tree: ast.expr
    codes: frozenset[str]


_BINARY = (ast.Add, ast.Sub, ast.Mult, ast.Div)


def _check(node: ast.AST, text: str, codes: set[str]) -> None:
    where = f" (at {getattr(node, 'col_offset', 0) + 1})"
    if isinstance(node, ast.BinOp):
        if not isinstance(node.op, _BINARY):
            raise FormulaError(f"only + - * / are allowed{where}: {text!r}")
        _check(node.left, text, codes)
        _check(node.right, text, codes)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise FormulaError(f"only a leading - or + is allowed{where}: {text!r}")
        _check(node.operand, text, codes)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FormulaError(f"{node.value!r} is not a number{where}: {text!r}")
    elif isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise FormulaError(f"{node.id} must be called with arguments{where}: {text!r}")
        codes.add(node.id)
    elif isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        if name not in FUNCTIONS or node.keywords:
            raise FormulaError(f"only {', '.join(FUNCTIONS)} may be called{where}: {text!r}")
        wanted = (1, 1) if name == "abs" else (2, 16)
        if not wanted[0] <= len(node.args) <= wanted[1]:
            raise FormulaError(f"{name} takes {wanted[0]}–{wanted[1]} arguments{where}: {text!r}")
        for argument in node.args:
            _check(argument, text, codes)
    else:
        raise FormulaError(f"{type(node).__name__} is not allowed in a formula{where}: {text!r}")


def formula_parse(text: str) -> Formula:
    """Read a formula; `FormulaError` says what is wrong with it."""
    text = (text or "").strip()
    if not text:
        raise FormulaError("the formula is empty")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"a formula is at most {MAX_LENGTH} characters long")
    # Full-width operators and brackets, as typed with a Chinese input method.
    text = text.translate(str.maketrans("（）＋－＊／，×÷", "()+-*/,*/"))
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as error:
        raise FormulaError(f"cannot read {text!r} (at {error.offset or 0})") from None
    codes: set[str] = set()
    _check(tree, text, codes)
    return Formula(text=text, tree=tree, codes=frozenset(codes))


def _evaluate(
    node: ast.expr, values: Mapping[str, np.ndarray], shape: tuple[int, ...]
) -> np.ndarray:
    if isinstance(node, ast.Constant):
        number: Any = node.value
        return np.full(shape, float(number))  # type: ignore[arg-type]
    if isinstance(node, ast.Name):
        try:
            return np.asarray(values[node.id], dtype=float)
        except KeyError:
            raise FormulaError(f"no values for {node.id}") from None
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, values, shape)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call):
        arguments = [_evaluate(a, values, shape) for a in node.args]
        name = node.func.id  # type: ignore[attr-defined]
        if name == "abs":
            return np.abs(arguments[0])
        stacked = np.stack(arguments)
        # A missing argument makes min/max missing (np.min propagates NaN).
        return stacked.min(axis=0) if name == "min" else stacked.max(axis=0)
    assert isinstance(node, ast.BinOp)
    left = _evaluate(node.left, values, shape)
    right = _evaluate(node.right, values, shape)
    if isinstance(node.op, ast.Add):
        return left + right
    if isinstance(node.op, ast.Sub):
        return left - right
    if isinstance(node.op, ast.Mult):
        return left * right
    with np.errstate(divide="ignore", invalid="ignore"):
        result = left / right
    result[~np.isfinite(result)] = np.nan
    return result


def formula_evaluate(formula: Formula, values: Mapping[str, np.ndarray]) -> np.ndarray:
    """The formula over arrays of equal shape, one per code it names (NaN for missing)."""
    shapes = {np.shape(values[code]) for code in formula.codes if code in values}
    if len(shapes) > 1:
        raise FormulaError(f"the values of {formula.text!r} differ in shape: {sorted(shapes)}")
    shape = shapes.pop() if shapes else ()
    result = _evaluate(formula.tree, values, shape)
    return np.where(np.isfinite(result), result, np.nan)


def formulas_order(formulas: Mapping[str, Formula]) -> list[str]:
    """The computed codes in an order where each comes after the computed codes it uses.

    Raises `FormulaError` naming the codes of a cycle (A uses B, B uses A).
    """
    done: list[str] = []
    state: dict[str, int] = {}

    def visit(code: str, path: list[str]) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            cycle = [*path[path.index(code) :], code]
            raise FormulaError(f"the formulas refer to each other: {' → '.join(cycle)}")
        state[code] = 1
        for used in sorted(formulas[code].codes):
            if used in formulas:
                visit(used, [*path, code])
        state[code] = 2
        done.append(code)

    for code in sorted(formulas):
        visit(code, [])
    return done
