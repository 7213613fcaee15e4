"""allauth's MFA stage, skipped when the identity provider asserted a second factor.

A provider's settings list the `amr` values (RFC 8176: "mfa", "otp", "hwk", …) and
the `acr` values that count as a second factor for it (docs/sign-in.md); with none
listed, nothing the provider says counts and staff roles still enter their TOTP code.
When it counts, the session records it as allauth records an MFA check, so the staff
pages' gate (middleware.py) sees one truth.
"""

from __future__ import annotations

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.stages import AuthenticateStage as AllauthAuthenticateStage


def provider_second_factor(sociallogin) -> dict | None:
    """What the provider asserted that its settings accept as a second factor."""
    if sociallogin is None or not hasattr(sociallogin, "academy_claims"):
        return None
    config = sociallogin.provider.app.settings["academy"]
    claims = sociallogin.academy_claims
    amr = claims.get("amr") or []
    amr = [amr] if isinstance(amr, str) else [str(value) for value in amr]
    accepted_amr = sorted(set(amr) & set(config["mfa_amr"]))
    acr = claims.get("acr")
    if accepted_amr or (isinstance(acr, str) and acr in config["mfa_acr"]):
        return {"amr": accepted_amr, "acr": acr if acr in config["mfa_acr"] else None}
    return None


def provider_mfa_record(request, user, sociallogin) -> bool:
    asserted = provider_second_factor(sociallogin)
    if asserted is None:
        return False
    record_authentication(
        request,
        user,
        "mfa",
        type="identity_provider",
        provider=sociallogin.account.provider,
        **asserted,
    )
    return True


class AuthenticateStage(AllauthAuthenticateStage):
    def _should_handle(self, request) -> bool:
        if not super()._should_handle(request):
            return False
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        return not provider_second_factor(sociallogin)
