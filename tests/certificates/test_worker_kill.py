"""A real Celery worker on Redis, killed with SIGKILL mid-issue, then restarted."""

import time

from django.conf import settings

import pytest

from certificates.credentials import verify
from certificates.models import Certificate, CertificateNumberCounter
from certificates.selectors import signing_key_for
from tests.certificates.certificate_helpers import complete_course
from tests.site import site_tree
from tests.worker import WorkerProcess, real_worker, wait_for, worker_database_url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.celery_worker,
    pytest.mark.postgres,
]


@pytest.fixture(autouse=True)
def _postgres_only(transactional_db):
    """Skip before any data is made; rebuild the page tree a flush removed."""
    worker_database_url()
    site_tree()


def test_worker_killed_mid_issue_leaves_exactly_one_certificate(
    learner, governance_course
):
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.certificates.worker_settings",
        "DATABASE_URL": worker_database_url(),
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "ACADEMY_PRIVATE_MEDIA_ROOT": str(settings.ACADEMY_PRIVATE_MEDIA_ROOT),
        "ACADEMY_TEST_ISSUE_DELAY": "120",
    }
    with real_worker(extra_env=env) as worker:
        # Completing commits, so the courses app's signal queues the task on the
        # broker at once; the worker reserves the certificate, then sleeps.
        completion = complete_course(learner, governance_course)
        pending = wait_for(
            lambda: Certificate.objects.filter(
                completion=completion, status=Certificate.Status.PENDING
            ).first(),
            timeout=60,
            worker=worker,
            what="the worker to reserve the certificate",
        )
        time.sleep(0.5)  # inside the delay hook now

        worker.kill()

        assert worker.process.returncode == -9
        assert Certificate.objects.get().status == Certificate.Status.PENDING

        restarted_env = {**worker.env}
        del restarted_env["ACADEMY_TEST_ISSUE_DELAY"]
        restarted = WorkerProcess(queue=worker.queue, env=restarted_env)
        restarted.start()
        try:
            # The unacknowledged message comes back once the visibility timeout
            # (5 s in worker_settings) has passed.
            wait_for(
                lambda: Certificate.objects.filter(
                    status=Certificate.Status.VALID
                ).exists(),
                timeout=120,
                worker=restarted,
                what="the restarted worker to finish the certificate",
            )
        finally:
            restarted.stop()

    certificate = Certificate.objects.get()
    assert Certificate.objects.count() == 1
    assert certificate.pk == pending.pk
    assert certificate.number == pending.number
    assert CertificateNumberCounter.objects.get().last_value == 1
    assert certificate.pdf.storage.exists(certificate.pdf.name)
    result = verify(
        certificate.credential,
        resolve_key=lambda method: signing_key_for(method).public_key,
    )
    assert result.ok
