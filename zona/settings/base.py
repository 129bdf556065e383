"""Settings shared by every environment; everything site-specific comes from the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ZONA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "zona.core",
    "zona.accounts",
    "zona.units",
    "zona.audit",
    "zona.documents",
    "zona.teams",
    "zona.lifecycle",
    "zona.frameworks",
    "zona.assessments",
    "zona.surveys",
    "zona.calendar",
    "zona.demo",
    "zona.ops",
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Dynamic pages compressed (static files come pre-compressed from WhiteNoise); docs/deployment.md.
    "zona.core.middleware.TextGZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zona.core.sessions.SessionRefreshMiddleware",
    "zona.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last so that request.user is known for the 413 page; nothing before it reads the body.
    "zona.documents.limits.RequestBodyLimitMiddleware",
]

ROOT_URLCONF = "zona.urls"
WSGI_APPLICATION = "zona.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zona" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "zona.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'zona.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
# Zona's own backends are Django's with one addition: the audit chain is linked as the last step before
# COMMIT (zona.core.db), so the chain's head row is locked for the time of one INSERT, not a request.
ZONA_DB_ENGINES = {
    "django.db.backends.sqlite3": "zona.core.db.sqlite3",
    "django.db.backends.postgresql": "zona.core.db.postgresql",
}
DATABASES["default"]["ENGINE"] = ZONA_DB_ENGINES.get(
    DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"]
)
if DATABASES["default"]["ENGINE"] == "zona.core.db.sqlite3":
    # SQLite as a real default for gunicorn's workers: WAL (readers never block the writer), every
    # transaction takes the write lock at BEGIN (IMMEDIATE: no "database is locked" when a reader turns
    # writer), and a writer waits up to SQLITE_BUSY_TIMEOUT seconds for the lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": float(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                f"PRAGMA synchronous={os.environ.get('SQLITE_SYNCHRONOUS', 'FULL')};"
                "PRAGMA temp_store=MEMORY;"
                "PRAGMA cache_size=-20000"
            ),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "zona" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "zona" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 8 hours of inactivity or when the browser closes. The idle timer is renewed by
# zona.core.sessions.SessionRefreshMiddleware at most once per SESSION_REFRESH_SECONDS (not a database
# write on every request): a session idle for SESSION_COOKIE_AGE ends, give or take that interval.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_REFRESH_SECONDS = int(os.environ.get("SESSION_REFRESH_SECONDS", "300"))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Login throttling (django-axes): lock a username+client after 5 failures for 30 minutes, and a client
# address after 20 failures across any usernames (zona.accounts.lockout).
AXES_HANDLER = "zona.accounts.lockout.ZonaAxesHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
ZONA_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("ZONA_LOGIN_FAILURES_PER_ADDRESS", "20"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "zona@localhost")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# Uploaded files (evidence, Pakta Integritas): size limit in megabytes, checked by content type.
ZONA_UPLOAD_MAX_MB = int(os.environ.get("ZONA_UPLOAD_MAX_MB", "20"))
# A whole request body (all files of one upload plus the form) is refused over this, before it is read.
ZONA_REQUEST_MAX_MB = int(os.environ.get("ZONA_REQUEST_MAX_MB", str(ZONA_UPLOAD_MAX_MB + 1)))
# Office files (ZIP packages) are refused past this unpacked size, or past this unpacked/packed ratio.
ZONA_UPLOAD_UNPACKED_MAX_MB = int(os.environ.get("ZONA_UPLOAD_UNPACKED_MAX_MB", "200"))
ZONA_UPLOAD_MAX_RATIO = int(os.environ.get("ZONA_UPLOAD_MAX_RATIO", "100"))
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "zona.documents.limits.CappedTemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ZONA_DEMO_PASSWORD = os.environ.get("ZONA_DEMO_PASSWORD", "zona-demo-2026")

# Public survey form: timing check, per-device throttle (cache only; never stored with a response).
ZONA_SURVEY_MIN_SECONDS = int(os.environ.get("ZONA_SURVEY_MIN_SECONDS", "5"))
ZONA_SURVEY_MAX_AGE_SECONDS = int(os.environ.get("ZONA_SURVEY_MAX_AGE_SECONDS", "7200"))
ZONA_SURVEY_PER_DEVICE_PER_HOUR = int(os.environ.get("ZONA_SURVEY_PER_DEVICE_PER_HOUR", "10"))
ZONA_SURVEY_KIOSK_PER_HOUR = int(os.environ.get("ZONA_SURVEY_KIOSK_PER_HOUR", "120"))
ZONA_PUBLIC_URL = os.environ.get("ZONA_PUBLIC_URL", "")

# The survey throttle needs one cache shared by all workers: Redis when REDIS_URL is set, otherwise a file
# cache under VAR_DIR (zona.core.cache: atomic counters across processes). Never the database cache, which
# would write the throttle's keyed hashes of addresses to the database.
CACHES: dict[str, dict[str, Any]]
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "zona.core.cache.SharedFileCache",
            "LOCATION": os.environ.get("ZONA_CACHE_DIR", str(VAR_DIR / "cache")),
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("ZONA_CACHE_MAX_ENTRIES", "20000"))},
        }
    }

# Content-Security-Policy (django-csp): only Zona's own scripts, styles and images; no inline script,
# style or handler, no eval, nothing from another origin. Charts and data go through static JS reading
# <script type="application/json">; htmx is configured not to inject styles nor evaluate code.
# data: images are Bootstrap's SVG icons in its CSS and the QR code of the OTP set-up.
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
