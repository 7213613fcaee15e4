"""The staff import holds the officer's scope on every path, through the HR pages:
a sibling unit's person who starts there in the future, or who is between
placements, cannot be taken over, and the dry run never tells whether a national ID
belongs to someone outside the scope."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest

from competencies.models import ImportJob, Placement
from competencies.national_id import national_id_digest, pii_key
from hr.staff_import.parsing import Reason
from tests.factories import (
    STAFF_CSV_HEADER,
    PlacementFactory,
    staff_csv_line,
    thai_national_id,
)

pytestmark = pytest.mark.django_db


def _import(client, officer, lines) -> ImportJob:
    """Upload through /hr/import/ (the dry run) and return the job it made."""
    client.force_login(officer)
    upload = SimpleUploadedFile(
        "staff.csv", (STAFF_CSV_HEADER + "".join(lines)).encode(), "text/csv"
    )
    response = client.post(reverse("hr:import"), {"file": upload})
    assert response.status_code == 302
    return ImportJob.objects.filter(created_by=officer).latest("pk")


def _sibling_person(hr_world, number: int, **placement):
    return PlacementFactory(
        unit=hr_world.sibling,
        person__employee_number=f"P{number:04d}",
        person__national_id_digest=national_id_digest(
            thai_national_id(number), key=pii_key()
        ),
        **placement,
    ).person


def _take_over(client, hr_world, person, number):
    """The V1 officer's file moves `person` into V1; the real run is tried too."""
    line = staff_csv_line(
        number,
        employee_number=person.employee_number,
        unit_code="V1",
        start_date=(timezone.localdate() + timedelta(days=60)).isoformat(),
    )
    job = _import(client, hr_world.officer, [line])
    client.post(reverse("hr:import_apply", args=[job.pk]), {"skip_bad": "1"})
    return job


def _codes(job):
    return {
        row["line"]: sorted(p["code"] for p in row["problems"])
        for row in job.report["bad"]
    }


def test_a_sibling_person_starting_in_the_future_cannot_be_taken_over(client, hr_world):
    future = timezone.localdate() + timedelta(days=30)
    person = _sibling_person(hr_world, 901, starts_on=future)

    job = _take_over(client, hr_world, person, 901)

    assert _codes(job) == {2: [Reason.PERSON_OUT_OF_SCOPE]}
    assert list(
        Placement.objects.filter(person=person).values_list("unit", flat=True)
    ) == [hr_world.sibling.pk]


def test_a_sibling_person_between_placements_cannot_be_taken_over(client, hr_world):
    ended = timezone.localdate() - timedelta(days=10)
    person = _sibling_person(hr_world, 902, ends_on=ended)

    job = _take_over(client, hr_world, person, 902)

    assert _codes(job) == {2: [Reason.PERSON_OUT_OF_SCOPE]}
    assert Placement.objects.filter(person=person).count() == 1


def test_the_dry_run_does_not_tell_whose_national_id_it_is(client, hr_world):
    outsider = _sibling_person(hr_world, 903)
    lines = [
        # An in-scope employee number with the national ID of someone elsewhere.
        staff_csv_line(903, employee_number="T0001"),
        # The outsider's own employee number.
        staff_csv_line(904, employee_number=outsider.employee_number),
    ]
    job = _import(client, hr_world.officer, lines)

    page = client.get(reverse("hr:import_job", args=[job.pk])).content.decode()
    assert _codes(job) == {
        2: [Reason.PERSON_OUT_OF_SCOPE],
        3: [Reason.PERSON_OUT_OF_SCOPE],
    }
    assert "national ID is already recorded" not in page
    assert "บันทึกไว้กับเลขประจำตัวบุคลากรอื่น" not in page
    assert page.count("ไม่ใช่ของบุคลากรในหน่วยงานของท่าน") == 2
