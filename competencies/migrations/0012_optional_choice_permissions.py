"""Academy administrators choose the optional areas of organisations in the admin."""

from django.db import migrations


def grant(apps, schema_editor):
    from competencies.permissions import grant_standards_permissions

    grant_standards_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [("competencies", "0011_development_records")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
