"""Fixtures for certificate tests: learners, a course, completing it, issuing."""

from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

import pytest

from certificates.models import Certificate
from certificates.services import certificate_issue
from courses.models import CourseCompletion, Enrolment
from courses.selectors import lessons_of
from courses.services import enrolment_create, lesson_complete
from tests.factories import PlacementFactory, UserFactory, competency, course, org_unit
from tests.site import site_tree  # noqa: F401  (imported by transactional tests)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The verification rate limit counts in the cache: start every test at zero."""
    cache.clear()
    yield
    cache.clear()


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


@pytest.fixture
def make_learner(standards):
    """Learners with accounts, Thai and English names and a placement."""
    counter = iter(range(1, 10_000))
    units = []

    def _make(email=None, *, first_th="ญาณิศา", last_th="ศรีสุข", last_en="Srisuk"):
        n = next(counter)
        if not units:
            units.append(org_unit("CERT", kind="ministry", name="กระทรวงดิจิทัลทดสอบ"))
        user = UserFactory(email=email or f"learner{n}@example.go.th")
        PlacementFactory(
            unit=units[0],
            person__user=user,
            person__email=user.email,
            person__title_th="นางสาว",
            person__first_name_th=first_th,
            person__last_name_th=last_th,
            person__title_en="Ms",
            person__first_name_en="Yanisa",
            person__last_name_en=last_en,
            position_title="นักวิชาการคอมพิวเตอร์ชำนาญการ",
        )
        return user

    return _make


@pytest.fixture
def recert_course(framework_academy):
    """A course whose certificates last 24 months, so it can be retaken."""
    return course(
        "ความมั่นคงปลอดภัยไซเบอร์สำหรับผู้บริหาร",
        title_en="Cyber security for executives",
        slug="cyber-exec",
        lessons=1,
        competencies=[(competency(framework_academy, "ACD-GOV-02"), 2)],
        learning_hours=3,
        certificate_validity_months=24,
    )
