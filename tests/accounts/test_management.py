"""Account management on the web: the system administrator manages, the security
administrator unlocks, the audit administrator reads; everything within the area."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from python_calamine import CalamineWorkbook

from baiqianwan.accounts.services import account_fingerprint, user_create
from baiqianwan.audit.models import AuditEvent
from tests.factories import DEQING, HUAIJI, PASSWORD, ZHAOQING, another_city

User = get_user_model()
HUAIJI_TOWN = "441224001000"  # 怀城街道, a town of 怀集县


@pytest.fixture
def client():  # type: ignore[no-untyped-def]
    """The pages in English, so the tests read the messages as written in the code."""
    from django.test import Client

    return Client(headers={"Accept-Language": "en"})


@pytest.fixture
def sysadmin(make_user):  # type: ignore[no-untyped-def]
    return make_user("sys", "system_admin", ZHAOQING)


@pytest.fixture
def security(make_user):  # type: ignore[no-untyped-def]
    return make_user("sec", "security_admin", ZHAOQING)


def _otp(response) -> str:  # type: ignore[no-untyped-def]
    match = re.search(
        r'data-testid="one-time-password".*?<code[^>]*>([^<]+)</code>',
        response.content.decode(),
        re.S,
    )
    assert match, "no one-time password on the page"
    return match.group(1)


def _usernames(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {account.username for account, _lock in response.context["accounts"]}


@pytest.mark.django_db
def test_the_list_filters_by_role_subtree_status_and_lock(client, sysadmin, make_user):
    make_user("county", "county_operator", HUAIJI)
    make_user("town", "town_operator", HUAIJI_TOWN)
    make_user("deqing", "county_operator", DEQING)
    off = make_user("off", "county_operator", DEQING)
    off.is_active = False
    off.save()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "town", "password": "wrong"})
    client.force_login(sysadmin)
    assert _usernames(client.get("/accounts/users/?role=county_operator")) == {
        "county",
        "deqing",
        "off",
    }
    assert _usernames(client.get(f"/accounts/users/?unit={HUAIJI}")) == {"county", "town"}
    assert _usernames(client.get("/accounts/users/?status=disabled")) == {"off"}
    assert _usernames(client.get("/accounts/users/?status=locked")) == {"town"}
    assert _usernames(client.get("/accounts/users/?q=deq")) == {"deqing"}
    bad = client.get("/accounts/users/?unit=4412")
    assert "12-digit code" in bad.content.decode()


@pytest.mark.django_db
def test_the_export_honours_the_filters(client, sysadmin, make_user):
    make_user("county", "county_operator", HUAIJI)
    make_user("deqing", "county_operator", DEQING)
    client.force_login(sysadmin)
    response = client.get(f"/accounts/users.xlsx?unit={HUAIJI}")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert [row[0] for row in rows[1:]] == ["county"]
    assert rows[1][3] == HUAIJI


@pytest.mark.django_db
def test_creating_an_account_shows_a_one_time_password_that_must_be_changed(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        "/accounts/create/",
        {"username": "wang", "full_name": "王五", "role": "county_operator", "unit": "怀集"},
    )
    assert response.status_code == 200
    password = _otp(response)
    wang = User.objects.get(username="wang")
    assert wang.home_unit.code == HUAIJI and wang.must_change_password
    assert wang.check_password(password) and password not in wang.password
    assert AuditEvent.objects.filter(action="create", object_id=str(wang.pk), actor=sysadmin)
    # The one-time password opens the password page and nothing else.
    client.logout()
    login = client.post("/accounts/login/", {"username": "wang", "password": password})
    assert login.status_code == 302
    home = client.get("/units/")
    assert home.status_code == 302 and home["Location"] == "/accounts/password/"
    assert client.get("/api/units/").status_code == 403
    assert "must-change" in client.get("/accounts/password/").content.decode()
    changed = client.post(
        "/accounts/password/",
        {
            "old_password": password,
            "new_password1": "Eigenes-Passw0rt-7",
            "new_password2": "Eigenes-Passw0rt-7",
        },
    )
    assert changed.status_code == 302
    wang.refresh_from_db()
    assert not wang.must_change_password
    assert client.get(f"/units/{HUAIJI}/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"role": "county_operator", "unit": ZHAOQING}, "unit", "must be of level County"),
        ({"role": "town_operator", "unit": "大"}, "unit", "Several units fit"),
        ({"role": "county_operator", "unit": "惠州"}, "unit", "No unit of your area"),
        ({"role": "county_operator", "unit": "441300000000"}, "unit", "outside your area"),
        # The separated administrators are created at the server, never on the web.
        ({"role": "audit_admin", "unit": ZHAOQING, "person_id": "P1"}, "role", "valid choice"),
        ({"role": "county_operator", "unit": HUAIJI, "username": "sys"}, "username", "taken"),
        (
            {"role": "county_operator", "unit": HUAIJI, "username": "a b"},
            "username",
            "valid username",
        ),
    ],
)
def test_a_wrong_account_is_refused_naming_the_field(client, sysadmin, data, field, message):
    another_city()
    client.force_login(sysadmin)
    before = User.objects.count()
    response = client.post("/accounts/create/", {"username": "new1", **data})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert User.objects.count() == before


@pytest.mark.django_db
def test_disable_and_enable_are_audited_and_end_sessions(client, sysadmin, huaiji_operator):
    from django.test import Client

    theirs = Client()
    theirs.force_login(huaiji_operator)
    assert theirs.get(f"/units/{HUAIJI}/").status_code == 200
    client.force_login(sysadmin)
    url = "/accounts/users/huaiji/active/"
    fingerprint = account_fingerprint(user=huaiji_operator)
    assert client.post(url, {"active": "0", "fingerprint": fingerprint}).status_code == 302
    huaiji_operator.refresh_from_db()
    assert not huaiji_operator.is_active
    assert theirs.get(f"/units/{HUAIJI}/").status_code == 302  # signed out
    event = AuditEvent.objects.get(action="account_disable", object_id=str(huaiji_operator.pk))
    assert event.changes == {"is_active": [True, False]} and event.actor == sysadmin
    fingerprint = account_fingerprint(user=huaiji_operator)
    assert client.post(url, {"active": "1", "fingerprint": fingerprint}).status_code == 302
    huaiji_operator.refresh_from_db()
    assert huaiji_operator.is_active
    event = AuditEvent.objects.get(action="account_enable", object_id=str(huaiji_operator.pk))
    assert event.changes == {"is_active": [False, True]} and event.actor == sysadmin
    assert not AuditEvent.objects.filter(action="update", object_id=str(huaiji_operator.pk))


@pytest.mark.django_db
def test_a_stale_form_saves_nothing_and_says_why(client, sysadmin, huaiji_operator):
    client.force_login(sysadmin)
    shown = client.get("/accounts/users/huaiji/")
    fingerprint = re.search(r'name="fingerprint" value="([^"]+)"', shown.content.decode())[1]
    # Meanwhile another administrator resets the password.
    reset = client.post("/accounts/users/huaiji/reset/", {"fingerprint": fingerprint})
    assert reset.status_code == 200 and _otp(reset)
    stale = client.post(
        "/accounts/users/huaiji/active/", {"active": "0", "fingerprint": fingerprint}
    )
    assert stale.status_code == 409
    assert 'data-testid="conflict"' in stale.content.decode()
    assert "nothing was saved" in stale.content.decode()
    huaiji_operator.refresh_from_db()
    assert huaiji_operator.is_active
    again = client.post("/accounts/users/huaiji/reset/", {"fingerprint": fingerprint})
    assert again.status_code == 409


@pytest.mark.django_db
def test_a_reset_gives_a_one_time_password_and_is_audited(client, sysadmin, huaiji_operator):
    client.force_login(sysadmin)
    response = client.post(
        "/accounts/users/huaiji/reset/",
        {"fingerprint": account_fingerprint(user=huaiji_operator)},
    )
    password = _otp(response)
    huaiji_operator.refresh_from_db()
    assert huaiji_operator.check_password(password) and huaiji_operator.must_change_password
    assert not huaiji_operator.check_password(PASSWORD)
    event = AuditEvent.objects.get(action="password_reset", object_id=str(huaiji_operator.pk))
    assert event.actor == sysadmin and event.changes == {"must_change_password": True}
    assert not AuditEvent.objects.filter(action="password", object_id=str(huaiji_operator.pk))
    assert "no-cache" in response.get("Cache-Control", "") or "no-store" in response.get(
        "Cache-Control", ""
    )


@pytest.mark.django_db
def test_no_one_disables_their_own_account(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        "/accounts/users/sys/active/",
        {"active": "0", "fingerprint": account_fingerprint(user=sysadmin)},
    )
    assert response.status_code == 403
    sysadmin.refresh_from_db()
    assert sysadmin.is_active


@pytest.mark.django_db
def test_each_administrator_does_their_own_duty(
    client, sysadmin, security, auditor, huaiji_operator, hq_admin
):
    fingerprint = account_fingerprint(user=huaiji_operator)
    for reader in (sysadmin, security, auditor):
        client.force_login(reader)
        assert client.get("/accounts/users/").status_code == 200
        assert client.get("/accounts/users/huaiji/").status_code == 200
    for other in (security, auditor, hq_admin):
        client.force_login(other)
        assert client.get("/accounts/create/").status_code == 403
        assert client.post(
            "/accounts/users/huaiji/reset/", {"fingerprint": fingerprint}
        ).status_code in (403,)
        assert client.post(
            "/accounts/users/huaiji/active/", {"active": "0", "fingerprint": fingerprint}
        ).status_code in (403,)
    for other in (sysadmin, auditor):
        client.force_login(other)
        assert client.post("/accounts/users/huaiji/unlock/").status_code == 403
    client.force_login(hq_admin)
    assert client.get("/accounts/users/").status_code == 403
    huaiji_operator.refresh_from_db()
    assert huaiji_operator.is_active and huaiji_operator.check_password(PASSWORD)


@pytest.mark.django_db
def test_the_system_administrator_cannot_take_over_another_administrators_duty(
    client, sysadmin, security, auditor
):
    """MLPS separation: no web reset, disable or creation of a separated administrator, so
    the system administrator can neither sign in as the auditor nor make a second self."""
    from baiqianwan.accounts.services import account_create

    client.force_login(sysadmin)
    for target in (security, auditor):
        fingerprint = account_fingerprint(user=target)
        page = client.get(f"/accounts/users/{target.username}/")
        assert page.status_code == 200 and "/reset/" not in page.content.decode()
        reset = client.post(
            f"/accounts/users/{target.username}/reset/", {"fingerprint": fingerprint}
        )
        disable = client.post(
            f"/accounts/users/{target.username}/active/",
            {"active": "0", "fingerprint": fingerprint},
        )
        assert reset.status_code == disable.status_code == 403
        target.refresh_from_db()
        assert target.is_active and target.check_password(PASSWORD)
    for role in ("system_admin", "security_admin", "audit_admin"):
        with pytest.raises(ValidationError) as refused:
            account_create(
                actor=sysadmin, username=f"x-{role}", role=role, unit_code=ZHAOQING, person_id="P9"
            )
        assert "role" in refused.value.message_dict
    assert not User.objects.filter(username__startswith="x-").exists()
    assert not AuditEvent.objects.filter(action="password", object_id=str(auditor.pk)).exists()


@pytest.mark.django_db
def test_accounts_outside_the_area_answer_like_unknown_ones(client, sysadmin):
    huizhou = another_city()
    user_create(username="hz", role="hq_admin", unit_code=huizhou.code, password=PASSWORD)
    client.force_login(sysadmin)
    assert "hz" not in _usernames(client.get("/accounts/users/"))
    for path in ("/accounts/users/hz/", "/accounts/users/nobody/"):
        assert client.get(path).status_code == 404
    assert client.post("/accounts/users/hz/reset/", {"fingerprint": "x"}).status_code == 404
    assert _usernames(client.get("/accounts/users/?unit=441300000000")) == set()


@pytest.mark.django_db
def test_a_clash_the_checks_could_not_see_is_a_clear_error(monkeypatch, make_user):
    """Two administrators created for one person at the same moment both pass the checks;
    the database refuses the second, and that is a message, not a 500."""
    from baiqianwan.accounts import services

    make_user("aud1", "audit_admin", ZHAOQING)  # person id "aud1"
    # What each of two simultaneous requests sees: no clash yet, in the code or in full_clean.
    monkeypatch.setattr(services, "_check_separation", lambda person_id, role: None)
    monkeypatch.setattr(User, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ValidationError, match="at the same moment"):
        user_create(
            username="sec2",
            role="security_admin",
            unit_code=ZHAOQING,
            password=PASSWORD,
            person_id="aud1",
        )
    assert not User.objects.filter(username="sec2").exists()
