"""The indicator system's pages: list, export, indicator, data sets, window and target edits."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from baiqianwan.audit.models import AuditEvent
from baiqianwan.indicators.loader import system_load
from baiqianwan.indicators.models import CollectionWindow, Target
from baiqianwan.indicators.windows import windows_open
from tests.indicators.test_loader import STARTER

pytestmark = pytest.mark.django_db

HUAICHENG = "441224001000"


@pytest.fixture
def starter():  # type: ignore[no-untyped-def]
    report = system_load(path=STARTER, actor="tests")
    from baiqianwan.indicators.models import DataSet

    windows_open(datasets=list(DataSet.objects.all()), years=range(2024, 2026), actor="tests")
    return report.system


def _page(client, name, *args, **query):  # type: ignore[no-untyped-def]
    response = client.get(reverse(f"indicators:{name}", args=args), query)
    return response, response.content.decode()


def test_the_list_groups_indicators_under_the_dimension_tree(client, make_user, starter):
    client.force_login(make_user("town", "town_operator", HUAICHENG))
    response, page = _page(client, "list")
    assert response.status_code == 200
    # 村级指标 comes before its 富, which comes before its first indicator.
    assert page.index("村级指标") < page.index(">富<") < page.index("户籍人口")
    assert page.index(">治<") < page.index("县级指标")
    assert "约束性" in page or "Binding" in page
    _, village = _page(client, "list", level="village")
    assert "户籍人口" in village and "地区生产总值" not in village
    _, county_set = _page(client, "list", dataset="ZQ_COUNTY_Y")
    assert "城乡居民收入比" in county_set and "户籍人口" not in county_set
    _, found = _page(client, "list", q="恩格尔")
    assert "农村居民恩格尔系数" in found and "户籍人口" not in found
    bad, text = _page(client, "list", level="hamlet")
    assert bad.status_code == 400 and "form-error" in text
    unknown, _text = _page(client, "list", dataset="NOPE")
    assert unknown.status_code == 400


def test_the_export_lists_the_filtered_indicators(client, hq_admin, starter):
    client.force_login(hq_admin)
    response = client.get(reverse("indicators:list_export"), {"level": "county"})
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    codes = [row[2] for row in rows[1:]]
    assert "C_INCOME_RATIO" in codes and "V_POP" not in codes
    ratio = next(row for row in rows if row[2] == "C_INCOME_RATIO")
    assert ratio[12] == "C_URBAN_INCOME / C_RURAL_INCOME"
    assert AuditEvent.objects.filter(action="download").exists()


def test_an_indicator_shows_its_formula_in_names_targets_and_citation(client, make_user, starter):
    client.force_login(make_user("county", "county_operator", "441224000000"))
    response, page = _page(client, "indicator", "C_INCOME_RATIO")
    assert response.status_code == 200
    assert "〔城镇居民人均可支配收入〕 / 〔农村居民人均可支配收入〕" in page
    assert "专栏1" in page and "2035" in page and "1.6" in page
    assert "ZQ_COUNTY_Y" in page  # its data set
    assert 'data-testid="override-form"' not in page  # only headquarters sets targets
    # 端州's own urbanisation target lies outside 怀集's area: not shown there.
    _, urbanisation = _page(client, "indicator", "C_URBANISATION")
    assert "441202000000" not in urbanisation
    assert _page(client, "indicator", "NOPE")[0].status_code == 404


def test_headquarters_sets_changes_and_clears_an_override(client, hq_admin, starter):
    client.force_login(hq_admin)
    url = reverse("indicators:indicator_targets", args=["C_GDP"])
    response = client.post(url, {"unit": "441224000000", "year": 2025, "value": "340", "seen": ""})
    assert response.status_code == 302
    target = Target.objects.get(indicator__code="C_GDP", unit__code="441224000000", year=2025)
    assert target.value == 340
    _, page = _page(client, "indicator", "C_GDP")
    assert "怀集县" in page and "340" in page
    # A second editor who read "none" is refused: someone set it meanwhile.
    stale = client.post(url, {"unit": "441224000000", "year": 2025, "value": "360", "seen": ""})
    assert stale.status_code == 409
    assert Target.objects.get(pk=target.pk).value == 340
    changed = client.post(
        url, {"unit": "441224000000", "year": 2025, "value": "350", "seen": "340"}
    )
    assert changed.status_code == 302
    cleared = client.post(url, {"unit": "441224000000", "year": 2025, "value": "", "seen": "350"})
    assert cleared.status_code == 302
    assert not Target.objects.filter(indicator__code="C_GDP", unit__code="441224000000").exists()
    events = AuditEvent.objects.filter(object_type="indicators.target")
    assert events.count() == 3
    # Bad input: a unit that does not exist, a village for a county indicator, a bad year.
    assert client.post(url, {"unit": "441299999999", "year": 2025, "value": "1"}).status_code == 404
    village = client.post(url, {"unit": "441224001001", "year": 2025, "value": "1"})
    assert village.status_code == 400 and "这一级没有数值" in village.content.decode()
    assert client.post(url, {"unit": "441224000000", "year": 1800, "value": "1"}).status_code == 400
    assert client.get(url).status_code == 302


def test_only_headquarters_may_set_targets(client, huaiji_operator, starter):
    client.force_login(huaiji_operator)
    url = reverse("indicators:indicator_targets", args=["C_GDP"])
    assert client.post(url, {"unit": "441224000000", "year": 2025, "value": "1"}).status_code == 403
    assert not Target.objects.filter(unit__isnull=False, indicator__code="C_GDP").exists()


def test_data_sets_and_a_data_set_with_its_windows(client, make_user, starter):
    client.force_login(make_user("town", "town_operator", HUAICHENG))
    response, page = _page(client, "datasets")
    assert response.status_code == 200 and "村级年报" in page and "县级季报" in page
    response, page = _page(client, "dataset", "ZQ_VILLAGE_Y")
    assert response.status_code == 200
    assert page.index("村级指标 · 富") < page.index("户籍人口") < page.index("村级指标 · 净")
    assert "2025-01-01" in page and "2025-03-01" in page  # 2024 opens, closes 60 days later
    # The town operator's area: 怀城街道's villages, not the city's 1,558.
    assert "1558" not in page
    assert 'data-testid="windows-edit"' not in page
    assert _page(client, "dataset", "NOPE")[0].status_code == 404
    assert _page(client, "dataset_windows", "ZQ_VILLAGE_Y")[0].status_code == 403


def test_headquarters_moves_a_window(client, hq_admin, starter):
    client.force_login(hq_admin)
    url = reverse("indicators:dataset_windows", args=["ZQ_VILLAGE_Y"])
    assert client.get(url).status_code == 200
    form = {
        "period": "2024",
        "opens_on": "2025-01-02",
        "closes_on": "2025-04-30",
        "seen_opens": "2025-01-01",
        "seen_closes": "2025-03-01",
    }
    assert client.post(url, form).status_code == 302
    window = CollectionWindow.objects.get(dataset__code="ZQ_VILLAGE_Y", period__code="2024")
    assert (window.opens_on, window.closes_on) == (date(2025, 1, 2), date(2025, 4, 30))
    event = AuditEvent.objects.filter(action="update", object_type="indicators.dataset").get()
    assert event.changes["closes_on"] == ["2025-03-01", "2025-04-30"]
    # The same form again: what it read is no longer so.
    stale = client.post(url, form)
    assert stale.status_code == 409 and "window-error" in stale.content.decode()
    backwards = client.post(
        url,
        {
            **form,
            "seen_opens": "2025-01-02",
            "seen_closes": "2025-04-30",
            "closes_on": "2024-12-01",
        },
    )
    assert backwards.status_code == 400
    unknown = client.post(url, {**form, "period": "2019"})
    assert unknown.status_code == 400
    assert CollectionWindow.objects.get(pk=window.pk).closes_on == date(2025, 4, 30)


def test_the_menu_shows_indicators_to_readers(client, make_user, auditor):
    client.force_login(make_user("leader", "leader", "441200000000"))
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert f'href="{reverse("indicators:list")}"' in page
    client.force_login(auditor)
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert f'href="{reverse("indicators:list")}"' not in page
    assert client.get(reverse("indicators:list")).status_code == 403
