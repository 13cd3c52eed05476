"""Writes to the unit register. Each service owns its transaction and its audit records."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_event, audit_record, audit_record_many
from baiqianwan.units.choices import Level, LineageKind
from baiqianwan.units.codes import CODE_LENGTH, LEVEL_ORDER, SEGMENT_END, kind_of, level_of
from baiqianwan.units.models import Unit, UnitLineage
from baiqianwan.units.sources import DivisionRow, LoadError

BATCH = 2000


@dataclass
class LoadReport:
    edition: str
    source: str
    created: int = 0
    updated: int = 0
    renamed: int = 0
    unchanged: int = 0
    retired: int = 0
    accounts_moved: int = 0
    accounts_stranded: int = 0
    by_level: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.renamed or self.retired)

    def summary(self) -> str:
        counts = (
            _(
                "created %(created)d, updated %(updated)d, renamed %(renamed)d, "
                "unchanged %(unchanged)d, retired %(retired)d"
            )
            % self.__dict__
        )
        if not self.changed:
            return _(
                "Nothing changed: edition %(edition)s from %(source)s "
                "is already loaded (%(counts)s)."
            ) % {
                "edition": self.edition,
                "source": self.source,
                "counts": counts,
            }
        text = _("Loaded edition %(edition)s from %(source)s: %(counts)s.") % {
            "edition": self.edition,
            "source": self.source,
            "counts": counts,
        }
        if self.accounts_moved:
            text += " " + _(
                "%(n)d account(s) moved to the new version of their renamed or recoded unit."
            ) % {"n": self.accounts_moved}
        if self.accounts_stranded:
            text += " " + _(
                "Warning: %(n)d account(s) belong to retired units with no successor; give them "
                "a new home unit."
            ) % {"n": self.accounts_stranded}
        return text


def _fields(row: DivisionRow, *, stored_class: str = "") -> dict[str, Any]:
    """The row's values; a source without urban-rural classes keeps the stored one."""
    return {
        "name": row.name,
        "level": row.level.value,
        "kind": kind_of(row.code, row.name, row.level).value,
        "urban_rural_class": stored_class
        if row.urban_rural_class is None
        else row.urban_rural_class,
    }


def _check_not_older(
    rows: Sequence[DivisionRow], valid_from: date, scope_prefix: str | None, retire_missing: bool
) -> None:
    """Loading an edition older than one already loaded would turn the register back: refuse
    when a unit the load lists, or may retire, has a version valid from a later date."""
    later = Unit.objects.filter(valid_from__gt=valid_from)
    codes = [row.code for row in rows]
    candidates = [
        later.filter(code__in=codes[start : start + BATCH]) for start in range(0, len(codes), BATCH)
    ]
    if scope_prefix is not None:
        candidates.append(later.within(scope_prefix))
    elif retire_missing:
        parents = sorted({row.parent_code for row in rows if row.parent_code})
        candidates.append(later.filter(parent__code__in=parents))
    found = [unit for qs in candidates if (unit := qs.order_by("-valid_from").first())]
    if not found:
        return
    newest = max(found, key=lambda unit: unit.valid_from)
    row = next((r for r in rows if r.code == newest.code), rows[0])
    raise LoadError(
        row.source,
        row.line,
        _(
            "%(code)s already has a version valid from %(newer)s (edition %(edition)s), "
            "newer than this load's %(date)s: an older edition cannot be loaded over it"
        )
        % {
            "code": newest.code,
            "newer": newest.valid_from.isoformat(),
            "edition": newest.edition,
            "date": valid_from.isoformat(),
        },
    )


def _check_parents(rows: Sequence[DivisionRow], existing: dict[str, Unit]) -> None:
    in_load = {row.code for row in rows}
    for row in rows:
        if (
            row.parent_code is not None
            and row.parent_code not in in_load
            and row.parent_code not in existing
        ):
            raise LoadError(
                row.source,
                row.line,
                _(
                    "unknown parent %(parent)s for %(code)s %(name)s: it is neither in this load "
                    "nor in the register"
                )
                % {"parent": row.parent_code, "code": row.code, "name": row.name},
            )


def _retire_scope(
    rows: Sequence[DivisionRow], scope_prefix: str | None, retire_missing: bool
) -> Callable[[Unit], bool]:
    """Which current units this load speaks for, so may retire when it does not list them.

    A package load speaks for everything under its province or city. A file speaks for
    nothing unless the caller says it is complete (`retire_missing`): then for the children
    of every parent it lists children of.
    """
    if scope_prefix is not None:
        return lambda unit: unit.code.startswith(scope_prefix)
    if not retire_missing:
        return lambda unit: False
    parents = {row.parent_code for row in rows if row.parent_code}
    return lambda unit: unit.parent is not None and unit.parent.code in parents


@transaction.atomic
def units_load(
    *,
    rows: Sequence[DivisionRow],
    edition: str,
    valid_from: date,
    source: str,
    actor: Any = None,
    scope_prefix: str | None = None,
    retire_missing: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> LoadReport:
    """Bring the register in line with one edition's rows, all or nothing.

    New codes are created; a changed name closes the old version and opens a new one linked by
    lineage (rename); other changed attributes are updated in place; current units that this
    load speaks for (see `_retire_scope`) but does not list are retired with their subtrees
    (closed, never deleted), and linked as recoded when a new unit under the same parent has
    the same name. Loading the same edition again changes nothing. Every created, changed and
    retired unit gets an audit record with its old and new values.
    """
    report = LoadReport(edition=edition, source=source)
    _check_not_older(rows, valid_from, scope_prefix, retire_missing)
    existing = {u.code: u for u in Unit.objects.current().select_related("parent")}
    _check_parents(rows, existing)
    events = []
    renamed_pairs: list[tuple[Unit, DivisionRow]] = []
    to_create: dict[Level, list[DivisionRow]] = defaultdict(list)
    to_update: list[Unit] = []
    for row in rows:
        report.by_level[row.level.value] = report.by_level.get(row.level.value, 0) + 1
        unit = existing.get(row.code)
        new = _fields(row, stored_class=unit.urban_rural_class if unit else "")
        if unit is None:
            to_create[row.level].append(row)
            continue
        old = {key: getattr(unit, key) for key in new}
        if old == new:
            report.unchanged += 1
        elif old["name"] != new["name"]:
            renamed_pairs.append((unit, row))
        else:
            for key, value in new.items():
                setattr(unit, key, value)
            to_update.append(unit)
            events.append(
                audit_event(
                    actor=actor,
                    action=Action.UPDATE,
                    obj=unit,
                    changes={k: [old[k], new[k]] for k in new if old[k] != new[k]},
                )
            )
        if on_progress:
            on_progress(1)

    # Renames: close the old version, open a new one, link them.
    for unit, row in renamed_pairs:
        unit.valid_to = valid_from
        unit.retired_in = edition
        unit.save(update_fields=["valid_to", "retired_in", "updated_at"])
        to_create[row.level].append(row)
        new = _fields(row, stored_class=unit.urban_rural_class)
        changes = {k: [getattr(unit, k), v] for k, v in new.items() if getattr(unit, k) != v}
        changes["valid_to"] = [None, valid_from.isoformat()]
        events.append(audit_event(actor=actor, action=Action.UPDATE, obj=unit, changes=changes))
    report.renamed = len(renamed_pairs)
    renamed_class = {unit.code: unit.urban_rural_class for unit, _row in renamed_pairs}

    current = {code: unit for code, unit in existing.items() if unit.valid_to is None}
    created_codes: set[str] = set()
    for level in LEVEL_ORDER:
        batch = [
            Unit(
                code=row.code,
                parent=current.get(row.parent_code) if row.parent_code else None,
                edition=edition,
                valid_from=valid_from,
                **_fields(
                    row,
                    stored_class=renamed_class.get(row.code, ""),
                ),
            )
            for row in to_create[level]
        ]
        for unit in Unit.objects.bulk_create(batch, batch_size=BATCH):
            current[unit.code] = unit
            created_codes.add(unit.code)
            events.append(
                audit_event(
                    actor=actor,
                    action=Action.CREATE,
                    obj=unit,
                    changes={
                        "name": unit.name,
                        "level": unit.level,
                        "parent": unit.parent.code if unit.parent else None,
                        "edition": edition,
                    },
                )
            )
        if on_progress:
            on_progress(len(batch))
    report.created = len(created_codes) - report.renamed
    for unit, row in renamed_pairs:
        UnitLineage.objects.create(
            predecessor=unit, successor=current[row.code], kind=LineageKind.RENAME, edition=edition
        )

    # Children follow a renamed parent to its new version, listed in this load or not; the
    # parent's code is the same, the row it points at is the new one.
    reparented: dict[int, Unit] = {}
    for previous, row in renamed_pairs:
        new_version = current[row.code]
        for unit in Unit.objects.current().filter(parent=previous):
            unit.parent = new_version
            if unit.code in current:  # keep the in-memory copy in step
                current[unit.code].parent = new_version
            reparented[unit.pk] = unit
            events.append(
                audit_event(
                    actor=actor,
                    action=Action.UPDATE,
                    obj=unit,
                    changes={
                        "parent": [
                            f"{previous.code}#{previous.pk}",
                            f"{new_version.code}#{new_version.pk}",
                        ]
                    },
                )
            )
    for row in rows:
        unit = current[row.code]
        parent = current.get(row.parent_code) if row.parent_code else None
        if unit.code in created_codes or unit.pk in reparented:
            continue
        if unit.parent_id != (parent.pk if parent else None):
            events.append(
                audit_event(
                    actor=actor,
                    action=Action.UPDATE,
                    obj=unit,
                    changes={
                        "parent": [
                            unit.parent.code if unit.parent else None,
                            parent.code if parent else None,
                        ]
                    },
                )
            )
            unit.parent = parent
            reparented[unit.pk] = unit
    changed = {**reparented, **{u.pk: u for u in to_update}}
    Unit.objects.bulk_update(
        list(changed.values()),
        ["parent", "name", "level", "kind", "urban_rural_class"],
        batch_size=BATCH,
    )
    report.updated = len(changed)

    report.retired, recoded = _retire_missing(
        rows=rows,
        current=current,
        edition=edition,
        valid_from=valid_from,
        scope=_retire_scope(rows, scope_prefix, retire_missing),
        actor=actor,
        events=events,
    )
    successors = [(unit, current[row.code]) for unit, row in renamed_pairs] + recoded
    report.accounts_moved, report.accounts_stranded = _accounts_follow(
        successors=successors, actor=actor, events=events
    )
    audit_record_many(events)
    if report.changed:
        audit_record(
            actor=actor,
            action=Action.LOAD,
            object_type="units.unit",
            object_repr=source,
            unit_code=_common_unit(rows, scope_prefix),
            changes={
                "edition": edition,
                "created": report.created,
                "updated": report.updated,
                "renamed": report.renamed,
                "retired": report.retired,
                "unchanged": report.unchanged,
            },
        )
    return report


def _common_unit(rows: Sequence[DivisionRow], scope_prefix: str | None) -> str:
    """The unit a load concerns, for the audit trail: the package's scope, or the deepest
    unit whose code prefix every row of the file shares."""
    if scope_prefix:
        return scope_prefix.ljust(CODE_LENGTH, "0")
    # Character by character is what is wanted: codes are fixed-width digit strings.
    common = os.path.commonprefix([row.code for row in rows]) if rows else ""  # noqa: RUF071
    for level in reversed(LEVEL_ORDER):
        end = SEGMENT_END[level]
        if len(common) >= end and common[:end].strip("0"):
            return common[:end].ljust(CODE_LENGTH, "0")
    return ""


def _retire_missing(
    *,
    rows: Sequence[DivisionRow],
    current: dict[str, Unit],
    edition: str,
    valid_from: date,
    scope: Callable[[Unit], bool],
    actor: Any,
    events: list[Any],
) -> tuple[int, list[tuple[Unit, Unit]]]:
    """Retire what the load speaks for but does not list; returns the count and the
    (retired, successor) pairs of recoded units."""
    listed = {row.code for row in rows}
    gone = [
        u for code, u in current.items() if code not in listed and u.valid_to is None and scope(u)
    ]
    if not gone:
        return 0, []
    # A retired unit takes its whole subtree with it.
    prefixes = tuple(u.prefix for u in gone)
    gone_codes = {u.code for u in gone}
    gone += [
        u
        for code, u in current.items()
        if code not in listed
        and code not in gone_codes
        and u.valid_to is None
        and code.startswith(prefixes)
    ]
    # Deepest first, so no open unit is left under a closed one.
    gone.sort(key=lambda u: LEVEL_ORDER.index(Level(u.level)), reverse=True)
    by_parent_and_name = {
        (u.parent_id, u.name): u
        for u in current.values()
        if u.code in listed and u.edition == edition
    }
    recoded: list[tuple[Unit, Unit]] = []
    for unit in gone:
        unit.valid_to = valid_from
        unit.retired_in = edition
        successor = by_parent_and_name.get((unit.parent_id, unit.name))
        if successor is not None and level_of(successor.code) == level_of(unit.code):
            UnitLineage.objects.create(
                predecessor=unit, successor=successor, kind=LineageKind.RECODE, edition=edition
            )
            recoded.append((unit, successor))
        events.append(
            audit_event(
                actor=actor,
                action=Action.RETIRE,
                obj=unit,
                changes={"valid_to": [None, valid_from.isoformat()]},
            )
        )
    Unit.objects.bulk_update(gone, ["valid_to", "retired_in"], batch_size=BATCH)
    return len(gone), recoded


def _accounts_follow(
    *, successors: list[tuple[Unit, Unit]], actor: Any, events: list[Any]
) -> tuple[int, int]:
    """Accounts follow their home unit to its renamed or recoded version; those on units
    retired without a successor are counted, so the load can say so."""
    from baiqianwan.accounts.models import User  # accounts depends on units, not the reverse

    moved = 0
    for previous, successor in successors:
        for user in User.objects.filter(home_unit=previous):
            user.home_unit = successor
            user.save(update_fields=["home_unit"])
            events.append(
                audit_event(
                    actor=actor,
                    action=Action.UPDATE,
                    obj=user,
                    changes={
                        "home_unit": [
                            previous.code + f"#{previous.pk}",
                            successor.code + f"#{successor.pk}",
                        ]
                    },
                )
            )
            moved += 1
    stranded = User.objects.filter(home_unit__valid_to__isnull=False).count()
    return moved, stranded


@transaction.atomic
def unit_lineage_link(
    *,
    predecessor: Unit,
    successors: Sequence[Unit],
    kind: LineageKind,
    edition: str,
    actor: Any = None,
    note: str = "",
) -> list[UnitLineage]:
    """Record that a unit merged into, or split into, other units (an edition's notice says so;
    a division list alone cannot tell a merge from a retirement)."""
    if not successors:
        raise ValueError(_("name at least one successor"))
    if any(s.pk == predecessor.pk for s in successors):
        raise ValueError(_("a unit cannot succeed itself"))
    links = []
    for successor in successors:
        link, created = UnitLineage.objects.get_or_create(
            predecessor=predecessor,
            successor=successor,
            defaults={"kind": kind, "edition": edition, "note": note},
        )
        if created:
            links.append(link)
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=link,
                object_repr=f"{predecessor} → {successor}",
                unit_code=predecessor.code,
                changes={"kind": kind.value, "edition": edition},
            )
    return links
