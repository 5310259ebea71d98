"""Settings shared by every environment. The other modules only override.

Every value an operator may change is read from the environment through ``config.env``;
the README lists them.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF

from config.env import database_from_url, env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-local-development-key-not-for-production")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

SITE_NAME = "Stridewise"
# The public address of the app: every link in every e-mail is built from it
# (``web.links.absolute_url``), whoever sends the e-mail (a request or a background task).
# ``make run`` sets it to the address it serves; production requires it.
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000")
# The Sites framework's one site (allauth reads its name); migration athletes.0006 names it.
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "auditlog",
    # Our apps, from the ground up: athletes <- activities <- checkins <- plans.
    "athletes",
    "activities",
    "checkins",
    "plans",
    "conversations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "web.sessions.SlidingSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The access log's actor, channel and address (athletes/audit.py).
    "athletes.audit.AccessLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Per-address limits on allauth's code and key pages (web/ratelimit.py).
    "web.ratelimit.RateLimitMiddleware",
    # Where staff require it, a coach without an authenticator app sets one up first.
    "athletes.mfa.CoachMfaMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Under DEBUG only: our 404 page instead of Django's technical one (web/errors.py).
    "web.errors.OwnNotFoundPageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "athletes.context_processors.site",
                "checkins.context_processors.flag_badge",
                "conversations.context_processors.unread_messages",
            ],
        },
    },
]

# --- Data --------------------------------------------------------------------------------
DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", "sqlite:///db.sqlite3") or "", base_dir=BASE_DIR
    )
}
# One transaction per request: a view either writes everything or nothing.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_cache_url = env_str("CACHE_URL")
if _cache_url:
    if not _cache_url.startswith(("redis://", "rediss://")):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("CACHE_URL must be a redis:// URL.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts ----------------------------------------------------------------------------
AUTH_USER_MODEL = "athletes.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# A neutral landing point that sends each role to its own home (coach -> /coach/, athlete -> /me/).
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"

# Sessions expire after two weeks without activity (SPEC §3). The expiry slides, but the
# session is saved at most once a day (web.sessions.SlidingSessionMiddleware), not on every
# request: a page view writes nothing.
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

ACCOUNT_ADAPTER = "athletes.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "athletes.forms.CoachSignupForm"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "optional")
if ACCOUNT_EMAIL_VERIFICATION not in ("mandatory", "optional", "none"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "ACCOUNT_EMAIL_VERIFICATION must be mandatory, optional or none, "
        f"not {ACCOUNT_EMAIL_VERIFICATION!r}."
    )
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Stridewise] "
# Rate limits on everything that answers a visitor who is not signed in (web/ratelimit.py),
# counted per client address ("ip") and per e-mail tried ("key"). allauth's pages consume
# their own actions; the API's token endpoint consumes "login" and "login_failed" exactly as
# the web login does, so a failure on either channel counts for both; our unauthenticated pages
# consume theirs (tests/test_rate_limits.py lists every unauthenticated route).
ACCOUNT_RATE_LIMITS = {
    # Every sign-in attempt (web form or POST /api/v1/auth/token/), per address.
    "login": "30/m/ip",
    # Failed sign-ins: per address, and 5 per account (e-mail) in 5 minutes, whichever
    # channel they come through. A success takes its own attempt back.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "request_login_code": "20/m/ip,3/m/key",
    # Entering the code e-mailed for a login (allauth also drops it after 3 wrong tries),
    # or a TOTP / recovery code during a login, or confirming an e-mail address.
    "confirm_login_code": "20/m/ip",
    "mfa_authenticate": "20/m/ip",
    "confirm_email_key": "20/m/ip",
    # Opening or accepting an invitation link; calendar feed links that find nothing (a
    # calendar app polls good ones from shared addresses: those are not counted).
    "invitation_accept": "20/m/ip",
    "calendar_feed": "30/m/ip",
}
# How many proxies of the operator's own append to X-Forwarded-For in front of the app
# (0: the header is ignored and the connection's address counts). Read by allauth's rate
# limits (every limit here, the API's token endpoint included) and by DRF's throttles alike.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
MFA_ADAPTER = "athletes.mfa.MFAAdapter"
# Require TOTP for every coach whatever the admin's security policy says (athletes/mfa.py).
COACH_MFA_REQUIRED = env_bool("COACH_MFA_REQUIRED", False)

# --- E-mail ------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Stridewise <no-reply@stridewise.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Clinical documents live outside any public URL; only a permission-checked view serves them.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")) or "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Browser security headers -----------------------------------------------------------
# No inline script or style anywhere (templates carry data in json_script blocks and data-
# attributes; behaviour is in static/js, looks in static/css). The admin and the API docs get
# the same policy. Images may be data: URIs (the TOTP QR code of allauth's MFA pages).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Features the app never uses are off for every page (config/security.py).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
    "fullscreen": ["self"],
}
# Django's default, said out loud: no other site's window keeps a handle on ours.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes anonymous requests answer 401.
        "athletes.api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # The access policy's classes (athletes/access.py); views choose stricter ones.
    "DEFAULT_PERMISSION_CLASSES": ["athletes.access.SignedIn"],
    "DEFAULT_PAGINATION_CLASS": "web.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "web.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Stridewise API",
    "DESCRIPTION": "Athletes, clearances, readiness, check-ins, plans, decisions and flags.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the errors it can answer (web/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "web.api.schema.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "clinical.protocol.STAGE_CHOICES",
        "ActionEnum": "plans.models.ACTION_CHOICES",
    },
}

# --- Celery ------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
# No broker configured: tasks run in-process, so a fresh machine needs no Redis.
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_ON_FAILURE_OR_TIMEOUT = True
CELERY_TIMEZONE = "UTC"
# Publishing must not hang a web request when the broker is down: fail fast, the daily scan
# catches up (SPEC §7).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 0,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_BEAT_SCHEDULE: dict = {
    # One published week, always (SPEC §11): next week from her Sunday, a pending pause or
    # step back applied, a decision for a week that ended without a check-in. Hourly: each
    # athlete's Sunday and Monday come in her own time zone.
    "publish-weeks": {
        "task": "plans.tasks.publish_weeks",
        "schedule": crontab(minute=0),
    },
    # Streaks, missed check-ins, and check-ins whose evaluation never ran (broker down).
    "scan-warnings": {
        "task": "checkins.tasks.scan_warnings",
        "schedule": crontab(hour=5, minute=0),
    },
    # Each coach with open flags gets one digest a day.
    "daily-digests": {
        "task": "checkins.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # Hourly, so that every athlete is reminded on Sunday at 17:00 in her own time zone.
    "checkin-reminders": {
        "task": "checkins.tasks.send_checkin_reminders",
        "schedule": crontab(minute=5),
    },
    # Clearance files whose upload rolled back after the file was written.
    "sweep-orphan-documents": {
        "task": "athletes.tasks.sweep_orphan_documents",
        "schedule": crontab(hour=3, minute=20),
    },
    # The access log keeps AUDIT_LOG_RETENTION_DAYS; older rows go nightly.
    "prune-access-log": {
        "task": "athletes.tasks.prune_access_log",
        "schedule": crontab(hour=3, minute=30),
    },
    # Hourly (SPEC §12): one e-mail per thread side about unread messages nobody was told of,
    # for those who chose "hourly" and for what the one-an-hour limit held back.
    "message-summaries": {
        "task": "conversations.tasks.send_message_summaries",
        "schedule": crontab(minute=15),
    },
    # E-mails still waiting (mail server down past their retries, broker refused, or sent
    # eagerly without a worker and failed): queue them again.
    "send-pending-emails": {
        "task": "athletes.tasks.send_pending_emails",
        "schedule": crontab(minute="*/10"),
    },
    # Sessions live two weeks past last use; drop the expired rows nightly.
    "clear-expired-sessions": {
        "task": "athletes.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=10),
    },
}

# --- Logging -----------------------------------------------------------------------------
# Health data: log lines carry IDs only, never names, e-mails or symptoms. What Django logs on
# its own ("Not Found: /calendar/<token>.ics", runserver's request lines) passes through
# RedactSecrets: no query strings, secret path segments masked (config/logsafety.py). The
# "django" loggers lose Django's default handlers (mail_admins among them), so no request (body,
# cookies) ever leaves in an error report.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "config.logsafety.RedactSecrets"},
        "drop_not_found": {"()": "config.logsafety.DropNotFound"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's defaults replaced: no handler of their own, so everything reaches the
        # redacting console handler above (and nothing else, mail_admins included).
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # No warning line per 404 (config.logsafety.DropNotFound); other 4xx and 5xx stay.
        "django.request": {
            "handlers": [],
            "level": "INFO",
            "propagate": True,
            "filters": ["drop_not_found"],
        },
        "django.db.backends": {"level": "WARNING"},
    },
}

# --- Access log (athletes/audit.py, django-auditlog) --------------------------------------
# How long the log of who viewed or changed a health record is kept. Default six years: the
# HIPAA Security Rule's retention for its required documentation, 45 CFR §164.316(b)(2)(i)
# ("retain the documentation ... for 6 years from the date of its creation").
AUDIT_LOG_RETENTION_DAYS = env_int("AUDIT_LOG_RETENTION_DAYS", 6 * 365, minimum=1)
# Values of changed fields are masked per model (athletes.audit.track); JSON, not text.
AUDITLOG_STORE_JSON_CHANGES = True
# No correlation id from a request header: the client would write what it likes into the log
# (and a value past 255 characters would fail the request on PostgreSQL).
AUDITLOG_CID_HEADER = None

# Product defaults kept in one place (SPEC: "keep them in one place in code").
INVITATION_MAX_AGE = timedelta(days=14)
# The weekday a week's check-in opens, in her time zone (0 = Monday … 6 = Sunday); it stays
# open until the end of the following week (SPEC §11, checkins/windows.py).
CHECKIN_OPENS_WEEKDAY = env_int("CHECKIN_OPENS_WEEKDAY", 4, minimum=0, maximum=6)
