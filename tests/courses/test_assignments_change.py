"""Changing, cancelling and previewing assignments, and newcomers added by rule."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from academy.accounts.models import AuditEntry
from competencies.hr.selectors import hr_access
from courses.assignments import selectors
from courses.assignments.services import (
    assignment_cancel,
    assignment_change,
    assignment_create,
    assignment_reminders_send,
    assignments_add_new_members,
)
from courses.assignments.tasks import assignments_add_new_members as add_task
from courses.models import AssignmentReminder, CoursePage
from courses.services import EnrolmentError, enrolment_create
from tests.factories import PlacementFactory, UserFactory, course, org_unit

pytestmark = pytest.mark.django_db


def _today() -> date:
    return timezone.localdate()


@pytest.fixture
def mandatory(hr_world):
    return course(
        "ความมั่นคงปลอดภัยไซเบอร์สำหรับทุกคน",
        slug="cyber-basics",
        lessons=2,
        enrolment_policy=CoursePage.EnrolmentPolicy.ASSIGNED,
    )


def _assign(officer, page, *, days=30, include_new_members=False, **target):
    return assignment_create(
        access=hr_access(officer),
        course=page,
        due_on=_today() + timedelta(days=days),
        target=selectors.AssignmentTarget(**target),
        include_new_members=include_new_members,
    )


def _sent() -> int:
    return sum(assignment_reminders_send().sent.values())


def _post(user, url, data=None):
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client.post(url, data or {})


# ------------------------------------------------------------------------------
# Who may change or cancel
# ------------------------------------------------------------------------------


def test_the_assigner_and_a_parent_officer_may_change_a_sibling_may_not(
    hr_world, mandatory
):
    assignment = _assign(hr_world.officer, mandatory, unit=hr_world.unit)
    may = selectors.assignment_may_change
    assert may(hr_access(hr_world.officer), assignment)
    assert may(hr_access(hr_world.parent_officer), assignment)
    assert not may(hr_access(hr_world.sibling_officer), assignment)


def test_an_officer_who_sees_only_part_of_it_may_not_change_it(hr_world, mandatory):
    """The parent officer assigns across two units; the unit's officer sees half."""
    PlacementFactory(unit=hr_world.sibling)
    assignment = _assign(hr_world.parent_officer, mandatory, unit=hr_world.department)
    officer = hr_access(hr_world.officer)
    assert not selectors.assignment_may_change(officer, assignment)
    with pytest.raises(ValidationError):
        assignment_cancel(access=officer, assignment=assignment)
    response = _post(
        hr_world.officer, reverse("hr:assignment_cancel", args=[assignment.pk])
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert not assignment.is_cancelled


def test_a_sibling_officer_gets_404_on_change_and_cancel(hr_world, mandatory):
    assignment = _assign(hr_world.officer, mandatory, unit=hr_world.unit)
    for name in ("change", "cancel"):
        url = reverse(f"hr:assignment_{name}", args=[assignment.pk])
        response = _post(
            hr_world.sibling_officer, url, {"due_on": "2099-01-01", "note": "x"}
        )
        assert response.status_code == 404
    assignment.refresh_from_db()
    assert not assignment.is_cancelled and assignment.due_on != date(2099, 1, 1)


def test_change_and_cancel_refuse_get_and_a_forged_post(hr_world, mandatory):
    assignment = _assign(hr_world.officer, mandatory, unit=hr_world.unit)
    client = Client(enforce_csrf_checks=True)
    client.force_login(hr_world.officer)
    url = reverse("hr:assignment_cancel", args=[assignment.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assignment.refresh_from_db()
    assert not assignment.is_cancelled


# ------------------------------------------------------------------------------
# Changing
# ------------------------------------------------------------------------------


def test_a_new_due_date_restarts_the_reminders_and_is_audited(hr_world, mandatory):
    assignment = _assign(hr_world.officer, mandatory, days=5, unit=hr_world.unit)
    first = _sent()
    assert first > 0 and AssignmentReminder.objects.exists()

    response = _post(
        hr_world.officer,
        reverse("hr:assignment_change", args=[assignment.pk]),
        {"due_on": (_today() + timedelta(days=6)).isoformat(), "note": "เลื่อนกำหนด"},
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.due_on == _today() + timedelta(days=6)
    assert assignment.note == "เลื่อนกำหนด"
    entry = AuditEntry.objects.get(action="assignment.change")
    assert (
        entry.detail["before"]["due_on"] == (_today() + timedelta(days=5)).isoformat()
    )

    assert _sent() == first  # again, of the new date
    assert _sent() == 0  # and still once per event


def test_a_past_due_date_is_refused_with_the_field_named(hr_world, mandatory):
    assignment = _assign(hr_world.officer, mandatory, unit=hr_world.unit)
    response = _post(
        hr_world.officer,
        reverse("hr:assignment_change", args=[assignment.pk]),
        {"due_on": (_today() - timedelta(days=1)).isoformat(), "note": ""},
    )
    assert response.status_code == 400
    assert "due_on" in response.context["change_form"].errors
    before = assignment.due_on
    assignment.refresh_from_db()
    assert assignment.due_on == before


def test_the_note_of_an_overdue_assignment_can_still_change(hr_world, mandatory):
    assignment = _assign(hr_world.officer, mandatory, unit=hr_world.unit)
    past = _today() - timedelta(days=3)
    type(assignment).objects.filter(pk=assignment.pk).update(due_on=past)
    assignment.refresh_from_db()
    assignment_change(
        access=hr_access(hr_world.officer),
        assignment=assignment,
        due_on=past,
        note="โปรดเรียนให้จบ",
    )
    assignment.refresh_from_db()
    assert assignment.note == "โปรดเรียนให้จบ"


# ------------------------------------------------------------------------------
# Cancelling
# ------------------------------------------------------------------------------


def test_cancelling_takes_it_off_dashboards_reminders_compliance_and_enrolment(
    hr_world, mandatory
):
    learner = hr_world.learner_user
    assignment = _assign(hr_world.officer, mandatory, days=3, unit=hr_world.unit)
    assert [a.course.pk for a in selectors.assignments_for_learner(user=learner)] == [
        mandatory.pk
    ]
    response = _post(
        hr_world.officer, reverse("hr:assignment_cancel", args=[assignment.pk])
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.is_cancelled and assignment.cancelled_by == hr_world.officer
    assert AuditEntry.objects.filter(action="assignment.cancel").count() == 1

    assert selectors.assignments_for_learner(user=learner) == []
    assert _sent() == 0
    assert not selectors.course_assigned_to(user=learner, course=mandatory)
    with pytest.raises(EnrolmentError):
        enrolment_create(user=learner, course=mandatory)
    access = hr_access(hr_world.officer)
    assert list(selectors.compliance_counts(access, node=hr_world.unit)) == []
    assert list(selectors.assignments_visible(access, active_only=True)) == []
    # The record stays, marked, with its figures.
    page = Client()
    page.force_login(hr_world.officer)
    html = page.get(reverse("hr:assignment_detail", args=[assignment.pk])).content
    assert "hr:assignment_cancel" not in html.decode()
    assert reverse("hr:assignment_cancel", args=[assignment.pk]) not in html.decode()
    listing = page.get(reverse("hr:assignment_list")).content.decode()
    assert reverse("hr:assignment_detail", args=[assignment.pk]) in listing
    # Cancelling twice is refused, not repeated.
    with pytest.raises(ValidationError):
        assignment_cancel(access=access, assignment=assignment)


# ------------------------------------------------------------------------------
# Preview
# ------------------------------------------------------------------------------


def test_preview_counts_who_it_reaches_and_writes_nothing(hr_world, mandatory):
    client = Client()
    client.force_login(hr_world.parent_officer)
    data = {
        "course": mandatory.pk,
        "due_on": (_today() + timedelta(days=10)).isoformat(),
        "unit": hr_world.unit.pk,
        "preview": "1",
    }
    response = client.post(reverse("hr:assignment_new"), data)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.count, preview.missing) == (2, [])
    assert hr_world.target.pk in {placement.person_id for placement in preview.people}
    assert "สมศรี" in response.content.decode()
    assert not mandatory.assignments.exists()

    data["employee_numbers"] = "T0001, NOPE-1"
    response = client.post(reverse("hr:assignment_new"), data)
    preview = response.context["preview"]
    assert (preview.count, preview.missing) == (1, ["NOPE-1"])
    assert "NOPE-1" in response.content.decode()
    assert not mandatory.assignments.exists()

    data["employee_numbers"] = "NOPE-1"
    preview = client.post(reverse("hr:assignment_new"), data).context["preview"]
    assert (preview.count, preview.people, preview.missing) == (0, [], ["NOPE-1"])


# ------------------------------------------------------------------------------
# Newcomers
# ------------------------------------------------------------------------------


def test_people_who_join_later_are_added_when_asked_and_only_then(hr_world, mandatory):
    open_rule = _assign(
        hr_world.officer, mandatory, unit=hr_world.unit, include_new_members=True
    )
    fixed = _assign(hr_world.officer, mandatory, unit=hr_world.unit)
    before_open, before_fixed = open_rule.assignees.count(), fixed.assignees.count()

    newcomer = PlacementFactory(
        unit=org_unit("V1N", parent=hr_world.unit),
        person__user=UserFactory(email="new@example.go.th"),
    ).person
    PlacementFactory(unit=hr_world.sibling)  # outside the rule and the scope

    assert add_task.apply().get() == {"added": 1}
    assert open_rule.assignees.count() == before_open + 1
    assert open_rule.assignees.filter(person=newcomer).exists()
    assert fixed.assignees.count() == before_fixed
    assert assignments_add_new_members() == 0  # nothing new: idempotent


def test_no_newcomers_after_the_due_date_after_cancelling_or_for_a_list(
    hr_world, mandatory
):
    past = _assign(
        hr_world.officer, mandatory, unit=hr_world.unit, include_new_members=True
    )
    type(past).objects.filter(pk=past.pk).update(due_on=_today() - timedelta(days=1))
    cancelled = _assign(
        hr_world.officer, mandatory, unit=hr_world.unit, include_new_members=True
    )
    assignment_cancel(access=hr_access(hr_world.officer), assignment=cancelled)
    listed = _assign(
        hr_world.officer,
        mandatory,
        employee_numbers=["T0001"],
        include_new_members=True,
    )
    assert not listed.include_new_members
    PlacementFactory(unit=hr_world.unit)
    assert assignments_add_new_members() == 0


def test_the_change_form_shows_the_current_due_date_in_thai(hr_world, mandatory):
    """A date picker's value must be ISO 8601: the Thai format would show it empty."""
    assignment = _assign(hr_world.officer, mandatory, unit=hr_world.unit)
    client = Client()
    client.force_login(hr_world.officer)
    html = client.get(
        reverse("hr:assignment_detail", args=[assignment.pk]),
        HTTP_ACCEPT_LANGUAGE="th",
    ).content.decode()
    assert f'value="{assignment.due_on.isoformat()}"' in html
