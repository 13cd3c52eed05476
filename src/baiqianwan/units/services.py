"""Writes to the unit register. Each service owns its transaction and its audit records."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_event, audit_record, audit_record_many
from baiqianwan.core.problems import InputError
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


@dataclass
class LoadPlan:
    """What a load would change: the rows compared with the register, nothing written.

    Attributes
    ----------
    create : list of DivisionRow
        Rows of codes the register does not have.
    update : list of (Unit, DivisionRow, changes)
        Units whose attributes other than the name change in place; `changes` is
        ``{field: [old, new]}``.
    rename : list of (Unit, DivisionRow)
        Units whose name changes: the old version closes, a new one opens.
    move : list of (Unit, DivisionRow)
        Listed units whose parent changes to the row's.
    follow : list of Unit
        Current units under a renamed unit: they move to its new version (listed or not).
    retire : list of Unit
        Current units the load speaks for but does not list, with their subtrees, deepest
        first.
    recode : dict
        Code of a retired unit → code of its successor: the listed unit of this edition with
        the same name, level and parent.
    unchanged : int
        Listed units the load leaves as they are.
    by_level : dict
        Rows per level.
    """

    create: list[DivisionRow] = field(default_factory=list)
    update: list[tuple[Unit, DivisionRow, dict[str, list[Any]]]] = field(default_factory=list)
    rename: list[tuple[Unit, DivisionRow]] = field(default_factory=list)
    move: list[tuple[Unit, DivisionRow]] = field(default_factory=list)
    follow: list[Unit] = field(default_factory=list)
    retire: list[Unit] = field(default_factory=list)
    recode: dict[str, str] = field(default_factory=dict)
    unchanged: int = 0
    by_level: dict[str, int] = field(default_factory=dict)

    @property
    def updated(self) -> int:
        """Units changed in place: attributes, parent, or both."""
        codes = {unit.code for unit, _row, _changes in self.update}
        codes |= {unit.code for unit, _row in self.move}
        codes |= {unit.code for unit in self.follow}
        return len(codes)


def units_load_plan(
    *,
    rows: Sequence[DivisionRow],
    register: Mapping[str, Unit],
    edition: str,
    scope_prefix: str | None = None,
    retire_missing: bool = False,
) -> LoadPlan:
    """Compare one edition's rows with the register's current units (by code, each with its
    parent) and say what loading them would change. Reads and writes nothing else."""
    plan = LoadPlan()
    for row in rows:
        plan.by_level[row.level.value] = plan.by_level.get(row.level.value, 0) + 1
        unit = register.get(row.code)
        if unit is None:
            plan.create.append(row)
            continue
        new = _fields(row, stored_class=unit.urban_rural_class)
        old = {key: getattr(unit, key) for key in new}
        if old == new:
            plan.unchanged += 1
        elif old["name"] != new["name"]:
            plan.rename.append((unit, row))
        else:
            changes = {k: [old[k], new[k]] for k in new if old[k] != new[k]}
            plan.update.append((unit, row, changes))
    renamed = {unit.code for unit, _row in plan.rename}
    # Children follow a renamed parent to its new version; the renamed units themselves
    # are closed, and their new versions get the row's parent.
    plan.follow = [
        unit
        for unit in register.values()
        if unit.parent is not None and unit.parent.code in renamed and unit.code not in renamed
    ]
    following = {unit.code for unit in plan.follow}
    parent_after: dict[str, str | None] = {}
    for row in rows:
        unit = register.get(row.code)
        parent_after[row.code] = row.parent_code
        if unit is None or unit.code in renamed:
            continue
        if unit.code in following:
            parent_after[row.code] = _parent_code(unit)
        elif _parent_code(unit) != row.parent_code:
            plan.move.append((unit, row))
    plan.retire, plan.recode = _retire_plan(
        rows=rows,
        register=register,
        edition=edition,
        scope=_retire_scope(rows, scope_prefix, retire_missing),
        parent_after=parent_after,
        renamed=renamed,
    )
    return plan


def _parent_code(unit: Unit) -> str | None:
    return unit.parent.code if unit.parent is not None else None


def _retire_plan(
    *,
    rows: Sequence[DivisionRow],
    register: Mapping[str, Unit],
    edition: str,
    scope: Callable[[Unit], bool],
    parent_after: Mapping[str, str | None],
    renamed: set[str],
) -> tuple[list[Unit], dict[str, str]]:
    """The units to retire, deepest first, and the successor codes of the recoded ones."""
    listed = {row.code for row in rows}
    gone = [unit for code, unit in register.items() if code not in listed and scope(unit)]
    if not gone:
        return [], {}
    # A retired unit takes its whole subtree with it.
    prefixes = tuple(unit.prefix for unit in gone)
    gone_codes = {unit.code for unit in gone}
    gone += [
        unit
        for code, unit in register.items()
        if code not in listed and code not in gone_codes and code.startswith(prefixes)
    ]
    # Deepest first, so no open unit is left under a closed one.
    gone.sort(key=lambda unit: LEVEL_ORDER.index(Level(unit.level)), reverse=True)
    # Successors: listed units of this edition (new, renamed, or loaded before in it).
    of_edition = {
        (parent_after[row.code], row.name): row.code
        for row in rows
        if row.code not in register or row.code in renamed or register[row.code].edition == edition
    }
    recode = {}
    for unit in gone:
        successor = of_edition.get((_parent_code(unit), unit.name))
        if successor is not None and level_of(successor) == level_of(unit.code):
            recode[unit.code] = successor
    return gone, recode


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

    `units_load_plan` finds what changes; `_load_apply` writes it.
    """
    _check_not_older(rows, valid_from, scope_prefix, retire_missing)
    register = {u.code: u for u in Unit.objects.current().select_related("parent")}
    _check_parents(rows, register)
    plan = units_load_plan(
        rows=rows,
        register=register,
        edition=edition,
        scope_prefix=scope_prefix,
        retire_missing=retire_missing,
    )
    report = LoadReport(
        edition=edition,
        source=source,
        created=len(plan.create),
        updated=plan.updated,
        renamed=len(plan.rename),
        unchanged=plan.unchanged,
        retired=len(plan.retire),
        by_level=plan.by_level,
    )
    report.accounts_moved, report.accounts_stranded = _load_apply(
        plan,
        register=register,
        edition=edition,
        valid_from=valid_from,
        actor=actor,
        on_progress=on_progress,
    )
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


def _load_apply(
    plan: LoadPlan,
    *,
    register: Mapping[str, Unit],
    edition: str,
    valid_from: date,
    actor: Any,
    on_progress: Callable[[int], None] | None,
) -> tuple[int, int]:
    """Write what the plan says, with an audit record for every unit written; returns the
    accounts moved to a successor and those left on a retired unit."""
    events = []
    for unit, _row, changes in plan.update:
        for key, (_old, value) in changes.items():
            setattr(unit, key, value)
        events.append(audit_event(actor=actor, action=Action.UPDATE, obj=unit, changes=changes))
    if on_progress:
        on_progress(plan.unchanged + len(plan.update) + len(plan.rename))

    # Renames: close the old version, open a new one (created below), link them.
    for unit, row in plan.rename:
        unit.valid_to = valid_from
        unit.retired_in = edition
        unit.save(update_fields=["valid_to", "retired_in", "updated_at"])
        new = _fields(row, stored_class=unit.urban_rural_class)
        changes = {k: [getattr(unit, k), v] for k, v in new.items() if getattr(unit, k) != v}
        changes["valid_to"] = [None, valid_from.isoformat()]
        events.append(audit_event(actor=actor, action=Action.UPDATE, obj=unit, changes=changes))
    current = _units_create(
        plan,
        register=register,
        edition=edition,
        valid_from=valid_from,
        actor=actor,
        events=events,
        on_progress=on_progress,
    )
    for unit, row in plan.rename:
        UnitLineage.objects.create(
            predecessor=unit, successor=current[row.code], kind=LineageKind.RENAME, edition=edition
        )

    changed: dict[str, Unit] = {}
    for unit in plan.follow:
        previous, new_version = unit.parent, current[_parent_code(unit) or ""]
        assert previous is not None
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
        unit.parent = new_version
        changed[unit.code] = unit
    for unit, row in plan.move:
        parent = current.get(row.parent_code) if row.parent_code else None
        events.append(
            audit_event(
                actor=actor,
                action=Action.UPDATE,
                obj=unit,
                changes={"parent": [_parent_code(unit), parent.code if parent else None]},
            )
        )
        unit.parent = parent
        changed[unit.code] = unit
    changed.update((unit.code, unit) for unit, _row, _changes in plan.update)
    Unit.objects.bulk_update(
        list(changed.values()),
        ["parent", "name", "level", "kind", "urban_rural_class"],
        batch_size=BATCH,
    )

    recoded = _units_retire(
        plan, current=current, edition=edition, valid_from=valid_from, actor=actor, events=events
    )
    successors = [(unit, current[row.code]) for unit, row in plan.rename] + recoded
    moved, stranded = _accounts_follow(successors=successors, actor=actor, events=events)
    audit_record_many(events)
    return moved, stranded


def _units_create(
    plan: LoadPlan,
    *,
    register: Mapping[str, Unit],
    edition: str,
    valid_from: date,
    actor: Any,
    events: list[Any],
    on_progress: Callable[[int], None] | None,
) -> dict[str, Unit]:
    """Create the new codes and the new versions of renamed units, level by level so that
    each finds its parent; returns the current unit of every code."""
    renamed_class = {unit.code: unit.urban_rural_class for unit, _row in plan.rename}
    current = {code: unit for code, unit in register.items() if code not in renamed_class}
    to_create: dict[Level, list[DivisionRow]] = defaultdict(list)
    for row in [*plan.create, *(row for _unit, row in plan.rename)]:
        to_create[row.level].append(row)
    for level in LEVEL_ORDER:
        batch = [
            Unit(
                code=row.code,
                parent=current.get(row.parent_code) if row.parent_code else None,
                edition=edition,
                valid_from=valid_from,
                **_fields(row, stored_class=renamed_class.get(row.code, "")),
            )
            for row in to_create[level]
        ]
        for unit in Unit.objects.bulk_create(batch, batch_size=BATCH):
            current[unit.code] = unit
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
    return current


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


def _units_retire(
    plan: LoadPlan,
    *,
    current: Mapping[str, Unit],
    edition: str,
    valid_from: date,
    actor: Any,
    events: list[Any],
) -> list[tuple[Unit, Unit]]:
    """Close the units the plan retires, linking the recoded ones to their successors;
    returns the (retired, successor) pairs."""
    recoded: list[tuple[Unit, Unit]] = []
    for unit in plan.retire:
        unit.valid_to = valid_from
        unit.retired_in = edition
        successor_code = plan.recode.get(unit.code)
        if successor_code is not None:
            successor = current[successor_code]
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
    Unit.objects.bulk_update(plan.retire, ["valid_to", "retired_in"], batch_size=BATCH)
    return recoded


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
        raise InputError(_("name at least one successor"), field="successors")
    if any(s.pk == predecessor.pk for s in successors):
        raise InputError(_("a unit cannot succeed itself"), field="successors")
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
