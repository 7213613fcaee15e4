"""Page throughput under gunicorn: requests per second and latency of the learner's
pages against a bare Django view, on 127.0.0.1 only. Figures, never pass/fail.

`run()` prepares a dedicated database in a child process (migrate, standards, the demo
catalogue, a signed-in learner with a placement, enrolments and evidence), collects
static files into a temporary folder (production settings serve them from a
manifest), starts gunicorn with two sync workers on a free loopback port under
`benchmarks.settings`, and loads each target for a fixed time with `wrk` when it is
installed, else with a pool of Python threads using keep-alive connections.

    python -m benchmarks.bench_pages [--seconds 10]

The database: with DATABASE_URL pointing at PostgreSQL, a database named
`academy_bench_pages` on that server (created if missing); otherwise SQLite in
var/bench-pages.sqlite3. Preparing it is idempotent, so later runs reuse it.
"""

import argparse
import http.client
import json
import math
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit, urlunsplit

from benchmarks.middleware import QUERIES_HEADER

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS_MODULE = "benchmarks.settings"
BENCH_DATABASE_NAME = os.environ.get("ACADEMY_BENCH_PAGES_DB", "academy_bench_pages")
SQLITE_PATH = BASE_DIR / "var" / "bench-pages.sqlite3"
CONCURRENCY = 8
WORKERS = 2
ROUNDS = 3
SEARCH_PATH = (
    "/search/?q=%E0%B8%82%E0%B9%89%E0%B8%AD%E0%B8%A1%E0%B8%B9%E0%B8%A5"  # ข้อมูล
)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
LEARNER_EMAIL = "bench-learner@example.go.th"
COURSE_CODE = "GOV-202"
PREPARED = "BENCH-PREPARED "
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("BENCH-WRK %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(95)))
end
"""


# ------------------------------------------------------------------------------
# Load generation
# ------------------------------------------------------------------------------


@dataclass
class LoadResult:
    target: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0  # connection errors, and with wrk also HTTP statuses >= 400
    tool: str = "python"
    cpu_ms: float | None = None  # server CPU per request (gunicorn workers, /proc)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list (0.0 when empty)."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def _loopback(url: str) -> tuple[str, int, str]:
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK:
        raise ValueError(f"The benchmark only loads http://127.0.0.1, not {url!r}.")
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    return parts.hostname, parts.port or 80, path


def issue_requests(
    url: str,
    *,
    count: int | None = None,
    seconds: float | None = None,
    concurrency: int = CONCURRENCY,
    headers: dict[str, str] | None = None,
    target: str = "",
) -> LoadResult:
    """GET `url` from `concurrency` threads, each on a keep-alive connection, until
    `count` responses or `seconds` have passed (whichever comes first)."""
    if count is None and seconds is None:
        raise ValueError("Give a number of requests, a duration, or both.")
    host, port, path = _loopback(url)
    headers = {"Host": f"{host}:{port}", **(headers or {})}
    lock = threading.Lock()
    issued = 0
    statuses: Counter = Counter()
    latencies: list[float] = []
    errors = 0
    started = time.perf_counter()
    deadline = started + seconds if seconds is not None else None

    def take_ticket() -> bool:
        nonlocal issued
        with lock:
            if count is not None and issued >= count:
                return False
            if deadline is not None and time.perf_counter() >= deadline:
                return False
            issued += 1
            return True

    def worker() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection(host, port, timeout=30)
        mine: list[float] = []
        seen: Counter = Counter()
        failed = 0
        try:
            while take_ticket():
                began = time.perf_counter()
                try:
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException):
                    failed += 1
                    connection.close()  # the next request reconnects
                    continue
                mine.append((time.perf_counter() - began) * 1000)
                seen[response.status] += 1
        finally:
            connection.close()
            with lock:
                latencies.extend(mine)
                statuses.update(seen)
                errors += failed

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return LoadResult(
        target=target or path,
        requests=sum(statuses.values()),
        seconds=elapsed,
        p50_ms=percentile(latencies, 0.50),
        p95_ms=percentile(latencies, 0.95),
        statuses=statuses,
        errors=errors,
    )


def run_wrk(
    url: str,
    *,
    seconds: float,
    concurrency: int = CONCURRENCY,
    headers: dict[str, str] | None = None,
    target: str = "",
) -> LoadResult:
    """Load `url` with wrk (one thread: the server needs the other cores)."""
    _loopback(url)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = [
        shutil.which("wrk") or "wrk",
        "-t1",
        f"-c{concurrency}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        script.name,
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    try:
        output = subprocess.run(
            [*command, url],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(row for row in output.splitlines() if row.startswith("BENCH-WRK "))
    requests, duration_us, status_errors, socket_errors, p50_us, p95_us = map(
        int, line.split()[1:]
    )
    return LoadResult(
        target=target or urlsplit(url).path,
        requests=requests,
        seconds=duration_us / 1e6,
        p50_ms=p50_us / 1000,
        p95_ms=p95_us / 1000,
        errors=status_errors + socket_errors,
        tool="wrk",
    )


# ------------------------------------------------------------------------------
# The database and the server
# ------------------------------------------------------------------------------


def bench_database_url() -> str:
    configured = os.environ.get("DATABASE_URL", "")
    if configured.split("://", 1)[0] in {"postgres", "postgresql", "pgsql"}:
        return urlunsplit(urlsplit(configured)._replace(path=f"/{BENCH_DATABASE_NAME}"))
    return f"sqlite:///{SQLITE_PATH}"


def _postgres_ensure(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    with psycopg.connect(
        dbname="postgres",
        host=parts.hostname,
        port=parts.port,
        user=parts.username,
        password=parts.password,
        autocommit=True,
    ) as maintenance:
        exists = maintenance.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE_NAME]
        ).fetchone()
        if not exists:
            maintenance.execute(
                sql.SQL("CREATE DATABASE {}").format(
                    sql.Identifier(BENCH_DATABASE_NAME)
                )
            )


def _masked(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def bench_environment(*, database_url: str, static_root: str) -> dict[str, str]:
    """Production-like settings for loopback: DEBUG off, no TLS redirect."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=static_root,
        DATABASE_URL=database_url,
        ACADEMY_BENCH_BARE_VIEW="1",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(BASE_DIR),
    )
    env.setdefault("DATABASE_CONN_MAX_AGE", "60")
    # Production requires a public https origin, a broker and a shared cache.
    env.setdefault("ACADEMY_PUBLIC_BASE_URL", "https://academy.example")
    env.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
    env.setdefault("ACADEMY_FILESYSTEM_MEDIA", "1")  # one machine
    return env


def _child(args: list[str], env: dict[str, str], *, timeout: float) -> str:
    completed = subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}"
        )
    return completed.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _gunicorn_start(env: dict[str, str], port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "academy.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
            "--timeout",
            "30",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: stopped as one
    )


def _gunicorn_wait(process: subprocess.Popen, url: str, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{process.stderr.read()}")
        result = issue_requests(url, count=1, concurrency=1)
        if result.statuses.get(200):
            return
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout:.0f} s.")


def _gunicorn_stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


# ------------------------------------------------------------------------------
# Server CPU and queries
# ------------------------------------------------------------------------------


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (None when it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces and parentheses: fields follow the last ")".
    return stat[stat.rindex(")") + 2 :].split()


def process_cpu_seconds(pid: int, *, reaped_children: bool = False) -> float | None:
    """User + system CPU time of one process from /proc (None when it is gone);
    with `reaped_children`, also that of its children that have exited and been
    waited for (cutime + cstime: a gunicorn master's recycled workers)."""
    fields = _stat_fields(pid)
    if fields is None:
        return None
    ticks = int(fields[11]) + int(fields[12])
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def child_pids(parent: int) -> list[int]:
    """The processes whose parent is `parent` (gunicorn's workers of its master)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is not None and int(fields[1]) == parent:
            children.append(int(entry.name))
    return sorted(children)


def server_cpu_seconds(master: int) -> float | None:
    """CPU seconds used so far by the gunicorn master `master` and every worker it
    has had: its own, its live workers', and its exited ones' (gunicorn recycles a
    worker after max_requests; the master waits for it, and the kernel adds the
    worker's CPU to the master's cutime/cstime). None when the master is gone.

    A difference of two readings is the server's CPU in between, whatever workers
    exited or started meanwhile: a worker that exits moves from the live sum to the
    master's reaped figure, counted once."""
    total = process_cpu_seconds(master, reaped_children=True)
    if total is None:
        return None
    for pid in child_pids(master):
        total += process_cpu_seconds(pid) or 0.0
    return total


def cpu_ms_per_request(
    before: float | None, after: float | None, requests: int
) -> float | None:
    """Server CPU per request between two `server_cpu_seconds` readings."""
    if not requests or before is None or after is None:
        return None
    return (after - before) * 1000 / requests


def queries_per_request(url: str, headers: dict[str, str]) -> int | None:
    """The X-Bench-Queries header of one more GET (the steady state, after warming)."""
    host, port, path = _loopback(url)
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": f"{host}:{port}", **headers})
        response = connection.getresponse()
        response.read()
        value = response.getheader(QUERIES_HEADER)
    finally:
        connection.close()
    return int(value) if value is not None else None


# ------------------------------------------------------------------------------
# Interleaved pairs
# ------------------------------------------------------------------------------


@dataclass
class PairedResult:
    """A page measured in `rounds` pairs, each right after the bare view."""

    target: str
    pages: list[LoadResult]
    bares: list[LoadResult]
    queries: int | None = None

    @staticmethod
    def _median(values: list[float | None]) -> float | None:
        known = [value for value in values if value is not None]
        return statistics.median(known) if known else None

    @property
    def rate(self) -> float:
        return self._median([result.rate for result in self.pages]) or 0.0

    @property
    def bare_rate(self) -> float:
        return self._median([result.rate for result in self.bares]) or 0.0

    @property
    def ratio(self) -> float | None:
        """Median of the pairs' ratios (each page run over the bare run just before)."""
        return self._median(
            [
                page.rate / bare.rate if bare.rate else None
                for page, bare in zip(self.pages, self.bares, strict=True)
            ]
        )

    @property
    def p50_ms(self) -> float:
        return self._median([result.p50_ms for result in self.pages]) or 0.0

    @property
    def p95_ms(self) -> float:
        return self._median([result.p95_ms for result in self.pages]) or 0.0

    @property
    def cpu_ms(self) -> float | None:
        return self._median([result.cpu_ms for result in self.pages])

    @property
    def bare_cpu_ms(self) -> float | None:
        return self._median([result.cpu_ms for result in self.bares])

    @property
    def errors(self) -> int:
        return sum(result.errors for result in self.pages)

    @property
    def statuses(self) -> Counter:
        total: Counter = Counter()
        for result in self.pages:
            total.update(result.statuses)
        return total


def _cell(value: float | int | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def format_table(results: list[PairedResult]) -> str:
    rows = [
        (
            "target",
            "req/s",
            "bare req/s",
            "vs bare",
            "p50 ms",
            "p95 ms",
            "queries",
            "CPU ms/req",
        )
    ]
    for result in results:
        rows.append(
            (
                result.target,
                f"{result.rate:,.0f}",
                f"{result.bare_rate:,.0f}",
                _cell(result.ratio, ".3f"),
                f"{result.p50_ms:.1f}",
                f"{result.p95_ms:.1f}",
                _cell(result.queries, "d"),
                _cell(result.cpu_ms, ".1f"),
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells))
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def load_average() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


# ------------------------------------------------------------------------------
# The run
# ------------------------------------------------------------------------------


def measure(
    url: str,
    *,
    seconds: float,
    headers: dict[str, str],
    target: str,
    master: int,
    use_wrk: bool,
) -> LoadResult:
    """Load `url` for `seconds`, with the gunicorn workers' CPU read around it."""
    before = server_cpu_seconds(master)
    if use_wrk:
        result = run_wrk(url, seconds=seconds, headers=headers, target=target)
    else:
        result = issue_requests(url, seconds=seconds, headers=headers, target=target)
    result.cpu_ms = cpu_ms_per_request(
        before, server_cpu_seconds(master), result.requests
    )
    return result


def run(
    *, seconds_per_target: float = 3, rounds: int = ROUNDS, stdout: TextIO
) -> list[PairedResult]:
    """Prepare, serve, and measure each target in `rounds` interleaved pairs with the
    bare view; print the table."""
    database_url = bench_database_url()
    if database_url.startswith("postgres"):
        _postgres_ensure(database_url)
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    static_root = tempfile.mkdtemp(prefix="academy-bench-static-")
    env = bench_environment(database_url=database_url, static_root=static_root)
    use_wrk = shutil.which("wrk") is not None
    stdout.write(
        f"Page throughput: gunicorn {WORKERS} sync workers on 127.0.0.1, "
        f"{CONCURRENCY} concurrent clients, {rounds} interleaved pairs of "
        f"{seconds_per_target:g} s (bare view, then the page), medians; "
        f"load from {'wrk' if use_wrk else 'Python threads'}, "
        f"{os.cpu_count()} CPUs shared by server and client.\n"
        f"Database: {_masked(database_url)}\n"
        f"Load average at the start: {load_average()}\n"
    )
    process = None
    try:
        started = time.perf_counter()
        prepared = _prepare(env)
        _child(
            ["manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            env,
            timeout=600,
        )
        stdout.write(
            f"Settings: {SETTINGS_MODULE} "
            + ", ".join(f"{key}={value}" for key, value in prepared["settings"].items())
            + "\n"
            f"Prepared the database and static files in "
            f"{time.perf_counter() - started:.0f} s.\n"
        )
        port = _free_port()
        root = f"http://127.0.0.1:{port}"
        process = _gunicorn_start(env, port)
        _gunicorn_wait(process, f"{root}/bench/bare/", timeout=60)
        signed_in = {"Cookie": f"{prepared['cookie_name']}={prepared['session_key']}"}
        bare_url = f"{root}/bench/bare/"
        targets = [
            ("bare view (anonymous)", "/bench/bare/", {}),
            ("bare view (signed in)", "/bench/bare/", signed_in),
            ("home /", "/", {}),
            ("catalogue /courses/", "/courses/", {}),
            (f"course page {COURSE_CODE}", prepared["course_url"], {}),
            ("lesson page (anonymous)", prepared["lesson_url"], {}),
            ("search /search/?q=", SEARCH_PATH, {}),
            ("course page (signed in)", prepared["course_url"], signed_in),
            ("lesson page (signed in)", prepared["lesson_url"], signed_in),
            ("/dashboard/ (signed in)", "/dashboard/", signed_in),
        ]
        results = []
        for name, path, headers in targets:
            url = root + path
            check = issue_requests(url, count=4, concurrency=2, headers=headers)
            if set(check.statuses) != {200}:
                stdout.write(
                    f"Skipped {name}: {path} answered {dict(check.statuses)}\n"
                )
                continue
            issue_requests(url, seconds=1.0, headers=headers)  # warm both workers
            paired = PairedResult(
                target=name,
                pages=[],
                bares=[],
                queries=queries_per_request(url, headers),
            )
            for _ in range(rounds):
                paired.bares.append(
                    measure(
                        bare_url,
                        seconds=seconds_per_target,
                        headers={},
                        target="bare",
                        master=process.pid,
                        use_wrk=use_wrk,
                    )
                )
                paired.pages.append(
                    measure(
                        url,
                        seconds=seconds_per_target,
                        headers=headers,
                        target=name,
                        master=process.pid,
                        use_wrk=use_wrk,
                    )
                )
            results.append(paired)
            if paired.errors or set(paired.statuses) - {200}:
                stdout.write(
                    f"  {name}: {paired.errors} errors, statuses "
                    f"{dict(paired.statuses) or 'not counted by wrk'}\n"
                )
            stdout.write(
                f"  {name}: {paired.rate:,.0f} req/s, "
                f"{_cell(paired.ratio, '.3f')} of the bare view, "
                f"{_cell(paired.cpu_ms, '.1f')} ms CPU/request\n"
            )
        stdout.write("\n" + format_table(results) + "\n")
        bare_cpu = PairedResult._median([r.bare_cpu_ms for r in results])
        stdout.write(
            f"Bare view (anonymous) server CPU: {_cell(bare_cpu, '.2f')} ms/request "
            f"(median over every pair). 'vs bare' is the median of the pairs' "
            f"ratios of req/s to the anonymous bare view's run just before.\n"
            f"Load average at the end: {load_average()}\n"
        )
        return results
    finally:
        if process is not None:
            _gunicorn_stop(process)
        shutil.rmtree(static_root, ignore_errors=True)


def _prepare(env: dict[str, str]) -> dict:
    output = _child(["-m", "benchmarks.bench_pages", "--prepare"], env, timeout=900)
    line = next(row for row in output.splitlines() if row.startswith(PREPARED))
    return json.loads(line.removeprefix(PREPARED))


# ------------------------------------------------------------------------------
# Inside the child process: the database
# ------------------------------------------------------------------------------


def prepare_database() -> dict:
    """Migrate and fill the benchmark database (idempotent); sign the learner in."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from competencies.services import standards_load
    from courses.models import CoursePage, LessonPage
    from demo.catalogue import catalogue_seed

    call_command("migrate", interactive=False, verbosity=0)
    standards_load()
    catalogue_seed()
    user = _learner_ensure()
    course = CoursePage.objects.get(code=COURSE_CODE)
    lesson = LessonPage.objects.live().child_of(course).order_by("path").first()
    return {
        "course_url": course.url,
        "lesson_url": lesson.url,
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "session_key": _session_create(user),
        "settings": {
            "DEBUG": settings.DEBUG,
            "database": connection.vendor,
            "CONN_MAX_AGE": settings.DATABASES["default"].get("CONN_MAX_AGE"),
            "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
            "SESSION_ENGINE": settings.SESSION_ENGINE.rsplit(".", 1)[-1],
        },
    }


def _learner_ensure():
    """A policy analyst with a placement, evidence and three courses under way."""
    from datetime import date

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from competencies.models import (
        Competency,
        Evidence,
        LineOfWork,
        OrgUnit,
        PositionType,
    )
    from competencies.services import (
        evidence_record,
        org_unit_create,
        person_create,
        placement_start,
    )
    from courses.models import CoursePage, LessonPage
    from courses.services import enrolment_create, lesson_complete

    users = get_user_model().objects
    existing = users.filter(email=LEARNER_EMAIL).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        user = users.create_user(
            email=LEARNER_EMAIL,
            password=secrets.token_urlsafe(24),
            first_name="สมหญิง",
            last_name="ตั้งใจเรียน",
        )
        ministry = OrgUnit.objects.filter(code="BENCH").first() or org_unit_create(
            code="BENCH",
            name_th="กระทรวงทดสอบสมรรถนะ",
            name_en="Ministry of Benchmarks",
            kind="ministry",
            parent=None,
        )
        person = person_create(
            title_th="นางสาว",
            first_name_th="สมหญิง",
            last_name_th="ตั้งใจเรียน",
            email=LEARNER_EMAIL,
            user=user,
        )
        knowledge = PositionType.objects.get(code="knowledge")
        placement_start(
            person=person,
            unit=ministry,
            position_type=knowledge,
            position_level=knowledge.levels.order_by("rank")[1],
            line_of_work=LineOfWork.objects.get(code="3-1-0012"),
            starts_on=date(2022, 10, 1),
        )
        for framework, code, rank in [
            ("acd-digital", "ACD-LIT-01", 2),
            ("acd-digital", "ACD-GOV-01", 1),
            ("th-dg-2018", "CEC-OQZN-027", 1),
            ("acd-digital", "ACD-DG-01", 1),
        ]:
            competency = Competency.objects.select_related("framework__scale").get(
                framework__code=framework, framework__status="active", code=code
            )
            evidence_record(
                person=person,
                competency=competency,
                level=competency.framework.scale.levels.get(rank=rank),
                source=Evidence.Source.ASSESSMENT,
                observed_on=date(2025, 1, 15),
                note="benchmark",
            )
        for code, done in [("DGA-101", 2), ("GOV-202", 1), ("DATA-302", 0)]:
            course = CoursePage.objects.get(code=code)
            enrolment_create(user=user, course=course)
            for lesson in (
                LessonPage.objects.live().child_of(course).order_by("path")[:done]
            ):
                lesson_complete(user=user, lesson=lesson)
    return user


def _session_create(user) -> str:
    """A signed-in session in the session store, as a complete sign-in would leave it
    (password, MFA where the role needs it, the privacy notice accepted)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from tests.signin import accept_privacy_notice, mark_harness_session

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    accept_privacy_notice(user)
    mark_harness_session(session, user)
    return session.session_key


# ------------------------------------------------------------------------------
# Command line
# ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seconds", type=float, default=3, help="per run (each pair has two runs)"
    )
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="pairs per page")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.prepare:
        # The child: run() has set DJANGO_SETTINGS_MODULE and the database for it.
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
        print(PREPARED + json.dumps(prepare_database()), flush=True)
        return 0
    run(seconds_per_target=options.seconds, rounds=options.rounds, stdout=sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
