"""`{% load cockpit %}{{ value|number_cn:"万元" }}`: numbers the Chinese way (numbers.py)."""

from __future__ import annotations

from django import template

from baiqianwan.cockpit.numbers import number_cn as _number_cn

register = template.Library()


@register.filter(name="number_cn")
def number_cn(value: float | None, measure: str = "") -> str:
    return _number_cn(value, measure)
