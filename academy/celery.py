"""The Celery app: reads CELERY_* settings; runs tasks in-process when no broker is set."""

import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

from academy.accounts.logging import NationalIdRedactingFilter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.dev")

app = Celery("academy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def _redact_national_ids(logger, **kwargs):
    """Celery replaces the root logger's handlers; the redacting filter goes on theirs."""
    for handler in logger.handlers:
        handler.addFilter(NationalIdRedactingFilter())
