"""Celery tasks of the competencies app: thin, they take ids and call a service."""

from celery import shared_task

from competencies.hr import services


@shared_task(acks_late=True)
def matrix_snapshots_take() -> dict:
    """Monthly heat-map figures per HR scope node (idempotent within a month)."""
    report = services.matrix_snapshots_take()
    return {
        "month": report.month.isoformat(),
        "created": report.created,
        "skipped": report.skipped,
    }


@shared_task(acks_late=True)
def staff_import_check(job_id: int) -> str:
    """The dry run of a large staff file."""
    return services.staff_import_check(job_id=job_id).status


@shared_task(acks_late=True)
def staff_import_apply(job_id: int) -> str:
    """The real run of a large staff file, after its dry run was confirmed."""
    return services.staff_import_apply(job_id=job_id).status


@shared_task(acks_late=True)
def staff_imports_discard_stale() -> int:
    """Daily: drop the uploads (national IDs in clear) of dry runs never applied."""
    return services.staff_imports_discard_stale()


@shared_task(acks_late=True)
def matrix_rollups_build() -> dict:
    """Nightly: the organisation matrix's rollup of every active framework, which large
    subtrees (a whole ministry) read instead of aggregating all evidence live."""
    from competencies.services import matrix_rollups_build as build

    return build()
