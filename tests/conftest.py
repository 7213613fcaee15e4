"""Project-wide fixtures: media in a temporary folder, standards loaded once per test database,
and test-client logins that complete MFA and the privacy notice (tests/signin.py)."""

import pytest

# Fixtures more than one folder uses, registered here once: a conftest never imports
# another's fixtures.
pytest_plugins = [
    "tests.fixtures",  # learner, governance_course, hr_world
    "tests.liveserver",  # live_server: one request at a time on in-memory SQLite
    "tests.objectstore",  # s3_server: a local S3-compatible server
    "tests.xapi_lrs",  # lrs, ralph: a real learning record store
]


def pytest_collection_modifyitems(config, items):
    """Tests with a real Celery worker share one broker database: under pytest-xdist
    (`--dist loadgroup`, as `make test` runs) they all run in one process, in turn."""
    for item in items:
        if item.get_closest_marker("celery_worker"):
            item.add_marker(pytest.mark.xdist_group("celery_worker"))


class _XdistGroupsHeld:
    """`--dist loadgroup` sends each xdist_group's tests to one worker, as it is meant to.

    pytest-xdist names a grouped test "<node id>@<group>" in each worker, and the
    controller sends a name's whole group to one worker; pytest 9 keeps a node's id in
    `Node._id`, so xdist 3.8's `item._nodeid = ...` no longer renames anything and every
    group was spread across the workers: TestSeededDemo's class-scoped seed, for one,
    ran once in each. This renames the test as xdist means to, after its own hook.
    """

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        from _pytest.nodeid import NodeId

        for item in items:
            groups = {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
            suffix = "@" + "_".join(sorted(groups))
            if groups and not item.nodeid.endswith(suffix):
                item._id = NodeId.parse(item.nodeid + suffix)


def pytest_configure(config):
    if hasattr(config, "workerinput") and config.getvalue("loadgroup"):
        config.pluginmanager.register(_XdistGroupsHeld(), "academy-xdist-groups-held")


@pytest.fixture(autouse=True)
def _reference_caches_fresh(request):
    """Every test reads the reference data (academy.core.refcache) from its own
    database state: a value kept by an earlier test may hold rows its rollback undid."""
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    from academy.core.refcache import reference_caches_clear

    reference_caches_clear()
    yield
    reference_caches_clear()


@pytest.fixture(autouse=True)
def _celery_eager_join_allowed():
    """Every test starts with Celery's "a task is running here" flag down.

    In eager mode `delay()` raises a process-wide flag while the task runs and puts
    back the value it found. Two eager tasks run at once by a live server's request
    threads can interleave so that the second puts back the first's "raised": the flag
    then stays up and a later test's `delay().get()` is refused with "Never call
    result.get() within a task" (seen once in a PostgreSQL CI run).
    """
    from celery.result import _set_task_join_will_block

    _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _media_in_tmp(request, tmp_path):
    """Uploaded files, public and private, go to a temporary folder (when Django is loaded)."""
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ACADEMY_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    yield


@pytest.fixture(autouse=True)
def _harness_logins_complete_sign_in(request, monkeypatch):
    """`client.force_login` / `client.login` leave a session as a real sign-in would.

    Staff get a TOTP authenticator and allauth's record that the session used it, and
    everyone has accepted the current privacy notice; see tests/signin.py. Tests that
    prove those rules opt out with @pytest.mark.real_sign_in.
    """
    if not request.config.pluginmanager.hasplugin("django"):
        return
    if request.node.get_closest_marker("real_sign_in"):
        return
    from django.test import Client

    from tests.signin import mark_harness_session

    original_login = Client._login

    def _login(self, user, backend=None):
        original_login(self, user, backend)
        mark_harness_session(self.session, user)

    monkeypatch.setattr(Client, "_login", _login)


@pytest.fixture(scope="session", autouse=True)
def _postgresql_flush_deletes():
    """On PostgreSQL, the flush after each transactional test DELETEs the rows instead
    of TRUNCATEing every table: TRUNCATE gives each of the ~130 tables and their
    indexes new files, seconds per test, where the few rows a test wrote go in
    milliseconds. Foreign keys are deferred, so the order of tables does not matter;
    a flush that restarts the sequences still truncates."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncating = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncating(
                self,
                style,
                tables,
                reset_sequences=reset_sequences,
                allow_cascade=allow_cascade,
            )
        return [
            f"{style.SQL_KEYWORD('DELETE FROM')} "
            f"{style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
        ]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings, request, tmp_path_factory
):
    """Under pytest-xdist, the workers copy one migrated database (tests/testdb.py)
    rather than each running the migrations; --reuse-db keeps pytest-django's way."""
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    if worker is None or (
        request.config.getvalue("reuse_db") and not request.config.getvalue("create_db")
    ):
        yield
        return
    from tests.testdb import copied_from_one_migration

    run_dir = tmp_path_factory.getbasetemp().parent  # shared by the run's workers
    with copied_from_one_migration(
        run_dir, worker, request.config.option.verbose, shared_data
    ):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated, with the shared data every test may read.

    The standards (the shipped frameworks, the scales, the position structure) cost
    about a thousand statements to load: they are loaded here once per test database
    and every test's transaction sees them. The page tree is restored too, for a
    database kept with --reuse-db after a transactional test flushed it.
    """
    from tests.dbsnapshot import snapshot_take

    with django_db_blocker.unblock():
        shared_data()
        snapshot_take()  # written back after each flush (_site_tree_for_transactional_tests)


def shared_data() -> None:
    """Load what every test database holds: the page tree and the standards."""
    from competencies.models import Framework
    from competencies.services import standards_load
    from tests.site import site_tree

    site_tree()
    if not Framework.objects.exists():
        standards_load()


@pytest.fixture
def standards(db):
    """The shipped frameworks (by code), the scales and the position structure.

    They are in the test database already (django_db_setup); this returns fresh
    instances. Only after a transactional test's flush, in a test that runs out of
    pytest-django's usual order, does it load them again, inside this test.
    """
    from competencies.models import Framework

    frameworks = {framework.code: framework for framework in Framework.objects.all()}
    if not frameworks:
        shared_data()
        frameworks = {f.code: f for f in Framework.objects.all()}
    return frameworks


@pytest.fixture
def without_standards(db):
    """The test database as the migrations leave it, without the standards that
    django_db_setup loads: they are deleted inside this test's transaction only."""
    from tests.fixtures import standards_deleted

    standards_deleted()


@pytest.fixture
def framework_2024(standards):
    return standards["th-dg-2024"]


@pytest.fixture
def framework_academy(standards):
    """The Academy's own levelled framework (ACD- codes, four levels)."""
    return standards["acd-digital"]


@pytest.fixture
def framework_2018(standards):
    return standards["th-dg-2018"]


@pytest.fixture(autouse=True)
def _site_tree_for_transactional_tests(request):
    """Transactional tests (live server, concurrency) start with the migrated page tree
    and the standards, as every other test does.

    The flush after an earlier transactional test empties what data migrations made
    (Wagtail's root, home and catalogue pages); tests that rely on them would then
    depend on the order they run in. The rows django_db_setup left are written back
    (tests/dbsnapshot.py), which costs a statement per table where loading the
    standards and replaying the data migrations cost about 3,000.
    """
    if not request.config.pluginmanager.hasplugin("django"):
        return
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    request.node.stash[_flushed_after] = request.getfixturevalue("django_db_blocker")
    from courses.models import CatalogPage
    from tests.dbsnapshot import snapshot_restore, snapshot_taken

    if not snapshot_taken():  # django_db_setup overridden elsewhere
        shared_data()
    elif not CatalogPage.objects.exists():  # flushed
        snapshot_restore()


_flushed_after = pytest.StashKey()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush (its fixtures' teardown), the snapshot's rows
    are written back at once: the test that runs next in this process may be any test,
    one inside a transaction included, and reads the page tree and the standards.

    pytest-django runs a process's transactional tests after the others, but with
    `--dist loadgroup` a group (the real-worker tests') runs where the controller
    sends it, before other tests as often as not.
    """
    try:
        return (yield)
    finally:
        blocker = item.stash.get(_flushed_after, None)
        # After the process's last test the test database is gone with the session.
        if blocker is not None and nextitem is not None:
            _snapshot_written_back(blocker)


def _snapshot_written_back(blocker) -> None:
    from courses.models import CatalogPage
    from tests.dbsnapshot import snapshot_restore, snapshot_taken

    with blocker.unblock():
        if snapshot_taken() and not CatalogPage.objects.exists():
            snapshot_restore()
