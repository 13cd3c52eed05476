from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from baiqianwan.accounts.services import demo_user_ensure, user_create
from baiqianwan.audit.models import AuditEvent
from tests.factories import HUAIJI, PASSWORD, ZHAOQING, another_city

User = get_user_model()


@pytest.mark.django_db
def test_no_account_exists_after_install():
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_createuser_reads_the_password_from_stdin(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    call_command(
        "createuser", "li", "--role", "county_operator", "--unit", HUAIJI, "--password-stdin"
    )
    user = User.objects.get(username="li")
    assert user.home_unit.code == HUAIJI and user.role == "county_operator"
    assert user.password.startswith("argon2$")
    assert PASSWORD not in user.password
    assert "Created li" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "unit", "password", "message"),
    [
        ("county_operator", ZHAOQING, PASSWORD, "home unit must be of level County"),
        ("town_operator", HUAIJI, PASSWORD, "home unit must be of level Town"),
        ("wizard", HUAIJI, PASSWORD, "Unknown role"),
        ("county_operator", "441299000000", PASSWORD, "No current unit"),
        ("county_operator", HUAIJI, "short", "too short"),
        ("county_operator", HUAIJI, "alllowercaseletters", "at least three"),
    ],
)
def test_bad_accounts_are_refused_with_the_reason(role, unit, password, message):
    with pytest.raises(ValidationError, match=message):
        user_create(username="x", role=role, unit_code=unit, password=password)
    assert not User.objects.filter(username="x").exists()


@pytest.mark.django_db
def test_createuser_command_reports_errors(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    with pytest.raises(CommandError, match="home unit must be of level County"):
        call_command(
            "createuser", "li", "--role", "county_operator", "--unit", ZHAOQING, "--password-stdin"
        )


@pytest.mark.django_db
def test_one_person_never_combines_separated_admin_roles():
    user_create(
        username="sys1",
        role="system_admin",
        unit_code=ZHAOQING,
        password=PASSWORD,
        person_id="ZQ-001",
    )
    for username, role in (("aud1", "audit_admin"), ("sys2", "system_admin")):
        with pytest.raises(ValidationError, match="may not be combined"):
            user_create(
                username=username,
                role=role,
                unit_code=ZHAOQING,
                password=PASSWORD,
                person_id="ZQ-001",
            )
    # Another person may hold it.
    user_create(
        username="aud2",
        role="audit_admin",
        unit_code=ZHAOQING,
        password=PASSWORD,
        person_id="ZQ-002",
    )


@pytest.mark.django_db
def test_a_separated_administrator_must_name_the_person():
    with pytest.raises(ValidationError, match="must name its person"):
        user_create(username="sec", role="security_admin", unit_code=ZHAOQING, password=PASSWORD)


@pytest.mark.django_db
def test_the_database_itself_keeps_the_roles_apart():
    """Two creations racing past the service's check still cannot both land."""
    from django.db import IntegrityError, transaction

    user_create(
        username="sys1",
        role="system_admin",
        unit_code=ZHAOQING,
        password=PASSWORD,
        person_id="ZQ-001",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(
            username="aud1",
            role="audit_admin",
            person_id="ZQ-001",
            home_unit=User.objects.get(username="sys1").home_unit,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(
            username="sec1",
            role="security_admin",
            person_id="",
            home_unit=User.objects.get(username="sys1").home_unit,
        )


@pytest.mark.django_db
def test_demo_accounts_get_a_new_random_password_each_time():
    user, first = demo_user_ensure(username="demo-admin", role="hq_admin", unit_code=ZHAOQING)
    _, second = demo_user_ensure(username="demo-admin", role="hq_admin", unit_code=ZHAOQING)
    assert first != second and len(first) >= 16
    user.refresh_from_db()
    assert user.check_password(second) and not user.check_password(first)
    assert user.password.startswith("argon2$")


@pytest.mark.django_db
def test_lockout_after_five_failures(client, huaiji_operator):
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "huaiji", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "huaiji", "password": PASSWORD})
    assert response.status_code == 429
    assert "locked-out" in response.content.decode()
    failed = AuditEvent.objects.filter(action="login_failed", object_repr="huaiji").count()
    assert failed >= 5


@pytest.mark.django_db
def test_sign_in_and_out_are_audited(client, huaiji_operator):
    response = client.post("/accounts/login/", {"username": "huaiji", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="login", actor=huaiji_operator).exists()
    client.post("/accounts/logout/")
    assert AuditEvent.objects.filter(action="logout", actor=huaiji_operator).exists()


@pytest.mark.django_db
def test_a_session_ends_after_the_idle_minutes_and_each_request_renews_it(
    client, huaiji_operator, monkeypatch, settings
):
    """The clock moves, not the stored row: a request just inside the idle window renews the
    session (twice in a row would outlast a fixed lifetime); one just past it signs out."""
    from datetime import timedelta

    from django.utils import timezone

    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert idle == timedelta(minutes=30)  # the default of SESSION_IDLE_MINUTES
    start = timezone.now()
    client.force_login(huaiji_operator)
    page = f"/units/{HUAIJI}/"
    for at in (idle - timedelta(minutes=1), 2 * idle - timedelta(minutes=2)):
        monkeypatch.setattr(timezone, "now", lambda at=at: start + at)
        assert client.get(page).status_code == 200, f"signed out after {at} of use"
    monkeypatch.setattr(timezone, "now", lambda: start + 3 * idle)
    response = client.get(page)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_forms_need_csrf(huaiji_operator):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "huaiji", "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.django_db
def test_changing_the_password_checks_the_old_one_and_is_audited(client, huaiji_operator):
    client.force_login(huaiji_operator)
    wrong = client.post(
        "/accounts/password/",
        {
            "old_password": "nope",
            "new_password1": "Neu-Passw0rt-9",
            "new_password2": "Neu-Passw0rt-9",
        },
    )
    assert wrong.status_code == 200
    huaiji_operator.refresh_from_db()
    assert huaiji_operator.check_password(PASSWORD)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Neu-Passw0rt-9",
            "new_password2": "Neu-Passw0rt-9",
        },
    )
    assert response.status_code == 302
    huaiji_operator.refresh_from_db()
    assert huaiji_operator.check_password("Neu-Passw0rt-9")
    assert AuditEvent.objects.filter(action="password", object_id=str(huaiji_operator.pk)).exists()
    # still signed in after the change
    assert client.get("/units/441224000000/").status_code == 200


@pytest.mark.django_db
def test_the_security_administrator_unlocks_accounts_in_their_area(
    client, huaiji_operator, make_user
):

    for _ in range(5):
        client.post("/accounts/login/", {"username": "huaiji", "password": "wrong"})
    security = make_user("sec", "security_admin", ZHAOQING)
    client.force_login(security)
    page = client.get("/accounts/users/").content.decode()
    assert "huaiji" in page and "unlock" in page
    # Another city's account is out of reach.
    huizhou = another_city()
    outsider = user_create(
        username="hz", role="hq_admin", unit_code=huizhou.code, password=PASSWORD
    )
    # Out of the area and unknown answer alike.
    assert client.post(f"/accounts/users/{outsider.username}/unlock/").status_code == 404
    assert client.post("/accounts/users/no-such-name/unlock/").status_code == 404
    assert client.post("/accounts/users/huaiji/unlock/").status_code == 302
    assert AuditEvent.objects.filter(action="unlock", object_id=str(huaiji_operator.pk)).exists()
    client.logout()
    response = client.post("/accounts/login/", {"username": "huaiji", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_only_the_separated_administrators_list_accounts(client, hq_admin, auditor):
    client.force_login(hq_admin)
    assert client.get("/accounts/users/").status_code == 403
    # The audit administrator reads the list (MLPS: audit reads), with no unlock button.
    client.force_login(auditor)
    page = client.get("/accounts/users/")
    assert page.status_code == 200
    assert "/unlock/" not in page.content.decode()


@pytest.mark.django_db
def test_the_account_list_exports_to_excel(client, huaiji_operator, make_user):
    import io

    from python_calamine import CalamineWorkbook

    client.force_login(make_user("sys", "system_admin", ZHAOQING))
    response = client.get("/accounts/users.xlsx")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"huaiji", "sys"}
    assert by_name["huaiji"][3] == HUAIJI and by_name["huaiji"][6] in ("Active", "正常")
    client.force_login(huaiji_operator)
    assert client.get("/accounts/users.xlsx").status_code == 403
