"""A read replica for the read-heavy HR reports; every write stays on the primary.

With DATABASE_REPLICA_URL set, the settings add a "replica" database and name it in
ACADEMY_REPLICA_ALIAS. Nothing reads from it by default: only the views named in
ACADEMY_REPLICA_VIEWS (the heat map, its export and the staff directory export:
aggregate reads that tolerate a replica's few seconds of lag) run their reads
there, through ReplicaViewMiddleware, and only for GET and HEAD. Writes, including
those such a view makes (its audit entry), always go to "default"; so do reads
inside a transaction on "default" (they may need what the transaction wrote) and
every query outside those views (sign-in, sessions, learners' pages).

`reading_from_replica()` is the same switch for code that is not a view (a report
task, a management command).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_use_replica: ContextVar[bool] = ContextVar("academy_use_replica", default=False)


def replica_alias() -> str | None:
    """The replica's alias when one is configured, else None."""
    alias = getattr(settings, "ACADEMY_REPLICA_ALIAS", None)
    return alias if alias and alias in settings.DATABASES else None


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Reads in this block go to the replica (when configured); writes never do."""
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


class ReplicaRouter:
    """Reads to the replica inside `reading_from_replica()`, everything else default."""

    def db_for_read(self, model, **hints):
        alias = replica_alias()
        if alias is None or not _use_replica.get():
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None  # may need what this transaction wrote
        return alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows: objects read from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS or db != replica_alias()


class ReplicaViewMiddleware:
    """Runs the views named in ACADEMY_REPLICA_VIEWS ("namespace:name") with their
    reads on the replica, for GET and HEAD only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in {"GET", "HEAD"} or replica_alias() is None:
            return None
        match = getattr(request, "resolver_match", None)
        if match is None or match.view_name not in settings.ACADEMY_REPLICA_VIEWS:
            return None
        with reading_from_replica():
            response = view_func(request, *view_args, **view_kwargs)
            # A TemplateResponse reads its lazy querysets while rendering: here,
            # still on the replica, rather than after this middleware returns.
            if callable(getattr(response, "render", None)) and not getattr(
                response, "is_rendered", True
            ):
                response = response.render()
            return response


__all__ = [
    "ReplicaRouter",
    "ReplicaViewMiddleware",
    "reading_from_replica",
    "replica_alias",
]
