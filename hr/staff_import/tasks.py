"""Celery tasks of the staff import: thin, they take ids and call a service.

Services are imported in each task's body (services import the tasks at module
level). The tasks keep the names they had in competencies.tasks, so that queued jobs, the
routes, time limits and the beat schedule in settings still find them.
"""

from celery import shared_task


@shared_task(name="competencies.tasks.staff_import_check", acks_late=True)
def staff_import_check(job_id: int) -> str:
    """The dry run of a large staff file."""
    from . import services

    return services.staff_import_check(job_id=job_id).status


@shared_task(name="competencies.tasks.staff_import_apply", acks_late=True)
def staff_import_apply(job_id: int) -> str:
    """The real run of a large staff file, after its dry run was confirmed."""
    from . import services

    return services.staff_import_apply(job_id=job_id).status


@shared_task(name="competencies.tasks.staff_imports_discard_stale", acks_late=True)
def staff_imports_discard_stale() -> int:
    """Daily: drop the uploads (national IDs in clear) of dry runs never applied."""
    from . import services

    return services.staff_imports_discard_stale()
