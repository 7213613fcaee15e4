"""Staff import from the HR system's CSV: every bad row, dry run = real run, idempotence."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from academy.accounts.models import AuditEntry
from competencies.models import ImportJob, OrgUnit, Person, Placement
from competencies.national_id import national_id_digest, pii_key
from hr.staff_import.parsing import Reason
from hr.staff_import.services import staff_import_apply_start, staff_import_start
from tests.factories import (
    STAFF_CSV_HEADER,
    PersonFactory,
    PlacementFactory,
    org_unit,
    staff_csv_line,
    thai_national_id,
)

pytestmark = pytest.mark.django_db


def _upload(lines: list[str], name: str = "staff.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, (STAFF_CSV_HEADER + "".join(lines)).encode(), "text/csv"
    )


def _start(user, lines, capture=None):
    if capture is None:
        return staff_import_start(user=user, upload=_upload(lines))
    with capture(execute=True):
        job = staff_import_start(user=user, upload=_upload(lines))
    job.refresh_from_db()
    return job


def _apply(job, user, capture=None):
    if capture is None:
        return staff_import_apply_start(job=job, user=user)
    with capture(execute=True):
        staff_import_apply_start(job=job, user=user)
    job.refresh_from_db()
    return job


def _bad(job) -> dict[int, list[str]]:
    return {
        row["line"]: sorted(problem["code"] for problem in row["problems"])
        for row in job.report["bad"]
    }


def test_every_kind_of_bad_row_is_reported_with_its_reason(hr_world):
    PersonFactory(employee_number="X0001", national_id_digest=None)
    PersonFactory(
        employee_number="Y0001",
        national_id_digest=national_id_digest(thai_national_id(999), key=pii_key()),
    )
    left = PlacementFactory(unit=hr_world.unit, person__employee_number="L0001").person
    left.left_on = date(2025, 12, 31)
    left.save()
    lines = [
        staff_csv_line(1),  # 2: good
        staff_csv_line(2, national_id="1234567890123"),  # 3: checksum
        staff_csv_line(3, unit_code="NOPE"),  # 4
        staff_csv_line(4, unit_code="V2"),  # 5: a sibling's unit
        staff_csv_line(5, line_of_work="9-9-9999"),  # 6
        staff_csv_line(6, position_level="operational"),  # 7: a general level
        staff_csv_line(7, position_type="astronaut"),  # 8
        staff_csv_line(8, supervisor_employee_number="NOBODY"),  # 9
        staff_csv_line(9, employee_number="DUP"),  # 10
        staff_csv_line(10, employee_number="DUP"),  # 11
        staff_csv_line(11, start_date="2024-13-01"),  # 12
        staff_csv_line(12, last_name_th=""),  # 13
        staff_csv_line(13, supervisor_employee_number="H000013"),  # 14: themself
        staff_csv_line(14, employee_number="S0001"),  # 15: placed in D1
        staff_csv_line(15, employee_number="X0001", national_id=thai_national_id(999)),
        staff_csv_line(
            16,
            employee_number="T0001",
            unit_code="V1",
            start_date="2019-01-01",
            position_level="professional",
        ),  # 17: move before current
        staff_csv_line(17, employee_number="L0001"),  # 18: left
        staff_csv_line(18, supervisor_employee_number="H000019"),  # 19: later row
        staff_csv_line(19),  # 20: good, supervises line 19
        staff_csv_line(20, supervisor_employee_number="H000004"),  # 21: bad supervisor
        staff_csv_line(21, email="no-at-sign"),  # 22
    ]
    job = staff_import_start(user=hr_world.officer, upload=_upload(lines))
    assert job.status == ImportJob.Status.PLANNED
    assert _bad(job) == {
        3: [Reason.BAD_NATIONAL_ID],
        4: [Reason.UNKNOWN_UNIT],
        5: [Reason.UNIT_OUT_OF_SCOPE],
        6: [Reason.UNKNOWN_LINE_OF_WORK],
        7: [Reason.UNKNOWN_LEVEL],
        8: [Reason.UNKNOWN_POSITION_TYPE],
        9: [Reason.UNKNOWN_SUPERVISOR],
        10: [Reason.DUPLICATE_EMPLOYEE_NUMBER],
        11: [Reason.DUPLICATE_EMPLOYEE_NUMBER],
        12: [Reason.BAD_DATE],
        13: [Reason.MISSING_FIELD],
        14: [Reason.SELF_SUPERVISOR],
        15: [Reason.PERSON_OUT_OF_SCOPE],
        16: [Reason.PERSON_OUT_OF_SCOPE],  # another's national ID: not told
        17: [Reason.START_NOT_AFTER_CURRENT],
        18: [Reason.PERSON_LEFT],
        21: [Reason.UNKNOWN_SUPERVISOR],
        22: [Reason.BAD_EMAIL],
    }
    assert job.counts["create"] == 3  # lines 2, 19 and 20
    assert job.counts["bad"] == 18


def test_bad_rows_are_explained_on_the_job_page(client, hr_world):
    lines = [staff_csv_line(1, unit_code="NOPE"), staff_csv_line(2)]
    job = staff_import_start(user=hr_world.officer, upload=_upload(lines))
    client.force_login(hr_world.officer)
    html = client.get(reverse("hr:import_job", args=[job.pk])).content.decode()
    assert "NOPE" in html
    assert 'name="skip_bad"' in html


def test_dry_run_writes_nothing_and_real_run_writes_its_plan(hr_world):
    people, placements = Person.objects.count(), Placement.objects.count()
    unit = org_unit("V1A", parent=hr_world.unit)
    lines = [
        staff_csv_line(1),
        staff_csv_line(2, supervisor_employee_number="H000001", unit_code="V1A"),
        # the target moves to V1A as a professional, from 2025-10-01:
        staff_csv_line(
            3,
            employee_number="T0001",
            first_name_th="สมศรี",
            last_name_th="มีสุข",
            unit_code="V1A",
            position_level="professional",
            start_date="01/10/2568",
        ),
    ]
    job = staff_import_start(user=hr_world.officer, upload=_upload(lines))
    assert (Person.objects.count(), Placement.objects.count()) == (people, placements)
    assert job.counts == {
        "create": 2,
        "update": 0,
        "move": 1,
        "unchanged": 0,
        "bad": 0,
        "total": 3,
        "changes": 3,
    }

    job = staff_import_apply_start(job=job, user=hr_world.officer)
    assert job.status == ImportJob.Status.APPLIED
    assert Person.objects.count() == people + 2
    second = Person.objects.get(employee_number="H000002")
    first = Person.objects.get(employee_number="H000001")
    assert second.placements.get().supervisor == first
    assert second.national_id_masked.endswith(thai_national_id(2)[-1])
    history = list(hr_world.target.placements.order_by("starts_on"))
    assert [(p.unit, p.ends_on) for p in history] == [
        (hr_world.unit, date(2025, 9, 30)),
        (unit, None),
    ]
    assert history[1].position_level.code == "professional"
    assert job.source is None
    assert AuditEntry.objects.filter(
        action="staff_import.apply", object_id=str(job.pk)
    ).exists()


def test_rerunning_the_same_file_changes_nothing(hr_world):
    lines = [
        staff_csv_line(1),
        staff_csv_line(2, supervisor_employee_number="H000003"),
        staff_csv_line(3, supervisor_employee_number="H000001"),
    ]
    first = staff_import_start(user=hr_world.officer, upload=_upload(lines))
    staff_import_apply_start(job=first, user=hr_world.officer)
    snapshot = list(
        Placement.objects.order_by("pk").values_list(
            "pk", "person_id", "unit_id", "supervisor_id", "starts_on", "ends_on"
        )
    )
    again = staff_import_start(user=hr_world.officer, upload=_upload(lines))
    assert again.counts["unchanged"] == 3
    assert again.counts["changes"] == 0
    assert not again.can_apply
    assert (
        list(
            Placement.objects.order_by("pk").values_list(
                "pk", "person_id", "unit_id", "supervisor_id", "starts_on", "ends_on"
            )
        )
        == snapshot
    )


def test_updates_change_fields_and_supervisor_in_place(hr_world):
    lines = [
        staff_csv_line(
            1,
            employee_number="T0001",
            national_id=thai_national_id(77),
            first_name_th="สมศรี",
            last_name_th="มีสุขมาก",
            supervisor_employee_number="",
        )
    ]
    job = staff_import_start(user=hr_world.officer, upload=_upload(lines))
    assert job.counts["update"] == 1
    [change] = job.report["changes"]["update"]
    assert "last_name_th" in change["changes"] and "supervisor" in change["changes"]
    staff_import_apply_start(job=job, user=hr_world.officer)
    hr_world.target.refresh_from_db()
    assert hr_world.target.last_name_th == "มีสุขมาก"
    placement = hr_world.target.placements.get()
    assert placement.supervisor is None and placement.ends_on is None


def test_a_file_without_optional_columns_leaves_those_fields_alone(hr_world):
    header = (
        "employee_number,national_id,first_name_th,last_name_th,unit_code,"
        "position_type,position_level,line_of_work,start_date\n"
    )
    row = f"T0001,{thai_national_id(5)},สมศรี,มีสุข,V1,knowledge,practitioner,3-1-0012,2020-10-01\n"
    upload = SimpleUploadedFile("s.csv", (header + row).encode(), "text/csv")
    job = staff_import_start(user=hr_world.officer, upload=upload)
    staff_import_apply_start(job=job, user=hr_world.officer)
    hr_world.target.refresh_from_db()
    assert hr_world.target.email  # kept: the column was absent
    assert hr_world.target.placements.get().supervisor == hr_world.supervisor


def test_records_changed_since_the_dry_run_are_not_overwritten(hr_world):
    job = staff_import_start(
        user=hr_world.officer, upload=_upload([staff_csv_line(1), staff_csv_line(2)])
    )
    PlacementFactory(unit=hr_world.unit, person__employee_number="H000002")
    people = Person.objects.count()
    job = staff_import_apply_start(job=job, user=hr_world.officer)
    assert job.status == ImportJob.Status.PLANNED and job.error == "stale"
    assert Person.objects.count() == people
    assert job.counts["create"] == 1


def test_an_applied_job_cannot_be_applied_again(hr_world):
    from django.core.exceptions import ValidationError

    job = staff_import_start(user=hr_world.officer, upload=_upload([staff_csv_line(1)]))
    staff_import_apply_start(job=job, user=hr_world.officer)
    with pytest.raises(ValidationError):
        staff_import_apply_start(job=job, user=hr_world.officer)


def test_the_national_id_is_kept_nowhere_in_clear(hr_world):
    national_id = thai_national_id(31)
    job = staff_import_start(
        user=hr_world.officer,
        upload=_upload([staff_csv_line(1, national_id=national_id)]),
    )
    staff_import_apply_start(job=job, user=hr_world.officer)
    person = Person.objects.get(employee_number="H000001")
    assert national_id not in person.national_id_digest
    assert (
        person.national_id_masked == f"1-{national_id[1:5]}-xxxxx-xx-{national_id[12]}"
    )
    job.refresh_from_db()
    assert job.source is None
    assert national_id not in str(job.report)
    for entry in AuditEntry.objects.all():
        assert national_id not in str(entry.detail)


def test_apply_page_requires_confirming_the_skipped_bad_rows(client, hr_world):
    job = staff_import_start(
        user=hr_world.officer,
        upload=_upload([staff_csv_line(1), staff_csv_line(2, unit_code="NOPE")]),
    )
    client.force_login(hr_world.officer)
    url = reverse("hr:import_apply", args=[job.pk])
    client.post(url)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PLANNED
    client.post(url, {"skip_bad": "1"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED
    assert Person.objects.filter(employee_number="H000001").exists()


def test_large_file_is_checked_and_applied_in_the_background(
    client, hr_world, django_capture_on_commit_callbacks
):
    lines = [staff_csv_line(n) for n in range(1, 2102)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = staff_import_start(user=hr_world.officer, upload=_upload(lines))
    assert job.in_background and job.status == ImportJob.Status.QUEUED
    client.force_login(hr_world.officer)
    page = client.get(reverse("hr:import_job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PLANNED
    assert job.counts["create"] == 2101
    page = client.get(reverse("hr:import_job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' not in page
    job = _apply(job, hr_world.officer, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.APPLIED
    assert Person.objects.filter(employee_number__startswith="H00").count() == 2101


def test_ten_thousand_rows_import_in_bulk(hr_world, django_capture_on_commit_callbacks):
    """10,000 new people, each supervised by someone earlier or later in the file."""
    count = 10_000
    lines = []
    for n in range(1, count + 1):
        boss = n - 1 if n % 10 else n + 15 if n + 15 <= count else 1
        lines.append(
            staff_csv_line(
                n,
                supervisor_employee_number=f"H{boss:06d}" if n > 1 else "",
                start_date="01/10/2567" if n % 2 else "2024-10-01",
            )
        )
    job = _start(hr_world.officer, lines, django_capture_on_commit_callbacks)
    assert job.counts["create"] == count and job.counts["bad"] == 0
    with CaptureQueriesContext(connection) as queries:
        job = _apply(job, hr_world.officer, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.APPLIED
    assert len(queries) < count / 20  # bulk writes, never a query per row
    imported = Placement.objects.filter(person__employee_number__startswith="H")
    assert imported.count() == count
    assert imported.filter(supervisor__isnull=False).count() == count - 1
    assert imported.filter(starts_on=date(2024, 10, 1)).count() == count
    again = _start(hr_world.officer, lines, django_capture_on_commit_callbacks)
    assert again.counts["unchanged"] == count


def test_unapplied_dry_runs_lose_their_upload_after_a_day(hr_world):
    from datetime import timedelta

    from django.utils import timezone

    from hr.staff_import.tasks import staff_imports_discard_stale

    job = staff_import_start(user=hr_world.officer, upload=_upload([staff_csv_line(1)]))
    assert staff_imports_discard_stale.delay().get() == 0
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    assert staff_imports_discard_stale.delay().get() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DISCARDED and job.source is None
    assert job.counts["create"] == 1  # the report stays


def test_a_new_upload_discards_the_previous_dry_run(hr_world):
    first = staff_import_start(
        user=hr_world.officer, upload=_upload([staff_csv_line(1)])
    )
    staff_import_start(user=hr_world.officer, upload=_upload([staff_csv_line(2)]))
    first.refresh_from_db()
    assert first.status == ImportJob.Status.DISCARDED and first.source is None


def _moves_apply_queries(hr_world, count: int) -> int:
    """Import `count` new people, then move them all to V1A; the moves' queries."""
    if not OrgUnit.objects.filter(code="V1A").exists():
        org_unit("V1A", parent=hr_world.unit)
    first = 1000 * count
    numbers = range(first, first + count)
    job = staff_import_start(
        user=hr_world.officer, upload=_upload([staff_csv_line(n) for n in numbers])
    )
    staff_import_apply_start(job=job, user=hr_world.officer)
    moved = [
        staff_csv_line(n, unit_code="V1A", start_date="2025-10-01") for n in numbers
    ]
    job = staff_import_start(user=hr_world.officer, upload=_upload(moved))
    assert job.counts["move"] == count
    with CaptureQueriesContext(connection) as queries:
        job = staff_import_apply_start(job=job, user=hr_world.officer)
    assert job.status == ImportJob.Status.APPLIED
    history = Placement.objects.filter(
        person__employee_number__in=[f"H{n:06d}" for n in numbers]
    )
    assert history.filter(ends_on=date(2025, 9, 30)).count() == count
    assert history.filter(ends_on__isnull=True, unit__code="V1A").count() == count
    return len(queries)


def test_moves_are_written_in_bulk(hr_world):
    """Ending the old placements and starting the new ones: the same queries for one
    person moved as for fifty."""
    assert _moves_apply_queries(hr_world, 1) == _moves_apply_queries(hr_world, 50)


def test_people_updated_or_moved_are_announced_for_their_caches(hr_world):
    from competencies.signals import people_changed_in_bulk

    announced = []

    def receiver(sender, person_ids, **kwargs):
        announced.extend(person_ids)

    people_changed_in_bulk.connect(receiver, dispatch_uid="test-announced")
    try:
        lines = [
            staff_csv_line(1),  # new: nobody's cache knows them yet
            staff_csv_line(
                3,
                employee_number="T0001",
                first_name_th="สมศรี",
                last_name_th="มีสุขมาก",
            ),
        ]
        job = staff_import_start(user=hr_world.officer, upload=_upload(lines))
        staff_import_apply_start(job=job, user=hr_world.officer)
    finally:
        people_changed_in_bulk.disconnect(dispatch_uid="test-announced")
    assert announced == [hr_world.target.pk]
