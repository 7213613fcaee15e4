"""Recertification: an attempt counts only for the enrolment cycle in which it was made,
unless the course says its attempts carry over (courses.selectors.enrolment_cycle_start)."""

from datetime import timedelta

from django.utils import timezone

import pytest

from courses.assessments.selectors import (
    assessment_overview,
    course_assessments_for_learner,
)
from courses.assessments.services import AssessmentError, attempt_start, attempt_submit
from courses.models import Attempt, CourseCompletion, Enrolment
from courses.selectors import enrolment_cycle_start, lessons_of
from courses.services import enrolment_create, enrolment_withdraw, lesson_complete
from tests.courses.assessment_helpers import answers, make_assessment, make_bank, single
from tests.factories import competency

pytestmark = pytest.mark.django_db

CYCLE_AGE = timedelta(days=330)  # within the 60 days before a 12-month expiry


@pytest.fixture
def quiz_course(governance_course, framework_academy):
    """A 12-month course completed by lessons and a required quiz of one attempt."""
    governance_course.completion_rule = "lessons_assessments"
    governance_course.certificate_validity_months = 12
    governance_course.save_revision().publish()
    gov02 = competency(framework_academy, "ACD-GOV-02")
    bank = make_bank(framework_academy)
    for n in range(3):
        single(bank, gov02, 2, f"Q{n}")
    quiz = make_assessment(
        course=governance_course,
        rules=[(bank, gov02, 3)],
        title="แบบทดสอบท้ายหลักสูตร",
        required_for_completion=True,
        attempts_allowed=1,
    )
    return governance_course, quiz


def _complete_lessons(user, page):
    for lesson in lessons_of(page):
        lesson_complete(user=user, lesson=lesson)


def _take(user, quiz, *, passing: bool) -> Attempt:
    attempt = attempt_start(user=user, assessment=quiz)
    return attempt_submit(
        attempt=attempt, responses=answers(attempt, right=None if passing else set())
    )


def _first_cycle_long_ago(user, quiz_course) -> None:
    """Complete the course (lessons and a pass), then move all of it CYCLE_AGE back."""
    course, quiz = quiz_course
    enrolment_create(user=user, course=course)
    _complete_lessons(user, course)
    _take(user, quiz, passing=True)
    assert CourseCompletion.objects.filter(user=user, course=course).count() == 1
    then = timezone.now() - CYCLE_AGE
    CourseCompletion.objects.filter(user=user).update(completed_at=then)
    Enrolment.objects.filter(user=user).update(enrolled_at=then, completed_at=then)
    Attempt.objects.filter(user=user).update(started_at=then, submitted_at=then)


def test_a_pass_of_the_previous_cycle_does_not_complete_the_renewal(
    learner, quiz_course
):
    course, _quiz = quiz_course
    _first_cycle_long_ago(learner, quiz_course)

    enrolment_create(user=learner, course=course)
    _complete_lessons(learner, course)

    assert CourseCompletion.objects.filter(user=learner, course=course).count() == 1
    assert Enrolment.objects.filter(
        user=learner, course=course, status=Enrolment.Status.ACTIVE
    ).exists()


def test_the_renewal_gets_its_own_attempts_and_its_pass_completes_it(
    learner, quiz_course
):
    course, quiz = quiz_course
    _first_cycle_long_ago(learner, quiz_course)
    enrolment_create(user=learner, course=course)
    _complete_lessons(learner, course)

    overview = assessment_overview(user=learner, assessment=quiz)
    assert overview.attempts == [] and overview.can_start
    (state,) = course_assessments_for_learner(user=learner, course=course)
    assert not state.passed and state.latest is None
    _take(learner, quiz, passing=True)

    assert CourseCompletion.objects.filter(user=learner, course=course).count() == 2


def test_a_course_whose_attempts_carry_over_completes_the_renewal_with_the_old_pass(
    learner, quiz_course
):
    course, _quiz = quiz_course
    course.attempts_carry_over = True
    course.save_revision().publish()
    _first_cycle_long_ago(learner, quiz_course)

    enrolment_create(user=learner, course=course)
    _complete_lessons(learner, course)

    assert CourseCompletion.objects.filter(user=learner, course=course).count() == 2


def test_withdrawing_and_enrolling_again_gives_no_more_attempts(learner, quiz_course):
    course, quiz = quiz_course
    enrolment = enrolment_create(user=learner, course=course)
    _take(learner, quiz, passing=False)
    enrolment_withdraw(enrolment=enrolment)
    enrolment_create(user=learner, course=course)

    with pytest.raises(AssessmentError):
        attempt_start(user=learner, assessment=quiz)


def test_a_cycle_starts_at_the_first_enrolment_after_a_completion(learner, quiz_course):
    course, _quiz = quiz_course
    assert enrolment_cycle_start(user=learner, course_id=course.pk) is None
    first = enrolment_create(user=learner, course=course)
    assert enrolment_cycle_start(user=learner, course_id=course.pk) == (
        first.enrolled_at
    )
    _first_cycle_long_ago(learner, quiz_course)  # completes the same enrolment
    first.refresh_from_db()
    assert enrolment_cycle_start(user=learner, course_id=course.pk) == (
        first.enrolled_at
    )
    renewal = enrolment_create(user=learner, course=course)

    assert enrolment_cycle_start(user=learner, course_id=course.pk) == (
        renewal.enrolled_at
    )
