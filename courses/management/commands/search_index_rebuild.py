"""`python manage.py search_index_rebuild`: read every live course and lesson again into
the search index. Publishing keeps the index current; run this after a bulk import, a
competency renamed, or on a database migrated from before the index existed."""

from django.core.management.base import BaseCommand

from courses.search.services import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the course search index from the live courses and lessons."

    def handle(self, *args, **options):
        report = search_index_rebuild()
        self.stdout.write(
            f"Search index: {report.courses} courses, {report.entries} entries."
        )
