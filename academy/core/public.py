"""The Academy's public origin: the one place every absolute link is built from.

ACADEMY_PUBLIC_BASE_URL (settings) is the origin people and verifiers see: mail links,
QR codes, share links, credential ids and the did:web issuer all come from it, never
from the Host header of the request that happened to cause them (which behind a load
balancer may name an internal host).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def base_url_problem(url: str, *, require_https: bool) -> str | None:
    """Why `url` cannot be the public base URL, or None when it can.

    Pure (no settings read) so that settings modules can refuse a bad value at start.
    """
    if not url:
        return "ACADEMY_PUBLIC_BASE_URL is not set."
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return (
            f"ACADEMY_PUBLIC_BASE_URL must be an absolute http(s) URL such as "
            f"https://academy.example.go.th, not {url!r}."
        )
    if require_https and parts.scheme != "https":
        return f"ACADEMY_PUBLIC_BASE_URL must use https in production, not {url!r}."
    if parts.query or parts.fragment or parts.username or parts.password:
        return (
            f"ACADEMY_PUBLIC_BASE_URL must be an origin with an optional path, "
            f"without credentials, query or fragment, not {url!r}."
        )
    return None


def public_base_url() -> str:
    """The configured public origin without a trailing slash (ACADEMY_PUBLIC_BASE_URL)."""
    return settings.ACADEMY_PUBLIC_BASE_URL.rstrip("/")


def public_url(path: str = "/") -> str:
    """An absolute public URL for a site path such as ``/verify/abc/``."""
    if not path.startswith("/"):
        path = "/" + path
    return public_base_url() + path


def public_host() -> str:
    """The host (and port) of the public origin: what mail calls the site's domain."""
    return urlsplit(public_base_url()).netloc


def site_sync(**kwargs) -> None:
    """Make django.contrib.sites' current Site say what the settings say.

    Run after every `migrate` (post_migrate): the sites app creates "example.com" on
    first migrate, and anything that reads the Site (allauth, Wagtail) would otherwise
    send mail and links in its name.
    """
    from django.contrib.sites.models import Site

    Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": public_host(), "name": settings.ACADEMY_NAME_TH},
    )
    Site.objects.clear_cache()


def public_page_url(page) -> str:
    """The public URL of a Wagtail page, whatever Wagtail Site the page belongs to."""
    parts = page.get_url_parts()
    if parts is None:
        return ""
    return public_url(parts[2])
