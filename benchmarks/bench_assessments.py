"""Timings of assessment grading: 200 simultaneous attempts' submissions. Figures only.

Each of 200 learners starts an attempt of a 20-question placement assessment; then
all 200 submissions are released at once to a pool of 32 worker threads, as a web
server's workers would take them (each submission locks its attempt, grades it from
the stored snapshot, records evidence), or one after another on SQLite,
which serialises writers. Prints the wall time and the time per submission (median,
95th percentile).

`run(stdout=...)` is the entry point (`manage.py run_benchmarks --assessments`);
`python -m benchmarks.bench_assessments` migrates the database named by
DATABASE_URL (its name must contain "bench") and runs it.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import threading
import time
import uuid
from typing import TextIO

ATTEMPTS = 200
QUESTIONS = 20
#: Worker threads, each with its database connection (PostgreSQL allows ~100).
WORKERS = 32


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def _ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"


def _scene(attempts: int):
    from django.contrib.auth import get_user_model

    from competencies.models import Competency, Framework
    from competencies.services import standards_load
    from courses.assessments.services import attempt_start
    from courses.models import (
        Assessment,
        AssessmentRule,
        Question,
        QuestionBank,
        QuestionOption,
    )

    if not Framework.objects.filter(code="acd-digital").exists():
        standards_load()
    framework = Framework.objects.get(code="acd-digital", status="active")
    competency = Competency.objects.get(framework=framework, code="ACD-GOV-02")
    tag = uuid.uuid4().hex[:8]
    bank = QuestionBank.objects.create(
        code=f"bench-{tag}", title="Benchmark bank", framework=framework
    )
    levels = {level.rank: level for level in framework.scale.levels.all()}
    for n in range(QUESTIONS):
        question = Question.objects.create(
            bank=bank,
            external_id=f"B{n}",
            kind="single",
            competency=competency,
            level=levels[1 + n % 3],
            prompt=f"คำถามทดสอบประสิทธิภาพข้อที่ {n}",
            explanation="คำอธิบาย",
        )
        QuestionOption.objects.bulk_create(
            QuestionOption(
                question=question, sort_order=i, text=f"ตัวเลือก {i}", is_correct=i == 0
            )
            for i in range(4)
        )
    assessment = Assessment.objects.create(
        title="แบบวัดระดับ (benchmark)",
        kind=Assessment.Kind.PLACEMENT,
        area=competency.parent,
        is_published=True,
    )
    AssessmentRule.objects.create(
        assessment=assessment, bank=bank, competency=competency, count=QUESTIONS
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(email=f"bench-{tag}-{n}@example.go.th")
        for n in range(attempts)
    )
    return [attempt_start(user=user, assessment=assessment) for user in users]


def _responses(attempt, n: int) -> dict:
    """About two thirds right, varying by learner, so levels and scores spread."""
    from courses.questions import QuestionSnapshot

    responses = {}
    for index, data in enumerate(attempt.questions):
        snapshot = QuestionSnapshot.from_dict(data)
        right = (index + n) % 3 != 0
        responses[snapshot.id] = (
            snapshot.key.correct
            if right
            else next(o.id for o in snapshot.options if o.id != snapshot.key.correct)
        )
    return responses


def run(*, stdout: TextIO, attempts: int = ATTEMPTS, workers: int = WORKERS) -> dict:
    from django.db import connection, connections

    from courses.assessments.services import attempt_submit
    from courses.models import Attempt

    stdout.write(
        f"Assessments: {attempts} attempts of {QUESTIONS} questions submitted at once\n"
    )
    started = _scene(attempts)
    work = [(attempt, _responses(attempt, n)) for n, attempt in enumerate(started)]
    seconds: list[float] = [0.0] * len(work)
    errors: list[Exception] = []
    threaded = connection.vendor == "postgresql"

    def submit(position: int) -> None:
        attempt, responses = work[position]
        begun = time.perf_counter()
        attempt_submit(attempt=attempt, responses=responses)
        seconds[position] = time.perf_counter() - begun

    wall = time.perf_counter()
    if threaded:
        # All submissions are released at once onto a pool of workers, as a web
        # server's worker threads would take them (one database connection each).
        from concurrent.futures import ThreadPoolExecutor

        barrier = threading.Barrier(workers)

        def in_worker(position: int) -> None:
            try:
                submit(position)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        def warm(_n: int) -> None:
            barrier.wait(timeout=60)  # every worker connected before the clock runs

        with ThreadPoolExecutor(max_workers=workers, initializer=lambda: None) as pool:
            list(pool.map(warm, range(workers)))
            wall = time.perf_counter()
            list(pool.map(in_worker, range(len(work))))
            pool.map(lambda _n: connections.close_all(), range(workers))
    else:
        for position in range(len(work)):
            submit(position)
    wall = time.perf_counter() - wall
    if errors:
        raise errors[0]
    graded = Attempt.objects.filter(
        pk__in=[attempt.pk for attempt in started], status=Attempt.Status.SUBMITTED
    ).count()
    mode = (
        f"released at once to {workers} worker threads"
        if threaded
        else "one after another (SQLite)"
    )
    stdout.write(
        f"  {graded} graded, {mode}, in {wall:.2f} s: "
        f"{wall / len(work) * 1000:.1f} ms per submission of wall time\n"
        f"  per submission: median {_ms(statistics.median(seconds))}, "
        f"p95 {_ms(_p95(seconds))}, max {_ms(max(seconds))}\n"
    )
    return {
        "attempts": len(work),
        "graded": graded,
        "wall_s": wall,
        "median_s": statistics.median(seconds),
        "p95_s": _p95(seconds),
        "threaded": threaded,
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from benchmarks.bench_certificates import _ensure_postgres_database

    if "bench" not in str(connection.settings_dict["NAME"]):
        raise SystemExit(
            "Point DATABASE_URL at a benchmark database (its name must contain "
            "'bench'): the benchmark writes learners and attempts to it."
        )
    if connection.vendor == "postgresql":
        _ensure_postgres_database(connection.settings_dict)
    call_command("migrate", verbosity=0, interactive=False)
    run(stdout=sys.stdout)


if __name__ == "__main__":
    main()
