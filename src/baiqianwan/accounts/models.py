from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.accounts.choices import SEPARATED_ADMIN_ROLES, Role

_SEPARATED = models.Q(role__in=sorted(r.value for r in SEPARATED_ADMIN_ROLES))


class User(AbstractUser):
    """A person's account: one role, and a home unit whose subtree bounds what they see."""

    home_unit: Any = models.ForeignKey(
        "units.Unit",
        verbose_name=_("home unit"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,  # only the migration's initial superuser-less state; services require it
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # Who this account belongs to (e.g. staff number), to keep one person out of two
    # separated administrator roles.
    person_id = models.CharField(_("person ID"), max_length=64, blank=True)
    # Set by a password reset: the one-time password only opens the password page.
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="user_role_valid"
            ),
            # MLPS 2.0: the system, security and audit administrators are different people,
            # so each such account names its person, and a person holds one of them at most.
            models.CheckConstraint(
                condition=~_SEPARATED | ~models.Q(person_id=""),
                name="user_separated_admin_has_person",
            ),
            models.UniqueConstraint(
                fields=["person_id"],
                condition=_SEPARATED,
                name="user_one_separated_admin_role_per_person",
            ),
        ]


class PasswordHistory(models.Model):
    """The hashes of an account's recent passwords, so none of the last few comes back."""

    user: Any = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    password = models.CharField(_("password"), max_length=128)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("password history")
        verbose_name_plural = _("password history")
        indexes = [models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M}"


class PasswordCheckFailure(models.Model):
    """A wrong old password typed on the password page; too many in a while close the page."""

    user: Any = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("wrong old password")
        verbose_name_plural = _("wrong old passwords")

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M}"
