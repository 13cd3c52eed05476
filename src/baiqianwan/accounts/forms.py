"""Forms parse and check what a person typed; the services decide and save."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baiqianwan.accounts.choices import ROLE_HOME_LEVELS, Role
from baiqianwan.accounts.policy import WEB_MANAGED_ROLES
from baiqianwan.accounts.selectors import ACCOUNT_STATUSES, AccountFilters
from baiqianwan.accounts.services import password_check_failed, password_check_wait

UNIT_CODE = re.compile(r"^\d{12}$")
UNIT_MATCHES_SHOWN = 8


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("User or person name"), required=False, max_length=150)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        required=False,
        choices=[("", gettext_lazy("All roles")), *Role.choices],
    )
    unit = forms.CharField(
        label=gettext_lazy("Unit code"),
        required=False,
        max_length=12,
        help_text=gettext_lazy("12 digits: accounts of this unit and the units under it"),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("All")),
            *zip(
                ACCOUNT_STATUSES,
                (gettext_lazy("Active"), gettext_lazy("Disabled"), gettext_lazy("Locked")),
                strict=True,
            ),
        ],
    )

    def clean_unit(self) -> str:
        code = str(self.cleaned_data.get("unit") or "").strip()
        if code and not UNIT_CODE.match(code):
            raise forms.ValidationError(_("Give the unit's 12-digit code."))
        return code

    def filters(self) -> AccountFilters:
        """The filters of a valid form (or none, for an invalid one: its errors are shown)."""
        if not self.is_valid():
            return AccountFilters()
        data = self.cleaned_data
        return AccountFilters(
            role=data["role"], unit=data["unit"], status=data["status"], q=data["q"].strip()
        )


class AccountCreateForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150, required=False)
    # The separated administrators are created at the server (`bqw createuser`).
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=[(role.value, role.label) for role in Role if role in WEB_MANAGED_ROLES],
    )
    unit = forms.CharField(
        label=gettext_lazy("Home unit"),
        max_length=100,
        help_text=gettext_lazy("The unit's 12-digit code, or its name or the start of it"),
    )
    person_id = forms.CharField(
        label=gettext_lazy("Person ID"),
        max_length=64,
        required=False,
        help_text=gettext_lazy("Staff number, if the office gives one"),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        """`units`: the current units the administrator may choose from (their area)."""
        super().__init__(*args, **kwargs)
        self.units = units

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = str(data.get("unit") or "").strip()
        role = data.get("role")
        if not text or not role:
            return data
        levels = ROLE_HOME_LEVELS[Role(role)]
        if UNIT_CODE.match(text):
            data["unit_code"] = text  # the service checks existence, level and area
            return data
        matches = self.units.filter(name__startswith=text)
        if levels is not None:
            matches = matches.filter(level__in=levels)
        found = list(matches.order_by("code")[: UNIT_MATCHES_SHOWN + 1])
        if len(found) == 1:
            data["unit_code"] = found[0].code
        elif not found:
            self.add_error(
                "unit",
                _("No unit of your area whose name starts with %(text)s fits this role.")
                % {"text": text},
            )
        else:
            shown = "、".join(f"{u.name} {u.code}" for u in found[:UNIT_MATCHES_SHOWN])
            more = "…" if len(found) > UNIT_MATCHES_SHOWN else ""
            self.add_error(
                "unit",
                _("Several units fit %(text)s: %(units)s%(more)s. Give the 12-digit code.")
                % {"text": text, "units": shown, "more": more},
            )
        return data


class AccountActionForm(forms.Form):
    """Disable, enable or reset: the account's state as the page showed it travels along."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's form, closed for a while after too many wrong old passwords (each audited)."""

    def clean_old_password(self) -> str:
        wait = password_check_wait(user=self.user)
        if wait:
            password_check_failed(user=self.user, throttled=True)
            raise forms.ValidationError(
                _(
                    "Too many wrong old passwords. Try again in %(minutes)d minutes, or ask "
                    "the system administrator to reset your password."
                )
                % {"minutes": wait},
                code="password_check_throttled",
            )
        try:
            return str(super().clean_old_password())
        except forms.ValidationError:
            password_check_failed(user=self.user)
            raise
