"""ID token checks and the provider's keys, against a small key server run here:
a rotated key is fetched again, and tokens a provider must never be trusted with
(unsigned, HMAC, another issuer's discovery document) are refused."""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.core.cache import cache

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from academy.accounts.oidc import tokens


def _key(kid: str):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    public.pop("key_ops", None)
    public.update({"kid": kid, "use": "sig", "alg": "RS256"})
    return private, public


@contextmanager
def key_server(documents: dict):
    """Serves documents[path] as JSON; counts the requests per path."""
    hits: dict[str, int] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits[self.path] = hits.get(self.path, 0) + 1
            body = json.dumps(documents[self.path]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _claims(issuer: str, **overrides) -> dict:
    now = int(time.time())
    return {
        "iss": issuer,
        "sub": "someone",
        "aud": "academy",
        "iat": now,
        "exp": now + 300,
        "nonce": "n-1",
        **overrides,
    }


def _verify(raw: str, base: str, **overrides):
    discovery = {
        "issuer": base,
        "jwks_uri": f"{base}/jwks",
        "id_token_signing_alg_values_supported": ["RS256"],
        **overrides,
    }
    return tokens.id_token_verify(
        raw, discovery=discovery, client_id="academy", nonce="n-1", cache_seconds=300
    )


def test_a_rotated_key_is_fetched_again_and_the_keys_are_cached():
    old_private, old_public = _key("old")
    new_private, new_public = _key("new")
    documents = {"/jwks": {"keys": [old_public]}}
    with key_server(documents) as (base, hits):
        old = jwt.encode(_claims(base), old_private, "RS256", headers={"kid": "old"})
        assert _verify(old, base)["sub"] == "someone"
        assert _verify(old, base)["sub"] == "someone"
        assert hits["/jwks"] == 1  # cached

        documents["/jwks"] = {"keys": [new_public]}  # the provider rotates
        new = jwt.encode(_claims(base), new_private, "RS256", headers={"kid": "new"})
        assert _verify(new, base)["sub"] == "someone"
        assert hits["/jwks"] == 2

        # An unknown key id refetches at most once a minute: no hammering.
        stranger, _ = _key("stranger")
        forged = jwt.encode(_claims(base), stranger, "RS256", headers={"kid": "x"})
        with pytest.raises(tokens.IDTokenError, match="no signing key"):
            _verify(forged, base)
        assert hits["/jwks"] == 2


@pytest.mark.parametrize(
    "make",
    [
        lambda base, private: jwt.encode(_claims(base), None, "none"),
        lambda base, private: jwt.encode(_claims(base), "academy-secret" * 3, "HS256"),
    ],
    ids=["unsigned", "hmac"],
)
def test_unsigned_and_hmac_tokens_are_refused(make):
    private, public = _key("k")
    with (
        key_server({"/jwks": {"keys": [public]}}) as (base, _hits),
        pytest.raises(tokens.IDTokenError, match="algorithm"),
    ):
        _verify(make(base, private), base)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"aud": ["academy", "other"]}, "azp"),
        ({"aud": ["academy", "other"], "azp": "other"}, "azp"),
        ({"iat_offset": -3600}, "time"),
        ({"nonce": None}, "nonce"),
        ({"iss": "https://elsewhere.example"}, "issuer"),
    ],
    ids=["several-audiences", "other-azp", "issued-long-ago", "no-nonce", "issuer"],
)
def test_a_genuine_signature_does_not_save_a_wrong_claim(overrides, message):
    private, public = _key("k")
    with key_server({"/jwks": {"keys": [public]}}) as (base, _hits):
        overrides = dict(overrides)
        offset = overrides.pop("iat_offset", 0)  # relative to now, not collection
        claims = {
            key: value
            for key, value in _claims(base, **overrides).items()
            if value is not None
        }
        claims["iat"] += offset
        raw = jwt.encode(claims, private, "RS256", headers={"kid": "k"})
        with pytest.raises(tokens.IDTokenError, match=message):
            _verify(raw, base)


def test_a_discovery_document_naming_another_issuer_is_refused():
    from allauth.socialaccount.providers.oauth2.client import OAuth2Error

    with (
        key_server(
            {
                "/.well-known/openid-configuration": {
                    "issuer": "https://attacker.example",
                    "authorization_endpoint": "https://attacker.example/auth",
                    "token_endpoint": "https://attacker.example/token",
                    "jwks_uri": "https://attacker.example/jwks",
                }
            }
        ) as (base, hits),
        pytest.raises(OAuth2Error, match="issuer"),
    ):
        tokens.discovery_document(
            f"{base}/.well-known/openid-configuration",
            issuer=base,
            overrides={},
            cache_seconds=300,
        )
