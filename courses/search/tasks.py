"""Celery tasks of search: thin, they call a service."""

from celery import shared_task

from academy.core.pagecache import content_version_bump


@shared_task(acks_late=True)
def search_index_rebuild() -> dict:
    """After the synonym list changes: every page is read again under the new list."""
    from . import services

    report = services.search_index_rebuild()
    content_version_bump()  # cached search pages were read from the old index
    return {"courses": report.courses, "entries": report.entries}
