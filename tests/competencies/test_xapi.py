"""xAPI statements for every learning event, stored in a real LRS (Ralph) and read back.

Ralph runs from var/ralph-venv (tests/xapi_lrs.py): statements are PUT by the
Academy's own sending code, queried back through the LRS's statements resource,
and checked against Ralph's xAPI 1.0.3 models.
"""

import json
import uuid
from datetime import timedelta

from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest

from academy.accounts.privacy import subject_anonymise, subject_for_user
from academy.celery import app
from academy.core.public import public_base_url
from certificates.models import Certificate
from competencies.models import Evidence
from competencies.xapi import services as xapi
from competencies.xapi.lrs import LrsUnavailable
from competencies.xapi.models import Actor, OutboxStatement
from courses.assessments.services import attempt_start, attempt_submit
from courses.selectors import lessons_of
from courses.services import enrolment_create, lesson_complete, lesson_view_record
from tests.courses.assessment_helpers import answers, make_assessment, make_bank, single
from tests.factories import competency
from tests.xapi_lrs import ralph_validate

pytestmark = pytest.mark.django_db

# The courses tests' learner and course, as fixtures here too.

ADL = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture
def quiz(framework_academy, governance_course):
    gov02 = competency(framework_academy, "ACD-GOV-02")
    bank = make_bank(framework_academy)
    for rank in (1, 2, 3):
        for n in range(4):
            single(bank, gov02, rank, f"G{rank}-{n}")
    return make_assessment(
        course=governance_course, rules=[(bank, gov02, 4)], pass_mark_percent=50
    )


def _learn_everything(user, course, quiz, capture):
    """Enrol, open and complete each lesson, pass the quiz, earn the certificate."""
    with capture(execute=True):
        enrolment_create(user=user, course=course)
    for lesson in lessons_of(course):
        with capture(execute=True):
            lesson_view_record(user=user, lesson=lesson)
        with capture(execute=True):
            lesson_view_record(user=user, lesson=lesson)  # a second view: no statement
    with capture(execute=True):
        attempt = attempt_start(user=user, assessment=quiz)
    with capture(execute=True):
        attempt_submit(attempt=attempt, responses=answers(attempt))
    for lesson in lessons_of(course):
        with capture(execute=True):
            lesson_complete(user=user, lesson=lesson)


def test_every_learning_event_reaches_the_lrs_once_and_conforms(
    lrs,
    learner,
    governance_course,
    quiz,
    django_capture_on_commit_callbacks,
):
    _learn_everything(
        learner, governance_course, quiz, django_capture_on_commit_callbacks
    )

    assert Certificate.objects.filter(status=Certificate.Status.VALID).count() == 1
    outbox = OutboxStatement.objects.all()
    assert {row.status for row in outbox} == {OutboxStatement.Status.SENT}
    events = sorted(outbox.values_list("event", flat=True))
    assert events == sorted(
        ["enrolled"]
        + ["lesson_viewed"] * 2
        + ["attempt_started", "attempt_submitted"]
        + ["question_answered"] * 4  # one per question drawn
        + ["evidence_recorded"]  # the passed quiz's evidence
        + ["lesson_completed"] * 2
        + ["evidence_recorded"]  # the course completion's evidence
        + ["course_completed", "certificate_issued"]
    )

    stored = lrs.statements()
    assert sorted(s["id"] for s in stored) == sorted(str(row.id) for row in outbox)
    assert len(lrs.stored_lines()) == len(stored)  # nothing written twice
    by_event = {row.event: row.statement for row in outbox}
    verbs = {s["verb"]["id"] for s in stored}
    assert {
        ADL + "registered",
        ADL + "experienced",
        ADL + "attempted",
        ADL + "passed",
        ADL + "answered",
        ADL + "completed",
        "https://w3id.org/xapi/adl/verbs/satisfied",
        "http://specification.openbadges.org/xapi/verbs/earned.json",
    } == verbs

    # The learner is an account on the Academy's public base URL, with a random name.
    actor = Actor.objects.get(user=learner)
    expected_agent = {
        "objectType": "Agent",
        "account": {"homePage": public_base_url(), "name": str(actor.name)},
    }
    assert all(s["actor"] == expected_agent for s in stored)
    text = json.dumps(stored, ensure_ascii=False)
    assert learner.email not in text
    assert learner.person_record.email not in text
    assert f'"{learner.pk}"' not in text

    submitted = by_event["attempt_submitted"]
    assert submitted["result"]["success"] is True
    assert submitted["result"]["score"]["raw"] == 4.0
    assert submitted["result"]["score"]["scaled"] == 1.0
    assert submitted["object"]["definition"]["type"] == (
        "http://adlnet.gov/expapi/activities/assessment"
    )
    completed = by_event["course_completed"]
    assert completed["object"]["definition"]["type"] == (
        "http://adlnet.gov/expapi/activities/course"
    )
    assert (
        completed["object"]["definition"]["name"]["en"] == "Government data governance"
    )
    registration = completed["context"]["registration"]
    assert by_event["enrolled"]["context"]["registration"] == registration
    assert by_event["lesson_completed"]["context"]["registration"] == registration

    # Ralph's own xAPI 1.0.3 models accept every statement, as sent and as stored.
    assert ralph_validate([row.statement for row in outbox]) == [None] * len(outbox)
    assert ralph_validate(stored) == [None] * len(stored)


def test_a_statement_is_recorded_once_per_event_and_resent_under_the_same_id(
    lrs,
    learner,
    governance_course,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrolment_create(user=learner, course=governance_course)
    row = OutboxStatement.objects.get(event="enrolled")
    assert row.id == xapi.statement_id("enrolled", str(enrolment.pk))

    from courses import xapi_events

    with django_capture_on_commit_callbacks(execute=True):
        xapi_events.enrolled(enrolment=enrolment)  # recorded before: nothing new
    assert OutboxStatement.objects.count() == 1

    # As if a worker died after the LRS stored it and before the outbox said so.
    OutboxStatement.objects.filter(pk=row.pk).update(
        status=OutboxStatement.Status.PENDING
    )
    assert xapi.statement_send(statement_id=row.id) == OutboxStatement.Status.SENT
    assert [s["id"] for s in lrs.statements()] == [str(row.id)]
    assert len(lrs.stored_lines()) == 1


def test_backfill_sends_past_events_with_the_live_ids_and_nothing_twice(
    lrs,
    learner,
    governance_course,
    quiz,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.ACADEMY_XAPI_ENDPOINT = ""  # the events happen before an LRS is set
    _learn_everything(
        learner, governance_course, quiz, django_capture_on_commit_callbacks
    )
    assert not OutboxStatement.objects.exists()

    settings.ACADEMY_XAPI_ENDPOINT = lrs.endpoint
    with django_capture_on_commit_callbacks(execute=True):
        call_command("xapi_backfill")
    first = set(OutboxStatement.objects.values_list("id", flat=True))
    assert len(first) == 15  # 11 events and the quiz's 4 questions
    assert {str(i) for i in first} == {s["id"] for s in lrs.statements()}

    # The outbox lost (say, restored from an old backup): the same ids again, and
    # the LRS, which already holds them, keeps one of each.
    OutboxStatement.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "xapi_backfill", "--event", "enrolled", "--event", "course_completed"
        )
    again = set(OutboxStatement.objects.values_list("id", flat=True))
    assert again < first and len(again) == 2
    assert set(OutboxStatement.objects.values_list("status", flat=True)) == {"sent"}
    assert len(lrs.stored_lines()) == 15

    with django_capture_on_commit_callbacks(execute=True):
        call_command("xapi_backfill")
    assert OutboxStatement.objects.count() == 15
    assert len(lrs.stored_lines()) == 15


def test_backfill_refuses_without_an_lrs_or_for_a_switched_off_event(settings, lrs):
    settings.ACADEMY_XAPI_EVENTS_OFF = frozenset({"lesson_viewed"})
    with pytest.raises(CommandError, match="switched off"):
        call_command("xapi_backfill", "--event", "lesson_viewed")
    settings.ACADEMY_XAPI_ENDPOINT = ""
    with pytest.raises(CommandError, match="ACADEMY_XAPI_ENDPOINT"):
        call_command("xapi_backfill")


def test_an_event_type_switched_off_is_not_recorded(
    lrs,
    settings,
    learner,
    governance_course,
    django_capture_on_commit_callbacks,
):
    settings.ACADEMY_XAPI_EVENTS_OFF = frozenset({"lesson_viewed", "enrolled"})
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_create(user=learner, course=governance_course)
    lesson = lessons_of(governance_course)[0]
    with django_capture_on_commit_callbacks(execute=True):
        lesson_view_record(user=learner, lesson=lesson)
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(user=learner, lesson=lesson)
    assert list(OutboxStatement.objects.values_list("event", flat=True)) == [
        "lesson_completed"
    ]
    with pytest.raises(ValueError, match="unknown xAPI event"):
        xapi.event_enabled("lesson_skimmed")


def test_without_an_lrs_nothing_is_recorded(
    settings,
    learner,
    governance_course,
    django_capture_on_commit_callbacks,
):
    settings.ACADEMY_XAPI_ENDPOINT = ""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enrolment_create(user=learner, course=governance_course)
    # Other callbacks (cache versions) may run on commit; none sends a statement.
    assert not [c for c in callbacks if c.__module__.startswith("competencies.xapi")]
    assert not OutboxStatement.objects.exists()


def test_an_unreachable_lrs_keeps_the_statement_until_the_sweep_sends_it(
    lrs,
    settings,
    learner,
    governance_course,
    django_capture_on_commit_callbacks,
):
    settings.ACADEMY_XAPI_ENDPOINT = "http://127.0.0.1:9/xAPI/"  # nothing listens
    with django_capture_on_commit_callbacks(execute=False):
        enrolment_create(user=learner, course=governance_course)
    row = OutboxStatement.objects.get()
    with pytest.raises(LrsUnavailable):
        xapi.statement_send(statement_id=row.id)
    row.refresh_from_db()
    assert (row.status, row.tries) == (OutboxStatement.Status.PENDING, 1)
    assert "ConnectionError" in row.last_error

    settings.ACADEMY_XAPI_ENDPOINT = lrs.endpoint
    report = xapi.outbox_sweep(now=timezone.now() + timedelta(minutes=11))
    assert report.queued == 1
    row.refresh_from_db()
    assert row.status == OutboxStatement.Status.SENT
    assert [s["id"] for s in lrs.statements()] == [str(row.id)]


def test_the_lrs_refusing_a_statement_marks_it_rejected(lrs, learner):
    actor = xapi.actor_for(user=learner)
    broken = uuid.uuid4()
    OutboxStatement.objects.create(
        id=broken,
        event="enrolled",
        actor=actor,
        statement={"id": str(broken), "actor": xapi.agent(actor), "verb": {"id": "x"}},
    )
    assert xapi.statement_send(statement_id=broken) == OutboxStatement.Status.REJECTED
    assert lrs.statements() == []


def test_sent_bodies_are_emptied_after_the_keeping_period(
    lrs,
    learner,
    governance_course,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_create(user=learner, course=governance_course)
    xapi.outbox_sweep(now=timezone.now() + timedelta(days=29))
    assert OutboxStatement.objects.get().statement is not None
    report = xapi.outbox_sweep(now=timezone.now() + timedelta(days=31))
    assert report.emptied == 1
    row = OutboxStatement.objects.get()
    assert row.statement is None and row.status == OutboxStatement.Status.SENT


def test_anonymising_a_person_voids_what_was_sent_and_stops_sending(
    lrs,
    learner,
    governance_course,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrolment_create(user=learner, course=governance_course)
    lesson = lessons_of(governance_course)[0]
    with django_capture_on_commit_callbacks(execute=False):
        lesson_view_record(user=learner, lesson=lesson)  # queued, not sent yet
    sent = OutboxStatement.objects.get(event="enrolled")
    pending = OutboxStatement.objects.get(event="lesson_viewed")

    with django_capture_on_commit_callbacks(execute=True):
        subject_anonymise(subject=subject_for_user(learner))

    pending.refresh_from_db()
    assert pending.status == OutboxStatement.Status.CANCELLED
    assert pending.statement is None
    voiding = OutboxStatement.objects.get(event="voided")
    assert voiding.voids == sent.id and voiding.status == OutboxStatement.Status.SENT
    stored = {s["id"]: s for s in lrs.statements()}
    assert stored[str(voiding.id)]["object"] == {
        "objectType": "StatementRef",
        "id": str(sent.id),
    }
    assert stored[str(voiding.id)]["verb"]["id"] == ADL + "voided"
    assert ralph_validate([voiding.statement]) == [None]

    # Nothing more about them: neither new events nor a backfill.
    learner.refresh_from_db()
    enrolment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(user=learner, lesson=lesson)
        call_command("xapi_backfill")
    assert not OutboxStatement.objects.filter(
        status=OutboxStatement.Status.PENDING
    ).exists()
    assert OutboxStatement.objects.filter(event="lesson_completed").count() == 0


def test_evidence_for_a_person_without_an_account_is_sent_under_their_record(
    lrs, framework_academy, django_capture_on_commit_callbacks
):
    from competencies.services import evidence_record
    from tests.factories import PersonFactory, level

    person = PersonFactory(user=None)
    with django_capture_on_commit_callbacks(execute=True):
        evidence = evidence_record(
            person=person,
            competency=competency(framework_academy, "ACD-GOV-02"),
            level=level(framework_academy, 2),
            source=Evidence.Source.MANUAL_RATING,
            observed_on=timezone.localdate(),
        )
    row = OutboxStatement.objects.get()
    assert row.id == xapi.statement_id("evidence_recorded", str(evidence.pk))
    assert row.actor.person == person and row.actor.user is None
    assert row.statement["result"]["score"]["raw"] == 2
    assert row.statement["object"]["definition"]["type"] == (
        "http://adlnet.gov/expapi/activities/objective"
    )
    assert [s["id"] for s in lrs.statements()] == [str(row.id)]


def test_email_identification_is_the_administrators_choice(
    lrs,
    settings,
    learner,
    governance_course,
    django_capture_on_commit_callbacks,
):
    settings.ACADEMY_XAPI_IDENTIFY_BY = "email"
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_create(user=learner, course=governance_course)
    (stored,) = lrs.statements()
    assert stored["actor"] == {"objectType": "Agent", "mbox": f"mailto:{learner.email}"}


def test_statements_go_to_the_reports_queue_with_time_limits():
    app.loader.import_default_modules()
    route = app.amqp.router.route({}, "competencies.xapi.tasks.statements_send")
    assert route["queue"].name == "reports"
    task = app.tasks["competencies.xapi.tasks.statements_send"]
    assert task.acks_late is True
    assert app.conf.task_annotations[task.name]["time_limit"] == 300


def test_a_person_anonymised_before_anything_was_sent_is_never_backfilled(
    lrs, framework_academy, settings, django_capture_on_commit_callbacks
):
    from competencies.services import evidence_record
    from tests.factories import PersonFactory, level

    settings.ACADEMY_XAPI_ENDPOINT = ""  # evidence recorded before the LRS was set
    person = PersonFactory(user=None)
    evidence_record(
        person=person,
        competency=competency(framework_academy, "ACD-GOV-02"),
        level=level(framework_academy, 2),
        source=Evidence.Source.MANUAL_RATING,
        observed_on=timezone.localdate(),
    )
    settings.ACADEMY_XAPI_ENDPOINT = lrs.endpoint
    subject_anonymise(subject=_subject(person))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("xapi_backfill", "--event", "evidence_recorded")
    assert not OutboxStatement.objects.exists()
    assert Actor.objects.get(person=person).anonymised_at is not None


def _subject(person):
    from academy.accounts.privacy import DataSubject

    return DataSubject(user=None, person_id=person.pk)
