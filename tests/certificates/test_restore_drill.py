"""The restore drill (docs/operations.md, "Backup and restore"), on PostgreSQL and the
S3 test server: back up with pg_dump and a bucket mirror, wipe both, restore with
pg_restore and the mirror back; every certificate still verifies, from its record,
its credential and its downloaded PDF."""

import shutil
import subprocess

from django.db import connection

import pytest

from academy.core.s3 import s3_storages
from certificates.models import Certificate
from certificates.services import certificate_revoke
from certificates.verification import Outcome, verify_credential, verify_upload
from tests.certificates.certificate_helpers import issue
from tests.objectstore import PRIVATE_BUCKET, PUBLIC_BUCKET, empty, mirror
from tests.site import site_tree

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

BACKUP = {
    PUBLIC_BUCKET: "academy-media-backup",
    PRIVATE_BUCKET: "academy-private-backup",
}


@pytest.fixture(autouse=True)
def _postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the drill uses pg_dump and pg_restore: run with DATABASE_URL=postgres://..."
        )
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    site_tree()


def _connection_args() -> list[str]:
    database = connection.settings_dict
    args = [
        "--host",
        database["HOST"] or "127.0.0.1",
        "--port",
        str(database["PORT"] or 5432),
    ]
    if database["USER"]:
        args += ["--username", database["USER"]]
    return [*args, "--dbname", database["NAME"]]


def _run(*command: str, env=None) -> None:
    password = connection.settings_dict.get("PASSWORD")
    environment = None
    if password:
        import os

        environment = {**os.environ, "PGPASSWORD": password}
    subprocess.run(
        command, check=True, capture_output=True, env=environment, timeout=300
    )


def _state(certificate: Certificate) -> tuple:
    from django.core.files.storage import storages

    with storages["private"].open(certificate.pdf.name) as handle:
        pdf = handle.read()
    return certificate.credential_json, certificate.verification_state, pdf


def test_every_certificate_verifies_after_backup_wipe_and_restore(
    settings,
    tmp_path,
    s3_server,
    learner,
    governance_course,
    django_user_model,  # noqa: F811
):
    s3_server.reset()
    settings.STORAGES = {**settings.STORAGES, **s3_storages(s3_server.environ())}
    client = s3_server.client()
    valid = issue(learner, governance_course)
    revoked = issue(
        django_user_model.objects.create_user(email="second@example.go.th"),
        governance_course,
    )
    certificate_revoke(certificate=revoked, reason="ทดสอบการกู้คืน", revoked_by=None)
    before = {
        certificate.public_id: _state(certificate)
        for certificate in Certificate.objects.exclude(status="pending")
    }
    assert len(before) == 2

    # Back up: the database and both buckets.
    dump = tmp_path / "academy.dump"
    _run(
        "pg_dump",
        "--format=custom",
        "--no-owner",
        "--file",
        str(dump),
        *_connection_args(),
    )
    for bucket, backup in BACKUP.items():
        client.create_bucket(Bucket=backup)
        mirror(client, source=bucket, target=backup)

    # Wipe: every table and every stored file.
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    for bucket in BACKUP:
        empty(client, bucket=bucket)
    assert Certificate._meta.db_table not in connection.introspection.table_names()

    # Restore.
    connection.close()
    _run("pg_restore", "--no-owner", *_connection_args(), str(dump))
    for bucket, backup in BACKUP.items():
        mirror(client, source=backup, target=bucket)

    for public_id, (credential_json, state, pdf) in before.items():
        certificate = Certificate.objects.get(public_id=public_id)
        assert _state(certificate) == (credential_json, state, pdf)
        expected = Outcome(state)
        assert verify_credential(certificate.credential).outcome == expected
        assert verify_upload(pdf).outcome == expected
    assert Outcome(before[revoked.public_id][1]) == Outcome.REVOKED
    assert Outcome(before[valid.public_id][1]) == Outcome.VALID
