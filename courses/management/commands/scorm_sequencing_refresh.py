"""`python manage.py scorm_sequencing_refresh`: read every stored SCORM package's
manifest again for its sequencing (courses/scorm/sequencing.py). Packages uploaded
before the Academy read sequencing play with choice and flow only: after this, a
forced-order package plays in order. Run once after deploying; running it again
changes nothing."""

from django.core.management.base import BaseCommand

from courses.models import ScormPackage
from courses.scorm.package import PackageError
from courses.scorm.services import package_sequencing_refresh


class Command(BaseCommand):
    help = "Read the sequencing of every stored SCORM package again from its manifest."

    def handle(self, *args, **options):
        changed = failed = 0
        for package in ScormPackage.objects.order_by("pk").iterator():
            try:
                changed += package_sequencing_refresh(package)
            except (PackageError, OSError) as error:
                failed += 1
                self.stderr.write(f"SCORM package {package.pk}: {error}")
        self.stdout.write(f"SCORM packages: {changed} updated, {failed} not read.")
