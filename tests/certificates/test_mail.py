"""Mail about certificates: issued (with a link to that certificate) and about to
expire (once, when renewal opens), in Thai, HTML and text, on the public origin."""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

import pytest

from certificates import tasks
from certificates.mail import certificate_expiry_reminders_send
from certificates.models import Certificate
from certificates.services import certificate_issue
from tests.certificates.certificate_helpers import complete_course

pytestmark = pytest.mark.django_db

BASE = "https://academy.example.go.th"


def _html(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


@override_settings(ACADEMY_PUBLIC_BASE_URL=BASE)
def test_issuing_mails_the_learner_a_link_to_that_certificate(
    learner, governance_course, django_capture_on_commit_callbacks, mailoutbox
):
    completion = complete_course(learner, governance_course)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(completion=completion)
    [message] = [m for m in mailoutbox if "ประกาศนียบัตร" in m.subject]
    assert message.to == [learner.email]
    assert certificate.course_title_th in message.subject
    link = f"{BASE}/certificates/#certificate-{certificate.number}"
    assert link in message.body
    assert f"{BASE}/verify/{certificate.public_id}/" in message.body
    assert str(certificate.issued_on.year + 543) in message.body
    html = _html(message)
    assert f'href="{link}"' in html and "#0b4f8a" in html
    assert "คุณ" not in message.body + html

    # Issuing again (a redelivered task) mails nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        certificate_issue(completion=completion)
    assert len([m for m in mailoutbox if "ประกาศนียบัตร" in m.subject]) == 1


def _expiring(course):
    type(course).objects.filter(pk=course.pk).update(certificate_validity_months=24)
    course.refresh_from_db()
    return course


def test_the_expiry_reminder_goes_once_when_renewal_opens(
    learner, governance_course, django_capture_on_commit_callbacks, mailoutbox
):
    governance_course = _expiring(governance_course)
    certificate = certificate_issue(
        completion=complete_course(learner, governance_course)
    )
    mailoutbox.clear()
    expires = certificate.valid_until

    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_expiry_reminders_send(now=expires - timedelta(days=90)) == 0
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_expiry_reminders_send(now=expires - timedelta(days=59)) == 1
    [message] = mailoutbox
    assert message.to == [learner.email]
    assert "หมดอายุ" in message.subject
    assert str(timezone.localtime(expires).year + 543) in message.subject
    assert "/courses/" in message.body or governance_course.slug in message.body
    assert _html(message).count("href=") >= 2

    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_expiry_reminders_send(now=expires - timedelta(days=30)) == 0
    assert len(mailoutbox) == 1
    certificate.refresh_from_db()
    assert certificate.expiry_reminded_at is not None


def test_no_expiry_reminder_for_revoked_expired_or_superseded_certificates(
    learner, governance_course
):
    governance_course = _expiring(governance_course)
    certificate = certificate_issue(
        completion=complete_course(learner, governance_course)
    )
    expires = certificate.valid_until
    assert certificate_expiry_reminders_send(now=expires + timedelta(days=1)) == 0
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.REVOKED, revoked_at=timezone.now()
    )
    assert certificate_expiry_reminders_send(now=expires - timedelta(days=10)) == 0


def test_the_expiry_reminders_run_daily_on_the_beat():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["certificates-expiry-reminders"]
    assert entry["task"] == tasks.certificate_expiry_reminders_send.name
