"""Writes of the search index: one course (with its live lessons) at a time, or all.

A course's entries are replaced whole, so an edit that removes a word from a lesson
removes it from the index. Entries hold only live, public-or-private-alike pages; the
query still checks that the course is live and public, so a stale entry can never show
a page that is not.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils.html import strip_tags

from wagtail.rich_text import get_text_for_indexing

from academy.core.thaitext import Vocabulary

from ..models import CourseCompetency, CoursePage, LessonPage, SearchEntry
from .vocabulary import current_vocabulary

Weight = SearchEntry.Weight


def _rich_text(html: str) -> str:
    return get_text_for_indexing(html or "") if html else ""


def _stream_text(value) -> str:
    if not value:
        return ""
    content = value.stream_block.get_searchable_content(value)
    return "\n".join(strip_tags(str(item)) for item in content)


def _course_fields(course: CoursePage, links) -> list[tuple[str, int]]:
    fields = [
        (course.title, Weight.TITLE),
        (course.title_en, Weight.TITLE),
        (course.code or "", Weight.TITLE),
        (course.summary, Weight.SUMMARY),
        (course.summary_en, Weight.SUMMARY),
        (_rich_text(course.description), Weight.LESSON_TITLE),
        (_rich_text(course.description_en), Weight.LESSON_TITLE),
    ]
    for link in links:
        competency = link.competency
        fields += [
            (competency.code, Weight.SUMMARY),
            (competency.name_th, Weight.SUMMARY),
            (competency.name_en, Weight.SUMMARY),
        ]
    return fields


def _lesson_fields(lesson: LessonPage) -> list[tuple[str, int]]:
    return [
        (lesson.title, Weight.LESSON_TITLE),
        (lesson.title_en, Weight.LESSON_TITLE),
        (_stream_text(lesson.body), Weight.BODY),
        (_stream_text(lesson.body_en), Weight.BODY),
    ]


def _entries(
    *, vocabulary: Vocabulary, page_id: int, course_id: int, fields
) -> list[SearchEntry]:
    weights: dict[str, int] = {}
    occurrences: dict[str, int] = defaultdict(int)
    for text, weight in fields:
        for token in vocabulary.document_tokens(text or ""):
            weights[token] = max(weights.get(token, 0), weight)
            occurrences[token] += 1
    return [
        SearchEntry(
            page_id=page_id,
            course_id=course_id,
            token=token,
            weight=weight,
            occurrences=occurrences[token],
        )
        for token, weight in weights.items()
    ]


@dataclass
class IndexReport:
    courses: int = 0
    entries: int = 0


def _index_courses(courses: list[CoursePage], vocabulary: Vocabulary) -> IndexReport:
    report = IndexReport()
    links = defaultdict(list)
    for link in CourseCompetency.objects.filter(
        page__in=[course.pk for course in courses]
    ).select_related("competency"):
        links[link.page_id].append(link)
    lessons = defaultdict(list)
    for course in courses:
        lessons[course.pk] = list(LessonPage.objects.live().child_of(course))
    entries: list[SearchEntry] = []
    for course in courses:
        entries += _entries(
            vocabulary=vocabulary,
            page_id=course.pk,
            course_id=course.pk,
            fields=_course_fields(course, links[course.pk]),
        )
        for lesson in lessons[course.pk]:
            entries += _entries(
                vocabulary=vocabulary,
                page_id=lesson.pk,
                course_id=course.pk,
                fields=_lesson_fields(lesson),
            )
        report.courses += 1
    SearchEntry.objects.bulk_create(entries, batch_size=1000)
    report.entries = len(entries)
    return report


@transaction.atomic
def search_index_update(*, course_id: int) -> IndexReport:
    """Index one course and its live lessons again, or drop it when it is not live."""
    SearchEntry.objects.filter(course_id=course_id).delete()
    course = CoursePage.objects.live().filter(pk=course_id).first()
    if course is None:
        return IndexReport()
    # A lesson moved here from another course keeps that course's entries until the
    # other is indexed again; whichever of the two is indexed first, drop them here.
    SearchEntry.objects.filter(
        page_id__in=LessonPage.objects.child_of(course).values("pk")
    ).delete()
    return _index_courses([course], current_vocabulary())


@transaction.atomic
def search_index_rebuild() -> IndexReport:
    """Index every live course again: after a synonym changes, or to repair the index."""
    SearchEntry.objects.all().delete()
    vocabulary = current_vocabulary()
    report = IndexReport()
    courses = list(CoursePage.objects.live().order_by("pk"))
    for start in range(0, len(courses), 50):
        part = _index_courses(courses[start : start + 50], vocabulary)
        report.courses += part.courses
        report.entries += part.entries
    return report
