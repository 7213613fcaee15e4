"""Quiz integrity: when answers are revealed, unanswered questions before submitting,
and pools too small for the draw or for the attempts allowed."""

from django.utils import translation

import pytest

from courses.assessments.selectors import assessment_pool_warnings
from courses.assessments.services import attempt_start, attempt_submit
from courses.models import Assessment, Attempt
from courses.services import enrolment_create
from tests.courses.assessment_helpers import (
    answers,
    make_assessment,
    make_bank,
    single,
    snapshots,
)
from tests.factories import competency

pytestmark = pytest.mark.django_db


@pytest.fixture
def gov01(framework_academy):
    return competency(framework_academy, "ACD-GOV-01")


@pytest.fixture
def quiz(framework_academy, gov01, governance_course, learner):
    """Three single-choice questions, all drawn, two attempts, pass mark 60%."""
    bank = make_bank(framework_academy)
    for n in range(3):
        single(bank, gov01, 1, f"Q{n}")
    enrolment_create(user=learner, course=governance_course)
    return make_assessment(
        course=governance_course,
        rules=[(bank, gov01, 3)],
        attempts_allowed=2,
        feedback_policy=Assessment._meta.get_field("feedback_policy").default,
    )


def _wrong(attempt):
    """Every question answered with a wrong option."""
    result = {}
    for snapshot in snapshots(attempt):
        wrong = [o.id for o in snapshot.options if o.id not in snapshot.key.correct]
        result[snapshot.id] = wrong[0]
    return result


def _result(client, attempt) -> str:
    return client.get(f"/learn/attempts/{attempt.pk}/result/").content.decode()


def test_the_default_hides_answers_after_a_failed_attempt_while_attempts_remain(
    client, learner, quiz
):
    assert quiz.feedback_policy == "after_last_attempt"
    client.force_login(learner)
    first = attempt_start(user=learner, assessment=quiz)
    first = attempt_submit(attempt=first, responses=_wrong(first))
    assert not first.passed
    page = _result(client, first)
    assert "คำอธิบาย Q0" not in page and "ข้อถูก Q0" not in page
    assert "feedback-held" in page
    last = attempt_start(user=learner, assessment=quiz)
    attempt_submit(attempt=last, responses=_wrong(last))
    assert "คำอธิบาย Q0" in _result(client, first)  # no attempts left: revealed


def test_after_passing_reveals_only_to_a_learner_who_passed(client, learner, quiz):
    quiz.feedback_policy = Assessment.FeedbackPolicy.AFTER_PASSING
    quiz.save()
    client.force_login(learner)
    first = attempt_start(user=learner, assessment=quiz)
    first = attempt_submit(attempt=first, responses=_wrong(first))
    assert "คำอธิบาย Q0" not in _result(client, first)
    second = attempt_start(user=learner, assessment=quiz)
    second = attempt_submit(attempt=second, responses=answers(second))
    assert second.passed
    assert "คำอธิบาย Q0" in _result(client, second)


@pytest.mark.parametrize(
    ("policy", "shown"),
    [("after_submission", True), ("never", False)],
)
def test_immediately_or_never(client, learner, quiz, policy, shown):
    quiz.feedback_policy = policy
    quiz.save()
    client.force_login(learner)
    attempt = attempt_start(user=learner, assessment=quiz)
    attempt = attempt_submit(attempt=attempt, responses=_wrong(attempt))
    assert ("คำอธิบาย Q0" in _result(client, attempt)) is shown


def test_submitting_with_unanswered_questions_asks_first(client, learner, quiz):
    client.force_login(learner)
    client.post(f"/learn/assessments/{quiz.pk}/start/")
    attempt = Attempt.objects.get()
    shown = snapshots(attempt)
    first = shown[0]
    form = {"shown": [s.id for s in shown], f"q-{first.id}": first.key.correct[0]}
    response = client.post(f"/learn/attempts/{attempt.pk}/submit/", form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "unanswered-summary" in page
    assert 'href="#question-2"' in page and 'href="#question-3"' in page
    assert 'href="#question-1"' not in page
    # Nothing graded, nothing revealed; the one answer given is kept.
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS
    assert attempt.responses == {first.id: first.key.correct[0]}
    for snapshot in shown:
        assert snapshot.explanation not in page
    assert "ข้อถูก" not in page.split('name="q-')[0]  # no key before the form
    assert '"key"' not in page and "is_correct" not in page

    confirmed = client.post(
        f"/learn/attempts/{attempt.pk}/submit/", {**form, "confirm_unanswered": "1"}
    )
    assert confirmed["Location"] == f"/learn/attempts/{attempt.pk}/result/"
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED


def test_a_fully_answered_attempt_is_submitted_at_once(client, learner, quiz):
    client.force_login(learner)
    client.post(f"/learn/assessments/{quiz.pk}/start/")
    attempt = Attempt.objects.get()
    form = {"shown": [s.id for s in snapshots(attempt)]}
    for snapshot in snapshots(attempt):
        form[f"q-{snapshot.id}"] = snapshot.key.correct[0]
    response = client.post(f"/learn/attempts/{attempt.pk}/submit/", form)
    assert response["Location"] == f"/learn/attempts/{attempt.pk}/result/"


@translation.override("en")
def test_pool_warnings(framework_academy, gov01, governance_course):
    bank = make_bank(framework_academy, code="small")
    for n in range(4):
        single(bank, gov01, 1, f"P{n}")
    quiz = make_assessment(
        course=governance_course, rules=[(bank, gov01, 3)], attempts_allowed=2
    )
    [warning] = assessment_pool_warnings(quiz)
    assert "ACD-GOV-01" in warning and "6" in warning and "4" in warning
    quiz.attempts_allowed = 1
    quiz.save()
    assert assessment_pool_warnings(quiz) == []
    rule = quiz.rules.get()
    rule.count = 5
    rule.save()
    [warning] = assessment_pool_warnings(quiz)
    assert "no one can start" in warning


def test_the_admin_edit_screen_warns_of_a_small_pool(
    admin_client, framework_academy, gov01, governance_course
):
    bank = make_bank(framework_academy, code="tiny")
    single(bank, gov01, 1, "T0")
    quiz = make_assessment(
        course=governance_course, rules=[(bank, gov01, 2)], attempts_allowed=3
    )
    page = admin_client.get(
        f"/admin/assessments/assessments/edit/{quiz.pk}/",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "no one can start this assessment" in page
