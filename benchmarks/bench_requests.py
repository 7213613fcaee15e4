"""The load benchmark's requests one at a time: server CPU and queries of each kind.

Where bench_load measures the whole (200 learners against two workers, where
every figure moves with the others), this takes each signed-in request of its
scenario alone, in one process, through the whole middleware stack (Django's test
client, no network), on the same database under the same production settings
(benchmarks.settings, DEBUG off): the process's CPU time of each request and the
statements it runs, medians over `--repeat` requests. The dashboard is measured
twice: from its per-learner cache (the data and the page's HTML of it), as learners
mostly see it, and with that cache orphaned before each request (the learner's
version bumped, as by any write of theirs). Figures, never pass/fail.

    python -m benchmarks.bench_requests [--repeat 20] [--profile "lesson"]

`--profile NAME` prints the CPU profile (cProfile, process time) of that kind.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import bench_load, bench_pages

MEASURE = "--measure"


def measure(plan: dict, *, repeat: int, profile: str) -> list[tuple[str, float, int]]:
    """(Child process) (kind, median CPU ms, queries) of each request kind."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from courses.dashboard_cache import learner_version_bump
    from courses.models import Attempt

    learners = list(
        get_user_model()
        .objects.filter(email__in=plan["learners"])
        .order_by("email")[: repeat + 1]
    )
    handler = None

    def client_for(user) -> Client:
        nonlocal handler
        client = Client()
        if handler is None:
            handler = client.handler
        client.handler = handler  # one middleware chain, loaded once
        client.force_login(user)
        # The privacy notice's acceptance, remembered in the session from the
        # first request on, as for a learner who signed in.
        client.get("/bench/bare/")
        return client

    results = []

    def run(kind, before, request):
        cpu, queries = [], set()
        profiler = cProfile.Profile(time.process_time) if kind == profile else None
        for number in range(repeat):
            argument = before(number)
            count = 0

            def counter(execute, sql, params, many, context):
                nonlocal count
                count += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(counter):
                started = time.process_time()
                if profiler:
                    profiler.enable()
                response = request(argument)
                if profiler:
                    profiler.disable()
                cpu.append((time.process_time() - started) * 1000)
            if response.status_code not in (200, 302):
                raise RuntimeError(f"{kind}: {response.status_code}")
            queries.add(count)
        results.append((kind, statistics.median(cpu), max(queries)))
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(50)
            print(out.getvalue(), file=sys.stderr)

    learner, starters = learners[0], learners[1:]
    client = client_for(learner)
    lesson, assessment = plan["lessons"][0], plan["assessment"]
    for path in ("/dashboard/", lesson, assessment):
        client.get(path)  # warm the process's caches
    nothing = lambda number: None  # noqa: E731

    def dashboard_uncached(number):
        learner_version_bump(learner.pk)  # as any write of theirs: data and HTML

    run("bare view", nothing, lambda _: client.get("/bench/bare/"))
    run("dashboard", nothing, lambda _: client.get("/dashboard/"))
    run("dashboard (uncached)", dashboard_uncached, lambda _: client.get("/dashboard/"))
    run("lesson", nothing, lambda _: client.get(lesson))
    run("quiz (overview)", nothing, lambda _: client.get(assessment))
    Attempt.objects.filter(user__in=starters).delete()
    clients = [client_for(user) for user in starters]
    try:
        run(
            "quiz (start)",
            lambda number: clients[number],
            lambda each: each.post(assessment + "start/"),
        )
        attempts = dict(
            Attempt.objects.filter(user__in=starters).values_list("user_id", "pk")
        )
        pages = [f"/learn/attempts/{attempts[user.pk]}/" for user in starters[:repeat]]
        run(
            "quiz (page)",
            lambda number: (clients[number], pages[number]),
            lambda pair: pair[0].get(pair[1]),
        )
        run(
            "quiz (save)",
            lambda number: (clients[number], pages[number]),
            lambda pair: pair[0].post(
                pair[1] + "save/", headers={"X-Requested-With": "fetch"}
            ),
        )
    finally:
        Attempt.objects.filter(user__in=starters).delete()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", default="", help="a request kind to profile")
    parser.add_argument(MEASURE, default="", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    options.repeat = max(1, min(options.repeat, 199))  # a learner per quiz start
    if options.measure:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", bench_pages.SETTINGS_MODULE)
        plan = json.loads(Path(options.measure).read_text(encoding="utf-8"))
        results = measure(plan, repeat=options.repeat, profile=options.profile)
        print("BENCH-REQUESTS " + json.dumps(results), flush=True)
        return 0
    workdir = tempfile.mkdtemp(prefix="academy-bench-requests-")
    try:
        return _run(options, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(options, workdir: str) -> int:
    database_url = bench_pages.bench_database_url()
    if database_url.startswith("postgres"):
        bench_pages._postgres_ensure(database_url)
    bench_pages.SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    env = bench_load.load_environment(database_url=database_url, static_root=workdir)
    env["DJANGO_ALLOWED_HOSTS"] += ",testserver"
    # One learner for the pages and one more per quiz start (each starts once).
    output = bench_pages._child(
        ["-m", "benchmarks.bench_load", "--prepare", "--users", "200"],
        env,
        timeout=1800,
    )
    line = next(
        row for row in output.splitlines() if row.startswith(bench_load.PREPARED)
    )
    plan_path = Path(workdir) / "plan.json"
    plan_path.write_text(line.removeprefix(bench_load.PREPARED), encoding="utf-8")
    bench_pages._child(
        ["manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        env,
        timeout=600,
    )
    print(
        f"Requests of the load scenario one at a time: {bench_pages.SETTINGS_MODULE} "
        f"(production, DEBUG off), Django's test client in one process, median of "
        f"{options.repeat}.\nDatabase: {bench_pages._masked(database_url)}\n"
        f"Load average at the start: {bench_pages.load_average()}"
    )
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.bench_requests",
            MEASURE,
            str(plan_path),
            "--repeat",
            str(options.repeat),
            "--profile",
            options.profile,
        ],
        cwd=bench_pages.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if completed.returncode != 0:
        raise RuntimeError(completed.stdout + completed.stderr)
    if options.profile:
        print(completed.stderr)
    line = next(
        row
        for row in completed.stdout.splitlines()
        if row.startswith("BENCH-REQUESTS ")
    )
    print(f"\n{'request':22}  {'CPU ms':>7}  {'queries':>7}")
    for kind, cpu, queries in json.loads(line.removeprefix("BENCH-REQUESTS ")):
        print(f"{kind:22}  {cpu:7.1f}  {queries:7d}")
    print(f"Load average at the end: {bench_pages.load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
