import pytest

from baiqianwan.units.choices import Kind, Level
from baiqianwan.units.codes import (
    CodeError,
    code12,
    is_placeholder_county,
    kind_of,
    level_of,
    parent_code_of,
    prefix_of,
)


@pytest.mark.parametrize(
    ("native", "level", "prefix", "parent"),
    [
        ("44", Level.PROVINCE, "44", None),
        ("4412", Level.CITY, "4412", "440000000000"),
        ("441224", Level.COUNTY, "441224", "441200000000"),
        ("441224100", Level.TOWN, "441224100", "441224000000"),
        ("441224100201", Level.VILLAGE, "441224100201", "441224100000"),
        # 东莞's towns sit directly under the city: county segment 00.
        ("441900003", Level.TOWN, "441900003", "441900000000"),
    ],
)
def test_levels_prefixes_and_parents(native, level, prefix, parent):
    code = code12(native)
    assert len(code) == 12
    assert level_of(code) == level
    assert prefix_of(code) == prefix
    assert parent_code_of(code) == parent


@pytest.mark.parametrize("bad", ["", "4412a", "44122", "4412241002011", " ", "12345678"])
def test_malformed_codes_are_refused(bad):
    with pytest.raises(CodeError):
        code12(bad)


def test_a_code_without_province_is_refused():
    with pytest.raises(CodeError, match="no province"):
        level_of("000000000000")


@pytest.mark.parametrize(
    ("code", "name", "level", "kind"),
    [
        ("441202000000", "端州区", Level.COUNTY, Kind.DISTRICT),
        ("441224000000", "怀集县", Level.COUNTY, Kind.COUNTY),
        ("441284000000", "四会市", Level.COUNTY, Kind.COUNTY_CITY),
        ("441202001000", "城东街道", Level.TOWN, Kind.SUBDISTRICT),
        ("441224100000", "怀城街道", Level.TOWN, Kind.TOWN),
        ("441224200000", "下帅壮族瑶族乡", Level.TOWN, Kind.TOWNSHIP),
        ("441284400000", "广东省济广监狱", Level.TOWN, Kind.TOWN_LIKE),
        ("441224100001", "某社区居委会", Level.VILLAGE, Kind.RESIDENTS_COMMITTEE),
        ("441224100201", "某村委会", Level.VILLAGE, Kind.VILLAGERS_COMMITTEE),
        ("441224100401", "某居委会", Level.VILLAGE, Kind.RESIDENTS_LIKE),
        ("441224100501", "某村委会", Level.VILLAGE, Kind.VILLAGERS_LIKE),
    ],
)
def test_kind_follows_the_nbs_segment_rules(code, name, level, kind):
    assert kind_of(code, name, level) == kind


def test_placeholder_counties_are_recognised_by_their_native_code():
    assert is_placeholder_county("441900")
    assert is_placeholder_county("442000")
    assert not is_placeholder_county("441224")
    assert not is_placeholder_county("4419")
