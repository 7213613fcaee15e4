"""A real Celery worker in a subprocess, for tests that must cross a real broker."""

import os
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

BROKER_URL = os.environ.get("ACADEMY_TEST_BROKER_URL", "")
ROOT = Path(__file__).resolve().parent.parent


def require_broker() -> str:
    """The broker URL, or skip (fail when CI says services are required)."""
    if BROKER_URL:
        return BROKER_URL
    message = (
        "real-worker test: set ACADEMY_TEST_BROKER_URL=redis://127.0.0.1:6379/15 "
        "to run it against Redis"
    )
    if os.environ.get("ACADEMY_REQUIRE_SERVICES"):
        pytest.fail(message)
    pytest.skip(message)


class WorkerProcess:
    def __init__(self, *, queue: str, env: dict[str, str]):
        self.queue = queue
        self.env = env
        self.output: list[str] = []
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "academy",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}@%h",
                "-l",
                "INFO",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any("ready." in line for line in self.output):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("worker did not start:\n" + "".join(self.output[-40:]))

    def _drain(self) -> None:
        assert self.process and self.process.stdout
        for line in self.process.stdout:
            self.output.append(line)

    def kill(self) -> None:
        """SIGKILL, as when a worker host dies mid-task."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def worker_database_url() -> str:
    """The PostgreSQL database pytest-django created (test_<name>), for a worker process
    to use; skips on SQLite, whose in-memory test database no other process can see."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "the worker runs in another process and cannot see the in-memory SQLite "
            "test database: run with DATABASE_URL=postgres://... to include it"
        )
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}{port}/{db['NAME']}"


def wait_for(condition, *, timeout: float, worker: WorkerProcess, what: str):
    """Poll `condition` until it returns something true; fail with the worker's output."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(
        f"timed out waiting for {what}; worker output:\n" + "".join(worker.output[-40:])
    )


def reset_connection_pools(app) -> None:
    """Forget the Celery app's cached broker connections.

    A task sent earlier in the session (eagerly, with no broker configured) makes the
    app cache a producer pool for the broker of that moment; switching broker_url
    afterwards would still publish through it, to nowhere.
    """
    app._pool = None
    if "amqp" in app.__dict__:
        app.__dict__["amqp"]._producer_pool = None


@contextmanager
def real_worker(*, extra_env: dict[str, str] | None = None):
    """Start a worker on a private queue and point this process's Celery app at it."""
    from academy.celery import app

    broker_url = require_broker()
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "academy.settings.test",
        "CELERY_BROKER_URL": broker_url,
        "ACADEMY_WORKER_QUEUE": queue,
        **(extra_env or {}),
    }
    previous = {
        key: app.conf[key]
        for key in (
            "broker_url",
            "task_always_eager",
            "task_default_queue",
            "task_routes",
        )
    }
    app.conf.update(
        broker_url=broker_url,
        task_always_eager=False,
        task_default_queue=queue,
        task_routes={"*": {"queue": queue}},
    )
    reset_connection_pools(app)
    worker = WorkerProcess(queue=queue, env=env)
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        app.conf.update(previous)
        reset_connection_pools(app)
