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
