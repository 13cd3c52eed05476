from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TreeNodeModel
from baiqianwan.units.choices import Kind, Level, LineageKind, UrbanRuralClass
from baiqianwan.units.codes import CODE_LENGTH, SEGMENT_END, prefix_of


def _ancestor_name(level: Level) -> Subquery:
    width = SEGMENT_END[level]
    code = Concat(
        Substr(OuterRef("code"), 1, width),
        Value("0" * (CODE_LENGTH - width)),
        output_field=models.CharField(),
    )
    return Subquery(
        Unit.objects.filter(valid_to__isnull=True, level=level, code=code)
        .exclude(code=OuterRef("code"))
        .values("name")[:1]
    )


def prefix_after(prefix: str) -> str:
    """The smallest string of digits above every code that starts with the digits `prefix`
    (4412 → 4413, 4419 → 442); "" when there is none (99)."""
    kept = prefix.rstrip("9")
    return kept[:-1] + str(int(kept[-1]) + 1) if kept else ""


class UnitQuerySet(models.QuerySet["Unit"]):
    def current(self) -> UnitQuerySet:
        return self.filter(valid_to__isnull=True)

    def within(self, prefix: str) -> UnitQuerySet:
        """The subtree of the unit whose prefix this is (the unit included).

        Asked as the range from `prefix` up to the next prefix of digits (4412 to 4413, 4419
        to 442), which SQLite reads from the index on the code (its LIKE does not) and
        which holds under any collation of PostgreSQL (``4412:`` would not: ICU's orders
        ignore the colon)."""
        if not prefix.isdigit():
            return self.filter(code__startswith=prefix)
        found = self.filter(code__gte=prefix)
        upper = prefix_after(prefix)
        return found.filter(code__lt=upper) if upper else found

    def with_places(self) -> UnitQuerySet:
        """Annotate `county_name` and `town_name`: the current county and town a unit lies in
        (None for the levels above them and for the unit itself), so that the four
        三联村委会 of 肇庆 read apart in a list. Each is found by its code prefix."""
        return self.annotate(
            county_name=_ancestor_name(Level.COUNTY), town_name=_ancestor_name(Level.TOWN)
        )


class Unit(TreeNodeModel):
    """A province, city, county, town or village, identified by its NBS 12-digit code.

    A unit that an edition renames, recodes, merges, splits or retires is never deleted: it is
    closed (`valid_to`) and linked to its successors, so data reported against it stays attached.
    Only one open version of a code exists at a time.
    """

    code = models.CharField(_("code"), max_length=12, db_index=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    urban_rural_class = models.CharField(
        _("urban-rural class"), max_length=3, choices=UrbanRuralClass.choices, blank=True
    )
    edition = models.CharField(_("edition"), max_length=16)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    retired_in = models.CharField(_("retired in edition"), max_length=16, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(valid_to__isnull=True), name="unit_code_open_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_validity_ordered",
            ),
            models.CheckConstraint(
                condition=Q(urban_rural_class="")
                | Q(urban_rural_class__in=[c.value for c in UrbanRuralClass]),
                name="unit_urban_rural_class_valid",
            ),
        ]

    @property
    def prefix(self) -> str:
        return prefix_of(self.code, self.level)

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class UnitLineage(models.Model):
    """`predecessor` became (part of) `successor` in `edition`."""

    predecessor: Any = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="successor_links"
    )
    successor: Any = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="predecessor_links"
    )
    kind = models.CharField(_("change"), max_length=16, choices=LineageKind.choices)
    edition = models.CharField(_("edition"), max_length=16)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unit lineage")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="unit_lineage_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.get_kind_display()}, {self.edition})"
