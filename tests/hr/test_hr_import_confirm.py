"""The real run of a staff import reuses the rows its dry run read (kept signed on the
job) and still refuses what it cannot trust: a file or rows changed since the dry
run, rows of another job, a dry run too old. Nothing is written then."""

import zlib
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

import pytest

from academy.accounts.roles import Role
from academy.accounts.services import user_provision
from competencies.hr.services import hr_scope_assign
from competencies.models import ImportJob, Person, Placement
from hr.staff_import import parsing
from hr.staff_import.services import staff_import_apply_start, staff_import_start
from tests.factories import STAFF_CSV_HEADER, staff_csv_line

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The refusals are matched on their English text (jobs keep the translation)."""
    with translation.override("en"):
        yield


def _upload(lines: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "staff.csv", (STAFF_CSV_HEADER + "".join(lines)).encode(), "text/csv"
    )


def _checked(user, count: int = 3) -> ImportJob:
    job = staff_import_start(
        user=user, upload=_upload([staff_csv_line(n) for n in range(1, count + 1)])
    )
    assert job.status == ImportJob.Status.PLANNED
    return job


def _sealed(job: ImportJob) -> bytes:
    return bytes(ImportJob.objects.values_list("parsed_rows", flat=True).get(pk=job.pk))


def _assert_refused(job: ImportJob, user, people_before: int, message: str) -> None:
    job = staff_import_apply_start(job=job, user=user)
    assert job.status == ImportJob.Status.FAILED
    assert message in job.error
    assert Person.objects.count() == people_before
    assert not Placement.objects.filter(
        person__employee_number__startswith="H"
    ).exists()


def test_the_real_run_does_not_read_the_file_again(hr_world, monkeypatch):
    job = _checked(hr_world.officer)

    def parse(*args, **kwargs):
        raise AssertionError("the real run parsed the file again")

    monkeypatch.setattr(parsing, "parse", parse)
    job = staff_import_apply_start(job=job, user=hr_world.officer)
    assert job.status == ImportJob.Status.APPLIED
    assert Person.objects.filter(employee_number__startswith="H").count() == 3
    job.refresh_from_db()
    assert job.source is None and job.parsed_rows is None


def test_rows_altered_since_the_dry_run_are_refused(hr_world):
    job = _checked(hr_world.officer)
    people = Person.objects.count()
    stamp, mac, rows = _sealed(job).split(b":", 2)
    altered = zlib.decompress(rows).replace("ทดสอบ2".encode(), "ปลอม2".encode())
    assert altered != zlib.decompress(rows)
    ImportJob.objects.filter(pk=job.pk).update(
        parsed_rows=b":".join([stamp, mac, zlib.compress(altered)])
    )
    _assert_refused(job, hr_world.officer, people, "cannot be verified")


def test_a_forged_stamp_is_refused(hr_world):
    job = _checked(hr_world.officer)
    people = Person.objects.count()
    stamp, mac, rows = _sealed(job).split(b":", 2)
    later = str(int(stamp) + 86_400).encode()
    ImportJob.objects.filter(pk=job.pk).update(
        parsed_rows=b":".join([later, mac, rows])
    )
    _assert_refused(job, hr_world.officer, people, "cannot be verified")


def test_the_rows_of_another_job_are_refused(hr_world):
    other = user_provision(email="hr2@example.go.th", roles=(Role.HR_OFFICER,))
    hr_scope_assign(user=other, unit=hr_world.unit)
    first = staff_import_start(
        user=other, upload=_upload([staff_csv_line(n) for n in range(50, 53)])
    )
    job = _checked(hr_world.officer)
    people = Person.objects.count()
    ImportJob.objects.filter(pk=job.pk).update(parsed_rows=_sealed(first))
    _assert_refused(job, hr_world.officer, people, "cannot be verified")


def test_a_file_changed_since_the_dry_run_is_refused(hr_world):
    job = _checked(hr_world.officer)
    people = Person.objects.count()
    changed = (STAFF_CSV_HEADER + staff_csv_line(1) + staff_csv_line(9)).encode()
    ImportJob.objects.filter(pk=job.pk).update(source=zlib.compress(changed))
    _assert_refused(job, hr_world.officer, people, "changed since the dry run")


def test_an_expired_dry_run_is_refused(hr_world, monkeypatch):
    job = _checked(hr_world.officer)
    people = Person.objects.count()
    later = timezone.now() + timedelta(days=1, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    _assert_refused(job, hr_world.officer, people, "expired")


def test_a_dry_run_checked_before_rows_were_kept_reads_its_file(hr_world):
    job = _checked(hr_world.officer)
    ImportJob.objects.filter(pk=job.pk).update(parsed_rows=None)
    job = staff_import_apply_start(job=job, user=hr_world.officer)
    assert job.status == ImportJob.Status.APPLIED
    assert Person.objects.filter(employee_number__startswith="H").count() == 3


def test_discarded_dry_runs_lose_their_rows_with_their_file(hr_world):
    job = _checked(hr_world.officer)
    _checked(hr_world.officer, count=1)  # a new upload discards the previous one
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DISCARDED
    assert job.source is None and job.parsed_rows is None
