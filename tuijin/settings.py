"""Settings, all from the environment.

DATABASE_URL   default sqlite:///<repo>/var/tuijin.sqlite3
SECRET_KEY     set it in production; without it a random key is made once and kept in var/secret_key
ALLOWED_HOSTS  comma separated, default "127.0.0.1,localhost"
DEBUG          "1" to turn on; off by default
TUIJIN_DEMO    "1" when served by `make demo` (HTTP on localhost: no secure cookies)
TUIJIN_DB_LOCK_TIMEOUT, TUIJIN_CACHE_DIR, TUIJIN_LOCKOUT_*, TUIJIN_PROXY_COUNT, TUIJIN_API_TOKEN_HOURS: see below
TUIJIN_STORAGE (s3), TUIJIN_JOB_LEASE_SECONDS, TUIJIN_JOB_ATTEMPTS, TUIJIN_IMPORT_BACKGROUND_ROWS: see below and docs/operations.md
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("TUIJIN_VAR_DIR", REPO_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG")
DEMO = env_bool("TUIJIN_DEMO")
# Under pytest: fast password hashing, plain static storage.
TESTING = env_bool("TUIJIN_TESTING") or "pytest" in sys.modules


def _local_secret_key() -> str:
    """A secret made on first use and kept in var/ (never in the repository), so every command works after
    `make demo`. A production server sets SECRET_KEY in its environment, which always wins."""
    import secrets

    path = VAR_DIR / "secret_key"
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if len(key) < 50:
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key)
    return key


SECRET_KEY = os.environ.get("SECRET_KEY", "") or _local_secret_key()

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "tuijin.core",
    "tuijin.org",
    "tuijin.accounts",
    "tuijin.campaigns",
    "tuijin.projects",
    "tuijin.promotion",
    "tuijin.tickets",
    "tuijin.enterprises",
    "tuijin.indicators",
    "tuijin.assessment",
    "tuijin.bulletins",
    "tuijin.exchange",
    "tuijin.dashboard",
    "tuijin.standing",
    "tuijin.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",  # SECURE_CSP below, on every answer
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tuijin.core.middleware.CompressTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tuijin.core.locale_middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tuijin.core.middleware.RequestContextMiddleware",
    "tuijin.core.middleware.NulParameterMiddleware",
    "tuijin.accounts.middleware.SessionExpiryMiddleware",
    "tuijin.org.middleware.MemberMiddleware",
    "tuijin.accounts.middleware.LoginRequiredMiddleware",
    "tuijin.core.middleware.AdminGateMiddleware",
    "tuijin.core.middleware.NoStoreMiddleware",
    "tuijin.core.middleware.OperationLogMiddleware",
    "tuijin.core.middleware.BusyMiddleware",
]

ROOT_URLCONF = "tuijin.urls"
WSGI_APPLICATION = "tuijin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tuijin.org.context_processors.member",
                "tuijin.core.context_processors.top_bar",
                "tuijin.notifications.context_processors.badges",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'tuijin.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
# How long a write waits for another one to finish before the user is told "系统繁忙,请稍后重试" (HTTP 503).
DB_LOCK_TIMEOUT = int(os.environ.get("TUIJIN_DB_LOCK_TIMEOUT", "20"))
# SQLite: WAL lets pages be read while someone writes; every transaction starts as a writer (BEGIN IMMEDIATE), so
# two writers queue on the busy timeout instead of one failing at once with "database is locked" when it upgrades
# a read to a write.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": DB_LOCK_TIMEOUT,
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Connections are kept between requests (CONN_MAX_AGE) as for PostgreSQL: opening one (Django's functions, the
    # pragmas) costs about a millisecond of CPU per request; in autocommit a kept connection holds no lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A write waiting longer than this for a row lock gives up (lock_timeout) and is reported as busy.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", f"-c lock_timeout={DB_LOCK_TIMEOUT * 1000}")
    if env_bool("TUIJIN_PG_PREPARE", True):
        # Parameters bound on the server, and a statement run five times on a connection prepared there: planning
        # Django's joins cost PostgreSQL more than running them (the signed-in user's read: 520 → 150 µs of the
        # server's CPU). Off (TUIJIN_PG_PREPARE=0) behind a pooler in transaction mode, which cannot keep them.
        DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)

# One cache shared by every web worker (gunicorn runs several processes): diskcache's Django backend, SQLite files
# under var/cache of their own (never the data's database, so no cache write waits for a data write). A read costs
# about 20 µs and a write 0.4 ms, against 50 µs and 2 ms for Django's file cache, which also lists its folder to cull.
# Computations are kept by the version of the data they read (core/cache.py), so a stale entry is never served.
CACHES = {
    "default": {
        "BACKEND": "tuijin.core.cache.SharedCache",
        "LOCATION": os.environ.get("TUIJIN_CACHE_DIR", str(VAR_DIR / "cache")),
        "TIMEOUT": 3600,
        "SHARDS": 4,  # four files, so writes of different keys rarely wait for each other
        "DATABASE_TIMEOUT": 0.05,  # a read kept waiting 50 ms by a write counts as a miss; writes and deletes retry
        "OPTIONS": {"size_limit": 2**30},  # least recently stored entries go first above 1 GiB
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The password check is Django's; the user of a request comes with their member in one read (org.backends).
AUTHENTICATION_BACKENDS = ["tuijin.org.backends.MemberBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sign-in protection (accounts.services, docs/security.md): a (user name, address) pair is locked after
# TUIJIN_LOCKOUT_FAILURES failures within TUIJIN_LOCKOUT_MINUTES, an address after TUIJIN_LOCKOUT_ADDRESS_FAILURES
# failures across user names; a lock lasts TUIJIN_LOCKOUT_MINUTES and ends by itself.
TUIJIN_LOCKOUT_FAILURES = int(os.environ.get("TUIJIN_LOCKOUT_FAILURES", "5"))
TUIJIN_LOCKOUT_ADDRESS_FAILURES = int(os.environ.get("TUIJIN_LOCKOUT_ADDRESS_FAILURES", "30"))
TUIJIN_LOCKOUT_MINUTES = int(os.environ.get("TUIJIN_LOCKOUT_MINUTES", "15"))
# Behind a reverse proxy: how many proxies append to X-Forwarded-For (0: use the connection's address).
TUIJIN_PROXY_COUNT = int(os.environ.get("TUIJIN_PROXY_COUNT", "0"))
# API tokens (POST /api/v1/auth/token) expire after this many hours (7 days); a password change revokes them.
TUIJIN_API_TOKEN_HOURS = int(os.environ.get("TUIJIN_API_TOKEN_HOURS", str(7 * 24)))
# A session cookie lives this many seconds from its last write (it slides with the idle clock below); idle sessions
# end sooner, after TUIJIN_SESSION_IDLE_SECONDS (2 hours, accounts.middleware), with a message to sign in again.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
# A session is written only when it changes: reading a page does not write the session row. The idle clock
# (accounts.middleware.SessionExpiryMiddleware) changes it at most once a minute, which also renews the cookie.
SESSION_SAVE_EVERY_REQUEST = False
# Sessions are read from the shared cache (settings.CACHES) and written to both it and the database: a page view
# reads no session row (Django's cached_db engine; a signed-out or expired session is gone from both).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Stored files (attachments, bulletins, import uploads) go through Django's storage API: var/media by default; where
# several servers share them, an S3-compatible store (docs/operations.md): TUIJIN_STORAGE=s3 with AWS_* settings.
if os.environ.get("TUIJIN_STORAGE", "").strip().lower() == "s3":
    _DEFAULT_STORAGE = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", "tuijin"),
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        "location": os.environ.get("TUIJIN_STORAGE_PREFIX", ""),
        "default_acl": None, "querystring_auth": True, "file_overwrite": False}}
else:
    _DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "tuijin.core.storage.StaticStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tuijin.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tuijin.core.permissions.IsMember"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Query parameters are parsed by FilterSets and forms; a malformed one answers 400 (core/params.py)
    "DEFAULT_FILTER_BACKENDS": ["tuijin.core.params.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "tuijin.core.params.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "tuijin.core.permissions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "tuijin API",
    "DESCRIPTION": "推进 — 开发区项目、指标调度、督办、考核、通报",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI and Redoc served from the installed sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "state"/"status" field with different choices: name each enum.
    "ENUM_NAME_OVERRIDES": {
        "FilingStateEnum": "tuijin.indicators.models.Actual.State",  # project progress shares these states
        "TicketStateEnum": "tuijin.tickets.models.Ticket.State",
        "ProjectStatusEnum": "tuijin.projects.models.Project.Status",
        "KeyTaskStatusEnum": "tuijin.campaigns.models.KeyTask.Status",
        "ProjectStageEnum": "tuijin.projects.models.Project.Stage",
        "UnitKindEnum": "tuijin.org.models.Unit.Kind",
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (docs/security.md): scripts and styles only from this site's own files, never inline, so
# a name a member typed that slipped into a page could not run. Data reaches scripts through json_script blocks;
# widths and heights come from tuijin.css or are set through the DOM (ECharts, tuijin.js).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],  # ECharts' saved images; Bootstrap's icons in its stylesheet
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# The one exception: Redoc (/api/v1/redoc/, the API reference drawn from the schema, no member's data on it) writes
# its styles into <style> elements at run time and searches in a Web Worker made from a blob: — its own policy
# allows those two things and nothing else (tuijin/urls.py, csp_override); its scripts still come from this site.
API_REDOC_CSP = {
    **SECURE_CSP,
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "worker-src": [CSP.SELF, "blob:"],
}
if not (DEBUG or DEMO or TESTING):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# E-mail for notifications (docs/notifications.md): Django's SMTP mailer configured from the environment (EMAIL_HOST,
# default localhost; EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS/EMAIL_USE_SSL, EMAIL_TIMEOUT,
# DEFAULT_FROM_EMAIL). A mail server that cannot be reached fails the delivery, which is logged and retried; the office
# turns e-mail off per zone where there is none.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tuijin@localhost")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS"),
            "use_ssl": env_bool("EMAIL_USE_SSL"),
            "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10")),
        },
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Background work (bulletins, robustness runs, large imports, the schedule) runs on Django's tasks framework with the
# database backend: queued in the database, run by `tuijin worker` (core/jobs.py, docs/operations.md). Tests run
# tasks inside the request (the immediate backend) unless a test asks for the database one.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if TESTING and not env_bool("TUIJIN_TASKS_DB")
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# A running job whose heartbeat is older than this is taken for lost (its worker was killed) and is queued again,
# up to TUIJIN_JOB_ATTEMPTS attempts in all, then marked failed with the reason.
TUIJIN_JOB_LEASE_SECONDS = int(os.environ.get("TUIJIN_JOB_LEASE_SECONDS", "120"))
TUIJIN_JOB_ATTEMPTS = int(os.environ.get("TUIJIN_JOB_ATTEMPTS", "2"))
# An import of at least this many data rows is applied by the worker once confirmed (its check and preview stay on
# the page): a 10,000-row ledger takes seconds to store, longer than a page should hold a web worker.
TUIJIN_IMPORT_BACKGROUND_ROWS = int(os.environ.get("TUIJIN_IMPORT_BACKGROUND_ROWS", "1000"))

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
