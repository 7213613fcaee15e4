"""An administrator opens the xAPI outbox in the admin, reads why a statement was
refused and sends it again (Chromium)."""

import uuid

import pytest

from academy.accounts.roles import Role
from competencies.xapi import services
from competencies.xapi.models import OutboxStatement
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_administrator_sends_a_refused_statement_again(
    live_server, page, sign_in, shot, standards, monkeypatch
):
    queued = []
    monkeypatch.setattr(services, "enqueue", lambda ids: queued.extend(ids))
    administrator = UserFactory(email="admin@example.go.th", roles=[Role.ACADEMY_ADMIN])
    refused = OutboxStatement.objects.create(
        id=uuid.uuid4(),
        event="course_completed",
        status="rejected",
        tries=3,
        last_error="400: unknown verb",
    )
    OutboxStatement.objects.create(id=uuid.uuid4(), event="enrolled", status="sent")

    sign_in(page, administrator.email, admin=True)
    page.goto("/admin/xapi/outbox/")
    assert page.locator("table.xapi-statements tbody tr").count() == 2
    page.locator(".xapi-filters a[href='?status=rejected']").click()
    row = page.locator("tr[data-status=rejected]")
    assert "400: unknown verb" in row.inner_text()
    shot(page, "xapi-outbox-refused")
    page.get_by_role("button", name="ส่งข้อความที่เลือกอีกครั้ง").click()
    page.locator(".messages").wait_for()
    refused.refresh_from_db()
    assert refused.status == "pending" and refused.tries == 0
    assert queued == [refused.pk]
    shot(page, "xapi-outbox-retried")
