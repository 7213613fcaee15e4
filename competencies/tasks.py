"""Celery tasks of the competencies app: thin, they take ids and call a service."""

from celery import shared_task


@shared_task(acks_late=True)
def matrix_snapshots_take() -> dict:
    """Monthly heat-map figures per HR scope node (idempotent within a month)."""
    from competencies.hr import services

    report = services.matrix_snapshots_take()
    return {
        "month": report.month.isoformat(),
        "created": report.created,
        "skipped": report.skipped,
    }


@shared_task(acks_late=True)
def matrix_rollups_build() -> dict:
    """The organisation matrix's maintained figures of every active framework, rebuilt
    (manage.py matrix_rebuild does the same)."""
    from competencies.rollups import matrix_rollups_build as build

    return build()


@shared_task(acks_late=True)
def matrix_rollup_rebuild(framework_id: int) -> bool:
    """Rebuild one framework's figures if they are (still) stale; idempotent."""
    from competencies.models import Framework, MatrixRollupRun
    from competencies.rollups import matrix_rollup_build

    if not MatrixRollupRun.objects.filter(
        framework_id=framework_id, stale=True
    ).exists():
        return False
    matrix_rollup_build(framework=Framework.objects.get(pk=framework_id))
    return True


@shared_task(acks_late=True)
def matrix_sweep() -> dict:
    """Daily, just after midnight: the maintained figures move on to the new day
    (expired and newly valid evidence, placements that started or ended, leavers)."""
    from competencies.rollups import matrix_sweep as sweep

    return sweep()
