"""Sign-ins, sign-outs and failed sign-ins go into the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from baiqianwan.accounts.policy import unit_code_of
from baiqianwan.audit.choices import Action
from baiqianwan.audit.context import client_address, current_ip
from baiqianwan.audit.services import audit_record


def _ip(request: Any) -> str | None:
    return client_address(request) if request is not None else current_ip.get()


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    token = current_ip.set(_ip(request))
    try:
        audit_record(actor=user, action=Action.LOGIN, obj=user)
    finally:
        current_ip.reset(token)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action=Action.LOGOUT, obj=user)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    from django.contrib.auth import get_user_model

    username = str(credentials.get("username", ""))[:150]
    known = get_user_model().objects.filter(username=username).select_related("home_unit").first()
    token = current_ip.set(_ip(request))
    try:
        audit_record(
            actor=username or "anonymous",
            action=Action.LOGIN_FAILED,
            object_type="accounts.user",
            object_id=str(known.pk) if known else "",
            object_repr=username,
            unit_code=unit_code_of(known),
        )
    finally:
        current_ip.reset(token)
