from datetime import date, timedelta

from django.utils import timezone, translation

import pytest

from competencies.models import Evidence
from competencies.services import evidence_record
from courses.models import CourseCompletion, CoursePage, CoursePrerequisite, Enrolment
from courses.selectors import course_detail_for_learner, lessons_of
from courses.services import (
    EnrolmentError,
    course_completion_check,
    enrolment_create,
    enrolment_decide,
    enrolment_withdraw,
    lesson_complete,
    lesson_view_record,
)
from courses.signals import course_completed
from tests.factories import UserFactory, competency, course, level

pytestmark = pytest.mark.django_db


def _complete_all(user, page):
    for lesson in lessons_of(page):
        lesson_complete(user=user, lesson=lesson)


def test_open_course_enrols_at_once(learner, governance_course):
    enrolment = enrolment_create(user=learner, course=governance_course)
    assert enrolment.status == Enrolment.Status.ACTIVE


def test_enrolling_twice_returns_the_same_enrolment(learner, governance_course):
    first = enrolment_create(user=learner, course=governance_course)
    second = enrolment_create(user=learner, course=governance_course)
    assert first.pk == second.pk
    assert Enrolment.objects.count() == 1


def test_approval_course_waits_for_a_decision(learner, governance_course, standards):
    governance_course.enrolment_policy = CoursePage.EnrolmentPolicy.APPROVAL
    governance_course.save()
    enrolment = enrolment_create(user=learner, course=governance_course)
    assert enrolment.status == Enrolment.Status.PENDING
    with pytest.raises(EnrolmentError):
        lesson_complete(user=learner, lesson=lessons_of(governance_course)[0])
    admin = UserFactory()
    enrolment_decide(enrolment=enrolment, approve=True, decided_by=admin)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.decided_by == admin


def test_assigned_only_course_refuses_self_enrolment(learner, governance_course):
    governance_course.enrolment_policy = CoursePage.EnrolmentPolicy.ASSIGNED
    governance_course.save()
    with translation.override("en"), pytest.raises(EnrolmentError, match="assignment"):
        enrolment_create(user=learner, course=governance_course)
    enrolment = enrolment_create(
        user=learner, course=governance_course, source=Enrolment.Source.ASSIGNED
    )
    assert enrolment.status == Enrolment.Status.ACTIVE
    with pytest.raises(EnrolmentError):
        enrolment_withdraw(enrolment=enrolment)


def test_unpublished_course_cannot_be_joined(learner, framework_academy):
    draft = course("ร่างหลักสูตร", publish=False)
    with pytest.raises(EnrolmentError):
        enrolment_create(user=learner, course=draft)


def test_course_prerequisite_refuses_with_a_clear_message(learner, governance_course):
    basics = course("พื้นฐานข้อมูล", slug="basics")
    CoursePrerequisite.objects.create(page=governance_course, required_course=basics)
    with pytest.raises(EnrolmentError) as error:
        enrolment_create(user=learner, course=governance_course)
    assert any("พื้นฐานข้อมูล" in reason for reason in error.value.reasons)
    assert not Enrolment.objects.filter(course=governance_course).exists()
    enrolment_create(user=learner, course=basics)
    _complete_all(learner, basics)
    assert enrolment_create(user=learner, course=governance_course).status == "active"


def test_competency_prerequisite_uses_attained_level(
    learner, governance_course, framework_academy
):
    literacy = competency(framework_academy, "ACD-LIT-01")
    CoursePrerequisite.objects.create(
        page=governance_course, competency=literacy, level=level(framework_academy, 2)
    )
    with pytest.raises(EnrolmentError) as error:
        enrolment_create(user=learner, course=governance_course)
    assert error.value.reasons
    evidence_record(
        person=learner.person,
        competency=literacy,
        level=level(framework_academy, 2),
        source="assessment",
        observed_on=date(2026, 1, 1),
    )
    assert enrolment_create(user=learner, course=governance_course)


def test_withdraw_then_enrol_again(learner, governance_course):
    enrolment = enrolment_create(user=learner, course=governance_course)
    enrolment_withdraw(enrolment=enrolment)
    again = enrolment_create(user=learner, course=governance_course)
    assert again.pk != enrolment.pk
    assert again.status == Enrolment.Status.ACTIVE


def test_completed_course_cannot_be_retaken_without_recertification(
    learner, governance_course
):
    enrolment_create(user=learner, course=governance_course)
    _complete_all(learner, governance_course)
    with (
        translation.override("en"),
        pytest.raises(EnrolmentError, match="already completed"),
    ):
        enrolment_create(user=learner, course=governance_course)
    governance_course.certificate_validity_months = 24
    governance_course.save()
    # Renewal opens shortly before the certificate expires (courses.selectors).
    CourseCompletion.objects.filter(user=learner).update(
        completed_at=timezone.now() - timedelta(days=24 * 31)
    )
    assert enrolment_create(user=learner, course=governance_course).status == "active"


def test_progress_and_resume_point(learner, governance_course):
    enrolment_create(user=learner, course=governance_course)
    first, second = lessons_of(governance_course)
    lesson_view_record(user=learner, lesson=first)
    detail = course_detail_for_learner(course=governance_course, user=learner)
    assert detail.percent == 0
    assert detail.resume_lesson == first
    lesson_complete(user=learner, lesson=first)
    lesson_view_record(user=learner, lesson=second)
    detail = course_detail_for_learner(course=governance_course, user=learner)
    assert detail.percent == 50
    assert detail.resume_lesson == second


def test_completion_records_once_with_evidence_and_signal(learner, governance_course):
    received = []

    def listener(sender, completion, **kwargs):
        received.append(completion.pk)

    course_completed.connect(listener)
    try:
        enrolment = enrolment_create(user=learner, course=governance_course)
        first, second = lessons_of(governance_course)
        lesson_complete(user=learner, lesson=first)
        assert not CourseCompletion.objects.exists()
        lesson_complete(user=learner, lesson=second)
        lesson_complete(user=learner, lesson=second)
        course_completion_check(enrolment=enrolment)
    finally:
        course_completed.disconnect(listener)
    assert CourseCompletion.objects.count() == 1
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    evidence = Evidence.objects.get(person=learner.person)
    assert evidence.source == Evidence.Source.COURSE_COMPLETION
    assert evidence.competency.code == "ACD-GOV-02"
    assert evidence.level.rank == 3


def test_completion_signal_is_sent_once_after_commit(
    learner, governance_course, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, completion, **kwargs):
        received.append(completion.pk)

    course_completed.connect(listener)
    try:
        enrolment_create(user=learner, course=governance_course)
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in lessons_of(governance_course):
                lesson_complete(user=learner, lesson=lesson)
            lesson_complete(user=learner, lesson=lessons_of(governance_course)[-1])
    finally:
        course_completed.disconnect(listener)
    assert received == [CourseCompletion.objects.get().pk]


def test_course_without_lessons_is_never_complete(learner, framework_academy):
    empty = course("ว่าง", lessons=0, slug="empty")
    enrolment = enrolment_create(user=learner, course=empty)
    assert course_completion_check(enrolment=enrolment) is None
