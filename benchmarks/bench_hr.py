"""The HR workspace at ministry scale: heat map, person page, directory, staff import
and exports. Printed figures, never pass/fail.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/academy_bench_hr \\
        python -m benchmarks.bench_hr --staff 100000

runs on the configured database, whose name must contain "bench": it is migrated, the
standards are loaded and a population of `--staff` civil servants is generated with
demo.population (reused when one of that size is already there). An HR officer
whose scope is the whole ministry then:

- opens the heat map (GET /hr/heatmap/, the ministry by child department; by group)
  aggregated live, then builds the matrix's maintained figures and opens it again as
  production serves it; times org_matrix from those figures for the ministry, a
  department and a division (target: < 200 ms for any subtree) and what keeping them
  current costs a writer (recording evidence, starting a placement); then the staff
  directory, unfiltered and filtered on a competency, timed over repeated runs;
- opens the person page of a sample of people;
- imports a generated staff file of `--import-rows` new people (every unit code,
  position and supervisor valid, the position standard kept: the run stops if the
  dry run finds a bad row): the dry run, the real run, and the same file again, each
  with its number of queries (`--only-import` times this alone; `--import-memory`
  adds each phase's peak Python memory, measured with tracemalloc);
- exports the directory (then at least `--import-rows` people) as CSV and XLSX, the
  CSV's peak Python memory measured with tracemalloc while it streams;
- with accounts and course completions this fiscal year for 60% of the staff (and
  approved outside development for a third of them), opens the fiscal-year report,
  downloads its workbook, the ก.พ.7 register file as CSV and XLSX, and the directory
  report.

The imported people are removed at the end, so the database can be reused.
The issue's targets (PostgreSQL, 100,000 staff): heat map < 2 s, person page < 100 ms,
import of 100,000 rows < 60 s (issue 15).
"""

import argparse
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from typing import TextIO

IMPORT_PREFIX = "BIMP-"
HR_EMAIL = "bench-hr@example.go.th"
TARGETS = {"heat map": 2.0, "person page": 0.100, "import (real run)": 60.0}


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _mib(value: int) -> str:
    return f"{value / 1024 / 1024:.1f} MiB"


def _timed(call, *, runs: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        call()
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return seconds


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * 0.95 + 0.999) - 1, 0)]


def _line(stdout: TextIO, what: str, seconds: list[float], extra: str = "") -> None:
    target = TARGETS.get(what)
    verdict = ""
    if target is not None:
        verdict = (
            f"  (target {_seconds(target)}: "
            f"{'met' if _p95(seconds) < target else 'NOT met'})"
        )
    stdout.write(
        f"  {what:<32} median {_seconds(statistics.median(seconds)):>9}  "
        f"p95 {_seconds(_p95(seconds)):>9}  n={len(seconds)}{extra}{verdict}\n"
    )
    stdout.flush()


def _database_guard() -> None:
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if "bench" not in name:
        raise SystemExit(
            f"The benchmark writes a whole ministry: point DATABASE_URL at a database "
            f"whose name contains 'bench' (now {name!r})."
        )


def _population(staff: int, stdout: TextIO) -> None:
    from django.core.management import call_command

    from competencies.models import Person
    from competencies.services import standards_load
    from demo.population import (
        EMPLOYEE_PREFIX,
        generate_population,
        population_delete,
        population_exists,
    )

    call_command("migrate", interactive=False, verbosity=0)
    standards_load()
    existing = Person.objects.filter(
        employee_number__startswith=EMPLOYEE_PREFIX
    ).count()
    if existing == staff:
        stdout.write(f"Reusing the population of {staff:,} staff.\n")
        return
    if population_exists():
        stdout.write(f"Deleting the population of {existing:,} staff.\n")
        population_delete()
    summary = generate_population(staff=staff)
    stdout.write(
        f"Generated {summary.staff:,} staff, {summary.units} units, "
        f"{summary.evidence:,} evidence rows in {summary.seconds:.0f} s.\n"
    )


def _officer():
    from academy.accounts.roles import Role
    from academy.accounts.services import user_provision
    from competencies.hr.services import hr_scope_assign
    from competencies.models import OrgUnit
    from demo.org_blueprint import MINISTRY_CODE

    user = user_provision(email=HR_EMAIL, roles=(Role.HR_OFFICER,))
    ministry = OrgUnit.objects.get(code=MINISTRY_CODE)
    hr_scope_assign(user=user, unit=ministry)
    return user, ministry


def _client(user):
    from django.test import Client

    from tests.signin import accept_privacy_notice, mark_harness_session

    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    # As a complete sign-in leaves it: MFA passed, the privacy notice accepted.
    accept_privacy_notice(user)
    mark_harness_session(client.session, user)
    return client


def _get(client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    if response.streaming:
        for _chunk in response.streaming_content:
            pass


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        _get(client, url)
    return len(context)


def _national_id(number: int) -> str:
    """A valid 13-digit Thai national ID (mod-11 check digit) made from `number`."""
    body = f"1{number % 10**11:011d}"
    total = sum(int(digit) * (13 - index) for index, digit in enumerate(body))
    return body + str((11 - total % 11) % 10)


def _positions() -> list[tuple[str, str, str, str]]:
    """Every (scheme, position type, level, line of work) the position standard
    allows, by code: each line of work with a published code, with the types of
    its scheme it allows and the levels within its range (LineOfWork.refusal, the
    rule the import applies)."""
    from competencies.models import LineOfWork, PositionType

    types = list(
        PositionType.objects.select_related("scheme").prefetch_related("levels")
    )
    positions = []
    # Lines of work without an OCSC code (named ones only) cannot be named in a file.
    for line in LineOfWork.objects.exclude(code="").select_related(
        "scheme", "level_min", "level_max"
    ):
        for position_type in types:
            if position_type.scheme_id != line.scheme_id:
                continue
            positions.extend(
                (line.scheme.code, position_type.code, level.code, line.code)
                for level in position_type.levels.all()
                if line.refusal(position_type.pk, level) is None
            )
    return sorted(positions)


def staff_file(*, rows: int, ministry, seed: int = 2569) -> bytes:
    """A valid staff file of `rows` new people spread over the ministry's leaf units:
    each one's scheme, position type, level and line of work go together (the
    position standard), and each supervisor is a row above."""
    from competencies.models import OrgUnit

    rng = random.Random(seed)
    units = list(
        OrgUnit.objects.filter(path__startswith=ministry.path, numchild=0).values_list(
            "code", flat=True
        )
    )
    positions = _positions()
    out = [
        "employee_number,national_id,title_th,first_name_th,last_name_th,"
        "first_name_en,last_name_en,email,unit_code,scheme,position_type,"
        "position_level,line_of_work,supervisor_employee_number,start_date\n"
    ]
    for n in range(1, rows + 1):
        scheme, type_code, level_code, line = rng.choice(positions)
        boss = f"{IMPORT_PREFIX}{rng.randint(1, n - 1):07d}" if n > 20 else ""
        day = rng.randint(1, 28)
        start = f"{day:02d}/10/2567" if n % 2 else f"2024-10-{day:02d}"
        out.append(
            f"{IMPORT_PREFIX}{n:07d},{_national_id(900_000_000 + n)},นาย,"
            f"ทดสอบ{n},นำเข้าระบบ,Test{n},Import,bimp{n}@example.go.th,"
            f"{rng.choice(units)},{scheme},{type_code},{level_code},{line},"
            f"{boss},{start}\n"
        )
    return "".join(out).encode("utf-8")


class _QueryCount:
    """Counts the queries sent on the connection (no SQL kept: the bulk inserts of
    an import are megabytes long)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when the
    server runs on this machine (/proc); else None."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _import_phase(call, *, memory: bool) -> tuple[object, float, str]:
    """Run one phase of the import: (result, seconds, what else was measured: the
    queries, the CPU time of this process and of the database backend, which other
    work on the machine does not inflate as it does the wall-clock time, and with
    `memory` the peak Python memory, measured with tracemalloc, which slows it)."""
    from django.db import connection

    counter = _QueryCount()
    if memory:
        tracemalloc.start()
        tracemalloc.reset_peak()
    backend = _backend_cpu()
    cpu = time.process_time()
    started = time.perf_counter()
    try:
        with connection.execute_wrapper(counter):
            result = call()
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
        peak = tracemalloc.get_traced_memory()[1] if memory else None
    finally:
        if memory:
            tracemalloc.stop()
    extra = f"  {counter.count} queries, CPU {_seconds(cpu)} Python"
    if backend is not None:
        extra += f" + {_seconds(_backend_cpu() - backend)} PostgreSQL"
    if peak is not None:
        extra += f", peak Python memory {_mib(peak)}"
    return result, seconds, extra


def staff_import_figures(
    stdout: TextIO, *, user, ministry, import_rows: int, memory: bool = False
) -> dict:
    """The staff import of a generated file of `import_rows` new people: the dry
    run, the real run, and the same file again; the time and the number of queries
    of each (and, with `memory`, its peak Python memory)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from competencies.models import ImportJob, MatrixRollupRun
    from hr.staff_import.services import staff_import_apply_start, staff_import_start

    # A real import marks the matrix stale and queues its rebuild (a reports-queue
    # task; eager here): nothing is maintained during the import, so that its
    # figure is the import's alone.
    MatrixRollupRun.objects.all().delete()
    stdout.write(f"\nStaff import of {import_rows:,} new people\n")
    started = time.perf_counter()
    data = staff_file(rows=import_rows, ministry=ministry)
    stdout.write(
        f"  generated the file: {len(data) / 1024 / 1024:.1f} MB in "
        f"{time.perf_counter() - started:.1f} s\n"
    )

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    def start():
        job = staff_import_start(
            user=user, upload=SimpleUploadedFile("bench.csv", data, "text/csv")
        )
        job.refresh_from_db()
        return job

    job, dry, extra = _import_phase(start, memory=memory)
    stdout.write(f"  dry run: {_seconds(dry)}{extra}  {job.counts}\n")
    if job.counts.get("bad"):
        raise RuntimeError(
            f"The generated file has {job.counts['bad']:,} bad rows: "
            f"{job.report['bad'][:3]}"
        )
    job, real, extra = _import_phase(
        lambda: staff_import_apply_start(job=job, user=user), memory=memory
    )
    if job.status != ImportJob.Status.APPLIED:
        raise RuntimeError(f"The import ended {job.status}: {job.error}")
    _line(stdout, "import (real run)", [real], extra)
    _analyze()
    again, seconds, extra = _import_phase(start, memory=memory)
    stdout.write(
        f"  the same file again (dry run): {_seconds(seconds)}{extra}, "
        f"{again.counts['unchanged']:,} unchanged, {again.counts['changes']} changes\n"
    )
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    stdout.write(
        f"  process max RSS after the import: {_mib(rss_after)} "
        f"(before: {_mib(rss_before)})\n"
    )
    return {"import": {"dry": dry, "real": real}}


def _export(client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url)
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    return time.perf_counter() - started, size


def _analyze() -> None:
    """What autovacuum would have done by then: fresh planner statistics."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _imported_delete() -> int:
    from django.db import transaction

    from competencies.models import Person, Placement
    from competencies.rollups import matrix_maintenance_paused

    people = Person.objects.filter(employee_number__startswith=IMPORT_PREFIX)
    with transaction.atomic(), matrix_maintenance_paused():
        Placement.objects.filter(person__in=people).delete()
        count, _ = people.delete()
    return count


def _matrix_subtrees(stdout: TextIO, *, ministry, runs: int) -> dict:
    """org_matrix from the maintained figures, for the ministry, its largest
    department and one of that department's divisions, by unit, child and group; and
    live (the same cells) for comparison on the ministry."""
    from django.db.models import Count

    from competencies.models import Framework, OrgUnit, Placement
    from competencies.selectors import org_matrix

    framework = Framework.objects.get(code="th-dg-2024", status="active")

    def largest_child(node):
        children = list(
            OrgUnit.objects.filter(path__startswith=node.path, depth=node.depth + 1)
        )
        counts = dict(
            Placement.objects.current()
            .filter(unit__path__startswith=node.path)
            .values_list("unit__path")
            .annotate(n=Count("pk"))
        )
        return max(
            children,
            key=lambda child: sum(
                n for path, n in counts.items() if path.startswith(child.path)
            ),
        )

    department = largest_child(ministry)
    division = largest_child(department)
    figures = {}
    worst = 0.0
    for label, node in (
        ("ministry", ministry),
        (f"department {department.code}", department),
        (f"division {division.code}", division),
    ):
        for by in ("unit", "child", "group"):
            seconds = _timed(
                lambda node=node, by=by: org_matrix(node, framework=framework, by=by),
                runs=runs,
            )
            maintained = org_matrix(node, framework=framework, by=by)
            if not maintained.maintained:
                raise RuntimeError("The maintained figures were not read.")
            _line(stdout, f"org_matrix {label} by {by}", seconds)
            figures[f"org_matrix {label} by {by}"] = seconds
            worst = max(worst, _p95(seconds))
    live = org_matrix(ministry, framework=framework, by="unit", live=True)
    same = live.cells == org_matrix(ministry, framework=framework, by="unit").cells
    stdout.write(
        f"  worst p95 over the subtrees: {_seconds(worst)} (target 200 ms: "
        f"{'met' if worst < 0.2 else 'NOT met'}); maintained cells == live cells "
        f"for the ministry by unit: {same}\n"
    )
    return figures


def _matrix_writes(stdout: TextIO, *, ministry, user, writes: int = 20) -> dict:
    """What keeping the figures current costs a writer: recording evidence (one
    framework refreshed for one person) and starting a placement (every framework),
    each in its own transaction, as a request would."""
    from django.db import transaction
    from django.utils import timezone

    from competencies.models import Competency, Person, Placement
    from competencies.rollups import matrix_people_refresh
    from competencies.services import evidence_record, placement_start
    from demo.population import EMPLOYEE_PREFIX

    rng = random.Random(7)
    people = list(
        Person.objects.filter(employee_number__startswith=EMPLOYEE_PREFIX)
        .order_by("?")
        .values_list("pk", flat=True)[: writes * 2]
    )
    competency = (
        Competency.objects.filter(framework__code="th-dg-2024")
        .exclude(kind="area")
        .select_related("framework__scale")
        .order_by("sort_order")
        .first()
    )
    levels = list(competency.framework.scale.levels.order_by("rank"))
    today = timezone.localdate()
    evidence_seconds, placement_seconds = [], []
    for pk in people[:writes]:
        person = Person.objects.get(pk=pk)
        started = time.perf_counter()
        with transaction.atomic():
            evidence_record(
                person=person,
                competency=competency,
                level=rng.choice(levels),
                source="assessment",
                observed_on=today,
                recorded_by=user,
            )
        evidence_seconds.append(time.perf_counter() - started)
    for pk in people[writes:]:
        person = Person.objects.get(pk=pk)
        current = Placement.objects.current().filter(person=person).first()
        if current is None or current.starts_on >= today:
            continue
        started = time.perf_counter()
        with transaction.atomic():
            placement_start(
                person=person,
                unit=current.unit,
                position_type=current.position_type,
                position_level=current.position_level,
                line_of_work=current.line_of_work,
                starts_on=today,
                supervisor=current.supervisor,
            )
        placement_seconds.append(time.perf_counter() - started)
        # Put the person back as they were (a same-day move, figures refreshed).
        with transaction.atomic():
            Placement.objects.filter(person=person, starts_on=today).delete()
            Placement.objects.filter(pk=current.pk).update(ends_on=current.ends_on)
            matrix_people_refresh([person.pk])
    _line(stdout, "evidence recorded (maintained)", evidence_seconds)
    if placement_seconds:
        _line(stdout, "placement started (maintained)", placement_seconds)
    return {
        "evidence write": evidence_seconds,
        "placement write": placement_seconds,
    }


def _compliance(stdout: TextIO, *, client, user, runs: int) -> dict:
    """A course assigned to the whole ministry: the compliance report and its CSV
    export, counted in SQL over every assignee. Needs one live course (skipped if
    there is none); the assignment is removed afterwards."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from competencies.hr.selectors import hr_access
    from courses.assignments.selectors import AssignmentTarget
    from courses.assignments.services import assignment_create
    from courses.models import CoursePage

    course = CoursePage.objects.live().order_by("pk").first()
    if course is None:
        stdout.write("  compliance: skipped (no live course)\n")
        return {}
    started = time.perf_counter()
    assignment = assignment_create(
        access=hr_access(user),
        course=course,
        due_on=timezone.localdate() + timedelta(days=30),
        target=AssignmentTarget(),
    )
    created = time.perf_counter() - started
    assigned = assignment.assignees.count()
    stdout.write(f"  assigning a course to {assigned:,} people: {_seconds(created)}\n")
    try:
        url = reverse("hr:compliance")
        seconds = _timed(lambda: _get(client, url), runs=runs)
        _line(
            stdout, "compliance report", seconds, f"  {_queries(client, url)} queries"
        )
        elapsed, size = _export(client, reverse("hr:compliance_export", args=["csv"]))
        stdout.write(f"  compliance CSV: {_seconds(elapsed)}, {size:,} bytes\n")
        return {"compliance report": seconds, "assign": created}
    finally:
        assignment.delete()


LEARNING_PREFIX = "bench-learner-"


def _learning_records(stdout: TextIO, *, ministry, share: float = 0.6) -> int:
    """Accounts for a share of the staff, each with one or two course completions in
    this fiscal year and, for one in three, an approved outside development record:
    what the fiscal-year report and the register file read. Bulk-written; removed by
    _learning_delete."""
    from datetime import datetime, timedelta
    from datetime import time as day_time
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from academy.core.thaidate import fiscal_year, fiscal_year_bounds
    from competencies.models import DevelopmentRecord, Person
    from courses.models import CourseCompletion, CoursePage, Enrolment
    from demo.population import EMPLOYEE_PREFIX

    courses = list(CoursePage.objects.live().order_by("pk")[:2])
    if not courses:  # a bare benchmark database: one course, kept for the next run
        from tests.factories import course

        courses = [course("หลักสูตรทดสอบ (benchmark)", slug="bench-fiscal", lessons=1)]
    _learning_delete()
    User = get_user_model()
    rng = random.Random(2570)
    people = list(
        Person.objects.filter(
            employee_number__startswith=EMPLOYEE_PREFIX, user__isnull=True
        ).values_list("pk", "employee_number")
    )
    chosen = [item for item in people if rng.random() < share]
    starts, _ends = fiscal_year_bounds(fiscal_year(timezone.localdate()))
    span = max((timezone.localdate() - starts).days, 1)
    started = time.perf_counter()
    users = User.objects.bulk_create(
        [
            User(email=f"{LEARNING_PREFIX}{number.lower()}@example.go.th")
            for _pk, number in chosen
        ],
        batch_size=2000,
    )
    users = dict(
        User.objects.filter(email__startswith=LEARNING_PREFIX).values_list(
            "email", "pk"
        )
    )
    links = []
    for pk, number in chosen:
        person = Person(pk=pk)
        person.user_id = users[f"{LEARNING_PREFIX}{number.lower()}@example.go.th"]
        links.append(person)
    Person.objects.bulk_update(links, ["user"], batch_size=2000)
    enrolments, completions, records = [], [], []
    for person in links:
        for course in courses[: rng.choice((1, 1, 2))]:
            enrolments.append(
                Enrolment(
                    user_id=person.user_id,
                    course=course,
                    status=Enrolment.Status.COMPLETED,
                )
            )
    Enrolment.objects.bulk_create(enrolments, batch_size=2000)
    for enrolment in Enrolment.objects.filter(
        user__email__startswith=LEARNING_PREFIX
    ).values_list("pk", "user_id", "course_id"):
        day = starts + timedelta(days=rng.randrange(span))
        completions.append(
            CourseCompletion(
                enrolment_id=enrolment[0],
                user_id=enrolment[1],
                course_id=enrolment[2],
                completed_at=timezone.make_aware(datetime.combine(day, day_time(10))),
                learning_hours=Decimal(rng.choice(("3", "6", "12"))),
            )
        )
    CourseCompletion.objects.bulk_create(completions, batch_size=2000)
    now = timezone.now()
    for person in links[::3]:
        day = starts + timedelta(days=rng.randrange(span))
        records.append(
            DevelopmentRecord(
                person_id=person.pk,
                kind=DevelopmentRecord.Kind.TRAINING,
                title="ดูงาน (benchmark)",
                provider=LEARNING_PREFIX,
                starts_on=day,
                ends_on=day,
                hours=Decimal("6"),
                status=DevelopmentRecord.Status.APPROVED,
                decided_at=now,
            )
        )
    DevelopmentRecord.objects.bulk_create(records, batch_size=2000)
    stdout.write(
        f"  learning records: {len(users):,} accounts, {len(completions):,} "
        f"completions, {len(records):,} outside records in "
        f"{_seconds(time.perf_counter() - started)}\n"
    )
    return len(completions)


def _learning_delete() -> None:
    from django.contrib.auth import get_user_model

    from competencies.models import DevelopmentRecord
    from courses.models import CourseCompletion, Enrolment

    DevelopmentRecord.objects.filter(provider=LEARNING_PREFIX).delete()
    learners = get_user_model().objects.filter(email__startswith=LEARNING_PREFIX)
    CourseCompletion.objects.filter(user__in=learners).delete()
    Enrolment.objects.filter(user__in=learners).delete()
    learners.delete()


def _fiscal_reports(stdout: TextIO, *, client, ministry, runs: int) -> dict:
    """The fiscal-year page and workbook and the ก.พ.7 register file (CSV and XLSX)
    for the whole ministry, over the learning records of _learning_records."""
    from django.urls import reverse

    figures: dict = {}
    completions = _learning_records(stdout, ministry=ministry)
    _analyze()
    try:
        url = reverse("hr:fiscal")
        seconds = _timed(lambda: _get(client, url), runs=runs)
        _line(stdout, "fiscal-year page", seconds, f"  {_queries(client, url)} queries")
        figures["fiscal-year page"] = seconds
        for what, url in (
            ("fiscal-year workbook", reverse("hr:fiscal_report")),
            ("register CSV", reverse("hr:register_file", args=["csv"])),
            ("register XLSX", reverse("hr:register_file", args=["xlsx"])),
        ):
            queries = _queries(client, url)
            elapsed, size = _export(client, url)
            stdout.write(
                f"  {what:<32} {_seconds(elapsed):>9}  {size / 1024 / 1024:.1f} MB  "
                f"{queries} queries ({completions:,} completions)\n"
            )
            figures[what] = {"seconds": elapsed, "bytes": size}
        elapsed, size = _export(client, reverse("hr:directory_report"))
        stdout.write(
            f"  {'directory report (XLSX)':<32} {_seconds(elapsed):>9}  "
            f"{size / 1024 / 1024:.1f} MB\n"
        )
        figures["directory report"] = {"seconds": elapsed, "bytes": size}
    finally:
        _learning_delete()
    return figures


def run(
    *,
    stdout: TextIO,
    staff: int | None = 10_000,
    import_rows: int = 100_000,
    runs: int = 5,
    people: int = 50,
    xlsx: bool = True,
    only_import: bool = False,
    import_memory: bool = False,
) -> dict:
    """Time the HR workspace on the configured (benchmark) database; print figures.

    `only_import`: the staff import alone (with `import_memory`, its peak memory).
    """
    from django.db import connection
    from django.urls import reverse

    from competencies.models import (
        Competency,
        Framework,
        MatrixRollupRun,
        OrgUnit,
        Person,
        Placement,
    )
    from competencies.rollups import matrix_rollups_build
    from demo.population import EMPLOYEE_PREFIX

    _database_guard()
    if staff:
        _population(staff, stdout)
    _imported_delete()
    _analyze()
    user, ministry = _officer()
    client = _client(user)
    staff_count = Person.objects.filter(
        employee_number__startswith=EMPLOYEE_PREFIX
    ).count()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()"
            if connection.vendor == "postgresql"
            else "SELECT 'SQLite ' || sqlite_version()"
        )
        version = cursor.fetchone()[0].split(" on ")[0]
    stdout.write(
        f"\nHR workspace, {staff_count:,} staff; {version}; {os.cpu_count()} CPUs; "
        f"load {', '.join(f'{v:.1f}' for v in os.getloadavg())}\n"
    )
    figures: dict = {"staff": staff_count}
    if only_import:
        figures.update(
            staff_import_figures(
                stdout,
                user=user,
                ministry=ministry,
                import_rows=import_rows,
                memory=import_memory,
            )
        )
        stdout.write(f"\nRemoved the {_imported_delete():,} imported people.\n")
        return figures

    framework = Framework.objects.get(code="th-dg-2024", status="active")
    competency = (
        Competency.objects.filter(framework=framework)
        .exclude(kind="area")
        .order_by("sort_order")
        .first()
    )
    heat_maps = [
        ("heat map", reverse("hr:heatmap")),
        ("heat map by group", reverse("hr:heatmap") + "?by=group"),
    ]
    # First aggregated live (nothing maintained yet), then as production serves
    # every subtree: from the maintained figures (competencies.rollups), built here.
    MatrixRollupRun.objects.all().delete()
    for what, url in heat_maps:
        seconds = _timed(lambda url=url: _get(client, url), runs=runs)
        _line(stdout, f"{what} (live)", seconds, f"  {_queries(client, url)} queries")
        figures[f"{what} (live)"] = seconds
    started = time.perf_counter()
    built = matrix_rollups_build()
    seconds = [time.perf_counter() - started]
    _line(stdout, "matrix full rebuild", seconds, f"  {built} rows")
    figures["matrix full rebuild"] = seconds
    figures.update(_matrix_subtrees(stdout, ministry=ministry, runs=runs))
    figures.update(_matrix_writes(stdout, ministry=ministry, user=user))
    pages = [
        *heat_maps,
        ("directory", reverse("hr:directory")),
        (
            f"directory, not meeting {competency.code}",
            reverse("hr:directory")
            + f"?framework={framework.pk}&competency={competency.pk}&meeting=no",
        ),
    ]
    for what, url in pages:
        seconds = _timed(lambda url=url: _get(client, url), runs=runs)
        queries = _queries(client, url)
        _line(stdout, what, seconds, f"  {queries} queries")
        figures[what] = seconds

    sample = list(
        Person.objects.filter(employee_number__startswith=EMPLOYEE_PREFIX)
        .order_by("?")
        .values_list("pk", flat=True)[:people]
    )
    urls = [reverse("hr:person", args=[pk]) for pk in sample]
    _get(client, urls[0])
    seconds = []
    for url in urls:
        started = time.perf_counter()
        _get(client, url)
        seconds.append(time.perf_counter() - started)
    _line(stdout, "person page", seconds, f"  {_queries(client, urls[0])} queries")
    figures["person page"] = seconds

    figures.update(_compliance(stdout, client=client, user=user, runs=runs))
    stdout.write("\nReports by fiscal year and the register file\n")
    figures.update(_fiscal_reports(stdout, client=client, ministry=ministry, runs=runs))

    figures.update(
        staff_import_figures(
            stdout, user=user, ministry=ministry, import_rows=import_rows
        )
    )

    # Exports of the whole directory (staff + imported): time, then peak memory.
    rows = Person.objects.count()
    stdout.write(f"\nExports of the directory (~{rows:,} rows)\n")
    for fmt in ("csv", "xlsx") if xlsx else ("csv",):
        url = reverse("hr:directory_export", args=[fmt])
        elapsed, size = _export(client, url)
        stdout.write(
            f"  {fmt.upper():<5} {_seconds(elapsed):>9}  {size / 1024 / 1024:.1f} MB\n"
        )
        figures[f"export {fmt}"] = {"seconds": elapsed, "bytes": size}
    # tracemalloc slows openpyxl several times over: XLSX's peak is taken on one
    # department, CSV's on both, to show the peak does not grow with the rows.
    department = (
        OrgUnit.objects.filter(path__startswith=ministry.path, depth=ministry.depth + 1)
        .order_by("path")
        .first()
    )
    subset = (
        Placement.objects.current()
        .filter(unit__path__startswith=department.path)
        .count()
    )
    for fmt, query, count in (
        ("csv", "", rows),
        ("csv", f"?unit={department.pk}", subset),
        ("xlsx", f"?unit={department.pk}", subset),
    ):
        url = reverse("hr:directory_export", args=[fmt]) + query
        tracemalloc.start()
        tracemalloc.reset_peak()
        _export(client, url)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        stdout.write(
            f"  peak Python memory, {fmt.upper()} of {count:,} rows: {_mib(peak)}\n"
        )
        figures[f"peak {fmt} {count}"] = peak

    removed = _imported_delete()
    stdout.write(f"\nRemoved the {removed:,} imported people.\n")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, default=10_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--no-xlsx", action="store_true")
    parser.add_argument(
        "--only-import", action="store_true", help="time the staff import alone"
    )
    parser.add_argument(
        "--import-memory",
        action="store_true",
        help="measure the import's peak Python memory (tracemalloc: slower)",
    )
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.test")
    import django

    django.setup()
    run(
        stdout=sys.stdout,
        staff=options.staff,
        import_rows=options.import_rows,
        runs=options.runs,
        people=options.people,
        xlsx=not options.no_xlsx,
        only_import=options.only_import,
        import_memory=options.import_memory,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
