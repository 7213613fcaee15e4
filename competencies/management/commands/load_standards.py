"""Load the shipped Thai digital-skills standards; running it twice changes nothing."""

from django.core.management.base import BaseCommand

from competencies.services import standards_load


class Command(BaseCommand):
    help = (
        "Load the civil-service position structure, the proficiency scale and the "
        "2017/2018 and 2024 digital-skills frameworks with their default requirement "
        "matrices. Existing records are left as administrators edited them; --force "
        "resets everything to the shipped data."
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
        if not report.changed:
            self.stdout.write(
                self.style.SUCCESS("Standards up to date; nothing changed.")
            )
        else:
            self.stdout.write(self.style.SUCCESS("Standards loaded."))
