"""xAPI: assignments to many people, the cost on a learner's request, and the checks
that refuse a wrong configuration at start."""

import uuid
from datetime import timedelta

from django.core.checks import Error
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from competencies.hr.selectors import hr_access
from competencies.xapi import checks
from competencies.xapi.models import Actor, OutboxStatement
from courses.assignments import selectors
from courses.assignments.services import assignment_create
from courses.models import CoursePage
from courses.selectors import lessons_of
from courses.services import enrolment_create, lesson_complete, lesson_view_record
from tests.factories import PlacementFactory, course
from tests.xapi_lrs import ralph_validate

pytestmark = pytest.mark.django_db


def _assign(world, people: int):
    for _ in range(people):
        PlacementFactory(unit=world.unit)
    page = course(
        "ความมั่นคงปลอดภัยไซเบอร์สำหรับทุกคน",
        slug="cyber-basics",
        enrolment_policy=CoursePage.EnrolmentPolicy.ASSIGNED,
    )
    return assignment_create(
        access=hr_access(world.parent_officer),
        course=page,
        due_on=timezone.localdate() + timedelta(days=30),
        target=selectors.AssignmentTarget(unit=world.unit),
    )


def test_an_assignment_sends_one_statement_per_person_in_chunks(
    lrs, hr_world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assignment = _assign(hr_world, people=45)
    people = assignment.assignees.count()
    assert people >= 45
    rows = OutboxStatement.objects.filter(event="assignment_given")
    assert rows.count() == people
    assert {row.status for row in rows} == {OutboxStatement.Status.SENT}
    stored = lrs.statements()
    assert len(stored) == people
    assert {s["verb"]["id"] for s in stored} == {
        "http://activitystrea.ms/schema/1.0/assign"
    }
    # Queued in chunks by one callback, not one callback per statement.
    names = [c.__qualname__ for c in callbacks]
    assert names.count("sent_together.<locals>.<lambda>") == 1
    assert "statement_record.<locals>.<lambda>" not in names

    statement = rows.get(actor__person=hr_world.target).statement
    officer = Actor.objects.get(user=hr_world.parent_officer)
    assert statement["actor"]["account"]["name"] == str(officer.name)
    learner_actor = Actor.objects.get(person=hr_world.target)
    assert statement["context"]["team"]["member"][0]["account"]["name"] == str(
        learner_actor.name
    )
    assert (
        statement["object"]["id"]
        == f"http://testserver/xapi/activities/course/{assignment.course.pk}"
    )
    assert (
        statement["context"]["extensions"]["http://testserver/xapi/extensions/due-on"]
        == assignment.due_on.isoformat()
    )
    assert ralph_validate([statement]) == [None]

    # The person signs in later: their learning goes under the same name.
    user = hr_world.learner_user
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_create(user=user, course=assignment.course)
    enrolled = OutboxStatement.objects.get(event="enrolled")
    assert enrolled.actor == Actor.objects.get(person=user.person)


@pytest.mark.parametrize("lessons", [1, 5])
def test_recording_adds_a_fixed_number_of_queries_to_a_learners_request(
    lrs, settings, learner, framework_academy, lessons
):
    """Viewing and completing a lesson with an LRS configured costs a few queries
    more than without, the same for a course of 1 lesson or of 5; nothing waits for
    the LRS (sending is queued after commit)."""
    page = course("หลักสูตรทดสอบ", slug=f"budget-{lessons}", lessons=lessons)
    enrolment_create(user=learner, course=page)
    lesson = lessons_of(page)[0]
    Actor.objects.get_or_create(user=learner, person=learner.person_record)

    def count(action, endpoint: str) -> int:
        settings.ACADEMY_XAPI_ENDPOINT = endpoint
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                action()
            transaction.set_rollback(True)
        return len(queries)

    def view():
        lesson_view_record(user=learner, lesson=lesson)

    def complete():
        lesson_view_record(user=learner, lesson=lesson)
        lesson_complete(user=learner, lesson=lesson)

    view_extra = count(view, lrs.endpoint) - count(view, "")
    complete_extra = count(complete, lrs.endpoint) - count(complete, "")
    # Per statement (measured: 6): the learner's person and Actor, whether the id
    # is recorded, the insert, and the page's public URL.
    assert view_extra <= 6, view_extra
    statements = 3 if lessons == 1 else 2  # viewed, completed (+ course completed)
    assert complete_extra <= 6 * statements, complete_extra
    assert not OutboxStatement.objects.filter(event__startswith="lesson").exists()


def test_checks_refuse_a_wrong_configuration(settings):
    settings.ACADEMY_XAPI_ENDPOINT = "ftp://lrs.example/xAPI/"
    settings.ACADEMY_XAPI_USERNAME = ""
    settings.ACADEMY_XAPI_IDENTIFY_BY = "national_id"
    settings.ACADEMY_XAPI_EVENTS_OFF = frozenset({"lesson_skimmed"})
    found = {error.id: error for error in checks.xapi_settings_check(None)}
    assert set(found) == {"xapi.E001", "xapi.E002", "xapi.E003", "xapi.E004"}
    assert all(isinstance(error, Error) for error in found.values())
    assert "lesson_skimmed" in found["xapi.E004"].msg

    settings.ACADEMY_XAPI_ENDPOINT = "https://lrs.example/xAPI/"
    settings.ACADEMY_XAPI_USERNAME = "academy"
    settings.ACADEMY_XAPI_PASSWORD = "secret"
    settings.ACADEMY_XAPI_IDENTIFY_BY = "email"
    settings.ACADEMY_XAPI_EVENTS_OFF = frozenset({"lesson_viewed"})
    assert checks.xapi_settings_check(None) == []


def test_metrics_show_what_waits_and_what_was_refused(client, settings, learner):
    settings.ACADEMY_METRICS_TOKEN = "s3cret-token"
    actor = Actor.objects.create(user=learner)
    for status, minutes in (("pending", 30), ("pending", 5), ("rejected", 1)):
        OutboxStatement.objects.create(
            id=uuid.uuid4(),
            event="enrolled",
            actor=actor,
            status=status,
            statement={},
            created_at=timezone.now() - timedelta(minutes=minutes),
        )
    OutboxStatement.objects.create(id=uuid.uuid4(), event="enrolled", status="sent")

    text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").content
    lines = text.decode().splitlines()
    assert 'academy_xapi_statements_unsent{status="pending"} 2.0' in lines
    assert 'academy_xapi_statements_unsent{status="rejected"} 1.0' in lines
    (age,) = [
        line
        for line in lines
        if line.startswith("academy_xapi_oldest_pending_seconds ")
    ]
    assert 1790 < float(age.split()[1]) < 1900
