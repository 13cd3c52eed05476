from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """What a notification reminds of; the plans app sends the first seven."""

    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    RETURNED = "returned", _("Returned")
    REVIEW = "review", _("Waiting for review")
    NOTICE = "notice", _("Supervision notice")
    ESCALATED = "escalated", _("Escalated supervision")
    INTERVIEW = "interview", _("Interview")
    GENERAL = "general", _("Notice")
