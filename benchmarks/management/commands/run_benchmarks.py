"""`make bench`: time the competency selectors on generated ministries of 10k and 100k staff.

Each size gets a fresh benchmark database (PostgreSQL: `academy_bench` beside the
configured one; SQLite: `var/academy_bench.sqlite3`), migrated, with the standards and
a synthetic 30-competency framework; the population is generated in a child process so
that the benchmark process's memory figures are those of the selectors alone.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from benchmarks import bench_competencies as bench
from benchmarks import matrix_variants
from benchmarks.wide_framework import WIDE_CODE, wide_framework_ensure
from competencies.models import Framework, MatrixRollupRun, Person
from competencies.selectors import org_matrix
from competencies.services import matrix_rollup_build, standards_load
from demo.population import EMPLOYEE_PREFIX

SQLITE_MAX_STAFF = 10_000


class Command(BaseCommand):
    help = (
        "Generate ministries of 10,000 and 100,000 staff in a dedicated database and "
        "print the time and memory of org_matrix and person_profile against the "
        "issue's targets. Figures, never pass/fail."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--staff",
            default="10000,100000",
            help="Comma-separated staff counts (default 10000,100000).",
        )
        parser.add_argument("--seed", type=int, default=2569)
        parser.add_argument(
            "--runs", type=int, default=10, help="Timed runs per matrix (default 10)."
        )
        parser.add_argument(
            "--people", type=int, default=200, help="People whose profile is timed."
        )
        parser.add_argument(
            "--database",
            default="academy_bench",
            help="Benchmark database name (must contain 'bench'); dropped and "
            "re-created for each size.",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Keep a population of the same size already in the benchmark "
            "database instead of generating a new one.",
        )
        parser.add_argument(
            "--no-wide",
            action="store_true",
            help="Skip the synthetic 30-competency framework.",
        )
        parser.add_argument(
            "--explain",
            action="store_true",
            help="Print EXPLAIN (ANALYZE, BUFFERS) of the ministry matrix query "
            "(by child and by unit).",
        )
        parser.add_argument(
            "--try-indexes",
            action="store_true",
            help="Also time the matrix with benchmarks/sql/suggested_indexes.sql "
            "applied (then dropped again).",
        )
        parser.add_argument(
            "--variants",
            action="store_true",
            help="Also time the alternative matrix queries of "
            "benchmarks/matrix_variants.py against org_matrix's (PostgreSQL).",
        )
        parser.add_argument(
            "--json", type=Path, metavar="PATH", help="Write the figures as JSON."
        )
        parser.add_argument(
            "--assessments",
            action="store_true",
            help="Only time grading 200 simultaneous assessment submissions "
            "(benchmarks/bench_assessments.py) in the benchmark database.",
        )

    def handle(self, *args, **options):
        name = options["database"]
        if "bench" not in name:
            raise CommandError("The benchmark database's name must contain 'bench'.")
        sizes = [int(part) for part in options["staff"].split(",") if part.strip()]
        vendor = connection.vendor
        if vendor == "sqlite":
            self.stdout.write(
                self.style.WARNING(
                    "DATABASE_URL is SQLite: the figures that matter are PostgreSQL's. "
                    "Running at most 10,000 staff; set DATABASE_URL=postgres://... for "
                    "the full benchmark."
                )
            )
            sizes = [size for size in sizes if size <= SQLITE_MAX_STAFF] or [
                SQLITE_MAX_STAFF
            ]
        elif vendor != "postgresql":
            raise CommandError(f"Unsupported database {vendor}.")
        if name == connection.settings_dict["NAME"]:
            raise CommandError("The benchmark database must not be the main database.")
        if options["assessments"]:
            from benchmarks import bench_assessments

            self._use_database(name, reuse=True)
            call_command("migrate", interactive=False, verbosity=0)
            bench_assessments.run(stdout=self.stdout)
            return

        results = []
        for number, staff in enumerate(sizes):
            results.append(
                self._one_size(staff, name=name, options=options, first=number == 0)
            )
        self._summary(results)
        if options["json"]:
            options["json"].write_text(json.dumps(results, indent=2), encoding="utf-8")
            self.stdout.write(f"Figures written to {options['json']}.")

    # --------------------------------------------------------------------------

    def _header(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT version()"
                if connection.vendor == "postgresql"
                else "SELECT 'SQLite ' || sqlite_version()"
            )
            version = cursor.fetchone()[0].split(" on ")[0]
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        self.stdout.write(
            f"Database: {version}; {os.cpu_count()} CPUs; load average {load}; "
            f"DEBUG={settings.DEBUG}"
        )
        if settings.DEBUG:
            self.stdout.write(
                "  (DEBUG logs every query, adding a little to each call; "
                "DJANGO_SETTINGS_MODULE=academy.settings.test turns it off)"
            )

    def _one_size(self, staff: int, *, name: str, options: dict, first: bool) -> dict:
        child_url = self._use_database(name, reuse=options["reuse"])
        if first:  # the server's version, from the benchmark database itself
            self._header()
        self.stdout.write(self.style.MIGRATE_HEADING(f"\n== {staff:,} staff =="))
        reused = options["reuse"] and self._population_size() == staff
        if reused:
            self.stdout.write("Reusing the population already generated.")
            generation = None
        else:
            self._prepare_database(wide=not options["no_wide"])
            generation = self._generate(
                staff, seed=options["seed"], url=child_url, wide=not options["no_wide"]
            )
        started = time.perf_counter()
        self._vacuum_analyze()
        self.stdout.write(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f} s")

        frameworks = [Framework.objects.get(code="th-dg-2024", status="active")]
        wide = Framework.objects.filter(code=WIDE_CODE).first()
        if wide is not None and not options["no_wide"]:
            frameworks.append(wide)
        roots = bench.benchmark_roots()
        # Live first: a rollup left by an earlier run today (--reuse, bench_hr) would
        # otherwise be read by the subtrees large enough for it.
        MatrixRollupRun.objects.all().delete()
        timings = []
        for label, root in roots:
            for framework in frameworks:
                for by in ("child", "unit", "group"):
                    timing = bench.bench_matrix(
                        label=label,
                        root=root,
                        framework=framework,
                        by=by,
                        runs=options["runs"],
                    )
                    timing.what = "org_matrix (live)"
                    self.stdout.write(
                        f"  {timing.what} {timing.scope} {timing.detail}: median "
                        f"{bench.seconds_text(timing.median)}, p95 "
                        f"{bench.seconds_text(timing.p95)}"
                    )
                    timings.append(timing)
        # The same matrices from the maintained figures (competencies.rollups), as
        # production serves every subtree once they are built.
        for framework in frameworks:
            started = time.perf_counter()
            rows = matrix_rollup_build(framework=framework)
            self.stdout.write(
                f"  matrix rollup {framework.code}: built in "
                f"{time.perf_counter() - started:.1f} s ({rows:,} rows)"
            )
        for label, root in roots:
            for framework in frameworks:
                for by in ("child", "unit", "group"):
                    timing = bench.bench_matrix(
                        label=label,
                        root=root,
                        framework=framework,
                        by=by,
                        runs=options["runs"],
                    )
                    source = (
                        "maintained"
                        if org_matrix(root, framework=framework, by=by).maintained
                        else "live"
                    )
                    timing.what = f"org_matrix ({source})"
                    self.stdout.write(
                        f"  {timing.what} {timing.scope} {timing.detail}: median "
                        f"{bench.seconds_text(timing.median)}, p95 "
                        f"{bench.seconds_text(timing.p95)}"
                    )
                    timings.append(timing)
        people = bench.sample_people(count=options["people"], seed=options["seed"])
        profile = bench.bench_profiles(people=people)
        timings.append(profile)
        self.stdout.write(
            f"  person_profile: median {bench.seconds_text(profile.median)}, "
            f"p95 {bench.seconds_text(profile.p95)}"
        )

        if options["explain"]:
            for framework in frameworks:
                for by in ("child", "unit"):
                    self.stdout.write(
                        f"\nEXPLAIN org_matrix(ministry, {framework.code}, by={by}):"
                    )
                    self.stdout.write(
                        bench.explain_matrix(
                            root=roots[0][1], framework=framework, by=by
                        )
                    )
        self.stdout.write("")
        if generation:
            self.stdout.write(
                f"Generated in {generation['seconds']:.1f} s "
                f"(of which {generation['wide_seconds']:.1f} s for the synthetic "
                f"framework's evidence); {generation['evidence']:,} evidence rows; "
                f"generator max RSS {generation['max_rss_mib']:,.0f} MiB"
            )
        self.stdout.write(bench.table(timings))
        max_rss = bench.max_rss_bytes() / 2**20
        self.stdout.write(f"Benchmark process max RSS: {max_rss:,.0f} MiB")

        with_indexes = []
        if options["try_indexes"]:
            with_indexes = self._with_indexes(roots[0], frameworks, options)
        variants = []
        if options["variants"] and connection.vendor == "postgresql":
            variants = self._variants(roots[0][1], frameworks, options)
        return {
            "staff": staff,
            "generation": generation,
            "timings": [self._as_dict(timing) for timing in timings],
            "with_suggested_indexes": with_indexes,
            "matrix_variants": variants,
            "benchmark_max_rss_mib": max_rss,
            "load_average": os.getloadavg(),
        }

    # --------------------------------------------------------------------------

    def _use_database(self, name: str, *, reuse: bool) -> str:
        """Point the default connection at the benchmark database; return its URL
        for the generator's process. The database is re-created unless reused."""
        if connection.vendor == "sqlite":
            path = Path(connection.settings_dict["NAME"]).parent / f"{name}.sqlite3"
            connection.close()
            if not (reuse and path.exists()):
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            self._switch(str(path))
            return f"sqlite:///{path}"
        self._switch(name, create=True, keep=reuse)
        url = os.environ.get("DATABASE_URL", "")
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path="/" + name))

    def _switch(self, name: str, *, create: bool = False, keep: bool = False) -> None:
        connection.close()
        if create:
            self._recreate_postgres(name, keep=keep)
        # As Django's test runner does when it switches to the test database.
        settings.DATABASES["default"]["NAME"] = name
        connection.settings_dict["NAME"] = name

    def _recreate_postgres(self, name: str, *, keep: bool) -> None:
        import psycopg
        from psycopg import sql

        settings_dict = connection.settings_dict
        with psycopg.connect(
            dbname="postgres",
            host=settings_dict["HOST"] or None,
            port=settings_dict["PORT"] or None,
            user=settings_dict["USER"] or None,
            password=settings_dict["PASSWORD"] or None,
            autocommit=True,
        ) as maintenance:
            exists = maintenance.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if exists and keep:
                return
            if exists:
                maintenance.execute(
                    sql.SQL("DROP DATABASE {}").format(sql.Identifier(name))
                )
            maintenance.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            )

    def _prepare_database(self, *, wide: bool) -> None:
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        if not Framework.objects.exists():
            standards_load()
        if wide:
            wide_framework_ensure()
        self.stdout.write(
            f"Benchmark database migrated and loaded: {time.perf_counter() - started:.1f} s"
        )

    def _population_size(self) -> int:
        if Person._meta.db_table not in connection.introspection.table_names():
            return 0  # a fresh database, not migrated yet
        return Person.objects.filter(
            employee_number__startswith=EMPLOYEE_PREFIX
        ).count()

    def _generate(self, staff: int, *, seed: int, url: str, wide: bool) -> dict:
        var = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var"))
        summary_path = var / f"bench-population-{staff}.json"
        summary_path.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "generate_population",
            "--staff",
            str(staff),
            "--seed",
            str(seed),
            "--reset",
            "--json",
            str(summary_path),
        ]
        frameworks = list(
            Framework.objects.filter(status=Framework.Status.ACTIVE).values_list(
                "code", flat=True
            )
        )
        if wide:
            frameworks.append(WIDE_CODE)
        for code in frameworks:
            command += ["--framework", code]
        environment = {**os.environ, "DATABASE_URL": url}
        self.stdout.write("Generating: " + " ".join(command[1:]))
        started = time.perf_counter()
        with subprocess.Popen(
            command, env=environment, stdout=subprocess.PIPE, text=True
        ) as child:
            for line in child.stdout:
                self.stdout.write("  | " + line.rstrip())
        if child.returncode:
            raise CommandError(f"generate_population failed ({child.returncode}).")
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        summary["wall_seconds"] = time.perf_counter() - started
        summary["wide_seconds"] = summary["timings"].get(f"evidence {WIDE_CODE}", 0.0)
        return summary

    def _vacuum_analyze(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
            )

    def _with_indexes(self, root, frameworks, options) -> list[dict]:
        """The matrix with and without the suggested indexes, alternating round by
        round (the first round is a warm-up) so that the machine's load falls on
        both alike; the indexes are dropped at the end."""
        if connection.vendor != "postgresql":
            return []
        creates, drops = bench.suggested_index_statements()
        _, unit = root
        configs = [(fw, by) for fw in frameworks for by in ("child", "unit", "group")]
        seconds = {(fw.code, by, state): [] for fw, by in configs for state in (0, 1)}
        build = []
        try:
            for round_number in range(max(options["runs"] // 2, 3) + 1):
                for state, statements in ((0, drops), (1, creates)):
                    started = time.perf_counter()
                    bench.run_sql(statements)
                    if state:
                        build.append(time.perf_counter() - started)
                    for framework, by in configs:
                        started = time.perf_counter()
                        org_matrix(unit, framework=framework, by=by)
                        if round_number:
                            seconds[(framework.code, by, state)].append(
                                time.perf_counter() - started
                            )
            if options["explain"]:
                self.stdout.write(
                    "\nEXPLAIN with the suggested indexes:\n"
                    + bench.explain_matrix(
                        root=unit, framework=frameworks[0], by="child"
                    )
                )
        finally:
            bench.run_sql(drops)
        self.stdout.write(
            f"\nSuggested indexes (built in {statistics.median(build):.1f} s), "
            "ministry matrix, median without -> with:"
        )
        rows = []
        for framework, by in configs:
            without = statistics.median(seconds[(framework.code, by, 0)])
            with_index = statistics.median(seconds[(framework.code, by, 1)])
            rows.append(
                {
                    "framework": framework.code,
                    "by": by,
                    "median_without_s": without,
                    "median_with_s": with_index,
                }
            )
            self.stdout.write(
                f"  {framework.code} by={by:<5} {bench.seconds_text(without):>9} -> "
                f"{bench.seconds_text(with_index):>9} "
                f"({(with_index / without - 1) * 100:+.0f}%)"
            )
        return rows

    def _variants(self, root, frameworks, options) -> list[dict]:
        on = timezone.localdate()
        rows = []
        try:
            for framework in frameworks:
                built = matrix_variants.attainment_build(framework=framework, on=on)
                self.stdout.write(
                    f"\nAttainment table for {framework.code} built in {built:.1f} s"
                )
                built = matrix_variants.rollup_build(framework=framework, on=on)
                self.stdout.write(f"Rollup for {framework.code} built in {built:.1f} s")
                for by in ("child", "unit", "group"):
                    baseline = bench.matrix_sql(root=root, framework=framework, by=by)
                    calls = matrix_variants.candidates(
                        root, framework=framework, by=by, baseline_sql=baseline, on=on
                    )
                    compared = matrix_variants.compare(
                        calls, rounds=max(options["runs"] // 2, 3)
                    )
                    for name, figures in compared.items():
                        rows.append(
                            {
                                "framework": framework.code,
                                "by": by,
                                "variant": name,
                                "median_s": figures["median"],
                                "same_cells": figures["same_cells"],
                                "runs_s": figures["seconds"],
                            }
                        )
                        self.stdout.write(
                            f"  {framework.code} by={by:<5} {name:<24} median "
                            f"{bench.seconds_text(figures['median']):>9}"
                            f"{'' if figures['same_cells'] else '  DIFFERENT CELLS'}"
                        )
        finally:
            matrix_variants.drop_tables()
        return rows

    @staticmethod
    def _as_dict(timing) -> dict:
        return {
            "what": timing.what,
            "scope": timing.scope,
            "detail": timing.detail,
            "median_s": timing.median,
            "p95_s": timing.p95,
            "target_s": timing.target,
            "met": timing.met,
            "queries": timing.queries,
            "peak_traced_mib": (timing.peak_bytes or 0) / 2**20,
            "runs_s": timing.seconds,
        }

    def _summary(self, results: list[dict]) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING("\n== Summary =="))
        for result in results:
            generation = result["generation"]
            timings = result["timings"]
            matrices = [item for item in timings if item["what"] == "org_matrix (live)"]
            worst = max(matrices, key=lambda item: item["p95_s"])
            profile = next(item for item in timings if item["what"] == "person_profile")
            self.stdout.write(
                f"{result['staff']:>7,} staff: "
                + (
                    f"generated in {generation['seconds']:.0f} s "
                    f"({generation['wide_seconds']:.0f} s of it writing the "
                    "synthetic framework's evidence); "
                    if generation
                    else "population reused; "
                )
                + f"slowest matrix p95 {bench.seconds_text(worst['p95_s'])} "
                f"({worst['scope']}, {worst['detail']}) "
                f"{'meets' if worst['met'] else 'MISSES'} < 2 s; "
                f"profile median {bench.seconds_text(profile['median_s'])}, "
                f"p95 {bench.seconds_text(profile['p95_s'])} "
                f"{'meets' if profile['met'] else 'MISSES'} < 50 ms; "
                f"benchmark max RSS {result['benchmark_max_rss_mib']:,.0f} MiB"
            )
