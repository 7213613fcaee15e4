"""Certificate bundles for an organisation unit (HR officers), not only a course."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_permissions"),
        ("competencies", "0003_admin_permissions"),
        ("courses", "0003_authoring"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificatebundle",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                help_text="Certificates of the staff currently placed in this unit's subtree.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="competencies.orgunit",
                verbose_name="organisation unit",
            ),
        ),
        migrations.AlterField(
            model_name="certificatebundle",
            name="course",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="courses.coursepage",
                verbose_name="course",
            ),
        ),
        migrations.AddConstraint(
            model_name="certificatebundle",
            constraint=models.CheckConstraint(
                condition=models.Q(course__isnull=False) | models.Q(unit__isnull=False),
                name="certificate_bundle_course_or_unit",
            ),
        ),
    ]
