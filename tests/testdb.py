"""The test database, migrated once a run and copied into each pytest-xdist worker.

Every worker used to run the ~250 migrations itself: about 30 s of CPU, most of it
Django rebuilding its migration state, paid again by each worker on SQLite and on
PostgreSQL. Under pytest-xdist the first worker to need the database now migrates a
template, under a lock the run's workers share, and loads the shared data into it
(tests/conftest.py, shared_data); every worker then copies the template where Django
would have created and migrated its test database: SQLite with its backup API into the
worker's in-memory database, PostgreSQL with CREATE DATABASE ... TEMPLATE, as Django's
own parallel runner does. The copy is the migrated database itself: every data
migration ran in it, and nothing is kept from one run to the next.

Only Django's create_test_db is replaced, for the default database and during
pytest-django's setup; the mirrors, the teardown and --reuse-db (which keeps each
worker's PostgreSQL database and needs no template) stay Django's and pytest-django's.
"""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from filelock import FileLock


def _template_build(connection, name: str, verbosity: int, fill: Callable) -> None:
    """Create and migrate the template database as Django creates a test database,
    fill it, and leave no connection to it open."""
    test_settings = connection.settings_dict["TEST"]
    old_test_name = test_settings.get("NAME")
    old_name = connection.settings_dict["NAME"]
    test_settings["NAME"] = name
    try:
        creation = connection.creation  # Django's own method: the instance's copies
        type(creation).create_test_db(
            creation, verbosity=verbosity, autoclobber=True, serialize=False
        )
        fill()
    finally:
        connection.close()
        test_settings["NAME"] = old_test_name
        connection.settings_dict["NAME"] = old_name
        settings.DATABASES[connection.alias]["NAME"] = old_name
    if connection.vendor == "sqlite":
        # The backup API copies pages: a template without a write-ahead log copies
        # whole into a database in memory.
        with sqlite3.connect(name) as template:
            template.execute("PRAGMA journal_mode=DELETE")


def _copy(connection, template: str, verbosity: int) -> str:
    """Create this worker's test database as a copy of the template; its name."""
    creation = connection.creation
    name = creation._get_test_db_name()
    if verbosity >= 1:
        creation.log(f"Copying the migrated test database into {name}...")
    connection.close()
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        with creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
            cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        source = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    return name


@contextmanager
def copied_from_one_migration(
    run_dir: Path, worker: str, verbosity: int, fill: Callable
) -> Iterator[None]:
    """Within the block, creating the default test database copies the run's template
    (built by the first worker to get here) instead of migrating."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor not in ("sqlite", "postgresql"):
        yield
        return
    if connection.vendor == "sqlite":
        template = str(run_dir / "test-db-template.sqlite3")
    else:
        template = f"test_{connection.settings_dict['NAME']}_template"
    built = run_dir / "test-db-template.built"

    def create_test_db(verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        with FileLock(run_dir / "test-db-template.lock"):
            if not built.exists():
                _template_build(connection, template, verbosity, fill)
                built.write_text(f"{template}\nbuilt by {worker}\n")
        return _copy(connection, template, verbosity)

    with ExitStack() as stack:
        stack.callback(vars(connection.creation).pop, "create_test_db", None)
        connection.creation.create_test_db = create_test_db
        yield
