"""Loading an indicator system file: the starter system, idempotence, edits, and every bad
input refused with FILE:LINE and nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from baiqianwan.audit.models import AuditEvent
from baiqianwan.indicators import loader
from baiqianwan.indicators.loader import SystemLoadError, system_load
from baiqianwan.indicators.models import (
    DataSet,
    Dimension,
    Indicator,
    IndicatorSystem,
    Target,
    ValidationRule,
)

pytestmark = pytest.mark.django_db

STARTER = (
    Path(__file__).resolve().parents[2] / "src/baiqianwan/indicators/data/zhaoqing-starter.yaml"
)

SMALL = """\
version: "1"
system: {code: SMALL, name: 小体系}
dimensions:
  - code: D
    name: 维度
    children:
      - {code: D1, name: 子维度}
indicators:
  - code: POP
    name: 人口
    levels: [village]
    dimension: D1
    citation: test
  - code: INCOME
    name: 收入
    aggregation: weighted_average
    weight: POP
    levels: [village]
    dimension: D1
    citation: test
    targets:
      village: {2025: 100}
  - code: PER
    name: 人均
    formula: INCOME / POP
    levels: [village]
    dimension: D1
    citation: test
rules:
  - {code: R1, name: 规则, left: INCOME, operator: "<=", right: "1000000"}
datasets:
  - code: DS
    name: 报表
    level: village
    owner: "441200000000"
    assigned_to: ["441200000000"]
    indicators: [POP, INCOME, PER]
"""


def _write(tmp_path: Path, text: str, name: str = "system.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _line(text: str, marker: str) -> int:
    """The 1-based line of the first line containing `marker`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(marker)


def test_the_starter_system_loads_whole():
    report = system_load(path=STARTER, actor="tests")
    system = IndicatorSystem.objects.get(code="ZQ_BQW")
    assert system.version == "2025.1" and len(system.sha256) == 64
    indicators = Indicator.objects.filter(system=system)
    assert 40 <= indicators.count() <= 50
    assert len(report.created["indicator"]) == indicators.count()
    # Every indicator says where it comes from; the national plan's binding marks survive.
    assert not indicators.filter(citation="").exists()
    binding = set(indicators.filter(binding="binding").values_list("code", flat=True))
    assert {"C_GRAIN", "C_MANURE_USE", "V_ROAD"} <= binding
    ratio = indicators.get(code="C_INCOME_RATIO")
    assert ratio.formula == "C_URBAN_INCOME / C_RURAL_INCOME"
    assert ratio.direction == "negative" and ratio.aggregation == "none"
    income = indicators.get(code="C_RURAL_INCOME")
    assert income.weight_indicator.code == "C_RURAL_POP"
    # The village dimensions 富净绿美强治 hang under 村级指标.
    village = Dimension.objects.get(system=system, code="VILLAGE")
    assert [d.name for d in village.children.order_by("order")] == list("富净绿美强治")
    # Data sets for each level, yearly, and one quarterly.
    datasets = {d.code: d for d in DataSet.objects.all()}
    assert {d.level for d in datasets.values()} == {"village", "town", "county"}
    assert datasets["ZQ_COUNTY_Q"].period_type == "quarter"
    assert datasets["ZQ_VILLAGE_Y"].assigned_to.get().code == "441200000000"
    assert datasets["ZQ_VILLAGE_Y"].members.count() == 22
    # Targets: level defaults for the milestones, and 端州's own urbanisation target.
    assert (
        Target.objects.filter(indicator__code="C_INCOME_RATIO", unit=None, level="county").count()
        == 3
    )
    assert (
        Target.objects.get(
            indicator__code="C_URBANISATION", unit__code="441202000000", year=2035
        ).value
        == 100
    )
    assert ValidationRule.objects.filter(system=system, severity="warning").exists()
    assert (
        AuditEvent.objects.filter(action="load", object_type="indicators.indicatorsystem").count()
        == 1
    )


def test_loading_twice_changes_nothing(tmp_path):
    path = _write(tmp_path, SMALL)
    system_load(path=path, actor="tests")
    before = list(Indicator.objects.values())
    report = system_load(path=path, actor="tests")
    assert not report.changed
    assert report.lines() == ["Nothing changed: the system is as the file describes it."]
    assert list(Indicator.objects.values()) == before
    assert (
        AuditEvent.objects.filter(action="load", object_type="indicators.indicatorsystem").count()
        == 2
    )  # one per load


def test_an_edited_file_updates_what_changed_and_deactivates_what_went(tmp_path):
    system_load(path=_write(tmp_path, SMALL), actor="tests")
    edited = (
        SMALL.replace("name: 收入", "name: 可支配收入")
        .replace("village: {2025: 100}", "village: {2025: 120, 2027: 150}")
        .replace(
            "  - code: PER\n    name: 人均\n    formula: INCOME / POP\n    levels: [village]"
            "\n    dimension: D1\n    citation: test\n",
            "",
        )
        .replace("indicators: [POP, INCOME, PER]", "indicators: [POP, INCOME]")
    )
    report = system_load(path=_write(tmp_path, edited, "edited.yaml"), actor="tests")
    assert report.updated["indicator"] == {"INCOME": ["name"]}
    assert report.removed["indicator"] == ["PER"]
    assert report.updated["dataset"] == {"DS": ["indicators"]}
    assert "INCOME 2027 village" in report.created["target"]
    assert report.updated["target"] == {"INCOME 2025 village": ["value"]}
    per = Indicator.objects.get(code="PER")
    assert not per.is_active  # kept: values may refer to it
    text = "\n".join(report.lines())
    assert "PER" in text and "INCOME (name)" in text
    # Loading the old file again brings it back.
    again = system_load(path=_write(tmp_path, SMALL), actor="tests")
    assert Indicator.objects.get(code="PER").is_active
    assert "PER" in again.updated["indicator"]


def test_an_override_set_on_the_page_survives_a_reload(tmp_path, hq_admin):
    from baiqianwan.indicators.targets import target_override_set
    from tests.indicators.factories import unit

    path = _write(tmp_path, SMALL)
    system_load(path=path, actor="tests")
    income = Indicator.objects.get(code="INCOME")
    target_override_set(
        actor=hq_admin,
        indicator=income,
        unit=unit("441224000000"),
        year=2025,
        value=90,
        seen=None,
    )
    system_load(path=path, actor="tests")
    assert Target.objects.get(indicator=income, unit__code="441224000000").value == 90


BAD = [
    # (what, change to SMALL, marker of the line named, words of the message)
    (
        "unknown key",
        ("    citation: test\n    targets:", "    citation: test\n    colour: red\n    targets:"),
        "colour: red",
        "unknown key 'colour'",
    ),
    ("duplicate code", ("  - code: PER\n", "  - code: POP  # again\n"), "# again", "given twice"),
    ("not an identifier", ("code: PER", "code: 9PER"), "code: 9PER", "is not a code"),
    ("formula syntax", ("INCOME / POP", "INCOME / (POP"), "INCOME / (POP", "formula of PER"),
    (
        "formula unknown code",
        ("INCOME / POP", "INCOME / PEOPLE"),
        "INCOME / PEOPLE",
        "unknown indicators: PEOPLE",
    ),
    ("formula not allowed", ("INCOME / POP", "INCOME ** POP"), "INCOME ** POP", "formula of PER"),
    (
        "weighted without weight",
        ("    weight: POP\n", ""),
        "  - code: INCOME",
        "name its weight indicator",
    ),
    (
        "unknown level",
        (
            "    levels: [village]\n    dimension: D1\n    citation: test\n    targets:",
            "    levels: [hamlet]\n    dimension: D1\n    citation: test\n    targets:",
        ),
        "levels: [hamlet]",
        "'hamlet' is not a level",
    ),
    (
        "unknown type",
        ("    name: 人口\n", "    name: 人口\n    value_type: fraction\n"),
        "value_type: fraction",
        "value_type 'fraction' is not one of",
    ),
    (
        "unknown aggregation",
        ("aggregation: weighted_average", "aggregation: median"),
        "aggregation: median",
        "aggregation 'median' is not one of",
    ),
    (
        "override for an unknown unit",
        (
            "village: {2025: 100}",
            'village: {2025: 100}\n      overrides:\n        "441299999999": {2025: 1}',
        ),
        "441299999999",
        "no current unit has the code 441299999999",
    ),
    (
        "data set names an unknown indicator",
        ("[POP, INCOME, PER]", "[POP, INCOME, PER, GDP]"),
        "[POP, INCOME, PER, GDP]",
        "unknown indicator GDP",
    ),
    (
        "rule side does not parse",
        ('right: "1000000"', 'right: "10 00"'),
        'right: "10 00"',
        "right side of rule R1",
    ),
    (
        "rule names an unknown code",
        ("left: INCOME,", "left: WAGE,"),
        "left: WAGE",
        "unknown indicators: WAGE",
    ),
    (
        "unknown dimension",
        (
            "    dimension: D1\n    citation: test\n  - code: INCOME",
            "    dimension: D9\n    citation: test\n  - code: INCOME",
        ),
        "dimension: D9",
        "no dimension D9",
    ),
    (
        "a key twice",
        ("    name: 人口\n", "    name: 人口\n    name: 居民\n"),
        "name: 居民",
        "the key 'name' is given twice",
    ),
    (
        "yaml syntax",
        ("    name: 人口\n", "    name: [人口\n"),
        "levels: [village]",
        "not valid YAML",
    ),  # the parser sees the unclosed bracket on the next line
    (
        "owner unit unknown",
        ('owner: "441200000000"', 'owner: "441200000001"'),
        'owner: "441200000001"',
        "no current unit has the code 441200000001",
    ),
    (
        "computed but aggregated",
        ("    formula: INCOME / POP\n", "    formula: INCOME / POP\n    aggregation: sum\n"),
        "formula: INCOME / POP",
        "aggregation must be none",
    ),
    (
        "min above max",
        ("    name: 人口\n", "    name: 人口\n    min: 5\n    max: 1\n"),
        "min: 5",
        "min is larger than max",
    ),
    (
        "missing citation",
        ("    citation: test\n  - code: INCOME", "  - code: INCOME"),
        "  - code: POP",
        "needs 'citation'",
    ),
]


@pytest.mark.parametrize(("what", "change", "marker", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_names_file_and_line_and_stores_nothing(tmp_path, what, change, marker, words):
    old, new = change
    assert old in SMALL, what
    text = SMALL.replace(old, new, 1)
    path = _write(tmp_path, text)
    with pytest.raises(SystemLoadError) as refused:
        system_load(path=path, actor="tests")
    expected = f"{path}:{_line(text, marker)}: "
    assert any(p.startswith(expected) and words in p for p in refused.value.problems), (
        refused.value.problems
    )
    assert not IndicatorSystem.objects.exists()
    assert not Indicator.objects.exists() and not DataSet.objects.exists()
    assert not AuditEvent.objects.filter(
        action="load", object_type="indicators.indicatorsystem"
    ).exists()


def test_a_cycle_of_formulas_is_named(tmp_path):
    text = SMALL.replace("    formula: INCOME / POP\n", "    formula: INCOME / PER2\n").replace(
        "rules:",
        "  - {code: PER2, name: 人均2, formula: PER * 2, levels: [village], dimension: D1, "
        "citation: t}\nrules:",
    )
    with pytest.raises(SystemLoadError) as refused:
        system_load(path=_write(tmp_path, text), actor="tests")
    assert any("refer to each other: PER → PER2 → PER" in p for p in refused.value.problems)


def test_every_problem_is_reported_at_once(tmp_path):
    text = SMALL.replace("code: PER", "code: 9PER").replace("[POP, INCOME, PER]", "[POP, X]")
    with pytest.raises(SystemLoadError) as refused:
        system_load(path=_write(tmp_path, text), actor="tests")
    assert len(refused.value.problems) >= 2


def test_a_failure_while_storing_leaves_nothing(tmp_path, monkeypatch):
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "_store_datasets", broken)
    with pytest.raises(RuntimeError):
        system_load(path=_write(tmp_path, SMALL), actor="tests")
    assert not IndicatorSystem.objects.exists() and not Indicator.objects.exists()


def test_a_code_of_another_system_is_refused(tmp_path):
    system_load(path=_write(tmp_path, SMALL), actor="tests")
    other = SMALL.replace("code: SMALL", "code: OTHER")
    with pytest.raises(SystemLoadError) as refused:
        system_load(path=_write(tmp_path, other, "other.yaml"), actor="tests")
    assert any("belongs to the system SMALL" in p for p in refused.value.problems)


def test_not_utf8_and_missing_files(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("version: 1\nname: 人口\n".encode("gbk"))
    with pytest.raises(SystemLoadError, match=r"gbk.yaml:2: the file is not UTF-8"):
        system_load(path=path, actor="tests")
    with pytest.raises(SystemLoadError, match="cannot read the file"):
        system_load(path=tmp_path / "none.yaml", actor="tests")


def test_the_command_loads_and_reports(tmp_path, capsys):
    path = _write(tmp_path, SMALL)
    call_command("indicators", "load", str(path))
    out = capsys.readouterr().out
    assert "Loaded 小体系, version 1." in out and "Indicators created (3)" in out
    call_command("indicators", "load", str(path))
    assert "Nothing changed" in capsys.readouterr().out
    bad = _write(tmp_path, SMALL.replace("code: PER", "code: 9PER"), "bad.yaml")
    with pytest.raises(CommandError, match=r"2 problem\(s\) in .*Nothing was stored"):
        call_command("indicators", "load", str(bad))
    assert f"{bad}:" in capsys.readouterr().err
