"""Settings, read from the environment (see README: Configuration)."""

import os
import warnings
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data"))


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The fallback key is for development (DEBUG on) only: with DEBUG off the server refuses it,
# since anyone with the repository could sign a session cookie with it.
DEVELOPMENT_SECRET_KEY = "insecure-development-key-set-SECRET_KEY-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the built-in development key and DEBUG is off: set SECRET_KEY."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "audits",
    "grievances",
    "reports",
    "programme",
    "api",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "security",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audits.middleware.UserLanguageMiddleware",
    "audits.middleware.VisibilityReadsOnceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "security.middleware.SecondFactorMiddleware",
    "security.middleware.HostileRequestMiddleware",
    "security.middleware.SecurityLogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "backend.urls"
FORM_RENDERER = "backend.form_renderer.SiteFormRenderer"
WSGI_APPLICATION = "backend.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue on the busy timeout instead of failing with "database is locked".
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "audits.User"
AUTHENTICATION_BACKENDS = [
    "security.backends.LockoutBackend",  # django-axes: first, so a locked-out login stops here
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous sees nothing

# --- Internationalisation and time ----------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("fil", _("Filipino"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Django has no Filipino of its own: its name for the language switch, and the formats
# (dates as "11 Disyembre 2026", ₱2,150,000.00) in backend/formats/.
LANG_INFO.setdefault(
    "fil", {"bidi": False, "code": "fil", "name": "Filipino", "name_local": "Filipino"}
)
FORMAT_MODULE_PATH = ["backend.formats"]
NUMBER_GROUPING = 3  # money keeps its thousands separators in any language (audits/display.py)
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Manila")
USE_I18N = True
USE_TZ = True

# --- Files ------------------------------------------------------------------------------
STATIC_URL = "static/"
# WhiteNoise serves the CSS, the scripts and the API docs' assets from the apps' static
# folders, so `runserver` needs no other process even with DEBUG off; `collectstatic`
# into STATIC_ROOT is still the faster choice behind a production server.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Until `collectstatic` has run, STATIC_ROOT is empty by design: the finders serve.
warnings.filterwarnings("ignore", message="No directory at: .*static")
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
# Evidence and reports are never under a public URL: they are served only by views that
# check visibility first. A deployment moves them to object storage by changing these
# two entries (see README: S3-compatible storage).
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "private", "base_url": None},
    },
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "evidence", "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EVIDENCE_MAX_UPLOAD_BYTES = int(os.environ.get("EVIDENCE_MAX_UPLOAD_BYTES", 25 * 1024 * 1024))
# Uploads above this stream to a temporary file rather than memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Audit rules that an SAI may set ----------------------------------------------------
FINDING_REPLY_DAYS = int(os.environ.get("FINDING_REPLY_DAYS", 15))
REMINDER_HORIZON_DAYS = int(os.environ.get("REMINDER_HORIZON_DAYS", 7))

# --- API --------------------------------------------------------------------------------
# Change reasons are the "why" of the audit trail: a sentence, not a 100-character label.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "security.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "api.base.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "api.base.parsers.StrictMultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.base.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "api.base.filters.VisibleFilterBackend",
        "api.base.filters.StableOrderingFilter",
        "api.base.filters.TextSearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.base.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.base.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "60/minute"),
        "grievance_submit": os.environ.get("THROTTLE_GRIEVANCE", "10/hour"),
        "grievance_open311": os.environ.get("THROTTLE_OPEN311", "300/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Social audit case management API",
    "DESCRIPTION": "Joint audits by a supreme audit institution and citizens (API v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status` or `kind`: name each choice set after its class.
    "ENUM_NAME_OVERRIDES": {
        name + "Enum": f"audits.choices.{name}"
        for name in [
            "OrganizationKind",
            "EngagementStatus",
            "EvidenceKind",
            "FindingStatus",
            "RecommendationStatus",
            "ResponseKind",
            "SanctionKind",
            "SanctionStatus",
        ]
    },
}

# --- Workers and email ------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# The daily clocks and reminders (`manage.py run_deadlines` does the same by hand or cron).
CELERY_BEAT_SCHEDULE = {
    "run-daily-deadlines": {
        "task": "audits.tasks.run_daily_deadlines",
        "schedule": crontab(hour=1, minute=0),
    },
}
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "audit-noreply@localhost")

# --- Security (README: Security) ---------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS-only unless told otherwise: `SECURE_HTTPS=false` serves plain HTTP on loopback
# (`make run`, black-box tests). Behind a TLS-terminating proxy, name the header it sets:
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO.
SECURE_HTTPS = env_bool("SECURE_HTTPS", not DEBUG)
if SECURE_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (os.environ["SECURE_PROXY_SSL_HEADER"], "https")
# How many reverse proxies in front of the app append to X-Forwarded-For. 0: the client
# address is REMOTE_ADDR and X-Forwarded-For is ignored (a client cannot choose its own).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))
# A strict Content-Security-Policy: no inline scripts or styles anywhere (django-csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Lockout after repeated failed logins, per account and per client address, on the web
# login, the admin login and the token endpoint (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("LOGIN_LOCKOUT_MINUTES", 15)) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "security.network.client_ip"
AXES_LOCKOUT_CALLABLE = "security.views.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# API tokens (security/): how long a new one lasts, and how often `last_used` is written.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", 90))
API_TOKEN_USE_RECORD_SECONDS = int(os.environ.get("API_TOKEN_USE_RECORD_SECONDS", 60))
# Second factor (TOTP, django-otp) for sai_admin and supervisor on the web.
REQUIRE_2FA = env_bool("REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Social audit")
# Images over this many pixels are refused (415) from their header, before decoding.
EVIDENCE_MAX_PIXELS = int(os.environ.get("EVIDENCE_MAX_PIXELS", 50_000_000))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Reports (issue 10) -------------------------------------------------------------------
# Where report jobs run: "thread" (default without a broker), "celery" (default with one)
# or "inline" (tests). A job silent for REPORTS_JOB_TIMEOUT seconds is marked failed.
REPORTS_JOB_RUNNER = os.environ.get("REPORTS_JOB_RUNNER", "")
REPORTS_JOB_TIMEOUT = int(os.environ.get("REPORTS_JOB_TIMEOUT", 15 * 60))
# The address printed (as a QR code) on approved reports for anyone to check them.
REPORTS_PUBLIC_URL = os.environ.get("REPORTS_PUBLIC_URL", "http://127.0.0.1:8000")
# The public dashboard's figures are computed at most once per this many seconds (per
# chart and language): anyone may load it, and it aggregates whole tables. 0: never cached.
PUBLIC_DASHBOARD_CACHE_SECONDS = int(os.environ.get("PUBLIC_DASHBOARD_CACHE_SECONDS", 300))
CELERY_BEAT_SCHEDULE["fail-stale-reports"] = {
    "task": "reports.tasks.fail_stale_reports",
    "schedule": crontab(minute="*/5"),
}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "ReportKindEnum": "reports.choices.ReportKind",
        "ReportStatusEnum": "reports.choices.ReportStatus",
        "GrievanceStatusEnum": "grievances.choices.GrievanceStatus",
        "ProcedureStatusEnum": "programme.choices.ProcedureStatus",
        "ProcedureMethodEnum": "programme.choices.ProcedureMethod",
    }
)
