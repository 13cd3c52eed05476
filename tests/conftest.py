"""Shared fixtures: the real Zhaoqing register, loaded once per test database, and users."""

from __future__ import annotations

import os

os.environ.setdefault("BQW_MODE", "dev")

import pytest
from hypothesis import settings

from tests.factories import HUAIJI, NODE_MODULES, PASSWORD, ZHAOQING

# Under CI (.ci/run sets CI) property tests draw the same examples every run, so a run is
# reproducible; locally each run draws new ones, which is how the kept @examples were found.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Every test database starts with Zhaoqing's real units from the npm package."""
    from baiqianwan.units.services import units_load
    from baiqianwan.units.sources import (
        PACKAGE_EDITION,
        PACKAGE_EDITION_DATE,
        package_dir,
        package_rows,
    )

    with django_db_blocker.unblock():
        rows = package_rows(package_dir(NODE_MODULES), prefix="4412")
        units_load(
            rows=rows,
            edition=PACKAGE_EDITION,
            valid_from=PACKAGE_EDITION_DATE,
            source="tests",
            scope_prefix="4412",
        )


@pytest.fixture
def make_user(db):  # type: ignore[no-untyped-def]
    from baiqianwan.accounts.services import user_create

    def make(username: str, role: str, unit: str):  # type: ignore[no-untyped-def]
        return user_create(
            username=username, role=role, unit_code=unit, password=PASSWORD, person_id=username
        )

    return make


@pytest.fixture
def hq_admin(make_user):  # type: ignore[no-untyped-def]
    return make_user("hq", "hq_admin", ZHAOQING)


@pytest.fixture
def huaiji_operator(make_user):  # type: ignore[no-untyped-def]
    return make_user("huaiji", "county_operator", HUAIJI)


@pytest.fixture
def auditor(make_user):  # type: ignore[no-untyped-def]
    return make_user("auditor", "audit_admin", ZHAOQING)


@pytest.fixture(autouse=True)
def _english_messages():  # type: ignore[no-untyped-def]
    """Services and commands speak the active language (Chinese by default); the tests read
    their messages in English. Pages still pick their language per request."""
    from django.conf import settings
    from django.utils import translation

    if not settings.configured:  # a pure-library test run without Django
        yield
        return
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded files go to the test's own directory, never to var/."""
    settings.PRIVATE_FILES_DIR = tmp_path / "private-files"
    return settings.PRIVATE_FILES_DIR


@pytest.fixture
def zhaoqing(transactional_db):  # type: ignore[no-untyped-def]
    """Transactional tests empty the database afterwards, so each loads the units it needs."""
    from baiqianwan.units.models import Unit
    from baiqianwan.units.services import units_load
    from baiqianwan.units.sources import (
        PACKAGE_EDITION,
        PACKAGE_EDITION_DATE,
        package_dir,
        package_rows,
    )
    from tests.factories import NODE_MODULES

    if not Unit.objects.filter(code="441200000000").exists():
        units_load(
            rows=package_rows(package_dir(NODE_MODULES), prefix="4412"),
            edition=PACKAGE_EDITION,
            valid_from=PACKAGE_EDITION_DATE,
            source="tests",
            scope_prefix="4412",
        )
