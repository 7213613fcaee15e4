"""Export a framework as CASE 1.1 JSON (read back unchanged) or Moodle's CSV."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from competencies.interchange import export_case_json, export_moodle_csv
from competencies.models import Framework


class Command(BaseCommand):
    help = (
        "Write a competency framework, its proficiency scale and its competency tree "
        "as a 1EdTech CASE 1.1 JSON package, or as the CSV that Moodle's competency "
        "framework import (tool_lpimportcsv) reads, to a file or to standard output."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # BaseCommand's own --version (Django's version) gives way to the framework's.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "framework", help="The framework's code (such as th-dg-2024) or identifier."
        )
        parser.add_argument(
            "--version",
            dest="framework_version",
            help="The version, when the code has several; the active one otherwise.",
        )
        parser.add_argument(
            "-o", "--output", type=Path, help="Write to this file instead of stdout."
        )
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=("case", "moodle"),
            default="case",
            help="case: CASE 1.1 JSON (default); moodle: Moodle's framework CSV.",
        )

    def handle(
        self,
        *args,
        framework: str,
        framework_version=None,
        output=None,
        file_format="case",
        **options,
    ):
        found = self._find(framework, framework_version)
        if file_format == "moodle":
            content = export_moodle_csv(framework=found)
        else:
            content = export_case_json(framework=found).encode("utf-8")
        if output is None:
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        Path(output).write_bytes(content)
        self.stderr.write(_("Wrote %(path)s.") % {"path": output})

    @staticmethod
    def _find(key: str, version: str | None) -> Framework:
        by_identifier = Framework.objects.filter(identifier=key).first()
        if by_identifier is not None:
            return by_identifier
        versions = Framework.objects.filter(code=key).order_by("version")
        if version is not None:
            versions = versions.filter(version=version)
        candidates = list(versions)
        if len(candidates) > 1:
            active = [f for f in candidates if f.status == Framework.Status.ACTIVE]
            if len(active) == 1:
                return active[0]
            raise CommandError(
                _(
                    "%(code)s has several versions (%(versions)s); choose one with --version."
                )
                % {"code": key, "versions": ", ".join(f.version for f in candidates)}
            )
        if not candidates:
            raise CommandError(
                _("No framework has the code or identifier %(key)s%(version)s.")
                % {"key": key, "version": f" (version {version})" if version else ""}
            )
        return candidates[0]
