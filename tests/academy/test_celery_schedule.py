"""Every scheduled task names a task the worker knows, on a valid schedule."""

from django.conf import settings

import pytest
from celery.schedules import crontab

from academy.celery import app


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_beat_entry_names_a_registered_task(entry):
    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE[entry]
    assert schedule["task"] in app.tasks, f"{entry}: unknown task {schedule['task']}"
    assert isinstance(schedule["schedule"], crontab | int | float)


def test_the_schedule_covers_what_must_run_unattended():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "certificates.tasks.certificate_issue_missing",
        "competencies.tasks.matrix_snapshots_take",
        "competencies.tasks.matrix_sweep",
        "competencies.tasks.staff_imports_discard_stale",
        "courses.assessments.tasks.attempts_close_expired",
    } <= tasks


def test_redis_redelivery_waits_longer_than_the_longest_task():
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] >= 3600
