"""The xAPI outbox screen: administrators see statements by status and send refused
ones again; nobody else sees it."""

import uuid

import pytest

from academy.accounts.roles import Role
from competencies.xapi import services
from competencies.xapi.models import OutboxStatement
from tests.factories import UserFactory
from tests.queries import one_and_fifty

pytestmark = pytest.mark.django_db
URL = "/admin/xapi/outbox/"


def statement(status, event="enrolled", error=""):
    return OutboxStatement.objects.create(
        id=uuid.uuid4(), event=event, status=status, tries=5, last_error=error
    )


@pytest.fixture
def administrator(standards):
    return UserFactory(email="admin@example.go.th", roles=[Role.ACADEMY_ADMIN])


def test_an_administrator_sees_statements_by_status(client, administrator):
    statement("pending", event="lesson_viewed")
    refused = statement("rejected", event="course_completed", error="400 bad verb")
    statement("sent", event="enrolled")
    client.force_login(administrator)
    html = client.get(URL).content.decode()
    for event in ("lesson_viewed", "course_completed", "enrolled"):
        assert event in html
    html = client.get(URL + "?status=rejected").content.decode()
    assert "400 bad verb" in html and str(refused.pk) in html
    assert "lesson_viewed" not in html


def test_refused_statements_are_sent_again_and_nothing_else_moves(
    client, administrator, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(services, "enqueue", lambda ids: queued.extend(ids))
    refused = statement("rejected", error="500")
    sent = statement("sent")
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"statement": [str(refused.pk), str(sent.pk)]})
    assert response.status_code == 302
    refused.refresh_from_db()
    sent.refresh_from_db()
    assert (refused.status, refused.tries, refused.last_error) == ("pending", 0, "")
    assert sent.status == "sent"
    assert queued == [refused.pk]


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.HR_OFFICER])
def test_no_one_else_sees_the_outbox(client, standards, role):
    refused = statement("rejected")
    user = UserFactory(email="someone@example.go.th", roles=[role])
    client.force_login(user)
    assert client.get(URL).status_code in (302, 403, 404)
    client.post(URL, {"statement": [str(refused.pk)]})
    refused.refresh_from_db()
    assert refused.status == "rejected"


def test_the_outbox_costs_the_same_queries_for_1_and_50_statements(
    client, administrator
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(administrator)

    def grow(count):
        for _ in range(count):
            statement("rejected")

    def queries():
        client.get(URL)  # the admin's caches (menu, session) filled once
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    one, fifty = one_and_fifty(grow, queries)
    assert one == fifty
