"""Send past learning events to the LRS as xAPI statements (idempotent: same ids)."""

from django.core.management.base import BaseCommand, CommandError

from competencies.xapi import services


class Command(BaseCommand):
    help = (
        "Record every past learning event not yet in the xAPI outbox and queue it "
        "for the LRS. Running it again sends nothing twice (statement ids are "
        "derived from the events)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--event",
            action="append",
            choices=services.EVENTS,
            help="Only this kind of event (repeatable); default: every kind switched on.",
        )

    def handle(self, *args, event=None, **options):
        if not services.lrs_configured():
            raise CommandError(
                "No LRS is configured: set ACADEMY_XAPI_ENDPOINT (docs/xapi.md)."
            )
        try:
            report = services.backfill(events=event)
        except ValueError as error:
            raise CommandError(str(error)) from error
        for name, count in report.recorded.items():
            self.stdout.write(f"{name}: {count} recorded")
