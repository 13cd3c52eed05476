"""`bqw demo_users`: a login for each role, idempotent, printed once as a table."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from baiqianwan.accounts.choices import ROLE_HOME_LEVELS, Role
from baiqianwan.audit.models import AuditEvent

User = get_user_model()


def _run() -> dict[str, list[str]]:
    out = io.StringIO()
    call_command("demo_users", stdout=out)
    lines = [line.split() for line in out.getvalue().splitlines() if line.strip()]
    assert lines[0][:2] == ["Role", "User"]  # the header
    # Each row ends with: user name, password, home unit (the role label has spaces).
    return {row[-3]: row[-2:] for row in lines[1:]}


@pytest.mark.django_db
def test_every_role_gets_a_login_at_a_fitting_home_unit():
    table = _run()
    accounts = {u.username: u for u in User.objects.select_related("home_unit")}
    assert set(table) == set(accounts)
    assert {u.role for u in accounts.values()} == set(Role.values)
    for username, (password, home) in table.items():
        user = accounts[username]
        assert user.check_password(password) and not user.must_change_password
        assert user.home_unit.name == home
        levels = ROLE_HOME_LEVELS[user.role]
        assert levels is None or user.home_unit.level in levels
    assert accounts["demo-county"].home_unit.code == "441224000000"  # 怀集县
    town = accounts["demo-town"].home_unit
    assert town.parent.code == "441224000000"
    assert accounts["demo-village"].home_unit.parent == town
    assert len({u.person_id for u in accounts.values()}) == len(accounts)


@pytest.mark.django_db
def test_running_again_resets_the_passwords_and_is_audited():
    first = _run()
    second = _run()
    assert set(first) == set(second) and User.objects.count() == len(first)
    for username, (password, _home) in second.items():
        assert password != first[username][0]
        assert User.objects.get(username=username).check_password(password)
    assert AuditEvent.objects.filter(
        action="create", actor_name__endswith="(bqw demo_users)"
    ).count() == len(first)
    assert AuditEvent.objects.filter(action="password").count() == len(first)


@pytest.mark.django_db
def test_production_refuses_to_make_demo_accounts(settings):
    from django.core.management.base import CommandError

    settings.BQW_MODE = "production"
    with pytest.raises(CommandError, match="BQW_MODE"):
        call_command("demo_users", stdout=io.StringIO())
    assert not User.objects.filter(username__startswith="demo-").exists()
