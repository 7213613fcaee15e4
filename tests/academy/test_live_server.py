"""The tests' live server (tests/liveserver.py): one request at a time on the
in-memory SQLite database, as many at once as the browser sends on PostgreSQL."""

import threading
import time

import pytest

from tests.liveserver import SerialSQLiteWSGIServer, _OneAtATime, in_memory_sqlite


def _app(log, *, fail=False):
    def application(environ, start_response):
        log.append("start")
        if fail:
            raise RuntimeError("the view failed")
        start_response("200 OK", [("Content-Type", "text/plain")])

        def body():
            time.sleep(0.005)  # the response is still being sent
            yield b"ok"
            log.append("end")

        return body()

    return application


def _serve(application):
    result = application({}, lambda status, headers: None)
    try:
        return b"".join(result)
    finally:
        result.close()


def test_requests_run_one_at_a_time_until_each_response_is_sent():
    log = []
    application = _OneAtATime(_app(log))
    threads = [threading.Thread(target=_serve, args=(application,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert log == ["start", "end"] * 8  # never two starts before an end


def test_a_failing_request_lets_the_next_one_run():
    log = []
    failing = _OneAtATime(_app(log, fail=True))
    with pytest.raises(RuntimeError):
        _serve(failing)
    assert failing.lock.acquire(timeout=1)


def test_a_response_closed_twice_releases_once():
    application = _OneAtATime(_app([]))
    result = application({}, lambda status, headers: None)
    result.close()
    result.close()
    assert application.lock.acquire(timeout=1)
    application.lock.release()


@pytest.mark.django_db(transaction=True)
def test_the_live_server_serialises_only_on_in_memory_sqlite(live_server):
    httpd = live_server.thread.httpd
    assert isinstance(httpd, SerialSQLiteWSGIServer)
    application = httpd.get_app()
    assert isinstance(application, _OneAtATime)
    assert application.serial is in_memory_sqlite


def test_requests_at_once_where_each_connection_is_its_own():
    log = []
    application = _OneAtATime(_app(log), serial=lambda: False)
    first = application({}, lambda status, headers: None)
    second = application({}, lambda status, headers: None)  # not waiting for the first
    assert b"".join(second) == b"".join(first) == b"ok"


def test_the_tests_thread_waits_for_the_request_in_progress(monkeypatch):
    from tests import liveserver

    log = []
    application = _OneAtATime(_app(log))
    monkeypatch.setattr(liveserver, "_serving", [application])
    response = application({}, lambda status, headers: None)  # a request under way

    def test_thread():
        with liveserver.server_idle():
            log.append("test reads")

    thread = threading.Thread(target=test_thread)
    thread.start()
    time.sleep(0.05)
    assert log == ["start"]  # still waiting for the request
    b"".join(response)
    response.close()
    thread.join(timeout=5)
    assert log == ["start", "end", "test reads"]


def test_nothing_waits_where_each_connection_is_its_own(monkeypatch):
    from tests import liveserver

    application = _OneAtATime(_app([]), serial=lambda: False)
    monkeypatch.setattr(liveserver, "_serving", [application])
    application.lock.acquire()  # would block a serialising server
    try:
        with liveserver.server_idle():
            pass
    finally:
        application.lock.release()
