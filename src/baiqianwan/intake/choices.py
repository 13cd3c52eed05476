from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IntakeStatus(models.TextChoices):
    """Where the cleaning and drafting of a text stands; large texts are worked on in the
    background, small ones are done before the page answers."""

    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
