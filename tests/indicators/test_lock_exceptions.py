"""Lock exceptions: granted by headquarters only, with a reason and an end date after the
window; revoked once; honoured by the write path until the end date."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from baiqianwan.core.problems import InputError
from baiqianwan.indicators.services import lock_exception_grant, lock_exception_revoke
from baiqianwan.indicators.values import Cell, values_write
from tests.factories import ZHAOQING
from tests.indicators.factories import HUAICHENG, SHANGGUO, system_make, unit

pytestmark = pytest.mark.django_db
TODAY = date(2025, 4, 10)  # after the 2024 window closed on 2025-03-31


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    return system_make()


def _grant(actor, world, **kwargs):  # type: ignore[no-untyped-def]
    fields = {"unit": unit(SHANGGUO), "until": date(2025, 4, 30), "reason": "洪灾", "today": TODAY}
    fields.update(kwargs)
    return lock_exception_grant(
        actor=actor, dataset=world["datasets"]["VILLAGE"], period=world["period"], **fields
    )


def _write(actor, world, today):  # type: ignore[no-untyped-def]
    return values_write(
        actor=actor,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        cells=[Cell(unit(SHANGGUO).pk, world["ind"]["POP"].pk, 10)],
        source="form",
        today=today,
    )


def test_granted_exception_lifts_the_closed_window_until_its_end(make_user, world):  # type: ignore[no-untyped-def]
    hq = make_user("hq", "hq_admin", ZHAOQING)
    village = make_user("shangguo", "village_reporter", SHANGGUO)
    with pytest.raises(InputError, match="closed"):
        _write(village, world, TODAY)
    exception = _grant(hq, world)
    assert _write(village, world, TODAY).new == 1
    with pytest.raises(InputError, match="closed"):
        _write(village, world, date(2025, 5, 1))
    lock_exception_revoke(actor=hq, exception=exception)
    with pytest.raises(InputError, match="closed"):
        _write(village, world, TODAY)
    with pytest.raises(InputError, match="revoked already"):
        lock_exception_revoke(actor=hq, exception=exception)


def test_grant_refusals(make_user, world):  # type: ignore[no-untyped-def]
    hq = make_user("hq", "hq_admin", ZHAOQING)
    town = make_user("town", "town_operator", HUAICHENG)
    with pytest.raises(PermissionDenied):
        _grant(town, world)
    with pytest.raises(InputError, match="reason"):
        _grant(hq, world, reason=" ")
    with pytest.raises(InputError, match="passed"):
        _grant(hq, world, until=date(2025, 4, 1))
    with pytest.raises(InputError, match="after that"):
        _grant(hq, world, until=date(2025, 3, 31), today=date(2025, 3, 1))
    with pytest.raises(InputError, match="does not enter"):
        _grant(hq, world, unit=unit(HUAICHENG))
    _grant(hq, world)
    with pytest.raises(InputError, match="already"):
        _grant(hq, world)


def test_outside_headquarters_area_is_not_found(make_user, world):  # type: ignore[no-untyped-def]
    from tests.factories import another_city

    other = another_city()
    hq = make_user("hq", "hq_admin", ZHAOQING)
    with pytest.raises(Http404):
        _grant(hq, world, unit=other)
