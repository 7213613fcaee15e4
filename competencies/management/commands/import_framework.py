"""Import a CASE JSON or Moodle CSV framework; refused whole if any part is bad."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from competencies.interchange import (
    FrameworkImportError,
    framework_import,
    parse_framework_file,
)


class Command(BaseCommand):
    help = (
        "Import a competency framework from a 1EdTech CASE 1.0/1.1 JSON package or a "
        "Moodle competency-framework CSV. Importing the same framework again updates "
        "it by identifier. A file with any problem is refused with every problem "
        "listed, and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The CASE JSON or Moodle CSV file.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change, without writing.",
        )

    def handle(self, *args, path: Path, dry_run: bool = False, **options):
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(reason)s")
                % {"path": path, "reason": error.strerror or error}
            ) from error
        try:
            package = parse_framework_file(content, filename=path.name)
            result = framework_import(package=package, dry_run=dry_run)
        except FrameworkImportError as error:
            lines = [
                ngettext(
                    "%(path)s was refused (%(count)d problem); nothing was written:",
                    "%(path)s was refused (%(count)d problems); nothing was written:",
                    len(error.problems),
                )
                % {"path": path, "count": len(error.problems)},
                *(f"  {problem}" for problem in error.problems),
            ]
            raise CommandError("\n".join(lines)) from error

        for warning in result.warnings:
            self.stdout.write(
                self.style.WARNING(_("warning: %(warning)s") % {"warning": warning})
            )
        for bucket, label in (
            ("created", _("created")),
            ("updated", _("updated")),
            ("unchanged", _("unchanged")),
        ):
            counts = getattr(result, bucket)
            if counts:
                summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
                self.stdout.write(f"{label}: {summary}")
        for competency in result.competencies_not_in_file:
            self.stdout.write(
                _("not in file, left as it is: competency %(code)s [%(identifier)s]")
                % {"code": competency.code, "identifier": competency.identifier}
            )
        for level in result.levels_not_in_file:
            self.stdout.write(
                _("not in file, left as it is: level %(code)s") % {"code": level.code}
            )
        framework = result.framework
        if dry_run:
            message = _("Dry run: %(framework)s checked; nothing was written.")
        else:
            message = _("Imported %(framework)s.")
        self.stdout.write(
            self.style.SUCCESS(
                message
                % {
                    "framework": f"{framework.code} {framework.version} [{framework.identifier}]"
                }
            )
        )
