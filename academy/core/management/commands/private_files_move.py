"""`python manage.py private_files_move`: private files out of MEDIA_ROOT; idempotent."""

from django.core.management.base import BaseCommand

from academy.core.storage import private_files_move


class Command(BaseCommand):
    help = (
        "Move certificate PDFs, HR bundles, evidence attachments and documents stored "
        "under MEDIA_ROOT into the private storage, under new random names."
    )

    def handle(self, *args, **options):
        log = self.stdout.write if options["verbosity"] > 1 else None
        moved = private_files_move(log=log)
        if options["verbosity"]:
            self.stdout.write(f"{moved} private file(s) moved.")
