"""Settings shared by every environment; secrets and service addresses come from the environment."""

import ipaddress
import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

import dj_database_url
from celery.schedules import crontab

from academy.accounts.oidc.config import (
    from_environment as oidc_providers_from_environment,
)
from academy.accounts.oidc.config import with_form_action_origins

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ACADEMY_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


# ------------------------------------------------------------------------------
# Core
# ------------------------------------------------------------------------------
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
ROOT_URLCONF = "academy.urls"
WSGI_APPLICATION = "academy.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SITE_ID = 1

# ------------------------------------------------------------------------------
# Applications
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
]
WAGTAIL_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "treebeard",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    "csp",
]
LOCAL_APPS = [
    "academy.accounts",
    "academy.core",
    "competencies",
    "competencies.xapi",
    "courses",
    "certificates",
    "hr",
    "demo",
]
INSTALLED_APPS = DJANGO_APPS + WAGTAIL_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "academy.core.requestid.RequestIdMiddleware",
    "academy.core.metrics.MetricsMiddleware",
    "academy.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "academy.core.security.SecurityHeadersMiddleware",
    "academy.core.security.AcademyCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "courses.scorm.middleware.ScormContentHostMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Anonymous visitors' public pages from the shared cache (academy/core/pagecache.py).
    "academy.core.pagecache.PageCacheMiddleware",
    # Wagtail's Site for the request from the process's cache (academy/core/sites.py).
    "academy.core.sites.SiteCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "academy.accounts.middleware.StaffMFAMiddleware",
    "academy.accounts.middleware.PrivacyNoticeMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: it calls the view itself, so every other process_view runs before it.
    "academy.core.dbrouter.ReplicaViewMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "academy" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "academy.core.navigation.navigation",
            ],
        },
    },
]

# ------------------------------------------------------------------------------
# Database: embedded SQLite by default, PostgreSQL with DATABASE_URL
# ------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'academy.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# A read replica (academy/core/dbrouter.py): only the HR reports named below read
# from it, and nothing ever writes to it. Unset: everything uses "default".
ACADEMY_REPLICA_ALIAS = None
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
    # Tests use the primary's test database through a second connection.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    ACADEMY_REPLICA_ALIAS = "replica"
DATABASE_ROUTERS = ["academy.core.dbrouter.ReplicaRouter"]
#: Views ("namespace:name") whose reads go to the replica when there is one.
ACADEMY_REPLICA_VIEWS = frozenset(
    {"hr:heatmap", "hr:heatmap_export", "hr:directory_export"}
)

# ------------------------------------------------------------------------------
# Cache
# ------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "academy.core.rediscache.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "academy",
        }
    }

# ------------------------------------------------------------------------------
# Authentication (django-allauth; email is the login, sign-up is closed)
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# allauth's backend only: Django's ModelBackend would let a login form other than
# allauth's (Wagtail's, the admin's) check a password without allauth's rate limits,
# lockout and MFA stage. Permissions still come from ModelBackend, which allauth's
# backend extends.
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "academy.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 300
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_ALLOW_SIGNUPS = env_bool("ACADEMY_ALLOW_SIGNUPS", False)
# Counted in the cache (see CACHES: Redis in production, so every host shares them).
# "login_failed" is both the limit and the lockout: ten failures a minute from one
# address, five in five minutes on one account, whichever comes first; it covers the
# Wagtail admin, whose login is allauth's. A refused attempt answers 429 or shows the
# form's "too many attempts" error, the same for known and unknown addresses.
# The Academy's own reverse proxies / load balancers, as CIDRs (comma-separated in
# the environment). Only a request whose REMOTE_ADDR is one of them has its
# X-Forwarded-For read (rightmost untrusted hop); see academy/core/ratelimit.py.
ACADEMY_TRUSTED_PROXIES = env_list("ACADEMY_TRUSTED_PROXIES")
for _cidr in ACADEMY_TRUSTED_PROXIES:
    ipaddress.ip_network(_cidr, strict=False)  # a typo stops the start, not a request
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "request_login_code": "10/m/ip,3/5m/key",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
    "manage_email": "10/m/user",
    "change_phone": "1/m/user",
    "signup": "20/m/ip",
}
# MFA: TOTP with recovery codes. WebAuthn is left out: it needs a JavaScript flow
# whose inline configuration conflicts with the site's Content Security Policy.
MFA_ADAPTER = "academy.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Digital Government Academy"
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
MFA_TRUST_ENABLED = False
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Sessions: allauth records each sign-in's session (address, browser, time), and its
# page lets a person end any of them or all others: "sign out everywhere". Activity
# is not tracked per request, which would cost two queries on every page.
USERSESSIONS_TRACK_ACTIVITY = False
# Sign-in through the government's identity providers (OpenID Connect: ThaID, DGA
# Digital ID, a ministry's Entra ID or Keycloak), beside the password and the code.
# Providers come from the TOML file ACADEMY_OIDC_PROVIDERS_FILE names, their secrets
# from the environment; none configured, none offered. docs/sign-in.md.
SOCIALACCOUNT_PROVIDERS = oidc_providers_from_environment()
SOCIALACCOUNT_ADAPTER = "academy.accounts.oidc.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ------------------------------------------------------------------------------
# Internationalisation: Thai first, English second
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
# The project's catalogue first, then the Wagtail admin's Thai as the Academy writes it
# (academy/core/wagtail_locale): both override the apps' own catalogues.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "academy" / "core" / "wagtail_locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# ------------------------------------------------------------------------------
# Static and media
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [
    BASE_DIR / "academy" / "static",
    # The certificates' bundled Sarabun doubles as the site's web font: one copy.
    ("fonts", BASE_DIR / "certificates" / "pdf" / "fonts"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
# Private files (certificate PDFs, HR bundles, evidence attachments, documents) live
# outside MEDIA_ROOT under random names and are served only by permission-checked
# views (academy/core/storage.py). Production may point "private" at a private bucket.
ACADEMY_PRIVATE_MEDIA_ROOT = Path(
    os.environ.get("ACADEMY_PRIVATE_MEDIA_ROOT", VAR_DIR / "private")
)
STORAGES = {
    "default": {"BACKEND": "academy.core.storage.MediaFileSystemStorage"},
    "private": {"BACKEND": "academy.core.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Object storage for several hosts (academy.core.s3): with ACADEMY_S3_PUBLIC_BUCKET
# set, "default" (page images public, anything else signed) and "private" live in an
# S3-compatible store; production requires it (or ACADEMY_FILESYSTEM_MEDIA=1 for one
# host or a shared mount).
if os.environ.get("ACADEMY_S3_PUBLIC_BUCKET"):
    from academy.core.s3 import s3_storages

    STORAGES.update(s3_storages(os.environ))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# ------------------------------------------------------------------------------
# Email
# ------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "Academy <no-reply@academy.localhost>"
)

# ------------------------------------------------------------------------------
# Celery: in-process when no broker is configured
# ------------------------------------------------------------------------------
_BROKER = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not _BROKER
# Without a broker, tasks run in-process; the in-memory transport (never connected)
# stands in, so kombu does not warn about a missing hostname on every task sent.
CELERY_BROKER_URL = _BROKER or "memory://localhost/"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = "default"
# With acks_late, Redis redelivers a task not acknowledged within the visibility
# timeout: it must exceed the longest task (a 100,000-row staff import, a bundle).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "7200"))
}
CELERY_BEAT_SCHEDULE = {
    # xAPI statements still unsent (lost message, LRS down): every 10 minutes.
    "xapi-outbox-sweep": {
        "task": "competencies.xapi.tasks.outbox_sweep",
        "schedule": crontab(minute="*/10"),
    },
    # Completions whose certificate task was lost (broker outage): every 10 minutes.
    "certificates-issue-missing": {
        "task": "certificates.tasks.certificate_issue_missing",
        "schedule": crontab(minute="*/10"),
    },
    # The organisation matrix's maintained figures move on to the new day (expired
    # and newly valid evidence, placements that started or ended, leavers).
    "competencies-matrix-sweep": {
        "task": "competencies.tasks.matrix_sweep",
        "schedule": crontab(hour=0, minute=5),
    },
    # The HR heat map's monthly trend figures; idempotent within a month, so daily
    # runs fill in a month a stopped beat missed.
    "competencies-matrix-snapshots": {
        "task": "competencies.tasks.matrix_snapshots_take",
        "schedule": crontab(hour=1, minute=15),
    },
    # Uploaded staff files (national IDs in clear) of dry runs never applied.
    "competencies-discard-stale-imports": {
        "task": "competencies.tasks.staff_imports_discard_stale",
        "schedule": crontab(hour=3, minute=0),
    },
    # PDPA retention (academy/accounts/privacy.py): nightly, at 02:30 Bangkok time.
    "accounts-anonymise-leavers": {
        "task": "academy.accounts.tasks.anonymise_leavers",
        "schedule": crontab(hour=2, minute=30),
    },
    # Timed attempts abandoned mid-way: graded once their time (and grace) is up.
    "courses-attempts-close-expired": {
        "task": "courses.assessments.tasks.attempts_close_expired",
        "schedule": crontab(minute="*/5"),
    },
    # Assignments that asked for it reach people who joined since (before reminders).
    "courses-assignments-add-new-members": {
        "task": "courses.assignments.tasks.assignments_add_new_members",
        "schedule": crontab(hour=6, minute=30),
    },
    # Certificates whose renewal has opened: the learner is mailed once.
    "certificates-expiry-reminders": {
        "task": "certificates.tasks.certificate_expiry_reminders_send",
        "schedule": crontab(hour=7, minute=15),
    },
    # Course assignments: due in 7 days, due tomorrow, overdue; each mailed once.
    "courses-assignment-reminders": {
        "task": "courses.assignments.tasks.assignment_reminders_send",
        "schedule": crontab(hour=7, minute=0),
    },
}
# Per worker host and queue (deploy/systemd/academy-worker@.service reads it from
# /etc/academy/worker-<queue>.env); the command line's --concurrency wins.
if os.environ.get("CELERY_WORKER_CONCURRENCY"):
    CELERY_WORKER_CONCURRENCY = int(os.environ["CELERY_WORKER_CONCURRENCY"])
if os.environ.get("CELERY_WORKER_MAX_TASKS_PER_CHILD"):
    CELERY_WORKER_MAX_TASKS_PER_CHILD = int(
        os.environ["CELERY_WORKER_MAX_TASKS_PER_CHILD"]
    )
# The anonymous full-page cache's backstop (seconds; 0 turns it off): a page is
# dropped this long after it was stored even if no change bumped the content version.
ACADEMY_PAGE_CACHE_SECONDS = int(os.environ.get("ACADEMY_PAGE_CACHE_SECONDS", "600"))
# The same backstop for each learner's cached dashboard data (courses/dashboard_cache.py).
ACADEMY_DASHBOARD_CACHE_SECONDS = int(
    os.environ.get("ACADEMY_DASHBOARD_CACHE_SECONDS", "600")
)
# Queues, each with its own workers (docs/operations.md, deploy/): "mail" (sign-in
# codes and other mail someone waits for) and "mail_bulk" (reminders), "certificates"
# (PDF rendering and signing), "reports" (staff imports, rollups, bundles of
# exports), "default" (everything else: sweeps, retention, assignments).
CELERY_TASK_ROUTES = {
    "academy.core.tasks.send_email": {"queue": "mail"},
    "academy.core.tasks.send_email_bulk": {"queue": "mail_bulk"},
    "certificates.*": {"queue": "certificates"},
    "competencies.tasks.matrix_*": {"queue": "reports"},
    "competencies.tasks.staff_import*": {"queue": "reports"},
    "competencies.xapi.tasks.*": {"queue": "reports"},
}
# Time limits: the soft limit raises inside the task (it can clean up), the hard one
# kills the worker child. Every limit stays under CELERY_VISIBILITY_TIMEOUT, so Redis
# never hands a task still running to a second worker. Tasks that take longer by
# design say so here; the others get the default.
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
_LONG = {"soft_time_limit": 3300, "time_limit": 3600}
CELERY_TASK_ANNOTATIONS = {
    # A chunk of 20 statements, each PUT with a 10 s timeout: well under a minute.
    "competencies.xapi.tasks.statements_send": {
        "soft_time_limit": 240,
        "time_limit": 300,
    },
    "competencies.tasks.staff_import_check": _LONG,
    "competencies.tasks.staff_import_apply": _LONG,
    "competencies.tasks.matrix_rollups_build": _LONG,
    "competencies.tasks.matrix_rollup_rebuild": _LONG,
    "competencies.tasks.matrix_sweep": _LONG,
    "competencies.tasks.matrix_snapshots_take": _LONG,
    "certificates.tasks.certificate_bundle_build": _LONG,
    "certificates.tasks.certificate_issue_missing": {
        "soft_time_limit": 1500,
        "time_limit": 1800,
    },
}

# ------------------------------------------------------------------------------
# Wagtail
# ------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Academy"
# The Academy's one public origin (scheme, host, optional port and sub-path): every
# link in mail, QR code, share link, credential id and the did:web issuer is built
# from it (academy.core.public). WAGTAILADMIN_BASE_URL, the Django Site and the Wagtail
# Site follow it (academy.core.sites, after every migrate). Production requires it,
# with https (production.py); changing it later changes the issuer DID, which the
# certificates app's checks refuse until it is decided (docs/operations.md).
ACADEMY_PUBLIC_BASE_URL = os.environ.get(
    "ACADEMY_PUBLIC_BASE_URL",
    os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000"),
).rstrip("/")
WAGTAILADMIN_BASE_URL = ACADEMY_PUBLIC_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Slugs may be Unicode, but Django's slug validator (and Wagtail's slugify) drop Thai
# vowels and tone marks: courses and lessons with Thai titles get their code, English
# title or romanised Thai instead (courses.models.pages.readable_slug).
WAGTAIL_ALLOW_UNICODE_SLUGS = True
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "key",
    "odt",
    "pdf",
    "pptx",
    "rtf",
    "txt",
    "xlsx",
    "zip",
]
# Documents are stored privately and always served by Wagtail's view, which applies
# the collections' view restrictions (never a redirect to a storage URL).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# The admin signs in, resets passwords and changes them through allauth only (rate
# limits, lockout, MFA): no second login form. /admin/login/ (academy/urls.py) sends
# the signed-out on to allauth, and tells a signed-in person without admin access
# so, instead of sending them to allauth, which would send them back (a loop).
WAGTAILADMIN_LOGIN_URL = "wagtailadmin_login"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# ------------------------------------------------------------------------------
# Security
# ------------------------------------------------------------------------------
# A session lasts a working day from sign-in and ends when the browser closes; the
# cookies are HttpOnly and SameSite, and Secure in production (production.py).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
# Sessions are read from the shared cache (Redis in production) and written through
# to the database, which stays the record (signing out elsewhere, allauth's list of
# sessions): no session query on a signed-in page.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "django.views.csrf.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
#: Sent by academy.core.security.SecurityHeadersMiddleware on every response.
ACADEMY_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# SCORM packages play from an origin of their own, so that their scripts cannot reach
# the Academy's pages or cookies (docs/scorm.md); its host must be in
# DJANGO_ALLOWED_HOSTS. Empty: on a machine serving 127.0.0.1, localhost (and back).
ACADEMY_SCORM_CONTENT_ORIGIN = os.environ.get(
    "ACADEMY_SCORM_CONTENT_ORIGIN", ""
).rstrip("/")

# Content Security Policy (django-csp). The site's own pages load scripts and styles
# from this origin only: no inline script, no inline style, no eval. Lesson videos
# are embedded from the two providers the video block accepts.
_SELF = "'self'"
_NONE = "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "media-src": [_SELF],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
    },
}
# Signing in and out through an identity provider: the form's redirect goes to it.
CONTENT_SECURITY_POLICY = with_form_action_origins(
    CONTENT_SECURITY_POLICY, SOCIALACCOUNT_PROVIDERS
)
# Wagtail 8's admin still writes inline scripts (date choosers, inline panels, page
# choosers; checked in Chromium by tests/e2e/test_security_journey.py) and style
# attributes, so it gets a policy of its own: inline allowed, but still no script or
# style from another origin, no eval, no plugins, no framing by other sites. Applied
# by academy.core.security.AcademyCSPMiddleware to paths under /admin/.
ACADEMY_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [_SELF, "'unsafe-inline'"],
        "style-src": [_SELF, "'unsafe-inline'"],
        "img-src": [_SELF, "data:", "blob:"],
        "frame-src": [_SELF, *CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"]],
        "frame-ancestors": [_SELF],
    },
}

# ------------------------------------------------------------------------------
# Logging
# ------------------------------------------------------------------------------
# One line of JSON per record with LOG_FORMAT=json (production's default), plain text
# otherwise; every record carries the request id (academy.core.requestid) and passes
# the national-ID redaction filter first.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_national_ids": {
            "()": "academy.accounts.logging.NationalIdRedactingFilter"
        },
        "request_id": {"()": "academy.core.requestid.RequestIdFilter"},
    },
    "formatters": {
        "json": {"()": "academy.core.jsonlog.JsonFormatter"},
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
        },
        # Django's own, for runserver's request lines.
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_national_ids", "request_id"],
            "formatter": LOG_FORMAT if LOG_FORMAT in {"json", "text"} else "text",
        },
        # runserver's access log (Django's default handler, which has no filter):
        # a search for a national ID must not print it in clear.
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_national_ids"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
        },
    },
}
# Prometheus at /metrics (academy.core.metrics): a bearer token, or scrapers' addresses
# (comma-separated addresses or networks); with neither, /metrics answers 404.
ACADEMY_METRICS_TOKEN = os.environ.get("ACADEMY_METRICS_TOKEN", "")
ACADEMY_METRICS_ALLOWED_IPS = env_list("ACADEMY_METRICS_ALLOWED_IPS")

# ------------------------------------------------------------------------------
# The Academy
# ------------------------------------------------------------------------------
ACADEMY_NAME = _("Digital Government Academy")
#: The Academy's name as it signs mail, the admin and certificates (Thai first).
ACADEMY_NAME_TH = os.environ.get("ACADEMY_NAME_TH", "สถาบันพัฒนาบุคลากรภาครัฐด้านดิจิทัล")
ACADEMY_NAME_EN = os.environ.get("ACADEMY_NAME_EN", "Digital Government Academy")
#: Raise when the privacy notice's text changes: everyone is asked to read and
#: accept it again at their next page (academy/templates/accounts/privacy_notice.html).
ACADEMY_PRIVACY_NOTICE_VERSION = "2026-01"
#: PDPA retention: how long after leaving the service a person's identifying data is
#: kept (README, "Personal data and retention"); then the nightly task anonymises it.
ACADEMY_RETENTION_DAYS = int(os.environ.get("ACADEMY_RETENTION_DAYS", str(365 * 2)))
#: Development hours each civil servant should reach in a fiscal year, where no
#: organisation unit sets its own (courses.DevelopmentTarget). The OCSC's guidance is at
#: least 10 development days a year; 6 hours a day is to confirm (docs/fiscal-reports.md).
ACADEMY_DEVELOPMENT_TARGET_HOURS = float(
    os.environ.get("ACADEMY_DEVELOPMENT_TARGET_HOURS", "60")
)

# ------------------------------------------------------------------------------
# xAPI learning records to a Learning Record Store (docs/xapi.md)
# ------------------------------------------------------------------------------
#: The LRS's xAPI base, e.g. https://lrs.example.go.th/xAPI/ (empty: nothing is
#: recorded or sent). Its Basic-auth credentials come from the environment only.
ACADEMY_XAPI_ENDPOINT = os.environ.get("ACADEMY_XAPI_ENDPOINT", "")
ACADEMY_XAPI_USERNAME = os.environ.get("ACADEMY_XAPI_USERNAME", "")
ACADEMY_XAPI_PASSWORD = os.environ.get("ACADEMY_XAPI_PASSWORD", "")
ACADEMY_XAPI_TIMEOUT = float(os.environ.get("ACADEMY_XAPI_TIMEOUT", "10"))
#: Kinds of event not sent (comma-separated, from competencies.xapi.services.EVENTS:
#: enrolled, lesson_viewed, lesson_completed, attempt_started, attempt_submitted,
#: question_answered, course_completed, certificate_issued, assignment_given,
#: evidence_recorded).
ACADEMY_XAPI_EVENTS_OFF = frozenset(env_list("ACADEMY_XAPI_EVENTS_OFF"))
#: How learners are named in statements: "account" (a random name on the public base
#: URL, the default) or "email" (their address as mbox, the administrator's choice).
ACADEMY_XAPI_IDENTIFY_BY = os.environ.get("ACADEMY_XAPI_IDENTIFY_BY", "account")
#: On anonymisation (PDPA retention), void the statements already sent about them.
ACADEMY_XAPI_VOID_ON_ANONYMISE = os.environ.get(
    "ACADEMY_XAPI_VOID_ON_ANONYMISE", "1"
).lower() not in {"0", "false", "no"}
#: The outbox: resend what is pending after this long; keep sent bodies this long.
ACADEMY_XAPI_RESEND_AFTER_MINUTES = 10
ACADEMY_XAPI_SWEEP_LIMIT = 5000
ACADEMY_XAPI_OUTBOX_KEEP_DAYS = int(
    os.environ.get("ACADEMY_XAPI_OUTBOX_KEEP_DAYS", "30")
)
