from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baiqianwan.accounts.models import User
from baiqianwan.accounts.selectors import users_visible
from baiqianwan.accounts.services import user_set_password, user_unlock


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
    account = get_object_or_404(User, username=username)
    user_unlock(user=account, actor=request.user)
    messages.success(request, _("%(user)s can sign in again.") % {"user": account.username})
    return redirect("accounts:users")
