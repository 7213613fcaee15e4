"""Process-level reference caches (academy/core/refcache.py): the Wagtail Site of a
request and the catalogue index recommendations read are kept per process under
the content version, and a change to a Site or a course is seen at once. (The
standards snapshot: tests/competencies/test_standards_snapshot.py.)"""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Site

import pytest

from academy.core import pagecache
from academy.core.refcache import ReferenceCache
from academy.core.sites import site_cache
from courses.models import CourseCompetency
from courses.selectors import catalogue_index, lessons_of
from tests.factories import UserFactory, competency, course, level

pytestmark = pytest.mark.django_db


def _site_queries(captured) -> int:
    return sum("wagtailcore_site" in query["sql"] for query in captured)


def test_a_page_request_reads_the_site_from_the_process(client, standards):
    client.force_login(UserFactory(email="reader@example.go.th"))
    client.get("/courses/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/courses/").status_code == 200
    assert _site_queries(captured) == 0


def test_a_changed_site_is_seen_at_once():
    site = Site.objects.get(is_default_site=True)
    assert site_cache.get((site.hostname, site.port)).site_name == site.site_name
    site.site_name = "ชื่อใหม่ของเว็บไซต์"
    site.save()
    assert site_cache.get((site.hostname, site.port)).site_name == "ชื่อใหม่ของเว็บไซต์"


def test_an_unknown_host_gets_the_default_site_as_wagtail_would():
    default = Site.objects.get(is_default_site=True)
    assert site_cache.get(("elsewhere.example", 8443)).pk == default.pk


def test_a_site_changed_by_another_worker_is_seen():
    site = Site.objects.get(is_default_site=True)
    site_cache.get((site.hostname, site.port))
    Site.objects.filter(pk=site.pk).update(site_name="จากอีกเครื่อง")  # no signal
    assert site_cache.get((site.hostname, site.port)).site_name != "จากอีกเครื่อง"
    cache.set(pagecache.VERSION_KEY, "bumped elsewhere", timeout=None)
    assert site_cache.get((site.hostname, site.port)).site_name == "จากอีกเครื่อง"


def test_the_catalogue_index_is_kept_until_the_content_changes(framework_academy):
    first = catalogue_index()
    assert catalogue_index() is first
    page = course("หลักสูตรใหม่ในดัชนี", slug="indexed")
    assert page.pk in [item.pk for item in catalogue_index()]


def test_an_unpublished_course_leaves_the_index(framework_academy):
    page = course("หลักสูตรที่จะถอน", slug="withdrawn")
    assert page.pk in [item.pk for item in catalogue_index()]
    page.unpublish()
    assert page.pk not in [item.pk for item in catalogue_index()]


def test_a_courses_new_competency_is_in_the_index(framework_academy):
    page = course("หลักสูตรเพิ่มสมรรถนะ", slug="more")
    item = competency(framework_academy, "ACD-GOV-02")
    catalogue_index()
    CourseCompetency.objects.create(
        page=page, competency=item, level=level(framework_academy, 2), sort_order=0
    )
    (indexed,) = [c for c in catalogue_index() if c.pk == page.pk]
    assert [link.competency_id for link in indexed.competency_links.all()] == [item.pk]


def test_keys_from_requests_cannot_grow_the_process_without_bound():
    built = []
    bounded = ReferenceCache("bounded-test", built.append, max_entries=3)
    try:
        for key in range(10):
            bounded.get(key)
        assert len(bounded._values) == 3
        for key in (7, 8, 9):
            bounded.get(key)
        assert built.count(9) == 1  # the last three are kept
        bounded.get(0)
        assert built.count(0) == 2  # pushed out long ago: built again
    finally:
        from academy.core import refcache

        refcache._registry.remove(bounded)


def test_a_scan_of_junk_keys_cannot_keep_a_used_key_out():
    """The least recently used key goes first: a key asked for between junk keys
    stays, and one asked for after the scan is kept again (a cache that stopped
    keeping keys once full would build it on every request until the version
    moved)."""
    built = []
    bounded = ReferenceCache("lru-test", built.append, max_entries=3)
    try:
        bounded.get("home")
        for junk in range(10):
            bounded.get(f"junk-{junk}")
            bounded.get("home")
        assert built.count("home") == 1
        for junk in range(10, 20):
            bounded.get(f"junk-{junk}")
        bounded.get("course")
        bounded.get("course")
        assert built.count("course") == 1
    finally:
        from academy.core import refcache

        refcache._registry.remove(bounded)


def test_a_courses_lessons_are_counted_until_the_content_changes(framework_academy):
    from courses.models import LessonPage
    from courses.selectors import lesson_counts_cache, live_lessons_count

    page = course("หลักสูตรนับบทเรียน", slug="counted", lessons=2)
    assert live_lessons_count(page) == 2
    assert lesson_counts_cache.get() is lesson_counts_cache.get()

    added = LessonPage(title="บทที่ 3", slug="lesson-3", body=[], live=False)
    page.add_child(instance=added)
    assert live_lessons_count(page) == 2  # a draft
    added.save_revision().publish()
    assert live_lessons_count(page) == 3
    LessonPage.objects.get(pk=added.pk).unpublish()
    assert live_lessons_count(page) == 2
    LessonPage.objects.get(pk=lessons_of(page)[0].pk).delete()
    assert live_lessons_count(page) == 1


def test_a_lesson_moved_to_another_course_counts_there(framework_academy):
    from courses.selectors import live_lessons_count

    source = course("หลักสูตรต้นทาง", slug="source", lessons=2)
    target = course("หลักสูตรปลายทาง", slug="target", lessons=0)
    assert (live_lessons_count(source), live_lessons_count(target)) == (2, 0)
    lessons_of(source)[0].move(target, pos="last-child")
    source.refresh_from_db()
    target.refresh_from_db()
    assert (live_lessons_count(source), live_lessons_count(target)) == (1, 1)


def test_lesson_counts_changed_by_another_worker_are_seen(framework_academy):
    from courses.models import LessonPage
    from courses.selectors import live_lessons_count

    page = course("หลักสูตรจากอีกเครื่อง", slug="elsewhere", lessons=2)
    assert live_lessons_count(page) == 2
    LessonPage.objects.filter(pk=lessons_of(page)[0].pk).update(live=False)
    assert live_lessons_count(page) == 2  # no signal: this process keeps its count
    cache.set(pagecache.VERSION_KEY, "bumped elsewhere", timeout=None)
    assert live_lessons_count(page) == 1
