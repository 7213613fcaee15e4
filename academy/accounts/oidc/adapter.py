"""allauth's social-account adapter for the Academy's identity providers."""

from __future__ import annotations

from django.urls import reverse

from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from . import linking


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin) -> None:
        linking.identity_resolve(request, sociallogin)

    def is_open_for_signup(self, request, sociallogin) -> bool:
        """Only what identity_resolve allowed: a learner account of its own."""
        link = getattr(sociallogin, "academy_link", None) or {}
        return link.get("method") == "learner_created"

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return True

    def can_authenticate_by_email(self, login, email: str) -> bool:
        """Never: an address is not an identity (linking.py decides)."""
        return False

    def save_user(self, request, sociallogin, form=None):
        """A learner account: no password; its address verified only if the
        provider verified it and the administrator trusts its addresses."""
        config = linking.settings_of(sociallogin)
        claims = getattr(sociallogin, "academy_claims", None) or {}
        trusted = linking.verified_email(claims, config)
        sociallogin.email_addresses = [
            EmailAddress(
                email=address.email.lower(),
                verified=address.email.lower() == trusted,
                primary=True,
            )
            for address in sociallogin.email_addresses[:1]
        ]
        sociallogin.user.email = (sociallogin.user.email or "").lower()
        return super().save_user(request, sociallogin, form=form)

    def get_connect_redirect_url(self, request, socialaccount) -> str:
        return reverse("accounts:identities")
