"""The read replica: HR reports read from it when one is configured; writes, and
everything else, stay on the primary."""

from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

import pytest

from academy.accounts.models import AuditEntry
from academy.core.dbrouter import ReplicaRouter, reading_from_replica
from academy.settings import base
from competencies.models import Person
from tests.factories import hr_officer, org_unit

ROUTER = ReplicaRouter()


def test_without_a_replica_everything_reads_from_the_primary(settings):
    settings.ACADEMY_REPLICA_ALIAS = None
    with reading_from_replica():
        assert ROUTER.db_for_read(Person) is None  # Django's default: "default"
    assert ROUTER.db_for_write(Person) == "default"


def test_reads_go_to_the_replica_only_when_asked_and_writes_never(settings):
    settings.ACADEMY_REPLICA_ALIAS = "replica"
    assert ROUTER.db_for_read(Person) is None
    with reading_from_replica():
        assert ROUTER.db_for_read(Person) == "replica"
        assert ROUTER.db_for_write(Person) == "default"
    assert ROUTER.db_for_read(Person) is None
    assert not ROUTER.allow_migrate("replica", "competencies")
    assert ROUTER.allow_migrate("default", "competencies")


def test_the_setting_comes_from_database_replica_url(monkeypatch):
    import importlib

    monkeypatch.setenv(
        "DATABASE_REPLICA_URL", "postgres://reader@replica.internal:5432/academy"
    )
    try:
        reloaded = importlib.reload(base)
        assert reloaded.ACADEMY_REPLICA_ALIAS == "replica"
        assert reloaded.DATABASES["replica"]["HOST"] == "replica.internal"
        assert reloaded.DATABASES["replica"]["TEST"] == {"MIRROR": "default"}
        assert "academy.core.dbrouter.ReplicaRouter" in reloaded.DATABASE_ROUTERS
    finally:
        monkeypatch.delenv("DATABASE_REPLICA_URL")
        importlib.reload(base)


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_heat_map_reads_from_the_replica_and_its_export_audits_on_the_primary(
    client, settings, standards
):
    settings.ACADEMY_REPLICA_ALIAS = "replica"
    officer = hr_officer(org_unit("REP", kind="ministry"))
    client.force_login(officer)
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        page = client.get("/hr/heatmap/")
    assert page.status_code == 200
    assert len(on_replica) > 0
    # The primary still serves the sign-in (outside the view); the session comes from
    # the cache (cached_db), and never from the replica.
    assert any('"accounts_user"' in q["sql"] for q in on_primary)
    assert not any("django_session" in q["sql"] for q in on_replica)
    assert not any("django_session" in q["sql"] for q in on_replica)
    written = [
        q["sql"]
        for q in on_replica
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert written == []

    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        export = client.get("/hr/people/export.csv")
    assert export.status_code == 200
    assert AuditEntry.objects.filter(action="export").exists()
    assert any("INSERT" in q["sql"] and "audit" in q["sql"] for q in on_primary)
    assert not any(q["sql"].lstrip().upper().startswith("INSERT") for q in on_replica)


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_other_pages_and_posts_never_touch_the_replica(client, settings, standards):
    settings.ACADEMY_REPLICA_ALIAS = "replica"
    officer = hr_officer(org_unit("REP", kind="ministry"))
    client.force_login(officer)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client.get("/hr/people/").status_code == 200
        client.post("/hr/heatmap/", {})
    assert len(on_replica) == 0


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_reads_inside_a_transaction_stay_on_the_primary(settings):
    settings.ACADEMY_REPLICA_ALIAS = "replica"
    with transaction.atomic(), reading_from_replica():
        assert ROUTER.db_for_read(Person) is None


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_readyz_checks_the_replica_when_there_is_one(client, settings):
    settings.ACADEMY_REPLICA_ALIAS = "replica"
    assert client.get("/readyz").json()["checks"]["database:replica"] == "ok"
    settings.ACADEMY_REPLICA_ALIAS = None
    assert "database:replica" not in client.get("/readyz").json()["checks"]
