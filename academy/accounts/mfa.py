"""Who must use a second factor, and whether this session has used one.

Instructors, HR officers, academy administrators, staff and superusers hold other
people's personal data or the Academy's content; they reach /hr/ and /admin/ only from
a session in which they passed an MFA challenge. The session's record of it is
allauth's own (`account_authentication_methods`, written by allauth's MFA stage,
its re-authentication and by `mfa_record_session` below), so there is one truth.
"""

from allauth.account.authentication import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    get_authentication_records,
)
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator

from .roles import Role, user_has_role

MFA_ROLES = (Role.INSTRUCTOR, Role.HR_OFFICER, Role.ACADEMY_ADMIN)
#: Authenticators that are a second factor at sign-in (recovery codes are a fallback).
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def mfa_required(user) -> bool:
    """True if the user may not reach staff or admin pages without MFA."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    # user_has_role caches the user's groups for the rest of the request.
    return any(user_has_role(user, role) for role in MFA_ROLES)


def mfa_enrolled(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def session_mfa_authenticated(request) -> bool:
    """True if this session's sign-in (or a re-authentication) passed an MFA check."""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


def mfa_record_session(request, authenticator: Authenticator) -> None:
    """Mark the session as MFA-authenticated, as allauth does after a challenge.

    Used when a person proves possession of a new authenticator by entering its
    code while activating it: asking for the same code again would prove nothing.
    """
    record_authentication(
        request,
        authenticator.user,
        "mfa",
        id=authenticator.pk,
        type=authenticator.type,
        activated=True,
    )


def mfa_forget_session(request) -> None:
    """Drop the session's MFA records (its authenticator was removed)."""
    records = get_authentication_records(request, request.user)
    kept = [record for record in records if record.get("method") != "mfa"]
    if len(kept) != len(records):
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = kept
