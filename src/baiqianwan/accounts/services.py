"""Creating accounts and changing passwords; each call is audited."""

from __future__ import annotations

import hashlib
import math
import secrets
import string
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from baiqianwan.accounts.choices import ROLE_HOME_LEVELS, SEPARATED_ADMIN_ROLES, Role
from baiqianwan.accounts.lockout import lockout_minutes
from baiqianwan.accounts.models import PasswordCheckFailure, User
from baiqianwan.accounts.policy import WEB_MANAGED_ROLES, in_scope, require
from baiqianwan.audit.choices import Action
from baiqianwan.audit.context import current_ip
from baiqianwan.audit.services import audit_record
from baiqianwan.units.choices import Level
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
                "unit": _(
                    "A %(role)s's home unit must be of level %(levels)s; %(unit)s is of "
                    "level %(level)s."
                )
                % {
                    "role": role.label,
                    "levels": " / ".join(str(Level(level).label) for level in allowed),
                    "unit": unit,
                    "level": Level(unit.level).label,
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
                    "A %(role)s account must name its person ID, so that no one holds two "
                    "of the system, security and audit administrator roles."
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
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # The checks above passed, but the same user name or the same person's administrator
        # account was created at the same moment; the database refused this one.
        raise ValidationError(
            _(
                "An account with this user name or for this person was created at the same "
                "moment; nothing was saved. Look at the accounts again."
            )
        ) from None
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
    """The account's own new password (or a demo one): validated, and the reset flag cleared."""
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    PasswordCheckFailure.objects.filter(user=user).delete()
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

    from baiqianwan.accounts.selectors import account_locks

    require(actor, "accounts.unlock", user)
    lock = account_locks(usernames=[user.username]).get(user.username)
    reset(username=user.username)
    audit_record(
        actor=actor,
        action=Action.UNLOCK,
        obj=user,
        changes={
            "addresses": list(lock.addresses) if lock else [],
            "account_wide": bool(lock and lock.account_wide),
        },
    )


# --- Account management on the web (the system administrator) -----------------------------


class AccountChanged(Exception):
    """The account changed after the form was shown; nothing was saved."""


def account_fingerprint(*, user: User) -> str:
    """A digest of the account's managed state. A form carries it; a change made by anyone
    since the form was shown (status, password, role, unit) makes the two differ."""
    state = "|".join(
        (
            user.username,
            user.role,
            str(user.home_unit_id),
            str(user.is_active),
            str(user.must_change_password),
            user.password,
        )
    )
    return hashlib.sha256(state.encode("utf-8")).hexdigest()[:20]


def _managed(*, actor: Any, user: User, fingerprint: str) -> User:
    """The account locked for update, after the policy and the stale-form check."""
    require(actor, "accounts.manage", user)
    locked = (
        User.objects.select_for_update(of=("self",)).select_related("home_unit").get(pk=user.pk)
    )
    if account_fingerprint(user=locked) != fingerprint:
        raise AccountChanged(
            _(
                "Account %(user)s was changed by someone else after this page was shown; "
                "nothing was saved. Look at it again and repeat the change if still needed."
            )
            % {"user": locked.username}
        )
    return locked


@transaction.atomic
def account_create(
    *,
    actor: Any,
    username: str,
    role: str,
    unit_code: str,
    person_id: str = "",
    full_name: str = "",
) -> tuple[User, str]:
    """A new account in the actor's area with a one-time password, returned once; the
    account must change it at its first sign-in."""
    require(actor, "accounts.manage")
    if role not in WEB_MANAGED_ROLES:
        raise ValidationError(
            {
                "role": _(
                    "The system, security and audit administrators' accounts are created at "
                    "the server (bqw createuser), not on the web."
                )
            }
        )
    if not in_scope(actor, unit_code):
        raise ValidationError(
            {"unit": _("Unit %(code)s is outside your area.") % {"code": unit_code}}
        )
    password = password_generate()
    user = user_create(
        username=username,
        role=role,
        unit_code=unit_code,
        password=password,
        actor=actor,
        person_id=person_id,
        full_name=full_name,
    )
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    return user, password


@transaction.atomic
def account_active_set(*, actor: Any, user: User, active: bool, fingerprint: str) -> User:
    """Disable (no sign-in, open sessions end) or enable an account."""
    # No one disables their own account: the only managers, the system administrators, are
    # themselves managed at the server only (`policy.WEB_MANAGED_ROLES`).
    locked = _managed(actor=actor, user=user, fingerprint=fingerprint)
    if locked.is_active != active:
        old = locked.is_active
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action=Action.ACCOUNT_ENABLE if active else Action.ACCOUNT_DISABLE,
            obj=locked,
            changes={"is_active": [old, active]},
        )
    return locked


@transaction.atomic
def account_password_reset(*, actor: Any, user: User, fingerprint: str) -> str:
    """A one-time password, returned once; only the password page opens with it."""
    locked = _managed(actor=actor, user=user, fingerprint=fingerprint)
    password = password_generate()
    validate_password(password, locked)
    locked.set_password(password)
    locked.must_change_password = True
    locked.save(update_fields=["password", "must_change_password"])
    audit_record(
        actor=actor,
        action=Action.PASSWORD_RESET,
        obj=locked,
        changes={"must_change_password": True},
    )
    return password


# --- Wrong old passwords on the password page ---------------------------------------------


def password_check_wait(*, user: User) -> int:
    """Minutes until the password page checks an old password again (0: it does now).

    The figures are the sign-in lock-out's: LOGIN_LOCKOUT_FAILURES wrong old passwords
    within LOGIN_LOCKOUT_MINUTES close the page for the rest of that time."""
    minutes = lockout_minutes()
    since = timezone.now() - timedelta(minutes=minutes)
    failures = list(
        PasswordCheckFailure.objects.filter(user=user, at__gte=since)
        .order_by("-at")
        .values_list("at", flat=True)[: settings.AXES_FAILURE_LIMIT]
    )
    if len(failures) < settings.AXES_FAILURE_LIMIT:
        return 0
    reopens = failures[-1] + timedelta(minutes=minutes)
    return max(1, math.ceil((reopens - timezone.now()).total_seconds() / 60))


@transaction.atomic
def password_check_failed(*, user: User, throttled: bool = False) -> None:
    """Record a wrong (or a refused) old password, in the audit trail too."""
    if not throttled:
        PasswordCheckFailure.objects.create(user=user, ip=current_ip.get())
    audit_record(
        actor=user,
        action=Action.OLD_PASSWORD_FAILED,
        obj=user,
        changes={"old_password": "refused" if throttled else "wrong"},
    )
