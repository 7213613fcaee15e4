"""Mail about a learner's certificates: the one just issued, and one about to expire.

Both are rendered with academy.core.mail (Thai, HTML and text) and leave through the
mail queue once the transaction that caused them commits.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from academy.core.mail import mail_render
from academy.core.public import public_page_url, public_url
from academy.core.services import email_queue
from certificates.models import Certificate
from courses.selectors import RENEWAL_NOTICE


def certificate_page_url(certificate: Certificate) -> str:
    """The learner's own page, at this certificate (public origin)."""
    return public_url(
        reverse("certificates:mine") + f"#certificate-{certificate.number}"
    )


def _context(certificate: Certificate) -> dict:
    return {
        "certificate": certificate,
        "certificate_url": certificate_page_url(certificate),
        "pdf_url": public_url(
            reverse("certificates:my_pdf", args=[certificate.public_id])
        ),
        "verify_url": public_url(
            reverse("certificates:verify_certificate", args=[certificate.public_id])
        ),
        "course_url": public_page_url(certificate.course),
    }


def certificate_issued_mail(certificate: Certificate) -> bool:
    """Queue (on commit) the mail telling the learner their certificate is issued."""
    email = certificate.user.email
    if not email:
        return False
    email_queue(
        message=mail_render(
            "certificates/email/issued", _context(certificate), to=[email]
        )
    )
    return True


def expiry_reminders_due(*, now: datetime):
    """Valid certificates whose renewal has opened (RENEWAL_NOTICE before they expire),
    not expired yet, never reminded, of a learner with an email address."""
    return (
        Certificate.objects.filter(
            status=Certificate.Status.VALID,
            valid_until__gt=now,
            valid_until__lte=now + RENEWAL_NOTICE,
            expiry_reminded_at__isnull=True,
        )
        .filter(~Q(user__email=""))
        .select_related("user", "course")
        .order_by("pk")
    )


def certificate_expiry_reminders_send(*, now: datetime | None = None) -> int:
    """Mail each certificate's expiry reminder once; returns how many were queued.

    The conditional update claims the certificate: a concurrent or repeated run finds
    it claimed and sends nothing, and the mail leaves only if the claim commits.
    """
    now = now or timezone.now()
    sent = 0
    for certificate in expiry_reminders_due(now=now).iterator(chunk_size=500):
        with transaction.atomic():
            claimed = Certificate.objects.filter(
                pk=certificate.pk, expiry_reminded_at__isnull=True
            ).update(expiry_reminded_at=now)
            if not claimed:
                continue
            context = _context(certificate)
            context["days_left"] = max((certificate.valid_until - now).days, 0)
            email_queue(
                message=mail_render(
                    "certificates/email/expiry", context, to=[certificate.user.email]
                )
            )
        sent += 1
    return sent
