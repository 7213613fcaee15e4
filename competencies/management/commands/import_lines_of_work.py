"""Import the OCSC list of lines of work (สายงาน) from CSV; a dry run unless --apply."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from competencies.services import lines_of_work_import


class Command(BaseCommand):
    help = (
        "Read the OCSC list of lines of work (CSV: code, name_th, name_en, "
        "position_type, level_min, level_max, category) and report what would change; "
        "with --apply, write it. A file with any bad line changes nothing; running it "
        "twice changes nothing the second time. A line of work without a published "
        "code keeps an empty code."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--apply", action="store_true", help="Write the changes.")

    def handle(self, *args, path: str, apply: bool = False, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        result = lines_of_work_import(
            content=file.read_bytes(), source_name=file.name, apply=apply
        )
        if result.errors:
            for line, message in result.errors:
                self.stderr.write(f"line {line}: {message}")
            raise CommandError(
                f"{len(result.errors)} line(s) refused; nothing changed."
            )
        verb = "" if result.applied else "would be "
        self.stdout.write(
            f"{result.created} {verb}created, {result.updated} {verb}updated, "
            f"{result.unchanged} unchanged."
        )
