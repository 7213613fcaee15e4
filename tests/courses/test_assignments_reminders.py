"""Reminder mails: 7 days and 1 day before the due date and when overdue, each once."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

import pytest
from celery.schedules import crontab

from academy.celery import app
from competencies.hr.selectors import hr_access
from courses.assignments import tasks
from courses.assignments.selectors import AssignmentTarget
from courses.assignments.services import assignment_create, assignment_reminders_send
from courses.models import AssignmentReminder
from courses.selectors import lessons_of
from courses.services import enrolment_create, lesson_complete
from tests.factories import course

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def assigned(hr_world):
    """The target (email on record) and the learner (an account) in V1, due in 10 days."""
    page = course("หลักสูตรบังคับ", slug="mandatory", lessons=1)
    today = timezone.localdate()
    assignment = assignment_create(
        access=hr_access(hr_world.officer),
        course=page,
        due_on=today + timedelta(days=10),
        target=AssignmentTarget(unit=hr_world.unit),
    )
    return assignment, today


def _run(on, mailoutbox):
    before = len(mailoutbox)
    report = assignment_reminders_send(on=on)
    return report, mailoutbox[before:]


def test_nothing_is_sent_before_the_first_window(assigned, mailoutbox):
    assignment, today = assigned
    report, sent = _run(today, mailoutbox)
    assert sent == [] and sum(report.sent.values()) == 0


def test_each_event_is_mailed_once_per_person(hr_world, assigned, mailoutbox):
    assignment, today = assigned
    due = assignment.due_on
    people = assignment.assignees.count()
    assert people == 2

    report, sent = _run(due - timedelta(days=7), mailoutbox)
    assert report.sent["due_7"] == people and len(sent) == people
    assert {message.to[0] for message in sent} >= {hr_world.target.email}
    assert "หลักสูตรบังคับ" in sent[0].subject
    assert str(due.year + 543) in sent[0].body  # the Buddhist Era, in Thai

    # The next days of the same window: nothing new.
    for days in (6, 5, 2):
        _report, again = _run(due - timedelta(days=days), mailoutbox)
        assert again == []

    report, sent = _run(due - timedelta(days=1), mailoutbox)
    assert report.sent["due_1"] == people and len(sent) == people
    assert _run(due, mailoutbox)[1] == []

    report, sent = _run(due + timedelta(days=1), mailoutbox)
    assert report.sent["overdue"] == people
    assert _run(due + timedelta(days=8), mailoutbox)[1] == []
    reminders = AssignmentReminder.objects.exclude(event="assigned")
    assert reminders.count() == 3 * people


def test_a_missed_day_still_reminds(assigned, mailoutbox):
    assignment, _today = assigned
    _report, sent = _run(assignment.due_on - timedelta(days=4), mailoutbox)
    assert len(sent) == 2


def test_completed_learners_are_not_reminded(hr_world, assigned, mailoutbox):
    assignment, _today = assigned
    learner = hr_world.learner_user
    enrolment_create(user=learner, course=assignment.course)
    for lesson in lessons_of(assignment.course):
        lesson_complete(user=learner, lesson=lesson)
    report, sent = _run(assignment.due_on + timedelta(days=1), mailoutbox)
    assert report.sent["overdue"] == 1
    assert [message.to[0] for message in sent] == [hr_world.target.email]


def test_the_database_refuses_a_second_reminder_of_an_event(assigned):
    from django.db import IntegrityError, transaction

    assignment, _today = assigned
    assignee = assignment.assignees.first()
    AssignmentReminder.objects.create(assignee=assignee, event="overdue")
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentReminder.objects.create(assignee=assignee, event="overdue")


def test_the_task_is_idempotent(assigned, mailoutbox, monkeypatch):
    assignment, _today = assigned
    monkeypatch.setattr(
        "courses.assignments.selectors.today",
        lambda: assignment.due_on - timedelta(days=1),
    )
    told = len(mailoutbox)  # the mail that it was assigned (test_assignment_mail.py)
    first = tasks.assignment_reminders_send()  # the task body, run here twice
    second = tasks.assignment_reminders_send()
    assert first["sent"]["due_1"] == 2
    assert sum(second["sent"].values()) == 0
    assert len(mailoutbox) == told + 2


def test_reminders_are_on_the_beat_schedule_daily():
    app.loader.import_default_modules()
    [entry] = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "courses.assignments.tasks.assignment_reminders_send"
    ]
    assert entry["task"] in app.tasks
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.day_of_week == set(range(7)) and len(schedule.hour) == 1
