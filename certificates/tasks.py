"""Celery tasks of the certificates app: thin, by primary key, queued on commit."""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError

from celery import shared_task

logger = logging.getLogger(__name__)

#: Errors worth another try: the database or storage was briefly unavailable.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    name="certificates.tasks.certificate_issue",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=10,
)
def certificate_issue(completion_id: int) -> str | None:
    """Issue the certificate of a completion (idempotent); returns its number."""
    from certificates import services
    from courses.models import CourseCompletion

    completion = CourseCompletion.objects.filter(pk=completion_id).first()
    if completion is None:
        logger.warning(
            "certificate_issue: completion %s no longer exists", completion_id
        )
        return None
    try:
        return services.certificate_issue(completion=completion).number
    except services.CertificateNotEarnedError as error:
        logger.warning("certificate_issue: %s", error)
        return None


@shared_task(
    name="certificates.tasks.certificate_issue_missing",
    acks_late=True,
)
def certificate_issue_missing(older_than_minutes: int = 10) -> int:
    """Queue completions that have no certificate yet, e.g. after a broker outage.

    For Celery beat (every few minutes); returns how many were queued.
    """
    from certificates.selectors import completion_ids_without_certificate

    ids = completion_ids_without_certificate(older_than_minutes=older_than_minutes)
    for completion_id in ids:
        certificate_issue.delay(completion_id)
    return len(ids)


@shared_task(
    name="certificates.tasks.certificate_bundle_build",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def certificate_bundle_build(bundle_id: int) -> int | None:
    """Build the ZIP of a bundle request; returns the number of certificates."""
    from certificates import services
    from certificates.models import CertificateBundle

    bundle = CertificateBundle.objects.filter(pk=bundle_id).first()
    if bundle is None or bundle.status == CertificateBundle.Status.READY:
        return None
    try:
        return services.certificate_bundle_build(bundle=bundle).certificate_count
    except TRANSIENT_ERRORS:
        raise
    except (DatabaseError, OSError, ValueError) as error:
        services.certificate_bundle_fail(bundle=bundle, error=str(error))
        raise


@shared_task(
    name="certificates.tasks.certificate_expiry_reminders_send",
    acks_late=True,
)
def certificate_expiry_reminders_send() -> int:
    """Daily: mail learners whose certificate is about to expire (once each)."""
    from certificates.mail import certificate_expiry_reminders_send as send

    return send()
