"""Sign-in helpers of the tests and the benchmarks: the harness's answer to MFA and the
privacy notice, and real TOTP codes. Production code never imports them (import-linter
checks it in .ci/run).

Tests across the suite sign staff in with `client.force_login(user)` and expect /hr/
and /admin/ to open. In production those pages need a session that passed MFA and a
privacy notice accepted; tests/conftest.py wraps Django's test client so that a
harness login leaves the session as a real sign-in would: a TOTP authenticator
enrolled for anyone who must use MFA, allauth's record that this session used it, and
the current privacy notice accepted. Production code is untouched. Tests of the rules
themselves opt out with `@pytest.mark.real_sign_in` and sign in through the forms.
The benchmarks sign their users in the same way (benchmarks/bench_pages.py, bench_hr.py).
"""

import time

from django.conf import settings

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
)
from allauth.account.internal.userkit import user_id_to_str
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from academy.accounts.mfa import mfa_required
from academy.accounts.middleware import PRIVACY_SESSION_KEY
from academy.accounts.models import PrivacyNoticeAcceptance

TOTP_PERIOD = 30


def enrol_totp(user) -> str:
    """The user's TOTP secret, enrolling a TOTP authenticator first if they have none."""
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).first()
    if authenticator is None:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        return secret
    return decrypt(authenticator.data["secret"])


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app shows now (or at `at`)."""
    counter = int(at if at is not None else time.time()) // TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def forget_used_totp_codes(user, secret: str) -> None:
    """allauth refuses a code used in the last period; a test signing the same person
    in twice within 30 seconds would otherwise wait for the next code."""
    from django.core.cache import cache

    now = time.time()
    for offset in (-TOTP_PERIOD, 0, TOTP_PERIOD):
        code = totp_code(secret, at=now + offset)
        cache.delete(f"allauth.mfa.totp.used?user={user.pk}&code={code}")


def accept_privacy_notice(user) -> None:
    PrivacyNoticeAcceptance.objects.get_or_create(
        user=user, version=settings.ACADEMY_PRIVACY_NOTICE_VERSION
    )


def mark_harness_session(session, user) -> None:
    """Make a freshly logged-in test session look like a complete real sign-in."""
    records = [{"method": "password", "at": time.time()}]
    if mfa_required(user):
        enrol_totp(user)
        authenticator = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).first()
        records.append(
            {
                "method": "mfa",
                "at": time.time(),
                "id": authenticator.pk,
                "type": authenticator.type,
            }
        )
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session[PRIVACY_SESSION_KEY] = settings.ACADEMY_PRIVACY_NOTICE_VERSION
    session.save()
