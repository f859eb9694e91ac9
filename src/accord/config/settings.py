"""Accord settings, read from the environment with safe development defaults.

ACCORD_ENV            development (default) | production | test
ACCORD_SECRET_KEY     Django secret key (required in production)
DATABASE_URL          e.g. postgres://user:pass@host:5432/accord; default SQLite under var/
ACCORD_DATA_DIR       where the SQLite file and uploads live (default ./var)
ACCORD_ALLOWED_HOSTS  comma-separated host names
ACCORD_FIELD_KEYS     field-encryption keys (used by later parts)
ACCORD_TIME_ZONE      default Asia/Shanghai
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

ENV = os.environ.get("ACCORD_ENV", "development")
PRODUCTION = ENV == "production"
PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("ACCORD_DATA_DIR", Path.cwd() / "var")).resolve()

SECRET_KEY = os.environ.get("ACCORD_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("ACCORD_SECRET_KEY must be set when ACCORD_ENV=production")
    SECRET_KEY = "dev-insecure-accord-key-do-not-use-in-production"  # noqa: S105

DEBUG = os.environ.get("ACCORD_DEBUG", "0" if PRODUCTION else "1") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "ACCORD_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
    ).split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "accord.core",
    "accord.accounts",
    "accord.cases",
    "accord.resolution",
    "accord.earlywarning",
    "accord.web",
    "accord.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "accord.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "accord.config.urls"
WSGI_APPLICATION = "accord.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        db = dj_database_url.parse(url, conn_max_age=60)
        if db["ENGINE"] == "django.db.backends.postgresql":
            db.setdefault("OPTIONS", {})
            db.setdefault("TEST", {})
        if db["ENGINE"] != "django.db.backends.sqlite3":
            return db
        name = db["NAME"]
    else:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        name = str(DATA_DIR / "accord.sqlite3")
    # WAL for concurrent readers, FULL sync for durability, IMMEDIATE so writers queue up
    # on the lock (up to `timeout` seconds) instead of failing with "database is locked".
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
        "OPTIONS": {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("ACCORD_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = os.environ.get("ACCORD_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Request size limits: bad input is refused with a 4xx, never buffered without bound.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": os.environ.get("ACCORD_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ACCORD_LOG_LEVEL", "WARNING")},
}

# --- Accord policy -----------------------------------------------------------------------
# Cases with at least this many people are collective disputes (DESIGN §5).
ACCORD_COLLECTIVE_PARTIES = int(os.environ.get("ACCORD_COLLECTIVE_PARTIES", "10"))
# Amount in dispute (CNY) from which a case goes to at least the township.
ACCORD_AMOUNT_TOWNSHIP = int(os.environ.get("ACCORD_AMOUNT_TOWNSHIP", "100000"))
# ... and to the county.
ACCORD_AMOUNT_COUNTY = int(os.environ.get("ACCORD_AMOUNT_COUNTY", "1000000"))
# "3-3-1": failed attempts allowed at each tier before the case moves up.
ACCORD_ATTEMPTS_PER_TIER = {"community": 3, "township": 3, "county": 1}
# Holidays and swapped working days beyond weekends live in the Holiday table.
ACCORD_MIN_CELL = int(os.environ.get("ACCORD_MIN_CELL", "5"))
