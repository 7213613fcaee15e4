"""Rebuild the organisation matrix's maintained figures (competencies.rollups)."""

from django.core.management.base import BaseCommand, CommandError

from competencies.models import Framework
from competencies.rollups import matrix_rollup_build


class Command(BaseCommand):
    help = (
        "Rebuild the organisation matrix's maintained figures (entries and per-unit "
        "aggregates) of every active framework, or of the frameworks named."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "codes", nargs="*", help="Framework codes (default: all active)."
        )

    def handle(self, *args, **options):
        frameworks = Framework.objects.filter(status=Framework.Status.ACTIVE)
        if options["codes"]:
            frameworks = Framework.objects.filter(code__in=options["codes"])
            missing = set(options["codes"]) - set(
                frameworks.values_list("code", flat=True)
            )
            if missing:
                raise CommandError(
                    f"No framework with code {', '.join(sorted(missing))}."
                )
        for framework in frameworks.order_by("code"):
            rows = matrix_rollup_build(framework=framework)
            self.stdout.write(f"{framework.code}: {rows} aggregate rows")
