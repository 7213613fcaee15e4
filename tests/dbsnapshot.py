"""The test database's rows as django_db_setup leaves them, kept in memory and written
back after a transactional test's flush.

A flush empties every table; loading the standards and replaying the data migrations
again (tests/site.py) took about 3,000 statements before each transactional test.
Writing back the rows themselves takes a statement per table, and gives the next test
the very rows (the same primary keys) every other test reads.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


@dataclass(frozen=True)
class TableRows:
    model: type
    table: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


_snapshot: list[TableRows] = []


def _flushed_models():
    """The models whose tables a flush empties (Django's own list), one per table."""
    flushed = set(
        connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
    )
    seen = set()
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if model._meta.proxy or table not in flushed or table in seen:
            continue
        seen.add(table)
        yield model


def snapshot_take() -> None:
    """Remember every flushed table's rows, as they are now."""
    quote = connection.ops.quote_name
    taken = []
    with connection.cursor() as cursor:
        for model in _flushed_models():
            columns = tuple(f.column for f in model._meta.local_concrete_fields)
            cursor.execute(
                f"SELECT {', '.join(map(quote, columns))} "  # noqa: S608 - names only
                f"FROM {quote(model._meta.db_table)}"
            )
            taken.append(
                TableRows(
                    model, model._meta.db_table, columns, tuple(cursor.fetchall())
                )
            )
    _snapshot[:] = taken


def snapshot_taken() -> bool:
    return bool(_snapshot)


def _filled_by_triggers(table: str) -> bool:
    """Wagtail's SQLite full-text table: triggers on its index entries write it."""
    return connection.vendor == "sqlite" and table.endswith("_fts")


def snapshot_restore() -> None:
    """Make every flushed table hold the remembered rows again, and only them.

    What a flush left (post_migrate's content types and permissions) is deleted first;
    the foreign keys are checked when the transaction commits, so the order of tables
    does not matter. Sequences move past the restored keys.
    """
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import Site

    from competencies.selectors import standards_version_bump

    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table in _snapshot:
            cursor.execute(f"DELETE FROM {quote(table.table)}")  # noqa: S608 - a name
        for table in _snapshot:
            if not table.rows or _filled_by_triggers(table.table):
                continue
            cursor.executemany(
                f"INSERT INTO {quote(table.table)} "  # noqa: S608 - names only
                f"({', '.join(map(quote, table.columns))}) "
                f"VALUES ({', '.join(['%s'] * len(table.columns))})",
                table.rows,
            )
        restored = [table.model for table in _snapshot if table.rows]
        for statement in connection.ops.sequence_reset_sql(no_style(), restored):
            cursor.execute(statement)
    # The rows' ids are the snapshot's; caches may hold a flushed database's.
    ContentType.objects.clear_cache()
    Site.clear_site_root_paths_cache()
    standards_version_bump()
