from pathlib import Path

import pytest

from baiqianwan.config import ConfigError, config_from_env


def test_production_needs_a_secret_key(tmp_path: Path):
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        config_from_env({"ALLOWED_HOSTS": "bqw.example"}, base_dir=tmp_path)


def test_production_needs_allowed_hosts(tmp_path: Path):
    with pytest.raises(ConfigError, match="ALLOWED_HOSTS"):
        config_from_env({"SECRET_KEY": "x" * 40}, base_dir=tmp_path)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"BQW_MODE": "staging"}, "BQW_MODE='staging'"),
        ({"BQW_MODE": "dev", "DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"BQW_MODE": "dev", "DATABASE_URL": "mysql://x/y"}, "scheme 'mysql'"),
        ({"BQW_MODE": "dev", "SESSION_IDLE_MINUTES": "0"}, "SESSION_IDLE_MINUTES=0"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "a"}, "shorter than 32"),
        ({"BQW_MODE": "dev", "BQW_TRUSTED_PROXIES": "10.0.0.1, nginx"}, "'nginx' is not an IP"),
        ({"BQW_MODE": "dev", "BQW_TRUSTED_PROXIES": "10.0.0.0/33"}, "BQW_TRUSTED_PROXIES"),
    ],
)
def test_wrong_values_name_the_variable(tmp_path: Path, env, message):
    with pytest.raises(ConfigError, match=message):
        config_from_env(env, base_dir=tmp_path)


def test_dev_mode_generates_and_keeps_a_key(tmp_path: Path):
    """Generated once per installation into var/secret_key (0600) and read back from there:
    another installation gets another key, and the kept file, not a constant, decides."""
    first = config_from_env({"BQW_MODE": "dev"}, base_dir=tmp_path)
    kept = tmp_path / "var" / "secret_key"
    assert kept.read_text(encoding="utf-8") == first.secret_key and len(first.secret_key) > 40
    assert kept.stat().st_mode & 0o077 == 0
    other = config_from_env({"BQW_MODE": "dev"}, base_dir=tmp_path / "elsewhere")
    assert other.secret_key != first.secret_key
    kept.write_text("k" * 50 + "\n", encoding="utf-8")
    assert config_from_env({"BQW_MODE": "dev"}, base_dir=tmp_path).secret_key == "k" * 50
    assert first.database_url.startswith("sqlite:///") and first.debug is False
    assert "127.0.0.1" in first.allowed_hosts


def test_settings_refuse_to_start_without_a_key(tmp_path: Path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("BQW_MODE", "SECRET_KEY")}
    result = subprocess.run(
        [sys.executable, "-c", "import baiqianwan.settings"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Baiqianwan cannot start: SECRET_KEY is not set" in result.stderr


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(
    settings, tmp_path: Path, django_db_blocker
):
    """A connection made with the configured options reports what they promise (asked of
    SQLite itself, on a file: the test database may live in memory, which has no WAL)."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite only")
    wrapper = DatabaseWrapper({**db, "NAME": str(tmp_path / "probe.sqlite3")}, alias="probe")
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            pragmas = {}
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous"):
                cursor.execute(f"PRAGMA {name}")
                pragmas[name] = cursor.fetchone()[0]
    finally:
        wrapper.close()
    assert pragmas["journal_mode"] == "wal"
    assert pragmas["foreign_keys"] == 1
    assert pragmas["busy_timeout"] >= 5000  # ms: a writer waits for a lock, it does not fail
    assert pragmas["synchronous"] == 1  # NORMAL, safe with WAL


def test_trusted_proxies_are_addresses_and_networks(tmp_path: Path):
    env = {"BQW_MODE": "dev", "BQW_TRUSTED_PROXIES": " 127.0.0.1 , 10.0.0.0/24,::1,10.1.2.3/16"}
    config = config_from_env(env, base_dir=tmp_path)
    assert config.trusted_proxies == ("127.0.0.1/32", "10.0.0.0/24", "::1/128", "10.1.0.0/16")
    assert config_from_env({"BQW_MODE": "dev"}, base_dir=tmp_path).trusted_proxies == ()


PRODUCTION = {"SECRET_KEY": "x" * 40, "ALLOWED_HOSTS": "bqw.example"}
MAIL_SERVER = {"BQW_EMAIL_HOST": "smtp.example", "BQW_EMAIL_FROM": "bqw@example.gov.cn"}


def test_without_a_mail_server_dev_prints_e_mails_and_production_sends_none(tmp_path: Path):
    dev = config_from_env({"BQW_MODE": "dev"}, base_dir=tmp_path)
    assert dev.email_backend == "django.core.mail.backends.console.EmailBackend"
    assert config_from_env({"BQW_MODE": "demo"}, base_dir=tmp_path).email_backend == (
        "django.core.mail.backends.console.EmailBackend"
    )
    assert config_from_env(PRODUCTION, base_dir=tmp_path).email_backend is None
    assert dev.site_url == "" and dev.email_from == ""


def test_a_mail_server_is_used_in_every_mode(tmp_path: Path):
    for env in (PRODUCTION, {"BQW_MODE": "dev"}):
        config = config_from_env({**env, **MAIL_SERVER}, base_dir=tmp_path)
        assert config.email_backend == "django.core.mail.backends.smtp.EmailBackend"
        assert (config.email_host, config.email_port, config.email_tls) == (
            "smtp.example",
            25,
            False,
        )
        assert config.email_from == "bqw@example.gov.cn"


def test_mail_server_login_tls_port_and_site_address(tmp_path: Path):
    env = {
        **PRODUCTION,
        **MAIL_SERVER,
        "BQW_EMAIL_TLS": "yes",
        "BQW_EMAIL_USER": "bqw",
        "BQW_EMAIL_PASSWORD": " pass word ",
        "BQW_EMAIL_FROM": "百千万平台 <bqw@example.gov.cn>",
        "BQW_SITE_URL": "https://bqw.zhaoqing.gov.cn:8443/",
    }
    config = config_from_env(env, base_dir=tmp_path)
    assert config.email_tls is True and config.email_port == 587  # STARTTLS's port by default
    assert (config.email_user, config.email_password) == ("bqw", " pass word ")
    assert config.email_from == "百千万平台 <bqw@example.gov.cn>"
    assert config.site_url == "https://bqw.zhaoqing.gov.cn:8443"
    port = config_from_env({**env, "BQW_EMAIL_PORT": "2525"}, base_dir=tmp_path).email_port
    assert port == 2525


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"BQW_EMAIL_HOST": "smtp.example"}, "BQW_EMAIL_FROM is not set"),
        ({**MAIL_SERVER, "BQW_EMAIL_FROM": "bqw"}, "BQW_EMAIL_FROM='bqw' is not an e-mail"),
        ({**MAIL_SERVER, "BQW_EMAIL_USER": "bqw"}, "BQW_EMAIL_USER and BQW_EMAIL_PASSWORD"),
        ({**MAIL_SERVER, "BQW_EMAIL_PASSWORD": "secret"}, "BQW_EMAIL_USER and BQW_EMAIL_PASSWORD"),
        ({**MAIL_SERVER, "BQW_EMAIL_PORT": "70000"}, "BQW_EMAIL_PORT=70000 is not a port"),
        ({**MAIL_SERVER, "BQW_EMAIL_PORT": "smtp"}, "BQW_EMAIL_PORT='smtp' is not a whole"),
        ({**MAIL_SERVER, "BQW_EMAIL_TLS": "maybe"}, "BQW_EMAIL_TLS='maybe' is not a boolean"),
        ({"BQW_SITE_URL": "bqw.zhaoqing.gov.cn"}, "BQW_SITE_URL='bqw.zhaoqing.gov.cn' is not"),
        ({"BQW_SITE_URL": "ftp://bqw.example"}, "BQW_SITE_URL='ftp://bqw.example' is not"),
        ({"BQW_SITE_URL": "https://bqw.example/app"}, "scheme and host only"),
        ({"BQW_SITE_URL": "https://bqw.example/?a=1"}, "scheme and host only"),
    ],
)
def test_wrong_mail_settings_name_the_variable(tmp_path: Path, env, message):
    with pytest.raises(ConfigError, match=message):
        config_from_env({"BQW_MODE": "dev", **env}, base_dir=tmp_path)


def test_production_without_a_mail_server_sends_no_e_mail(tmp_path: Path):
    """The settings a production server starts with: the dummy backend, and the flag that
    keeps the notification centre from pretending to e-mail."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("BQW_", "DATABASE_URL"))}
    env.update({**PRODUCTION, "BQW_MODE": "production", "BQW_VAR_DIR": str(tmp_path / "var")})
    probe = "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.BQW_EMAIL_ENABLED)"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env={**env, "DJANGO_SETTINGS_MODULE": "baiqianwan.settings"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.mail.backends.dummy.EmailBackend", "False"]
