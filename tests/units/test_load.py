"""The loader against the real package and ../shared/data: counts, idempotence, bad files."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from baiqianwan.audit.models import AuditEvent
from baiqianwan.units.choices import Level, LineageKind
from baiqianwan.units.models import Unit, UnitLineage
from baiqianwan.units.services import units_load
from baiqianwan.units.sources import LoadError, rows_from_files
from tests.factories import NODE_MODULES, shared_path


def shared_counts(scope: str) -> dict[str, int]:
    counts = {}
    for level, name in (("county", "counties"), ("town", "towns"), ("village", "villages")):
        with shared_path("data", "admin_divisions", scope, f"{name}.csv").open(
            encoding="utf-8"
        ) as f:
            counts[level] = sum(1 for _ in csv.DictReader(f))
    return counts


def current_counts(prefix: str) -> dict[str, int]:
    qs = Unit.objects.current().within(prefix)
    return {level: qs.filter(level=level).count() for level in ("county", "town", "village")}


@pytest.mark.django_db
def test_zhaoqing_from_the_package_matches_the_shared_data():
    # Loaded by the session fixture from the npm package.
    assert current_counts("4412") == {"county": 8, "town": 106, "village": 1558}
    assert current_counts("4412") == shared_counts("zhaoqing")
    huaiji = Unit.objects.current().get(code="441224000000")
    assert huaiji.name == "怀集县"
    assert huaiji.children.filter(valid_to__isnull=True).count() == 19
    assert Unit.objects.current().within("441224").filter(level=Level.VILLAGE).count() == 326


@pytest.mark.django_db
def test_loading_the_same_edition_again_changes_nothing_and_says_so(capsys):
    before = AuditEvent.objects.count()
    call_command(
        "units", "load", "--city", "4412", "--no-progress", "--node-modules", str(NODE_MODULES)
    )
    out = capsys.readouterr().out
    assert "Nothing changed" in out
    assert "unchanged 1674" in out
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_all_of_guangdong(capsys):
    call_command(
        "units", "load", "--province", "44", "--no-progress", "--node-modules", str(NODE_MODULES)
    )
    out = capsys.readouterr().out
    assert "unchanged 1674" in out and "retired 0" in out
    shared = shared_counts("guangdong")
    counts = current_counts("44")
    # The shared counties list keeps 东莞 and 中山's placeholder rows; the register does not.
    assert shared["county"] == 124
    assert counts == {"county": 122, "town": 1757, "village": 26842}
    assert counts["town"] == shared["town"] and counts["village"] == shared["village"]
    # 东莞's towns hang directly under the city.
    town = Unit.objects.current().get(code="441900003000")
    assert town.parent.code == "441900000000" and town.parent.level == Level.CITY


def write_csv(path: Path, header: str, *lines: str) -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_the_shared_files_load_in_the_same_form(tmp_path):
    """--file takes CSVs with code,name and a parent column, such as ../shared/data's."""
    root = write_csv(tmp_path / "root.csv", "code,name", "44,广东省")
    files = [root, shared_path("data", "admin_divisions", "guangdong", "cities.csv")] + [
        shared_path("data", "admin_divisions", "zhaoqing", f"{name}.csv")
        for name in ("counties", "towns", "villages")
    ]
    rows = rows_from_files(files)
    report = units_load(rows=rows, edition="2023", valid_from=date(2023, 6, 30), source="shared")
    # The 20 other cities are new; Zhaoqing is already there from the package.
    assert report.created == 20
    assert report.unchanged == 1 + 1 + 8 + 106 + 1558
    assert report.retired == 0


BAD_FILES = [
    (
        "a county code that names a city",
        "code,name,parent_code",
        ["441500,某县,4415"],
        2,
        "has the length of a code at County level but ends in zeros, so it names a unit at City "
        "level",
    ),
    (
        "a town code that names a county",
        "code,name,parent_code",
        ["441224000,某镇,441224"],
        2,
        "names a unit at County level",
    ),
    ("malformed code", "code,name,parent_code", ["4412241,怀集县,4412"], 2, "malformed code"),
    ("letters", "code,name,parent_code", ["44122A,怀集县,4412"], 2, "digits only"),
    ("no name", "code,name,parent_code", ["441224,,4412"], 2, "has no name"),
    (
        "unknown parent",
        "code,name,parent_code",
        ["441224101,新镇,441224", "441299101,别处镇,441299"],
        3,
        "unknown parent 441299000000",
    ),
    (
        "duplicate",
        "code,name,parent_code",
        ["441224101,新镇,441224", "441224102,另一镇,441224", "441224101,新镇二,441224"],
        4,
        "duplicate code 441224101000",
    ),
    (
        "wrong parent column",
        "code,name,parent_code",
        ["441224101,新镇,441226"],
        2,
        "is not the parent of",
    ),
    (
        "a twelve-digit parent that is the grandparent",
        "code,name,parent_code",
        ["441224001000,怀城街道,441224000000", "441224001001,新社区居委会,441224000000"],
        3,
        "parent_code 441224000000 is not the parent of 441224001001: by its code the parent is "
        "441224001000",
    ),
    (
        "bad urban-rural class",
        "code,name,parent_code,urban_rural_class",
        ["441224100299,新村,441224100,130"],
        2,
        "urban-rural class '130'",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "header", "lines", "line", "reason"), BAD_FILES, ids=[case[0] for case in BAD_FILES]
)
def test_a_bad_row_aborts_the_whole_load_naming_file_and_line(
    tmp_path, case, header, lines, line, reason
):
    # The good rows before the bad one must not be written either.
    path = write_csv(tmp_path / "divisions.csv", header, *lines)
    units_before = Unit.objects.count()
    events_before = AuditEvent.objects.count()
    with pytest.raises(CommandError) as info:
        call_command(
            "units",
            "load",
            "--file",
            str(path),
            "--edition",
            "2024",
            "--valid-from",
            "2024-06-30",
            "--no-progress",
        )
    message = str(info.value)
    assert f"divisions.csv, line {line}: " in message
    assert reason in message
    assert "Nothing was written" in message
    assert Unit.objects.count() == units_before
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_or_lacks_columns_is_refused(tmp_path):
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("code,name\n441224101,新镇\n".encode("gbk"))
    with pytest.raises(LoadError, match=r"line 2: the file is not UTF-8"):
        rows_from_files([gbk])
    headless = write_csv(tmp_path / "headless.csv", "id,title", "1,x")
    with pytest.raises(LoadError, match="'code' and 'name'"):
        rows_from_files([headless])


@pytest.mark.django_db
def test_command_line_errors_name_the_argument(tmp_path):
    with pytest.raises(CommandError, match="--city '44'"):
        call_command("units", "load", "--city", "44")
    with pytest.raises(CommandError, match="--edition is required"):
        call_command("units", "load", "--file", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="no such file"):
        call_command(
            "units",
            "load",
            "--file",
            str(tmp_path / "x.csv"),
            "--edition",
            "2024",
            "--valid-from",
            "2024-01-01",
        )


@pytest.mark.django_db
def test_a_new_edition_renames_recodes_and_retires_without_deleting(tmp_path):
    """Edition 2024 of 怀集县's towns (made up for the test): one renamed, one recoded,
    one gone. Old versions stay, closed and linked; their villages go with them."""
    huaiji = Unit.objects.current().get(code="441224000000")
    towns = list(huaiji.children.filter(valid_to__isnull=True).order_by("code"))
    renamed, recoded, gone = towns[0], towns[1], towns[2]
    lines = []
    for town in towns:
        if town == renamed:
            lines.append(f"{town.code[:9]},{town.name}新,441224")
        elif town == recoded:
            lines.append(f"441224399,{town.name},441224")
        elif town != gone:
            lines.append(f"{town.code[:9]},{town.name},441224")
    path = write_csv(tmp_path / "huaiji-2024.csv", "code,name,parent_code", *lines)
    total_before = Unit.objects.count()
    villages_of_gone = Unit.objects.current().filter(parent=gone).count()
    villages_of_renamed = Unit.objects.current().filter(parent=renamed).count()

    rows = rows_from_files([path])
    report = units_load(
        rows=rows, edition="2024", valid_from=date(2024, 6, 30), source="test", retire_missing=True
    )

    assert report.renamed == 1
    assert report.created == 1  # 441224399
    # recoded town and the gone town, with the villages under each
    villages_of_recoded = Unit.objects.filter(parent=recoded).count()
    assert report.retired == 2 + villages_of_gone + villages_of_recoded
    assert Unit.objects.count() == total_before + 2  # nothing deleted
    renamed.refresh_from_db()
    assert renamed.valid_to == date(2024, 6, 30) and renamed.retired_in == "2024"
    new_version = Unit.objects.current().get(code=renamed.code)
    assert new_version.name == renamed.name + "新"
    assert UnitLineage.objects.get(predecessor=renamed).successor == new_version
    assert UnitLineage.objects.get(predecessor=renamed).kind == LineageKind.RENAME
    # The villages follow the renamed town to its new version.
    assert Unit.objects.current().filter(parent=new_version).count() == villages_of_renamed
    link = UnitLineage.objects.get(predecessor=recoded)
    assert link.kind == LineageKind.RECODE and link.successor.code == "441224399000"
    gone.refresh_from_db()
    assert gone.valid_to is not None
    assert not UnitLineage.objects.filter(predecessor=gone).exists()
    # Loading 2024 again changes nothing.
    again = units_load(
        rows=rows_from_files([path]),
        edition="2024",
        valid_from=date(2024, 6, 30),
        source="test",
        retire_missing=True,
    )
    assert not again.changed


@pytest.mark.django_db
def test_merge_links_are_recorded_by_command(capsys):
    call_command(
        "units", "link", "441224102000", "441224103000", "--kind", "merge", "--edition", "2024"
    )
    assert "Recorded 1 lineage link" in capsys.readouterr().out
    link = UnitLineage.objects.get(predecessor__code="441224102000")
    assert link.kind == LineageKind.MERGE
    assert AuditEvent.objects.filter(object_type="units.unitlineage").exists()


@pytest.mark.django_db
def test_a_partial_file_retires_nothing_unless_it_says_it_is_complete(tmp_path):
    path = write_csv(tmp_path / "one-town.csv", "code,name,parent_code", "441224199,新镇甲,441224")
    current_before = Unit.objects.current().count()
    report = units_load(
        rows=rows_from_files([path]), edition="2024", valid_from=date(2024, 6, 30), source="t"
    )
    assert (report.created, report.retired) == (1, 0)
    assert Unit.objects.current().count() == current_before + 1


@pytest.mark.django_db
def test_twelve_digit_codes_load_at_the_level_they_name(tmp_path):
    path = write_csv(
        tmp_path / "twelve.csv",
        "code,name",
        "441224199000,新镇乙",
        "441224199201,新村委会",
    )
    units_load(
        rows=rows_from_files([path]), edition="2024", valid_from=date(2024, 6, 30), source="t"
    )
    town = Unit.objects.current().get(code="441224199000")
    assert (town.level, town.kind, town.parent.code) == ("town", "town", "441224000000")
    assert town.prefix == "441224199"
    village = Unit.objects.current().get(code="441224199201")
    assert village.parent == town and village.kind == "villagers_committee"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("town", "village", "town_parent", "village_parent"),
    [
        ("441224001000", "441224001001", "441224000000", "441224001000"),  # all 12 digits
        ("441224001", "441224001001", "441224", "441224001"),  # native
        ("441224001000", "441224001001", "441224", "441224001"),  # 12-digit codes, native parents
        ("441224001", "441224001001", "441224000000", "441224001000"),  # the other way round
    ],
    ids=["twelve", "native", "native-parents", "twelve-parents"],
)
def test_a_parent_is_taken_in_its_native_form_or_in_twelve_digits(
    tmp_path, town, village, town_parent, village_parent
):
    # 怀城街道 441224001000 is in the register; its file row names the same parent either way.
    path = write_csv(
        tmp_path / "huaicheng.csv",
        "code,name,parent_code",
        f"{town},怀城街道,{town_parent}",
        f"{village},新社区居委会,{village_parent}",
    )
    rows = rows_from_files([path])
    assert [(row.code, row.parent_code) for row in rows] == [
        ("441224001000", "441224000000"),
        ("441224001001", "441224001000"),
    ]
    units_load(rows=rows, edition="2024", valid_from=date(2024, 6, 30), source="t")
    village_unit = Unit.objects.current().get(code="441224001001")
    assert village_unit.parent.code == "441224001000"
    assert village_unit.parent.parent.code == "441224000000"


@pytest.mark.django_db
def test_the_command_loads_a_file_of_twelve_digit_codes_and_parents(tmp_path):
    path = write_csv(
        tmp_path / "huaicheng.csv",
        "code,name,parent_code",
        "441224001000,怀城街道,441224000000",
        "441224001299,新村委会,441224001000",
    )
    call_command(
        "units",
        "load",
        "--file",
        str(path),
        "--edition",
        "2024",
        "--valid-from",
        "2024-06-30",
        "--no-progress",
    )
    village = Unit.objects.current().get(code="441224001299")
    assert (village.name, village.parent.code) == ("新村委会", "441224001000")


PARENT_ERRORS = [
    # (row, the reason the error states)
    (
        "441224001000,怀城街道,4412240000001",
        "parent_code 4412240000001 is malformed: code '4412240000001' has 13 digits; "
        "expected 2, 4, 6, 9 or 12",
    ),
    (
        "441224001000,怀城街道,44122400000A",
        "parent_code 44122400000A is malformed: code '44122400000A' must contain digits only",
    ),
    (
        "441224001000,怀城街道,4412240",
        "parent_code 4412240 is malformed: code '4412240' has 7 digits; expected 2, 4, 6, 9 or 12",
    ),
    (
        "441224001000,怀城街道,441226000000",
        "parent_code 441226000000 is not the parent of 441224001000: by its code the parent "
        "is 441224000000",
    ),
    (
        "441224001,怀城街道,441226",
        "parent_code 441226 is not the parent of 441224001: by its code the parent is 441224",
    ),
    # The grandparent is not the parent, in either form.
    (
        "441224001001,新社区居委会,441224000000",
        "parent_code 441224000000 is not the parent of 441224001001: by its code the parent "
        "is 441224001000",
    ),
    (
        "441224001001,新社区居委会,4412",
        "parent_code 4412 is not the parent of 441224001001: by its code the parent is 441224001",
    ),
    (
        "440000000000,广东省,440000000000",
        "parent_code 440000000000 is not the parent of 440000000000: by its code the parent "
        "is none (a province has no parent)",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "reason"), PARENT_ERRORS)
def test_a_wrong_or_malformed_parent_names_file_line_and_column(tmp_path, row, reason):
    path = write_csv(
        tmp_path / "parents.csv", "code,name,parent_code", "441224002000,三坑镇,441224", row
    )
    with pytest.raises(LoadError) as info:
        rows_from_files([path])
    assert (info.value.source, info.value.line) == ("parents.csv", 3)
    assert str(info.value) == f"parents.csv, line 3: {reason}"


@pytest.mark.django_db
def test_only_a_city_named_placeholder_is_skipped(tmp_path):
    from baiqianwan.units.sources import LoadError

    ok = write_csv(
        tmp_path / "dg.csv", "code,name,cityCode", "4419,东莞市,44", "441900,东莞市,4419"
    )
    rows = rows_from_files([ok])
    assert [r.code for r in rows] == ["441900000000"]
    bad = write_csv(tmp_path / "x.csv", "code,name,cityCode", "4419,东莞市,44", "441900,某区,4419")
    with pytest.raises(LoadError, match="line 3"):
        rows_from_files([bad])


@pytest.mark.django_db
def test_every_created_and_retired_unit_is_audited(tmp_path):
    path = write_csv(tmp_path / "new.csv", "code,name,parent_code", "441224199,新镇丙,441224")
    units_load(
        rows=rows_from_files([path]), edition="2024", valid_from=date(2024, 6, 30), source="t"
    )
    event = AuditEvent.objects.get(action="create", object_repr__contains="441224199000")
    assert event.changes == {
        "name": "新镇丙",
        "level": "town",
        "parent": "441224000000",
        "edition": "2024",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "parent", "skipped"),
    [
        ("441224000201", "", "Town level"),
        ("441200101", "4412", "County level"),
        ("440024", "44", "City level"),
    ],
)
def test_a_code_that_skips_a_level_is_refused(tmp_path, code, parent, skipped):
    header = "code,name,parent_code" if parent else "code,name"
    line = f"{code},某单位,{parent}" if parent else f"{code},某单位"
    path = write_csv(tmp_path / "gap.csv", header, line)
    with pytest.raises(LoadError, match=f"line 2: code {code} skips {skipped}:"):
        rows_from_files([path])


@pytest.mark.django_db
def test_an_older_edition_cannot_be_loaded_over_a_newer_one(tmp_path):
    path = write_csv(tmp_path / "new.csv", "code,name,parent_code", "441224199,新镇丁,441224")
    units_load(
        rows=rows_from_files([path]), edition="2024", valid_from=date(2024, 6, 30), source="t"
    )
    with pytest.raises(CommandError, match="already has a version valid from 2024-06-30"):
        call_command(
            "units",
            "load",
            "--file",
            str(path),
            "--edition",
            "2022",
            "--valid-from",
            "2022-06-30",
            "--no-progress",
        )
    with pytest.raises(CommandError, match="newer than this load's 2023-06-30"):
        call_command(
            "units", "load", "--city", "4412", "--no-progress", "--node-modules", str(NODE_MODULES)
        )


@pytest.mark.django_db
def test_a_source_without_classes_keeps_the_stored_urban_rural_class(tmp_path, capsys):
    village = Unit.objects.current().filter(level="village", code__startswith="441224").first()
    path = write_csv(
        tmp_path / "class.csv",
        "code,name,parent_code,urban_rural_class",
        f"{village.code},{village.name},{village.code[:9]},220",
    )
    units_load(
        rows=rows_from_files([path]), edition="2023", valid_from=date(2023, 6, 30), source="t"
    )
    call_command(
        "units", "load", "--city", "4412", "--no-progress", "--node-modules", str(NODE_MODULES)
    )
    assert "Nothing changed" in capsys.readouterr().out
    village.refresh_from_db()
    assert village.urban_rural_class == "220"


@pytest.mark.django_db
def test_accounts_follow_their_unit_to_its_new_version(tmp_path, make_user):
    town = Unit.objects.current().get(code="441224001000")  # 怀城街道
    other = Unit.objects.current().get(code="441224102000")
    renamed_user = make_user("town-op", "town_operator", town.code)
    recoded_user = make_user("other-op", "town_operator", other.code)
    lines = [
        f"{u.code[:9]},{u.name},441224"
        for u in Unit.objects.current().filter(parent__code="441224000000").exclude(pk=other.pk)
    ]
    lines = [line.replace(f",{town.name},", f",{town.name}新,") for line in lines]
    lines.append(f"441224398,{other.name},441224")
    path = write_csv(tmp_path / "huaiji.csv", "code,name,parent_code", *lines)
    report = units_load(
        rows=rows_from_files([path]),
        edition="2024",
        valid_from=date(2024, 6, 30),
        source="t",
        retire_missing=True,
    )
    assert report.accounts_moved == 2 and report.accounts_stranded == 0
    renamed_user.refresh_from_db()
    recoded_user.refresh_from_db()
    assert renamed_user.home_unit.name == f"{town.name}新" and renamed_user.home_unit.is_current
    assert recoded_user.home_unit.code == "441224398000"
    assert AuditEvent.objects.filter(
        action="update", object_type="accounts.user", object_id=str(recoded_user.pk)
    ).exists()


@pytest.mark.django_db
def test_a_failure_after_writing_leaves_nothing_written(tmp_path, monkeypatch):
    """The load is one transaction: a failure at its very end undoes what came before."""
    from baiqianwan.units import services

    path = write_csv(tmp_path / "new.csv", "code,name,parent_code", "441224199,新镇戊,441224")
    units_before, events_before = Unit.objects.count(), AuditEvent.objects.count()

    def fail(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_accounts_follow", fail)
    with pytest.raises(RuntimeError):
        units_load(
            rows=rows_from_files([path]), edition="2024", valid_from=date(2024, 6, 30), source="t"
        )
    assert (Unit.objects.count(), AuditEvent.objects.count()) == (units_before, events_before)
