from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.audit.choices import Action


class AuditEvent(models.Model):
    """One recorded change or sign-in event. Rows are only ever added, never edited: database
    triggers refuse UPDATE, DELETE and TRUNCATE (migrations 0006 and 0008). On SQLite a
    migration that rebuilds this table drops them; it must create them again."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as text too, so the record reads the same if the account is later renamed.
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # The unit the event concerns (the unit itself, an account's home unit, a document's
    # unit), so each auditor reads the events of their own area. Blank: no unit (e.g. a
    # failed sign-in under an unknown name), shown to every auditor.
    unit_code = models.CharField(_("unit code"), max_length=12, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_repr}"
