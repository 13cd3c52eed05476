"""The access policy: which role may do what, and where. Every layer asks here.

Two questions, always in this order:

1. **Role × action**: may this role do this kind of thing at all? `ACTIONS` is the whole
   table; a role that may not gets 403 (`PermissionDenied`).
2. **Scope**: does the object lie in the user's area, the subtree of their home unit (its
   code prefix)? An object outside it gets 404 (`OutOfScope`), the same answer as an object
   that does not exist, so no one learns what lies elsewhere; the audit app records it as a
   security event.

Selectors filter their querysets with `scope_prefix(user, action)`; services and views call
`require(user, action, obj)`; templates ask `{% load policy %}{% if user|can:"intake.write" %}`.
A new app adds its actions to `ACTIONS`, and `tests/accounts/test_policy.py` walks every role
against every action.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from baiqianwan.accounts.choices import SEPARATED_ADMIN_ROLES, Role

# The roles that work with the programme's own data. Under MLPS 2.0 (GB/T 22239-2019) the
# system, security and audit administrators run the platform and do not read that data.
BUSINESS_ROLES = frozenset(set(Role) - SEPARATED_ADMIN_ROLES)
# Who takes texts in and edits their ledgers; leaders and village reporters only read.
INTAKE_WRITERS = frozenset({Role.HQ_ADMIN, Role.COUNTY_OPERATOR, Role.TOWN_OPERATOR})
# Who issues plans and supervision notices: headquarters, and a county for its own towns.
PLAN_ISSUERS = frozenset({Role.HQ_ADMIN, Role.COUNTY_OPERATOR})
# Who splits an assignment down and reviews the reports of the level below.
PLAN_SUPERVISORS = frozenset({Role.HQ_ADMIN, Role.COUNTY_OPERATOR, Role.TOWN_OPERATOR})

ACTIONS: dict[str, frozenset[Role]] = {
    # The unit register: pages, search, exports and the API.
    "units.read": BUSINESS_ROLES,
    # Policy texts taken in, their clean text, draft and ledger.
    "intake.read": BUSINESS_ROLES,
    "intake.write": INTAKE_WRITERS,
    # Plans, tasks, assignments, reports and notices: everyone at work reads those of their area.
    "plans.read": BUSINESS_ROLES,
    # Create, import, edit, issue and close plans; keep the departments' register.
    "plans.manage": PLAN_ISSUERS,
    # Split an assignment into the next level's, and accept or return their reports.
    "plans.assign": PLAN_SUPERVISORS,
    "plans.review": PLAN_SUPERVISORS,
    # Report progress and reply to notices for the units of one's area; leaders only read.
    "plans.report": frozenset(BUSINESS_ROLES - {Role.LEADER}),
    # Issue supervision notices (督办单).
    "plans.notice": PLAN_ISSUERS,
    # Indicators, data sets and reported values: everyone at work reads those of their area.
    "indicators.read": BUSINESS_ROLES,
    # Enter, upload and submit the values of one's area; leaders only read.
    "indicators.enter": frozenset(BUSINESS_ROLES - {Role.LEADER}),
    # Approve, return or waive the level below's reports.
    "indicators.approve": PLAN_SUPERVISORS,
    # The indicator system, data sets, collection windows, lock exceptions and rules.
    "indicators.manage": frozenset({Role.HQ_ADMIN}),
    # Evaluation schemes, runs and their results, and the cockpit: everyone at work reads
    # those of their area (a county sees its own rows of the city's rankings).
    "evaluation.read": BUSINESS_ROLES,
    # Define schemes for one's area and run them: headquarters, and a county for its towns
    # and villages.
    "evaluation.manage": PLAN_ISSUERS,
    "evaluation.run": PLAN_ISSUERS,
    # The counties' assessment tracks (创先/进位/消薄) per year.
    "evaluation.tracks": frozenset({Role.HQ_ADMIN}),
    # Generated briefings, ranking notices and supervision notices of one's area: everyone at
    # work reads them; headquarters and a county write them, keep their own templates and
    # schedules.
    "briefings.read": BUSINESS_ROLES,
    "briefings.manage": PLAN_ISSUERS,
    # The audit trail (the audit administrator's duty).
    "audit.read": frozenset({Role.AUDIT_ADMIN}),
    # Security events: lock-outs, requests refused by scope (the security administrator's).
    "security.read": frozenset({Role.SECURITY_ADMIN}),
    # Accounts: the system administrator manages them, the security administrator unlocks
    # them, and all three separated administrators read the list.
    "accounts.read": SEPARATED_ADMIN_ROLES,
    "accounts.manage": frozenset({Role.SYSTEM_ADMIN}),
    "accounts.unlock": frozenset({Role.SECURITY_ADMIN}),
}

# Accounts that no one manages on the web: the three separated administrators are created and
# reset at the server (`bqw createuser`), so the system administrator cannot take over the
# security or audit administrator's account, nor make themselves a second one.
WEB_MANAGED_ROLES = frozenset(set(Role) - SEPARATED_ADMIN_ROLES)

# Where each role starts: the first of these actions it may take names its home page.
HOME_PAGES = (
    # Those who report start on what their unit must do now; leaders on the plans.
    ("plans.report", "plans:mine"),
    ("plans.read", "plans:list"),
    ("units.read", "units:browse"),
    ("accounts.manage", "accounts:users"),
    ("accounts.unlock", "accounts:users"),
    ("audit.read", "audit:events"),
)


class OutOfScope(Http404):
    """The object exists but lies outside the user's area.

    Answered exactly like a missing object (404); `code` is kept for the security event.
    """

    def __init__(self, *, user: Any, action: str, code: str, message: str = "") -> None:
        super().__init__(message or _("Not found in your area."))
        self.user = user
        self.action = action
        self.code = code


def _roles(action: str) -> frozenset[Role]:
    try:
        return ACTIONS[action]
    except KeyError:
        raise KeyError(f"{action!r} is not an action of the access policy") from None


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "is_active", False)


def role_may(user: Any, action: str) -> bool:
    """Whether the user's role may take `action` anywhere (scope aside)."""
    roles = _roles(action)
    return (
        _signed_in(user)
        and getattr(user, "home_unit_id", None) is not None
        and getattr(user, "role", None) in roles
    )


def unit_code_of(obj: Any) -> str:
    """The 12-digit code of the unit an object belongs to: a code, a unit, an account's home
    unit, a record's unit, an audit event's unit code.

    "" for nothing and for an object that names no unit (an account without a home unit): ""
    lies in no one's area, so the policy refuses it.
    """
    if obj is None:
        return ""
    if isinstance(obj, str):
        return obj
    if getattr(getattr(obj, "_meta", None), "label_lower", "") == "units.unit":
        return str(obj.code)
    for attribute in ("home_unit", "unit"):
        related = getattr(obj, attribute, None)
        if related is not None and hasattr(related, "code"):
            return str(related.code)
    value = getattr(obj, "unit_code", None)
    return value if isinstance(value, str) else ""


def in_scope(user: Any, obj: Any) -> bool:
    """Whether `obj` (or the code given) lies in the subtree of the user's home unit."""
    unit = getattr(user, "home_unit", None)
    if not _signed_in(user) or unit is None:
        return False
    return unit_code_of(obj).startswith(str(unit.prefix))


def _object_allowed(action: str, obj: Any) -> bool:
    """Rules on the object itself, beyond its place in the tree."""
    if action == "accounts.manage":
        return getattr(obj, "role", None) in WEB_MANAGED_ROLES
    return True


def can(user: Any, action: str, obj: Any = None) -> bool:
    """Whether `user` may take `action`, on `obj` if one is given."""
    if not role_may(user, action):
        return False
    return obj is None or (in_scope(user, obj) and _object_allowed(action, obj))


def require(user: Any, action: str, obj: Any = None) -> None:
    """`can`, or the refusal: 403 for the role or the object, `OutOfScope` (404) for the
    area."""
    if not role_may(user, action):
        raise PermissionDenied(_("Your role may not do this."))
    if obj is None:
        return
    if not in_scope(user, obj):
        raise OutOfScope(user=user, action=action, code=unit_code_of(obj))
    if not _object_allowed(action, obj):
        raise PermissionDenied(
            _(
                "The system, security and audit administrators' accounts are managed at the "
                "server (bqw createuser), not on the web."
            )
        )


def scope_prefix(user: Any, action: str) -> str:
    """The code prefix that everything `user` may take `action` on starts with, for
    filtering a queryset; 403 for a role that may not take it at all."""
    require(user, action)
    return str(user.home_unit.prefix)


def refuse_out_of_scope(user: Any, action: str, code: str, message: str = "") -> NoReturn:
    """For a unit lookup that found nothing in the user's area: raise `OutOfScope` when
    `code` does exist elsewhere (a security event), a plain 404 otherwise; both say the same."""
    from baiqianwan.units.models import Unit

    message = message or _("Not found in your area.")
    if Unit.objects.filter(code=code).exists():
        raise OutOfScope(user=user, action=action, code=code, message=message)
    raise Http404(message)


# Roles that start elsewhere than `HOME_PAGES` says: leaders on the cockpit.
ROLE_HOME_PAGES: dict[str, tuple[str, str]] = {Role.LEADER: ("evaluation.read", "cockpit:home")}


def home_page(user: Any) -> str:
    """The URL name of the page `user` starts on."""
    own = ROLE_HOME_PAGES.get(str(getattr(user, "role", "")))
    if own is not None and role_may(user, own[0]):
        return own[1]
    for action, url_name in HOME_PAGES:
        if role_may(user, action):
            return url_name
    return "accounts:password_change"


__all__ = [
    "ACTIONS",
    "BUSINESS_ROLES",
    "INTAKE_WRITERS",
    "PLAN_ISSUERS",
    "PLAN_SUPERVISORS",
    "WEB_MANAGED_ROLES",
    "OutOfScope",
    "can",
    "home_page",
    "in_scope",
    "refuse_out_of_scope",
    "require",
    "role_may",
    "scope_prefix",
    "unit_code_of",
]
