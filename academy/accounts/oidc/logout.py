"""RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0).

At sign-in through a provider the session keeps which provider it was and, unless
it carries a national ID, the ID token (the `id_token_hint`). Signing out ends the
Academy session first; then, if the provider publishes an `end_session_endpoint` and
its `logout` setting is on, the browser goes there to end the provider's session,
and comes back to the Academy's home page (the post-logout address to register).
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from allauth.socialaccount.adapter import get_adapter as get_social_adapter

from academy.core.public import public_base_url

from . import tokens

logger = logging.getLogger(__name__)

SESSION_KEY = "academy_oidc"


def post_logout_redirect_uri() -> str:
    return public_base_url() + "/"


def remembered(sociallogin) -> dict:
    """What the session keeps of this sign-in, for signing out at the provider."""
    config = sociallogin.provider.app.settings["academy"]
    raw = getattr(sociallogin, "academy_token", None)
    claim = config["claims"]["national_id"]
    if raw and claim and claim in tokens.payload_unverified(raw):
        raw = None  # a national ID is never kept, not even in a session
    return {"provider": sociallogin.account.provider, "id_token": raw}


def session_remember(request, sociallogin) -> None:
    """After sign-in. A login that paused for a TOTP code was stashed without the
    token in memory; it carries what to remember in its state (see linking.py)."""
    kept = sociallogin.state.get(SESSION_KEY)
    if kept is None and hasattr(sociallogin, "academy_claims"):
        kept = remembered(sociallogin)
    if kept is not None:
        request.session[SESSION_KEY] = kept


def end_session_url(remembered: dict | None, request) -> str | None:
    """Where to send the browser to end the provider's session, if anywhere."""
    if not remembered:
        return None
    provider = _provider(request, remembered["provider"])
    if provider is None or not provider.academy["logout"]:
        return None
    try:
        endpoint = provider.get_oauth2_adapter(request).openid_config.get(
            "end_session_endpoint"
        )
    except Exception:  # noqa: BLE001 - the provider is unreachable: local logout only
        logger.warning("no end_session_endpoint for %s", remembered["provider"])
        return None
    if not endpoint:
        return None
    params = {"post_logout_redirect_uri": post_logout_redirect_uri()}
    if remembered.get("id_token"):
        params["id_token_hint"] = remembered["id_token"]
    else:
        params["client_id"] = provider.app.client_id
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(params)}"


def _provider(request, provider_id: str):
    from allauth.socialaccount.models import SocialApp

    try:
        return get_social_adapter().get_provider(request, provider_id)
    except SocialApp.DoesNotExist:
        return None
