"""The page benchmark's load generator, against Django's live server: counts, not time."""

import os
import subprocess
import sys
import time

import pytest

from benchmarks.bench_pages import (
    LoadResult,
    PairedResult,
    child_pids,
    cpu_ms_per_request,
    format_table,
    issue_requests,
    percentile,
    process_cpu_seconds,
    server_cpu_seconds,
)
from benchmarks.middleware import QUERIES_HEADER


def test_twenty_requests_give_twenty_ok_responses(live_server, settings):
    settings.ROOT_URLCONF = "benchmarks.urls"

    result = issue_requests(f"{live_server.url}/bench/bare/", count=20, concurrency=4)

    assert result.requests == 20
    assert result.statuses == {200: 20}
    assert result.errors == 0
    assert 0 < result.p50_ms <= result.p95_ms


def test_statuses_other_than_ok_are_counted(live_server, settings):
    settings.ROOT_URLCONF = "benchmarks.urls"

    result = issue_requests(f"{live_server.url}/dashboard/", count=6, concurrency=2)

    assert result.statuses == {302: 6}  # signed out: sent to the sign-in page


def test_only_loopback_is_loaded():
    with pytest.raises(ValueError, match="127.0.0.1"):
        issue_requests("http://example.com/", count=1)


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 21)]
    assert percentile(values, 0.50) == 10.0
    assert percentile(values, 0.95) == 19.0
    assert percentile([], 0.95) == 0.0


def _result(rate: float, *, cpu_ms: float | None = None) -> LoadResult:
    return LoadResult(
        target="x",
        requests=int(rate * 2),
        seconds=2.0,
        p50_ms=3,
        p95_ms=5,
        cpu_ms=cpu_ms,
    )


def test_each_pair_is_compared_with_its_own_bare_run():
    # The machine slowed down in the second pair: both halves of it are slower, and
    # the ratio stays put where one early baseline would have made it 0.125.
    paired = PairedResult(
        target="page",
        bares=[_result(1000), _result(200), _result(1000)],
        pages=[_result(250, cpu_ms=8), _result(50, cpu_ms=9), _result(300, cpu_ms=7)],
        queries=4,
    )

    assert paired.ratio == 0.25
    assert paired.rate == 250
    assert paired.bare_rate == 1000
    assert paired.cpu_ms == 8


def test_table_prints_rate_ratio_latency_queries_and_cpu():
    paired = PairedResult(
        target="page",
        bares=[_result(1000, cpu_ms=1.0)],
        pages=[_result(250, cpu_ms=8.25)],
        queries=4,
    )

    last_row = format_table([paired]).splitlines()[-1].split()

    assert last_row == ["page", "250", "1,000", "0.250", "3.0", "5.0", "4", "8.2"]


def test_process_cpu_is_read_from_proc():
    spent = process_cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:
        pass

    assert process_cpu_seconds(os.getpid()) - spent >= 0.2
    assert process_cpu_seconds(2**22 + 1) is None  # no such process


BURN = (
    "import time\n"
    "deadline = time.process_time() + {seconds}\n"
    "while time.process_time() < deadline: pass\n"
    "{then}"
)


def test_workers_are_the_masters_children():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        assert child.pid in child_pids(os.getpid())
    finally:
        child.kill()
        child.wait()


def test_server_cpu_counts_live_workers():
    # A worker still running: its CPU so far, read from its own /proc entry.
    before = server_cpu_seconds(os.getpid())
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            BURN.format(seconds=0.4, then="print('spent', flush=True); input()\n"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline() == "spent\n"
        assert server_cpu_seconds(os.getpid()) - before >= 0.3
    finally:
        child.kill()
        child.wait()


def test_server_cpu_keeps_a_recycled_workers_cpu():
    # gunicorn recycles a worker after max_requests: once the master has waited
    # for it, its CPU is in the master's cutime/cstime, and still counted. Reading
    # only the live workers found this run's CPU at 0.0 ms/request.
    before = server_cpu_seconds(os.getpid())
    subprocess.run([sys.executable, "-c", BURN.format(seconds=0.4, then="")])

    assert server_cpu_seconds(os.getpid()) - before >= 0.3
    assert server_cpu_seconds(2**22 + 1) is None  # no such master


def test_cpu_per_request_is_the_difference_over_the_requests():
    assert cpu_ms_per_request(1.0, 1.5, requests=100) == 5.0
    assert cpu_ms_per_request(1.0, 1.5, requests=0) is None
    assert cpu_ms_per_request(None, 1.5, requests=100) is None


def test_query_counter_answers_each_requests_queries(
    client, settings, django_user_model
):
    settings.MIDDLEWARE = [
        "benchmarks.middleware.QueryCountMiddleware",
        *settings.MIDDLEWARE,
    ]
    settings.ROOT_URLCONF = "benchmarks.urls"

    # A worker's first request fills its Site cache (academy/core/refcache.py); every
    # later bare request costs no query.
    client.get("/bench/bare/")
    assert client.get("/bench/bare/")[QUERIES_HEADER] == "0"
    user = django_user_model.objects.create_user(email="q@example.go.th", password="x")
    client.force_login(user)
    signed_in = int(client.get("/dashboard/")[QUERIES_HEADER])
    assert signed_in >= 2  # at least the session and the user


def test_benchmark_settings_are_production_with_the_counter(monkeypatch):
    import importlib

    monkeypatch.setenv("DJANGO_SECRET_KEY", "k" * 60)
    monkeypatch.setenv("ACADEMY_PUBLIC_BASE_URL", "https://academy.example")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/1")
    monkeypatch.setenv("ACADEMY_FILESYSTEM_MEDIA", "1")
    monkeypatch.setenv("ACADEMY_BENCH_BARE_VIEW", "1")
    import benchmarks.settings as bench_settings

    bench_settings = importlib.reload(bench_settings)

    assert bench_settings.DEBUG is False
    assert bench_settings.ROOT_URLCONF == "benchmarks.urls"
    assert bench_settings.MIDDLEWARE[0] == "benchmarks.middleware.QueryCountMiddleware"
