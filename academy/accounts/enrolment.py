"""A staff account's first authenticator, only after a second channel.

Staff (mfa.mfa_required) without an authenticator must prove, besides the password,
that they hold a mailbox the account verified (an emailed code) or that an academy
administrator vouches for them (an enrolment token, `manage.py mfa_enrolment_token`).
Either secret is single-use, expires, and is stored only as a keyed digest; issuing
and using one is audited. A session that passed the check may add its first
authenticator for a short while (middleware.StaffMFAMiddleware enforces it).
"""

import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from allauth.account.models import EmailAddress

from academy.core.public import public_url
from academy.core.services import email_queue

from .audit import AuditAction, audit_record
from .models import MFAEnrolmentCode

EMAIL_CODE_LIFETIME = timedelta(minutes=15)
TOKEN_LIFETIME = timedelta(hours=72)
#: How long after the check the session may add its first authenticator.
SESSION_WINDOW_SECONDS = 15 * 60
SESSION_KEY = "academy_mfa_enrolment_checked"
#: Wrong codes a user may type in a window before being made to wait.
CHECK_ATTEMPTS = 5
CHECK_WINDOW_SECONDS = 15 * 60
#: Codes a user may have mailed in that window.
SEND_ATTEMPTS = 3
#: Codes are 8 digits (easy to type from a phone); tokens are long and random.
EMAIL_CODE_DIGITS = 8


def _digest(secret: str) -> str:
    normalised = "".join(secret.split()).upper()
    return salted_hmac(
        "academy.accounts.enrolment", normalised, algorithm="sha256"
    ).hexdigest()


def enrolment_address(user) -> str | None:
    """The verified address a code goes to (the primary one first), or None."""
    address = (
        EmailAddress.objects.filter(user=user, verified=True)
        .order_by("-primary", "pk")
        .values_list("email", flat=True)
        .first()
    )
    return address


def _issue(*, user, channel: str, secret: str, lifetime: timedelta, issued_by=None):
    return MFAEnrolmentCode.objects.create(
        user=user,
        channel=channel,
        digest=_digest(secret),
        issued_by=issued_by,
        expires_at=timezone.now() + lifetime,
    )


@transaction.atomic
def enrolment_code_send(*, user, request=None) -> str:
    """Mail a one-time code to the account's verified address; returns the address.

    Raises ValidationError when the account has no verified address (an
    administrator's token is then the only way).
    """
    address = enrolment_address(user)
    if address is None:
        raise ValidationError(
            _(
                "Your account has no verified email address. Ask an academy "
                "administrator for an enrolment token."
            )
        )
    code = f"{secrets.randbelow(10**EMAIL_CODE_DIGITS):0{EMAIL_CODE_DIGITS}d}"
    _issue(
        user=user,
        channel=MFAEnrolmentCode.Channel.EMAIL,
        secret=code,
        lifetime=EMAIL_CODE_LIFETIME,
    )
    with translation.override("th"):
        context = {
            "code": code,
            "minutes": int(EMAIL_CODE_LIFETIME.total_seconds() // 60),
            "academy_name": settings.ACADEMY_NAME_TH,
            "public_base_url": public_url("/").rstrip("/"),
        }
        from django.core.mail import EmailMultiAlternatives

        subject = render_to_string("accounts/email/mfa_enrolment_subject.txt", context)
        body = render_to_string("accounts/email/mfa_enrolment_message.txt", context)
    email_queue(
        message=EmailMultiAlternatives(
            f"[{settings.ACADEMY_NAME_TH}] {' '.join(subject.split())}",
            body.strip(),
            settings.DEFAULT_FROM_EMAIL,
            [address],
        )
    )
    audit_record(
        actor=user,
        action=AuditAction.MFA_ENROLMENT_CODE_SEND,
        obj=user,
        request=request,
        detail={"channel": MFAEnrolmentCode.Channel.EMAIL},
    )
    return address


@transaction.atomic
def enrolment_token_issue(*, user, issued_by=None, lifetime=TOKEN_LIFETIME) -> str:
    """A token for `user` to add their first authenticator, to hand over in person
    or by a channel the administrator trusts. Only its digest is kept."""
    token = secrets.token_urlsafe(24)
    _issue(
        user=user,
        channel=MFAEnrolmentCode.Channel.TOKEN,
        secret=token,
        lifetime=lifetime,
        issued_by=issued_by,
    )
    audit_record(
        actor=issued_by,
        action=AuditAction.MFA_ENROLMENT_TOKEN_ISSUE,
        obj=user,
        detail={"hours": int(lifetime.total_seconds() // 3600)},
    )
    return token


@transaction.atomic
def enrolment_check(*, user, secret: str, request) -> MFAEnrolmentCode:
    """Spend a code or token of `user`'s and mark the session as checked.

    Raises ValidationError with a message naming what is wrong: unknown, already
    used or expired.
    """
    entry = (
        MFAEnrolmentCode.objects.select_for_update()
        .filter(user=user, digest=_digest(secret))
        .first()
    )
    if entry is None:
        raise ValidationError(_("This code is not right. Check it and try again."))
    if entry.used_at is not None:
        raise ValidationError(_("This code has already been used. Ask for a new one."))
    if entry.expires_at <= timezone.now():
        raise ValidationError(_("This code has expired. Ask for a new one."))
    entry.used_at = timezone.now()
    entry.save(update_fields=["used_at"])
    request.session[SESSION_KEY] = {"user": user.pk, "at": time.time()}
    audit_record(
        actor=user,
        action=AuditAction.MFA_ENROLMENT_CHECK,
        obj=user,
        request=request,
        detail={"channel": entry.channel},
    )
    return entry


def enrolment_checked(request) -> bool:
    """True if this session passed the second-channel check recently, as this user."""
    mark = request.session.get(SESSION_KEY)
    return (
        isinstance(mark, dict)
        and mark.get("user") == request.user.pk
        and time.time() - float(mark.get("at", 0)) < SESSION_WINDOW_SECONDS
    )
