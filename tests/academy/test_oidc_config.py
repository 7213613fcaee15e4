"""The identity providers' settings: a mistake stops the start and says where."""

import pytest

from academy.accounts.oidc.config import (
    OIDCConfigError,
    from_environment,
    provider_apps,
)

ENV = {"THAID_SECRET": "s3cret"}


def table(**overrides):
    base = {
        "id": "thaid",
        "name": "ThaID",
        "issuer": "https://imauth.bora.dopa.go.th",
        "client_id": "academy",
        "client_secret_env": "THAID_SECRET",
        "claims": {"national_id": "pid"},
    }
    base.update(overrides)
    return base


def test_a_provider_becomes_an_allauth_app_with_pkce_and_the_secret_from_the_env():
    [app] = provider_apps({"provider": [table()]}, ENV)
    assert app["provider_id"] == "thaid"
    assert app["secret"] == "s3cret"
    assert app["settings"]["oauth_pkce_enabled"] is True
    academy = app["settings"]["academy"]
    assert academy["link_by"] == ["national_id"]
    assert academy["unknown"] == "wait"
    assert academy["mfa_amr"] == [] and academy["mfa_acr"] == []
    assert academy["claims"]["national_id"] == "pid"
    assert academy["claims"]["email_verified"] == "email_verified"


@pytest.mark.parametrize(
    ("overrides", "environ", "message"),
    [
        ({}, {}, "THAID_SECRET"),
        ({"id": "Tha ID"}, ENV, "id must be"),
        ({"issuer": "http://idp.example.go.th"}, ENV, "https://"),
        ({"scopes": ["profile"]}, ENV, "openid"),
        ({"link_by": ["phone"]}, ENV, "link_by"),
        ({"claims": {}}, ENV, "claims.national_id"),
        ({"claims": {"national_id": "pid", "nickname": "x"}}, ENV, "claims may map"),
        ({"unknown": "create"}, ENV, "unknown must be"),
        ({"client_secret": "inline"}, ENV, "unknown settings"),
        ({"metadata_cache_seconds": 5}, ENV, "metadata_cache_seconds"),
        ({"token_auth_method": "none"}, ENV, "token_auth_method"),
    ],
)
def test_a_mistake_is_refused_with_a_message_naming_it(overrides, environ, message):
    with pytest.raises(OIDCConfigError, match=message):
        provider_apps({"provider": [table(**overrides)]}, environ)


def test_two_providers_may_not_share_an_id():
    with pytest.raises(OIDCConfigError, match="same id"):
        provider_apps({"provider": [table(), table()]}, ENV)


def test_the_file_is_read_from_the_environment(tmp_path):
    path = tmp_path / "oidc.toml"
    path.write_text(
        '[[provider]]\nid = "moph"\nname = "บัญชีกระทรวงสาธารณสุข"\n'
        'issuer = "https://sso.moph.go.th/realms/staff"\nclient_id = "academy"\n'
        'client_secret_env = "MOPH_SECRET"\nlink_by = ["email"]\n'
        'mfa_amr = ["otp"]\n',
        "utf-8",
    )
    providers = from_environment(
        {"ACADEMY_OIDC_PROVIDERS_FILE": str(path), "MOPH_SECRET": "x"}
    )
    config = providers["openid_connect"]
    assert config["provider_class"].endswith("AcademyOIDCProvider")
    [app] = config["APPS"]
    assert app["name"] == "บัญชีกระทรวงสาธารณสุข"
    assert app["settings"]["academy"]["link_by"] == ["email"]


def test_no_file_no_providers():
    assert from_environment({})["openid_connect"]["APPS"] == []


def test_a_broken_file_is_refused(tmp_path):
    path = tmp_path / "oidc.toml"
    path.write_text("[[provider]\n", "utf-8")
    with pytest.raises(OIDCConfigError, match="ACADEMY_OIDC_PROVIDERS_FILE"):
        from_environment({"ACADEMY_OIDC_PROVIDERS_FILE": str(path)})


def test_the_sign_in_forms_may_go_on_to_each_provider_and_nowhere_else():
    from academy.accounts.oidc.config import (
        socialaccount_providers,
        with_form_action_origins,
    )

    providers = socialaccount_providers(
        provider_apps(
            {
                "provider": [
                    table(),
                    table(
                        id="dga",
                        issuer="https://connect.egov.go.th",
                        endpoints={
                            "end_session_endpoint": "https://logout.egov.go.th/end"
                        },
                    ),
                ]
            },
            ENV,
        )
    )
    policy = {"DIRECTIVES": {"form-action": ["'self'"], "script-src": ["'self'"]}}
    allowed = with_form_action_origins(policy, providers)["DIRECTIVES"]
    assert allowed["form-action"] == [
        "'self'",
        "https://imauth.bora.dopa.go.th",
        "https://connect.egov.go.th",
        "https://logout.egov.go.th",
    ]
    assert allowed["script-src"] == ["'self'"]
    assert policy["DIRECTIVES"]["form-action"] == ["'self'"]  # not changed in place
