"""Lock-out per account and client address first, account-wide only at a higher threshold."""

from __future__ import annotations

import pytest
from django.test import Client

from baiqianwan.audit.models import AuditEvent
from tests.factories import PASSWORD, ZHAOQING

# Documentation addresses (RFC 5737): strings in REMOTE_ADDR, never contacted.
STRANGER = "192.0.2.10"
OWNER = "198.51.100.20"


def _login(username: str, password: str, address: str):  # type: ignore[no-untyped-def]
    return Client(REMOTE_ADDR=address).post(
        "/accounts/login/", {"username": username, "password": password}
    )


@pytest.mark.django_db
def test_a_stranger_locks_out_only_their_own_address(huaiji_operator):
    statuses = [_login("huaiji", "wrong", STRANGER).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    assert _login("huaiji", PASSWORD, STRANGER).status_code == 429
    # The owner, elsewhere, still signs in.
    assert _login("huaiji", PASSWORD, OWNER).status_code == 302
    locks = AuditEvent.objects.filter(action="lockout", changes__locked_out="address")
    assert locks.count() == 1
    assert locks.get().ip == STRANGER and locks.get().object_repr == "huaiji"


@pytest.mark.django_db
def test_the_account_locks_from_every_address_at_the_higher_threshold(settings, huaiji_operator):
    assert settings.LOGIN_LOCKOUT_ACCOUNT_FAILURES == 20
    # 5 addresses × 4 failures: no address reaches 5, the account reaches 20.
    for n in range(5):
        for _ in range(4):
            _login("huaiji", "wrong", f"192.0.2.{n + 1}")
    assert _login("huaiji", PASSWORD, OWNER).status_code == 429
    assert AuditEvent.objects.filter(action="lockout", changes__locked_out="account").count() == 1


@pytest.mark.django_db
def test_one_address_alone_never_locks_the_account_everywhere(huaiji_operator):
    # axes goes on counting refused attempts from a locked address; they must not add up to
    # the account-wide threshold, or one stranger could shut the owner out for good.
    statuses = [_login("huaiji", "wrong", STRANGER).status_code for _ in range(25)]
    assert statuses[:4] == [200] * 4 and set(statuses[4:]) == {429}
    assert _login("huaiji", PASSWORD, OWNER).status_code == 302
    # The pages that show the lock say the same: this address, not every address.
    from baiqianwan.accounts.selectors import account_locks

    lock = account_locks(usernames=["huaiji"])["huaiji"]
    assert lock.addresses == (STRANGER,) and not lock.account_wide


@pytest.mark.django_db
def test_one_failure_below_the_account_threshold_still_signs_in(huaiji_operator):
    for n in range(19):
        _login("huaiji", "wrong", f"192.0.2.{n + 1}")
    assert _login("huaiji", PASSWORD, OWNER).status_code == 302
    assert not AuditEvent.objects.filter(action="lockout").exists()


@pytest.mark.django_db
def test_the_security_administrator_sees_the_lock_and_unlocking_is_audited(
    huaiji_operator, make_user
):
    for _ in range(5):
        _login("huaiji", "wrong", STRANGER)
    security = make_user("sec", "security_admin", ZHAOQING)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(security)
    page = client.get("/accounts/users/huaiji/").content.decode()
    assert 'data-testid="lock"' in page and STRANGER in page
    assert client.post("/accounts/users/huaiji/unlock/").status_code == 302
    event = AuditEvent.objects.get(action="unlock", object_id=str(huaiji_operator.pk))
    assert event.changes == {"addresses": [STRANGER], "account_wide": False}
    assert _login("huaiji", PASSWORD, STRANGER).status_code == 302


@pytest.mark.django_db
def test_the_login_page_states_the_figures_of_the_settings(client, settings):
    settings.AXES_FAILURE_LIMIT = 7
    settings.AXES_COOLOFF_TIME = 0.75  # hours
    settings.SESSION_COOKIE_AGE = 20 * 60
    page = client.get("/accounts/login/", headers={"Accept-Language": "en"}).content.decode()
    assert "After 7 failed attempts" in page
    assert "for 45 minutes" in page and "after 20 idle minutes" in page
    chinese = client.get("/accounts/login/", headers={"Accept-Language": "zh-hans"})
    assert "7" in chinese.content.decode() and "45" in chinese.content.decode()


def test_the_account_threshold_defaults_to_four_times_the_address_one(tmp_path):
    from baiqianwan.config import ConfigError, config_from_env

    env = {"BQW_MODE": "dev", "LOGIN_LOCKOUT_FAILURES": "3"}
    assert config_from_env(env, base_dir=tmp_path).lockout_account_failures == 12
    env["LOGIN_LOCKOUT_ACCOUNT_FAILURES"] = "9"
    assert config_from_env(env, base_dir=tmp_path).lockout_account_failures == 9
    env["LOGIN_LOCKOUT_ACCOUNT_FAILURES"] = "2"
    with pytest.raises(ConfigError, match="LOGIN_LOCKOUT_ACCOUNT_FAILURES=2 must be at least 3"):
        config_from_env(env, base_dir=tmp_path)
