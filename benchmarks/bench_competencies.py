"""Timings of the competency selectors at ministry scale: printed figures, never pass/fail.

`org_matrix` is timed for the ministry and for its largest department, by child
subtree, by unit and by personnel group; `person_profile` for a random sample of
people. Each timing is a median and a 95th percentile over repeated runs after a
warm-up; memory is the tracemalloc peak of one call (Python allocations only; the
database's own memory is not counted) and the process's maximum resident set size.
"""

import math
import random
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from competencies.models import Competency, Framework, OrgUnit, Person, Placement
from competencies.selectors import org_matrix, person_profile
from demo.org_blueprint import MINISTRY_CODE
from demo.population import EMPLOYEE_PREFIX

# The targets: a matrix of 100,000 staff by 30 competencies under 2 s, one
# person's profile under 50 ms.
MATRIX_TARGET = 2.0
PROFILE_TARGET = 0.050
SUGGESTED_INDEXES = Path(__file__).resolve().parent / "sql" / "suggested_indexes.sql"


@dataclass
class Timing:
    what: str
    scope: str
    detail: str
    seconds: list[float]
    target: float | None = None
    peak_bytes: int | None = None
    queries: int | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        """Nearest-rank 95th percentile: with 10 runs, the slowest."""
        ordered = sorted(self.seconds)
        return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.p95 < self.target


def repeat(call: Callable[[], object], *, runs: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        call()
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return seconds


def captured_queries(call: Callable[[], object]) -> list[dict]:
    """The queries one call runs. The log is emptied first: with DEBUG on it keeps
    only the last 9,000 queries, and a full log defeats CaptureQueriesContext."""
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        call()
    return queries.captured_queries


def traced_peak(call: Callable[[], object]) -> int:
    """Peak Python memory allocated during one call, in bytes."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def max_rss_bytes(who: int = resource.RUSAGE_SELF) -> int:
    """Maximum resident set size so far; ru_maxrss is in KiB on Linux."""
    return resource.getrusage(who).ru_maxrss * 1024


def staff_under(unit: OrgUnit) -> int:
    return (
        Placement.objects.current()
        .filter(unit__path__startswith=unit.path)
        .values("person")
        .distinct()
        .count()
    )


def benchmark_roots() -> list[tuple[str, OrgUnit]]:
    """The ministry and its largest department."""
    ministry = OrgUnit.objects.get(code=MINISTRY_CODE)
    departments = list(
        OrgUnit.objects.filter(path__startswith=ministry.path, depth=ministry.depth + 1)
    )
    largest = max(departments, key=staff_under)
    return [("ministry", ministry), (f"department {largest.code}", largest)]


def competency_count(framework: Framework) -> int:
    return framework.competencies.exclude(kind=Competency.Kind.AREA).count()


def bench_matrix(
    *,
    label: str,
    root: OrgUnit,
    framework: Framework,
    by: str,
    runs: int,
    live: bool = False,
) -> Timing:
    def call():
        return org_matrix(root, framework=framework, by=by, live=live)

    seconds = repeat(call, runs=runs)
    queries = captured_queries(call)
    return Timing(
        what="org_matrix",
        scope=f"{label} ({staff_under(root):,} staff)",
        detail=f"by={by}, {framework.code} ({competency_count(framework)} comp.)",
        seconds=seconds,
        target=MATRIX_TARGET,
        peak_bytes=traced_peak(call),
        queries=len(queries),
    )


def sample_people(*, count: int, seed: int) -> list[Person]:
    ids = list(
        Person.objects.filter(employee_number__startswith=EMPLOYEE_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = random.Random(seed).sample(ids, min(count, len(ids)))
    people = Person.objects.in_bulk(chosen)
    return [people[pk] for pk in chosen]


def bench_profiles(*, people: list[Person], warmup: int = 5) -> Timing:
    """One timed call per person, so the figure covers people with more or less
    evidence, in different groups."""
    for person in people[:warmup]:
        person_profile(person)
    seconds = []
    for person in people:
        started = time.perf_counter()
        person_profile(person)
        seconds.append(time.perf_counter() - started)
    queries = captured_queries(lambda: person_profile(people[0]))
    peak = max(
        traced_peak(lambda p=person: person_profile(p)) for person in people[:20]
    )
    frameworks = Framework.objects.filter(status=Framework.Status.ACTIVE)
    width = sum(competency_count(framework) for framework in frameworks)
    return Timing(
        what="person_profile",
        scope=f"{len(people)} random people",
        detail=f"{frameworks.count()} active frameworks ({width} comp.)",
        seconds=seconds,
        target=PROFILE_TARGET,
        peak_bytes=peak,
        queries=len(queries),
    )


def matrix_sql(*, root: OrgUnit, framework: Framework, by: str) -> str:
    """The aggregate query org_matrix runs live, with its parameters filled in."""
    queries = captured_queries(
        lambda: org_matrix(root, framework=framework, by=by, live=True)
    )
    return next(
        query["sql"]
        for query in queries
        if "WITH staff AS" in " ".join(query["sql"].split())
    )


def explain_matrix(*, root: OrgUnit, framework: Framework, by: str) -> str:
    if connection.vendor != "postgresql":
        return "EXPLAIN ANALYZE needs PostgreSQL."
    sql = matrix_sql(root=root, framework=framework, by=by)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def suggested_index_statements() -> tuple[list[str], list[str]]:
    """(create, drop) statements from sql/suggested_indexes.sql."""
    lines = SUGGESTED_INDEXES.read_text(encoding="utf-8").splitlines()
    text = " ".join(line for line in lines if not line.strip().startswith("--"))
    creates = [
        " ".join(statement.split())
        for statement in text.split(";")
        if statement.strip().upper().startswith("CREATE INDEX IF NOT EXISTS")
    ]
    if not creates:
        raise ValueError(
            f"No CREATE INDEX IF NOT EXISTS statement in {SUGGESTED_INDEXES}"
        )
    drops = [
        "DROP INDEX IF EXISTS " + sql.split("EXISTS", 1)[1].split()[0]
        for sql in creates
    ]
    return creates, drops


def run_sql(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


# ------------------------------------------------------------------------------
# Printing
# ------------------------------------------------------------------------------


def seconds_text(value: float) -> str:
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def mib(value: int | None) -> str:
    return "" if value is None else f"{value / 2**20:,.1f} MiB"


def table(timings: list[Timing]) -> str:
    header = (
        "what",
        "scope",
        "detail",
        "median",
        "p95",
        "target",
        "met",
        "queries",
        "peak (traced)",
    )
    rows = [header]
    for timing in timings:
        rows.append(
            (
                timing.what,
                timing.scope,
                timing.detail,
                seconds_text(timing.median),
                seconds_text(timing.p95),
                f"< {seconds_text(timing.target)}" if timing.target else "",
                {True: "yes", False: "NO", None: ""}[timing.met],
                "" if timing.queries is None else str(timing.queries),
                mib(timing.peak_bytes),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for number, row in enumerate(rows):
        lines.append(
            "| "
            + " | ".join(
                cell.ljust(width) for cell, width in zip(row, widths, strict=True)
            )
            + " |"
        )
        if number == 0:
            lines.append("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)
