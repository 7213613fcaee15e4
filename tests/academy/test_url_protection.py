"""Every URL the project serves is either public by decision or refuses anonymous users.

The URL patterns are walked at run time (the project's, allauth's, Wagtail's admin,
and any that other apps add later), each is requested as an anonymous visitor with
its arguments filled in, and the answer must be a redirect to sign-in, 401, 403, 404
or 405 unless the pattern is on the allow-list below, where each entry says why it is
public.
"""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

import pytest

pytestmark = pytest.mark.django_db

#: Patterns (as written in the URLconf, prefixes joined) open to everyone, and why.
PUBLIC = {
    # Wagtail serves the site's pages (home, catalogue, courses, lessons) through its
    # catch-all; page privacy is Wagtail's own view restrictions.
    r"^((?:[\w\-]+/)*)$": "Wagtail page serving",
    "admin/login/": "redirects to allauth's sign-in",
    "healthz": "load balancer liveness probe (no data)",
    "readyz": "load balancer readiness probe (dependency states, no details)",
    "search/": "the public course search",
    "verify/": "public certificate verification",
    "verify/<uuid:public_id>/": "public certificate verification (QR code)",
    "credentials/<uuid:public_id>.json": "published signed credential",
    "status-lists/<int:status_list_id>.json": "published revocation status list",
    ".well-known/did.json": "the issuer's public keys",
    "did.json": "the issuer's public keys, for did:web under a sub-path",
    "language/<str:code>/": "language switch (sets the language cookie only)",
    "accounts/privacy/": "the privacy notice is public",
    r"documents/^(\d+)/(.*)$": "lesson downloads; Wagtail's collection privacy applies",
    "admin/jsi18n/": "the admin's translated JavaScript strings (static)",
    "admin/sprite/": "the admin's icon sprite (static)",
    "_util/login/": "redirects to allauth's sign-in",
    "documents/authenticate_with_password/<int:restriction_id>/": (
        "Wagtail's password form for restricted documents"
    ),
}
#: allauth's entrance: signing in, resetting a password, confirming an email.
PUBLIC_PREFIXES = (
    "accounts/login/",
    "accounts/signup/",
    "accounts/password/reset/",
    "accounts/confirm-email/",
    "accounts/2fa/authenticate/",
    "accounts/logout/",
    "accounts/reauthenticate/",
    "accounts/inactive/",
    "accounts/email/verify/",
    # Signing in through an identity provider (academy/accounts/oidc): the button's
    # target, the provider's way back, and allauth's page when it was cancelled.
    "accounts/oidc/",
    "accounts/3rdparty/login/",
)

SIGN_IN_PREFIXES = ("/accounts/login/", "/admin/login/", "/_util/login/")


@dataclass(frozen=True)
class Route:
    pattern: str
    path: str


def _fill(pattern: str) -> str:
    path = pattern.replace("^", "").replace("$", "").replace("\\Z", "")
    path = re.sub(r"<uuid:[^>]+>", "00000000-0000-4000-8000-000000000000", path)
    path = re.sub(r"<int:[^>]+>", "1", path)
    path = re.sub(r"<path:[^>]+>", "x/y", path)
    path = re.sub(r"<slug:[^>]+>", "x", path)
    path = re.sub(r"<(?:str:)?[^>]+>", "x", path)
    path = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", path)
    path = path.replace("(\\d+)", "1").replace("(.*)", "x")
    path = re.sub(r"\([^)]*\)\??", "", path)
    return "/" + path.replace("\\", "")


def all_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(patterns, prefix):
        for entry in patterns:
            joined = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, joined)
            elif isinstance(entry, URLPattern):
                routes.append(Route(joined, _fill(joined)))

    walk(get_resolver().url_patterns, "")
    return routes


ROUTES = all_routes()


def _is_public(route: Route) -> bool:
    return route.pattern in PUBLIC or route.pattern.startswith(PUBLIC_PREFIXES)


def test_the_walk_reaches_every_part_of_the_site():
    patterns = {route.pattern for route in ROUTES}
    assert "hr/people/<int:person_id>/" in patterns
    assert "accounts/login/" in patterns
    assert "accounts/2fa/" in patterns
    assert "admin/pages/<int:parent_page_id>/" in patterns
    assert "admin/audit-log/" in patterns
    assert "dashboard/" in patterns
    assert len(ROUTES) > 300


def test_the_walk_reaches_every_private_download():
    """Private files are served only by these views; the walk must cover them all."""
    patterns = {route.pattern for route in ROUTES}
    assert {
        "certificates/<uuid:public_id>/certificate.pdf",
        "hr/certificates/bundles/<int:pk>.zip",
        "admin/certificates/bundles/<int:pk>/download/",
        "hr/attachments/<int:attachment_id>/",
        r"documents/^(\d+)/(.*)$",
    } <= patterns


def test_every_public_entry_still_exists():
    patterns = {route.pattern for route in ROUTES}
    assert set(PUBLIC) - patterns == set()


@pytest.mark.parametrize(
    "route",
    [route for route in ROUTES if not _is_public(route)],
    ids=lambda r: r.pattern,
)
def test_anonymous_users_are_refused(client, route):
    for method in ("get", "post"):
        response = getattr(client, method)(route.path)
        status = response.status_code
        if status in (301, 302, 303, 307, 308):
            location = response["Location"]
            assert location.startswith(SIGN_IN_PREFIXES) or (
                # APPEND_SLASH or a canonical redirect to the same protected place
                status == 301 and not location.startswith("http")
            ), f"{method.upper()} {route.path} -> {status} {location}"
        else:
            assert status in (400, 401, 403, 404, 405), (
                f"{method.upper()} {route.path} -> {status}"
            )
