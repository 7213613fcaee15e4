"""Load: simulated learners (sign in, dashboard, lesson, quiz) against two gunicorn
workers, with locust. Figures (p95 per request kind, failures), never pass/fail.

Each learner signs in once and keeps its session (benchmarks/locustfile.py): the
sign-in phase (every learner signing in, the password checked by the production
hasher, PBKDF2) is reported on its own, then the pages phase (`--seconds` of
browsing once everyone is in) in the table, every request of it in the p95.

Learners arrive at SPAWN_RATE a second: a class of 200 signing in over 100 seconds,
not in one instant. Each sign-in costs the server about a third of a
second of CPU (PBKDF2, 1,000,000 iterations, as in production), so two workers on
two shared cores hash about three a second; ten a second (the earlier default)
queued sign-ins for most of a minute. The rate is printed with the results.

    python -m benchmarks.bench_load [--users 200] [--seconds 90] [--spawn-rate 2]

The server is bench_pages' (production settings under benchmarks.settings, the same
benchmark database, prepared idempotently), with two loopback-only differences, both
stated in the output: the session and CSRF cookies are not marked Secure (the load
comes over http://127.0.0.1), and 127.0.0.1 is a trusted proxy, so each simulated
learner signs in from its own X-Forwarded-For address instead of all 200 sharing the
sign-in rate limit of one address. The learners are prepared in the benchmark
database: each enrolled in three courses, with the privacy notice accepted.

Production settings queue tasks on the broker (CELERY_BROKER_URL; never run eagerly
in a request), and a learner's first view of a lesson is recorded by one. A Celery
worker (one process, --pool solo, on every queue the settings route to) consumes
them for the whole run, as in production; its CPU is printed with the server's.
Without it the views were never recorded, so every later view queued its task again
and the dashboard never changed.

CPU per request of the pages phase, from /proc at its start and end: the server's
(gunicorn's master and every worker it had: workers are recycled after
max_requests, and a recycled worker's CPU is counted through its master), the Celery
worker's, and locust's own (the load generator shares the two cores). PostgreSQL's
is in none of them.
"""

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

from benchmarks import bench_pages

LEARNER_PREFIX = "bench-load-"
LEARNER_DOMAIN = "example.go.th"
PASSWORD = "bench-load-" + "Pw9!" * 4
PREPARED = "BENCH-LOAD-PREPARED "
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
COURSES = ("DGA-101", "GOV-202", "DATA-302")
#: Learners starting (signing in) per second.
SPAWN_RATE = 2


def load_environment(*, database_url: str, static_root: str) -> dict[str, str]:
    env = bench_pages.bench_environment(
        database_url=database_url, static_root=static_root
    )
    env.update(
        ACADEMY_BENCH_INSECURE_COOKIES="1",
        ACADEMY_TRUSTED_PROXIES="127.0.0.1/32",
    )
    return env


def prepare_learners(count: int) -> dict:
    """(Child process) the benchmark database with `count` learners; the plan."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from courses.models import Assessment, Attempt, CoursePage, LessonPage
    from courses.services import enrolment_create
    from demo.assessments import assessments_seed
    from tests.signin import accept_privacy_notice

    bench_pages.prepare_database()  # migrated, standards, the demo catalogue
    if not Assessment.objects.filter(kind=Assessment.Kind.PLACEMENT).exists():
        assessments_seed()
    users = get_user_model().objects
    courses = [CoursePage.objects.get(code=code) for code in COURSES]
    emails = []
    for number in range(count):
        email = f"{LEARNER_PREFIX}{number:04d}@{LEARNER_DOMAIN}"
        emails.append(email)
        if users.filter(email=email).exists():
            continue
        with transaction.atomic():
            user = users.create_user(
                email=email,
                password=PASSWORD,
                first_name="ผู้เรียน",
                last_name=f"ทดสอบ {number}",
            )
            accept_privacy_notice(user)
            for course in courses:
                enrolment_create(user=user, course=course)
    # Each run starts every learner before the placement quiz, as the first did: its
    # attempts are limited, and learners who used them up in earlier runs of this
    # database would have every start refused (counted as failures).
    Attempt.objects.filter(
        user__email__startswith=LEARNER_PREFIX, user__email__endswith=LEARNER_DOMAIN
    ).delete()
    lessons = [
        lesson.url
        for course in courses
        for lesson in LessonPage.objects.live().child_of(course).order_by("path")[:2]
    ]
    placement = Assessment.objects.filter(kind=Assessment.Kind.PLACEMENT).first()
    return {
        "password": PASSWORD,
        "learners": emails,
        "lessons": lessons,
        "assessment": f"/learn/assessments/{placement.pk}/",
        "queues": celery_queues(),
    }


def celery_queues() -> list[str]:
    """(Child process) every queue the settings send a task to."""
    from django.conf import settings

    routes = getattr(settings, "CELERY_TASK_ROUTES", {}) or {}
    queues = {settings.CELERY_TASK_DEFAULT_QUEUE}
    queues |= {route["queue"] for route in routes.values() if "queue" in route}
    return sorted(queues)


def celery_start(
    env: dict[str, str], queues: list[str], logfile: str
) -> subprocess.Popen:
    """One Celery worker process (--pool solo) on `queues`, logging to `logfile`."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "academy",
            "worker",
            "-Q",
            ",".join(queues),
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "-n",
            f"bench-load-{os.getpid()}@%h",
            "-l",
            "INFO",
            "--logfile",
            logfile,
        ],
        cwd=bench_pages.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def celery_wait(process: subprocess.Popen, logfile: str, *, timeout: float) -> None:
    """Until the worker logs that it is ready (consuming)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited:\n{_read(logfile)}")
        if " ready." in _read(logfile):
            return
        time.sleep(0.3)
    raise RuntimeError(f"the Celery worker was not ready within {timeout:.0f} s.")


def celery_stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # warm shutdown: the task under way ends
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def celery_tasks(log: str) -> dict[str, int]:
    """Tasks the worker's log says succeeded and failed."""
    return {
        "succeeded": log.count("] succeeded in "),
        "failed": log.count("] raised unexpected:") + log.count("] retry:"),
    }


def queued(broker_url: str, queues: list[str]) -> int | None:
    """Messages waiting in `queues` on the Redis broker (None if unreadable)."""
    try:
        import redis

        client = redis.Redis.from_url(broker_url)
        return sum(client.llen(queue) for queue in queues)
    except Exception:
        return None


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def per_request(seconds: float | None, requests: int) -> str:
    """CPU seconds over `requests` as ms per request ("-" when unknown)."""
    if seconds is None or not requests:
        return "-"
    return f"{seconds * 1000 / requests:.1f}"


def read_stats(prefix: str) -> list[dict]:
    """locust's --csv statistics: one row per request name, and the Aggregated row."""
    with open(f"{prefix}_stats.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def format_stats(rows: list[dict]) -> str:
    header = ("request", "count", "failures", "median ms", "p95 ms", "max ms", "req/s")
    table = [header]
    for row in rows:
        table.append(
            (
                row["Name"] or row["Type"],
                row["Request Count"],
                row["Failure Count"],
                row["50%"],
                row["95%"],
                f"{float(row['Max Response Time']):.0f}",
                f"{float(row['Requests/s']):.1f}",
            )
        )
    widths = [max(len(str(line[i])) for line in table) for i in range(len(header))]
    lines = []
    for number, line in enumerate(table):
        cells = [str(line[0]).ljust(widths[0])] + [
            str(cell).rjust(width)
            for cell, width in zip(line[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells))
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


#: The longest the sign-in phase may take before the run is cut short.
SIGN_IN_BUDGET = 900


def run_locust(
    *,
    host: str,
    plan_path: str,
    users: int,
    spawn_rate: float,
    seconds: int,
    server_pid: int,
    celery_pid: int | None = None,
) -> tuple[list[dict], dict | None, dict | None]:
    """(the pages phase's statistics, the sign-in phase's summary, the pages
    phase's requests and CPU)."""
    workdir = tempfile.mkdtemp(prefix="academy-locust-")
    prefix = os.path.join(workdir, "load")
    signin_path = os.path.join(workdir, "signin.json")
    pages_path = os.path.join(workdir, "pages.json")
    try:
        bench_pages._child(
            [
                "-m",
                "locust",
                "-f",
                str(LOCUSTFILE),
                "--headless",
                "--host",
                host,
                "--users",
                str(users),
                "--spawn-rate",
                str(spawn_rate),
                "--run-time",
                f"{seconds + SIGN_IN_BUDGET}s",
                "--stop-timeout",
                "10",
                "--csv",
                prefix,
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            {
                **os.environ,
                "ACADEMY_LOAD_PLAN": plan_path,
                "ACADEMY_LOAD_SECONDS": str(seconds),
                "ACADEMY_LOAD_SIGNIN": signin_path,
                "ACADEMY_LOAD_SERVER_PID": str(server_pid),
                "ACADEMY_LOAD_CELERY_PID": str(celery_pid or ""),
                "ACADEMY_LOAD_PAGES": pages_path,
            },
            timeout=seconds + SIGN_IN_BUDGET + 300,
        )
        return read_stats(prefix), _json(signin_path), _json(pages_path)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _json(path: str) -> dict | None:
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def run(
    *,
    users: int = 200,
    seconds: int = 90,
    spawn_rate: float = SPAWN_RATE,
    stdout: TextIO,
) -> list[dict]:
    database_url = bench_pages.bench_database_url()
    if database_url.startswith("postgres"):
        bench_pages._postgres_ensure(database_url)
    bench_pages.SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    static_root = tempfile.mkdtemp(prefix="academy-bench-static-")
    env = load_environment(database_url=database_url, static_root=static_root)
    stdout.write(
        f"Load: {users} simulated learners (locust, {spawn_rate:g} started per "
        f"second, each signing in once, then 1-4 s between pages, the first page "
        f"too, for {seconds} s) "
        "against gunicorn "
        f"{bench_pages.WORKERS} sync workers on 127.0.0.1; {os.cpu_count()} CPUs "
        "shared by server, database and locust.\n"
        f"Settings: {bench_pages.SETTINGS_MODULE} (production, DEBUG off) with "
        "cookies not Secure (plain http on loopback) and 127.0.0.1 a trusted proxy "
        "(one address per learner).\n"
        "Tasks: a Celery worker (one process, --pool solo) on every queue, on "
        f"{bench_pages._masked(env['CELERY_BROKER_URL'])}.\n"
        f"Database: {bench_pages._masked(database_url)}\n"
        f"Load average at the start: {bench_pages.load_average()}\n"
    )
    process = worker = None
    plan_dir = tempfile.mkdtemp(prefix="academy-load-")
    plan_path = os.path.join(plan_dir, "plan.json")
    worker_log = os.path.join(plan_dir, "celery.log")
    try:
        started = time.perf_counter()
        output = bench_pages._child(
            ["-m", "benchmarks.bench_load", "--prepare", "--users", str(users)],
            env,
            timeout=1800,
        )
        line = next(row for row in output.splitlines() if row.startswith(PREPARED))
        Path(plan_path).write_text(line.removeprefix(PREPARED), encoding="utf-8")
        queues = json.loads(line.removeprefix(PREPARED))["queues"]
        bench_pages._child(
            ["manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            env,
            timeout=600,
        )
        stdout.write(f"Prepared in {time.perf_counter() - started:.0f} s.\n")
        worker = celery_start(env, queues, worker_log)
        celery_wait(worker, worker_log, timeout=120)
        port = int(os.environ.get("ACADEMY_BENCH_PORT") or bench_pages._free_port())
        host = f"http://127.0.0.1:{port}"
        process = bench_pages._gunicorn_start(env, port)
        bench_pages._gunicorn_wait(process, f"{host}/bench/bare/", timeout=60)
        rows, signin, pages = run_locust(
            host=host,
            plan_path=plan_path,
            users=users,
            spawn_rate=spawn_rate,
            seconds=seconds,
            server_pid=process.pid,
            celery_pid=worker.pid,
        )
        if signin is None:
            stdout.write(
                f"\nSign-in phase: not every learner signed in within "
                f"{SIGN_IN_BUDGET} s; the table below then includes sign-ins.\n"
            )
        else:
            stdout.write(
                f"\nSign-in phase ({signin['count']} learners, form + password "
                f"post + the page it leads to, production hasher): median "
                f"{signin['median_ms']} ms, p95 {signin['p95_ms']} ms, max "
                f"{signin['max_ms']} ms, {signin['failures']} failures.\n"
                f"Pages phase ({seconds} s, everyone signed in):\n"
            )
        stdout.write("\n" + format_stats(rows) + "\n")
        total = next((row for row in rows if row["Name"] == "Aggregated"), None)
        if total is not None:
            stdout.write(
                f"All requests: p95 {total['95%']} ms, {total['Failure Count']} "
                f"failures of {total['Request Count']}.\n"
            )
        if pages is not None:
            requests, cpu = pages["requests"], pages["cpu_seconds"]
            stdout.write(
                f"CPU of the pages phase ({requests} requests in "
                f"{cpu['clock']:.0f} s), ms per request: server "
                f"{per_request(cpu['server'], requests)}, Celery worker "
                f"{per_request(cpu['celery'], requests)}, locust "
                f"{per_request(cpu['locust'], requests)}.\n"
            )
        else:
            stdout.write("CPU of the pages phase: not read (no pages phase).\n")
        tasks = celery_tasks(_read(worker_log))
        stdout.write(
            f"Celery worker over the whole run: {tasks['succeeded']} tasks "
            f"succeeded, {tasks['failed']} failed or retried; "
            f"{bench_pages._cell(queued(env['CELERY_BROKER_URL'], queues), 'd')} "
            "still queued at "
            "the end.\n"
        )
        stdout.write(f"Load average at the end: {bench_pages.load_average()}\n")
        return rows
    finally:
        if process is not None:
            bench_pages._gunicorn_stop(process)
        if worker is not None:
            celery_stop(worker)
        shutil.rmtree(static_root, ignore_errors=True)
        shutil.rmtree(plan_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--spawn-rate", type=float, default=SPAWN_RATE)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.prepare:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", bench_pages.SETTINGS_MODULE)
        print(PREPARED + json.dumps(prepare_learners(options.users)), flush=True)
        return 0
    run(
        users=options.users,
        seconds=options.seconds,
        spawn_rate=options.spawn_rate,
        stdout=sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
