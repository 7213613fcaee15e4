"""The Wagtail Site follows ACADEMY_PUBLIC_BASE_URL, as the Django Site does
(academy.core.public.site_sync).

Wagtail builds full page URLs from its default Site's hostname and port; it is
rewritten from the one setting after every migrate (a deploy always migrates), so
nobody edits it by hand and it never drifts from the setting.

Wagtail looks the Site up for every request it routes (one query, and one more for
its root page's specific instance): `SiteCacheMiddleware` answers from a
process-level cache (academy.core.refcache) under the page cache's content version,
which saving or deleting a Site and publishing, moving or deleting a page bump.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError

from .pagecache import VERSION_KEY, content_version_bump
from .public import public_base_url, site_sync
from .refcache import ReferenceCache

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
    content_version_bump()  # an update() sends no signal


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


# ------------------------------------------------------------------------------
# The Site of a request, from the process's cache
# ------------------------------------------------------------------------------


def _site_build(host: tuple[str, int]):
    from wagtail.models import Site
    from wagtail.models.sites import get_site_for_hostname

    try:
        return get_site_for_hostname(*host)
    except Site.DoesNotExist:
        return None


site_cache = ReferenceCache("site", _site_build, version_key=VERSION_KEY)


class SiteCacheMiddleware:
    """Sets the request's Wagtail Site (what `Site.find_for_request` reads first)
    from the process's cache, with the same rule: hostname and port, else the
    default site."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http.request import split_domain_port

        hostname = split_domain_port(request._get_raw_host())[0]
        request._wagtail_site = site_cache.get((hostname, request.get_port()))
        return self.get_response(request)
