"""Keeps the search index in step with publishing: Wagtail's page signals for courses
and lessons, and the synonym list's saves and deletions.

Deleting a page needs no handler: its entries go with it (foreign keys cascade).
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from ..models import CoursePage, LessonPage, SearchSynonym
from . import services, tasks


def _course_ids(page_class, page: Page, *parents: Page) -> set[int]:
    """The courses whose entries a change to this page touches."""
    if issubclass(page_class, CoursePage):
        return {page.pk}
    if issubclass(page_class, LessonPage):
        return {parent.pk for parent in parents or (page.get_parent(),)}
    return set()


def _reindex(course_ids: set[int]) -> None:
    for course_id in course_ids:
        services.search_index_update(course_id=course_id)


def page_changed(sender, instance, **kwargs) -> None:
    _reindex(_course_ids(sender, instance))


def page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    _reindex(_course_ids(sender, instance, parent_page_before, parent_page_after))


def synonyms_changed(sender, instance, **kwargs) -> None:
    transaction.on_commit(tasks.search_index_rebuild.delay)


def register() -> None:
    for page_class in (CoursePage, LessonPage):
        page_published.connect(page_changed, sender=page_class)
        page_unpublished.connect(page_changed, sender=page_class)
        post_page_move.connect(page_moved, sender=page_class)
    post_save.connect(synonyms_changed, sender=SearchSynonym)
    post_delete.connect(synonyms_changed, sender=SearchSynonym)
