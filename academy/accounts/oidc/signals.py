"""Audit entries and session marks for identities: linked, created, removed, used."""

from __future__ import annotations

from django.dispatch import receiver

from allauth.account.signals import user_logged_in, user_signed_up
from allauth.socialaccount.signals import social_account_added, social_account_removed

from ..audit import AuditAction, audit_record
from . import logout
from .directory import directory


def _detail(sociallogin, **extra) -> dict:
    link = getattr(sociallogin, "academy_link", None) or {}
    return {
        "provider": sociallogin.account.provider,
        "method": link.get("method", "connected_by_person"),
        **extra,
    }


@receiver(social_account_added)
def audit_identity_added(sender, request, sociallogin, **kwargs):
    link = getattr(sociallogin, "academy_link", None) or {}
    audit_record(
        actor=sociallogin.user if request.user.is_authenticated else None,
        action=AuditAction.IDENTITY_LINK,
        obj=sociallogin.user,
        subject=link.get("person_id") or directory().person_of_user(sociallogin.user),
        request=request,
        detail=_detail(
            sociallogin, account_created=bool(link.get("account_created", False))
        ),
    )


@receiver(user_signed_up)
def audit_learner_created(sender, request, user, **kwargs):
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is None:
        return
    audit_record(
        actor=None,
        action=AuditAction.IDENTITY_LINK,
        obj=user,
        request=request,
        detail=_detail(sociallogin, account_created=True),
    )


@receiver(social_account_removed)
def audit_identity_removed(sender, request, socialaccount, **kwargs):
    actor = getattr(request, "user", None)
    audit_record(
        actor=actor,
        action=AuditAction.IDENTITY_UNLINK,
        obj=socialaccount.user,
        subject=directory().person_of_user(socialaccount.user),
        request=request,
        detail={"provider": socialaccount.provider},
    )


@receiver(user_logged_in)
def remember_provider_session(sender, request, user, **kwargs):
    from .stages import provider_mfa_record

    sociallogin = kwargs.get("sociallogin")
    if sociallogin is None or sociallogin.account.provider is None:
        return
    logout.session_remember(request, sociallogin)
    provider_mfa_record(request, user, sociallogin)
