"""The Wagtail Site follows ACADEMY_PUBLIC_BASE_URL, as the Django Site does
(academy.core.public.site_sync).

Wagtail builds full page URLs from its default Site's hostname and port; it is
rewritten from the one setting after every migrate (a deploy always migrates), so
nobody edits it by hand and it never drifts from the setting.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError

from .public import public_base_url, site_sync

DEFAULT_PORTS = {"http": 80, "https": 443}


def wagtail_site_sync() -> None:
    """Set the default Wagtail Site's hostname, port and name from the public URL."""
    from wagtail.models import Site

    parts = urlsplit(public_base_url())
    Site.objects.filter(is_default_site=True).update(
        hostname=parts.hostname or "localhost",
        port=parts.port or DEFAULT_PORTS.get(parts.scheme, 80),
        site_name=settings.ACADEMY_NAME_TH,
    )


def sites_sync() -> None:
    """Both Sites at once (seed_demo, and after a change of the setting)."""
    site_sync()
    wagtail_site_sync()


def wagtail_site_sync_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate receiver; silent before the tables exist (a partial migrate)."""
    if using != "default":
        return
    try:
        wagtail_site_sync()
    except DatabaseError:
        return
