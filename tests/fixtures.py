"""Fixtures shared across test folders, registered once by tests/conftest.py's
pytest_plugins (no conftest imports another's fixtures): a learner and a course, the
HR workspace's small ministry, and a course assigned there with its learners' progress."""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import pytest

from competencies.hr.selectors import hr_access
from competencies.hr.services import evidence_record_manual
from courses.assignments.selectors import AssignmentTarget
from courses.assignments.services import assignment_create
from courses.models import CoursePage
from courses.selectors import lessons_of
from courses.services import enrolment_create, lesson_complete
from tests.factories import (
    PlacementFactory,
    UserFactory,
    competency,
    course,
    hr_officer,
    level,
    org_unit,
)


def standards_deleted() -> None:
    """Delete the standards django_db_setup loaded: the database as the migrations
    leave it."""
    from competencies.models import Framework, ProficiencyScale, StaffScheme

    Framework.objects.all().delete()
    ProficiencyScale.objects.all().delete()
    StaffScheme.objects.all().delete()  # position types, levels, lines of work


@contextmanager
def class_transaction(django_db_blocker):
    """A transaction around a test class or module, rolled back after its last test:
    what its fixture writes in it, each test sees, as the test's own transaction is a
    savepoint inside. With the tests in one process (an xdist_group), it is written once
    a run, where a function-scoped fixture would write it again for every test."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def learner(standards):
    """A non-IT knowledge worker (practitioner) with an account and a placement."""
    user = UserFactory(email="learner@example.go.th")
    unit = org_unit("M01", kind="ministry")
    placement = PlacementFactory(unit=unit, person__user=user, person__email=user.email)
    user.person_record = placement.person
    return user


@pytest.fixture
def governance_course(framework_academy):
    return governance_course_create(framework_academy)


def governance_course_create(framework_academy):
    """The governance_course fixture's course, for a fixture of a wider scope."""
    return course(
        "การกำกับดูแลข้อมูลภาครัฐ",
        title_en="Government data governance",
        lessons=2,
        competencies=[(competency(framework_academy, "ACD-GOV-02"), 3)],
        learning_hours=6,
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class HRWorld:
    framework: object
    ministry: object
    department: object
    other_department: object
    unit: object
    sibling: object
    target: object
    attachment: object
    supervisor_user: object
    supervisor: object
    learner_user: object
    officer: object
    sibling_officer: object
    parent_officer: object


@pytest.fixture
def hr_world(framework_academy):
    """M ▸ D1 ▸ {V1, V2}, M ▸ D2. The target works in V1 under a supervisor in D1.

    Officers look after V1 (this unit), V2 (a sibling) and D1 (the parent).
    """
    ministry = org_unit("M", kind="ministry", name="กระทรวงดิจิทัลทดสอบ")
    department = org_unit("D1", parent=ministry, kind="department", name="กรมหนึ่ง")
    other_department = org_unit("D2", parent=ministry, kind="department", name="กรมสอง")
    unit = org_unit("V1", parent=department, kind="division", name="กองหนึ่ง")
    sibling = org_unit("V2", parent=department, kind="division", name="กองสอง")

    supervisor_user = UserFactory(email="chief@example.go.th")
    supervisor = PlacementFactory(
        unit=department,
        person__user=supervisor_user,
        person__first_name_th="หัวหน้า",
        person__employee_number="S0001",
    ).person
    target = PlacementFactory(
        unit=unit,
        supervisor=supervisor,
        person__first_name_th="สมศรี",
        person__last_name_th="มีสุข",
        person__employee_number="T0001",
        person__national_id_masked="1-1017-xxxxx-xx-8",
    ).person
    learner_user = UserFactory(email="learner@example.go.th")
    PlacementFactory(unit=unit, person__user=learner_user)

    officer = hr_officer(unit, email="hr-v1@example.go.th")
    sibling_officer = hr_officer(sibling, email="hr-v2@example.go.th")
    parent_officer = hr_officer(department, email="hr-d1@example.go.th")

    evidence = evidence_record_manual(
        actor=officer,
        person=target,
        competency=competency(framework_academy, "ACD-LIT-01"),
        level=level(framework_academy, 2),
        source="manual",
        observed_on=date(2026, 1, 15),
        note="ประเมินโดยหัวหน้างาน",
        attachment=SimpleUploadedFile("rating.pdf", PDF, "application/pdf"),
    )
    return HRWorld(
        framework=framework_academy,
        ministry=ministry,
        department=department,
        other_department=other_department,
        unit=unit,
        sibling=sibling,
        target=target,
        attachment=evidence.attachment,
        supervisor_user=supervisor_user,
        supervisor=supervisor,
        learner_user=learner_user,
        officer=officer,
        sibling_officer=sibling_officer,
        parent_officer=parent_officer,
    )


@pytest.fixture
def mandatory(hr_world):
    """A course learners enrol in only when it is assigned to them."""
    return course(
        "ความมั่นคงปลอดภัยไซเบอร์สำหรับทุกคน",
        title_en="Cyber security for everyone",
        slug="cyber-basics",
        lessons=2,
        enrolment_policy=CoursePage.EnrolmentPolicy.ASSIGNED,
    )


@pytest.fixture
def progress(hr_world, mandatory):
    """Assigned by the D1 officer. In V1: the learner completed, one person in
    progress, the target not started; in V2 and in D1 itself: one not started each. Due yesterday, so the unfinished are overdue."""
    sibling_person = PlacementFactory(unit=hr_world.sibling).person
    started_user = UserFactory()
    PlacementFactory(unit=hr_world.unit, person__user=started_user)
    assignment = assignment_create(
        access=hr_access(hr_world.parent_officer),
        course=mandatory,
        due_on=timezone.localdate() + timedelta(days=30),
        target=AssignmentTarget(),
    )
    learner = hr_world.learner_user
    enrolment_create(user=learner, course=mandatory)
    for lesson in lessons_of(mandatory):
        lesson_complete(user=learner, lesson=lesson)
    enrolment_create(user=started_user, course=mandatory)
    type(assignment).objects.filter(pk=assignment.pk).update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    assignment.refresh_from_db()
    return assignment, sibling_person
