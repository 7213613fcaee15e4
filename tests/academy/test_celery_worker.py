"""Mail crosses a real broker to a real worker (Redis in CI)."""

import time

import pytest

from tests.factories import UserFactory
from tests.worker import real_worker

pytestmark = [pytest.mark.django_db, pytest.mark.celery_worker]


def test_password_reset_mail_is_delivered_by_a_real_worker(
    client, tmp_path, django_capture_on_commit_callbacks
):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    UserFactory(email="worker@example.go.th")
    with real_worker(extra_env={"ACADEMY_TEST_EMAIL_DIR": str(mail_dir)}) as worker:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/accounts/password/reset/", {"email": "worker@example.go.th"}
            )
        assert response.status_code == 302
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not list(mail_dir.iterdir()):
            time.sleep(0.2)
        files = list(mail_dir.iterdir())
        assert files, "no mail delivered; worker output:\n" + "".join(
            worker.output[-30:]
        )
    message = files[0].read_text()
    assert "To: worker@example.go.th" in message
    assert "/accounts/password/reset/key/" in message
