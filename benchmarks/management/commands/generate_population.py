"""Generate the fictional ministry and its staff for benchmarks (see demo/population)."""

import dataclasses
import json
import resource
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from competencies.models import Framework
from demo.population import (
    generate_population,
    population_delete,
    population_exists,
)


class Command(BaseCommand):
    help = (
        "Generate a ministry-sized organisation with staff, placements and evidence "
        "for benchmarks. Refuses to run over an existing generated population unless "
        "--reset, which deletes it first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--staff", type=int, required=True, help="Number of staff.")
        parser.add_argument("--seed", type=int, default=2569, help="Random seed.")
        parser.add_argument(
            "--no-evidence",
            action="store_true",
            help="Only the organisation, people and placements.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the generated organisation and people first.",
        )
        parser.add_argument(
            "--framework",
            action="append",
            dest="frameworks",
            metavar="CODE",
            help=(
                "Generate evidence on this framework (its active version, else its "
                "latest); repeat for several. Default: every active framework."
            ),
        )
        parser.add_argument(
            "--json",
            type=Path,
            metavar="PATH",
            help="Also write the summary, with timings, to this JSON file.",
        )

    def handle(self, *args, **options):
        staff = options["staff"]
        if staff < 1:
            raise CommandError("--staff must be a positive number.")
        if population_exists():
            if not options["reset"]:
                raise CommandError(
                    "A generated population already exists; run with --reset to "
                    "delete it and generate a new one."
                )
            started = time.perf_counter()
            deleted = population_delete()
            self.stdout.write(
                "Deleted "
                + ", ".join(f"{count:,} {kind}" for kind, count in deleted.items())
                + f" ({time.perf_counter() - started:.1f} s)"
            )
        frameworks = None
        if options["frameworks"]:
            frameworks = [self._framework(code) for code in options["frameworks"]]
        try:
            summary = generate_population(
                staff=staff,
                seed=options["seed"],
                with_evidence=not options["no_evidence"],
                frameworks=frameworks,
                stdout=self.stdout,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        for line in summary.lines():
            self.stdout.write(line)
        max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if options["json"]:
            options["json"].write_text(
                json.dumps(
                    {**dataclasses.asdict(summary), "max_rss_mib": max_rss}, indent=2
                ),
                encoding="utf-8",
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {summary.staff:,} staff in {summary.seconds:.1f} s "
                f"(process max RSS {max_rss:,.0f} MiB)."
            )
        )

    def _framework(self, code: str) -> Framework:
        """The active version of a framework, else its most recently adopted one."""
        framework = (
            Framework.objects.filter(code=code, status=Framework.Status.ACTIVE).first()
            or Framework.objects.filter(code=code)
            .order_by("-adopted_on", "-pk")
            .first()
        )
        if framework is None:
            raise CommandError(f"No framework with code {code!r}.")
        return framework
