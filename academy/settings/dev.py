"""Development settings: the embedded default a newcomer gets from `make run`."""

import os

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, VAR_DIR

DEBUG = True
# A per-checkout development key, never used in production (production.py refuses it).
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-3c6b1f0a9e7d4c2b8f5a"
)
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = VAR_DIR / "mail"

# `make bench` runs the benchmarks' commands (run_benchmarks, generate_population) with
# these settings; the base and production settings do not install the benchmarks.
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]
