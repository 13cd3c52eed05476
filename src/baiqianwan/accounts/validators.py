from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_CLASSES = 3


class CharacterClassValidator:
    """At least three of: lower-case, upper-case, digits, other characters (等保 practice)."""

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < MIN_CLASSES:
            raise ValidationError(
                _(
                    "The password must mix at least three of: lower-case letters, upper-case "
                    "letters, digits and other characters."
                ),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("Mix at least three of: lower-case, upper-case, digits, other characters.")


class UsernameInPasswordValidator:
    """The user name may not appear in the password, in any letter case."""

    def validate(self, password: str, user: Any = None) -> None:
        username = str(getattr(user, "username", "") or "")
        if username and username.casefold() in password.casefold():
            raise ValidationError(
                _("The password may not contain the user name."), code="password_has_username"
            )

    def get_help_text(self) -> str:
        return _("The password may not contain the user name.")


class PasswordHistoryValidator:
    """None of the account's last `count` passwords (the current one included) comes back.

    Django calls `password_changed` after every saved change of password, by any path (web,
    `bqw createuser`, a reset): that is where the history is written.
    """

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        from baiqianwan.accounts.models import PasswordHistory

        hashes = list(
            PasswordHistory.objects.filter(user=user)
            .order_by("-at", "-id")
            .values_list("password", flat=True)[: self.count]
        )
        # An account from before the history began still has its current password.
        current = (
            get_user_model().objects.filter(pk=user.pk).values_list("password", flat=True).first()
        )
        if current and current not in hashes:
            hashes.append(current)
        if any(check_password(password, encoded) for encoded in hashes if encoded):
            raise ValidationError(
                _("The password may not be one of your last %(count)d passwords.")
                % {"count": self.count},
                code="password_reused",
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        from baiqianwan.accounts.models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).order_by("-at", "-id")[self.count :]
        PasswordHistory.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()

    def get_help_text(self) -> str:
        return _("The password may not be one of your last %(count)d passwords.") % {
            "count": self.count
        }


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule with its message in our catalogue: Django 5.2 changed the message's
    placeholder, so its own zh_Hans catalogue no longer translates it."""

    def get_error_message(self) -> str:
        return _("The password is too short: it needs at least %(min_length)d characters.") % {
            "min_length": self.min_length
        }

    def get_help_text(self) -> str:
        return _("At least %(min_length)d characters.") % {"min_length": self.min_length}
