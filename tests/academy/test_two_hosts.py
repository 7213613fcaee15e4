"""Two web hosts, one Academy: two gunicorn instances on different ports sharing
PostgreSQL, Redis (broker and cache) and the object store, with a Celery worker and
beat. A learner signs in on one host, carries on on the other and completes a
course; the worker issues the certificate once; both hosts serve it; a course
published is seen on both; failed sign-ins counted on one host lock the account on
the other (the shared cache).

PostgreSQL only (SQLite is one file on one machine, not a shared database); it runs
in CI's PostgreSQL pass, which also provides Redis (ACADEMY_TEST_BROKER_URL).
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.db import connection
from django.urls import reverse

import pytest
import requests

from certificates.models import Certificate
from tests.factories import PlacementFactory, UserFactory, competency, course, org_unit
from tests.worker import require_broker

ROOT = Path(__file__).resolve().parents[2]
PORTS = (8108, 8208, 8118, 8218, 8128, 8228)
PASSWORD = "correct-horse-42"

pytestmark = pytest.mark.django_db(transaction=True)


def _free_ports(count: int) -> list[int]:
    free = []
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        free.append(port)
        if len(free) == count:
            return free
    raise RuntimeError("no free ports for the two hosts")


class Process:
    """A subprocess whose output is kept (and shown when the test fails)."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]):
        self.name = name
        self.lines: list[str] = []
        self.popen = subprocess.Popen(  # noqa: S603 - fixed arguments
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for line in self.popen.stdout:
            self.lines.append(line)

    def wait_for(self, marker: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(marker in line for line in list(self.lines)):
                return
            if self.popen.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start:\n{self.tail()}")

    def tail(self) -> str:
        return "".join(self.lines[-40:])

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, 15)
            try:
                self.popen.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, 9)
                self.popen.wait(10)


def _environment(broker: str, s3, tmp_path) -> dict[str, str]:
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ACADEMY_", "DJANGO_", "CELERY_", "REDIS_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.two_hosts_settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        ACADEMY_SIGNING_KEY_PASSPHRASE=secrets.token_urlsafe(32),
        ACADEMY_PUBLIC_BASE_URL="https://academy.example.go.th",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker,
        REDIS_URL=broker,
        **s3.environ(),
        PATH=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
    )
    return env


class Browser(requests.Session):
    """One learner's browser; the cookie jar is shared by both hosts (same name)."""

    def csrf(self) -> dict[str, str]:
        return {"X-CSRFToken": self.cookies.get("csrftoken", "")}

    def post_form(self, url: str, data: dict) -> requests.Response:
        return self.post(url, data=data, headers={**self.csrf(), "Referer": url})

    def sign_in(self, host: str, email: str, password: str) -> requests.Response:
        self.get(f"{host}/accounts/login/")
        response = self.post_form(
            f"{host}/accounts/login/", {"login": email, "password": password}
        )
        if "/accounts/privacy/" in response.url:
            response = self.post_form(response.url, {"accept": "on"})
        return response


@pytest.fixture
def scene(standards):
    framework = standards["acd-digital"]
    user = UserFactory(email="somchai@example.go.th", first_name="สมชาย")
    user.set_password(PASSWORD)
    user.save()
    PlacementFactory(unit=org_unit("M09", kind="ministry"), person__user=user)
    governance = course(
        "การกำกับดูแลข้อมูลสองเครื่อง",
        slug="two-hosts-course",
        lessons=3,
        competencies=[(competency(framework, "ACD-GOV-02"), 2)],
        learning_hours=2,
    )
    return user, governance


def test_one_academy_on_two_hosts(scene, s3_server, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "two hosts need a database server both reach: PostgreSQL only "
            "(set DATABASE_URL; CI's PostgreSQL pass runs it)"
        )
    broker = require_broker()
    s3_server.reset()
    user, governance = scene
    env = _environment(broker, s3_server, tmp_path)
    # The operator's step: a signing key under the hosts' own passphrase ("rotate":
    # the test database may hold one the test settings made).
    keys = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "issuer_keys", "rotate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert keys.returncode == 0, keys.stderr[-2000:]
    port_a, port_b = _free_ports(2)
    hosts = {}
    processes = []
    try:
        for name, port in (("a", port_a), ("b", port_b)):
            web = Process(
                f"web-{name}",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    "gunicorn.conf.py",
                    "academy.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                ],
                {**env, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / f"prom-{name}")},
            )
            processes.append(web)
            hosts[name] = f"http://127.0.0.1:{port}"
        worker = Process(
            "worker",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "academy",
                "worker",
                "--pool=solo",
                "-Q",
                "mail,mail_bulk,certificates,reports,default",
                "-n",
                f"two-hosts-{port_a}@%h",
                "-l",
                "INFO",
            ],
            env,
        )
        beat = Process(
            "beat",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "academy",
                "beat",
                "-l",
                "INFO",
                "--schedule",
                str(tmp_path / "celerybeat-schedule"),
            ],
            env,
        )
        processes += [worker, beat]
        for process in processes[:2]:
            process.wait_for("Booting worker")
        worker.wait_for("ready.")
        beat.wait_for("beat: Starting")
        a, b = hosts["a"], hosts["b"]
        for host in (a, b):
            _wait_ready(host)

        browser = Browser()
        # Signed in on A...
        signed_in = browser.sign_in(a, user.email, PASSWORD)
        assert signed_in.status_code == 200, signed_in.text[:500]
        assert "sessionid" in browser.cookies, (signed_in.url, signed_in.text[-1500:])
        # ...recognised on B, which enrols the learner.
        page = browser.get(f"{b}{governance.url}")
        assert page.status_code == 200
        assert f"/learn/courses/{governance.pk}/enrol/" in page.text
        enrolled = browser.post_form(f"{b}/learn/courses/{governance.pk}/enrol/", {})
        assert enrolled.status_code == 200
        # The lessons, one host after the other.
        lessons = list(governance.get_children().live().specific().order_by("path"))
        for index, lesson in enumerate(lessons):
            host = (a, b)[index % 2]
            done = browser.post_form(f"{host}/learn/lessons/{lesson.pk}/complete/", {})
            assert done.status_code == 200, done.text[:300]

        # The worker issues the certificate: once, even when the last lesson is
        # completed again on the other host.
        certificate = _wait_for_certificate(user, worker)
        browser.post_form(f"{a}/learn/lessons/{lessons[-1].pk}/complete/", {})
        time.sleep(3)
        assert Certificate.objects.filter(user=user).count() == 1
        assert any("certificates" in line for line in worker.lines)

        # Both hosts serve the same PDF from the shared object store.
        path = reverse("certificates:my_pdf", args=[certificate.public_id])
        pdfs = [browser.get(f"{host}{path}") for host in (a, b)]
        for pdf in pdfs:
            assert pdf.status_code == 200
            assert pdf.content.startswith(b"%PDF-")
        assert pdfs[0].content == pdfs[1].content
        listing = browser.get(f"{b}/certificates/").text
        assert certificate.number in listing

        # A course published is in both hosts' catalogue at once.
        new = course(
            "หลักสูตรที่เพิ่งเผยแพร่", slug="just-published", lessons=1, publish=False
        )
        catalogue = governance.get_parent().url
        assert all(
            "หลักสูตรที่เพิ่งเผยแพร่" not in browser.get(f"{h}{catalogue}").text
            for h in (a, b)
        )
        new.save_revision().publish()
        for host in (a, b):
            assert "หลักสูตรที่เพิ่งเผยแพร่" in browser.get(f"{host}{catalogue}").text

        # The cache is shared: five failed sign-ins on A lock the account on B.
        other = UserFactory(email="locked@example.go.th")
        other.set_password(PASSWORD)
        other.save()
        stranger = Browser()
        for _attempt in range(5):
            stranger.sign_in(a, other.email, "wrong-password")
        refused = Browser().sign_in(b, other.email, PASSWORD)
        assert "sessionid" not in refused.cookies
        assert refused.status_code in (200, 429)
        assert "/accounts/login/" in refused.url or refused.status_code == 429

        for process in processes:
            assert process.popen.poll() is None, (
                f"{process.name} exited:\n{process.tail()}"
            )
    finally:
        for process in processes:
            process.stop()


def _wait_ready(host: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            response = requests.get(f"{host}/readyz", timeout=5)
            if response.status_code == 200:
                checks = response.json()["checks"]
                assert checks["cache"] == "ok" and checks["broker"] == "ok"
                assert checks["storage:private"] == "ok"
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(
        f"{host} is not ready: {requests.get(f'{host}/readyz', timeout=5).text}"
    )


def _wait_for_certificate(user, worker: Process, timeout: float = 120) -> Certificate:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        certificate = Certificate.objects.filter(user=user).first()
        if certificate is not None and certificate.pdf:
            return certificate
        time.sleep(1)
    raise AssertionError(f"no certificate was issued:\n{worker.tail()}")
