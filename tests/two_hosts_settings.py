"""Settings of the two-host test's processes (tests/academy/test_two_hosts.py): the
production settings, unchanged in what they share (database, broker, Redis cache,
object store, sessions), with three allowances for a loopback test: static files
served without collectstatic's manifest, and plain-http cookies and requests (the
test talks to each gunicorn directly, as a balancer's health checks would, with no
TLS in front)."""

from academy.settings.production import *  # noqa: F403
from academy.settings.production import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# The test process stores passwords with the test settings' fast hasher; the hosts
# must be able to check them (and upgrade them at sign-in, as after a migration).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]
