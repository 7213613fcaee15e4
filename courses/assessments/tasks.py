"""Celery tasks of assessments: thin, they call a service (scheduled by Celery beat)."""

from celery import shared_task


@shared_task(acks_late=True)
def attempts_close_expired() -> dict:
    """Every few minutes: grade the attempts whose time ran out unattended."""
    from . import services

    report = services.attempts_close_expired()
    return {"closed": report.closed, "failed": report.failed}
