"""A learner takes a placement assessment from the dashboard, passes, sees the evidence."""

import re

import pytest
from playwright.sync_api import expect

from competencies.models import Evidence
from courses.models import Attempt
from courses.questions import QuestionSnapshot
from tests.courses.assessment_helpers import make_assessment, make_bank, single
from tests.factories import PlacementFactory, UserFactory, competency, org_unit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(standards):
    framework = standards["acd-digital"]
    gov01 = competency(framework, "ACD-GOV-01")
    user = UserFactory(email="somsri@example.go.th", first_name="สมศรี", last_name="มีสุข")
    PlacementFactory(
        unit=org_unit("M01", kind="ministry", name="กระทรวงทดสอบ"),
        person__user=user,
        person__first_name_th="สมศรี",
        person__last_name_th="มีสุข",
    )
    bank = make_bank(framework, code="placement")
    for rank in (1, 2):
        for n in range(2):
            single(bank, gov01, rank, f"P{rank}{n}")
    assessment = make_assessment(
        area=gov01.parent,
        rules=[(bank, gov01, 4)],
        title="แบบวัดระดับธรรมาภิบาลข้อมูล",
        time_limit_minutes=20,
    )
    return user, assessment


def test_learner_passes_a_placement_assessment_and_sees_the_evidence(
    page, sign_in, shot, scene
):
    user, assessment = scene
    sign_in(page, user.email)
    page.goto("/dashboard/")
    shot(page, "dashboard-before")
    page.locator(".placement-list a").first.click()
    shot(page, "assessment")
    page.locator("form[action$='/start/'] button").click()
    page.wait_for_url("**/learn/attempts/*/")
    attempt = Attempt.objects.get(user=user)
    for data in attempt.questions:
        snapshot = QuestionSnapshot.from_dict(data)
        page.locator(
            f"input[name='q-{snapshot.id}'][value='{snapshot.key.correct}']"
        ).check()
    # the bundled script saves each answer as it is given
    expect(page.locator(".autosave-status")).to_have_text(re.compile(r"\d\d:\d\d:\d\d"))
    shot(page, "attempt")
    attempt.refresh_from_db()
    assert len(attempt.responses) == 4
    page.locator("button[name=submit]").click()
    page.wait_for_url("**/result/")
    shot(page, "result")
    assert page.locator(".result-summary .badge.ok").is_visible()
    assert Evidence.objects.filter(person__user=user, source="assessment").count() == 1

    page.goto("/dashboard/")
    shot(page, "dashboard")
    evidence = page.locator(".recent-results .evidence").inner_text()
    assert "ACD-GOV-01" in evidence
