"""Reminder mail links name the public origin, not a host Wagtail happens to know."""

from datetime import timedelta

from django.utils import timezone

from wagtail.models import Site

import pytest

from competencies.hr.selectors import hr_access
from courses.assignments.selectors import AssignmentTarget
from courses.assignments.services import assignment_create, assignment_reminders_send
from tests.factories import course

pytestmark = pytest.mark.django_db

PUBLIC = "https://academy.example.go.th"


def test_reminder_links_use_the_public_base_url(
    settings, hr_world, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ACADEMY_PUBLIC_BASE_URL = PUBLIC
    Site.objects.update(hostname="web-3.internal", port=8080)
    page = course("หลักสูตรบังคับ", slug="mandatory", lessons=1)
    assignment = assignment_create(
        access=hr_access(hr_world.officer),
        course=page,
        due_on=timezone.localdate() + timedelta(days=7),
        target=AssignmentTarget(unit=hr_world.unit),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assignment_reminders_send(on=assignment.due_on - timedelta(days=7))

    body = mailoutbox[0].body
    assert f"{PUBLIC}/dashboard/" in body
    assert f"{PUBLIC}/courses/mandatory/" in body
    assert "web-3.internal" not in body
