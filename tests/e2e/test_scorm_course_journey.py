"""An instructor makes a whole course of a SCORM package in Chromium: uploads
Rustici's five-SCO Golf Example in the Thai admin with "สร้างหลักสูตรจากแพ็กเกจนี้"
ticked, reads what will be made, double-clicks "สร้างหลักสูตรฉบับร่าง", and lands in
the editor of one draft course whose one lesson plays every SCO; the course then goes
to review with its lesson, unpublished."""

from wagtail.models import Page

import pytest

from academy.accounts.roles import Role
from courses.models import CoursePage, ScormLessonPage, ScormPackage
from tests.courses.scorm_helpers import FORCED_ORDER, FORCED_ORDER_ITEMS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_instructor_makes_a_course_of_a_scorm_package(
    page, sign_in, shot, standards
):
    instructor = UserFactory(
        email="golf.teacher@example.go.th", roles=[Role.INSTRUCTOR]
    )
    sign_in(page, instructor.email, admin=True)

    page.goto("/admin/courses/scorm-packages/add/")
    page.set_input_files("input[name='package_file']", str(FORCED_ORDER))
    page.locator("input[name='create_course']").check()
    shot(page, "upload")
    page.locator("form button[type='submit']", has_text="บันทึก").first.click()
    package = ScormPackage.objects.get(uploaded_by=instructor)
    page.wait_for_url(f"**/admin/courses/scorm-packages/{package.pk}/course/")
    content = page.content()
    assert "สร้างหลักสูตรจากแพ็กเกจ SCORM" in content
    assert "Golf Explained - Sequencing Forced Order" in content
    assert "ที่เล่นทั้งแพ็กเกจ" in content
    shot(page, "confirm")

    # A double click sends the form at most twice; one course is made either way.
    page.locator("button[type='submit']", has_text="สร้างหลักสูตรฉบับร่าง").dblclick()
    page.wait_for_url("**/admin/pages/*/edit/")
    page.wait_for_selector("text=สร้างหลักสูตรฉบับร่าง")
    shot(page, "editor")
    course = CoursePage.objects.get()
    assert page.url.endswith(f"/admin/pages/{course.pk}/edit/")
    lesson = ScormLessonPage.objects.get()
    assert lesson.get_parent().pk == course.pk
    assert [item["identifier"] for item in lesson.package.launchable] == (
        FORCED_ORDER_ITEMS
    )
    assert not course.live and course.owner == instructor

    # The existing review workflow: the course and its lesson submitted together.
    page.goto(f"/admin/pages/{course.get_parent().pk}/")
    page.locator(
        f"input[data-bulk-action-checkbox][data-object-id='{course.pk}']"
    ).check()
    page.locator("[data-bulk-action-footer] a", has_text="ส่งให้ตรวจทาน").click()
    page.wait_for_url("**/bulk/wagtailcore/page/submit_for_review/**")
    page.locator("input[name='include_descendants']").check()
    page.locator("button[type='submit']", has_text="ยืนยัน ส่งให้ตรวจทาน").click()
    page.wait_for_selector("text=ส่ง 1 หน้าให้ตรวจทานแล้ว พร้อมหน้าย่อย 1 หน้า")
    shot(page, "submitted")
    for item in (course, lesson):
        fresh = Page.objects.get(pk=item.pk)
        assert fresh.current_workflow_state is not None and not fresh.live
