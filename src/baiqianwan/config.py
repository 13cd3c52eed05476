"""Read the environment once, validate it, and fail fast with a message that names the variable.

Every variable is documented in `.env.example`. A `.env` file in the working directory supplies
defaults (`make demo` writes one with `BQW_MODE=demo`); a variable set in the environment wins
over the file. Nothing else in the code reads `os.environ`.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import TypedDict
from urllib.parse import urlsplit

MODES = ("production", "dev", "demo")
DOTENV = ".env"
SUPPORTED_DB_SCHEMES = ("sqlite", "postgres", "postgresql")
# Django's e-mail backends by what the configuration asks for (see `email_backend`).
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"


class ConfigError(RuntimeError):
    """The environment is wrong; the message names the variable and what is expected."""


@dataclass(frozen=True)
class Config:
    mode: str
    debug: bool
    secret_key: str
    database_url: str
    allowed_hosts: tuple[str, ...]
    csrf_trusted_origins: tuple[str, ...]
    var_dir: Path
    session_idle_minutes: int
    lockout_failures: int
    lockout_account_failures: int
    lockout_minutes: int
    https: bool
    trusted_proxies: tuple[str, ...]
    intake_stall_minutes: int = 30
    email_host: str = ""
    email_port: int = 25
    email_user: str = ""
    email_password: str = ""
    email_tls: bool = False
    email_from: str = ""
    site_url: str = ""

    @property
    def email_backend(self) -> str | None:
        """The e-mail backend: SMTP when a host is set; without one, the console in dev and
        demo (the e-mail is printed where the server runs) and none at all in production,
        where printing it would put programme data in the server's log. None: no e-mail."""
        if self.email_host:
            return SMTP_BACKEND
        return None if self.mode == "production" else CONSOLE_BACKEND


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ConfigError(f"{name}={value} must be at least {minimum}.")
    return value


def _list(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _networks(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Addresses or CIDR networks, e.g. `127.0.0.1, 10.0.0.0/24, ::1`; a wrong one is named."""
    networks = []
    for item in _list(env, name, ()):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ConfigError(
                f"{name}: {item!r} is not an IP address or network (e.g. 127.0.0.1, 10.0.0.0/24)."
            ) from None
    return tuple(networks)


class _EmailSettings(TypedDict):
    email_host: str
    email_port: int
    email_user: str
    email_password: str
    email_tls: bool
    email_from: str


def _email(env: Mapping[str, str]) -> _EmailSettings:
    """The outgoing mail server's settings; a server without a sender, or half a login, is
    refused."""
    host = env.get("BQW_EMAIL_HOST", "").strip()
    tls = _bool(env, "BQW_EMAIL_TLS", default=False)
    port = _int(env, "BQW_EMAIL_PORT", 587 if tls else 25)
    if port > 65535:
        raise ConfigError(f"BQW_EMAIL_PORT={port} is not a port number (1 to 65535).")
    user = env.get("BQW_EMAIL_USER", "").strip()
    password = env.get("BQW_EMAIL_PASSWORD", "")
    if bool(user) != bool(password):
        raise ConfigError(
            "BQW_EMAIL_USER and BQW_EMAIL_PASSWORD go together: set both to sign in to the "
            "mail server, or neither."
        )
    sender = env.get("BQW_EMAIL_FROM", "").strip()
    if host and not sender:
        raise ConfigError(
            "BQW_EMAIL_FROM is not set: give the address e-mails are sent from, e.g. "
            "百千万平台 <bqw@zhaoqing.gov.cn>."
        )
    if sender and "@" not in parseaddr(sender)[1]:
        raise ConfigError(
            f"BQW_EMAIL_FROM={sender!r} is not an e-mail address "
            "(bqw@zhaoqing.gov.cn or 百千万平台 <bqw@zhaoqing.gov.cn>)."
        )
    return {
        "email_host": host,
        "email_port": port,
        "email_user": user,
        "email_password": password,
        "email_tls": tls,
        "email_from": sender,
    }


def _site_url(env: Mapping[str, str]) -> str:
    """The site's address as users reach it (scheme and host), for links in e-mails."""
    raw = env.get("BQW_SITE_URL", "").strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"BQW_SITE_URL={raw!r} is not a web address: use https://bqw.zhaoqing.gov.cn."
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ConfigError(
            f"BQW_SITE_URL={raw!r} must be the scheme and host only (https://bqw.zhaoqing.gov.cn):"
            " the links add their own path."
        )
    return f"{parts.scheme}://{parts.netloc}"


def private_dir(path: Path) -> None:
    """Create a directory only its owner can enter (0700); one that exists is left as it is."""
    if not path.exists():
        path.mkdir(mode=0o700, parents=True)
        path.chmod(0o700)


def private_sqlite_file(path: Path) -> None:
    """Make the SQLite file, and its -wal and -shm files, readable by the owner only (0600).

    SQLite creates -wal and -shm with the mode of the database file, so creating the file
    0600 before SQLite first opens it keeps all three private.
    """
    private_dir(path.parent)
    path.touch(mode=0o600, exist_ok=True)
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            file.chmod(0o600)


def _generated_secret(var_dir: Path) -> str:
    """A per-installation key for dev/demo mode, generated once into var/ and kept there."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    private_dir(var_dir)
    key = secrets.token_urlsafe(50)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


def _database_url(env: Mapping[str, str], var_dir: Path) -> str:
    url = env.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{var_dir / 'baiqianwan.sqlite3'}"
    scheme = urlsplit(url).scheme
    if scheme not in SUPPORTED_DB_SCHEMES:
        raise ConfigError(
            f"DATABASE_URL scheme {scheme!r} is not supported: use sqlite:///path or "
            "postgres://user@host:port/name."
        )
    return url


def dotenv_read(path: Path) -> dict[str, str]:
    """`NAME=value` lines of a `.env` file; blank lines and `#` comments are skipped, an
    `export ` prefix and one pair of surrounding quotes are allowed. A missing file is empty."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.removeprefix("export ").partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ConfigError(f"{path}, line {number}: expected NAME=value, found {raw!r}.")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name] = value
    return values


def config_from_env(env: Mapping[str, str] | None = None, *, base_dir: Path) -> Config:
    """The configuration from `env`; by default the process environment over `base_dir/.env`."""
    if env is None:
        env = {**dotenv_read(base_dir / DOTENV), **os.environ}
    mode = env.get("BQW_MODE", "production").strip().lower() or "production"
    if mode not in MODES:
        raise ConfigError(f"BQW_MODE={mode!r} is not one of {', '.join(MODES)}.")
    var_dir = Path(env.get("BQW_VAR_DIR", "") or base_dir / "var").resolve()
    debug = _bool(env, "DEBUG", default=False)
    secret_key = env.get("SECRET_KEY", "").strip()
    if not secret_key:
        if mode == "production":
            raise ConfigError(
                "SECRET_KEY is not set. Set it to a long random string in production "
                "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
                "or set BQW_MODE=dev for a generated development key."
            )
        secret_key = _generated_secret(var_dir)
    elif mode == "production" and len(secret_key) < 32:
        raise ConfigError("SECRET_KEY is shorter than 32 characters: use a long random string.")
    default_hosts = ("127.0.0.1", "localhost", "[::1]") if mode != "production" else ()
    allowed_hosts = _list(env, "ALLOWED_HOSTS", default_hosts)
    if mode == "production" and not allowed_hosts:
        raise ConfigError("ALLOWED_HOSTS is not set: list the host names the site answers to.")
    lockout_failures = _int(env, "LOGIN_LOCKOUT_FAILURES", 5)
    return Config(
        mode=mode,
        debug=debug,
        secret_key=secret_key,
        database_url=_database_url(env, var_dir),
        allowed_hosts=allowed_hosts,
        csrf_trusted_origins=_list(env, "CSRF_TRUSTED_ORIGINS", ()),
        var_dir=var_dir,
        session_idle_minutes=_int(env, "SESSION_IDLE_MINUTES", 30),
        lockout_failures=lockout_failures,
        lockout_account_failures=_int(
            env,
            "LOGIN_LOCKOUT_ACCOUNT_FAILURES",
            4 * lockout_failures,
            minimum=lockout_failures,
        ),
        lockout_minutes=_int(env, "LOGIN_LOCKOUT_MINUTES", 30),
        https=_bool(env, "BQW_HTTPS", default=False),
        trusted_proxies=_networks(env, "BQW_TRUSTED_PROXIES"),
        intake_stall_minutes=_int(env, "INTAKE_STALL_MINUTES", 30),
        site_url=_site_url(env),
        **_email(env),
    )
