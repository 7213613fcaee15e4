"""Load the shipped Thai digital-skills standards; running it twice changes nothing."""

from django.core.management.base import BaseCommand

from competencies.services import standards_load


class Command(BaseCommand):
    help = (
        "Load the civil-service position structure, the scales and the shipped "
        "frameworks (the 2018 and 2024 digital-skills standards, the government-CIO "
        "standard, the Academy's own framework) with their default requirement "
        "matrices. Existing records are left as administrators edited them; --force "
        "resets everything to the shipped data. Records of earlier shipped data move "
        "as competencies/data/aliases.json says, with their evidence; the "
        "requirements whose meaning changed are listed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite administrators' edits with the shipped data.",
        )

    def handle(self, *args, force: bool = False, **options):
        report = standards_load(force=force)
        for bucket in ("created", "updated", "kept"):
            counts = getattr(report, bucket)
            if counts:
                summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
                self.stdout.write(f"{bucket}: {summary}")
        for line in report.moved:
            self.stdout.write(f"moved: {line}")
        if report.evidence_converted:
            self.stdout.write(
                f"evidence converted to the new scale: {report.evidence_converted}"
            )
        if report.meaning_changed:
            self.stdout.write("Requirements whose meaning changed:")
            for line in report.meaning_changed:
                self.stdout.write(f"  {line}")
        if not report.changed:
            self.stdout.write(
                self.style.SUCCESS("Standards up to date; nothing changed.")
            )
        else:
            self.stdout.write(self.style.SUCCESS("Standards loaded."))
