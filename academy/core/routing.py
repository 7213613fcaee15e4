"""Serving a Wagtail page without walking the tree on every request.

Wagtail routes a path by walking it from the site's root page, one child at a time:
for /courses/<course>/<lesson>/ that is a query for each child and one more for its
specific instance (six), then two more to gather the view restrictions of the page
and its ancestors. Both answers change only when pages are published, unpublished,
moved or deleted, or a view restriction changes, which is what the page cache's
content version follows (academy.core.pagecache). Two process-level caches
(academy.core.refcache) keep them under that version:

- `route_cache`: a path under a root page → the id and type of the page it names.
  A request then reads that one page (its specific row, one query) and serves it
  only if, as read now, it is live and its `url_path` is still the path asked for;
  otherwise Wagtail's own walk answers. A stale entry can never serve a page at a
  path it no longer has, nor a page no longer live. Paths that pass through a page
  whose class routes by itself (a routable page) are never cached.
- `restrictions_cache`: a page (by id and tree path, so a move is a new key even
  before the version moves) → the view restrictions of it and its ancestors (aliases
  resolved to their source, as Wagtail does). Each is checked against the request
  as Wagtail checks it (`accept_request`, with the groups read at that moment): only
  which restrictions exist is cached, never whether someone passes them.

Saving or deleting a view restriction, publishing, unpublishing, moving or deleting
a page bump the content version (academy.core.pagecache.connect_signals).
"""

from __future__ import annotations

from wagtail.models import Page, PageViewRestriction
from wagtail.url_routing import RouteResult

from .pagecache import VERSION_KEY
from .refcache import ReferenceCache, enabled

#: Paths kept per version and process: any path a visitor types is a key, so their
#: count and length are bounded (a longer path walks the tree, as it always did).
ROUTE_MAX_ENTRIES = 5_000
ROUTE_MAX_LENGTH = 300
RESTRICTION_FIELDS = ("id", "restriction_type", "password", "page_id")


def _routes_by_itself(model) -> bool:
    return model is None or model.route is not Page.route


def _route_build(key: tuple[int, tuple[str, ...]]):
    """(page id, content type id) of the live page at `components` under the root
    page `root_id`, when every page on the way routes as Wagtail's Page does; else
    None (the request walks the tree)."""
    from django.contrib.contenttypes.models import ContentType

    root_id, components = key
    root = Page.objects.filter(pk=root_id).values_list("path", "url_path").first()
    if root is None or not components:
        return None
    root_path, root_url_path = root
    rows = list(
        Page.objects.filter(
            path__startswith=root_path,
            url_path=root_url_path + "".join(f"{part}/" for part in components),
        ).values_list("pk", "content_type_id", "path", "live")[:2]
    )
    if len(rows) != 1 or not rows[0][3]:
        return None
    pk, content_type_id, path, _live = rows[0]
    steplen = Page.steplen
    between = [
        path[:end] for end in range(len(root_path) + steplen, len(path), steplen)
    ]
    passed = Page.objects.filter(path__in=between).values_list(
        "content_type_id", flat=True
    )
    if len(passed) != len(between):
        return None
    for type_id in passed:
        if _routes_by_itself(ContentType.objects.get_for_id(type_id).model_class()):
            return None
    return pk, content_type_id


route_cache = ReferenceCache(
    "route", _route_build, version_key=VERSION_KEY, max_entries=ROUTE_MAX_ENTRIES
)


def route_cached(root: Page, request, path_components: list[str]):
    """The RouteResult for `path_components` under `root`, from the cache when it
    holds and is confirmed by the page as read now; None to let Wagtail walk."""
    from django.contrib.contenttypes.models import ContentType

    if not enabled() or not path_components:
        return None
    if sum(len(part) + 1 for part in path_components) > ROUTE_MAX_LENGTH:
        return None
    found = route_cache.get((root.pk, tuple(path_components)))
    if found is None:
        return None
    pk, content_type_id = found
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None:
        return None
    page = model.objects.filter(pk=pk).first()
    expected = root.url_path + "".join(f"{part}/" for part in path_components)
    if page is None or not page.live or page.url_path != expected:
        return None  # moved, renamed, unpublished or deleted since: walk
    if _routes_by_itself(type(page)):
        return None
    return RouteResult(page)


class CachedRoutingMixin:
    """For the site's root page: routes below it from `route_cache`."""

    def route(self, request, path_components):
        result = route_cached(self, request, path_components)
        if result is not None:
            return result
        return super().route(request, path_components)


# ------------------------------------------------------------------------------
# View restrictions
# ------------------------------------------------------------------------------


def _restrictions_build(key: tuple[int, str]):
    """(ids of the pages whose restrictions apply, the restrictions' rows), by
    Wagtail's rule in `Page.get_view_restrictions`."""
    pk, _path = key
    page = Page.objects.filter(pk=pk).first()
    if page is None:
        return None
    page_ids: set[int] = set()

    def check(item) -> None:  # an alias has its source's restrictions, as in Wagtail
        if item.alias_of_id:
            check(item.alias_of)
        else:
            page_ids.add(item.pk)

    check(page)
    for ancestor in page.get_ancestors().only("alias_of"):
        check(ancestor)
    rows = PageViewRestriction.objects.filter(page_id__in=page_ids).values_list(
        *RESTRICTION_FIELDS
    )
    return tuple(sorted(page_ids)), tuple(tuple(row) for row in rows)


restrictions_cache = ReferenceCache(
    "restrictions",
    _restrictions_build,
    version_key=VERSION_KEY,
    max_entries=ROUTE_MAX_ENTRIES,
)


class CachedViewRestrictionsMixin:
    """`get_view_restrictions()` as Wagtail's: a query set of the restrictions of the
    page and its ancestors. When iterated as it is (Wagtail's check before serving),
    its rows come from `restrictions_cache`; filtering, ordering or counting it
    (`.order_by`, `.exists()` on a clone) makes a new query set that reads the
    database."""

    def get_view_restrictions(self):
        if not enabled() or not self.pk:
            return super().get_view_restrictions()
        cached = restrictions_cache.get((self.pk, self.path))
        if cached is None:
            return super().get_view_restrictions()
        page_ids, rows = cached
        queryset = PageViewRestriction.objects.filter(page_id__in=page_ids)
        queryset._result_cache = [
            PageViewRestriction(**dict(zip(RESTRICTION_FIELDS, row, strict=True)))
            for row in rows
        ]
        queryset._prefetch_done = True
        return queryset
