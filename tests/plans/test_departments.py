"""The departments' register: the shipped file, `bqw departments_load`, all or nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from baiqianwan.audit.models import AuditEvent
from baiqianwan.core.problems import InputError
from baiqianwan.plans.departments import ZHAOQING_DEPARTMENTS, departments_load, departments_read
from baiqianwan.plans.models import Department
from tests.factories import HUAIJI, ZHAOQING

HEADER = "unit_code,name,aliases\n"


def load(*args: str) -> str:
    out = StringIO()
    call_command("departments_load", *args, stdout=out)
    return out.getvalue()


def test_the_shipped_register_loads_once_and_again_changes_nothing(db):  # type: ignore[no-untyped-def]
    assert load("--zhaoqing").strip() == "Departments: 37 created, 0 updated, 0 unchanged."
    names = set(Department.objects.values_list("name", flat=True))
    assert {
        "市委组织部",
        "市委宣传部",
        "市发展改革局",
        "市财政局",
        "市农业农村局",
        "市自然资源局",
        "市住房城乡建设局",
        "市交通运输局",
        "市水利局",
        "市生态环境局",
        "市商务局",
        "市文化广电旅游体育局",
        "市教育局",
        "市卫生健康局",
        "市人力资源社会保障局",
        "市工业和信息化局",
        "市科技局",
        "市民政局",
        "市林业局",
        "市百千万工程指挥部办公室",
    } <= names
    assert set(Department.objects.values_list("unit__code", flat=True)) == {ZHAOQING}
    assert "肇庆市农业农村局" in Department.objects.get(name="市农业农村局").aliases
    events = AuditEvent.objects.filter(object_type="plans.department").count()
    assert load("--zhaoqing").strip() == "Departments: 0 created, 0 updated, 37 unchanged."
    assert AuditEvent.objects.filter(object_type="plans.department").count() == events


def test_a_file_updates_aliases_and_loads_one_unit_only(db, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "d.csv"
    path.write_text(
        HEADER
        + f"{ZHAOQING},市农业农村局,农业农村局、市农业农村部门\n"
        + f"{HUAIJI},县农业农村局,怀集县农业农村局\n",
        encoding="utf-8",
    )
    assert "1 created" in load(str(path), "--unit", HUAIJI)
    assert list(Department.objects.values_list("name", flat=True)) == ["县农业农村局"]
    load("--zhaoqing")
    assert "1 updated, 1 unchanged" in load(str(path))
    assert Department.objects.get(name="市农业农村局").aliases == ["农业农村局", "市农业农村部门"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code,name\n", "Line 1: the header must be unit_code,name,aliases."),
        ("# only a comment\n", "The file has no header line."),
        (HEADER + "4412,市财政局,\n", "Line 2, unit_code: '4412' is not a 12-digit unit code"),
        (HEADER + f"{ZHAOQING},,\n", "Line 2, name: the name is empty"),
        (HEADER + f"{ZHAOQING},甲\n# c\n{ZHAOQING},甲,\n", "Line 4, name: 甲 is already on line 2"),
        (HEADER + f"{ZHAOQING},甲,乙,丙\n", "Line 2, aliases: more cells than the three columns"),
        (
            HEADER + f"{ZHAOQING},甲\n441300000000,乙\n",
            "Line 3, unit_code: 441300000000 is not a current unit of the register.",
        ),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_loaded(db, tmp_path, text, message):  # type: ignore[no-untyped-def]
    path = tmp_path / "d.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        load(str(path))
    assert str(refused.value) == f"{path}: {message}"
    assert not Department.objects.exists()


def test_bytes_that_are_not_utf8_and_missing_files(db, tmp_path):  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="not UTF-8 text"):
        departments_read((HEADER + f"{ZHAOQING},财政局,\n").encode("gb18030"))
    with pytest.raises(CommandError, match="cannot be read"):
        load(str(tmp_path / "missing.csv"))
    with pytest.raises(InputError, match="no department of unit 441224000000"):
        departments_load(
            rows=departments_read(ZHAOQING_DEPARTMENTS.read_bytes()), actor="t", unit_code=HUAIJI
        )
