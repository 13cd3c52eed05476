import json

import pytest

from tests.factories import HUAIJI, ZHAOQING


@pytest.mark.django_db
def test_the_city_page_carries_its_county_map(client, hq_admin):
    client.force_login(hq_admin)
    body = client.get(f"/units/{ZHAOQING}/").content.decode()
    assert "/static/vendor/maps/441200.json" in body
    data = json.loads(
        body.split('id="unit-map-data" type="application/json">')[1].split("</script>")[0]
    )
    assert len(data["regions"]) == 8
    assert data["regions"][HUAIJI] == {"name": "怀集县", "value": 326, "url": f"/units/{HUAIJI}/"}
    assert sum(r["value"] for r in data["regions"].values()) == 1558


@pytest.mark.django_db
def test_a_county_page_has_no_map(client, hq_admin):
    client.force_login(hq_admin)
    assert "unit-map" not in client.get(f"/units/{HUAIJI}/").content.decode()


@pytest.mark.django_db
def test_lineage_names_no_unit_outside_the_readers_area(client, huaiji_operator):
    from django.core.management import call_command

    call_command(
        "units", "link", "441226001000", "441224102000", "--kind", "merge", "--edition", "2024"
    )
    client.force_login(huaiji_operator)
    body = client.get("/units/441224102000/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "From a unit outside your area: Merged into (edition 2024)" in body
    assert "441226001000" not in body and "德城" not in body


@pytest.mark.django_db
def test_kind_and_level_read_differently(client, hq_admin):
    """Level 县级 / 乡镇级, kind 县 / 镇: the same English words, two Chinese labels."""
    client.force_login(hq_admin)
    body = client.get(f"/units/{HUAIJI}/").content.decode()
    assert '<span class="badge text-bg-secondary">县级</span>' in body
    assert '<span class="badge text-bg-light border">县</span>' in body
    assert "<td>镇</td>" in body and "<td>街道</td>" in body
