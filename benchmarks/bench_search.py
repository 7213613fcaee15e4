"""Search relevance and speed over the demo catalogue: printed figures, never pass/fail.

For each judged query of tests/data/search_relevance.json (Thai and English, with the
demo courses a learner typing it is looking for), the first five results are compared
with the judgement:

- precision@5: judged courses among the first five, divided by five (the textbook
  measure; a query with one right answer scores at most 0.2);
- normalised precision@5: the same divided by min(5, number judged), 1.0 when every
  judged course is in the first five;
- success@5: the share of queries whose judged courses are all in the first five.

On PostgreSQL the misspelt queries (trigram similarity) are measured too. The time of
one search (the selector the search page calls: its SQL and the ranking) is printed
as median and 95th percentile.

`python -m benchmarks.bench_search` migrates the database named by DATABASE_URL (its
name must contain "bench"), seeds the demo catalogue there if missing, rebuilds the
search index and measures.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
JUDGEMENTS = ROOT / "tests" / "data" / "search_relevance.json"
K = 5
TIMING_ROUNDS = 5


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def _top(query: str) -> list[str]:
    from courses.selectors import catalogue_filters_parse, course_list_for_catalogue

    filters = catalogue_filters_parse({"q": query})
    return [page.code for page in course_list_for_catalogue(filters=filters)][:K]


def measure(queries: list[dict], *, label: str, stdout: TextIO) -> dict:
    precision, normalised, successes = [], [], 0
    misses = []
    for item in queries:
        relevant = set(item["relevant"])
        top = _top(item["q"])
        hits = len(relevant & set(top))
        precision.append(hits / K)
        normalised.append(hits / min(K, len(relevant)))
        if hits == len(relevant):
            successes += 1
        else:
            misses.append((item["q"], sorted(relevant - set(top)), top))
    figures = {
        "queries": len(queries),
        "precision_at_5": statistics.mean(precision),
        "normalised_precision_at_5": statistics.mean(normalised),
        "success_at_5": successes / len(queries),
    }
    stdout.write(
        f"  {label:<24} {figures['queries']:>3} queries  "
        f"precision@5 {figures['precision_at_5']:.3f}  "
        f"normalised precision@5 {figures['normalised_precision_at_5']:.3f}  "
        f"success@5 {figures['success_at_5']:.3f}\n"
    )
    for query, missing, top in misses:
        stdout.write(f"    missed {missing} for {query!r}; first five: {top}\n")
    return figures


def time_queries(queries: list[dict], *, stdout: TextIO) -> dict:
    seconds = []
    for _ in range(TIMING_ROUNDS):
        for item in queries:
            started = time.perf_counter()
            _top(item["q"])
            seconds.append(time.perf_counter() - started)
    figures = {"median": statistics.median(seconds), "p95": _p95(seconds)}
    stdout.write(
        f"  one search               median {figures['median'] * 1000:.1f} ms  "
        f"p95 {figures['p95'] * 1000:.1f} ms  n={len(seconds)}\n"
    )
    return figures


def run(*, stdout: TextIO) -> dict:
    from django.db import connection

    from courses.models import SearchEntry

    judgements = json.loads(JUDGEMENTS.read_text(encoding="utf-8"))
    stdout.write(
        f"Search over the demo catalogue ({connection.vendor}, "
        f"{SearchEntry.objects.count():,} index entries)\n"
    )
    results = {"judged": measure(judgements["queries"], label="judged", stdout=stdout)}
    if connection.vendor == "postgresql":
        results["typos"] = measure(
            judgements["typos"]["queries"], label="misspelt (trigram)", stdout=stdout
        )
    else:
        stdout.write("  misspelt queries: PostgreSQL only (trigram similarity)\n")
    results["timing"] = time_queries(judgements["queries"], stdout=stdout)
    return results


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
            "'bench'): the benchmark writes the demo catalogue to it."
        )
    if connection.vendor == "postgresql":
        _ensure_postgres_database(connection.settings_dict)
    call_command("migrate", verbosity=0, interactive=False)

    from competencies.services import standards_load
    from courses.search.services import search_index_rebuild
    from demo.catalogue import catalogue_seed

    standards_load()
    catalogue_seed()
    search_index_rebuild()
    run(stdout=sys.stdout)


if __name__ == "__main__":
    main()
