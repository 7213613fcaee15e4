"""A course and its lessons submitted for review together, from the page explorer's
bulk actions (courses.review): only what the user may submit, has changes and is not
already under review; the rest is listed and left alone."""

from django.test import Client
from django.urls import reverse

from wagtail.models import Page

import pytest

from academy.accounts.roles import Role
from courses.models import CoursePage
from tests.factories import UserFactory, course

pytestmark = pytest.mark.django_db


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _draft(page) -> None:
    """As the admin leaves a page written and not published: a revision, unpublished."""
    page = page.specific
    page.has_unpublished_changes = True
    page.save_revision(user=page.owner)


def _draft_course(title, owner, slug):
    page = course(title, owner=owner, publish=False, lessons=3, slug=slug)
    for item in [page, *page.get_children()]:
        _draft(item)
    return CoursePage.objects.get(pk=page.pk)


def _url(*pages) -> str:
    ids = "&".join(f"id={page.pk}" for page in pages)
    action = reverse(
        "wagtail_bulk_action", args=["wagtailcore", "page", "submit_for_review"]
    )
    return f"{action}?{ids}&next=/admin/"


@pytest.fixture
def instructor(standards):
    return UserFactory(email="teacher@example.go.th", roles=[Role.INSTRUCTOR])


@pytest.fixture
def other_instructor(standards):
    return UserFactory(email="other@example.go.th", roles=[Role.INSTRUCTOR])


def _in_review(page) -> bool:
    return Page.objects.get(pk=page.pk).workflow_in_progress


def test_an_instructor_submits_a_course_with_its_lessons(instructor):
    own = _draft_course("ความปลอดภัยไซเบอร์เบื้องต้น", instructor, "cyber-basics")
    client = _client_for(instructor)

    confirm = client.get(_url(own))
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "ความปลอดภัยไซเบอร์เบื้องต้น" in html
    assert "include_descendants" in html  # it offers the three lessons too

    response = client.post(_url(own), {"include_descendants": "on"}, follow=True)

    assert "ส่ง 1 หน้าให้ตรวจทานแล้ว พร้อมหน้าย่อย 3 หน้า" in response.content.decode()
    lessons = list(own.get_children())
    assert len(lessons) == 3
    assert _in_review(own) and all(_in_review(lesson) for lesson in lessons)
    state = Page.objects.get(pk=own.pk).current_workflow_state
    assert state.requested_by == instructor
    assert not Page.objects.get(pk=own.pk).live  # submitted, not published


def test_without_subpages_only_the_course_is_submitted(instructor):
    own = _draft_course("การใช้ข้อมูลเปิด", instructor, "open-data")

    _client_for(instructor).post(_url(own), {})

    assert _in_review(own)
    assert not any(_in_review(lesson) for lesson in own.get_children())


def test_another_instructors_course_is_listed_as_refused_and_left_alone(
    instructor, other_instructor
):
    theirs = _draft_course("หลักสูตรของผู้อื่น", other_instructor, "theirs")
    client = _client_for(instructor)

    confirm = client.get(_url(theirs))
    assert confirm.status_code == 200
    assert "หน้าเหล่านี้ส่งให้ตรวจทานไม่ได้" in confirm.content.decode()
    client.post(_url(theirs), {"include_descendants": "on"})

    assert not _in_review(theirs)
    assert not any(_in_review(lesson) for lesson in theirs.get_children())


def test_a_page_already_in_review_or_without_changes_is_skipped(instructor):
    own = _draft_course("การบริหารโครงการดิจิทัล", instructor, "projects")
    client = _client_for(instructor)
    client.post(_url(own), {})  # the course goes to review first
    first_state = Page.objects.get(pk=own.pk).current_workflow_state
    published = course("หลักสูตรที่เผยแพร่แล้ว", owner=instructor, slug="live-one")

    client.post(_url(own, published), {"include_descendants": "on"})

    # The course's review is the same one, not restarted, and a page that cannot be
    # submitted brings no subpage along; a live course with nothing unpublished has
    # nothing to review.
    assert Page.objects.get(pk=own.pk).current_workflow_state == first_state
    assert not any(_in_review(lesson) for lesson in own.get_children())
    assert not _in_review(published)
    # Its lessons, chosen in the course's listing, go on their own.
    client.post(_url(*own.get_children()), {})
    assert all(_in_review(lesson) for lesson in own.get_children())


def test_a_learner_cannot_reach_the_action(standards):
    learner = UserFactory(email="learner@example.go.th")
    own = _draft_course("หลักสูตรร่าง", None, "draft-course")

    response = _client_for(learner).post(_url(own), {"include_descendants": "on"})

    assert response.status_code in (302, 403, 404)
    assert not _in_review(own)
