"""The web data-entry form (填报): the landing page, the grid, saving a cell, its history."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from baiqianwan.indicators.models import (
    DataSet,
    DataSetMember,
    DataValue,
    DataValueChange,
    Indicator,
    LockException,
    Submission,
)
from baiqianwan.indicators.values import Cell, values_write
from tests.core.test_pages import LATIN_ALLOWED, visible_words
from tests.factories import HUAIJI
from tests.indicators.factories import HUAICHENG, OPEN_DAY, SHANGGUO, system_make, unit

pytestmark = pytest.mark.django_db

XIAGUO = "441224001002"  # another village of 怀城街道


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    return system_make()


@pytest.fixture
def on_open_day(monkeypatch):  # type: ignore[no-untyped-def]
    """Today is a day the 2024 window is open."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: OPEN_DAY)


@pytest.fixture
def town(make_user):  # type: ignore[no-untyped-def]
    return make_user("town", "town_operator", HUAICHENG)


def grid_url(dataset: str = "VILLAGE", period: str = "2024", **query: str) -> str:
    url = reverse("indicators:entry", args=[dataset, period])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def post_cell(client, world, code, indicator, value, version=None, dataset="VILLAGE"):  # type: ignore[no-untyped-def]
    if version is None:
        version = (
            Submission.objects.filter(unit__code=code, period=world["period"])
            .values_list("version", flat=True)
            .first()
            or 0
        )
    return client.post(
        reverse("indicators:entry_cell", args=[dataset, "2024", code]),
        {"indicator": indicator, "value": value, "version": version},
        HTTP_HX_REQUEST="true",
    )


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def store(world, code, **values):  # type: ignore[no-untyped-def]
    """Values stored by the platform (no window, no area), for 2024 or `period`."""
    period = values.pop("period", world["period"])
    values_write(
        actor=None,
        dataset=world["datasets"]["VILLAGE"],
        period=period,
        cells=[Cell(unit(code).pk, world["ind"][name].pk, value) for name, value in values.items()],
        source="demo",
    )


# --- The landing page ---------------------------------------------------------------------


def test_landing_lists_the_reports_of_the_area_with_counts(client, world, town, on_open_day):  # type: ignore[no-untyped-def]
    store(world, SHANGGUO, POP=1200)
    Submission.objects.filter(unit__code=SHANGGUO).update(state="submitted")
    client.force_login(town)
    page = client.get(reverse("indicators:entry_home"))
    assert page.status_code == 200
    body = page.content.decode()
    # The town reports the village data set (its villages), not the county one.
    assert "VILLAGE 报表" in body and "COUNTY 报表" not in body
    villages = unit(HUAICHENG).children.filter(valid_to__isnull=True, level="village").count()
    row = re.search(r'data-testid="entry-window-VILLAGE-2024">(.*?)</tr>', body, re.S).group(1)
    assert f">{villages}<" in row
    assert re.search(r'data-state="none">\s*' + str(villages - 1) + "<", row)
    assert re.search(r'data-state="submitted">\s*1<', row)
    assert grid_url() in row and "开放中" in row
    closed = re.search(r'data-testid="entry-window-VILLAGE-2023">(.*?)</tr>', body, re.S).group(1)
    assert "已截止" in closed and "查看" in closed  # closed, still listed, to be read


def test_landing_menu_item_for_those_who_enter(client, world, town, make_user):  # type: ignore[no-untyped-def]
    client.force_login(town)
    href = f'href="{reverse("indicators:entry_home")}"'
    assert href in client.get(reverse("accounts:password_change")).content.decode()
    leader = make_user("leader", "leader", "441200000000")
    client.force_login(leader)
    assert href not in client.get(reverse("accounts:password_change")).content.decode()
    # A leader still opens the landing page and the grid, read-only.
    assert client.get(reverse("indicators:entry_home")).status_code == 200
    page = client.get(grid_url(within=HUAICHENG)).content.decode()
    assert 'data-testid="entry-readonly"' in page and "readonly" in page


# --- The grid -----------------------------------------------------------------------------


def test_grid_rows_columns_previous_and_change(client, world, town, on_open_day):  # type: ignore[no-untyped-def]
    store(world, SHANGGUO, POP=1000, COLLECTIVE=12.5, period=world["previous"])
    store(world, SHANGGUO, POP=1600, COLLECTIVE=15, CLEAN=1)
    client.force_login(town)
    page = client.get(grid_url())
    assert page.status_code == 200
    body = page.content.decode()
    villages = list(
        unit(HUAICHENG)
        .children.filter(valid_to__isnull=True, level="village")
        .values_list("code", flat=True)
    )
    assert re.findall(r'<tr data-u="(\d+)"', body) == sorted(villages)
    # Two header rows: the dimensions over their indicators (富 first, as the data set orders).
    head = body[body.index("<thead>") : body.index("</thead>")]
    assert re.findall(r'colspan="(\d)" scope="colgroup" class="bqw-dim">([^<]+)<', head) == [
        ("4", "富"),
        ("2", "净"),
    ]
    assert head.index("人均集体收入") < head.index("绿化覆盖率")  # grouped under 富
    # Value, previous and change; the computed indicator evaluated from the row, read-only.
    assert f'id="c{SHANGGUO}_POP" class="bqw-v" value="1600"' in body
    assert "1000 · +600 (+60.0%)" in body
    cell = re.search(rf'<td class="bqw-c bqw-unusual"><input id="c{SHANGGUO}_POP"', body)
    assert cell, "a change beyond 50 % is marked"
    computed = re.search(rf'<input id="c{SHANGGUO}_INCOME_PER_10K"[^>]*>', body).group(0)
    assert 'value="93.75"' in computed and "readonly" in computed
    assert re.search(rf'<input id="c{SHANGGUO}_CLEAN"[^>]*value="是"', body)
    # Missing stays blank, never 0.
    assert re.search(rf'<input id="c{SHANGGUO}_INCOME"[^>]*value=""', body)


def test_grid_lists_the_rules_a_row_breaks(client, world, town, on_open_day):  # type: ignore[no-untyped-def]
    from baiqianwan.indicators.models import ValidationRule

    ValidationRule.objects.filter(code="R2").update(right="90")
    store(world, SHANGGUO, GREEN=95)
    store(world, XIAGUO, GREEN=80)
    client.force_login(town)
    body = client.get(grid_url()).content.decode()
    broken = re.search(rf'<tr data-u="{SHANGGUO}">(.*?)</tr>', body, re.S).group(1)
    kept = re.search(rf'<tr data-u="{XIAGUO}">(.*?)</tr>', body, re.S).group(1)
    assert "⚠ 绿化覆盖率不超过100" in broken and "⚠" not in kept


def test_grid_narrowed_paged_and_scoped(client, world, huaiji_operator, town, on_open_day):  # type: ignore[no-untyped-def]
    client.force_login(huaiji_operator)
    whole = client.get(grid_url()).content.decode()
    assert 'name="within"' in whole and f'value="{HUAICHENG}"' in whole
    narrowed = client.get(grid_url(within=HUAICHENG)).content.decode()
    codes = re.findall(r'<tr data-u="(\d+)"', narrowed)
    assert codes and all(code.startswith("441224001") for code in codes)
    assert 'class="pagination' in whole  # 怀集's villages do not fit on one page
    second = client.get(grid_url(page="2")).content.decode()
    assert set(re.findall(r'<tr data-u="(\d+)"', second)).isdisjoint(
        re.findall(r'<tr data-u="(\d+)"', whole)
    )
    assert client.get(grid_url(page="99")).status_code == 400
    # Another county, or a unit above the area, is not found.
    assert client.get(grid_url(within="441226100000")).status_code == 404
    client.force_login(town)
    assert client.get(grid_url(within=HUAIJI)).status_code == 404
    assert client.get(grid_url("NOPE")).status_code == 404
    assert client.get(grid_url(period="2024Q1")).status_code == 404
    assert client.get(grid_url(period="2019")).status_code == 404


def test_grid_town_data_set_is_the_town_itself(client, world, town, on_open_day):  # type: ignore[no-untyped-def]
    city = world["datasets"]["VILLAGE"].owner
    dataset = DataSet.objects.create(code="TOWN", name="镇级报表", level="town", owner=city)
    dataset.assigned_to.add(city)
    DataSetMember.objects.create(dataset=dataset, indicator=world["ind"]["POP"])
    page = client.force_login(town) or client.get(grid_url("TOWN")).content.decode()
    assert re.findall(r'<tr data-u="(\d+)"', page) == [HUAICHENG]


def test_grid_read_only_rows_say_why(client, world, town, hq_admin, on_open_day):  # type: ignore[no-untyped-def]
    store(world, SHANGGUO, POP=1200)
    Submission.objects.filter(unit__code=SHANGGUO).update(state="approved")
    client.force_login(town)
    body = client.get(grid_url()).content.decode()
    row = re.search(rf'<tr data-u="{SHANGGUO}" class="bqw-ro">(.*?)</tr>', body, re.S).group(1)
    assert "已不能修改" in row
    assert re.search(rf'<input id="c{SHANGGUO}_POP"[^>]*readonly', row)
    open_row = re.search(rf'<tr data-u="{XIAGUO}">(.*?)</tr>', body, re.S).group(1)
    assert not re.search(rf'<input id="c{XIAGUO}_POP"[^>]*readonly', open_row)


def test_grid_closed_period_and_lock_exception(client, world, town, hq_admin, monkeypatch):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2025, 4, 10))
    LockException.objects.create(
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        unit=unit(XIAGUO),
        until=date(2025, 4, 30),
        reason="补报",
        granted_by=hq_admin,
    )
    client.force_login(town)
    body = client.get(grid_url()).content.decode()
    assert 'data-testid="entry-closed"' in body and "2025-03-31" in body
    assert re.search(rf'<tr data-u="{SHANGGUO}" class="bqw-ro">', body)
    excepted = re.search(rf'<tr data-u="{XIAGUO}">(.*?)</tr>', body, re.S).group(1)
    assert "补报许可" in excepted
    assert post_cell(client, world, XIAGUO, "POP", "800").status_code == 200
    refused = post_cell(client, world, SHANGGUO, "POP", "800")
    assert refused.status_code == 400 and "readonly" in refused.content.decode()
    assert not DataValue.objects.filter(unit__code=SHANGGUO).exists()


def test_grid_queries_do_not_grow_with_the_units(client, world, hq_admin, town, on_open_day):  # type: ignore[no-untyped-def]
    """The grid reads in a fixed number of queries: a town's villages or a whole county's page."""
    store(world, SHANGGUO, POP=1200, GREEN=40)
    store(world, XIAGUO, POP=900, GREEN=130 - 100, period=world["previous"])
    counts = {}
    for who, url in (("town", grid_url()), ("county", grid_url())):
        client.force_login(town if who == "town" else hq_admin)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        rows = len(re.findall(r'<tr data-u="', response.content.decode()))
        counts[who] = (len(queries), rows)
    assert counts["county"][1] > 2 * counts["town"][1]
    assert counts["town"][0] <= 30 and counts["county"][0] <= counts["town"][0] + 3, counts


def test_grid_pages_are_chinese(client, world, town, on_open_day):  # type: ignore[no-untyped-def]
    store(world, SHANGGUO, POP=1200)
    client.force_login(town)
    pages = [
        client.get(grid_url()),
        client.get(reverse("indicators:entry_home")),
        client.get(reverse("indicators:entry_history", args=["VILLAGE", "2024", SHANGGUO, "POP"])),
        client.get(grid_url(page="x")),
    ]
    # Data set codes are data; Tab and Esc are the names printed on the keys.
    codes = {"VILLAGE", "COUNTY", "Tab", "Esc"}
    for page in pages:
        assert page.status_code in (200, 400)
        words = visible_words(page.content.decode(), LATIN_ALLOWED | codes | {town.username})
        assert not words, words


# --- Saving a cell ------------------------------------------------------------------------


def test_cell_saves_with_the_row_version_and_history(client, world, town, on_open_day):  # type: ignore[no-untyped-def]
    client.force_login(town)
    response = post_cell(client, world, SHANGGUO, "POP", "１,２００", version=0)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="cell-saved"' in body and 'value="1200"' in body
    version = Submission.objects.get(unit__code=SHANGGUO, period=world["period"]).version
    assert f'<input type="hidden" id="v{SHANGGUO}" value="{version}" hx-swap-oob="true">' in body
    assert f'<span id="s{SHANGGUO}" hx-swap-oob="true">草稿</span>' in body  # the row's state
    assert DataValue.objects.get(unit__code=SHANGGUO).value == 1200
    change = DataValueChange.objects.get()
    assert (change.old, change.new, change.source, change.actor_id) == (None, 1200, "form", town.pk)
    # The next cell of the row goes with the new version; the computed one follows.
    body = post_cell(client, world, SHANGGUO, "COLLECTIVE", "30", version=version).content.decode()
    assert re.search(
        rf'<input id="c{SHANGGUO}_INCOME_PER_10K"[^>]*value="250"[^>]*hx-swap-oob', body
    )
    # Missing is missing: 「—」 clears the value, it never stores 0.
    version = Submission.objects.get(unit__code=SHANGGUO, period=world["period"]).version
    assert post_cell(client, world, SHANGGUO, "POP", "—", version=version).status_code == 200
    assert not DataValue.objects.filter(unit__code=SHANGGUO, indicator__code="POP").exists()


def test_cell_problem_is_shown_at_the_cell_and_nothing_stored(client, world, town, on_open_day):  # type: ignore[no-untyped-def]
    client.force_login(town)
    response = post_cell(client, world, SHANGGUO, "COLLECTIVE", "12,3", version=0)
    assert response.status_code == 400
    body = text(response)
    assert "'12,3' 不是数字" in body and 'value="12,3"' in body and "is-invalid" in body
    assert 'data-s=""' in body  # Esc restores the stored value: none
    assert not DataValue.objects.exists() and not Submission.objects.exists()


def test_cell_conflict_shows_their_value_and_offers_a_reload(
    client, world, town, make_user, on_open_day
):  # type: ignore[no-untyped-def]
    client.force_login(town)
    assert post_cell(client, world, SHANGGUO, "POP", "1200", version=0).status_code == 200
    # Someone else changes the row in between: the form still holds version 1.
    colleague = make_user("colleague", "town_operator", HUAICHENG)
    values_write(
        actor=colleague,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        cells=[Cell(unit(SHANGGUO).pk, world["ind"]["POP"].pk, 1300)],
        source="form",
        today=OPEN_DAY,
    )
    response = post_cell(client, world, SHANGGUO, "POP", "1250", version=1)
    assert response.status_code == 409
    body = response.content.decode()
    assert "1300" in body and 'data-testid="cell-reload"' in body
    assert 'data-s="1300"' in body  # Esc restores their value
    assert DataValue.objects.get(unit__code=SHANGGUO).value == 1300


def test_cell_warnings_rules_and_unusual_change(client, world, town, on_open_day):  # type: ignore[no-untyped-def]
    store(world, SHANGGUO, POP=1000, period=world["previous"])
    client.force_login(town)
    body = post_cell(client, world, SHANGGUO, "POP", "1600", version=0).content.decode()
    assert 'data-testid="cell-saved"' in body
    assert "与 2023（1000）相比变化超过 50%，请核实。" in body
    assert "+600 (+60.0%)" in body
    # A warning rule (绿化覆盖率不超过100) cannot be broken through the indicator's own range, so
    # the rule is given a tighter bound for this test.
    from baiqianwan.indicators.models import ValidationRule

    ValidationRule.objects.filter(code="R2").update(right="90")
    version = Submission.objects.get(unit__code=SHANGGUO, period=world["period"]).version
    body = post_cell(client, world, SHANGGUO, "GREEN", "95", version=version).content.decode()
    assert 'data-testid="cell-warning"' in body and "绿化覆盖率不超过100：请核实。" in body
    # The rule does not read POP: a POP cell of the row does not repeat it.
    version = Submission.objects.get(unit__code=SHANGGUO, period=world["period"]).version
    body = post_cell(client, world, SHANGGUO, "POP", "1001", version=version).content.decode()
    assert "绿化覆盖率不超过100" not in body


def test_cell_refusals(client, world, town, make_user, on_open_day):  # type: ignore[no-untyped-def]
    client.force_login(town)
    # A computed indicator is never entered; an indicator of another data set is not found.
    computed = post_cell(client, world, SHANGGUO, "INCOME_PER_10K", "3", version=0)
    assert computed.status_code == 400 and "按公式计算" in text(computed)
    assert post_cell(client, world, SHANGGUO, "URBAN_INCOME", "3", version=0).status_code == 404
    # A village outside the town is not found; the town itself does not report villages' data.
    assert post_cell(client, world, "441224002001", "POP", "3", version=0).status_code == 404
    assert post_cell(client, world, HUAICHENG, "POP", "3", version=0).status_code == 400
    incomplete = post_cell(client, world, SHANGGUO, "POP", "3", version="x")
    assert incomplete.status_code == 400
    cell = reverse("indicators:entry_cell", args=["VILLAGE", "2024", SHANGGUO])
    assert client.get(cell).status_code == 405
    leader = make_user("leader", "leader", "441200000000")
    client.force_login(leader)
    assert post_cell(client, world, SHANGGUO, "POP", "3", version=0).status_code == 403
    assert not DataValue.objects.exists()


def test_cell_history_panel(client, world, town, on_open_day):  # type: ignore[no-untyped-def]
    client.force_login(town)
    post_cell(client, world, SHANGGUO, "POP", "1200", version=0)
    post_cell(client, world, SHANGGUO, "POP", "1250")
    url = reverse("indicators:entry_history", args=["VILLAGE", "2024", SHANGGUO, "POP"])
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert fragment.index("1200 → 1250") < fragment.index("— → 1200")
    assert (town.username in fragment and "Web form" in fragment) or "网页" in fragment
    assert "<html" in client.get(url).content.decode()
    elsewhere = reverse("indicators:entry_history", args=["VILLAGE", "2024", "441226100001", "POP"])
    assert client.get(elsewhere).status_code == 404
    computed = reverse(
        "indicators:entry_history", args=["VILLAGE", "2024", SHANGGUO, "INCOME_PER_10K"]
    )
    assert client.get(computed).status_code == 404


def test_grid_names_follow_the_page_language(client, world, town, on_open_day):  # type: ignore[no-untyped-def]
    Indicator.objects.filter(code="POP").update(name_en="Registered population")
    client.force_login(town)
    chinese = client.get(grid_url()).content.decode()
    assert "户籍人口" in chinese and "Registered population" not in chinese
    client.post(reverse("set_language"), {"language": "en", "next": grid_url()})
    english = client.get(grid_url()).content.decode()
    head = english[english.index("<thead>") : english.index("</thead>")]
    assert "Registered population" in head and "Prosperous" in head and "户籍人口" not in head
