"""Celery tasks of assignments: thin, they call a service (scheduled by Celery beat)."""

from celery import shared_task


@shared_task(acks_late=True)
def assignment_reminders_send() -> dict:
    """Daily: mail the due-soon and overdue reminders owed today, each only once."""
    from . import services

    report = services.assignment_reminders_send()
    return {"sent": report.sent, "skipped": report.skipped}


@shared_task(acks_late=True)
def assignments_add_new_members() -> dict:
    """Daily, before the reminders: add the newcomers that open assignments asked for."""
    from . import services

    return {"added": services.assignments_add_new_members()}


@shared_task(acks_late=True)
def assignment_notices_send(assignment_id: int) -> dict:
    """After an assignment is made: tell each of its people, once, by mail."""
    from ..models import CourseAssignment
    from . import services

    assignment = (
        CourseAssignment.objects.select_related("course")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        return {"sent": 0}
    return {"sent": services.assignment_notices_send(assignment=assignment)}
