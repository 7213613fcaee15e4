"""Staff-file column maps belong to an organisation, whose HR officers keep them."""

import django.db.models.deletion
from django.db import migrations, models


def owners_from_authors(apps, schema_editor):
    """A map saved before maps had an organisation belongs to its author's first HR
    scope (the outermost unit); without one it stays shared (administrators')."""
    StaffColumnMap = apps.get_model("competencies", "StaffColumnMap")
    HRScope = apps.get_model("competencies", "HRScope")
    for column_map in StaffColumnMap.objects.filter(
        unit__isnull=True, created_by__isnull=False
    ):
        scope = (
            HRScope.objects.filter(user_id=column_map.created_by_id)
            .order_by("unit__depth", "unit__path")
            .first()
        )
        if scope is not None:
            column_map.unit_id = scope.unit_id
            column_map.save(update_fields=["unit"])


class Migration(migrations.Migration):

    dependencies = [
        ('competencies', '0013_placement_scheme'),
    ]

    operations = [
        migrations.AddField(
            model_name='staffcolumnmap',
            name='unit',
            field=models.ForeignKey(blank=True, help_text='The HR officers of this organisation keep the map; empty: shared, kept by Academy administrators.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='competencies.orgunit', verbose_name='organisation'),
        ),
        migrations.RunPython(owners_from_authors, migrations.RunPython.noop),
    ]
