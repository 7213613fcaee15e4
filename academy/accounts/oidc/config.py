"""The OpenID Connect providers an administrator configured, read once at start.

ACADEMY_OIDC_PROVIDERS_FILE names a TOML file with one `[[provider]]` table per
provider; each secret is read from the environment variable the table names, never
from the file. A mistake stops the start with a message naming the provider and the
setting. docs/sign-in.md describes every setting.

Nothing here imports Django models: settings import it.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

PROVIDER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
LINK_METHODS = ("national_id", "email")
UNKNOWN_POLICIES = ("wait", "learner")
TOKEN_AUTH_METHODS = ("client_secret_basic", "client_secret_post")
DEFAULT_CLAIMS = {
    "national_id": "",
    "email": "email",
    "email_verified": "email_verified",
    "given_name": "given_name",
    "family_name": "family_name",
}
KNOWN_KEYS = {
    "id",
    "name",
    "name_en",
    "issuer",
    "client_id",
    "client_secret_env",
    "scopes",
    "token_auth_method",
    "fetch_userinfo",
    "link_by",
    "claims",
    "unknown",
    "mfa_amr",
    "mfa_acr",
    "logout",
    "metadata_cache_seconds",
    "endpoints",
}


class OIDCConfigError(ValueError):
    """The providers' configuration cannot be used; the message says where."""


def _strings(value, where: str) -> list[str]:
    if not isinstance(value, list) or not all(
        isinstance(item, str) and item for item in value
    ):
        raise OIDCConfigError(f"{where} must be a list of non-empty strings")
    return list(value)


def provider_app(table: Mapping, environ: Mapping[str, str]) -> dict:
    """One `[[provider]]` table as one of allauth's APPS entries (validated)."""
    provider_id = table.get("id", "")
    where = f"OIDC provider {provider_id or '?'}"
    if not isinstance(provider_id, str) or not PROVIDER_ID.match(provider_id):
        raise OIDCConfigError(
            f"{where}: id must be 1-40 lower-case letters, digits, '-' or '_'"
        )
    unknown_keys = set(table) - KNOWN_KEYS
    if unknown_keys:
        raise OIDCConfigError(f"{where}: unknown settings {sorted(unknown_keys)}")
    for key in ("name", "issuer", "client_id", "client_secret_env"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise OIDCConfigError(f"{where}: {key} is required")
    issuer = table["issuer"].rstrip("/")
    if not issuer.startswith("https://") and not issuer.startswith(
        ("http://127.0.0.1", "http://localhost")
    ):
        raise OIDCConfigError(f"{where}: issuer must be an https:// address")
    secret = environ.get(table["client_secret_env"], "")
    if not secret:
        raise OIDCConfigError(
            f"{where}: the environment variable {table['client_secret_env']} "
            "(its client secret) is not set"
        )
    scopes = _strings(table.get("scopes", ["openid", "profile", "email"]), where)
    if "openid" not in scopes:
        raise OIDCConfigError(f"{where}: scopes must include openid")
    token_auth_method = table.get("token_auth_method", "client_secret_basic")
    if token_auth_method not in TOKEN_AUTH_METHODS:
        raise OIDCConfigError(
            f"{where}: token_auth_method must be one of {TOKEN_AUTH_METHODS}"
        )
    link_by = _strings(table.get("link_by", ["national_id"]), where)
    if set(link_by) - set(LINK_METHODS):
        raise OIDCConfigError(f"{where}: link_by may hold only {LINK_METHODS}")
    claims = dict(DEFAULT_CLAIMS)
    given_claims = table.get("claims", {})
    if not isinstance(given_claims, Mapping) or set(given_claims) - set(claims):
        raise OIDCConfigError(f"{where}: claims may map only {sorted(claims)}")
    claims.update({key: str(value) for key, value in given_claims.items()})
    if "national_id" in link_by and not claims["national_id"]:
        raise OIDCConfigError(
            f"{where}: link_by has national_id but claims.national_id names no claim"
        )
    unknown = table.get("unknown", "wait")
    if unknown not in UNKNOWN_POLICIES:
        raise OIDCConfigError(f"{where}: unknown must be one of {UNKNOWN_POLICIES}")
    endpoints = table.get("endpoints", {})
    if not isinstance(endpoints, Mapping):
        raise OIDCConfigError(f"{where}: endpoints must be a table")
    cache_seconds = table.get("metadata_cache_seconds", 3600)
    if not isinstance(cache_seconds, int) or not 60 <= cache_seconds <= 86400:
        raise OIDCConfigError(
            f"{where}: metadata_cache_seconds must be between 60 and 86400"
        )
    return {
        "provider_id": provider_id,
        "name": table["name"],
        "client_id": table["client_id"],
        "secret": secret,
        "settings": {
            "server_url": issuer,
            "token_auth_method": token_auth_method,
            "oauth_pkce_enabled": True,
            "fetch_userinfo": bool(table.get("fetch_userinfo", True)),
            "scope": scopes,
            "openid_configuration_overrides": dict(endpoints),
            "academy": {
                "issuer": issuer,
                "name_en": table.get("name_en", table["name"]),
                "link_by": link_by,
                "claims": claims,
                "unknown": unknown,
                "mfa_amr": _strings(table.get("mfa_amr", []), where),
                "mfa_acr": _strings(table.get("mfa_acr", []), where),
                "logout": bool(table.get("logout", True)),
                "metadata_cache_seconds": cache_seconds,
            },
        },
    }


def provider_apps(document: Mapping, environ: Mapping[str, str]) -> list[dict]:
    tables = document.get("provider", [])
    if not isinstance(tables, list):
        raise OIDCConfigError("the OIDC file must hold [[provider]] tables")
    apps = [provider_app(table, environ) for table in tables]
    ids = [app["provider_id"] for app in apps]
    if len(ids) != len(set(ids)):
        raise OIDCConfigError("two OIDC providers have the same id")
    return apps


def socialaccount_providers(apps: list[dict]) -> dict:
    """allauth's SOCIALACCOUNT_PROVIDERS: its OpenID Connect provider, ours on top."""
    return {
        "openid_connect": {
            "provider_class": "academy.accounts.oidc.provider.AcademyOIDCProvider",
            "OAUTH_PKCE_ENABLED": True,
            "APPS": apps,
        }
    }


def from_environment(environ: Mapping[str, str] = os.environ) -> dict:
    """SOCIALACCOUNT_PROVIDERS from ACADEMY_OIDC_PROVIDERS_FILE (none: no providers)."""
    path = environ.get("ACADEMY_OIDC_PROVIDERS_FILE", "")
    if not path:
        return socialaccount_providers([])
    try:
        document = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise OIDCConfigError(f"ACADEMY_OIDC_PROVIDERS_FILE {path}: {error}") from error
    return socialaccount_providers(provider_apps(document, environ))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def form_action_origins(providers: dict) -> list[str]:
    """The origins the sign-in and sign-out forms are sent on to (each provider's
    issuer, and any endpoint its `endpoints` table moves elsewhere): the Content
    Security Policy's form-action must allow them, or the browser stops the redirect
    that follows the form."""
    origins: list[str] = []
    for app in providers.get("openid_connect", {}).get("APPS", []):
        app_settings = app["settings"]
        urls = [app_settings["server_url"]]
        urls += [
            url
            for name, url in app_settings.get(
                "openid_configuration_overrides", {}
            ).items()
            if name in {"authorization_endpoint", "end_session_endpoint"}
        ]
        for url in urls:
            origin = _origin(url)
            if origin not in origins:
                origins.append(origin)
    return origins


def with_form_action_origins(policy: dict, providers: dict) -> dict:
    """`policy` (django-csp's CONTENT_SECURITY_POLICY) allowing the providers' forms."""
    directives = dict(policy["DIRECTIVES"])
    form_action = list(directives.get("form-action", []))
    form_action += [
        origin for origin in form_action_origins(providers) if origin not in form_action
    ]
    directives["form-action"] = form_action
    return {**policy, "DIRECTIVES": directives}
