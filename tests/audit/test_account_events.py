"""Events of accounts read as what they are: lock-outs, wrong old passwords, disabling,
enabling and resets each have their own action, readable on the audit page and, for the
security ones, on the security administrator's page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from baiqianwan.accounts.services import (
    account_active_set,
    account_fingerprint,
    account_password_reset,
)
from baiqianwan.audit.choices import SECURITY_ACTIONS, Action
from baiqianwan.audit.models import AuditEvent
from tests.factories import ZHAOQING

pytestmark = pytest.mark.django_db

STRANGER = "192.0.2.10"  # RFC 5737 documentation address


def _reader(user, language: str = "en") -> Client:  # type: ignore[no-untyped-def]
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


def _lock_out(username: str) -> None:
    stranger = Client(REMOTE_ADDR=STRANGER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        stranger.post("/accounts/login/", {"username": username, "password": "wrong"})


def _wrong_old_passwords(user, times: int) -> None:  # type: ignore[no-untyped-def]
    owner = _reader(user)
    for _ in range(times):
        owner.post(
            "/accounts/password/",
            {
                "old_password": "wrong",
                "new_password1": "Neu-Passw0rt-9",
                "new_password2": "Neu-Passw0rt-9",
            },
        )


@pytest.fixture
def sysadmin(make_user):  # type: ignore[no-untyped-def]
    return make_user("sys", "system_admin", ZHAOQING)


@pytest.fixture
def security_admin(make_user):  # type: ignore[no-untyped-def]
    return make_user("sec", "security_admin", ZHAOQING)


def _row(body: str, action_label: str) -> str:
    """The table row of the page whose action cell reads `action_label`."""
    cell = f'<td class="text-nowrap">{action_label}</td>'
    assert cell in body, action_label
    start = body.rindex("<tr>", 0, body.index(cell))
    return body[start : body.index("</tr>", start)]


def test_each_account_event_has_its_own_action(huaiji_operator, sysadmin):
    _lock_out("huaiji")
    _wrong_old_passwords(huaiji_operator, 1)
    account_active_set(
        actor=sysadmin,
        user=huaiji_operator,
        active=False,
        fingerprint=account_fingerprint(user=huaiji_operator),
    )
    huaiji_operator.refresh_from_db()
    account_active_set(
        actor=sysadmin,
        user=huaiji_operator,
        active=True,
        fingerprint=account_fingerprint(user=huaiji_operator),
    )
    huaiji_operator.refresh_from_db()
    account_password_reset(
        actor=sysadmin, user=huaiji_operator, fingerprint=account_fingerprint(user=huaiji_operator)
    )
    mine = AuditEvent.objects.filter(object_id=str(huaiji_operator.pk))
    changes = {
        e.action: e.changes for e in mine.exclude(action__in=["create", "login", "login_failed"])
    }
    assert changes == {
        "lockout": {
            "locked_out": "address",
            "failures": settings.AXES_FAILURE_LIMIT,
            "minutes": 30,
        },
        "old_password": {"old_password": "wrong"},
        "account_disable": {"is_active": [True, False]},
        "account_enable": {"is_active": [False, True]},
        "password_reset": {"must_change_password": True},
    }
    # The failed sign-ins themselves stay failed sign-ins; no account event borrows an action.
    assert mine.filter(action="login_failed").count() == settings.AXES_FAILURE_LIMIT
    assert not mine.filter(action__in=["update", "password"]).exists()
    assert mine.get(action="lockout").ip == STRANGER


def test_the_audit_page_reads_them_in_english_and_chinese(huaiji_operator, sysadmin, auditor):
    _lock_out("huaiji")
    _wrong_old_passwords(huaiji_operator, settings.AXES_FAILURE_LIMIT + 1)
    account_active_set(
        actor=sysadmin,
        user=huaiji_operator,
        active=False,
        fingerprint=account_fingerprint(user=huaiji_operator),
    )
    huaiji_operator.refresh_from_db()
    account_active_set(
        actor=sysadmin,
        user=huaiji_operator,
        active=True,
        fingerprint=account_fingerprint(user=huaiji_operator),
    )
    huaiji_operator.refresh_from_db()
    account_password_reset(
        actor=sysadmin, user=huaiji_operator, fingerprint=account_fingerprint(user=huaiji_operator)
    )

    english = _reader(auditor).get("/audit/").content.decode()
    lockout = _row(english, "Account locked out")
    assert "<b>Lock-out scope</b>: this address" in lockout
    assert f"<b>Failures</b>: {settings.AXES_FAILURE_LIMIT}" in lockout
    assert "<b>Lock-out minutes</b>: 30" in lockout and STRANGER in lockout
    assert "<b>Old password</b>: wrong" in english
    assert "<b>Old password</b>: not checked: too many wrong ones" in english
    assert "<b>Active</b>: yes → no" in _row(english, "Account disabled")
    assert "<b>Active</b>: no → yes" in _row(english, "Account enabled")
    assert "<b>Must change password</b>: yes" in _row(english, "Password reset")

    chinese = _reader(auditor, "zh-hans").get("/audit/").content.decode()
    lockout = _row(chinese, "账户锁定")
    assert "<b>锁定范围</b>: 该地址" in lockout
    assert f"<b>失败次数</b>: {settings.AXES_FAILURE_LIMIT}" in lockout
    assert "<b>锁定分钟</b>: 30" in lockout
    # Newest first: the refused check after the wrong ones.
    assert "<b>旧密码</b>: 未核对：错误次数过多" in _row(chinese, "旧密码核验失败")
    assert "<b>旧密码</b>: 错误</div>" in chinese
    assert "<b>有效</b>: 是 → 否" in _row(chinese, "停用账户")
    assert "<b>有效</b>: 否 → 是" in _row(chinese, "启用账户")
    assert "<b>须修改密码</b>: 是" in _row(chinese, "重置密码")
    # The action filter offers each of them by name.
    for action in (Action.LOCKOUT, Action.ACCOUNT_DISABLE, Action.PASSWORD_RESET):
        assert f'<option value="{action.value}">' in chinese
        filtered = _reader(auditor).get("/audit/", {"action": action.value}).content.decode()
        assert _row(filtered, str(action.label))


def test_the_account_wide_lock_out_reads_every_address(huaiji_operator, auditor):
    for n in range(settings.LOGIN_LOCKOUT_ACCOUNT_FAILURES):
        Client(REMOTE_ADDR=f"192.0.2.{n % 4 + 1}").post(
            "/accounts/login/", {"username": "huaiji", "password": "wrong"}
        )
    body = _reader(auditor, "zh-hans").get("/audit/", {"action": "lockout"}).content.decode()
    assert "<b>锁定范围</b>: 全部地址" in body
    english = _reader(auditor).get("/audit/", {"action": "lockout"}).content.decode()
    assert "<b>Lock-out scope</b>: every address" in english


def test_the_security_administrator_sees_a_lock_out_unlocks_it_and_sees_both(
    huaiji_operator, sysadmin, security_admin
):
    assert {Action.LOCKOUT, Action.OLD_PASSWORD_FAILED, Action.UNLOCK} <= set(SECURITY_ACTIONS)
    _lock_out("huaiji")
    _wrong_old_passwords(huaiji_operator, 1)
    account_active_set(
        actor=sysadmin,
        user=huaiji_operator,
        active=False,
        fingerprint=account_fingerprint(user=huaiji_operator),
    )
    security = _reader(security_admin)
    body = security.get("/audit/security/").content.decode()
    lockout = _row(body, "Account locked out")
    assert "<b>Lock-out scope</b>: this address" in lockout and STRANGER in lockout
    assert "<b>Old password</b>: wrong" in _row(body, "Old password check failed")
    assert "Account disabled" not in body  # the system administrator's work, for the auditor

    assert security.post("/accounts/users/huaiji/unlock/").status_code == 302
    body = security.get("/audit/security/").content.decode()
    unlock = _row(body, "Account unlocked")
    assert f"<b>Locked addresses</b>: {STRANGER}" in unlock
    assert "<b>Locked from every address</b>: no" in unlock
    assert _row(body, "Account locked out")  # the lock-out stays on the page beside it
    # The security page's filter offers the lock-outs and unlocks.
    only = security.get("/audit/security/", {"action": "lockout"}).content.decode()
    assert _row(only, "Account locked out") and "Account unlocked</td>" not in only
    chinese = _reader(security_admin, "zh-hans").get("/audit/security/").content.decode()
    assert "<b>被锁地址</b>: " + STRANGER in _row(chinese, "解锁账户")
    assert "<b>锁定范围</b>: 该地址" in _row(chinese, "账户锁定")
