"""A learner finishes the lessons, "Continue" takes them to the final assessment (never
back to lesson 1), they pass it, are congratulated, and reach their certificate in one
click; the finished course's lessons no longer ask them to enrol."""

import re

import pytest

from courses.models import Attempt, CourseCompletion
from courses.questions import QuestionSnapshot
from courses.selectors import lessons_of
from tests.courses.assessment_helpers import make_assessment, make_bank, single
from tests.factories import PlacementFactory, UserFactory, competency, course, org_unit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(standards):
    framework = standards["acd-digital"]
    gov02 = competency(framework, "ACD-GOV-02")
    user = UserFactory(email="somsri@example.go.th", first_name="สมศรี", last_name="มีสุข")
    PlacementFactory(
        unit=org_unit("M01", kind="ministry", name="กระทรวงทดสอบ"),
        person__user=user,
        person__first_name_th="สมศรี",
        person__last_name_th="มีสุข",
    )
    governance = course(
        "การกำกับดูแลข้อมูลภาครัฐ",
        slug="data-governance",
        lessons=2,
        competencies=[(gov02, 2)],
        completion_rule="lessons_assessments",
    )
    bank = make_bank(framework)
    for n in range(3):
        single(bank, gov02, 2, f"Q{n}")
    make_assessment(
        course=governance,
        rules=[(bank, gov02, 3)],
        title="แบบประเมินท้ายหลักสูตร",
        required_for_completion=True,
    )
    return user, governance


def test_continue_leads_to_the_quiz_and_passing_it_reaches_the_certificate(
    page, sign_in, shot, scene
):
    user, governance = scene
    sign_in(page, user.email)
    page.goto(governance.url)
    page.locator("form[action$='/enrol/'] button").click()
    page.wait_for_url(f"**{governance.url}")
    page.locator(".enrol-box a.button").click()  # start lesson 1
    page.locator(".lesson-actions form button").click()  # lesson 1 done
    page.wait_for_url("**/lesson-2/")
    page.locator(".lesson-actions form button").click()  # lesson 2 done
    page.wait_for_url(f"**{governance.url}")
    shot(page, "lessons-done")

    page.locator(".enrol-box a.next-step").click()
    page.wait_for_url("**/learn/assessments/*/")
    page.locator("form[action$='/start/'] button").click()
    page.wait_for_url("**/learn/attempts/*/")
    attempt = Attempt.objects.get(user=user)
    for data in attempt.questions:
        snapshot = QuestionSnapshot.from_dict(data)
        page.locator(
            f"input[name='q-{snapshot.id}'][value='{snapshot.key.correct}']"
        ).check()
    page.locator("button[name=submit]").click()
    page.wait_for_url("**/result/")
    shot(page, "result")
    assert page.locator(".congratulation").is_visible()
    assert CourseCompletion.objects.filter(user=user, course=governance).exists()

    page.locator(".congratulation a.button").click()
    # My certificates, at the one just issued.
    page.wait_for_url(re.compile(r"/certificates/#certificate-[^/]+$"))
    issued = CourseCompletion.objects.get(user=user, course=governance).certificate
    assert page.url.endswith(f"#certificate-{issued.number}")
    shot(page, "certificates")

    page.goto(lessons_of(governance)[0].url)
    shot(page, "finished-lesson")
    assert page.locator(".lesson-actions .ok").is_visible()
    assert page.locator(".lesson-actions form").count() == 0
