"""Scheduled privacy work: thin tasks over academy.accounts.privacy."""

from celery import shared_task

from .privacy import retention_run


@shared_task(acks_late=True)
def anonymise_leavers() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): anonymise people past the retention period."""
    return retention_run()
