"""The course search index, the synonym list administrators extend (seeded with the
variants learners type most), and on PostgreSQL the pg_trgm extension with a trigram
index on the indexed words, for typo-tolerant search. Safe to run again."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SEED_SYNONYMS = [
    "พรบ\nพ.ร.บ.\nพระราชบัญญัติ",
    "AI\nปัญญาประดิษฐ์\nartificial intelligence\nเอไอ",
    "ดิจิตอล\nดิจิทัล\ndigital",
    "cyber\ncybersecurity\ncyber security\nไซเบอร์\nความมั่นคงปลอดภัยไซเบอร์\n"
    "ความปลอดภัยไซเบอร์",
    "ความปลอดภัย\nความมั่นคงปลอดภัย\nsecurity",
    "PDPA\nคุ้มครองข้อมูลส่วนบุคคล\npersonal data protection",
]
ADMIN_ACTIONS = ("add", "change", "delete", "view")


def seed_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("courses", "SearchSynonym")
    known = set(SearchSynonym.objects.values_list("variants", flat=True))
    for variants in SEED_SYNONYMS:
        if variants not in known:
            SearchSynonym.objects.create(variants=variants)


def grant_administrators(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    administrators, _ = Group.objects.get_or_create(name="academy_admin")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="courses", model="searchsynonym"
    )
    for action in ADMIN_ACTIONS:
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_searchsynonym",
            defaults={"name": f"Can {action} search synonym"},
        )
        administrators.permissions.add(permission)


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS search_entry_token_trgm "
        "ON courses_searchentry USING gin (token gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_token_trgm")


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0007_assignment_change_cancel_joiners'),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchSynonym',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('variants', models.TextField(help_text='One word or phrase per line, for example พรบ, พ.ร.บ. and พระราชบัญญัติ. A search for any of them finds pages that use any other.', verbose_name='words that mean the same')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
            ],
            options={
                'verbose_name': 'search synonym',
                'verbose_name_plural': 'search synonyms',
                'ordering': ['pk'],
            },
        ),
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(max_length=64)),
                ('weight', models.PositiveSmallIntegerField(choices=[(1, 'lesson text'), (2, 'lesson title or description'), (4, 'summary or competency'), (8, 'title or code')])),
                ('occurrences', models.PositiveIntegerField(default=1)),
                ('course', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='courses.coursepage')),
                ('page', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.WAGTAIL_PAGE_MODEL)),
            ],
            options={
                'verbose_name': 'search index entry',
                'indexes': [models.Index(fields=['token', 'course'], name='search_entry_token')],
                'constraints': [models.UniqueConstraint(fields=('page', 'token'), name='search_entry_page_token_unique')],
            },
        ),
        migrations.RunPython(seed_synonyms, migrations.RunPython.noop),
        migrations.RunPython(grant_administrators, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
