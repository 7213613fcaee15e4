"""Reading what the live server recorded, from the test's own thread."""

import time

from django.db import OperationalError

from tests.liveserver import server_idle


def recorded(condition, *, timeout: float = 60.0):
    """Poll `condition` (a database read) until it returns something true; return it.

    Each read waits for the live server to be between requests (SQLite's shared-cache
    in-memory database refuses a read while another connection writes: "table is
    locked"); a read refused all the same counts as not yet."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with server_idle():
                value = condition()
        except OperationalError:
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the server to record the commit")
