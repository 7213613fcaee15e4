"""The mail that tells people a course was assigned to them: once each, in Thai, HTML
and text, with links on the public origin; people added later are told when added."""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

import pytest

from competencies.hr.selectors import hr_access
from courses.assignments.selectors import AssignmentTarget
from courses.assignments.services import (
    assignment_create,
    assignment_notices_send,
    assignments_add_new_members,
)
from courses.models import AssignmentReminder
from tests.factories import PlacementFactory, UserFactory, course, org_unit

pytestmark = pytest.mark.django_db(transaction=True)

BASE = "https://academy.example.go.th"


def _html(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


@override_settings(ACADEMY_PUBLIC_BASE_URL=BASE)
def test_each_assignee_is_told_once_in_thai_with_public_links(hr_world, mailoutbox):
    page = course("หลักสูตรบังคับด้านข้อมูล", slug="mandatory-data", lessons=1)
    due = timezone.localdate() + timedelta(days=20)
    assignment = assignment_create(
        access=hr_access(hr_world.officer),
        course=page,
        due_on=due,
        target=AssignmentTarget(unit=hr_world.unit),
        note="โปรดเรียนให้จบก่อนการประชุมใหญ่",
        include_new_members=True,
    )
    people = assignment.assignees.count()
    assert people == 2
    assert len(mailoutbox) == people
    assert len({m.to[0] for m in mailoutbox}) == people
    message = mailoutbox[0]
    assert "หลักสูตรบังคับด้านข้อมูล" in message.subject
    assert "ท่านได้รับมอบหมาย" in message.subject
    assert f"{BASE}/" in message.body and "/mandatory-data/" in message.body
    assert str(due.year + 543) in message.body  # Buddhist Era
    assert "โปรดเรียนให้จบก่อนการประชุมใหญ่" in message.body
    assert "คุณ" not in message.body
    html = _html(message)
    assert f'href="{BASE}/' in html and "mandatory-data" in html
    assert "#0b4f8a" in html  # the Academy's look
    assert 'lang="th"' in html
    assert AssignmentReminder.objects.filter(event="assigned").count() == people

    # Once: a second run (a redelivered task) mails no one.
    assert assignment_notices_send(assignment=assignment) == 0
    assert len(mailoutbox) == people

    # A later joiner who matches the rule is told when added, and only they are.
    newcomer = PlacementFactory(
        unit=org_unit("V1N", parent=hr_world.unit),
        person__user=UserFactory(email="new@example.go.th"),
    ).person
    assert assignments_add_new_members() == 1
    assert [m.to for m in mailoutbox[people:]] == [[newcomer.email]]
    assert newcomer.course_assignments.get().reminders.get().event == "assigned"


def test_people_who_already_completed_or_have_no_email_are_not_told(
    hr_world, mailoutbox
):
    from courses.selectors import lessons_of
    from courses.services import enrolment_create, lesson_complete

    page = course("หลักสูตรที่เรียนแล้ว", slug="done-course", lessons=1)
    learner = hr_world.learner_user
    enrolment_create(user=learner, course=page)
    for lesson in lessons_of(page):
        lesson_complete(user=learner, lesson=lesson)
    mailoutbox.clear()
    assignment_create(
        access=hr_access(hr_world.officer),
        course=page,
        due_on=timezone.localdate() + timedelta(days=5),
        target=AssignmentTarget(unit=hr_world.unit),
    )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to != [learner.email]
