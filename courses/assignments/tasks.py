"""Celery tasks of assignments: thin, they call a service (scheduled by Celery beat)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def assignment_reminders_send() -> dict:
    """Daily: mail the due-soon and overdue reminders owed today, each only once."""
    report = services.assignment_reminders_send()
    return {"sent": report.sent, "skipped": report.skipped}


@shared_task(acks_late=True)
def assignments_add_new_members() -> dict:
    """Daily, before the reminders: add the newcomers that open assignments asked for."""
    return {"added": services.assignments_add_new_members()}
