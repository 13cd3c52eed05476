from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimestampedModel
from baiqianwan.notifications.choices import NotificationKind


class Notification(TimestampedModel):
    """One reminder to one user: shown under the bell until read, and e-mailed once.

    `key` names what the reminder is about (e.g. ``task:42:due:2025-06-30``), so a daily job
    may send it again and the user still gets it once; an empty key never de-duplicates.
    `url` is a path on this site, never another site's address.
    """

    user: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("content"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # The unit the notification concerns, for the audit trail and the reader's scope.
    unit_code = models.CharField(_("unit code"), max_length=12, blank=True)
    key = models.CharField(_("key"), max_length=200, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=~models.Q(key=""),
                name="notification_once_per_user_and_key",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in NotificationKind]),
                name="notification_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.get_kind_display()} {self.title}"
