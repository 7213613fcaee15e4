"""Placements record their staff scheme (ข้าราชการพลเรือนสามัญ unless said otherwise;
a database default, so the previous release's inserts keep working); frameworks say
which schemes they cover."""

import django.db.models.deletion
from django.db import migrations, models


def civil_service_before(apps, schema_editor):
    """The default scheme must exist before existing placements point at it."""
    Placement = apps.get_model("competencies", "Placement")
    StaffScheme = apps.get_model("competencies", "StaffScheme")
    if Placement.objects.exists():
        StaffScheme.objects.get_or_create(
            code="civil-service",
            defaults={
                "name_th": "ข้าราชการพลเรือนสามัญ",
                "name_en": "Ordinary civil service",
            },
        )


def scheme_from_position_type(apps, schema_editor):
    """A placement whose position type is of another scheme takes that scheme."""
    Placement = apps.get_model("competencies", "Placement")
    PositionType = apps.get_model("competencies", "PositionType")
    other = PositionType.objects.exclude(scheme__code="civil-service").values_list(
        "pk", "scheme__code"
    )
    for type_id, code in other:
        Placement.objects.filter(position_type_id=type_id).update(scheme_id=code)


def grant(apps, schema_editor):
    from competencies.permissions import grant_standards_permissions

    grant_standards_permissions(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('competencies', '0012_optional_choice_permissions'),
    ]

    operations = [
        migrations.RunPython(civil_service_before, migrations.RunPython.noop),
        migrations.AddField(
            model_name='placement',
            name='scheme',
            field=models.ForeignKey(blank=True, db_default='civil-service', help_text="ข้าราชการพลเรือนสามัญ, พนักงานราชการ, ลูกจ้างประจำ, …: the position type and the line of work must be of this scheme. Left empty: the position type's.", on_delete=django.db.models.deletion.PROTECT, related_name='placements', to='competencies.staffscheme', to_field='code', verbose_name='staff scheme'),
        ),
        migrations.CreateModel(
            name='SchemeCoverage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('provenance', models.CharField(choices=[('published', 'Published'), ('derived', 'Derived'), ('to_confirm', 'To confirm')], default='to_confirm', help_text='Published: a public source says so (give its address and revision). Derived: worked out from published facts (say how in the note). To confirm: not yet checked against an official text.', max_length=16, verbose_name='provenance')),
                ('source_url', models.URLField(blank=True, max_length=500, verbose_name='source address')),
                ('source_revision', models.CharField(blank=True, help_text='The revision or date of the source as it prints it.', max_length=128, verbose_name='source revision')),
                ('source_note', models.TextField(blank=True, help_text="Where this comes from. Items not yet checked against the official text say 'to confirm' here.", verbose_name='source note')),
                ('covered', models.BooleanField(default=False, help_text="The framework's requirements count for this scheme's staff. Leave it off while coverage is not established: no gap is then counted for them.", verbose_name='covered')),
                ('framework', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scheme_coverage', to='competencies.framework')),
                ('scheme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='coverage', to='competencies.staffscheme', to_field='code')),
            ],
            options={
                'verbose_name': 'scheme covered by a framework',
                'verbose_name_plural': 'schemes covered by frameworks',
                'ordering': ['framework', 'scheme'],
                'constraints': [models.UniqueConstraint(fields=('framework', 'scheme'), name='scheme_coverage_unique')],
            },
        ),
        migrations.RunPython(scheme_from_position_type, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
