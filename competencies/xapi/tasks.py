"""Thin tasks: send statements from the outbox, and sweep it (docs/xapi.md)."""

from celery import shared_task

from .lrs import LrsUnavailable


@shared_task(bind=True, max_retries=8, acks_late=True)
def statements_send(self, statement_ids: list[str]) -> dict:
    """Send these outbox statements; on an unreachable LRS retry the rest later
    (exponential backoff up to an hour); the sweep picks up whatever is left."""
    from .services import statement_send

    done: dict[str, str] = {}
    for index, statement_id in enumerate(statement_ids):
        try:
            done[statement_id] = statement_send(statement_id=statement_id)
        except LrsUnavailable as error:
            countdown = min(30 * 2**self.request.retries, 3600)
            raise self.retry(
                args=[statement_ids[index:]], exc=error, countdown=countdown
            ) from error
    return done


@shared_task
def outbox_sweep() -> dict:
    from .services import outbox_sweep as sweep

    report = sweep()
    return {"queued": report.queued, "emptied": report.emptied}
