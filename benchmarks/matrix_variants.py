"""Alternatives to org_matrix's aggregate query, timed against it: proposals, not code
the application runs.

`competencies.selectors.org_matrix` joins every staff member to every requirement of
their group (100,000 staff x 13 requirements = 1.1 million rows), then LEFT JOINs the
attained levels and aggregates. The variants here give the same cells:

- "rewritten": counts staff per (bucket, group) once, and aggregates only the
  (person, competency) pairs that have verified evidence: meeting = pairs at or above
  the requirement; mean gap = (sum of required levels - sum of min(attained,
  required)) / staff. No staff x requirement expansion, one pass over the evidence.
- "attainment table": the same, reading a table of attained levels per (person,
  competency) kept up to date when evidence is recorded (and swept daily for
  expiries) instead of aggregating the evidence on every request.
- "rollup": a table of (unit, group, competency) -> staff, meeting, gap sum, rebuilt
  by a task; any subtree's matrix is then a sum over a few thousand rows.

The tables are created in the benchmark database only, as `bench_*` tables.

Optional requirements count only where chosen (competencies.selectors.chosen_sql); the
benchmark population chooses none, so these variants count required ones only.
"""

import statistics
import time
from collections.abc import Callable
from datetime import date

from django.db import connection

from competencies.models import (
    Framework,
    GroupRule,
    LineOfWork,
    OrgUnit,
    Person,
    Placement,
    ProficiencyLevel,
    Requirement,
)
from competencies.selectors import group_case_sql, verified_evidence_sql

ATTAINMENT_TABLE = "bench_attainment"
ROLLUP_TABLE = "bench_matrix_rollup"


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _staff_cte(root: OrgUnit, framework: Framework, on: date) -> tuple[str, list]:
    """The subtree's current staff with their group: org_matrix's first step as is."""
    rules = list(
        GroupRule.objects.filter(framework=framework).order_by("priority", "pk")
    )
    case_sql, case_params = group_case_sql(rules, placement="pl", line="lw")
    sql = f"""
        staff AS (
            SELECT pl.id AS placement_id, pl.person_id AS person_id,
                   u.path AS unit_path, {case_sql} AS group_id
            FROM {_t(Placement)} pl
            JOIN {_t(OrgUnit)} u ON u.id = pl.unit_id
            JOIN {_t(LineOfWork)} lw ON lw.id = pl.line_of_work_id
            JOIN {_t(Person)} p ON p.id = pl.person_id
            WHERE u.path LIKE %s
              AND pl.starts_on <= %s AND (pl.ends_on IS NULL OR pl.ends_on >= %s)
              AND (p.left_on IS NULL OR p.left_on > %s)
        )"""  # noqa: S608 - table names and integer ids only
    return sql, [*case_params, root.path + "%", on, on, on]


def _bucket(root: OrgUnit, by: str, alias: str) -> tuple[str, list]:
    if by == "group":
        return f"{alias}.group_id", []
    if by == "child":
        return f"SUBSTR({alias}.unit_path, 1, %s)", [OrgUnit.steplen * (root.depth + 1)]
    return f"{alias}.unit_path", []


def _totals(bucket: str, bucket_params: list) -> tuple[str, list]:
    """Staff and the sum of required levels per (bucket, competency)."""
    sql = f"""
        totals AS (
            SELECT g.bucket, r.competency_id, SUM(g.staff) AS staff,
                   SUM(g.staff * rl.rank) AS required_sum
            FROM (
                SELECT {bucket} AS bucket, s.group_id, COUNT(*) AS staff
                FROM staff s GROUP BY {bucket}, s.group_id
            ) g
            JOIN {_t(Requirement)} r ON r.group_id = g.group_id
                 AND r.applicability = 'required'
            JOIN {_t(ProficiencyLevel)} rl ON rl.id = r.required_level_id
            GROUP BY g.bucket, r.competency_id
        )"""  # noqa: S608
    return sql, [*bucket_params, *bucket_params]


_FINAL = """
        SELECT t.bucket, t.competency_id, t.staff, COALESCE(m.meeting, 0),
               (t.required_sum - COALESCE(m.covered, 0)) * 1.0 / t.staff
        FROM totals t
        LEFT JOIN met m ON m.bucket = t.bucket AND m.competency_id = t.competency_id
"""


def rewritten_sql(
    root: OrgUnit, *, framework: Framework, by: str, on: date
) -> tuple[str, list]:
    staff, staff_params = _staff_cte(root, framework, on)
    bucket, bucket_params = _bucket(root, by, "s")
    totals, totals_params = _totals(bucket, bucket_params)
    evidence_sql, evidence_params = verified_evidence_sql(
        on=on,
        scale_id=framework.scale_id,
        framework_id=framework.pk,
        join="JOIN staff s ON s.person_id = e.person_id",
    )
    sql = f"""
        WITH {staff},
        attained AS (
            SELECT s.group_id, {bucket} AS bucket, e.competency_id,
                   MAX(lv.rank) AS rank
            {evidence_sql}
            GROUP BY s.placement_id, s.group_id, {bucket}, e.competency_id
        ),
        met AS (
            SELECT a.bucket, a.competency_id,
                   SUM(CASE WHEN a.rank >= rl.rank THEN 1 ELSE 0 END) AS meeting,
                   SUM(LEAST(a.rank, rl.rank)) AS covered
            FROM attained a
            JOIN {_t(Requirement)} r
                 ON r.group_id = a.group_id AND r.competency_id = a.competency_id
                 AND r.applicability = 'required'
            JOIN {_t(ProficiencyLevel)} rl ON rl.id = r.required_level_id
            GROUP BY a.bucket, a.competency_id
        ),
        {totals}
        {_FINAL}"""  # noqa: S608
    params = [
        *staff_params,
        *bucket_params,
        *evidence_params,
        *bucket_params,
        *totals_params,
    ]
    return sql, params


def attainment_build(*, framework: Framework, on: date) -> float:
    """The table an evidence_record hook would keep: attained rank per pair."""
    started = time.perf_counter()
    evidence_sql, evidence_params = verified_evidence_sql(
        on=on, scale_id=framework.scale_id, framework_id=framework.pk
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {ATTAINMENT_TABLE}")
        cursor.execute(
            f"""
            CREATE TABLE {ATTAINMENT_TABLE} AS
            SELECT e.person_id, e.competency_id, MAX(lv.rank) AS rank
            {evidence_sql}
            GROUP BY e.person_id, e.competency_id
            """,  # noqa: S608
            evidence_params,
        )
        cursor.execute(
            f"CREATE INDEX {ATTAINMENT_TABLE}_pair ON {ATTAINMENT_TABLE} "
            "(person_id, competency_id) INCLUDE (rank)"
        )
        cursor.execute(f"ANALYZE {ATTAINMENT_TABLE}")
    return time.perf_counter() - started


def attainment_sql(
    root: OrgUnit, *, framework: Framework, by: str, on: date
) -> tuple[str, list]:
    staff, staff_params = _staff_cte(root, framework, on)
    bucket, bucket_params = _bucket(root, by, "s")
    totals, totals_params = _totals(bucket, bucket_params)
    sql = f"""
        WITH {staff},
        met AS (
            SELECT {bucket} AS bucket, a.competency_id,
                   SUM(CASE WHEN a.rank >= rl.rank THEN 1 ELSE 0 END) AS meeting,
                   SUM(LEAST(a.rank, rl.rank)) AS covered
            FROM staff s
            JOIN {ATTAINMENT_TABLE} a ON a.person_id = s.person_id
            JOIN {_t(Requirement)} r
                 ON r.group_id = s.group_id AND r.competency_id = a.competency_id
                 AND r.applicability = 'required'
            JOIN {_t(ProficiencyLevel)} rl ON rl.id = r.required_level_id
            GROUP BY {bucket}, a.competency_id
        ),
        {totals}
        {_FINAL}"""  # noqa: S608
    return sql, [*staff_params, *bucket_params, *bucket_params, *totals_params]


def rollup_build(*, framework: Framework, on: date) -> float:
    """Per (unit, group, competency): staff, meeting, gap sum; what a nightly task
    would write, from the rewritten query over the whole organisation by unit."""
    roots = OrgUnit.get_root_nodes()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {ROLLUP_TABLE}")
        cursor.execute(
            f"CREATE TABLE {ROLLUP_TABLE} (unit_path varchar(255), group_id bigint, "
            "competency_id bigint, staff integer, meeting integer, gap_sum bigint)"
        )
        evidence_sql, evidence_params = verified_evidence_sql(
            on=on, scale_id=framework.scale_id, framework_id=framework.pk
        )
        for root in roots:
            staff, staff_params = _staff_cte(root, framework, on)
            cursor.execute(
                f"""
                INSERT INTO {ROLLUP_TABLE}
                WITH {staff},
                attained AS (
                    SELECT e.person_id, e.competency_id, MAX(lv.rank) AS rank
                    {evidence_sql}
                    GROUP BY e.person_id, e.competency_id
                )
                SELECT s.unit_path, s.group_id, r.competency_id, COUNT(*),
                       SUM(CASE WHEN COALESCE(a.rank, 0) >= rl.rank THEN 1 ELSE 0 END),
                       SUM(GREATEST(rl.rank - COALESCE(a.rank, 0), 0))
                FROM staff s
                JOIN {_t(Requirement)} r ON r.group_id = s.group_id
                     AND r.applicability = 'required'
                JOIN {_t(ProficiencyLevel)} rl ON rl.id = r.required_level_id
                LEFT JOIN attained a
                       ON a.person_id = s.person_id
                      AND a.competency_id = r.competency_id
                GROUP BY s.unit_path, s.group_id, r.competency_id
                """,  # noqa: S608
                [*staff_params, *evidence_params],
            )
        cursor.execute(
            f"CREATE INDEX {ROLLUP_TABLE}_path ON {ROLLUP_TABLE} (unit_path)"
        )
        cursor.execute(f"ANALYZE {ROLLUP_TABLE}")
    return time.perf_counter() - started


def rollup_sql(root: OrgUnit, *, by: str) -> tuple[str, list]:
    bucket, bucket_params = _bucket(root, by, "x")
    sql = f"""
        SELECT {bucket} AS bucket, x.competency_id, SUM(x.staff), SUM(x.meeting),
               SUM(x.gap_sum) * 1.0 / SUM(x.staff)
        FROM {ROLLUP_TABLE} x
        WHERE x.unit_path LIKE %s
        GROUP BY {bucket}, x.competency_id
    """  # noqa: S608
    return sql, [*bucket_params, root.path + "%", *bucket_params]


# Session settings tried with the queries: PostgreSQL's JIT compiler, on by default,
# spends seconds compiling these plans (3.5 s of a 6 s run by unit at 100,000 staff),
# and 4 MB of work_mem makes the sorts and hashes spill to disk.
NO_JIT = ["SET jit = off"]
NO_JIT_MORE_MEMORY = ["SET jit = off", "SET work_mem = '64MB'"]


def _rows(sql: str, params: list | None, session: list[str] = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        for statement in session:
            cursor.execute(statement)
        try:
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            if session:
                cursor.execute("RESET ALL")


def _cells(row: tuple) -> tuple:
    """(bucket, competency, staff, meeting, mean gap) from a variant's row, or from a
    row of org_matrices' aggregate (the baseline): (branch, unit path, group id,
    competency, staff, meeting, mean gap), whose bucket is the path or the group."""
    if len(row) == 7:
        _branch, path, group_id, *cells = row
        return (path if path is not None else group_id, *cells)
    return row


def _normalised(rows: list[tuple]) -> list[tuple]:
    return sorted(
        (str(r[0]), int(r[1]), int(r[2]), int(r[3] or 0), round(float(r[4] or 0), 6))
        for r in map(_cells, rows)
    )


def candidates(
    root: OrgUnit, *, framework: Framework, by: str, baseline_sql: str, on: date
) -> dict[str, Callable[[], list[tuple]]]:
    """Each variant as a call returning its rows. The attainment and rollup tables
    must have been built (attainment_build, rollup_build) for `on`."""
    rewritten = rewritten_sql(root, framework=framework, by=by, on=on)
    attainment = attainment_sql(root, framework=framework, by=by, on=on)
    rollup = rollup_sql(root, by=by)
    return {
        "org_matrix SQL (today)": lambda: _rows(baseline_sql, None),
        "same SQL, jit off": lambda: _rows(baseline_sql, None, NO_JIT),
        "same SQL, jit off, 64MB": lambda: _rows(
            baseline_sql, None, NO_JIT_MORE_MEMORY
        ),
        "rewritten, jit off": lambda: _rows(*rewritten, NO_JIT),
        "attainment table, jit off": lambda: _rows(*attainment, NO_JIT),
        "rollup": lambda: _rows(*rollup),
    }


def compare(
    calls: dict[str, Callable[[], list[tuple]]], *, rounds: int = 5
) -> dict[str, dict]:
    """Time the calls in turn, round after round, so that a busy machine slows them
    alike; check that each returns the first call's cells."""
    expected = _normalised(next(iter(calls.values()))())
    results = {
        name: {"same_cells": _normalised(call()) == expected, "seconds": []}
        for name, call in calls.items()
    }
    for _ in range(rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            results[name]["seconds"].append(time.perf_counter() - started)
    for result in results.values():
        result["median"] = statistics.median(result["seconds"])
    return results


def drop_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {ATTAINMENT_TABLE}")
        cursor.execute(f"DROP TABLE IF EXISTS {ROLLUP_TABLE}")
