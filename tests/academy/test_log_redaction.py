"""A national ID typed into a search box never reaches an access log or the audit log
in clear: runserver's request log, gunicorn's access log and the audit entry of an
export with its filters."""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.urls import reverse
from django.utils.log import configure_logging

import pytest

from academy.accounts.logging import MASK, redact_national_ids
from academy.accounts.models import AuditEntry
from academy.settings import base
from tests.factories import hr_officer, org_unit, thai_national_id

NATIONAL_ID = thai_national_id(4242)
GROUPED = (
    f"{NATIONAL_ID[0]}-{NATIONAL_ID[1:5]}-{NATIONAL_ID[5:10]}-"
    f"{NATIONAL_ID[10:12]}-{NATIONAL_ID[12]}"
)
SPACED = GROUPED.replace("-", "+")  # a space, as a query string carries it


def _hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


@pytest.mark.parametrize(
    "typed", [NATIONAL_ID, GROUPED, SPACED, GROUPED.replace("-", "%20")]
)
def test_the_one_filter_masks_every_written_form(typed):
    assert (
        redact_national_ids(f"GET /search/?q={typed} 200")
        == f"GET /search/?q={MASK} 200"
    )


def test_thirteen_digits_that_are_no_national_id_are_kept():
    other = NATIONAL_ID[:12] + str((int(NATIONAL_ID[12]) + 1) % 10)
    assert redact_national_ids(f"q={other}") == f"q={other}"


def test_runserver_access_log_masks_a_searched_national_id(capsys):
    """Django's development server writes each request line to `django.server`; with
    the project's LOGGING that handler carries the filter."""
    configure_logging(settings.LOGGING_CONFIG, base.LOGGING)
    try:
        server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
        server.set_app(_hello)
        port = server.server_address[1]
        thread = threading.Thread(target=server.handle_request)
        thread.start()
        for typed in (NATIONAL_ID, SPACED):
            if typed != NATIONAL_ID:
                thread = threading.Thread(target=server.handle_request)
                thread.start()
            urllib.request.urlopen(  # noqa: S310 - loopback test server
                f"http://127.0.0.1:{port}/search/?q={typed}", timeout=10
            ).read()
            thread.join(10)
        server.server_close()
        logged = capsys.readouterr().err
    finally:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    assert "GET /search/?q=" in logged
    assert logged.count(MASK) == 2
    assert NATIONAL_ID not in logged and NATIONAL_ID[1:5] not in logged


def test_every_handler_of_the_project_logging_carries_the_filter():
    for name, handler in base.LOGGING["handlers"].items():
        assert "redact_national_ids" in handler.get("filters", []), name


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_access_log_masks_a_searched_national_id(tmp_path):
    """gunicorn as deployed: the repository's one gunicorn.conf.py (JSON access log
    on stdout)."""
    (tmp_path / "hello_app.py").write_text(
        "def application(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'ok']\n"
    )
    port = _free_port()
    base_dir = Path(settings.BASE_DIR)
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus")}
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(base_dir / "gunicorn.conf.py"),
            "--pythonpath",
            str(tmp_path),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "hello_app:application",
        ],
        cwd=base_dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                for typed in (NATIONAL_ID, SPACED):
                    urllib.request.urlopen(  # noqa: S310 - loopback test server
                        f"http://127.0.0.1:{port}/search/?q={typed}", timeout=5
                    ).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        process.terminate()
        logged, _ = process.communicate(timeout=30)
    assert "GET /search/?q=" in logged
    assert logged.count(MASK) == 2
    assert NATIONAL_ID not in logged and NATIONAL_ID[1:5] not in logged


@pytest.mark.django_db
def test_audit_entry_of_an_export_keeps_its_filters_without_the_national_id(client):
    officer = hr_officer(org_unit("LOG", kind="ministry"))
    client.force_login(officer)
    response = client.get(
        reverse("hr:directory_export", args=["csv"]), {"q": GROUPED, "unit": "LOG"}
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="export")
    assert entry.detail["filters"]["q"] == MASK
    assert entry.detail["filters"]["unit"] == "LOG"
    assert NATIONAL_ID[1:5] not in str(entry.detail)


@pytest.mark.django_db
def test_audit_record_masks_national_ids_in_nested_detail():
    from academy.accounts.audit import audit_record

    entry = audit_record(
        actor=None, action="export", detail={"filters": {"q": [NATIONAL_ID]}, "n": 3}
    )
    entry.refresh_from_db()
    assert entry.detail == {"filters": {"q": [MASK]}, "n": 3}
