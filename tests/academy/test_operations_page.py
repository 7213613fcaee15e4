"""The operations page: workers, queues and failed tasks as `celery inspect` would
report them, readiness as /readyz sees it; for academy administrators only."""

import pytest

from academy.accounts.roles import Role
from academy.core.metrics import task_failure_count
from academy.core.ops import celery_status, routed_queues
from tests.factories import UserFactory
from tests.worker import real_worker

pytestmark = pytest.mark.django_db
URL = "/admin/operations/"


@pytest.fixture
def admin_user():
    return UserFactory(email="ops@example.go.th", roles=[Role.ACADEMY_ADMIN])


def test_every_routed_queue_is_listed():
    assert {"mail", "mail_bulk", "certificates", "reports", "default"} <= set(
        routed_queues()
    )


def test_only_administrators_open_it(client, admin_user):
    for user, expected in (
        (UserFactory(email="learner@example.go.th"), 404),
        (UserFactory(email="teacher@example.go.th", roles=[Role.INSTRUCTOR]), 404),
    ):
        client.force_login(user)
        assert client.get(URL).status_code in (expected, 302)
    client.force_login(admin_user)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "ops-readiness" in html and "database" in html
    # The test settings run tasks in-process: said plainly, no workers to ask.
    assert "ops-celery-mode" in html


def test_failed_tasks_are_counted_on_the_page(client, admin_user):
    class Task:
        name = "certificates.tasks.certificate_issue"

    task_failure_count(sender=Task())
    task_failure_count(sender=Task())
    assert ("certificates.tasks.certificate_issue", 2) in celery_status().failures
    client.force_login(admin_user)
    assert "certificates.tasks.certificate_issue" in client.get(URL).content.decode()


def test_an_unreachable_broker_is_reported_not_raised(settings):
    from academy.celery import app

    previous = app.conf.broker_url, app.conf.task_always_eager
    app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    try:
        status = celery_status(timeout=0.5)
    finally:
        app.conf.update(broker_url=previous[0], task_always_eager=previous[1])
    assert status.mode == "error" and status.error


def test_a_real_worker_answers_with_its_queue_and_a_stranded_queue_is_named(
    client, admin_user
):
    from academy.celery import app

    with real_worker() as worker:
        status = celery_status(timeout=2.0)
        # A message waiting on a queue nobody consumes.
        with app.connection_for_write() as connection:
            connection.default_channel.client.lpush("reports", b"{}")
        try:
            status = celery_status(timeout=2.0)
            client.force_login(admin_user)
            html = client.get(URL).content.decode()
        finally:
            with app.connection_for_write() as connection:
                connection.default_channel.client.delete("reports")
    (state,) = [w for w in status.workers if worker.queue in w.queues]
    assert state.name.startswith(f"{worker.queue}@")
    queues = {queue.name: queue for queue in status.queues}
    assert queues[worker.queue].workers == [state.name]
    assert queues["reports"].depth == 1 and queues["reports"].stranded
    assert "ops-stranded" in html and state.name in html
