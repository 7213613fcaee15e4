"""Production settings: everything secret or environment-specific must come from the environment."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from academy.core.public import base_url_problem
from academy.core.s3 import s3_storages

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to 50 or more characters."
    )
# Rotation: the previous key here keeps sessions and signed links valid meanwhile.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")

# The public origin is permanent once a certificate carries it: never a default here.
ACADEMY_PUBLIC_BASE_URL = os.environ.get("ACADEMY_PUBLIC_BASE_URL", "").rstrip("/")
_problem = base_url_problem(ACADEMY_PUBLIC_BASE_URL, require_https=True)
if _problem:
    raise ImproperlyConfigured(_problem)
WAGTAILADMIN_BASE_URL = ACADEMY_PUBLIC_BASE_URL
# Unless told otherwise, the public host is the one host served, and its origin the
# one trusted for CSRF.
if "DJANGO_ALLOWED_HOSTS" not in os.environ:
    ALLOWED_HOSTS = [urlsplit(ACADEMY_PUBLIC_BASE_URL).hostname]
if "DJANGO_CSRF_TRUSTED_ORIGINS" not in os.environ:
    CSRF_TRUSTED_ORIGINS = [ACADEMY_PUBLIC_BASE_URL]

# Several hosts share one broker and one cache: no in-process tasks (a certificate
# PDF never renders inside a web request), no per-process rate limits or codes.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
if not CELERY_BROKER_URL:
    raise ImproperlyConfigured(
        "CELERY_BROKER_URL must be set in production (e.g. redis://redis:6379/0): "
        "tasks never run inside web requests."
    )
CELERY_TASK_ALWAYS_EAGER = False
REDIS_URL = os.environ.get("REDIS_URL", "")
if not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_URL must be set in production (e.g. redis://redis:6379/1): rate "
        "limits, lockouts and sign-in codes are shared by every host."
    )
CACHES = {
    "default": {
        "BACKEND": "academy.core.rediscache.RedisCache",
        "LOCATION": REDIS_URL,
    }
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
STORAGES = {
    **STORAGES,  # noqa: F405 - base's, with S3 when ACADEMY_S3_PUBLIC_BUCKET is set
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Several hosts must share uploaded files: object storage, unless the operator says
# the media folders are on one host or a shared mount.
if os.environ.get("ACADEMY_S3_PUBLIC_BUCKET"):
    STORAGES.update(s3_storages(os.environ))
elif not env_bool("ACADEMY_FILESYSTEM_MEDIA"):
    raise ImproperlyConfigured(
        "Set ACADEMY_S3_PUBLIC_BUCKET (and the other ACADEMY_S3_* variables) to keep "
        "media and private files in object storage, or ACADEMY_FILESYSTEM_MEDIA=1 "
        "when every host shares DJANGO_MEDIA_ROOT."
    )

# Logs: one JSON object per line unless LOG_FORMAT=text.
LOGGING["handlers"]["console"]["formatter"] = (  # noqa: F405
    "text" if os.environ.get("LOG_FORMAT") == "text" else "json"
)

# Error reporting, only when the environment names a DSN (academy.core.sentry).
if os.environ.get("SENTRY_DSN"):
    from academy.core.sentry import sentry_init

    sentry_init(dsn=os.environ["SENTRY_DSN"])
