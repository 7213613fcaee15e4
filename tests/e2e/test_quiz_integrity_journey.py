"""In Chromium: submitting with unanswered questions asks first; a failed attempt
with attempts left reveals no answers; /admin/ tells a learner it is not for them."""

import pytest

from courses.models import Attempt
from courses.questions import QuestionSnapshot
from tests.courses.assessment_helpers import make_assessment, make_bank, single
from tests.factories import PlacementFactory, UserFactory, competency, org_unit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(standards):
    framework = standards["acd-digital"]
    gov01 = competency(framework, "ACD-GOV-01")
    user = UserFactory(email="somchai@example.go.th", first_name="สมชาย")
    PlacementFactory(
        unit=org_unit("M01", kind="ministry", name="กระทรวงทดสอบ"), person__user=user
    )
    bank = make_bank(framework, code="integrity")
    for n in range(4):
        single(bank, gov01, 1, f"Q{n}")
    assessment = make_assessment(
        area=gov01.parent,
        rules=[(bank, gov01, 4)],
        title="แบบวัดระดับกฎหมายดิจิทัล",
        attempts_allowed=2,
        feedback_policy="after_last_attempt",
    )
    return user, assessment


def test_unanswered_questions_are_confirmed_and_answers_stay_hidden(
    page, sign_in, shot, scene
):
    user, assessment = scene
    sign_in(page, user.email)
    page.goto(f"/learn/assessments/{assessment.pk}/")
    page.locator("form[action$='/start/'] button").click()
    page.wait_for_url("**/learn/attempts/*/")
    attempt = Attempt.objects.get(user=user)
    first = QuestionSnapshot.from_dict(attempt.questions[0])
    wrong = next(o.id for o in first.options if o.id != first.key.correct)
    page.locator(f"input[name='q-{first.id}'][value='{wrong}']").check()
    page.locator("button[name=submit]").click()
    page.wait_for_load_state()

    summary = page.locator(".unanswered-summary")
    assert summary.is_visible()
    assert "ยังไม่ได้ตอบ 3 ข้อ" in page.locator(".unanswered-alert").inner_text()
    # Links to each unanswered question (2, 3, 4), the first also as "go back".
    for number in (2, 3, 4):
        assert page.locator(f".unanswered-summary a[href='#question-{number}']").count()
    assert not page.locator(".unanswered-summary a[href='#question-1']").count()
    html = page.content()
    assert "คำอธิบาย Q" not in html and "ถูกต้อง Q" not in html
    # The answer given is still chosen after the round trip.
    assert page.locator(f"input[name='q-{first.id}'][value='{wrong}']").is_checked()
    shot(page, "unanswered")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS

    page.locator("button[name=confirm_unanswered]").click()
    page.wait_for_url("**/result/")
    shot(page, "result")
    assert page.locator(".result-summary.failed").is_visible()
    assert page.locator(".feedback-held").is_visible()
    assert "คำอธิบาย Q" not in page.content()


def test_admin_tells_a_learner_it_is_not_for_them(page, sign_in, shot, scene):
    user, _assessment = scene
    sign_in(page, user.email)
    response = page.goto("/admin/")
    assert response.status == 403
    assert page.url.endswith("/admin/login/?next=/admin/")
    heading = page.locator("h1").inner_text()
    assert "ไม่มีสิทธิ์" in heading
    assert "You do not have permission" not in page.content()
    shot(page, "admin-denied")
    page.locator("a[href='/dashboard/']").first.click()
    page.wait_for_url("**/dashboard/")
