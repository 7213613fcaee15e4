"""An HR officer assigns a mandatory course to a unit; a learner of that unit signs in,
finds it first on the dashboard with its Buddhist-Era due date, and starts it; the
officer sees it in progress in the compliance report."""

from datetime import timedelta

from django.utils import timezone

import pytest

from courses.models import Assignee, CoursePage, Enrolment
from tests.factories import PlacementFactory, UserFactory, course, hr_officer, org_unit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(standards):
    ministry = org_unit("M", kind="ministry", name="กระทรวงการพัฒนาดิจิทัล")
    department = org_unit("D1", parent=ministry, kind="department", name="กรมบริการดิจิทัล")
    unit = org_unit(
        "V1", parent=department, kind="division", name="กองเทคโนโลยีสารสนเทศ"
    )
    other = org_unit("V2", parent=department, kind="division", name="กองบริหารทั่วไป")
    learner = UserFactory(email="arunee@example.go.th", first_name="อรุณี")
    PlacementFactory(
        unit=unit,
        person__user=learner,
        person__first_name_th="อรุณี",
        person__last_name_th="แสงทอง",
        person__email=learner.email,
    )
    for _ in range(2):
        PlacementFactory(unit=unit)
    PlacementFactory(unit=other)
    mandatory = course(
        "ความมั่นคงปลอดภัยไซเบอร์สำหรับทุกคน",
        title_en="Cyber security for everyone",
        slug="cyber-basics",
        lessons=2,
        enrolment_policy=CoursePage.EnrolmentPolicy.ASSIGNED,
    )
    course("หลักสูตรเลือกเรียน", slug="elective", lessons=1)
    officer = hr_officer(department, email="hr@example.go.th", first_name="วิไล")
    return officer, learner, unit, mandatory


def test_hr_officer_assigns_a_course_and_the_learner_sees_it_first(
    page, sign_in, shot, scene
):
    officer, learner, unit, mandatory = scene
    due = timezone.localdate() + timedelta(days=14)

    sign_in(page, officer.email)
    page.goto("/hr/")
    shot(page, "workspace")
    page.locator(".hr-nav a[href='/hr/assignments/']").click()
    page.wait_for_url("**/hr/assignments/")
    shot(page, "assignments-empty")
    page.locator(".hr-actions a[href='/hr/assignments/new/']").click()
    page.wait_for_url("**/hr/assignments/new/")
    page.select_option("select[name=course]", str(mandatory.pk))
    page.fill("input[name=due_on]", due.isoformat())
    page.check(f'input[name=unit][value="{unit.pk}"]')
    page.fill("textarea[name=note]", "หลักสูตรบังคับสำหรับบุคลากรทุกคนของกอง")
    shot(page, "assign-form")
    # Preview first: it counts who the choice reaches and writes nothing.
    page.locator("main form button[name=preview]").click()
    page.wait_for_load_state()
    preview = page.locator("#assignment-preview").inner_text()
    assert "3" in preview, preview
    assert not Assignee.objects.filter(assignment__course=mandatory).exists()
    shot(page, "assign-preview")
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_url("**/hr/assignments/*/")
    shot(page, "assignment")
    assert Assignee.objects.filter(assignment__course=mandatory).count() == 3
    assert "กองบริหารทั่วไป" not in page.locator("table.people").inner_text()
    total = page.locator("table.compliance tr.total").inner_text()
    assert total.split("\t")[1:5] == ["3", "0 (0%)", "0", "3"]

    # The learner, in another browser context.
    learner_page = page.context.browser.new_context(
        base_url=page.url.split("/hr/")[0],
        locale="th-TH",
        viewport={"width": 1280, "height": 900},
    ).new_page()
    sign_in(learner_page, learner.email)
    learner_page.goto("/dashboard/")
    shot(learner_page, "learner-dashboard")
    first_section = learner_page.locator("main section").first
    assert first_section.get_attribute("aria-labelledby") == "assigned-h"
    assigned = first_section.inner_text()
    assert "ความมั่นคงปลอดภัยไซเบอร์สำหรับทุกคน" in assigned
    assert str(due.year + 543) in assigned  # the due date in the Buddhist Era

    learner_page.locator(".assigned-courses form button").click()
    learner_page.wait_for_url(f"**{mandatory.url}")
    shot(learner_page, "learner-course")
    enrolment = Enrolment.objects.get(user=learner, course=mandatory)
    assert enrolment.source == "assigned" and enrolment.status == "active"
    learner_page.context.close()

    page.goto("/hr/compliance/")
    shot(page, "compliance")
    total = page.locator("table.compliance tr.total").first.inner_text()
    assert total.split("\t")[1:3] == ["3", "0 (0%)"]
    page.goto(f"/hr/compliance/?node={unit.pk}")
    shot(page, "compliance-unit")
