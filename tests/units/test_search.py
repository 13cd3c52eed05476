"""Search and exports on the real 肇庆 register: places that tell namesakes apart, input typed
on any keyboard, columns only when something fills them, names a person can read."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote

import pytest
from python_calamine import CalamineWorkbook

from baiqianwan.units.models import Unit
from tests.factories import HUAIJI, ZHAOQING

# The four 三联 villages' committees of 肇庆 (2023 edition), by county and town.
SANLIAN = {
    ("三联村委会", "高要区", "河台镇"),
    ("三联村委会", "怀集县", "中洲镇"),
    ("三联村民委员会", "封开县", "杏花镇"),
    ("三联村委会", "德庆县", "莫村镇"),
}


def table_rows(body: str) -> list[list[str]]:
    table = body.split('data-testid="results"')[1].split("</table>")[0]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr)
        ]
        for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def workbook_rows(content: bytes) -> list[list[object]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


@pytest.mark.django_db
def test_search_tells_the_four_sanlian_apart_by_county_and_town(client, hq_admin):
    client.force_login(hq_admin)
    rows = table_rows(client.get("/units/search/", {"q": "三联"}).content.decode())
    assert rows[0] == ["名称", "代码", "层级", "县（市、区）", "乡镇（街道）"]
    assert {(r[0], r[3], r[4]) for r in rows[1:]} == SANLIAN
    assert len(rows) == 1 + 4


@pytest.mark.django_db
def test_the_search_export_tells_them_apart_too(client, hq_admin):
    client.force_login(hq_admin)
    response = client.get("/units/search.xlsx", {"q": "三联"})
    rows = workbook_rows(response.content)
    header = rows[0]
    assert header == [
        "代码",
        "名称",
        "层级",
        "类别",
        "县（市、区）",
        "乡镇（街道）",
        "上级代码",
        "版本",
    ]
    assert "城乡分类" not in header  # no urban-rural class is loaded
    assert {(r[1], r[4], r[5]) for r in rows[1:]} == SANLIAN
    assert unquote(response["Content-Disposition"].split("''")[1]) == "行政区划-三联.xlsx"


@pytest.mark.django_db
def test_a_county_list_has_no_county_or_town_column(client, hq_admin):
    client.force_login(hq_admin)
    rows = table_rows(client.get("/units/search/", {"level": "county"}).content.decode())
    assert rows[0] == ["名称", "代码", "层级"] and len(rows) == 1 + 8
    exported = workbook_rows(client.get(f"/units/{ZHAOQING}/children.xlsx").content)
    assert exported[0] == ["代码", "名称", "层级", "类别", "上级代码", "版本"]


@pytest.mark.django_db
def test_the_urban_rural_class_shows_once_a_unit_has_one(client, hq_admin):
    Unit.objects.filter(code="441224116210").update(urban_rural_class="220")
    client.force_login(hq_admin)
    rows = table_rows(client.get("/units/search/", {"q": "三联"}).content.decode())
    assert rows[0][-1] == "城乡分类"
    by_code = {r[1]: r[-1] for r in rows[1:]}
    assert by_code["441224116210"] == "220 村庄" and by_code["441226107214"] == "—"
    exported = workbook_rows(client.get("/units/search.xlsx", {"q": "三联"}).content)
    column = exported[0].index("城乡分类")
    assert sorted(r[column] for r in exported[1:]) == ["", "", "", "220"]


@pytest.mark.django_db
def test_the_children_export_is_named_after_its_unit(client, hq_admin):
    client.force_login(hq_admin)
    response = client.get(f"/units/{HUAIJI}/children.xlsx")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"export.xlsx\"; filename*=UTF-8''")
    assert unquote(disposition.split("''")[1]) == "怀集县-下级单位.xlsx"
    rows = workbook_rows(response.content)
    assert rows[0] == ["代码", "名称", "层级", "类别", "县（市、区）", "上级代码", "版本"]
    assert {r[4] for r in rows[1:]} == {"怀集县"} and len(rows) == 1 + 19


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("４４１２２４", "441224"),  # full-width digits
        ("４４１２ ２４", "441224"),  # and a space in the middle
        ("\u3000怀集\u3000", "怀集"),  # ideographic spaces around a name
        ("怀 集", "怀集"),
    ],
)
def test_search_reads_full_width_input(client, hq_admin, typed, expected):
    client.force_login(hq_admin)
    typed_rows = table_rows(client.get("/units/search/", {"q": typed}).content.decode())
    plain_rows = table_rows(client.get("/units/search/", {"q": expected}).content.decode())
    assert typed_rows == plain_rows and len(typed_rows) > 1
    api = client.get("/api/units", {"q": typed}).json()
    assert api["count"] == client.get("/api/units", {"q": expected}).json()["count"] > 0


def test_search_text_folds_full_width_letters_and_spaces():
    from baiqianwan.units.selectors import search_text

    assert search_text("ＡＢＣ　ｄｅｆ １２") == "ABCdef12"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"q": "怀集", "page": "abc"}, "页码“abc”不是整数"),
        ({"q": "怀集", "page": "0"}, "页码应不小于 1，而不是 0"),
        ({"q": "怀集", "page": "9"}, "第 9 页超出了最后一页（共 1 页）"),
        ({"q": "怀集", "level": "hamlet"}, "没有“hamlet”这一层级，请从列表中选择。"),
    ],
)
def test_search_errors_are_chinese_and_shown_as_a_bootstrap_alert(client, hq_admin, query, message):
    client.force_login(hq_admin)
    body = client.get("/units/search/", query).content.decode()
    assert (
        f'<div class="alert alert-danger" role="alert" data-testid="search-error">{message}' in body
    )


@pytest.mark.django_db
def test_a_bad_level_in_an_export_is_refused_in_chinese(client, hq_admin):
    client.force_login(hq_admin)
    response = client.get("/units/search.xlsx", {"level": "hamlet"})
    assert response.status_code == 400 and "没有“hamlet”这一层级" in response.content.decode()


@pytest.mark.django_db
def test_the_english_badges_read_level_and_kind_apart(client, hq_admin):
    client.force_login(hq_admin)
    body = client.get(f"/units/{HUAIJI}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    badges = re.findall(r'<span class="badge [^"]*">([^<]*)</span>', body)
    assert badges[:2] == ["County level", "County"]
    chinese = client.get(f"/units/{HUAIJI}/").content.decode()
    assert re.findall(r'<span class="badge [^"]*">([^<]*)</span>', chinese)[:2] == ["县级", "县"]


@pytest.mark.django_db
def test_the_api_search_names_county_and_town(client, hq_admin):
    client.force_login(hq_admin)
    items = client.get("/api/units", {"q": "三联"}).json()["items"]
    assert {(i["name"], i["county"], i["town"]) for i in items} == SANLIAN
    county = client.get("/api/units", {"q": "441224", "level": "county"}).json()["items"]
    assert [(i["name"], i["county"], i["town"]) for i in county] == [("怀集县", None, None)]
