"""Serving Wagtail pages from the process-level route and view-restriction caches
(academy/core/routing.py): the tree is not walked again, and no change to a page or a
restriction is ever missed, with or without the content version moving."""

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page, PageViewRestriction

import pytest

from academy.core import routing
from courses.models import CoursePage, LessonPage
from courses.selectors import lessons_of
from tests.factories import UserFactory, course

pytestmark = pytest.mark.django_db

LESSON_BODY_MARK = 'class="lesson'


@pytest.fixture
def governance(framework_academy):
    return course("การกำกับดูแลข้อมูลภาครัฐ", slug="governance", lessons=2)


@pytest.fixture
def other(framework_academy):
    return course("หลักสูตรอื่น", slug="other", lessons=1)


def _page_queries(client, url) -> tuple[int, int]:
    """(status, queries on wagtailcore_page) of one GET."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    tree = [q for q in captured if '"wagtailcore_page"' in q["sql"]]
    return response.status_code, len(tree)


def test_a_routed_page_is_read_in_one_query_once_cached(client, governance):
    lesson = lessons_of(governance)[-1]
    status, walked = _page_queries(client, lesson.url)
    assert status == 200

    status, cached = _page_queries(client, lesson.url)

    assert status == 200
    # The lesson (its specific row); its course and the course's lessons come
    # from the course outline's cache (courses.selectors.course_outline).
    assert cached == 1 < walked


def test_the_cache_serves_what_the_walk_serves(client, governance):
    for page in (governance, *lessons_of(governance)):
        first = client.get(page.url)
        second = client.get(page.url)
        assert first.status_code == second.status_code == 200
        assert second.context["page"].pk == page.pk
        assert type(second.context["page"]) is type(page.specific)


def test_an_unpublished_page_is_not_served(client, governance):
    lesson = lessons_of(governance)[0]
    assert client.get(lesson.url).status_code == 200

    lesson.unpublish()

    assert client.get(lesson.url).status_code == 404


def test_a_deleted_page_is_not_served(client, governance):
    lesson = lessons_of(governance)[0]
    url = lesson.url
    assert client.get(url).status_code == 200

    Page.objects.get(pk=lesson.pk).delete()

    assert client.get(url).status_code == 404


def test_a_moved_page_is_served_at_its_new_path_only(client, governance, other):
    lesson = lessons_of(governance)[1]  # other's has the first one's slug
    old = lesson.url
    assert client.get(old).status_code == 200

    lesson.move(other, pos="last-child")
    lesson.refresh_from_db()

    # Not found at the old path: Wagtail's redirects send the visitor on.
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == lesson.url
    assert client.get(lesson.url).status_code == 200
    assert client.get(lesson.url).context["page"].pk == lesson.pk


def test_a_renamed_slug_moves_the_page(client, governance):
    old = governance.url
    assert client.get(old).status_code == 200

    governance.slug = "governance-2026"
    governance.save_revision().publish()

    assert client.get(old).status_code == 404
    assert client.get("/courses/governance-2026/").status_code == 200


def test_a_stale_entry_never_serves_even_without_a_bump(client, governance):
    """Rows changed behind Wagtail's back send no signal: the page read at serving
    time must still be live and at the path asked for."""
    lesson = lessons_of(governance)[0]
    url = lesson.url
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # from the cache

    Page.objects.filter(pk=lesson.pk).update(
        slug="elsewhere", url_path=lesson.url_path.replace(lesson.slug, "elsewhere")
    )
    assert client.get(url).status_code == 404

    Page.objects.filter(pk=lesson.pk).update(slug=lesson.slug, url_path=lesson.url_path)
    assert client.get(url).status_code == 200
    Page.objects.filter(pk=lesson.pk).update(live=False)
    assert client.get(url).status_code == 404


def test_a_new_page_at_a_path_that_was_not_found(client, governance):
    assert client.get("/courses/later/").status_code == 404

    course("หลักสูตรใหม่", slug="later")

    assert client.get("/courses/later/").status_code == 200


def test_paths_through_a_page_that_routes_itself_are_not_cached(
    governance, monkeypatch
):
    lesson = lessons_of(governance)[0]
    root = Page.objects.get(depth=2).specific
    key = (root.pk, ("courses", governance.slug, lesson.slug))
    assert routing._route_build(key) == (lesson.pk, lesson.content_type_id)

    monkeypatch.setattr(CoursePage, "route", lambda self, request, parts: None)

    assert routing._route_build(key) is None


# ------------------------------------------------------------------------------
# View restrictions: which exist is cached, whether someone passes is not
# ------------------------------------------------------------------------------


def test_a_restriction_added_to_an_ancestor_is_applied_at_once(client, governance):
    lesson = lessons_of(governance)[0]
    assert client.get(lesson.url).status_code == 200
    assert client.get(lesson.url).status_code == 200

    restriction = PageViewRestriction.objects.create(
        page=governance, restriction_type=PageViewRestriction.LOGIN
    )

    response = client.get(lesson.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(governance.url).status_code == 302

    restriction.delete()
    assert client.get(lesson.url).status_code == 200


def test_a_restriction_on_the_catalogue_covers_every_course(client, governance):
    lesson = lessons_of(governance)[0]
    assert client.get(lesson.url).status_code == 200

    PageViewRestriction.objects.create(
        page=governance.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )

    for url in ("/courses/", governance.url, lesson.url):
        assert client.get(url).status_code == 302


def test_group_membership_is_read_on_every_request(client, governance):
    lesson = lessons_of(governance)[0]
    group = Group.objects.create(name="ผู้เรียนกลุ่มพิเศษ")
    restriction = PageViewRestriction.objects.create(
        page=governance, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    user = UserFactory()
    client.force_login(user)
    assert client.get(lesson.url).status_code == 302
    assert client.get(lesson.url).status_code == 302  # from the cache

    user.groups.add(group)
    assert client.get(lesson.url).status_code == 200

    restriction.groups.remove(group)  # no group may see it now
    assert client.get(lesson.url).status_code == 302


def test_a_restriction_changed_in_type_is_applied(client, governance):
    lesson = lessons_of(governance)[0]
    client.force_login(UserFactory())
    restriction = PageViewRestriction.objects.create(
        page=governance, restriction_type=PageViewRestriction.LOGIN
    )
    assert client.get(lesson.url).status_code == 200

    restriction.restriction_type = PageViewRestriction.GROUPS
    restriction.save()

    assert client.get(lesson.url).status_code == 302


def test_a_moved_page_takes_its_new_ancestors_restrictions(client, governance, other):
    PageViewRestriction.objects.create(
        page=other, restriction_type=PageViewRestriction.LOGIN
    )
    lesson = LessonPage.objects.get(pk=lessons_of(governance)[1].pk)
    assert client.get(lesson.url).status_code == 200

    lesson.move(other, pos="last-child")
    lesson.refresh_from_db()

    assert client.get(lesson.url).status_code == 302


def test_the_restrictions_query_set_still_reads_the_database_when_refined(governance):
    """Wagtail's admin orders and counts it: those clones ignore the cached rows."""
    lesson = LessonPage.objects.get(pk=lessons_of(governance)[0].pk)
    assert list(lesson.get_view_restrictions()) == []  # cached: none
    restriction = PageViewRestriction.objects.create(
        page=governance, restriction_type=PageViewRestriction.LOGIN
    )
    # Behind the cache's back (a bulk insert sends no signal): a refined query set
    # reads the rows.
    PageViewRestriction.objects.filter(pk=restriction.pk).update(
        restriction_type=PageViewRestriction.PASSWORD
    )
    refined = lesson.get_view_restrictions().order_by("-page__depth")
    assert [r.restriction_type for r in refined] == [PageViewRestriction.PASSWORD]


def test_the_caches_are_off_with_the_reference_caches(client, governance, settings):
    settings.ACADEMY_REFERENCE_CACHE = False
    lesson = lessons_of(governance)[0]
    client.get(lesson.url)

    status, walked = _page_queries(client, lesson.url)

    assert status == 200 and walked > 3
