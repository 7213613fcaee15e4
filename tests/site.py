"""The Wagtail page tree that data migrations create, restored after a flush."""

from importlib import import_module

from django.apps import apps

#: The data migrations' forward functions that fill tables a flush empties, in their
#: order; site_tree() replays them. tests/academy/test_site_tree.py fails on a data
#: migration that is neither here nor in its list of those with nothing to replay.
DATA_MIGRATIONS_REPLAYED = (
    ("academy.accounts.migrations.0002_roles", "create_roles"),
    ("academy.core.migrations.0002_home_page", "create_home_page"),
    ("courses.migrations.0002_catalogue_page", "create_catalogue"),
    ("courses.migrations.0003_authoring", "set_up_authoring"),
    ("courses.migrations.0004_assessments", "grant_permissions"),
    ("courses.migrations.0008_search_index", "seed_synonyms"),
    ("courses.migrations.0008_search_index", "grant_administrators"),
    ("courses.migrations.0011_scorm", "grant_permissions"),
    ("courses.migrations.0016_development_target", "grant_administrators"),
    ("competencies.migrations.0003_admin_permissions", "grant"),
    ("certificates.migrations.0002_permissions", "grant"),
)


def site_tree() -> None:
    """Recreate the page tree the migrations made, if a transactional test flushed it.

    A transactional test is followed by a flush that empties the tables the data
    migrations filled (Wagtail's root, the home page, the catalogue). Django's
    serialized_rollback would restore them, but not once Playwright runs (its
    greenlet sees another Django connection, without the serialized copy), and its
    flush skips post_migrate, which leaves later transactional tests without
    content types, permissions or a Site. So transactional tests here call this
    instead; tests/conftest.py calls it before every transactional test.
    """
    from courses.models import CatalogPage

    if CatalogPage.objects.exists():
        return
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.sql import emit_post_migrate_signal

    from wagtail.models import Collection, Locale, Page

    # Idempotent; restores content types and permissions if a serialized test's
    # flush skipped post_migrate.
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    ContentType.objects.clear_cache()
    locale, _ = Locale.objects.get_or_create(language_code="th")
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    if not Page.objects.filter(depth=1).exists():
        root = Page.add_root(instance=Page(title="Root", locale=locale))
        Page.objects.filter(pk=root.pk).update(numchild=1)
    # The data migrations, in their order; each is idempotent.
    for module, function in DATA_MIGRATIONS_REPLAYED:
        getattr(import_module(module), function)(apps, None)
