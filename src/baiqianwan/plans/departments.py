"""The departments' register: loading it from a CSV file, and keeping it from the page.

The file (`ZHAOQING_DEPARTMENTS` ships 肇庆市's) has the columns ``unit_code,name,aliases``,
aliases separated by 、; lines starting with ``#`` are comments. Loading is idempotent (a
department is found by its unit and name; its aliases become the file's) and all-or-nothing:
one bad line, named by its line number and field, and nothing is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import require
from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_event, audit_record, audit_record_many
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.plans.models import Department
from baiqianwan.units.models import Unit

ZHAOQING_DEPARTMENTS = Path(__file__).resolve().parent / "data" / "zhaoqing_departments.csv"
COLUMNS = ("unit_code", "name", "aliases")
ALIAS_SEPARATOR = "、"
NAME_LIMIT = 100
MAX_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class DepartmentRow:
    line: int
    unit_code: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DepartmentsLoaded:
    created: int
    updated: int
    unchanged: int


def aliases_clean(aliases: Iterable[str], *, name: str) -> list[str]:
    """Distinct other names, sorted, without the name itself or empty ones."""
    return sorted({alias.strip() for alias in aliases if alias.strip() and alias.strip() != name})


def aliases_split(text: str) -> list[str]:
    """Aliases as a person writes them in one field: separated by 、, commas or new lines."""
    for separator in ("，", ",", "\n", ";", "；"):
        text = text.replace(separator, ALIAS_SEPARATOR)
    return [part.strip() for part in text.split(ALIAS_SEPARATOR) if part.strip()]


def departments_read(data: bytes) -> list[DepartmentRow]:
    """The rows of a departments CSV file (UTF-8, with or without a byte-order mark).

    Raises
    ------
    InputError
        Naming the line and field that is wrong.
    """
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            _("The file is larger than %(n)d bytes.") % {"n": MAX_FILE_BYTES}, field="file"
        )
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            _("The file is not UTF-8 text (byte %(n)d).") % {"n": exc.start}, field="file"
        ) from None
    rows: list[DepartmentRow] = []
    header_seen = False
    seen: dict[tuple[str, str], int] = {}
    for line, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if not cells or not "".join(cells).strip() or cells[0].lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in cells]
        if not header_seen:
            if tuple(cells[:3]) != COLUMNS:
                raise InputError(
                    _("Line %(line)d: the header must be %(columns)s.")
                    % {"line": line, "columns": ",".join(COLUMNS)},
                    field="file",
                )
            header_seen = True
            continue
        rows.append(_row(line, cells, seen))
    if not header_seen:
        raise InputError(_("The file has no header line."), field="file")
    return rows


def _row(line: int, cells: list[str], seen: dict[tuple[str, str], int]) -> DepartmentRow:
    def fail(field: str, message: str) -> InputError:
        return InputError(
            _("Line %(line)d, %(field)s: %(message)s")
            % {"line": line, "field": field, "message": message},
            field="file",
        )

    if len(cells) > len(COLUMNS):
        raise fail("aliases", _("more cells than the three columns"))
    unit_code, name, aliases = [*cells, "", "", ""][:3]
    if len(unit_code) != 12 or not unit_code.isdigit():
        raise fail("unit_code", _("%(value)r is not a 12-digit unit code") % {"value": unit_code})
    if not name:
        raise fail("name", _("the name is empty"))
    if len(name) > NAME_LIMIT:
        raise fail("name", _("longer than %(n)d characters") % {"n": NAME_LIMIT})
    first = seen.get((unit_code, name))
    if first is not None:
        raise fail(
            "name", _("%(name)s is already on line %(first)d") % {"name": name, "first": first}
        )
    seen[(unit_code, name)] = line
    return DepartmentRow(
        line, unit_code, name, tuple(aliases_clean(aliases_split(aliases), name=name))
    )


def departments_load(
    *, rows: Sequence[DepartmentRow], actor: Any, unit_code: str | None = None
) -> DepartmentsLoaded:
    """Create the departments of `rows` not yet in the register and set the aliases of those
    that are; with `unit_code`, only that unit's rows. All or nothing.

    Raises
    ------
    InputError
        For a row whose unit is not a current unit of the register, naming its line.
    """
    if unit_code is not None:
        rows = [row for row in rows if row.unit_code == unit_code]
        if not rows:
            raise InputError(
                _("The file has no department of unit %(code)s.") % {"code": unit_code},
                field="unit",
            )
    codes = {row.unit_code for row in rows}
    units = {unit.code: unit for unit in Unit.objects.current().filter(code__in=codes)}
    for row in rows:
        if row.unit_code not in units:
            raise InputError(
                _("Line %(line)d, unit_code: %(code)s is not a current unit of the register.")
                % {"line": row.line, "code": row.unit_code},
                field="file",
            )
    existing = {
        (department.unit.code, department.name): department
        for department in Department.objects.filter(unit__code__in=codes).select_related("unit")
    }
    new: list[Department] = []
    changed: list[Department] = []
    for row in rows:
        department = existing.get((row.unit_code, row.name))
        if department is None:
            new.append(
                Department(unit=units[row.unit_code], name=row.name, aliases=list(row.aliases))
            )
        elif department.aliases != list(row.aliases):
            department.aliases = list(row.aliases)
            changed.append(department)
    with transaction.atomic():
        Department.objects.bulk_create(new)
        Department.objects.bulk_update(changed, ["aliases"])
        if new or changed:
            audit_record_many(
                audit_event(
                    actor=actor,
                    action=Action.CREATE if department in new else Action.UPDATE,
                    obj=department,
                    changes={"name": department.name, "aliases": department.aliases},
                )
                for department in [*new, *changed]
            )
    return DepartmentsLoaded(len(new), len(changed), len(rows) - len(new) - len(changed))


def department_update(
    *,
    actor: Any,
    department: Department,
    version: str,
    aliases: Iterable[str] | None = None,
    is_active: bool | None = None,
) -> Department:
    """Change a department's other names or (de)activate it. A department stays in the
    register once a task names it: deactivated, it is no longer matched or offered.

    `version` is the `updated_at` the editor read, so two editors cannot overwrite each other.

    Raises
    ------
    Conflict
        When the department changed since it was read.
    """
    require(actor, "plans.manage", department)
    fields: dict[str, Any] = {}
    if aliases is not None:
        fields["aliases"] = aliases_clean(aliases, name=department.name)
    if is_active is not None:
        fields["is_active"] = is_active
    changes = {
        name: [getattr(department, name), value]
        for name, value in fields.items()
        if getattr(department, name) != value
    }
    with transaction.atomic():
        current = Department.objects.select_for_update().get(pk=department.pk)
        if current.updated_at.isoformat() != version:
            raise Conflict(
                _("Someone else changed this department meanwhile; reload it and try again.")
            )
        if changes:
            for name, value in fields.items():
                setattr(current, name, value)
            current.save()
            audit_record(actor=actor, action=Action.UPDATE, obj=current, changes=changes)
    return current


__all__ = [
    "ZHAOQING_DEPARTMENTS",
    "DepartmentRow",
    "DepartmentsLoaded",
    "aliases_split",
    "department_update",
    "departments_load",
    "departments_read",
]
