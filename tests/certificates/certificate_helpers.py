"""Completing a course and issuing its certificate in certificate tests, through the
courses and certificates apps' own services; moving a completion back in time."""

from datetime import datetime, timedelta

from django.utils import timezone

from certificates.models import Certificate
from certificates.services import certificate_issue
from courses.models import CourseCompletion, Enrolment
from courses.selectors import lessons_of
from courses.services import enrolment_create, lesson_complete


def complete_course(user, course) -> CourseCompletion:
    """Enrol and complete every lesson, through the courses app's own services."""
    enrolment = enrolment_create(user=user, course=course)
    for lesson in lessons_of(course):
        lesson_complete(user=user, lesson=lesson)
    return CourseCompletion.objects.get(enrolment=enrolment)


def set_completed_at(completion: CourseCompletion, when: datetime) -> CourseCompletion:
    """Move a completion in time (an expired certificate needs an old one)."""
    CourseCompletion.objects.filter(pk=completion.pk).update(completed_at=when)
    Enrolment.objects.filter(pk=completion.enrolment_id).update(completed_at=when)
    completion.refresh_from_db()
    return completion


def backdate(completion: CourseCompletion, *, days: int) -> CourseCompletion:
    return set_completed_at(completion, timezone.now() - timedelta(days=days))


def due_for_renewal(user, course) -> CourseCompletion:
    """Move the learner's last completion back into the renewal window.

    A learner may take a course with expiring certificates again only when
    renewal is due (courses.selectors.renewal_opens_at), so a test that issues
    a second certificate first ages the first completion.
    """
    completion = CourseCompletion.objects.filter(
        enrolment__user=user, enrolment__course=course
    ).latest("completed_at")
    return backdate(completion, days=31 * course.certificate_validity_months)


def issue(user, course) -> Certificate:
    return certificate_issue(completion=complete_course(user, course))
