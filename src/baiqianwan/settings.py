"""Django settings. Every value that varies by installation comes from `config.Config`."""

from __future__ import annotations

import sys
from pathlib import Path

import dj_database_url
from django.contrib.messages import constants as message_constants
from django.utils.translation import gettext_lazy as _

from baiqianwan.config import ConfigError, config_from_env, private_sqlite_file

PACKAGE_DIR = Path(__file__).resolve().parent

try:
    CONFIG = config_from_env(base_dir=Path.cwd())
except ConfigError as exc:
    sys.stderr.write(f"Baiqianwan cannot start: {exc}\n")
    raise SystemExit(2) from None

DEBUG = CONFIG.debug
SECRET_KEY = CONFIG.secret_key
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)
CSRF_TRUSTED_ORIGINS = list(CONFIG.csrf_trusted_origins)
VAR_DIR = CONFIG.var_dir
BQW_MODE = CONFIG.mode

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "baiqianwan.core",
    "baiqianwan.units",
    "baiqianwan.accounts",
    "baiqianwan.audit",
    "baiqianwan.intake",
    "baiqianwan.notifications",
    "baiqianwan.plans",
    "baiqianwan.indicators",
    "baiqianwan.evaluation",
    "baiqianwan.cockpit",
    "baiqianwan.briefings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "baiqianwan.core.middleware.ContentSecurityPolicyMiddleware",
    "baiqianwan.core.middleware.PrivateNoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "baiqianwan.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "baiqianwan.core.middleware.PagesLoginRequiredMiddleware",
    "baiqianwan.accounts.middleware.MustChangePasswordMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "baiqianwan.audit.middleware.AuditActorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "baiqianwan.urls"
WSGI_APPLICATION = "baiqianwan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "baiqianwan.core.context_processors.site",
                "baiqianwan.notifications.context_processors.bell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_db = dj_database_url.parse(CONFIG.database_url, conn_max_age=60)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] != ":memory:":
        private_sqlite_file(Path(_db["NAME"]))
    _db["CONN_MAX_AGE"] = 0
    # WAL lets readers work during a write; the busy timeout makes a writer wait, not fail.
    # foreign_keys is on in Django's SQLite backend already; the pragma states it.
    _db["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"
            " PRAGMA busy_timeout=20000;"
            # A 64 MB page cache (taken as pages are used; SQLite's default is 2 MB), so that
            # a province's upload (a million values and their history) keeps its indexes in
            # memory; temporary sorts in memory too.
            " PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ),
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "baiqianwan.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "baiqianwan.accounts.validators.CharacterClassValidator"},
    {"NAME": "baiqianwan.accounts.validators.UsernameInPasswordValidator"},
    {"NAME": "baiqianwan.accounts.validators.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle expiry: the cookie's age is renewed on every request, so it lapses after N idle minutes.
SESSION_COOKIE_AGE = CONFIG.session_idle_minutes * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CONFIG.https
CSRF_COOKIE_SECURE = CONFIG.https
SECURE_SSL_REDIRECT = False
# Behind the documented nginx, which sets X-Forwarded-Proto on every request it passes on, so a
# client cannot choose it (gunicorn listens on 127.0.0.1 only); without it Django would take
# every request for plain HTTP and send no HSTS header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if CONFIG.https else None
SECURE_HSTS_SECONDS = 31536000 if CONFIG.https else 0
# The proxies whose X-Forwarded-For is believed (`audit.context.client_address`).
BQW_TRUSTED_PROXIES = list(CONFIG.trusted_proxies)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Failures count per account and client address, so a stranger locks out only their own
# address; the handler locks the account from every address at the higher account threshold.
AXES_HANDLER = "baiqianwan.accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = CONFIG.lockout_failures
AXES_COOLOFF_TIME = CONFIG.lockout_minutes / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
LOGIN_LOCKOUT_ACCOUNT_FAILURES = CONFIG.lockout_account_failures
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "baiqianwan.audit.context.client_address"

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Messages: Django's "error" and "debug" tags are Bootstrap's alert-danger / alert-secondary --
MESSAGE_TAGS = {message_constants.ERROR: "danger", message_constants.DEBUG: "secondary"}

# --- Static files: built from npm packages by `make assets`, served locally, never a CDN ------
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"

# A pasted policy text may hold up to 2,000,000 characters (about 6 MB in UTF-8) and an
# uploaded one 4 MB; a larger request is refused whole, with a message, never half-read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The ledger editor posts about ten fields a task, for at most 2,000 tasks.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 25_000

# Background work (large intake texts, and the plans app's jobs) waits in the database until
# `bqw db_worker` runs it; `make demo` starts that worker beside the server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Files people upload (evidence of progress) live here, outside the static root; they are served
# only through a view that checks the user's area, never by the web server directly.
PRIVATE_FILES_DIR = VAR_DIR / "files"
# Evidence of progress: each file at most this many MB, at most this many files to a report.
PLANS_EVIDENCE_MAX_MB = 20
PLANS_EVIDENCE_MAX_FILES = 5
# Requests larger than DATA_UPLOAD_MAX_MEMORY_SIZE, allowed on these paths only (a regular
# expression on the path, and the limit in bytes): a progress report with its evidence files,
# which Django streams to temporary files rather than memory.
REQUEST_SIZE_EXCEPTIONS = [
    (
        r"^/plans/assignments/\d+/report/$",
        PLANS_EVIDENCE_MAX_MB * PLANS_EVIDENCE_MAX_FILES * 1024 * 1024 + 1024 * 1024,
    ),
    # A filled indicators template (indicators.upload.MAX_UPLOAD_BYTES, 64 MB) and its form.
    (r"^/indicators/workbook/upload/$", 65 * 1024 * 1024),
]
# Briefings (docs/briefings.md): an uploaded .docx template is at most this many MB (and
# unpacks to at most ten times that); the PDF's fonts are read from these folders only
# (Debian's fonts-noto-cjk, fonts-arphic-ukai, fonts-wqy-microhei), the charts' from the
# first of these files that exists.
BRIEFINGS_TEMPLATE_MAX_MB = 5
BRIEFINGS_FONT_PATHS = [
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/truetype/arphic",
    "/usr/share/fonts/truetype/wqy",
]
BRIEFINGS_CHART_FONTS = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
]
# A background intake job that shows no progress for this long is shown as stalled.
INTAKE_STALL_MINUTES = CONFIG.intake_stall_minutes

# --- E-mail: notifications are e-mailed through BQW_EMAIL_HOST; see `Config.email_backend` ---
# Without a host: printed to the console in dev and demo, not sent at all in production.
BQW_EMAIL_ENABLED = CONFIG.email_backend is not None
EMAIL_BACKEND = CONFIG.email_backend or "django.core.mail.backends.dummy.EmailBackend"
EMAIL_HOST = CONFIG.email_host or "localhost"
EMAIL_PORT = CONFIG.email_port
EMAIL_HOST_USER = CONFIG.email_user
EMAIL_HOST_PASSWORD = CONFIG.email_password
EMAIL_USE_TLS = CONFIG.email_tls
# A mail server that does not answer holds a request or a job this long at most (seconds).
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = CONFIG.email_from or "baiqianwan@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's scheme and host as users reach it: e-mails link to it. Empty: no link.
BQW_SITE_URL = CONFIG.site_url

# --- Logging: errors go to stderr, never to the page ---------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"axes": {"level": "WARNING"}},
}

SITE_NAME = _("Baiqianwan")
