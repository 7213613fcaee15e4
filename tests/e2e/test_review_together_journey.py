"""An instructor submits a course and its lessons for review together: the course
ticked in the explorer, "ส่งให้ตรวจทาน" in the bulk-action bar, the lessons offered
with it on the confirmation page, and every page in review afterwards."""

from wagtail.models import Page

import pytest

from academy.accounts.roles import Role
from courses.models import CatalogPage, CoursePage
from tests.factories import UserFactory, course

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_instructor_submits_a_course_and_its_lessons_together(
    page, sign_in, shot, standards
):
    instructor = UserFactory(email="teacher@example.go.th", roles=[Role.INSTRUCTOR])
    draft = course(
        "การออกแบบบริการดิจิทัลที่ยึดผู้ใช้เป็นศูนย์กลาง",
        owner=instructor,
        publish=False,
        lessons=3,
        slug="service-design",
    )
    for item in [draft, *draft.get_children()]:
        item = item.specific
        item.has_unpublished_changes = True
        item.save_revision(user=instructor)
    catalogue = CatalogPage.objects.get()

    sign_in(page, instructor.email, admin=True)
    page.goto(f"/admin/pages/{catalogue.pk}/")
    page.locator(
        f"input[data-bulk-action-checkbox][data-object-id='{draft.pk}']"
    ).check()
    page.locator("[data-bulk-action-footer] a", has_text="ส่งให้ตรวจทาน").click()
    page.wait_for_url("**/bulk/wagtailcore/page/submit_for_review/**")
    assert "มีหน้าย่อย 3 หน้าที่ส่งไปพร้อมกันได้" in page.content()
    shot(page, "confirm")
    page.locator("input[name='include_descendants']").check()
    page.locator("button[type='submit']", has_text="ยืนยัน ส่งให้ตรวจทาน").click()
    page.wait_for_selector("text=ส่ง 1 หน้าให้ตรวจทานแล้ว พร้อมหน้าย่อย 3 หน้า")
    shot(page, "submitted")

    pages = [draft, *CoursePage.objects.get(pk=draft.pk).get_children()]
    states = [Page.objects.get(pk=item.pk).current_workflow_state for item in pages]
    assert all(state is not None for state in states)
    assert {state.requested_by for state in states} == {instructor}
    assert not Page.objects.get(pk=draft.pk).live
