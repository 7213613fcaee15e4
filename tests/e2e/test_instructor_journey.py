"""An instructor creates a course in the Wagtail admin and submits it for review;
an academy administrator approves it and the course goes live in the catalogue."""

import pytest

from academy.accounts.roles import Role
from courses.models import CatalogPage, CoursePage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(standards):
    instructor = UserFactory(
        email="instructor@example.go.th",
        first_name="อรุณี",
        last_name="สอนดี",
        roles=[Role.INSTRUCTOR],
    )
    administrator = UserFactory(
        email="reviewer@example.go.th",
        first_name="ประเสริฐ",
        last_name="ตรวจทาน",
        roles=[Role.ACADEMY_ADMIN],
    )
    return instructor, administrator


def _open_actions_menu(page):
    page.locator(
        "footer .dropdown-toggle, footer [data-w-dropdown-target='toggle']"
    ).first.click()


def test_instructor_creates_a_course_and_submits_it_for_review(
    browser, live_server, page, sign_in, shot, people
):
    instructor, administrator = people
    catalogue = CatalogPage.objects.get()

    sign_in(page, instructor.email, admin=True)
    page.goto(f"/admin/pages/add/courses/coursepage/{catalogue.pk}/")
    page.fill("#id_title", "การวิเคราะห์ข้อมูลด้วยสเปรดชีต")
    page.fill("#id_title_en", "Data analysis with spreadsheets")
    page.fill("#id_code", "DA-101")
    page.fill("#id_summary", "ใช้สเปรดชีตจัดการ สรุป และนำเสนอข้อมูลของหน่วยงาน")
    page.fill("#id_learning_hours", "4")
    shot(page, "new-course")

    _open_actions_menu(page)
    # An instructor may send the course for review but has no way to publish it.
    assert page.locator("button[name='action-publish']").count() == 0
    page.locator("button[name='action-submit']").click()
    page.wait_for_url("**/admin/pages/**")
    shot(page, "submitted")

    course = CoursePage.objects.get(code="DA-101")
    assert course.owner == instructor
    assert not course.live
    state = course.current_workflow_state
    assert state is not None and state.status == state.STATUS_IN_PROGRESS
    assert state.requested_by == instructor

    # The administrator finds it waiting for review and approves it.
    reviewer = browser.new_context(base_url=live_server.url, locale="th-TH")
    review = reviewer.new_page()
    try:
        sign_in(review, administrator.email, admin=True)
        review.goto("/admin/")
        assert "การวิเคราะห์ข้อมูลด้วยสเปรดชีต" in review.locator("main").inner_text()
        review.goto(f"/admin/pages/{course.pk}/edit/")
        _open_actions_menu(review)
        review.locator("button[data-workflow-action-name='approve']").first.click()
        dialog = review.locator("dialog[open], .modal.show, [role='dialog']:visible")
        if dialog.count():  # "approve with comment" asks for an optional comment
            dialog.locator("button[type='submit']").first.click()
        review.wait_for_url("**/admin/pages/**")
        shot(review, "approved")
    finally:
        reviewer.close()

    course.refresh_from_db()
    assert course.live
    page.goto("/courses/")
    assert "การวิเคราะห์ข้อมูลด้วยสเปรดชีต" in page.locator("main").inner_text()
