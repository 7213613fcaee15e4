"""The anonymous full-page cache (academy/core/pagecache.py) and the CSRF-free language
switcher it needs: what is cached, for whom, under which key, and every change that
must orphan it."""

from unittest import mock

from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

import pytest

from academy.core import pagecache
from tests.factories import UserFactory, competency, course, level

pytestmark = pytest.mark.django_db

STATUS = pagecache.STATUS_HEADER


@pytest.fixture
def page_cache(settings):
    settings.ACADEMY_PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def governance(framework_academy):
    return course(
        "การกำกับดูแลข้อมูลภาครัฐ",
        slug="governance",
        title_en="Government data governance",
        lessons=2,
        competencies=[(competency(framework_academy, "ACD-GOV-02"), 3)],
    )


def _twice(client, url, **extra):
    first = client.get(url, **extra)
    second = client.get(url, **extra)
    return first, second


# ------------------------------------------------------------------------------
# The language switcher: a link, no CSRF token on any page
# ------------------------------------------------------------------------------


def test_language_link_sets_the_cookie_and_returns_to_the_page(client):
    response = client.get("/language/en/", {"next": "/courses/?mode=self_paced"})

    assert response.status_code == 302
    assert response["Location"] == "/courses/?mode=self_paced"
    assert response.cookies["django_language"].value == "en"
    assert "no-cache" in response["Cache-Control"]
    assert 'lang="en"' in client.get("/").content.decode()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", ""]
)
def test_language_link_never_leaves_the_site(client, target):
    response = client.get("/language/th/", {"next": target})

    assert response["Location"] == "/"


def test_language_link_refuses_unknown_languages_and_posts(client):
    assert client.get("/language/fr/").status_code == 404
    assert client.post("/language/en/").status_code == 405


def test_public_pages_carry_no_csrf_token(client, governance):
    lesson = governance.get_children().first()
    for url in ["/", "/courses/", governance.url, lesson.url, "/search/?q=ข้อมูล"]:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert "csrfmiddlewaretoken" not in html, url
        assert "csrftoken" not in response.cookies, url
        assert 'href="/language/en/?next=' in html, url


# ------------------------------------------------------------------------------
# What is cached, for whom
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["home", "catalogue", "course", "lesson", "search"])
def test_anonymous_public_pages_are_served_from_the_cache_without_a_query(
    client, page_cache, governance, page
):
    url = {
        "home": "/",
        "catalogue": "/courses/",
        "course": governance.url,
        "lesson": governance.get_children().first().url,
        "search": "/search/?q=ข้อมูล",
    }[page]
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)

    assert first[STATUS] == "miss"
    assert second[STATUS] == "hit"
    assert second.content == first.content
    assert len(queries) == 0
    assert "Cookie" in second["Vary"]
    assert second["X-Frame-Options"] == first["X-Frame-Options"]
    assert second["Content-Security-Policy"]  # the outer middleware still runs


def test_the_key_holds_the_language_and_the_query(client, page_cache, governance):
    thai, _ = _twice(client, "/courses/")
    english = client.get("/courses/", HTTP_ACCEPT_LANGUAGE="en")
    filtered = client.get("/courses/?mode=classroom")

    assert english[STATUS] == "miss" and 'lang="en"' in english.content.decode()
    assert 'lang="th"' in thai.content.decode()
    assert filtered[STATUS] == "miss"
    client.cookies["django_language"] = "en"
    assert client.get("/courses/")[STATUS] == "hit"  # English, stored above


def test_signed_in_people_neither_read_nor_fill_the_cache(
    client, page_cache, governance
):
    anonymous, _ = _twice(client, governance.url)
    assert "Sign in to enrol" in anonymous.content.decode() or anonymous[STATUS]
    user = UserFactory()
    client.force_login(user)

    first, second = _twice(client, governance.url)

    assert STATUS not in first and STATUS not in second
    assert "/dashboard/" in second.content.decode()
    assert "/dashboard/" not in anonymous.content.decode()


def test_a_visitor_with_a_session_is_not_answered_from_the_cache(
    client, page_cache, settings, governance
):
    _twice(client, "/courses/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-real-session"

    assert STATUS not in client.get("/courses/")


def test_pages_that_did_not_opt_in_are_not_cached(client, page_cache):
    first, second = _twice(client, "/verify/")

    assert first.status_code == 200
    assert STATUS not in first and STATUS not in second


def _middleware_run(view_response, *, allow=True, prepare=None):
    request = RequestFactory().get("/courses/")
    request.LANGUAGE_CODE = "th"
    if prepare:
        prepare(request)

    def get_response(request):
        if allow:
            pagecache.page_cache_allow(request)
        return view_response(request)

    return pagecache.PageCacheMiddleware(get_response)(request)


@pytest.mark.parametrize(
    "case",
    ["cookie", "private", "no-store", "not-200", "csrf", "messages", "not-allowed"],
)
def test_responses_meant_for_one_visitor_are_never_stored(page_cache, case):
    def view(request):
        response = HttpResponse("page", status=404 if case == "not-200" else 200)
        if case == "cookie":
            response.set_cookie("anything", "1")
        if case == "private":
            response["Cache-Control"] = "private"
        if case == "no-store":
            response["Cache-Control"] = "no-store"
        if case == "csrf":
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
        return response

    def prepare(request):
        if case == "messages":
            from django.contrib.messages.storage.cookie import CookieStorage

            request._messages = CookieStorage(request)
            messages.info(request, "saved")

    response = _middleware_run(view, allow=case != "not-allowed", prepare=prepare)
    again = _middleware_run(lambda request: HttpResponse("fresh"))

    assert STATUS not in response
    assert again.content == b"fresh"


def test_pages_are_stored_with_the_backstop_ttl(page_cache, settings):
    settings.ACADEMY_PAGE_CACHE_SECONDS = 123
    with mock.patch.object(pagecache.cache, "set", wraps=pagecache.cache.set) as spy:
        _middleware_run(lambda request: HttpResponse("page"))

    stored = [
        call for call in spy.call_args_list if call.args[0].startswith("academy:page:")
    ]
    assert stored and stored[0].kwargs["timeout"] == 123


def test_the_cache_is_off_at_zero_seconds(client, settings, governance):
    settings.ACADEMY_PAGE_CACHE_SECONDS = 0

    first, second = _twice(client, "/courses/")

    assert STATUS not in first and STATUS not in second


# ------------------------------------------------------------------------------
# Every change an anonymous visitor would see orphans the cache
# ------------------------------------------------------------------------------


def _cached(client, url):
    client.get(url)
    assert client.get(url)[STATUS] == "hit"


def test_publishing_a_page_bumps_the_version(client, page_cache, governance):
    _cached(client, "/courses/")
    revision = governance.save_revision()
    governance.title = "ธรรมาภิบาลข้อมูล ฉบับปรับปรุง"
    revision = governance.save_revision()
    revision.publish()

    response = client.get("/courses/")

    assert response[STATUS] == "miss"
    assert "ธรรมาภิบาลข้อมูล ฉบับปรับปรุง" in response.content.decode()


def test_a_draft_revision_does_not_bump_the_version(client, page_cache, governance):
    _cached(client, "/courses/")
    governance.title = "ร่างที่ยังไม่เผยแพร่"
    governance.save_revision()

    assert client.get("/courses/")[STATUS] == "hit"


def test_unpublishing_a_page_bumps_the_version(client, page_cache, governance):
    _cached(client, "/courses/")
    governance.unpublish()

    response = client.get("/courses/")

    assert response[STATUS] == "miss"
    assert governance.title not in response.content.decode()


def test_moving_a_page_bumps_the_version(client, page_cache, governance):
    first, second = governance.get_children().specific()
    _cached(client, governance.url)
    _cached(client, second.url)
    second.move(first, pos="left")

    assert client.get(governance.url)[STATUS] == "miss"


def test_deleting_a_page_bumps_the_version(client, page_cache, governance):
    lesson = governance.get_children().last()
    _cached(client, governance.url)
    lesson.delete()

    response = client.get(governance.url)

    assert response[STATUS] == "miss"
    assert lesson.title not in response.content.decode()
    _cached(client, "/courses/")
    governance.delete()
    assert governance.title not in client.get("/courses/").content.decode()


def test_a_view_restriction_bumps_the_version(client, page_cache, governance):
    from wagtail.models import PageViewRestriction

    _cached(client, governance.url)
    restriction = PageViewRestriction.objects.create(
        page=governance, restriction_type=PageViewRestriction.LOGIN
    )

    assert client.get(governance.url).status_code == 302  # to sign-in, not cached
    restriction.delete()
    assert client.get(governance.url)[STATUS] == "miss"


def test_changing_a_courses_competencies_bumps_the_version(
    client, page_cache, framework_academy, governance
):
    from courses.models import CourseCompetency

    _cached(client, governance.url)
    link = CourseCompetency.objects.get(page=governance)
    link.level = level(framework_academy, 1)
    link.save()

    assert client.get(governance.url)[STATUS] == "miss"
    _cached(client, governance.url)
    link.delete()
    assert client.get(governance.url)[STATUS] == "miss"


def test_changing_the_standards_bumps_the_version(
    client, page_cache, framework_academy, governance
):
    _cached(client, governance.url)
    item = competency(framework_academy, "ACD-GOV-02")
    item.name_th = "ธรรมาภิบาลข้อมูล (ปรับปรุง)"
    item.save()

    response = client.get(governance.url)

    assert response[STATUS] == "miss"
    assert "ธรรมาภิบาลข้อมูล (ปรับปรุง)" in response.content.decode()


def test_rebuilding_the_search_index_bumps_the_version(client, page_cache, governance):
    from courses.search.tasks import search_index_rebuild

    _cached(client, "/search/?q=ข้อมูล")
    search_index_rebuild()

    assert client.get("/search/?q=ข้อมูล")[STATUS] == "miss"


def test_the_bump_is_repeated_when_the_transaction_commits(
    page_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        before = pagecache.content_version()
        pagecache.content_version_bump()
        bumped = pagecache.content_version()

    assert bumped != before
    assert len(callbacks) == 1
    callbacks[0]()
    assert pagecache.content_version() not in {before, bumped}
