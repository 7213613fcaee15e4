"""A real Celery worker killed with SIGKILL after the LRS stored a statement and
before the outbox recorded it: the restarted worker sends it again under the same
id, and the LRS (Ralph) holds it once."""

import time

import pytest

from competencies.xapi.models import OutboxStatement
from courses.services import enrolment_create
from tests.site import site_tree
from tests.worker import WorkerProcess, real_worker, wait_for, worker_database_url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.celery_worker,
    pytest.mark.postgres,
]

# The courses tests' learner and course, as fixtures here too.


@pytest.fixture(autouse=True)
def _postgres_only(transactional_db):
    worker_database_url()
    site_tree()


def test_worker_killed_mid_send_leaves_one_statement_in_the_lrs(
    lrs,
    learner,
    governance_course,
):
    env = {
        # The test settings with test hooks and a 5 s Redis visibility timeout.
        "DJANGO_SETTINGS_MODULE": "tests.certificates.worker_settings",
        "DATABASE_URL": worker_database_url(),
        "ACADEMY_XAPI_ENDPOINT": lrs.endpoint,
        "ACADEMY_XAPI_USERNAME": lrs.username,
        "ACADEMY_XAPI_PASSWORD": lrs.password,
        "ACADEMY_TEST_XAPI_SEND_DELAY": "120",
    }
    with real_worker(extra_env=env) as worker:
        # Enrolling commits: the statement is queued on the broker at once; the
        # worker PUTs it to the LRS, then sleeps before marking it sent.
        enrolment_create(user=learner, course=governance_course)
        row = OutboxStatement.objects.get(event="enrolled")
        wait_for(
            lambda: lrs.statements(),
            timeout=60,
            worker=worker,
            what="the LRS to hold the statement",
        )
        time.sleep(0.5)
        worker.kill()
        assert worker.process.returncode == -9
        row.refresh_from_db()
        assert row.status == OutboxStatement.Status.PENDING

        restarted_env = {**worker.env}
        del restarted_env["ACADEMY_TEST_XAPI_SEND_DELAY"]
        restarted = WorkerProcess(queue=worker.queue, env=restarted_env)
        restarted.start()
        try:
            # The unacknowledged message comes back after the visibility timeout.
            wait_for(
                lambda: OutboxStatement.objects.filter(
                    pk=row.pk, status=OutboxStatement.Status.SENT
                ).exists(),
                timeout=120,
                worker=restarted,
                what="the restarted worker to send the statement again",
            )
        finally:
            restarted.stop()

    row.refresh_from_db()
    assert row.tries == 2  # sent twice ...
    stored = lrs.statements()
    assert [s["id"] for s in stored] == [str(row.id)]  # ... and held once
    assert len(lrs.stored_lines()) == 1
