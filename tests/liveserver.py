"""pytest-django's live server, one request at a time on an in-memory SQLite database.

The SQLite test database lives in memory, in "shared cache" mode, so that the live
server's threads (each with a connection of its own) see the test's rows. Shared
cache locks whole tables, and a connection that meets another's lock fails at once
with "database table is locked": SQLite's busy timeout does not apply. A browser
sends requests at once (a SCORM lesson's commit while its package's files load, two
frames of one page), so a request failed now and then, and with it a journey; the
lesson page's retries did not always outlast it.

Here the server's threads still accept connections and read requests (an idle
keep-alive connection blocks nobody), but the application runs one request at a
time, until its response has been sent, as SQLite runs one writer at a time anyway.
On PostgreSQL the server is Django's as it is. The test's own thread meets the same
locks when it reads or writes while a request runs: `server_idle()` holds the server's
turn for it (tests.e2e.live.recorded and the journeys' sign-in use it).
"""

import os
import threading
from contextlib import contextmanager

from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections

import pytest


class _OneAtATime:
    """A WSGI application that runs `application` for one request at a time while
    `serial()` holds (asked at each request: the server may start before the test
    database exists): the lock is held from the call until the server closes the
    response."""

    def __init__(self, application, serial=lambda: True):
        self.application = application
        self.serial = serial
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if not self.serial():
            return self.application(environ, start_response)
        self.lock.acquire()
        try:
            result = self.application(environ, start_response)
        except BaseException:
            self.lock.release()
            raise
        return _ReleasedOnClose(result, self.lock)


class _ReleasedOnClose:
    """The response's iterable; closing it (the server always does, after sending
    or on an error) releases the lock."""

    def __init__(self, result, lock):
        self.result = result
        self.lock = lock
        self.released = False

    def __iter__(self):
        return iter(self.result)

    def close(self):
        try:
            if hasattr(self.result, "close"):
                self.result.close()
        finally:
            if not self.released:
                self.released = True
                self.lock.release()


def in_memory_sqlite() -> bool:
    return any(
        connection.vendor == "sqlite" and connection.is_in_memory_db()
        for connection in connections.all()
    )


_serving: list[_OneAtATime] = []  # the live server's application, once it started


@contextmanager
def server_idle():
    """Run the block while the live server runs no request (on in-memory SQLite; on
    PostgreSQL at once): the test's own reads and writes then meet no table lock.
    Never drive the browser inside it: its requests would wait for the block."""
    application = _serving[-1] if _serving else None
    if application is None or not application.serial():
        yield
        return
    with application.lock:
        yield


class SerialSQLiteWSGIServer(ThreadedWSGIServer):
    def set_app(self, application):
        serving = _OneAtATime(application, serial=in_memory_sqlite)
        _serving.append(serving)
        super().set_app(serving)


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's `live_server`, served by SerialSQLiteWSGIServer."""
    from pytest_django.live_server_helper import LiveServer

    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    server.thread.server_class = SerialSQLiteWSGIServer
    server.start()
    yield server
    server.stop()
