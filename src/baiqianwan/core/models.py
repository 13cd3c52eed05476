"""The ladder of shared base models: timestamped -> named with a code -> tree node."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class CodedModel(TimestampedModel):
    """Something people name and refer to by a stable code."""

    code = models.CharField(_("code"), max_length=32, db_index=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class TreeNodeModel(CodedModel):
    """A coded thing with a parent of its own kind; `ancestors` refuses a parent chain with a
    cycle."""

    parent: Any = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        abstract = True

    def ancestors(self) -> list[Any]:
        """Parents from the root down to the direct parent."""
        chain: list[Any] = []
        seen = {self.pk}
        node = self.parent
        while node is not None:
            if node.pk in seen:
                raise ValidationError(
                    _("The parent chain of %(node)s has a cycle.") % {"node": self}
                )
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class DataVersion(models.Model):
    """A counter per area of data ("indicators", "plans", "evaluation") that rises with every
    write there; caches key their entries by it, so a write is seen at the next read (see
    core.freshness)."""

    area = models.CharField(_("area"), max_length=32, primary_key=True)
    version = models.BigIntegerField(_("version"), default=0)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return f"{self.area}: {self.version}"
