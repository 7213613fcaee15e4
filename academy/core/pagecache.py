"""The full-page cache of the public pages anonymous visitors read: home, catalogue,
course, lesson and search.

A page opts in (`page_cache_allow(request)`: the Wagtail page types with
`academy_page_cache = True` through the `before_serve_page` hook, the search view with
`@page_cacheable`). Its response is kept in the shared cache under the site, the
language, the full path with its query and the *content version*, for
ACADEMY_PAGE_CACHE_SECONDS at most (the backstop; 0 turns the cache off).

The content version is one random token in the shared cache. Whatever changes what
an anonymous visitor sees bumps it, which orphans every cached page at once (they then
expire): publishing, unpublishing, moving or deleting a page and changing a view
restriction (connected here); changing a course's competencies, the standards and the
search index (connected by the apps that own them, through `content_version_bump`).

Never cached, and never served from the cache:
- a request carrying the session cookie (signed-in people, and anyone whose session
  holds something: a page password, a message) or the messages cookie;
- anything but a GET answered 200 with a complete body;
- a response that sets a cookie, is marked private/no-store/no-cache, used the
  visitor's CSRF token (Django flags every `get_token()`), or had messages queued.
So a cached page holds nothing that belongs to one visitor.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

VERSION_KEY = "academy:pagecache:version"
KEY_PREFIX = "academy:page:"
STATUS_HEADER = "X-Academy-Page-Cache"
ALLOW_ATTRIBUTE = "_academy_page_cache"
#: Headers kept with a cached page; the outer middleware adds the rest on every answer.
KEPT_HEADERS = ("Content-Type", "X-Frame-Options", "Content-Language")
MESSAGES_COOKIE = "messages"


def ttl() -> int:
    return int(getattr(settings, "ACADEMY_PAGE_CACHE_SECONDS", 0) or 0)


# ------------------------------------------------------------------------------
# The content version
# ------------------------------------------------------------------------------


def content_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def _bump() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def content_version_bump(*args, **kwargs) -> None:
    """Orphan every cached page: now, and again when the transaction commits (a page
    rendered from the data before the commit may have been stored in between).
    Accepts any arguments, so it connects to signals as it is."""
    from .refcache import pending_mark

    _bump()
    pending_mark(VERSION_KEY)
    transaction.on_commit(_bump)


# ------------------------------------------------------------------------------
# Opting in
# ------------------------------------------------------------------------------


def page_cache_allow(request) -> None:
    """This request's page may be cached for anonymous visitors."""
    setattr(request, ALLOW_ATTRIBUTE, True)


def page_cacheable(view):
    """Decorator: the view's page may be cached for anonymous visitors."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        page_cache_allow(request)
        return view(request, *args, **kwargs)

    return wrapped


def before_serve_page(page, request, serve_args, serve_kwargs):
    """Wagtail hook: opt in the page types that say so (`academy_page_cache`)."""
    if getattr(page, "academy_page_cache", False):
        page_cache_allow(request)


# ------------------------------------------------------------------------------
# The middleware
# ------------------------------------------------------------------------------


def _candidate(request) -> bool:
    """A request the cache may answer or learn from: an anonymous GET with no
    session and no messages."""
    return (
        ttl() > 0
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
    )


def cache_key(request, version: str) -> str:
    identity = "\n".join(
        [
            request.scheme,
            request.get_host(),
            getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
            request.get_full_path(),
        ]
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()
    return f"{KEY_PREFIX}{version}:{digest}"


def _storable(request, response) -> bool:
    if not getattr(request, ALLOW_ATTRIBUTE, False):
        return False
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page holds this visitor's CSRF token
    messages = getattr(request, "_messages", None)
    if messages is not None and (
        getattr(messages, "_queued_messages", None) or getattr(messages, "used", False)
    ):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


class PageCacheMiddleware:
    """Answers anonymous GETs of cached pages before any view or query runs; stores
    the pages that opted in. Sits after LocaleMiddleware (the key has the language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _candidate(request):
            return self.get_response(request)
        try:
            version = content_version()
            key = cache_key(request, version)
            stored = cache.get(key)
        except Exception:  # the cache is down: serve the page, uncached
            logger.warning("page cache unavailable", exc_info=True)
            return self.get_response(request)
        if stored is not None:
            return self._from_cache(stored)
        response = self.get_response(request)
        if _storable(request, response):
            try:
                cache.set(key, self._to_cache(response), timeout=ttl())
            except Exception:
                logger.warning("page cache unavailable", exc_info=True)
            response[STATUS_HEADER] = "miss"
        return response

    @staticmethod
    def _to_cache(response) -> tuple:
        headers = [
            (name, response[name]) for name in KEPT_HEADERS if response.has_header(name)
        ]
        return (response.status_code, headers, response.content)

    @staticmethod
    def _from_cache(stored: tuple):
        from django.http import HttpResponse

        status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        # The page depends on the visitor having no session: say so downstream.
        patch_vary_headers(response, ["Cookie"])
        response[STATUS_HEADER] = "hit"
        return response


# ------------------------------------------------------------------------------
# What bumps the version (Wagtail's side; the apps connect their own models)
# ------------------------------------------------------------------------------


def connect_signals() -> None:
    from wagtail.models import PageViewRestriction, Site, get_page_models
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal, uid in (
        (page_published, "published"),
        (page_unpublished, "unpublished"),
        (post_page_move, "moved"),
    ):
        signal.connect(content_version_bump, dispatch_uid=f"academy-pagecache-{uid}")
    # Deleting a page sends post_delete for its specific class (and for Page). Each
    # page model is named: a receiver for every model would also cost every other
    # model's deletions their fast path (Django fetches rows it could delete in bulk).
    models_bumping(PageViewRestriction, Site, uid="wagtail")
    # A page's own saves are drafts until published: only its deletion counts here.
    models_bumping(*get_page_models(), uid="page", saves=False)


def models_bumping(*models, uid: str, saves: bool = True) -> None:
    """Saving (unless `saves` is False) or deleting any of `models` bumps the
    content version."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        for signal in (post_save, post_delete) if saves else (post_delete,):
            signal.connect(
                content_version_bump,
                sender=model,
                dispatch_uid=f"academy-pagecache-{uid}-{model._meta.label_lower}-"
                f"{signal is post_save}",
            )
