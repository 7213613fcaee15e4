"""The Academy's public origin: the one place every absolute link is built from."""

from __future__ import annotations

from django.conf import settings


def public_base_url() -> str:
    """The configured public origin without a trailing slash (ACADEMY_PUBLIC_BASE_URL)."""
    return settings.ACADEMY_PUBLIC_BASE_URL.rstrip("/")


def public_url(path: str = "/") -> str:
    """An absolute public URL for a site path such as ``/verify/abc/``."""
    if not path.startswith("/"):
        path = "/" + path
    return public_base_url() + path
