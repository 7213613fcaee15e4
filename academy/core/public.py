"""The Academy's public origin: the one place every absolute link is built from."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


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
