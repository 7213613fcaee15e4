"""Scheduled privacy work: thin tasks over academy.accounts.privacy."""

from celery import shared_task


@shared_task(acks_late=True)
def anonymise_leavers() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): anonymise people past the retention period."""
    from .privacy import retention_run

    return retention_run()
