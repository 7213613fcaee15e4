"""The load benchmark's locustfile runs: five simulated learners for a few seconds
against the live test server sign in and open their pages without a failure.
A smoke test of the benchmark's plumbing, not a measurement."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.bench_load import format_stats, read_stats
from courses.services import enrolment_create
from tests.courses.assessment_helpers import make_assessment, make_bank, single
from tests.factories import UserFactory, competency, course
from tests.signin import accept_privacy_notice

LOCUSTFILE = Path(__file__).resolve().parents[2] / "benchmarks" / "locustfile.py"
PASSWORD = "smoke-Test-password-42"


@pytest.mark.django_db(transaction=True)
def test_five_learners_sign_in_and_read_without_failures(
    live_server, framework_academy, tmp_path
):
    page = course("หลักสูตรทดสอบโหลด", slug="load", lessons=2)
    gov02 = competency(framework_academy, "ACD-GOV-02")
    bank = make_bank(framework_academy, code="load")
    for number in range(3):
        single(bank, gov02, 1, f"L{number}")
    quiz = make_assessment(rules=[(bank, gov02, 2)], area=gov02.parent)
    emails = []
    for number in range(5):
        user = UserFactory(email=f"load-{number}@example.go.th", password=PASSWORD)
        accept_privacy_notice(user)
        enrolment_create(user=user, course=page)
        emails.append(user.email)
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "password": PASSWORD,
                "learners": emails,
                "lessons": [child.url for child in page.get_children()],
                "assessment": f"/learn/assessments/{quiz.pk}/",
            }
        )
    )
    prefix = str(tmp_path / "smoke")
    signin = tmp_path / "signin.json"
    pages = tmp_path / "pages.json"

    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--host",
            live_server.url,
            "--users",
            "5",
            # One learner a second: SQLite's shared in-memory test database locks
            # on simultaneous sign-ins (PostgreSQL, in the benchmark, does not).
            "--spawn-rate",
            "1",
            "--run-time",
            "14s",
            "--csv",
            prefix,
            "--only-summary",
            "--exit-code-on-error",
            "0",
        ],
        env={
            **os.environ,
            "ACADEMY_LOAD_PLAN": str(plan),
            "ACADEMY_LOAD_SIGNIN": str(signin),
            "ACADEMY_LOAD_SECONDS": "5",
            "ACADEMY_LOAD_PAGES": str(pages),
            # The live server runs in this process: its CPU stands for the server's.
            "ACADEMY_LOAD_SERVER_PID": str(os.getpid()),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    # Everyone signs in once (reported apart), then the pages phase's statistics start.
    signed_in = json.loads(signin.read_text())
    assert (signed_in["count"], signed_in["failures"]) == (5, 0)
    rows = {row["Name"]: row for row in read_stats(prefix)}
    assert (
        "sign in (post)" not in rows or rows["sign in (post)"]["Request Count"] == "0"
    )
    for name in (
        "dashboard",
        "lesson",
        "quiz (overview)",
        "quiz (start)",  # a redirect to the attempt, not followed
        "quiz (page)",
        "quiz (save)",
    ):
        if name in rows:
            assert rows[name]["Failure Count"] == "0", format_stats(list(rows.values()))
    assert int(rows["Aggregated"]["Request Count"]) >= 3
    # The pages phase's CPU, read from /proc at its start and end, and its requests.
    phase = json.loads(pages.read_text())
    assert phase["requests"] >= 3
    assert phase["failures"] == 0
    assert phase["cpu_seconds"]["locust"] > 0
    assert phase["cpu_seconds"]["server"] > 0
    assert phase["cpu_seconds"]["celery"] is None  # no worker named
    assert 4 <= phase["cpu_seconds"]["clock"] < 8
