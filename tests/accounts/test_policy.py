"""The access policy: every role against every action, then the pages and API that obey it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from baiqianwan.accounts import policy
from baiqianwan.accounts.choices import Role
from tests.factories import DEQING, HUAIJI, ZHAOQING

HUAIJI_TOWN = "441224001000"  # 怀城街道
HUAIJI_VILLAGE = "441224001001"  # 上郭社区居委会

# The home unit each role gets in these tests.
HOMES = {
    Role.HQ_ADMIN: ZHAOQING,
    Role.COUNTY_OPERATOR: HUAIJI,
    Role.TOWN_OPERATOR: HUAIJI_TOWN,
    Role.VILLAGE_REPORTER: HUAIJI_VILLAGE,
    Role.LEADER: ZHAOQING,
    Role.SYSTEM_ADMIN: ZHAOQING,
    Role.SECURITY_ADMIN: ZHAOQING,
    Role.AUDIT_ADMIN: ZHAOQING,
}

# The policy as the programme's rules state it: one row per action, ✓ where the role may.
# Columns: HQ admin, county operator, town operator, village reporter, leader,
#          system admin, security admin, audit admin.
COLUMNS = list(HOMES)
EXPECTED = {
    "units.read": "✓✓✓✓✓···",
    "intake.read": "✓✓✓✓✓···",
    "intake.write": "✓✓✓·····",
    "plans.read": "✓✓✓✓✓···",
    "plans.manage": "✓✓······",
    "plans.assign": "✓✓✓·····",
    "plans.review": "✓✓✓·····",
    "plans.report": "✓✓✓✓····",
    "plans.notice": "✓✓······",
    "indicators.read": "✓✓✓✓✓···",
    "indicators.enter": "✓✓✓✓····",
    "indicators.approve": "✓✓✓·····",
    "indicators.manage": "✓·······",
    "evaluation.read": "✓✓✓✓✓···",
    "evaluation.manage": "✓✓······",
    "evaluation.run": "✓✓······",
    "evaluation.tracks": "✓·······",
    "briefings.read": "✓✓✓✓✓···",
    "briefings.manage": "✓✓······",
    "audit.read": "·······✓",
    "security.read": "······✓·",
    "accounts.read": "·····✓✓✓",
    "accounts.manage": "·····✓··",
    "accounts.unlock": "······✓·",
}


def test_the_table_covers_every_action_and_every_role():
    assert set(EXPECTED) == set(policy.ACTIONS)
    assert set(COLUMNS) == set(Role)


@pytest.fixture
def users_by_role(make_user):  # type: ignore[no-untyped-def]
    return {role: make_user(f"u-{role.value}", role.value, HOMES[role]) for role in Role}


@pytest.mark.django_db
def test_every_role_against_every_action(users_by_role):
    for action, role, mark in (
        (action, role, mark)
        for action, marks in EXPECTED.items()
        for role, mark in zip(COLUMNS, marks, strict=True)
    ):
        user = users_by_role[role]
        allowed = mark == "✓"
        assert policy.can(user, action) is allowed, (role, action)
        if allowed:
            policy.require(user, action)
            assert policy.scope_prefix(user, action) == user.home_unit.prefix
        else:
            with pytest.raises(PermissionDenied):
                policy.require(user, action)


@pytest.mark.django_db
def test_scope_is_the_home_units_subtree(users_by_role):
    from baiqianwan.units.models import Unit

    town_operator = users_by_role[Role.TOWN_OPERATOR]
    village = Unit.objects.get(code=HUAIJI_VILLAGE)
    assert policy.can(town_operator, "units.read", village)
    assert policy.can(town_operator, "units.read", HUAIJI_TOWN)
    # Above and beside the home unit lie outside the area.
    assert not policy.can(town_operator, "units.read", HUAIJI)
    assert not policy.can(town_operator, "units.read", "441224002000")
    with pytest.raises(policy.OutOfScope) as refused:
        policy.require(town_operator, "units.read", DEQING)
    assert isinstance(refused.value, Http404)
    assert refused.value.code == DEQING
    # An account belongs to its home unit.
    hq = users_by_role[Role.HQ_ADMIN]
    assert policy.in_scope(users_by_role[Role.COUNTY_OPERATOR], town_operator)
    assert not policy.in_scope(users_by_role[Role.COUNTY_OPERATOR], hq)


@pytest.mark.django_db
def test_nobody_without_a_sign_in_or_with_a_disabled_account(users_by_role):
    from django.contrib.auth.models import AnonymousUser

    for action in policy.ACTIONS:
        assert not policy.can(AnonymousUser(), action)
    hq = users_by_role[Role.HQ_ADMIN]
    hq.is_active = False
    assert not policy.can(hq, "units.read")


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(KeyError, match="not an action"):
        policy.can(None, "units.delete")


# --- The pages and the API obey the same table ---------------------------------------------


def _plan_objects(users_by_role):  # type: ignore[no-untyped-def]
    """An issued plan's task assigned to 怀集县, split into 怀城街道 and its village 上郭, with a
    report from the village: every business role's area holds the village's assignment."""
    from datetime import date

    from baiqianwan.plans.models import Assignment, Plan, Report, Task
    from baiqianwan.units.models import Unit

    units = {
        u.code: u
        for u in Unit.objects.filter(code__in=[ZHAOQING, HUAIJI, HUAIJI_TOWN, HUAIJI_VILLAGE])
    }
    plan = Plan.objects.create(
        title="探针方案",
        issuer=units[ZHAOQING],
        year_start=2025,
        year_end=2025,
        status="issued",
        issued_on=date(2025, 1, 1),
        created_by=users_by_role[Role.HQ_ADMIN],
    )
    task = Task.objects.create(plan=plan, number="1", text="探针任务", deadline=date(2099, 12, 31))
    county = Assignment.objects.create(task=task, unit=units[HUAIJI])
    town = Assignment.objects.create(task=task, unit=units[HUAIJI_TOWN], parent=county)
    village = Assignment.objects.create(task=task, unit=units[HUAIJI_VILLAGE], parent=town)
    report = Report.objects.create(
        assignment=village,
        cycle="2025-01",
        text="探针报告",
        percent=10,
        status="on_track",
        submitted_on=date(2025, 1, 20),
        submitted_by=users_by_role[Role.VILLAGE_REPORTER],
    )
    return {"town": town, "village": village, "report": report}


def _probe(client, action: str, users_by_role) -> int:  # type: ignore[no-untyped-def]
    """The status of one representative request for `action`."""
    if action == "units.read":
        return client.get(reverse("units:detail", args=[HUAIJI_VILLAGE])).status_code
    if action == "intake.read":
        return client.get(reverse("intake:documents")).status_code
    if action == "intake.write":
        return client.get(reverse("intake:new")).status_code
    if action == "plans.read":
        return client.get(reverse("plans:list")).status_code
    if action == "plans.manage":
        return client.get(reverse("plans:create")).status_code
    if action.startswith("plans."):
        objects = users_by_role["plan objects"]
        url = {
            "plans.assign": reverse("plans:split", args=[objects["town"].pk]),
            "plans.review": reverse("plans:review", args=[objects["report"].pk]),
            "plans.report": reverse("plans:report", args=[objects["village"].pk]),
            "plans.notice": reverse("plans:notice_new", args=[objects["village"].pk]),
        }[action]
        return client.get(url).status_code
    if action == "audit.read":
        return client.get(reverse("audit:events")).status_code
    if action == "security.read":
        return client.get(reverse("audit:security")).status_code
    if action == "accounts.read":
        return client.get(reverse("accounts:users")).status_code
    if action == "accounts.manage":
        return client.get(reverse("accounts:user_create")).status_code
    if action == "accounts.unlock":
        target = users_by_role[Role.VILLAGE_REPORTER].username
        return client.post(reverse("accounts:user_unlock", args=[target])).status_code
    if action == "indicators.approve":
        return client.get(reverse("indicators:approvals")).status_code
    if action == "indicators.manage":
        return client.get(reverse("indicators:rule_create")).status_code
    if action == "indicators.enter":
        return _probe_entry(client)
    if action == "indicators.read":
        return client.get(reverse("indicators:list")).status_code
    if action == "evaluation.read":
        return client.get(reverse("evaluation:runs")).status_code
    if action == "evaluation.manage":
        return client.get(reverse("evaluation:scheme_create")).status_code
    if action == "evaluation.run":
        return client.get(reverse("evaluation:run_create")).status_code
    if action == "briefings.read":
        return client.get(reverse("briefings:list")).status_code
    if action == "briefings.manage":
        return client.get(reverse("briefings:new")).status_code
    if action == "evaluation.tracks":
        return client.get(reverse("evaluation:tracks")).status_code
    raise LookupError(action)


def _probe_entry(client) -> int:  # type: ignore[no-untyped-def]
    """Save one cell of the entry grid for 上郭 (in every entering role's area), in a period
    open today."""
    from datetime import timedelta

    from django.utils import timezone

    from baiqianwan.indicators.models import CollectionWindow, IndicatorSystem, Period
    from baiqianwan.indicators.values import versions_read
    from tests.indicators.factories import system_make, unit

    if not IndicatorSystem.objects.filter(code="TEST").exists():
        system_make()
        today = timezone.localdate()
        CollectionWindow.objects.update(
            opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=30)
        )
    village = unit(HUAIJI_VILLAGE)
    dataset = IndicatorSystem.objects.get(code="TEST").indicators.get(code="POP").datasets.get()
    version = versions_read(dataset, Period.objects.get(code="2024"), [village.pk])[village.pk]
    url = reverse("indicators:entry_cell", args=[dataset.code, "2024", HUAIJI_VILLAGE])
    return client.post(url, {"indicator": "POP", "value": "1200", "version": version}).status_code


@pytest.mark.django_db
def test_every_page_answers_as_the_policy_says(client, users_by_role):
    users_by_role["plan objects"] = _plan_objects(users_by_role)
    probed: set[str] = set()
    for action, role in ((action, role) for action in sorted(EXPECTED) for role in COLUMNS):
        user = users_by_role[role]
        client.force_login(user)
        status = _probe(client, action, users_by_role)
        probed.add(action)
        expected_ok = policy.can(user, action)
        assert (status in (200, 302)) is expected_ok, (role, action, status)
        if not expected_ok:
            assert status == 403, (role, action, status)
    assert probed == set(policy.ACTIONS)  # every action's page was walked


@pytest.mark.django_db
def test_the_api_answers_as_the_policy_says(client, users_by_role):
    for role in COLUMNS:
        client.force_login(users_by_role[role])
        status = client.get(f"/api/units/{HUAIJI_VILLAGE}").status_code
        assert status == (200 if policy.can(users_by_role[role], "units.read") else 403), role


@pytest.mark.django_db
def test_out_of_area_is_404_as_if_missing(client, users_by_role):
    client.force_login(users_by_role[Role.COUNTY_OPERATOR])
    elsewhere = client.get(reverse("units:detail", args=[DEQING]))
    missing = client.get(reverse("units:detail", args=["441299999999"]))
    assert elsewhere.status_code == missing.status_code == 404
    assert client.get(f"/api/units/{DEQING}").status_code == 404


@pytest.mark.django_db
def test_each_role_starts_on_a_page_it_may_open(client, users_by_role):
    for role in COLUMNS:
        client.force_login(users_by_role[role])
        start = client.get(reverse("home"), follow=True)
        assert start.redirect_chain, role
        assert start.status_code == 200, role


@pytest.mark.django_db
def test_the_menu_shows_what_the_role_may_open(client, users_by_role):
    links = {
        "units.read": reverse("units:browse"),
        "intake.read": reverse("intake:documents"),
        "plans.read": reverse("plans:list"),
        "audit.read": reverse("audit:events"),
        "security.read": reverse("audit:security"),
        "accounts.read": reverse("accounts:users"),
        "indicators.read": reverse("indicators:list"),
    }
    for role in COLUMNS:
        user = users_by_role[role]
        client.force_login(user)
        page = client.get(reverse("accounts:password_change")).content.decode()
        for action, href in links.items():
            assert (f'href="{href}"' in page) is policy.can(user, action), (role, action)


@pytest.mark.django_db
def test_accounts_manage_stops_at_the_separated_administrators(users_by_role):
    system = users_by_role[Role.SYSTEM_ADMIN]
    for role, target in users_by_role.items():
        assert policy.can(system, "accounts.manage", target) is (
            role in policy.WEB_MANAGED_ROLES
        ), role
    with pytest.raises(PermissionDenied):
        policy.require(system, "accounts.manage", users_by_role[Role.AUDIT_ADMIN])
