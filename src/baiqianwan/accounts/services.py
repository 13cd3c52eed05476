"""Creating accounts and changing passwords; each call is audited."""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baiqianwan.accounts.choices import ROLE_HOME_LEVELS, SEPARATED_ADMIN_ROLES, Role
from baiqianwan.accounts.models import User
from baiqianwan.accounts.policy import require
from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_record
from baiqianwan.units.models import Unit


def _home_unit(code: str, role: Role) -> Unit:
    unit = Unit.objects.current().filter(code=code).first()
    if unit is None:
        raise ValidationError(
            {"unit": _("No current unit has the code %(code)s.") % {"code": code}}
        )
    allowed = ROLE_HOME_LEVELS[role]
    if allowed is not None and unit.level not in allowed:
        raise ValidationError(
            {
                "unit": _("A %(role)s's home unit must be a %(levels)s; %(unit)s is a %(level)s.")
                % {
                    "role": role.label,
                    "levels": " / ".join(allowed),
                    "unit": unit,
                    "level": unit.level,
                }
            }
        )
    return unit


def _check_separation(person_id: str, role: Role) -> None:
    """One person, one of the three separated administrator roles (the database holds the
    same rule, so two concurrent creations cannot both pass)."""
    if role not in SEPARATED_ADMIN_ROLES:
        return
    if not person_id:
        raise ValidationError(
            {
                "person_id": _(
                    "A %(role)s account must name its person (--person-id), so that no one "
                    "holds two of the system, security and audit administrator roles."
                )
                % {"role": role.label}
            }
        )
    clash = User.objects.filter(
        person_id=person_id, role__in=[r.value for r in SEPARATED_ADMIN_ROLES]
    ).first()
    if clash is not None:
        raise ValidationError(
            {
                "role": _(
                    "Person %(person)s already holds the %(other)s role (account %(account)s); "
                    "the system, security and audit administrator roles may not be combined."
                )
                % {"person": person_id, "other": Role(clash.role).label, "account": clash.username}
            }
        )


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    unit_code: str,
    password: str,
    actor: Any = None,
    person_id: str = "",
    full_name: str = "",
) -> User:
    try:
        role_value = Role(role)
    except ValueError:
        raise ValidationError(
            {
                "role": _("Unknown role %(role)r; choose one of %(roles)s.")
                % {"role": role, "roles": ", ".join(Role.values)}
            }
        ) from None
    if User.objects.filter(username=username).exists():
        raise ValidationError(
            {"username": _("The user name %(name)s is taken.") % {"name": username}}
        )
    unit = _home_unit(unit_code, role_value)
    _check_separation(person_id, role_value)
    user = User(
        username=username,
        role=role_value.value,
        home_unit=unit,
        person_id=person_id,
        first_name=full_name[:150],
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor or "system",
        action=Action.CREATE,
        obj=user,
        changes={"role": role_value.value, "home_unit": unit.code},
    )
    return user


def password_generate(length: int = 20) -> str:
    """A random password that passes the validators (all four character classes)."""
    alphabet = string.ascii_letters + string.digits + "-_.!@#%"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
            and any(not c.isalnum() for c in candidate)
        ):
            return candidate


@transaction.atomic
def user_set_password(*, user: User, password: str, actor: Any = None) -> None:
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor or "system", action=Action.PASSWORD, obj=user)


@transaction.atomic
def demo_user_ensure(
    *, username: str, role: str, unit_code: str, person_id: str = "", actor: Any = None
) -> tuple[User, str]:
    """Create the demo account, or give it a new random password; returns the password once.

    Only a hash is stored; the caller prints the password and forgets it.
    """
    password = password_generate()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            username=username,
            role=role,
            unit_code=unit_code,
            password=password,
            person_id=person_id,
            actor=actor,
        )
    else:
        user_set_password(user=user, password=password, actor=actor)
    return user, password


@transaction.atomic
def user_unlock(*, user: User, actor: Any) -> None:
    """Clear the failed sign-ins that lock `user` out (security administrator's duty)."""
    from axes.utils import reset

    require(actor, "accounts.unlock", user)
    reset(username=user.username)
    audit_record(actor=actor, action=Action.UNLOCK, obj=user)
