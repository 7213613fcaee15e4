"""allauth adapters: sign-up is closed unless enabled; mail goes out through Celery,
in Thai, in the Academy's name and with links to its public origin; people who must
use MFA cannot remove their last second factor."""

from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from academy.core.public import public_base_url, public_host, public_url
from academy.core.ratelimit import client_address
from academy.core.services import email_queue

from . import mfa_crypto
from .mfa import SECOND_FACTORS, mfa_required

#: Mail is written in Thai, the language every civil servant reads.
MAIL_LANGUAGE = "th"


@dataclass(frozen=True)
class MailSite:
    """What allauth's templates call `current_site`, from the settings, not the
    Site table nor the request's Host header (which a client chooses)."""

    name: str
    domain: str


def mail_site() -> MailSite:
    return MailSite(name=settings.ACADEMY_NAME_TH, domain=public_host())


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """allauth's rate limits count the address the Academy's do (trusted proxies)."""
        address = client_address(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def is_open_for_signup(self, request) -> bool:
        return bool(getattr(settings, "ACCOUNT_ALLOW_SIGNUPS", False))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """As allauth's, but in Thai, in the Academy's name, and queued."""
        request = allauth_context.request
        signup_open = self.is_open_for_signup(request)
        message_context = {
            "request": request,
            "email": email,
            **context,
            "current_site": mail_site(),
            "academy_name": settings.ACADEMY_NAME_TH,
            "public_base_url": public_base_url(),
            "signup_open": signup_open,
        }
        # Links are built on the public origin, never on the request's Host header;
        # and never an invitation to a sign-up that is closed.
        if "signup_url" in message_context:
            message_context["signup_url"] = (
                public_url(reverse("account_signup")) if signup_open else ""
            )
        if template_prefix == "account/email/account_already_exists":
            message_context["password_reset_url"] = public_url(
                reverse("account_reset_password")
            )
        with translation.override(MAIL_LANGUAGE):
            message = self.render_mail(template_prefix, email, message_context)
        email_queue(message=message, urgent=True)  # someone waits for it

    def get_login_stages(self) -> list[str]:
        """allauth's, with an MFA stage that honours a second factor an identity
        provider asserted (academy/accounts/oidc/stages.py)."""
        return [
            "academy.accounts.oidc.stages.AuthenticateStage"
            if path == "allauth.mfa.stages.AuthenticateStage"
            else path
            for path in super().get_login_stages()
        ]

    def get_logout_redirect_url(self, request) -> str:
        """The provider's end-session page after signing in through it (RP-initiated
        logout), else allauth's. allauth asks before it ends the session."""
        from .oidc.logout import SESSION_KEY, end_session_url

        remembered = request.session.get(SESSION_KEY)
        return end_session_url(remembered, request) or super().get_logout_redirect_url(
            request
        )

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.ACADEMY_NAME_TH}] {subject}"

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse(
            "account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"}
        )
        return public_url(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return public_url(
            reverse("account_confirm_email", args=[emailconfirmation.key])
        )


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
