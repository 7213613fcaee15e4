"""Reading what the live server recorded, from the test's own thread."""

import time

from django.db import OperationalError


def recorded(condition, *, timeout: float = 60.0):
    """Poll `condition` (a database read) until it returns something true; return it.

    SQLite's shared-cache in-memory database refuses a read while the live server's
    thread writes ("table is locked"): that read counts as not yet."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except OperationalError:
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the server to record the commit")
