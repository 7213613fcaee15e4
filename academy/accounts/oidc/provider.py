"""allauth's OpenID Connect provider, as the Academy runs it.

Chosen through SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"] (see
config.py); allauth then takes the login and callback URLs from this package's
urls.py. On top of allauth's provider: PKCE always, a nonce in every request, the
Academy-side settings of each provider (linking, second factor, logout), and no
national ID kept in clear in the identity allauth stores.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest, HttpResponseRedirect

from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.utils import generate_code_challenge
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider,
)

from .directory import directory
from .views import AcademyOIDCAdapter

NATIONAL_ID_UID_PREFIX = "nid:"


class AcademyOIDCProvider(OpenIDConnectProvider):
    oauth2_adapter_class = AcademyOIDCAdapter

    @property
    def academy(self) -> dict:
        return self.app.settings["academy"]

    @property
    def server_url(self):
        overrides = self.app.settings.get("openid_configuration_overrides") or {}
        url = overrides.get("discovery_url") or self.app.settings["server_url"]
        return self.wk_server_url(url)

    def get_scope_from_request(self, request: HttpRequest):
        """The configured scopes only: a link may not ask the provider for more."""
        return self.get_scope()

    def get_auth_params_from_request(self, request: HttpRequest, action):
        """The configured parameters only (allauth also takes them from the URL)."""
        return self.get_auth_params()

    def get_pkce_params(self) -> dict:
        return generate_code_challenge()  # S256, whatever the settings say

    def redirect(
        self, request: HttpRequest, process, next_url=None, data=None, **kwargs
    ):
        """As OAuth2Provider.redirect, with a nonce kept in the state."""
        oauth2_adapter = self.get_oauth2_adapter(request)
        client = oauth2_adapter.get_client(request, self.app)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        pkce_params = self.get_pkce_params()
        code_verifier = pkce_params.pop("code_verifier")
        auth_params.update(pkce_params)
        nonce = secrets.token_urlsafe(32)
        auth_params["nonce"] = nonce
        scope = kwargs.pop("scope", None)
        if scope is None:
            scope = self.get_scope()
        state_id = self.stash_redirect_state(
            request,
            process,
            next_url,
            data,
            pkce_code_verifier=code_verifier,
            nonce=nonce,
            **kwargs,
        )
        client.state = state_id
        try:
            return HttpResponseRedirect(
                client.get_redirect_url(
                    oauth2_adapter.authorize_url, scope, auth_params
                )
            )
        except OAuth2Error as error:
            return render_authentication_error(
                request, self, extra_context={"state_id": state_id}, exception=error
            )

    def sociallogin_from_response(self, request: HttpRequest, response: dict):
        """allauth's, keeping the verified claims (national ID included) on the
        login object for linking.py, in memory only: never stored."""
        login = super().sociallogin_from_response(request, response)
        claims = dict(response.get("id_token") or {})
        claims.update(response.get("userinfo") or {})
        login.academy_claims = claims
        login.academy_token = getattr(request, "academy_oidc_token", None)
        return login

    def extract_uid(self, data):
        """The subject, or a keyed digest of it when it is a national ID."""
        uid = super().extract_uid(data)
        digest = directory().national_id_digest(uid)
        return f"{NATIONAL_ID_UID_PREFIX}{digest}" if digest else uid

    def extract_extra_data(self, data):
        """The claims allauth keeps with the identity, without a national ID."""
        return strip_national_ids(data, self.academy["claims"]["national_id"])


def strip_national_ids(data, claim: str):
    """`data` with the national-ID claim and any national ID in a value masked."""
    from academy.accounts.logging import redact_national_ids_in

    if isinstance(data, dict):
        return {
            key: "[redacted]"
            if claim and key == claim
            else strip_national_ids(value, claim)
            for key, value in data.items()
        }
    return redact_national_ids_in(data)
