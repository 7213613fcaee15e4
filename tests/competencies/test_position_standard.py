"""A line of work allows one position type and a range of levels (position standard,
Civil Service Act s.48): the model, the admin and the staff import refuse the rest."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

import pytest

from competencies.models import ImportJob, Person, Placement, PositionLevel
from hr.staff_import.parsing import Reason, reason_message
from hr.staff_import.services import staff_import_start
from tests.factories import (
    STAFF_CSV_HEADER,
    PersonFactory,
    PlacementFactory,
    UserFactory,
    line_of_work,
    org_unit,
    staff_csv_line,
)

pytestmark = pytest.mark.django_db


def _upload(lines: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "staff.csv", (STAFF_CSV_HEADER + "".join(lines)).encode(), "text/csv"
    )


def _problems(job) -> dict[int, list[dict]]:
    return {row["line"]: row["problems"] for row in job.report["bad"]}


def test_a_placement_in_a_line_of_another_position_type_is_refused(standards):
    placement = PlacementFactory(unit=org_unit("PS1", kind="ministry"))
    general = PositionLevel.objects.get(
        position_type__code="general", code="operational"
    )
    placement.position_type = general.position_type
    placement.position_level = general
    placement.line_of_work = line_of_work("3-1-0013")  # วิชาการ only
    with pytest.raises(ValidationError) as refused, translation.override("th"):
        placement.full_clean()
    message = refused.value.message_dict["line_of_work"][0]
    assert "นักวิชาการคอมพิวเตอร์" in message
    assert "วิชาการ" in message and "ทั่วไป" in message


def test_the_import_refuses_a_type_or_level_the_line_does_not_allow_in_one_pass(
    hr_world,
):
    people, placements = Person.objects.count(), Placement.objects.count()
    lines = [
        staff_csv_line(1),  # 2: good
        # 3: a general officer in a knowledge line
        staff_csv_line(2, position_type="general", position_level="operational"),
        # 4: ผู้ตรวจราชการกระทรวง is บริหาร สูง only
        staff_csv_line(
            3,
            position_type="executive",
            position_level="executive-primary",
            line_of_work="1-1-004",
        ),
        # 5: out of range and also a bad email: both reported
        staff_csv_line(
            4,
            position_type="executive",
            position_level="executive-primary",
            line_of_work="1-1-004",
            email="no-at-sign",
        ),
        # 6: in range
        staff_csv_line(
            5,
            position_type="executive",
            position_level="executive-higher",
            line_of_work="1-1-004",
        ),
    ]
    job = staff_import_start(user=hr_world.officer, upload=_upload(lines))
    assert job.status == ImportJob.Status.PLANNED
    problems = _problems(job)
    assert sorted(problems) == [3, 4, 5]
    assert [p["code"] for p in problems[3]] == [Reason.LINE_OF_WORK_TYPE]
    assert [p["code"] for p in problems[4]] == [Reason.LINE_OF_WORK_LEVEL]
    assert sorted(p["code"] for p in problems[5]) == [
        Reason.BAD_EMAIL,
        Reason.LINE_OF_WORK_LEVEL,
    ]
    assert job.counts["create"] == 2
    # The dry run changed nothing.
    assert (Person.objects.count(), Placement.objects.count()) == (people, placements)

    with translation.override("th"):
        type_message = reason_message(
            Reason.LINE_OF_WORK_TYPE, problems[3][0]["params"]
        )
        level_message = reason_message(
            Reason.LINE_OF_WORK_LEVEL, problems[4][0]["params"]
        )
    assert type_message.startswith("สายงาน 3-1-0012 นักวิเคราะห์นโยบายและแผน")
    assert "ประเภทวิชาการ" in type_message and "ทั่วไป" in type_message
    assert "ผู้ตรวจราชการกระทรวง" in level_message
    assert "ระดับสูง" in level_message and "ต้น" in level_message


def test_the_job_page_shows_the_position_standard_error_in_thai(client, hr_world):
    lines = [staff_csv_line(1, position_type="general", position_level="operational")]
    job = staff_import_start(user=hr_world.officer, upload=_upload(lines))
    client.force_login(hr_world.officer)
    html = client.get(
        reverse("hr:import_job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="th"
    ).content.decode()
    assert "สายงาน 3-1-0012 นักวิเคราะห์นโยบายและแผน" in html


def test_the_admin_refuses_a_placement_its_line_does_not_allow(client, standards):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    person = PersonFactory()
    unit = org_unit("PS2", kind="ministry")
    general = PositionLevel.objects.get(
        position_type__code="general", code="operational"
    )
    response = client.post(
        reverse("competencies_placement:add"),
        {
            "person": person.pk,
            "unit": unit.pk,
            "position_type": general.position_type_id,
            "position_level": general.pk,
            "line_of_work": line_of_work("3-1-0013").pk,
            "starts_on": "2025-10-01",
        },
    )
    assert response.status_code == 200
    assert not Placement.objects.filter(person=person).exists()
    assert "line_of_work" in response.context["form"].errors
