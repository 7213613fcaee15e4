"""Which settings are running: the only place that decides what dev and test may skip."""

import os

from django.conf import settings


def settings_name() -> str:
    """The last part of the settings module: base, dev, test or production."""
    # Overridden settings (override_settings, pytest-django's `settings`) report
    # SETTINGS_MODULE as None; the environment still names the module.
    module = getattr(settings, "SETTINGS_MODULE", None) or os.environ.get(
        "DJANGO_SETTINGS_MODULE", ""
    )
    return module.rsplit(".", 1)[-1]


def test_hooks_enabled() -> bool:
    """Test settings (or ACADEMY_TEST_HOOKS): test-only hooks may run."""
    return bool(getattr(settings, "ACADEMY_TEST_HOOKS", False)) or (
        settings_name() == "test"
    )


def is_dev_or_test() -> bool:
    """Dev or test settings: the only ones allowed secrets derived from SECRET_KEY
    (so that a fresh checkout works); production must be given its own."""
    return test_hooks_enabled() or settings_name() == "dev"
