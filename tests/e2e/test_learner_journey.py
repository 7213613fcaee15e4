"""A learner signs in, finds a recommended course, enrols, works through it, completes."""

import pytest

from courses.models import CourseCompletion, Enrolment
from tests.factories import PlacementFactory, UserFactory, competency, course, org_unit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(standards):
    framework = standards["acd-digital"]
    user = UserFactory(email="somsri@example.go.th", first_name="สมศรี", last_name="มีสุข")
    unit = org_unit("M01", kind="ministry", name="กระทรวงทดสอบ")
    PlacementFactory(
        unit=unit,
        person__user=user,
        person__first_name_th="สมศรี",
        person__last_name_th="มีสุข",
    )
    governance = course(
        "การกำกับดูแลข้อมูลภาครัฐ",
        slug="data-governance",
        lessons=2,
        competencies=[(competency(framework, "ACD-GOV-02"), 2)],
        learning_hours=3,
    )
    return user, governance


def test_learner_enrols_completes_two_lessons_and_the_course(
    page, sign_in, shot, scene
):
    user, governance = scene
    sign_in(page, user.email)
    page.goto("/dashboard/")
    shot(page, "dashboard")
    page.get_by_role("link", name="การกำกับดูแลข้อมูลภาครัฐ").first.click()
    page.wait_for_url(f"**{governance.url}")
    shot(page, "course")
    page.locator("form[action$='/enrol/'] button").click()
    page.wait_for_url(f"**{governance.url}")
    assert Enrolment.objects.filter(user=user, status="active").exists()

    page.locator(".enrol-box a.button").click()  # start the first lesson
    page.locator(
        ".lesson-actions form button"
    ).click()  # complete lesson 1, go to lesson 2
    page.wait_for_url("**/lesson-2/")
    shot(page, "lesson-2")
    page.locator(".lesson-actions form button").click()  # complete lesson 2
    page.wait_for_url(f"**{governance.url}")
    shot(page, "completed")
    assert CourseCompletion.objects.filter(user=user, course=governance).count() == 1
    assert page.locator(".enrol-box .ok").is_visible()

    page.goto("/dashboard/")
    assert (
        "การกำกับดูแลข้อมูลภาครัฐ"
        in page.locator("section[aria-labelledby=done-h] ul").inner_text()
    )
