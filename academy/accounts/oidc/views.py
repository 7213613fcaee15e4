"""The login and callback views of the Academy's OpenID Connect provider.

Same URLs and names as allauth's (allauth builds them from this package, see
provider.py); the adapter differs: the discovery document and keys are cached, the
ID token is always verified (tokens.py) with the nonce of the state, and the
userinfo must be about the ID token's subject.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.models import SocialApp, SocialToken
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import (
    OAuth2CallbackView,
    OAuth2LoginView,
)
from allauth.socialaccount.providers.openid_connect.views import (
    OpenIDConnectOAuth2Adapter,
)

from . import tokens


class AcademyOIDCAdapter(OpenIDConnectOAuth2Adapter):
    state: dict | None = None

    @property
    def openid_config(self):
        if not hasattr(self, "_openid_config"):
            provider = self.get_provider()
            self._openid_config = tokens.discovery_document(
                provider.server_url,
                issuer=provider.academy["issuer"],
                overrides={
                    key: value
                    for key, value in (
                        provider.app.settings.get("openid_configuration_overrides")
                        or {}
                    ).items()
                    if key != "discovery_url"
                },
                cache_seconds=provider.academy["metadata_cache_seconds"],
            )
        return self._openid_config

    def complete_login(self, request: HttpRequest, app, token: SocialToken, **kwargs):
        raw = kwargs["response"].get("id_token")
        if not raw:
            raise OAuth2Error("the token response has no ID token")
        provider = self.get_provider()
        claims = tokens.id_token_verify(
            raw,
            discovery=self.openid_config,
            client_id=app.client_id,
            nonce=(self.state or {}).get("nonce"),
            cache_seconds=provider.academy["metadata_cache_seconds"],
        )
        data = {"id_token": claims}
        if app.settings.get("fetch_userinfo", True) and self.openid_config.get(
            "userinfo_endpoint"
        ):
            userinfo = self._fetch_user_info(token.token)
            if userinfo.get("sub") != claims["sub"]:
                raise OAuth2Error("the userinfo is about another subject")
            data["userinfo"] = userinfo
        # For RP-initiated logout (logout.py) and the provider's login object.
        request.academy_oidc_token = raw
        return provider.sociallogin_from_response(request, data)


class AcademyCallbackView(OAuth2CallbackView):
    def _get_state(self, request: HttpRequest, provider):
        state, response = super()._get_state(request, provider)
        self.adapter.state = state
        return state, response


@login_not_required
def login(request: HttpRequest, provider_id):
    try:
        view = OAuth2LoginView.adapter_view(AcademyOIDCAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error


@login_not_required
def callback(request: HttpRequest, provider_id):
    try:
        view = AcademyCallbackView.adapter_view(
            AcademyOIDCAdapter(request, provider_id)
        )
        return view(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error
