"""The learner's path through a course: the next step, a finished course's lessons,
renewal when it is due, and the congratulation after the final assessment."""

from datetime import timedelta

from django.utils import timezone, translation

import pytest

from courses.assessments.services import attempt_start, attempt_submit
from courses.models import CourseCompletion, Enrolment
from courses.selectors import course_detail_for_learner, lessons_of
from courses.services import (
    EnrolmentError,
    enrolment_create,
    lesson_complete,
)
from tests.courses.assessment_helpers import answers, make_assessment, make_bank, single
from tests.factories import competency

pytestmark = pytest.mark.django_db


def _complete_lessons(user, page):
    for lesson in lessons_of(page):
        lesson_complete(user=user, lesson=lesson)


@pytest.fixture
def quiz_course(governance_course, framework_academy):
    governance_course.completion_rule = "lessons_assessments"
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
    )
    return governance_course, quiz


def _age_completion(user, page, *, days: int) -> None:
    CourseCompletion.objects.filter(user=user, course=page).update(
        completed_at=timezone.now() - timedelta(days=days)
    )
    Enrolment.objects.filter(user=user, course=page).update(
        completed_at=timezone.now() - timedelta(days=days)
    )


def test_resume_point_is_none_once_every_lesson_is_done(learner, governance_course):
    enrolment_create(user=learner, course=governance_course)
    lessons = lessons_of(governance_course)
    lesson_complete(user=learner, lesson=lessons[0])
    assert (
        course_detail_for_learner(course=governance_course, user=learner).resume_lesson
        == lessons[1]
    )
    governance_course.completion_rule = "lessons_assessments"
    governance_course.save()
    lesson_complete(user=learner, lesson=lessons[1])

    detail = course_detail_for_learner(course=governance_course, user=learner)
    assert detail.resume_lesson is None


def test_continue_leads_to_the_required_assessment_when_lessons_are_done(
    client, learner, quiz_course
):
    page, quiz = quiz_course
    enrolment_create(user=learner, course=page)
    _complete_lessons(learner, page)
    client.force_login(learner)

    html = client.get(page.url).content.decode()

    assert f'class="button next-step" href="/learn/assessments/{quiz.pk}/"' in html
    first_lesson = lessons_of(page)[0]
    assert f'class="button" href="{first_lesson.url}"' not in html


def test_lessons_of_a_finished_course_do_not_ask_to_enrol(
    client, learner, governance_course
):
    enrolment_create(user=learner, course=governance_course)
    _complete_lessons(learner, governance_course)
    client.force_login(learner)

    html = client.get(
        lessons_of(governance_course)[0].url, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "You have completed this course." in html
    assert "Enrol in the course" not in html


def test_retake_is_not_offered_while_the_certificate_is_far_from_expiry(
    client, learner, governance_course
):
    governance_course.certificate_validity_months = 12
    governance_course.save_revision().publish()
    enrolment_create(user=learner, course=governance_course)
    _complete_lessons(learner, governance_course)
    client.force_login(learner)

    html = client.get(governance_course.url).content.decode()

    assert "data-confirm" not in html
    assert f"/learn/courses/{governance_course.pk}/enrol/" not in html


def test_retake_to_renew_is_offered_with_a_confirmation_when_due(
    client, learner, governance_course
):
    governance_course.certificate_validity_months = 12
    governance_course.save_revision().publish()
    enrolment_create(user=learner, course=governance_course)
    _complete_lessons(learner, governance_course)
    _age_completion(learner, governance_course, days=330)
    client.force_login(learner)

    html = client.get(governance_course.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f'action="/learn/courses/{governance_course.pk}/enrol/"' in html
    assert 'data-confirm="Take the course again to renew your certificate?' in html
    assert "Retake to renew" in html


def test_renewal_enrolment_is_refused_before_it_is_due(learner, governance_course):
    governance_course.certificate_validity_months = 12
    governance_course.save()
    enrolment_create(user=learner, course=governance_course)
    _complete_lessons(learner, governance_course)

    with (
        translation.override("en"),
        pytest.raises(EnrolmentError, match="still valid; you can renew it from"),
    ):
        enrolment_create(user=learner, course=governance_course)
    assert not Enrolment.objects.filter(status=Enrolment.Status.ACTIVE).exists()


def test_passing_the_final_assessment_congratulates_with_the_certificate_link(
    client, learner, quiz_course
):
    page, quiz = quiz_course
    enrolment_create(user=learner, course=page)
    _complete_lessons(learner, page)
    attempt = attempt_start(user=learner, assessment=quiz)
    attempt_submit(attempt=attempt, responses=answers(attempt))
    client.force_login(learner)

    html = client.get(
        f"/learn/attempts/{attempt.pk}/result/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "Congratulations! You have completed the course." in html
    assert 'href="/certificates/"' in html


def test_a_failed_attempt_is_not_congratulated(client, learner, quiz_course):
    page, quiz = quiz_course
    enrolment_create(user=learner, course=page)
    _complete_lessons(learner, page)
    attempt = attempt_start(user=learner, assessment=quiz)
    attempt_submit(attempt=attempt, responses=answers(attempt, right=set()))
    client.force_login(learner)

    html = client.get(
        f"/learn/attempts/{attempt.pk}/result/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "Congratulations" not in html
