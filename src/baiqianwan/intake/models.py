from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimestampedModel
from baiqianwan.intake.choices import IntakeStatus


class IntakeDocument(TimestampedModel):
    """A policy text as it arrived, its clean form, the draft and the ledger being reviewed.

    The ledger (`ledger`, a `baiqianwan.ledger/1` document) is what the reviewer edits;
    `version` goes up with every save, so two people editing at once cannot overwrite each
    other unnoticed. A large text is cleaned and drafted in the background: `status` and
    `progress` say how far that is, `task_id` names the job. The cleaning's list of changes
    lives apart from its report (`changes`), and the ledger's length and the lost characters
    are kept as numbers, so that lists and exports never read the large columns.
    """

    title = models.CharField(_("title"), max_length=300)
    unit: Any = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    created_by: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_name = models.CharField(_("source"), max_length=255, blank=True)
    source_kind = models.CharField(_("format"), max_length=16)
    encoding = models.CharField(_("encoding"), max_length=32)
    original = models.TextField(_("original text"))
    clean_text = models.TextField(_("clean text"))
    report = models.JSONField(_("cleaning report"))
    changes = models.JSONField(_("changes made by cleaning"), default=list)
    draft = models.JSONField(_("draft"))
    outline = models.JSONField(_("outline of the draft"), default=dict)
    ledger = models.JSONField(_("ledger"))
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=16, choices=IntakeStatus.choices, default=IntakeStatus.DONE
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=100)
    error = models.TextField(_("error"), blank=True)
    # The django-tasks result of the latest background job, to tell a failed job from a
    # running one; `updated_at` is the job's heartbeat.
    task_id = models.CharField(_("background job"), max_length=64, blank=True)
    task_count = models.PositiveIntegerField(_("tasks"), default=0)
    lost_characters = models.PositiveIntegerField(_("lost characters"), default=0)

    class Meta:
        verbose_name = _("intake document")
        verbose_name_plural = _("intake documents")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
