"""allauth adapters: sign-up is closed unless enabled; mail goes out through Celery;
people who must use MFA cannot remove their last second factor."""

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from academy.core.services import email_queue

from . import mfa_crypto
from .mfa import SECOND_FACTORS, mfa_required


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return bool(getattr(settings, "ACCOUNT_ALLOW_SIGNUPS", False))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """As allauth's, but the rendered message is queued instead of sent inline."""
        request = allauth_context.request
        message_context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        message = self.render_mail(template_prefix, email, message_context)
        email_queue(message=message)


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        """TOTP secrets and recovery seeds are stored encrypted (mfa_crypto)."""
        return mfa_crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return mfa_crypto.decrypt(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Staff keep at least one second factor: MFA is their rule, not their choice."""
        if authenticator.type not in SECOND_FACTORS or not mfa_required(
            authenticator.user
        ):
            return True
        return (
            Authenticator.objects.filter(
                user_id=authenticator.user_id, type__in=SECOND_FACTORS
            )
            .exclude(pk=authenticator.pk)
            .exists()
        )
