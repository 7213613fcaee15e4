"""Queues and limits: each task on its queue, each with a time limit that ends before
Redis would hand it to a second worker; production refuses in-process tasks."""

import ast
import fnmatch
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core import mail

import pytest

from academy.celery import app
from academy.core.services import email_queue

ROOT = Path(__file__).resolve().parents[2]


def _queue(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def _project_tasks() -> list[str]:
    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if not name.startswith("celery."))


@pytest.mark.parametrize(
    ("task_name", "queue"),
    [
        ("academy.core.tasks.send_email", "mail"),
        ("academy.core.tasks.send_email_bulk", "mail_bulk"),
        ("certificates.tasks.certificate_issue", "certificates"),
        ("competencies.tasks.staff_import_apply", "reports"),
        ("competencies.tasks.matrix_rollups_build", "reports"),
        ("competencies.tasks.matrix_sweep", "reports"),
        ("courses.assessments.tasks.attempts_close_expired", "default"),
    ],
)
def test_each_task_goes_to_its_queue(task_name, queue):
    assert _queue(task_name) == queue


@pytest.mark.parametrize("task_name", _project_tasks())
def test_every_task_ends_before_redis_would_redeliver_it(task_name):
    task = app.tasks[task_name]
    hard = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
    soft = task.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert (
        0 < soft < hard < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    )


def test_long_imports_get_an_hour():
    assert app.tasks["competencies.tasks.staff_import_apply"].time_limit == 3600


def test_staff_imports_never_share_a_queue_with_sign_in_mail():
    sign_in_mail = _queue("academy.core.tasks.send_email")
    imports = [name for name in _project_tasks() if ".staff_import" in name]

    assert imports
    assert {_queue(name) for name in imports}.isdisjoint({sign_in_mail})


def test_every_route_sends_some_task():
    """A route whose pattern matches no task is dead (a renamed task left it behind)."""
    tasks = _project_tasks()
    dead = [
        pattern
        for pattern in settings.CELERY_TASK_ROUTES
        if not fnmatch.filter(tasks, pattern)
    ]
    assert dead == []


def _module_level_imports(path: Path) -> set[str]:
    """Modules a file imports at module level, relative ones resolved to the package."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = (
                    package.rsplit(".", node.level - 1)[0]
                    if node.level > 1
                    else package
                )
                base = f"{parent}.{base}" if base else parent
            names |= {f"{base}.{alias.name}" for alias in node.names} | {base}
    return names


TASK_MODULES = sorted(
    path
    for app in ("academy", "competencies", "courses", "certificates")
    for path in (ROOT / app).rglob("tasks.py")
)


@pytest.mark.parametrize(
    "path", TASK_MODULES, ids=[str(path.relative_to(ROOT)) for path in TASK_MODULES]
)
def test_tasks_import_services_only_in_their_bodies(path):
    """Services import their tasks at module level (to queue them), so a task module
    that imported services at module level would make a cycle: tasks import services
    inside the task body instead."""
    assert not [
        name
        for name in _module_level_imports(path)
        if name.endswith(".services") or ".services." in name
    ]


@pytest.mark.django_db
def test_sign_in_mail_is_urgent_and_batches_are_not(
    monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    for name in ("send_email", "send_email_bulk"):
        task = app.tasks[f"academy.core.tasks.{name}"]
        monkeypatch.setattr(task, "delay", lambda name=name, **kw: sent.append(name))
    message = mail.EmailMessage("s", "b", "from@example.go.th", ["to@example.go.th"])

    with django_capture_on_commit_callbacks(execute=True):
        email_queue(message=message, urgent=True)
        email_queue(message=message)

    assert sent == ["send_email", "send_email_bulk"]


def _start_production(**overrides) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ACADEMY_", "DJANGO_", "CELERY_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="academy.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        ACADEMY_PUBLIC_BASE_URL="https://academy.example.go.th",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/8",
        REDIS_URL="redis://127.0.0.1:6379/10",
        ACADEMY_FILESYSTEM_MEDIA="1",
    )
    env.update(overrides)
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_broker():
    completed = _start_production(CELERY_BROKER_URL=None)
    assert completed.returncode != 0
    assert "CELERY_BROKER_URL must be set in production" in completed.stderr


def test_production_refuses_to_start_without_a_shared_cache():
    completed = _start_production(REDIS_URL=None)
    assert completed.returncode != 0
    assert "REDIS_URL must be set in production" in completed.stderr


def test_interleaved_eager_tasks_leave_celerys_join_flag_up():
    """Why tests/conftest.py lowers the flag before every test: two eager tasks that
    overlap in two threads restore each other's values, and the flag stays raised."""
    from celery.result import _set_task_join_will_block, denied_join_result
    from celery.result import task_join_will_block as join_will_block

    first, second = denied_join_result(), denied_join_result()
    try:
        first.__enter__()
        second.__enter__()
        first.__exit__(None, None, None)
        second.__exit__(None, None, None)
        assert join_will_block()
    finally:
        _set_task_join_will_block(False)
