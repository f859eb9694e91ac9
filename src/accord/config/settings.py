"""Accord settings, read from the environment with safe development defaults.

ACCORD_ENV            development (default) | production | test
ACCORD_SECRET_KEY     Django secret key (required in production)
DATABASE_URL          e.g. postgres://user:pass@host:5432/accord; default SQLite under var/
ACCORD_DATA_DIR       where the SQLite file and uploads live (default ./var)
ACCORD_ALLOWED_HOSTS  comma-separated host names
ACCORD_FIELD_KEYS     field-encryption keys (used by later parts)
ACCORD_TIME_ZONE      default Asia/Shanghai

Security (see docs/security.md):
ACCORD_REQUIRE_TOTP   1/0: staff must pass a TOTP second factor (default 1 in production)
ACCORD_REDIS_URL      shared cache for rate limits and lockouts when running several processes
ACCORD_RATE_LIMITS    e.g. "filing=20/3600,track=60/3600,login=30/600" (requests/seconds)
ACCORD_API_DOCS       public | staff | off (default: staff in production, public otherwise)
ACCORD_TRUSTED_PROXIES number of reverse proxies in front of Accord (client IP from X-Forwarded-For)
ACCORD_UPLOAD_DIR     where evidence uploads are stored (default $ACCORD_DATA_DIR/uploads)
ACCORD_EW_INTAKE      inline | deferred: early warning's work on a new case (indicator counts,
                      group-dispute check, risk score) in the filing's transaction, or queued
                      and done in batches just after it (default: deferred in production),
                      by `accord ew-intake --follow` when it runs, else by the server processes
ACCORD_SWITCH_INTERVAL seconds between thread switches in a server process (default 0.001;
                      Python's own default is 0.005); see docs/operations.md
ACCORD_SQLITE_CHECKPOINT_SECONDS seconds between a server process's background WAL checkpoints
                      on SQLite (default 1; 0 leaves them to SQLite, inside a COMMIT)
ACCORD_GC_THRESHOLD   a server process's garbage-collector thresholds (default 10000,10,10)
ACCORD_PG_PREPARE_THRESHOLD PostgreSQL: prepare a statement after this many runs on one
                      connection (default 5; "off" sends every statement as text)
"""

from __future__ import annotations

import datetime as dt
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
    "ninja",
    "axes",
    "accord.core",
    "accord.accounts",
    "accord.cases",
    "accord.resolution",
    "accord.earlywarning",
    "accord.participation",
    "accord.safety",
    "accord.wellbeing",
    "accord.grid",
    "accord.web",
    "accord.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "accord.core.middleware.SecurityHeadersMiddleware",
    "accord.core.middleware.RequestSizeLimitMiddleware",
    "accord.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accord.core.middleware.SessionTimeoutMiddleware",
    "accord.core.middleware.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the lockout flag set during authentication.
    "axes.middleware.AxesMiddleware",
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


def _pg_prepare() -> dict:
    """PostgreSQL: bind parameters on the server and prepare a statement once a connection has
    run it ACCORD_PG_PREPARE_THRESHOLD times (default 5), so that the filing's statements are
    not parsed and planned again at every request (about a sixth of the database's CPU under
    load). "off": Django's default, every statement sent as text (for a connection pooler that
    cannot keep prepared statements)."""
    raw = os.environ.get("ACCORD_PG_PREPARE_THRESHOLD", "5").strip().lower()
    if raw == "off":
        return {}
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise ImproperlyConfigured(
            "ACCORD_PG_PREPARE_THRESHOLD must be a whole number from 1 to 1000, or 'off'"
        )
    return {"server_side_binding": True, "prepare_threshold": int(raw)}


def _database() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        db = dj_database_url.parse(url, conn_max_age=60)
        if db["ENGINE"] == "django.db.backends.postgresql":
            db.setdefault("OPTIONS", {})
            db.setdefault("TEST", {})
            db["OPTIONS"].update(_pg_prepare())
        if db["ENGINE"] != "django.db.backends.sqlite3":
            return db
        name = db["NAME"]
    else:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        name = str(DATA_DIR / "accord.sqlite3")
    # WAL for concurrent readers, FULL sync for durability, IMMEDIATE so writers queue up
    # on the lock (up to `timeout` seconds) instead of failing with "database is locked".
    # The engine is Django's SQLite backend plus a fair queue for writers (see its module).
    return {
        "ENGINE": "accord.core.sqlite_backend",
        "NAME": name,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
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

# Evidence uploads (images, PDFs): stored outside the web root, served only through a view
# that checks the reader's jurisdiction. Size per file in bytes and files per filing.
ACCORD_UPLOAD_DIR = Path(os.environ.get("ACCORD_UPLOAD_DIR", DATA_DIR / "uploads")).resolve()
ACCORD_UPLOAD_MAX_BYTES = int(os.environ.get("ACCORD_UPLOAD_MAX_BYTES", str(5 * 1024 * 1024)))
ACCORD_UPLOAD_MAX_FILES = int(os.environ.get("ACCORD_UPLOAD_MAX_FILES", "5"))
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

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

# --- Security (OWASP ASVS 5.0 level 2; docs/security.md) ---------------------------------------


def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes"}


# Transport and browser hardening. Production sits behind TLS; HSTS for a year, subdomains.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _flag("ACCORD_HSTS_PRELOAD", True)
    SECURE_SSL_REDIRECT = _flag("ACCORD_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sent on every response by accord.core.middleware.SecurityHeadersMiddleware, in every
# environment (so that development shows CSP breakage early). No 'unsafe-inline' anywhere:
# templates keep scripts and styles in static files.
ACCORD_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Permissions-Policy on every response: no camera, microphone, location, payment or USB.
ACCORD_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Cookies: session cookie HttpOnly; both Secure in production; SameSite=Lax (Strict would
# drop the session on the first click from an e-mailed link).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    SESSION_COOKIE_NAME = "__Host-accord_session"
    CSRF_COOKIE_NAME = "__Host-accord_csrf"
# Idle timeout: the session cookie and the server-side session expire 30 minutes after the
# last request (SessionTimeoutMiddleware refreshes them); absolute timeout 12 hours after login.
ACCORD_SESSION_IDLE_SECONDS = int(os.environ.get("ACCORD_SESSION_IDLE_SECONDS", "1800"))
ACCORD_SESSION_ABSOLUTE_SECONDS = int(os.environ.get("ACCORD_SESSION_ABSOLUTE_SECONDS", "43200"))
SESSION_COOKIE_AGE = ACCORD_SESSION_IDLE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Passwords: argon2id first (older hashes are upgraded at the next login); 12+ characters,
# any Unicode, common and user-like passwords refused.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "accord.accounts.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 256}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Second factor: TOTP (RFC 6238) for every staff role, for web login and API token issuance.
ACCORD_REQUIRE_TOTP = _flag("ACCORD_REQUIRE_TOTP", PRODUCTION)
ACCORD_TOTP_ISSUER = os.environ.get("ACCORD_TOTP_ISSUER", "Accord")

# Lockout (django-axes): 5 failures lock the user name and, separately, the client address
# for 15 minutes; a success resets the count. Attempts live in the database.
AUTHENTICATION_BACKENDS = [
    "accord.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("ACCORD_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("ACCORD_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accord.accounts.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["password", "otp", "code"]
AXES_CLIENT_IP_CALLABLE = "accord.core.ipaddr.client_ip"
# Number of reverse proxies in front of Accord that append to X-Forwarded-For. 0: the client
# address is REMOTE_ADDR (never trust a header a client can set).
ACCORD_TRUSTED_PROXIES = int(os.environ.get("ACCORD_TRUSTED_PROXIES", "0"))

# Cache: rate-limit counters. One process: local memory. Several processes or hosts must share
# one cache (ACCORD_REDIS_URL), otherwise each process counts on its own.
_REDIS_URL = os.environ.get("ACCORD_REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_URL}
        if _REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "accord"}
    )
}


def _rate_limits(spec: str) -> dict[str, tuple[int, int]]:
    limits = {}
    for item in filter(None, (x.strip() for x in spec.split(","))):
        name, _sep, rate = item.partition("=")
        count, _sep, seconds = rate.partition("/")
        limits[name.strip()] = (int(count), int(seconds))
    return limits


# Abuse limits on public endpoints, per client address (per user when signed in): bucket ->
# (requests, window seconds). Exceeding one answers 429 with Retry-After.
ACCORD_RATE_LIMITS = {
    "filing": (20, 3600),
    "track": (60, 3600),
    "login": (30, 600),
    **_rate_limits(os.environ.get("ACCORD_RATE_LIMITS", "")),
}
# Which POSTs count against which bucket (URL names). Case staff file on behalf of walk-in
# and hotline callers all day, so they are not limited on filing.
ACCORD_RATE_LIMITED_VIEWS = {
    "api:create_case": "filing",
    "web:file_case": "filing",
    "api:track_case": "track",
    "web:track": "track",
    "web:login": "login",
    "accounts:totp_verify": "login",
    "accounts:totp_enrol": "login",
    "api:issue_token": "login",
}
# Buckets that case staff are not limited on (they file for walk-in and hotline callers).
ACCORD_RATE_LIMIT_EXEMPT_STAFF = {"filing"}

# Request size limits: bodies over these answer 413 (RequestSizeLimitMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # non-file request bodies
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads spill to a temp file
# A whole multipart body: every evidence file at its maximum plus 1 MiB of form fields.
ACCORD_MAX_UPLOAD_SIZE = int(
    os.environ.get(
        "ACCORD_MAX_UPLOAD_SIZE",
        str(ACCORD_UPLOAD_MAX_BYTES * ACCORD_UPLOAD_MAX_FILES + 1024 * 1024),
    )
)

# API documentation: public in development, signed-in staff only in production.
ACCORD_API_DOCS = os.environ.get("ACCORD_API_DOCS", "staff" if PRODUCTION else "public")

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
# Early warning's work on each new case (docs/earlywarning.md, "At intake"): "inline" in the
# filing's own transaction, or "deferred": the filing queues the case in the same transaction
# and a background thread of each server process works the queue in batches right after the
# commit (and sweeps it every ACCORD_EW_INTAKE_SWEEP seconds, so nothing queued is lost) —
# unless a dedicated `accord ew-intake --follow` process runs, which the threads then leave it to.
ACCORD_EW_INTAKE = os.environ.get("ACCORD_EW_INTAKE", "deferred" if PRODUCTION else "inline")
if ACCORD_EW_INTAKE not in ("inline", "deferred"):
    raise ImproperlyConfigured("ACCORD_EW_INTAKE must be 'inline' or 'deferred'")
# Deferred intake: most queued cases worked in one batch.
ACCORD_EW_INTAKE_BATCH = int(os.environ.get("ACCORD_EW_INTAKE_BATCH", "50"))
# Deferred intake: seconds between sweeps of the queue (nothing queued is lost).
ACCORD_EW_INTAKE_SWEEP = float(os.environ.get("ACCORD_EW_INTAKE_SWEEP", "5"))
# Deferred intake: seconds a woken worker waits so that a batch gathers.
ACCORD_EW_INTAKE_GATHER = float(os.environ.get("ACCORD_EW_INTAKE_GATHER", "0.2"))
# SQLite: seconds between a server process's background WAL checkpoints (0: SQLite's own,
# inside the COMMIT that fills the log; see core/sqlite_backend/checkpoints.py).
ACCORD_SQLITE_CHECKPOINT_SECONDS = float(os.environ.get("ACCORD_SQLITE_CHECKPOINT_SECONDS", "1"))
if not 0 <= ACCORD_SQLITE_CHECKPOINT_SECONDS <= 3600:
    raise ImproperlyConfigured("ACCORD_SQLITE_CHECKPOINT_SECONDS must be between 0 and 3600")
# Garbage-collector thresholds of a server process (gc.set_threshold; Python's are 700, 10,
# 10): a larger first one means fewer collections of short-lived objects (config/wsgi.py).
_gc = os.environ.get("ACCORD_GC_THRESHOLD", "10000,10,10").split(",")
if len(_gc) != 3 or not all(x.strip().isdigit() and int(x) <= 10_000_000 for x in _gc):
    raise ImproperlyConfigured("ACCORD_GC_THRESHOLD must be three whole numbers, e.g. 10000,10,10")
ACCORD_GC_THRESHOLD = tuple(int(x) for x in _gc)
# How often a server process's threads hand over the interpreter lock (sys.setswitchinterval,
# set in config/wsgi.py). A thread inside a write transaction gives it up at every statement;
# with Python's default of 5 ms it then waits up to that long behind request threads doing
# other work, while every other writer waits for it (docs/operations.md, "Load").
ACCORD_SWITCH_INTERVAL = float(os.environ.get("ACCORD_SWITCH_INTERVAL", "0.001"))
if not 0.0001 <= ACCORD_SWITCH_INTERVAL <= 0.1:
    raise ImproperlyConfigured("ACCORD_SWITCH_INTERVAL must be between 0.0001 and 0.1 seconds")

# --- Data protection (field encryption, audit, retention; see docs/security-data.md) -------
# Keys are separate from SECRET_KEY. ACCORD_FIELD_KEYS = "id:base64key[,id:base64key...]"
# (the first key encrypts, all decrypt; `accord rotate-keys` re-encrypts under the first);
# ACCORD_INDEX_KEY keys the blind indexes, ACCORD_AUDIT_KEY the audit chain's HMAC
# checkpoints (32 random bytes each, base64). Development has derived defaults
# (accord.core.crypto); production refuses to start without them.
ACCORD_FIELD_KEYS = os.environ.get("ACCORD_FIELD_KEYS", "")
ACCORD_INDEX_KEY = os.environ.get("ACCORD_INDEX_KEY", "")
ACCORD_AUDIT_KEY = os.environ.get("ACCORD_AUDIT_KEY", "")
if PRODUCTION:
    _missing = [
        n for n in ("ACCORD_FIELD_KEYS", "ACCORD_INDEX_KEY", "ACCORD_AUDIT_KEY") if not globals()[n]
    ]
    if _missing:
        raise ImproperlyConfigured(
            f"{', '.join(_missing)} must be set when ACCORD_ENV=production "
            "(generate keys with `accord rotate-keys --new-key`)"
        )
# An HMAC checkpoint of the audit chains is written every this many events (and by
# `accord audit-checkpoint`, e.g. hourly from cron).
ACCORD_AUDIT_CHECKPOINT_EVERY = int(os.environ.get("ACCORD_AUDIT_CHECKPOINT_EVERY", "1000"))
# Deprecated (use ACCORD_TRUSTED_PROXIES): 1 counts as one trusted proxy when that is unset.
# The access log takes the client address by the same rule as lockouts (core.ipaddr).
ACCORD_TRUST_X_FORWARDED_FOR = os.environ.get("ACCORD_TRUST_X_FORWARDED_FOR", "0") == "1"
if ACCORD_TRUST_X_FORWARDED_FOR and "ACCORD_TRUSTED_PROXIES" not in os.environ:
    ACCORD_TRUSTED_PROXIES = 1
# Retention in days per record type; `accord purge` anonymises (cases, with their history)
# or deletes (expired sessions, old access-log entries) what is past its period.
ACCORD_RETENTION_DAYS = {
    # closed / archived cases, counted from closing
    "case_closed": int(os.environ.get("ACCORD_RETENTION_CASE_CLOSED_DAYS", str(5 * 365))),
    # withdrawn, rejected and redirected cases, counted from closing
    "case_dropped": int(os.environ.get("ACCORD_RETENTION_CASE_DROPPED_DAYS", str(2 * 365))),
    # expired login sessions
    "session": int(os.environ.get("ACCORD_RETENTION_SESSION_DAYS", "30")),
}
# --- end of data protection block ----------------------------------------------------------

# --- Safety (hazards, listed supervision, Open311; docs/safety.md) -------------------------
# A hazard photo may have at most this many pixels (checked before it is decoded).
ACCORD_SAFETY_PHOTO_MAX_PIXELS = int(os.environ.get("ACCORD_SAFETY_PHOTO_MAX_PIXELS", "40000000"))
# Photos are re-encoded (metadata stripped) and scaled down to at most this many pixels a side.
ACCORD_SAFETY_PHOTO_MAX_SIDE = int(os.environ.get("ACCORD_SAFETY_PHOTO_MAX_SIDE", "2048"))
# Default rectification periods in working days, per grade (the inspector may set another).
ACCORD_SAFETY_RECTIFY_DAYS = {
    "general": int(os.environ.get("ACCORD_SAFETY_RECTIFY_DAYS_GENERAL", "5")),
    "major": int(os.environ.get("ACCORD_SAFETY_RECTIFY_DAYS_MAJOR", "40")),
}
# A listed (挂牌督办) major hazard must be published within this many working days.
ACCORD_SAFETY_PUBLISH_DAYS = int(os.environ.get("ACCORD_SAFETY_PUBLISH_DAYS", "5"))
# --- end of safety block ----------------------------------------------------------------------
# --- Settings the parts read (declared here with the defaults the code falls back to) -------
# Early warning: no alert with fewer than N cases in the last K periods: (N, K).
ACCORD_EW_MIN_CASES = (5, 4)
# Early warning: the glrnb (negative-binomial CUSUM) detector's dispersion parameter.
ACCORD_EW_GLRNB_ALPHA = 0.2
# Early warning, group disputes: days a group of similar cases is gathered over.
ACCORD_EW_GROUP_WINDOW_DAYS = 30
# Early warning, group disputes: days of history the group's baseline is taken from.
ACCORD_EW_GROUP_BASELINE_DAYS = 365
# Early warning, group disputes: fewest cases against one respondent in the window for a group.
ACCORD_EW_GROUP_MIN_CASES = 5
# Early warning, near-copies: days a township's recent cases are compared over.
ACCORD_EW_NEARDUP_WINDOW_DAYS = 14
# Early warning, near-copies: fewest similar cases of one category in the window for a group.
ACCORD_EW_NEARDUP_MIN_CASES = 5
# Early warning, near-copies: text similarity (0..1) from which two descriptions are copies.
ACCORD_EW_NEARDUP_SIMILARITY = 0.85
# Early warning: local hour of the daily detection run (the django-tasks chain).
ACCORD_EW_DAILY_HOUR = 6
# Resolution: days after a concluded proceeding when its follow-up visit is due.
ACCORD_FOLLOWUP_DAYS = int(os.environ.get("ACCORD_FOLLOWUP_DAYS", "15"))
# Resolution: the CJK font file for dossier PDFs (None: the usual Debian fonts-noto-cjk paths).
ACCORD_CJK_FONT = os.environ.get("ACCORD_CJK_FONT") or None
# Dashboard map: the area boundaries GeoJSON (None: $ACCORD_DATA_DIR/boundaries.geojson).
ACCORD_BOUNDARIES_FILE = os.environ.get("ACCORD_BOUNDARIES_FILE") or None
# --- end of settings the parts read ----------------------------------------------------------
# --- grid and resident notifications (see docs/grid.md, docs/notifications.md) -------------
# Service visits are deleted this many days after they were recorded (`accord purge`).
ACCORD_RETENTION_DAYS["grid_visit"] = int(os.environ.get("ACCORD_RETENTION_GRID_VISIT_DAYS", "365"))
# Outgoing e-mail: SMTP when EMAIL_HOST is set, else files under var/mail/ (the demo's).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_BACKEND = os.environ.get(
    "ACCORD_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
# The sender of residents' notifications.
DEFAULT_FROM_EMAIL = os.environ.get("ACCORD_FROM_EMAIL", "Accord <no-reply@accord.invalid>")
# The public address of this site, for links in e-mails and SMS (tracking page).
ACCORD_PUBLIC_URL = os.environ.get("ACCORD_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# SMS gateway: "log" (writes to the log only, the demo's) or "http" (a generic HTTP provider).
ACCORD_SMS_GATEWAY = os.environ.get("ACCORD_SMS_GATEWAY", "log")
# The generic HTTP provider: POST JSON {"to", "text"} with a bearer token.
ACCORD_SMS_HTTP_URL = os.environ.get("ACCORD_SMS_HTTP_URL", "")
ACCORD_SMS_HTTP_TOKEN = os.environ.get("ACCORD_SMS_HTTP_TOKEN", "")
# How many times a notification is tried before it is recorded as failed.
ACCORD_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("ACCORD_NOTIFY_MAX_ATTEMPTS", "4"))
# --- Participation (docs/participation.md) ----------------------------------------------------
# Minimum comment period in days per decision type; a shorter one needs a public reason
# (State Council Order 713, art. 15: "generally not less than 30 days").
ACCORD_CONSULTATION_MIN_DAYS = {
    "major_decision": int(os.environ.get("ACCORD_CONSULTATION_MIN_DAYS_MAJOR", "30")),
    "regulation": int(os.environ.get("ACCORD_CONSULTATION_MIN_DAYS_REGULATION", "30")),
    "plan": int(os.environ.get("ACCORD_CONSULTATION_MIN_DAYS_PLAN", "30")),
    "other": int(os.environ.get("ACCORD_CONSULTATION_MIN_DAYS_OTHER", "30")),
}
# Hearing materials must be public at least this many days before the hearing (art. 16).
ACCORD_HEARING_NOTICE_DAYS = int(os.environ.get("ACCORD_HEARING_NOTICE_DAYS", "7"))
# Working days the responsible unit has to answer a suggestion.
ACCORD_SUGGESTION_ANSWER_WORKING_DAYS = int(os.environ.get("ACCORD_SUGGESTION_ANSWER_DAYS", "15"))
# Co-signatures above which a suggestion needs a point-by-point reply before it is answered.
ACCORD_SUGGESTION_COSIGN_THRESHOLD = int(os.environ.get("ACCORD_SUGGESTION_COSIGN_THRESHOLD", "50"))
# Opinion-map groups smaller than this are not shown.
ACCORD_OPINION_MIN_GROUP = int(os.environ.get("ACCORD_OPINION_MIN_GROUP", "5"))
# Rate limits of residents' participation writes (per account or address; ACCORD_RATE_LIMITS
# may override "participation" and "vote"): comments, statements, suggestions; votes, co-signs.
# (A path's URL name is that of its first operation, the GET; only POSTs are counted.)
ACCORD_RATE_LIMITS.setdefault("participation", (30, 3600))
ACCORD_RATE_LIMITS.setdefault("vote", (600, 3600))
ACCORD_RATE_LIMITED_VIEWS.update(
    {
        "api:list_comments": "participation",
        "participation:comment": "participation",
        "api:list_statements": "participation",
        "participation:statement": "participation",
        "api:list_suggestions": "participation",
        "participation:suggestions": "participation",
        "api:vote": "vote",
        "participation:vote": "vote",
        "api:cosign_suggestion": "vote",
        "participation:suggestion_cosign": "vote",
    }
)
# --- end of participation block ---------------------------------------------------------------
# --- Wellbeing (docs/wellbeing.md) ---------------------------------------------------------
# The national psychological assistance hotline shown on every "Help now" page.
ACCORD_WELLBEING_HOTLINE = os.environ.get("ACCORD_WELLBEING_HOTLINE", "12356")
# The emergency number (ambulance) shown beside it.
ACCORD_EMERGENCY_NUMBER = os.environ.get("ACCORD_EMERGENCY_NUMBER", "120")
# Minutes an on-call counsellor has to acknowledge a crisis alert before it escalates.
ACCORD_WELLBEING_ACK_MINUTES = float(os.environ.get("ACCORD_WELLBEING_ACK_MINUTES", "15"))
# Seconds between runs of the queued escalation task (it re-queues itself).
ACCORD_WELLBEING_ESCALATE_EVERY = int(os.environ.get("ACCORD_WELLBEING_ESCALATE_EVERY", "60"))
# PHQ-9 / GAD-7 band cut-offs ("" = the published 5,10,15,20 / 5,10,15); local validation may differ.
ACCORD_WELLBEING_PHQ9_CUTOFFS = os.environ.get("ACCORD_WELLBEING_PHQ9_CUTOFFS", "")
ACCORD_WELLBEING_GAD7_CUTOFFS = os.environ.get("ACCORD_WELLBEING_GAD7_CUTOFFS", "")
# Smallest cell shown in wellbeing aggregates.
ACCORD_WELLBEING_MIN_CELL = int(os.environ.get("ACCORD_WELLBEING_MIN_CELL", "10"))
# Days a consented screening is kept (`accord purge` deletes older ones).
ACCORD_RETENTION_DAYS["wellbeing_screening"] = int(
    os.environ.get("ACCORD_RETENTION_WELLBEING_SCREENING_DAYS", "365")
)
# Counselling requests from one address (or user) per window (the danger button is never limited).
ACCORD_RATE_LIMITS.setdefault("wellbeing_request", (20, 3600))
ACCORD_RATE_LIMITED_VIEWS.update(
    {"wellbeing:request": "wellbeing_request", "api:wellbeing_request_create": "wellbeing_request"}
)

# --- pilot fixes ---
# Hours a filing token / API Idempotency-Key is remembered (a repeat files nothing).
ACCORD_IDEMPOTENCY_HOURS = int(os.environ.get("ACCORD_IDEMPOTENCY_HOURS", "24"))
# Failed tracking lookups (wrong reference or secret) before 429: per reference, per address.
ACCORD_RATE_LIMITS.setdefault("track_fail_ref", (5, 900))
ACCORD_RATE_LIMITS.setdefault("track_fail_ip", (30, 900))
# --- Uploads (security, second round; accord.core.uploads) --------------------------------
# Case evidence images are decoded only up to this many pixels (checked before decoding).
ACCORD_UPLOAD_MAX_PIXELS = int(os.environ.get("ACCORD_UPLOAD_MAX_PIXELS", "40000000"))
