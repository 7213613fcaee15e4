"""Test settings: fast hashing, in-memory mail and cache, eager Celery unless a broker is set."""

import os

from .base import *  # noqa: F403
from .base import INSTALLED_APPS

SECRET_KEY = "test-only-secret-key-not-for-production"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "academy-tests",
    }
}
# Tests that render a page twice around a change made without signals would read the
# first from the page cache: off here, on in the page cache's own tests.
ACADEMY_PAGE_CACHE_SECONDS = 0
ACADEMY_DASHBOARD_CACHE_SECONDS = (
    0  # likewise; on in tests/courses/test_dashboard_cache.py
)
# Tests run tasks in-process; the real-worker tests switch the app to a broker.
CELERY_TASK_ALWAYS_EAGER = True
# A real worker started by the tests writes mail where the test can read it.
if os.environ.get("ACADEMY_TEST_EMAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["ACADEMY_TEST_EMAIL_DIR"]
ACADEMY_PUBLIC_BASE_URL = WAGTAILADMIN_BASE_URL = "http://testserver"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"handlers": [], "level": "WARNING"},
}

# A second connection to the test database, as a read replica would be; off unless a
# test names it (override ACADEMY_REPLICA_ALIAS = "replica"), so every other test
# reads its own uncommitted rows through "default".
if "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = {  # noqa: F405
        **DATABASES["default"],  # noqa: F405
        "TEST": {"MIRROR": "default"},
    }

# The benchmarks' tests run their commands (generate_population); the base and
# production settings do not install the benchmarks.
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]
