from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimestampedModel


class IntakeDocument(TimestampedModel):
    """A policy text as it arrived, its clean form, the draft and the ledger being reviewed.

    The ledger (`ledger`, a `baiqianwan.ledger/1` document) is what the reviewer edits;
    `version` goes up with every save, so two people editing at once cannot overwrite each
    other unnoticed.
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
    draft = models.JSONField(_("draft"))
    ledger = models.JSONField(_("ledger"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("intake document")
        verbose_name_plural = _("intake documents")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
