"""Which account an identity from a provider signs in to; the one place that decides.

An identity already known (allauth's SocialAccount: provider and subject) signs in
to its account. A new one is linked only through a claim its provider asserts and
the administrator chose for that provider (`link_by`):

- `national_id`: the claim named by `claims.national_id`, a valid 13-digit ID,
  compared by the keyed digest HR's staff import keeps (never stored in clear);
- `email`: only if the provider says it verified it (`email_verified` true);

and only to a person HR placed (a current placement) - exactly one. A claim the
person can set themselves (a display name, an address the provider did not verify)
never links. The person's account is used, or made for them from HR's record.
Otherwise the identity waits for HR (`unknown = "wait"`, the default: a page says
what to ask HR for) or, where allowed (`unknown = "learner"`), becomes a learner
account with no person record. Every link, refusal and unlink is audited.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import render

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess

from ..audit import AuditAction, audit_record
from .directory import PlacedPerson, directory

logger = logging.getLogger(__name__)


class Refusal:
    """Why an identity was not linked (shown to the person, recorded in the audit)."""

    UNKNOWN = "unknown"
    AMBIGUOUS = "ambiguous"
    NO_EMAIL = "no_email"
    EMAIL_TAKEN = "email_taken"
    PERSON_TAKEN = "person_taken"
    ACCOUNT_HAS_IDENTITY = "account_has_identity"
    INACTIVE = "inactive"
    OTHER_ACCOUNT = "other_account"


@dataclass(frozen=True)
class Match:
    person: PlacedPerson
    method: str  # "identity_national_id" or "identity_verified_email"


def settings_of(sociallogin: SocialLogin) -> dict:
    return sociallogin.provider.app.settings["academy"]


def claim_true(value) -> bool:
    """An `email_verified` that is really true (some providers send "true")."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def verified_email(claims: dict, config: dict) -> str | None:
    """The address the provider asserts it verified, if email links for it."""
    names = config["claims"]
    email = claims.get(names["email"])
    if (
        "email" in config["link_by"]
        and isinstance(email, str)
        and "@" in email
        and claim_true(claims.get(names["email_verified"]))
    ):
        return email.strip().lower()
    return None


def placed_match(claims: dict, config: dict) -> tuple[Match | None, str | None]:
    """The one placed person the claims designate, or why there is none."""
    people = directory()
    if "national_id" in config["link_by"]:
        value = claims.get(config["claims"]["national_id"])
        found = people.placed_by_national_id(value) if isinstance(value, str) else []
        if len(found) == 1:
            return Match(found[0], "identity_national_id"), None
    email = verified_email(claims, config)
    if email:
        found = people.placed_by_email(email)
        if len(found) == 1:
            return Match(found[0], "identity_verified_email"), None
        if len(found) > 1:
            return None, Refusal.AMBIGUOUS
    return None, Refusal.UNKNOWN


def _audit(action: str, *, sociallogin, request, user=None, person_id=None, **detail):
    audit_record(
        actor=user if user is not None else None,
        action=action,
        obj=user,
        subject=person_id,
        request=request,
        detail={"provider": sociallogin.account.provider, **detail},
    )


class Refused(Exception):
    """Raised inside the linking transaction; answered (and audited) after it."""

    def __init__(self, reason: str, person_id: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.person_id = person_id


def refuse(request, sociallogin: SocialLogin, reason: str, *, person_id=None):
    """Stop the sign-in; nothing made so far is kept (see identity_resolve)."""
    raise Refused(reason, person_id)


def _refusal_response(request, sociallogin: SocialLogin, refusal: Refused):
    """The page that tells the person what to ask HR for, and the audit entry."""
    _audit(
        AuditAction.IDENTITY_REFUSED,
        sociallogin=sociallogin,
        request=request,
        person_id=refusal.person_id,
        reason=refusal.reason,
    )
    logger.info(
        "identity from %s refused: %s", sociallogin.account.provider, refusal.reason
    )
    return render(
        request,
        "accounts/identity_refused.html",
        {
            "reason": refusal.reason,
            "provider_name": sociallogin.provider.name,
            "signed_in": request.user.is_authenticated,
        },
        status=403,
    )


def _email_taken(email: str) -> bool:
    return (
        get_user_model().objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


def _account_for(request, sociallogin, match: Match, claims: dict, config: dict):
    """The placed person's account, made from HR's record if they have none."""
    User = get_user_model()
    person = match.person
    if person.user_id is not None:
        user = User.objects.get(pk=person.user_id)
        if SocialAccount.objects.filter(
            user=user, provider=sociallogin.account.provider
        ).exists():
            # Their account already has another identity from this provider.
            refuse(
                request,
                sociallogin,
                Refusal.ACCOUNT_HAS_IDENTITY,
                person_id=person.person_id,
            )
        return user, False
    email = (person.email or verified_email(claims, config) or "").strip().lower()
    if not email:
        refuse(request, sociallogin, Refusal.NO_EMAIL, person_id=person.person_id)
    if _email_taken(email):
        refuse(request, sociallogin, Refusal.EMAIL_TAKEN, person_id=person.person_id)
    user = User.objects.create_user(
        email=email, first_name=person.first_name, last_name=person.last_name
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    EmailAddress.objects.create(
        user=user,
        email=email,
        primary=True,
        verified=email == verified_email(claims, config),
    )
    return user, True


def identity_resolve(request, sociallogin: SocialLogin) -> None:
    """allauth's pre_social_login: sign in, link, create, or refuse (see above)."""
    try:
        _identity_resolve(request, sociallogin)
    except Refused as refusal:
        # After the transaction rolled back: the refusal's audit entry stays.
        raise ImmediateHttpResponse(
            _refusal_response(request, sociallogin, refusal)
        ) from None


def _identity_resolve(request, sociallogin: SocialLogin) -> None:
    from .logout import SESSION_KEY, remembered

    config = settings_of(sociallogin)
    claims = getattr(sociallogin, "academy_claims", None) or {}
    process = sociallogin.state.get("process")
    # Kept with the login's state, which survives a pause for the TOTP code.
    sociallogin.state[SESSION_KEY] = remembered(sociallogin)
    if sociallogin.is_existing:
        user = sociallogin.user
        if not user.is_active or getattr(user, "anonymised_at", None):
            refuse(request, sociallogin, Refusal.INACTIVE)
        if process == AuthProcess.CONNECT and user != request.user:
            refuse(request, sociallogin, Refusal.OTHER_ACCOUNT)
        return
    match, reason = placed_match(claims, config)
    if process == AuthProcess.CONNECT:
        # A signed-in person adds an identity: only one that designates them.
        if match is None or match.person.user_id != request.user.pk:
            refuse(request, sociallogin, Refusal.OTHER_ACCOUNT)
        return  # allauth connects it; signals.py audits the link
    if match is not None:
        with transaction.atomic():
            user, created = _account_for(request, sociallogin, match, claims, config)
            if not user.is_active or getattr(user, "anonymised_at", None):
                refuse(request, sociallogin, Refusal.INACTIVE)
            if created or match.person.user_id is None:
                directory().link(
                    person_id=match.person.person_id,
                    user=user,
                    method=match.method,
                    request=request,
                )
            sociallogin.academy_link = {
                "method": match.method,
                "person_id": match.person.person_id,
                "account_created": created,
            }
            sociallogin.connect(request, user)
        return
    if reason == Refusal.AMBIGUOUS or config["unknown"] != "learner":
        refuse(request, sociallogin, reason)
    # A learner account of its own: it needs an address nobody else uses.
    email = (sociallogin.user.email or "").strip().lower()
    if not email:
        refuse(request, sociallogin, Refusal.NO_EMAIL)
    if _email_taken(email):
        refuse(request, sociallogin, Refusal.EMAIL_TAKEN)
    sociallogin.academy_link = {"method": "learner_created", "person_id": None}
