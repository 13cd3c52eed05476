"""The cockpit's pages: who starts there, what the page draws on the server, 大屏 mode."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_leaders_start_on_the_cockpit_and_others_keep_their_home(  # type: ignore[no-untyped-def]
    client, leader, hq_admin, huaiji_operator
):
    client.force_login(leader)
    assert client.get(reverse("home"))["Location"] == reverse("cockpit:home")
    client.force_login(hq_admin)
    assert client.get(reverse("home"))["Location"] == reverse("plans:mine")
    client.force_login(huaiji_operator)
    assert client.get(reverse("home"))["Location"] == reverse("plans:mine")


def test_the_city_page_shows_the_cards_in_chinese(client, hq_admin, cockpit_values):  # type: ignore[no-untyped-def]
    client.force_login(hq_admin)
    page = client.get(reverse("cockpit:home"), **ZH)
    html = page.content.decode()
    assert page.status_code == 200
    assert "领导驾驶舱 · 肇庆市" in html and "大屏模式" in html
    cards = {card["key"]: card for card in page.context["summary"]["cards"]}
    assert cards["gdp"]["shown"] in html and "亿元" in cards["gdp"]["shown"]
    assert 'data-testid="card-collective_10w"' in html and "暂定" in html
    # The map's choices: indicators with county values, and the evaluation score.
    assert '<option value="C_GDP">' in html and '<option value="score">' in html
    assert "/static/vendor/maps/441200.json" in html
    assert "镇、村没有面状边界" in html
    assert f'href="{reverse("cockpit:home")}"' in html  # the menu


def test_a_county_page_has_no_map_and_ranks_its_towns(client, huaiji_operator, cockpit_values):  # type: ignore[no-untyped-def]
    client.force_login(huaiji_operator)
    page = client.get(reverse("cockpit:home"), **ZH)
    assert page.status_code == 200
    spec = page.context["spec"]
    assert (spec["unit"], spec["below"], spec["map"]) == ("441224000000", "town", "")
    assert "怀集县" in page.content.decode() and "德庆" not in page.content.decode()


def test_the_big_screen_is_a_fixed_dark_wall(client, hq_admin, cockpit_values):  # type: ignore[no-untyped-def]
    client.force_login(hq_admin)
    page = client.get(reverse("cockpit:screen"), **ZH)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-mode="screen"' in html and 'id="cockpit-clock"' in html
    assert "指挥中心" in html and "演示数据" not in html  # the test values are not demo
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("cockpit/cockpit.css")).read_text(encoding="utf-8")
    assert "overflow: hidden" in css and "100vh" in css


def test_a_village_has_nothing_below_and_is_sent_to_its_tasks(client, make_user):  # type: ignore[no-untyped-def]
    reporter = make_user("shanguo", "village_reporter", "441224001001")
    client.force_login(reporter)
    for name in ("cockpit:home", "cockpit:screen"):
        response = client.get(reverse(name), **ZH)
        assert response.status_code == 302 and response["Location"] == reverse("plans:mine")
    page = client.get(reverse("plans:mine"), **ZH).content.decode()
    assert "上郭社区居委会 没有下级单位" in page
    assert 'data-testid="nav-cockpit"' not in page
