from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baiqianwan.accounts.models import User
from baiqianwan.accounts.policy import require
from baiqianwan.accounts.selectors import users_visible
from baiqianwan.accounts.services import user_set_password, user_unlock
from baiqianwan.core.excel import xlsx_from_rows
from baiqianwan.core.responses import xlsx_response


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    """The form checks the old password and the validators; the service saves and audits."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm

    def form_valid(self, form: Any) -> HttpResponse:
        user_set_password(
            user=self.request.user,  # type: ignore[arg-type]
            password=form.cleaned_data["new_password1"],
            actor=self.request.user,
        )
        update_session_auth_hash(self.request, self.request.user)  # type: ignore[arg-type]
        messages.success(self.request, _("Your password has been changed."))
        return redirect("home")


def users(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/users.html", {"accounts": users_visible(user=request.user)})


@require_POST
def user_unlock_view(request: HttpRequest, username: str) -> HttpResponse:
    account = User.objects.filter(username=username).select_related("home_unit").first()
    # Unknown and out-of-area names answer alike (404), so no one learns which names exist
    # elsewhere.
    if account is None:
        raise Http404
    require(request.user, "accounts.unlock", account)
    user_unlock(user=account, actor=request.user)
    messages.success(request, _("%(user)s can sign in again.") % {"user": account.username})
    return redirect("accounts:users")


def users_export(request: HttpRequest) -> HttpResponse:
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
            _("Locked") if locked else (_("Active") if account.is_active else _("Disabled")),
        ]
        for account, locked in users_visible(user=request.user)
    ]
    headers = [
        _("User name"),
        _("Name"),
        _("Role"),
        _("Unit code"),
        _("Home unit"),
        _("Last sign-in"),
        _("Status"),
    ]
    body = xlsx_from_rows(sheet=_("Accounts"), headers=headers, rows=rows)
    return xlsx_response(body, filename=f"{_('Accounts')}-{timezone.localdate():%Y%m%d}.xlsx")
