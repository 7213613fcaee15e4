"""The deployment files: Procfile, systemd units and compose.yaml run the same commands
for every queue, and the commands start (gunicorn serves the probes with JSON access
logs; a worker and beat come up against Redis)."""

import json
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from django.conf import settings

import pytest
import yaml

from tests.factories import thai_national_id

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD = ROOT / "deploy" / "systemd"
WEB_PORTS = range(8700, 8750)
BROKER = "redis://127.0.0.1:6379/8"
CACHE = "redis://127.0.0.1:6379/10"


def procfile() -> dict[str, str]:
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


def routed_queues() -> set[str]:
    queues = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    return queues | {settings.CELERY_TASK_DEFAULT_QUEUE}


def _queue_of(command: list[str]) -> str:
    return command[command.index("-Q") + 1]


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    """A systemd unit as {section: {key: [values]}} (keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for raw in (SYSTEMD / name).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
        else:
            key, value = line.split("=", 1)
            current.setdefault(key, []).append(value)
    return sections


def test_every_queue_has_a_worker_in_the_procfile():
    workers = [
        shlex.split(command)
        for name, command in procfile().items()
        if name.startswith("worker-")
    ]
    assert sorted(_queue_of(command) for command in workers) == sorted(routed_queues())


def test_the_procfile_has_web_beat_and_release():
    entries = procfile()
    assert entries["web"] == "gunicorn -c gunicorn.conf.py academy.wsgi"
    assert "celery -A academy beat" in entries["beat"]
    assert "migrate --noinput" in entries["release"]


def test_systemd_units_run_the_procfile_commands():
    entries = procfile()
    web = unit("academy-web.service")["Service"]["ExecStart"][0]
    beat = unit("academy-beat.service")["Service"]["ExecStart"][0]
    worker = unit("academy-worker@.service")["Service"]["ExecStart"][0]

    assert web == "/opt/academy/.venv/bin/" + entries["web"]
    assert beat.startswith("/opt/academy/.venv/bin/celery -A academy beat")
    assert shlex.split(worker)[1:6] == ["-A", "academy", "worker", "-Q", "%i"]
    for name in (
        "academy-web.service",
        "academy-beat.service",
        "academy-worker@.service",
    ):
        service = unit(name)["Service"]
        assert service["User"] == ["academy"]
        assert "/etc/academy/academy.env" in service["EnvironmentFile"]
        assert service["Environment"] == [
            "DJANGO_SETTINGS_MODULE=academy.settings.production"
        ]


def test_compose_runs_the_engines_and_a_worker_per_queue():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "minio", "web", "beat", "release"} <= set(services)
    queues = sorted(
        _queue_of(service["command"])
        for name, service in services.items()
        if name.startswith("worker-")
    )
    assert queues == sorted(routed_queues())
    for name, command in procfile().items():
        if name.startswith("worker-") or name == "web":
            assert services[name]["command"] == shlex.split(command)


def _free_port() -> int:
    for port in WEB_PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8700-8749")


def _redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(
    not _redis_available() and not os.environ.get("ACADEMY_REQUIRE_SERVICES"),
    reason="Redis is not running on 127.0.0.1:6379",
)


def _production_env(tmp_path, **extra) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ACADEMY_", "DJANGO_", "CELERY_", "REDIS_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="academy.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        ACADEMY_PUBLIC_BASE_URL="https://academy.example.go.th",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        CELERY_BROKER_URL=BROKER,
        REDIS_URL=CACHE,
        ACADEMY_FILESYSTEM_MEDIA="1",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        ACADEMY_METRICS_TOKEN="deploy-test-token",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"),
        PATH=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        **extra,
    )
    return env


def _get(url: str, **headers) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
    return output


@needs_redis
def test_the_procfile_web_command_serves_probes_and_metrics(tmp_path):
    port = _free_port()
    env = _production_env(
        tmp_path, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2"
    )
    process = subprocess.Popen(
        shlex.split(procfile()["web"]),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    national_id = thai_national_id(90210)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        ready_status, ready = _get(f"http://127.0.0.1:{port}/readyz")
        _get(
            f"http://127.0.0.1:{port}/healthz?q={national_id}",
            **{"X-Request-ID": "probe-1"},
        )
        metrics_status, metrics = _get(
            f"http://127.0.0.1:{port}/metrics",
            Authorization="Bearer deploy-test-token",
        )
    finally:
        output = _stop(process)

    assert (status, json.loads(body)) == (200, {"status": "alive"})
    assert ready_status == 200, ready
    assert json.loads(ready)["checks"]["broker"] == "ok"
    assert metrics_status == 200
    assert b'academy_http_requests_total{method="GET",route="/healthz"' in metrics
    access = [
        json.loads(line)
        for line in output.splitlines()
        if line.startswith("{") and "probe-1" in line
    ]
    assert access and "x-xxxx-xxxxx-xx-x" in access[0]["message"]
    assert national_id not in output


def _start_until(command: list[str], env: dict, marker: str) -> str:
    """Start a Procfile command, wait for `marker` in its output, stop it."""
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if any(marker in line for line in list(lines)):
                break
            time.sleep(0.2)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        reader.join(timeout=5)
    return "".join(lines)


@needs_redis
def test_the_procfile_mail_worker_starts_on_its_queue(tmp_path):
    output = _start_until(
        shlex.split(procfile()["worker-mail"]), _production_env(tmp_path), "ready."
    )
    assert "ready." in output
    assert ".> mail " in output


@needs_redis
def test_the_procfile_beat_starts(tmp_path):
    command = shlex.split(procfile()["beat"])
    command[command.index("--schedule") + 1] = str(tmp_path / "beat-schedule")
    output = _start_until(command, _production_env(tmp_path), "beat: Starting")
    assert "beat: Starting" in output


def _gunicorn_settings(monkeypatch, tmp_path, **environ) -> dict:
    """gunicorn.conf.py's values as gunicorn reads them, under `environ` (its
    PROMETHEUS_MULTIPROC_DIR default kept out of this process's environment)."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    path = ROOT / "gunicorn.conf.py"
    namespace = {"__file__": str(path), "__name__": "__config__"}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # noqa: S102
    return namespace


def test_gunicorn_preloads_the_application_unless_told_not_to(monkeypatch, tmp_path):
    """Workers are forks of a master that imported the Academy once: a recycled
    worker (every ~2,000 requests) does not pay the import again."""
    settings = _gunicorn_settings(monkeypatch, tmp_path)
    assert settings["preload_app"] is True
    assert settings["max_requests"] == 2000
    off = _gunicorn_settings(monkeypatch, tmp_path, GUNICORN_PRELOAD="0")
    assert off["preload_app"] is False
