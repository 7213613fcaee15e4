"""A real OpenID Connect provider for the sign-in tests, and a browserless sign-in.

Starts tests/interop/oidc-provider/provider.mjs (panva's oidc-provider under Node) on
a free port with an RSA signing key made here, so a test can also forge tokens the
provider's key signs (wrong audience, expired) through a token-endpoint proxy. Skips
with a clear reason if its node_modules are missing, and fails instead in CI (CI=true
or ACADEMY_REQUIRE_SERVICES=1), like the Node credential verifier.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

PROJECT = Path(__file__).resolve().parents[1] / "interop" / "oidc-provider"
NODE = shutil.which("node")
CLIENT_ID = "academy-test"
CLIENT_SECRET = "academy-test-secret-" + "x" * 24  # noqa: S105 - test provider only


def require_node_provider() -> Path:
    """The provider's directory, or skip (fail in CI) if it cannot run here."""
    problem = None
    if NODE is None:
        problem = "Node.js is not installed"
    elif not (PROJECT / "node_modules" / "oidc-provider").exists():
        problem = (
            "tests/interop/oidc-provider has no node_modules: run "
            "`npm ci` there (CI does it in .ci/run)"
        )
    if problem:
        message = f"OpenID Connect provider tests need a real provider: {problem}"
        if os.environ.get("CI", "").lower() == "true" or os.environ.get(
            "ACADEMY_REQUIRE_SERVICES"
        ):
            pytest.fail(message)
        pytest.skip(message)
    return PROJECT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Provider:
    """A running provider: its issuer, signing key, and the Academy's settings for it."""

    def __init__(self, *, tmp_path: Path, redirect_uris, accounts, post_logout):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key))
        private.pop("key_ops", None)  # ["sign"] would hide it from verification
        private.update({"kid": "test-key-1", "use": "sig", "alg": "RS256"})
        self.config = {
            "issuer": self.issuer,
            "port": self.port,
            "jwks": {"keys": [private]},
            "clients": [
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": list(redirect_uris),
                    "post_logout_redirect_uris": list(post_logout),
                    "grant_types": ["authorization_code"],
                    "response_types": ["code"],
                    "token_endpoint_auth_method": "client_secret_basic",
                }
            ],
            "accounts": accounts,
            # "amr" as an ordinary claim: the development sign-in pages record none.
            "extraScopes": {"thaid": ["pid", "amr"]},
        }
        self.config_file = tmp_path / f"oidc-provider-{self.port}.json"
        self.config_file.write_text(json.dumps(self.config), "utf-8")
        self.process: subprocess.Popen | None = None
        self.output: list[str] = []

    def start(self, timeout: float = 30) -> None:
        self.process = subprocess.Popen(
            [NODE, str(PROJECT / "provider.mjs"), str(self.config_file)],
            cwd=PROJECT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        ready = threading.Event()

        def read():
            for line in self.process.stdout:
                self.output.append(line)
                if line.startswith("ready "):
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(timeout):
            self.stop()
            raise RuntimeError(
                "the OIDC provider did not start:\n" + "".join(self.output)
            )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def table(self, provider_id: str = "govid", **overrides) -> dict:
        """The administrator's `[[provider]]` table for this provider."""
        table = {
            "id": provider_id,
            "name": "ThaID ทดสอบ",
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret_env": "ACADEMY_TEST_OIDC_SECRET",
            "scopes": ["openid", "profile", "email", "thaid"],
            "link_by": ["national_id", "email"],
            "claims": {"national_id": "pid"},
        }
        table.update(overrides)
        return table

    def sign(self, claims: dict) -> str:
        return jwt.encode(
            claims, self.key, algorithm="RS256", headers={"kid": "test-key-1"}
        )


def configure(settings, *tables) -> None:
    """Point the Academy at the given `[[provider]]` tables."""
    from django.core.cache import cache

    from academy.accounts.oidc.config import (
        provider_apps,
        socialaccount_providers,
        with_form_action_origins,
    )

    environ = {"ACADEMY_TEST_OIDC_SECRET": CLIENT_SECRET}
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(
        provider_apps({"provider": list(tables)}, environ)
    )
    settings.CONTENT_SECURITY_POLICY = with_form_action_origins(
        settings.CONTENT_SECURITY_POLICY, settings.SOCIALACCOUNT_PROVIDERS
    )
    cache.clear()


@contextmanager
def running_provider(tmp_path, *, redirect_uris, accounts, post_logout=()):
    require_node_provider()
    provider = Provider(
        tmp_path=tmp_path,
        redirect_uris=redirect_uris,
        accounts=accounts,
        post_logout=post_logout,
    )
    provider.start()
    try:
        yield provider
    finally:
        provider.stop()


# ------------------------------------------------------------------------------
# A token endpoint in front of the provider's, which alters the ID token it returns
# ------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(raw: str) -> dict:
    return jwt.decode(raw, options={"verify_signature": False})


def tamper(provider: Provider, raw: str) -> str:
    """The genuine token with one claim changed and its signature kept."""
    header, _payload, signature = raw.split(".")
    claims = _claims(raw)
    claims["sub"] = "someone-else"
    return ".".join([header, _b64(json.dumps(claims).encode()), signature])


def wrong_audience(provider: Provider, raw: str) -> str:
    return provider.sign({**_claims(raw), "aud": "another-relying-party"})


def expired(provider: Provider, raw: str) -> str:
    now = int(time.time())
    return provider.sign({**_claims(raw), "iat": now - 600, "exp": now - 300})


def wrong_nonce(provider: Provider, raw: str) -> str:
    return provider.sign({**_claims(raw), "nonce": "a-nonce-from-another-sign-in"})


@contextmanager
def token_proxy(provider: Provider, alter):
    """A token endpoint that forwards to the provider's and alters the ID token."""
    upstream = f"{provider.issuer}/token"

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {
                name: value
                for name, value in self.headers.items()
                if name.lower() in {"authorization", "content-type", "accept"}
            }
            answer = requests.post(upstream, data=body, headers=headers, timeout=10)
            document = answer.json()
            if "id_token" in document:
                document["id_token"] = alter(provider, document["id_token"])
            payload = json.dumps(document).encode()
            self.send_response(answer.status_code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/token"
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------------------
# Signing in through the provider's own pages without a browser
# ------------------------------------------------------------------------------

FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"', re.IGNORECASE)


def through_provider(url: str, login: str, *, back_to: str = "http://testserver"):
    """Follow the provider's pages (sign in as `login`, consent) until it sends the
    browser back to the Academy; return that address (path and query)."""
    session = requests.Session()
    response = session.get(url, allow_redirects=False, timeout=10)
    for _ in range(20):
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(back_to):
                parts = urlsplit(location)
                return parts.path + (f"?{parts.query}" if parts.query else "")
            response = session.get(location, allow_redirects=False, timeout=10)
            continue
        html = response.text
        action = FORM_ACTION.search(html)
        assert action, f"no form on the provider's page:\n{html[:2000]}"
        target = urljoin(response.url, action.group(1))
        if 'name="prompt" value="login"' in html:
            data = {"prompt": "login", "login": login, "password": "any"}
        elif 'name="prompt" value="consent"' in html:
            data = {"prompt": "consent"}
        elif 'name="logout"' in html or "logout" in action.group(1):
            data = dict(re.findall(r'name="(\w+)" value="([^"]*)"', html))
            data["logout"] = "yes"
        else:
            raise AssertionError(f"unexpected provider page:\n{html[:2000]}")
        response = session.post(target, data=data, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never sent the browser back")


def sign_in(client, login: str, *, provider_id="govid", process="login"):
    """Start at the Academy's button, go through the provider, land on the callback."""
    start = client.post(f"/accounts/oidc/{provider_id}/login/", {"process": process})
    assert start.status_code == 302, start.content[:500]
    callback = through_provider(start["Location"], login)
    return client.get(callback)
