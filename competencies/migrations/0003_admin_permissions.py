"""Academy administrators manage the standards in the Wagtail admin from the start."""

from django.db import migrations


def grant(apps, schema_editor):
    from competencies.permissions import grant_standards_permissions

    grant_standards_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("competencies", "0002_hr_workspace"),
        ("accounts", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
