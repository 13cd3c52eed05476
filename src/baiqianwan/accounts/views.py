from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import password_validation, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from baiqianwan.accounts.forms import (
    AccountActionForm,
    AccountCreateForm,
    AccountFilterForm,
    ThrottledPasswordChangeForm,
)
from baiqianwan.accounts.lockout import lockout_minutes
from baiqianwan.accounts.policy import can, require, scope_prefix
from baiqianwan.accounts.selectors import account_get, account_locks, accounts_list
from baiqianwan.accounts.services import (
    AccountChanged,
    account_active_set,
    account_create,
    account_fingerprint,
    account_password_reset,
    user_set_password,
    user_unlock,
)
from baiqianwan.accounts.validators import PasswordHistoryValidator
from baiqianwan.core.excel import xlsx_from_rows
from baiqianwan.core.responses import xlsx_response
from baiqianwan.units.models import Unit


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            lockout_failures=settings.AXES_FAILURE_LIMIT,
            lockout_minutes=lockout_minutes(),
            idle_minutes=settings.SESSION_COOKIE_AGE // 60,
        )
        return context


class LogoutView(auth_views.LogoutView):
    pass


def password_rules() -> str:
    """The password rules as the configured validators state them (AUTH_PASSWORD_VALIDATORS):
    the minimum length and how many earlier passwords may not come back."""
    validators = password_validation.get_default_password_validators()
    length = next(
        (
            v.min_length
            for v in validators
            if isinstance(v, password_validation.MinimumLengthValidator)
        ),
        1,
    )
    history = next((v.count for v in validators if isinstance(v, PasswordHistoryValidator)), 0)
    if history < 1:
        return _(
            "At least %(length)d characters, mixing at least three of: lower-case, upper-case, "
            "digits, other characters; not containing your user name."
        ) % {"length": length}
    return ngettext(
        "At least %(length)d characters, mixing at least three of: lower-case, upper-case, "
        "digits, other characters; not containing your user name, and not your last password.",
        "At least %(length)d characters, mixing at least three of: lower-case, upper-case, "
        "digits, other characters; not containing your user name, and none of your last "
        "%(history)d passwords.",
        history,
    ) % {"length": length, "history": history}


class PasswordChangeView(auth_views.PasswordChangeView):
    """The form checks the old password (throttled) and the validators; the service saves
    and audits."""

    template_name = "accounts/password_change.html"
    form_class = ThrottledPasswordChangeForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "password_rules": password_rules()}

    def form_valid(self, form: Any) -> HttpResponse:
        user_set_password(
            user=self.request.user,  # type: ignore[arg-type]
            password=form.cleaned_data["new_password1"],
            actor=self.request.user,
        )
        update_session_auth_hash(self.request, self.request.user)  # type: ignore[arg-type]
        messages.success(self.request, _("Your password has been changed."))
        return redirect("home")


def _status(account: Any, lock: Any) -> str:
    if lock is not None:
        return _("Locked")
    return _("Active") if account.is_active else _("Disabled")


def users(request: HttpRequest) -> HttpResponse:
    form = AccountFilterForm(request.GET)
    rows = accounts_list(user=request.user, filters=form.filters())
    return render(
        request,
        "accounts/users.html",
        {
            "form": form,
            "accounts": rows,
            "query": request.GET.urlencode(),
            "can_manage": can(request.user, "accounts.manage"),
            "can_unlock": can(request.user, "accounts.unlock"),
        },
    )


def users_export(request: HttpRequest) -> HttpResponse:
    form = AccountFilterForm(request.GET)
    rows = [
        [
            account.username,
            account.get_full_name(),
            str(account.get_role_display()),
            account.home_unit.code,
            account.home_unit.name,
            timezone.localtime(account.last_login).strftime("%Y-%m-%d %H:%M")
            if account.last_login
            else "",
            _status(account, lock),
            _("yes") if account.must_change_password else "",
        ]
        for account, lock in accounts_list(user=request.user, filters=form.filters())
    ]
    headers = [
        _("User name"),
        _("Full name"),
        _("Role"),
        _("Unit code"),
        _("Home unit"),
        _("Last sign-in"),
        _("Status"),
        _("Must change password"),
    ]
    body = xlsx_from_rows(sheet=_("Accounts"), headers=headers, rows=rows)
    return xlsx_response(body, filename=f"{_('Accounts')}-{timezone.localdate():%Y%m%d}.xlsx")


def _account_page(
    request: HttpRequest, account: Any, *, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": account,
            "lock": account_locks(usernames=[account.username]).get(account.username),
            "fingerprint": account_fingerprint(user=account),
            "can_manage": can(request.user, "accounts.manage", account),
            "can_unlock": can(request.user, "accounts.unlock"),
            **extra,
        },
        status=status,
    )


def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    return _account_page(request, account_get(user=request.user, username=username))


def user_create_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "accounts.manage")
    prefix = scope_prefix(request.user, "accounts.manage")
    units = Unit.objects.current().filter(code__startswith=prefix)
    form = AccountCreateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account, password = account_create(
                actor=request.user,
                username=data["username"].strip(),
                role=data["role"],
                unit_code=data["unit_code"],
                person_id=data["person_id"].strip(),
                full_name=data["full_name"].strip(),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            # The one-time password is shown in this response only, never stored in clear.
            return _account_page(request, account, one_time_password=password, created=True)
    return render(
        request, "accounts/user_create.html", {"form": form}, status=400 if form.errors else 200
    )


def _action(request: HttpRequest, username: str) -> tuple[Any, str | None]:
    account = account_get(user=request.user, username=username)
    form = AccountActionForm(request.POST)
    return account, (form.cleaned_data["fingerprint"] if form.is_valid() else None)


@require_POST
def user_active_view(request: HttpRequest, username: str) -> HttpResponse:
    account, fingerprint = _action(request, username)
    active = request.POST.get("active") == "1"
    try:
        account_active_set(
            actor=request.user, user=account, active=active, fingerprint=fingerprint or ""
        )
    except (AccountChanged, ValidationError) as exc:
        account.refresh_from_db()
        error = str(exc) if isinstance(exc, AccountChanged) else " ".join(exc.messages)
        return _account_page(request, account, status=409, error=error)
    if active:
        messages.success(request, _("%(user)s can sign in again.") % {"user": account.username})
    else:
        messages.success(
            request, _("%(user)s is disabled and signed out.") % {"user": account.username}
        )
    return redirect("accounts:user_detail", username=account.username)


@require_POST
def user_reset_view(request: HttpRequest, username: str) -> HttpResponse:
    account, fingerprint = _action(request, username)
    try:
        password = account_password_reset(
            actor=request.user, user=account, fingerprint=fingerprint or ""
        )
    except AccountChanged as exc:
        account.refresh_from_db()
        return _account_page(request, account, status=409, error=str(exc))
    account.refresh_from_db()
    return _account_page(request, account, one_time_password=password)


@require_POST
def user_unlock_view(request: HttpRequest, username: str) -> HttpResponse:
    # Unknown and out-of-area names answer alike, so no one learns which names exist elsewhere.
    account = account_get(user=request.user, username=username)
    user_unlock(user=account, actor=request.user)
    messages.success(request, _("%(user)s can sign in again.") % {"user": account.username})
    return redirect("accounts:user_detail", username=account.username)
