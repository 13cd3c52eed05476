"""Password rules: Chinese messages, no user name, no reuse of the last five, throttled checks
of the old password."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import get_default_password_validators
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from baiqianwan.accounts.models import PasswordHistory
from baiqianwan.accounts.services import user_set_password
from baiqianwan.audit.models import AuditEvent
from tests.factories import PASSWORD

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")

# One password that each validator refuses, by the validator's class name.
REFUSED = {
    "UserAttributeSimilarityValidator": "huaijiX1!",
    "MinimumLengthValidator": "Ab1!x",
    "CommonPasswordValidator": "password123",
    "NumericPasswordValidator": "3141592653589",
    "CharacterClassValidator": "alllowercaseletters",
    "UsernameInPasswordValidator": "My-huaiji-Pass1",
    "PasswordHistoryValidator": PASSWORD,
}


@pytest.mark.django_db
def test_every_validator_speaks_chinese(huaiji_operator):
    names = {type(v).__name__ for v in get_default_password_validators()}
    assert names == set(REFUSED), "a validator without a refused example here"
    for validator in get_default_password_validators():
        with translation.override("zh-hans"):
            with pytest.raises(ValidationError) as caught:
                validator.validate(REFUSED[type(validator).__name__], huaiji_operator)
            messages = [*caught.value.messages, str(validator.get_help_text())]
        for message in messages:
            assert CJK.search(message), (type(validator).__name__, message)
            assert not ENGLISH_WORD.search(message.replace("huaiji", "")), message


@pytest.mark.django_db
def test_a_password_containing_the_user_name_is_refused(huaiji_operator):
    with pytest.raises(ValidationError, match="may not contain the user name"):
        user_set_password(user=huaiji_operator, password="Good-HUAIJI-2025x")


@pytest.mark.django_db
def test_the_last_five_passwords_do_not_come_back(huaiji_operator):
    history = [f"Neues-Passw0rt-{n}x" for n in range(1, 6)]
    for password in history:
        user_set_password(user=huaiji_operator, password=password)
    assert PasswordHistory.objects.filter(user=huaiji_operator).count() == 5
    for password in history:
        with pytest.raises(ValidationError, match="last 5 passwords"):
            user_set_password(user=huaiji_operator, password=password)
    # The sixth from last (the first password) is allowed again; only hashes are kept.
    user_set_password(user=huaiji_operator, password=PASSWORD)
    assert all(
        entry.startswith("argon2$")
        for entry in PasswordHistory.objects.values_list("password", flat=True)
    )


@pytest.mark.django_db
def test_wrong_old_passwords_are_throttled_and_audited(huaiji_operator):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(huaiji_operator)

    def change(old: str):  # type: ignore[no-untyped-def]
        return client.post(
            "/accounts/password/",
            {
                "old_password": old,
                "new_password1": "Neu-Passw0rt-9",
                "new_password2": "Neu-Passw0rt-9",
            },
        )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert "incorrectly" in change("wrong").content.decode()
    refused = change(PASSWORD)
    assert refused.status_code == 200
    assert "Too many wrong old passwords. Try again in 30 minutes" in refused.content.decode()
    huaiji_operator.refresh_from_db()
    assert huaiji_operator.check_password(PASSWORD)
    events = AuditEvent.objects.filter(action="old_password", object_id=str(huaiji_operator.pk))
    assert events.filter(changes__old_password="wrong").count() == settings.AXES_FAILURE_LIMIT
    assert events.filter(changes__old_password="refused").count() == 1


@pytest.mark.django_db
def test_a_changed_password_clears_the_wrong_old_passwords(huaiji_operator):
    from baiqianwan.accounts.models import PasswordCheckFailure
    from baiqianwan.accounts.services import password_check_failed

    password_check_failed(user=huaiji_operator)
    assert PasswordCheckFailure.objects.filter(user=huaiji_operator).count() == 1
    user_set_password(user=huaiji_operator, password="Neu-Passw0rt-9x")
    assert not PasswordCheckFailure.objects.filter(user=huaiji_operator).exists()


@pytest.mark.django_db
def test_the_password_page_opens_again_after_the_lockout_time(huaiji_operator):
    from datetime import timedelta

    from django.utils import timezone

    from baiqianwan.accounts.models import PasswordCheckFailure
    from baiqianwan.accounts.services import password_check_wait

    for _ in range(settings.AXES_FAILURE_LIMIT):
        PasswordCheckFailure.objects.create(user=huaiji_operator)
    assert password_check_wait(user=huaiji_operator) == 30
    PasswordCheckFailure.objects.update(at=timezone.now() - timedelta(minutes=29, seconds=30))
    assert password_check_wait(user=huaiji_operator) == 1
    PasswordCheckFailure.objects.update(at=timezone.now() - timedelta(minutes=31))
    assert password_check_wait(user=huaiji_operator) == 0


def _rules(user, language: str = "en") -> str:  # type: ignore[no-untyped-def]
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    page = client.get("/accounts/password/").content.decode()
    match = re.search(r'data-testid="password-rules">([^<]+)</div>', page)
    assert match, "no password rules on the page"
    return match[1]


def _with_options(validators, name: str, **options):  # type: ignore[no-untyped-def]
    return [
        {**v, "OPTIONS": {**v.get("OPTIONS", {}), **options}} if v["NAME"].endswith(name) else v
        for v in validators
    ]


@pytest.mark.django_db
def test_the_password_page_states_the_configured_rules(huaiji_operator, settings):
    assert _rules(huaiji_operator).endswith("and none of your last 5 passwords.")
    assert "至少 10 个字符" in _rules(huaiji_operator, "zh-hans")
    validators = _with_options(
        settings.AUTH_PASSWORD_VALIDATORS, ".PasswordHistoryValidator", count=8
    )
    settings.AUTH_PASSWORD_VALIDATORS = _with_options(
        validators, ".MinimumLengthValidator", min_length=12
    )
    english = _rules(huaiji_operator)
    assert english.startswith("At least 12 characters,")
    assert english.endswith("and none of your last 8 passwords.")
    chinese = _rules(huaiji_operator, "zh-hans")
    assert "至少 12 个字符" in chinese and "最近 8 次" in chinese
    settings.AUTH_PASSWORD_VALIDATORS = _with_options(
        validators, ".PasswordHistoryValidator", count=1
    )
    assert _rules(huaiji_operator).endswith("and not your last password.")
    # Without the history rule the page promises none.
    settings.AUTH_PASSWORD_VALIDATORS = [
        v for v in validators if not v["NAME"].endswith(".PasswordHistoryValidator")
    ]
    english = _rules(huaiji_operator)
    assert english.endswith("not containing your user name.") and "last" not in english
    assert "最近" not in _rules(huaiji_operator, "zh-hans")
