"""Process-level caches of reference data: what many requests read and few writes
change (the standards, the Wagtail Site, the catalogue's index of courses).

Each cache keeps its value in the process's memory, under a *version* held in the
shared cache (Redis in production, so every gunicorn worker and host agrees). A
write that changes the data bumps the version: at once, and again when the
transaction commits (a worker may have rebuilt from the data before the commit in
between). Every read asks the shared cache for the version, one round trip, and
rebuilds from the database when it differs from the one its value was built under.

A process that bumped a version inside a transaction does not keep what it rebuilds
until that transaction ends: were it rolled back, it would otherwise hold rows that
never existed, under the current version.

ACADEMY_REFERENCE_CACHE = False turns every such cache off (each read then builds).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

logger = logging.getLogger(__name__)

VERSION_KEY = "academy:ref:{name}:version"

_registry: list[ReferenceCache] = []


def enabled() -> bool:
    return bool(getattr(settings, "ACADEMY_REFERENCE_CACHE", True))


def in_transaction() -> bool:
    """Inside a transaction that may yet roll back. A test case's own wrapping
    transaction does not count (Django marks it `_from_testcase`, as its durable
    check does): tests stand for autocommit, as requests run."""
    return any(
        not getattr(block, "_from_testcase", False)
        for block in connection.atomic_blocks
    )


def shared_version(key: str) -> str:
    """The version stored under `key` in the shared cache, made on first use."""
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key)
    return version


class ReferenceCache:
    """Values built by `build(key)`, kept in this process while the version holds.

    `version_key` names the shared version; caches may share one (the page cache's
    content version covers the Site and the catalogue)."""

    def __init__(
        self,
        name: str,
        build: Callable[[Hashable], Any],
        *,
        version_key: str = "",
        max_entries: int = 100,
    ):
        self.name = name
        #: Keys kept per version, least recently used out first: a key taken from a
        #: request (a Host header, a path) cannot grow the process without bound,
        #: and keys nobody asks for again (a scan of junk paths) cannot keep the
        #: ones visitors use out of the cache until the next version.
        self.max_entries = max_entries
        self.build = build
        self.version_key = version_key or VERSION_KEY.format(name=name)
        self._version: str | None = None
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._pending = threading.local()
        _registry.append(self)

    def __repr__(self) -> str:
        return f"<ReferenceCache {self.name}>"

    def get(self, key: Hashable = None) -> Any:
        if not enabled():
            return self.build(key)
        try:
            version = shared_version(self.version_key)
        except Exception:  # the shared cache is down: read the database
            logger.warning("reference cache %s unavailable", self.name, exc_info=True)
            return self.build(key)
        with self._lock:
            if self._version == version and key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = self.build(key)
        if self._bumped_in_open_transaction():
            return value
        with self._lock:
            if self._version != version:
                self._version, self._values = version, OrderedDict()
            self._values[key] = value
            while len(self._values) > self.max_entries:
                self._values.popitem(last=False)
        return value

    def bump(self, *args, **kwargs) -> None:
        """A new version, now and on commit; takes any arguments, so it connects to
        signals as it is."""
        self._new_version()
        pending_mark(self.version_key)  # every cache under this version
        if connection.in_atomic_block:
            transaction.on_commit(self._new_version)

    def clear(self) -> None:
        """Forget this process's values (tests start each from the database)."""
        with self._lock:
            self._version, self._values = None, OrderedDict()
        self._pending.value = False

    def _new_version(self) -> None:
        with self._lock:
            self._version, self._values = None, OrderedDict()
        try:
            cache.set(self.version_key, uuid.uuid4().hex, timeout=None)
        except Exception:
            logger.warning("reference cache %s not bumped", self.name, exc_info=True)

    def _bumped_in_open_transaction(self) -> bool:
        if not getattr(self._pending, "value", False):
            return False
        if in_transaction():
            return True
        self._pending.value = False  # committed (and bumped again) or rolled back
        return False


def pending_mark(version_key: str) -> None:
    """`version_key` was bumped by someone else's code inside a transaction: the
    caches under it keep nothing until that transaction ends."""
    if in_transaction():
        for item in _registry:
            if item.version_key == version_key:
                item._pending.value = True


def reference_caches_clear() -> None:
    for item in _registry:
        item.clear()


def models_bumping(reference: ReferenceCache, *models, uid: str) -> None:
    """Saving or deleting any of `models` bumps `reference`'s version."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(
                reference.bump,
                sender=model,
                dispatch_uid=f"academy-ref-{uid}-{model._meta.label_lower}-"
                f"{signal is post_save}",
                weak=False,
            )
