from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """The documents the platform writes: the periodic work briefing (工作简报), the ranking
    notice after an assessment (通报) and a supervision notice to one unit (督办通知单)."""

    BRIEFING = "briefing", _("Work briefing")
    RANKING = "ranking", _("Ranking notice")
    NOTICE = "notice", _("Supervision notice")


class DocumentState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Cadence(models.TextChoices):
    """How often a scheduled document is written, each time for the period just ended."""

    MONTH = "month", _("Monthly, for the last month")
    QUARTER = "quarter", _("Quarterly, for the last quarter")
