"""The identities linked to an account, in the person's data download and gone when
the account is anonymised (see academy/accounts/privacy.py)."""

from __future__ import annotations

from ..privacy import DataSubject, anonymiser, export_section


@export_section("identities")
def identities_section(subject: DataSubject) -> list[dict]:
    """Provider, subject and the claims kept (the national ID is never among them)."""
    from allauth.socialaccount.models import SocialAccount

    if subject.user is None:
        return []
    return [
        {
            "provider": account.provider,
            "subject": account.uid,
            "linked_at": account.date_joined.isoformat(),
            "last_used_at": account.last_login.isoformat(),
            "claims": account.extra_data,
        }
        for account in SocialAccount.objects.filter(user=subject.user).order_by(
            "date_joined"
        )
    ]


@anonymiser
def anonymise_identities(subject: DataSubject) -> None:
    """An anonymised account keeps no identity: nobody signs in to it again."""
    from allauth.socialaccount.models import SocialAccount

    if subject.user is not None:
        SocialAccount.objects.filter(user=subject.user).delete()
