"""After a transactional test's flush, tests/site.py replays what the data migrations
filled: every data migration is either replayed or has nothing a flush removes."""

from importlib import import_module

from django.apps import apps
from django.db import migrations

import pytest

from tests.site import DATA_MIGRATIONS_REPLAYED

#: Data migrations site_tree() does not replay, and why.
NOTHING_TO_REPLAY = {
    ("academy.accounts.migrations.0005_encrypt_mfa_secrets", "encrypt_stored"): (
        "rewrites existing secrets; a flushed database has none"
    ),
    ("competencies.migrations.0008_standards_provenance", "mark_legacy"): (
        "marks rows that existed before; the standards are loaded afresh"
    ),
    ("competencies.migrations.0012_optional_choice_permissions", "grant"): (
        "grant_standards_permissions, replayed through 0003_admin_permissions"
    ),
    ("competencies.migrations.0013_placement_scheme", "civil_service_before"): (
        "fills a new column of existing rows"
    ),
    ("competencies.migrations.0013_placement_scheme", "scheme_from_position_type"): (
        "fills a new column of existing rows"
    ),
    ("competencies.migrations.0013_placement_scheme", "grant"): (
        "grant_standards_permissions, replayed through 0003_admin_permissions"
    ),
    ("competencies.migrations.0014_staff_column_map_unit", "owners_from_authors"): (
        "fills a new column of existing rows"
    ),
    ("courses.migrations.0008_search_index", "trigram_index"): (
        "an index: schema, which a flush keeps"
    ),
}


def _data_migrations():
    """(module, function) of every RunPython forward in the project's migrations."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    project = {
        config.label
        for config in apps.get_app_configs()
        if "site-packages" not in config.path
    }
    found = set()
    for (label, _name), migration in loader.disk_migrations.items():
        if label not in project:
            continue
        for operation in migration.operations:
            if isinstance(operation, migrations.RunPython):
                found.add((operation.code.__module__, operation.code.__name__))
    return found


@pytest.mark.parametrize("entry", DATA_MIGRATIONS_REPLAYED)
def test_every_replayed_function_exists(entry):
    module, function = entry
    assert callable(getattr(import_module(module), function))


def test_every_data_migration_is_replayed_or_has_a_reason():
    found = _data_migrations()
    assert ("courses.migrations.0004_assessments", "grant_permissions") in found
    replayed = set(DATA_MIGRATIONS_REPLAYED)
    unaccounted = found - replayed - set(NOTHING_TO_REPLAY)
    assert not unaccounted, f"data migrations site_tree() ignores: {unaccounted}"
    assert not (replayed & set(NOTHING_TO_REPLAY))
    assert not (set(NOTHING_TO_REPLAY) - found), "stale entries in NOTHING_TO_REPLAY"


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_the_migrations_permissions_back():
    """The instructors' assessment permissions (courses 0004) and the seeded search
    synonyms (courses 0008) come back with the page tree."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from courses.models import SearchSynonym
    from tests.site import site_tree

    call_command("flush", verbosity=0, interactive=False)
    site_tree()
    instructor = Group.objects.get(name="instructor")
    assert instructor.permissions.filter(codename="add_questionbank").exists()
    assert SearchSynonym.objects.exists()
    administrators = Group.objects.get(name="academy_admin")
    assert administrators.permissions.filter(
        codename="change_developmenttarget"
    ).exists()


def _every_row() -> dict[str, list[str]]:
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            rows = model._base_manager.values_list()
            tables[model._meta.db_table] = sorted(map(repr, rows))
    return tables


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_every_row_of_the_test_database_back():
    """tests/dbsnapshot.py: after a flush, the rows django_db_setup left, to the key
    (full-text rows included, which SQLite's triggers write again)."""
    from django.core.management import call_command

    from courses.models import CatalogPage
    from tests.dbsnapshot import snapshot_restore

    before = _every_row()
    assert before["competencies_framework"] and CatalogPage.objects.exists()
    call_command("flush", verbosity=0, interactive=False)
    snapshot_restore()
    assert _every_row() == before
