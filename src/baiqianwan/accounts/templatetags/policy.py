"""`{% load policy %}{% if user|can:"intake.write" %}`: templates ask the access policy."""

from __future__ import annotations

from typing import Any

from django import template

from baiqianwan.accounts import policy

register = template.Library()


@register.filter(name="can")
def can(user: Any, action: str) -> bool:
    return policy.can(user, action)
