"""The staff import as Thai HR offices keep the file: Thai labels as well as codes,
Buddhist-Era dates, position number and administrative post, every error of every
row in one pass, and a template listing every allowed value."""

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from openpyxl import load_workbook

from competencies.models import ImportJob, Person, Placement
from hr.staff_import import parsing as staff_csv
from hr.staff_import.parsing import COLUMNS, Reason
from hr.staff_import.services import staff_import_apply_start, staff_import_start
from tests.factories import org_unit, thai_national_id
from tests.queries import one_and_fifty, page_queries

pytestmark = pytest.mark.django_db

THAI_HEADER = [
    "เลขประจำตัวพนักงาน",
    "เลขประจำตัวประชาชน",
    "คำนำหน้า",
    "ชื่อ",
    "นามสกุล",
    "รหัสหน่วยงาน",
    "ประเภทตำแหน่ง",
    "ระดับตำแหน่ง",
    "สายงาน",
    "วันที่เริ่มดำรงตำแหน่ง",
    "เลขที่ตำแหน่ง",
    "ตำแหน่งในการบริหาร",
]


def _file(rows: list[list[str]], header=THAI_HEADER) -> SimpleUploadedFile:
    text = "\n".join(",".join(row) for row in [header, *rows]) + "\n"
    return SimpleUploadedFile("staff.csv", text.encode("utf-8-sig"), "text/csv")


def _row(n: int, **cells) -> list[str]:
    values = {
        "number": f"TH{n:04d}",
        "id": thai_national_id(5000 + n),
        "title": "นาง",
        "first": f"สมหญิง{n}",
        "last": "ใจงาม",
        "unit": "V1",
        "type": "ประเภทวิชาการ",
        "level": "ระดับชำนาญการ",
        "line": "3-1-0012",
        "start": "1 ต.ค. 2567",
        "position_number": f"{1000 + n}",
        "post": "",
    }
    values.update(cells)
    return list(values.values())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2567-10-01", date(2024, 10, 1)),
        ("1 ต.ค. 2567", date(2024, 10, 1)),
        ("1 ตุลาคม 2567", date(2024, 10, 1)),
        ("01 ต.ค. พ.ศ. 2567", date(2024, 10, 1)),
        ("1.10.2567", date(2024, 10, 1)),
        ("30 ก.ย. 2568", date(2025, 9, 30)),
    ],
)
def test_buddhist_era_dates_as_thai_offices_write_them(text, expected):
    assert staff_csv.date_parse(text) == expected


@pytest.mark.parametrize(
    "text", ["1 ต.ค. 2024", "1 ตค 2567x", "31 ก.พ. 2567", "1 Oct 2567"]
)
def test_thai_dates_that_are_wrong_or_ambiguous_are_refused(text):
    with pytest.raises(ValueError):
        staff_csv.date_parse(text)


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("ประเภทวิชาการ", "วิชาการ"),
        ("วิชาการ", "วิชาการ"),
        ("ระดับ ชำนาญการ", "ชำนาญการ"),
        ("Knowledge", "knowledge"),
        ("ระดับ", "ระดับ"),
    ],
)
def test_label_key(value, key):
    assert staff_csv.label_key(value) == key


def test_thai_labels_headers_and_dates_import_with_position_number_and_post(hr_world):
    job = staff_import_start(
        user=hr_world.officer,
        upload=_file(
            [
                _row(1),
                _row(2, type="วิชาการ", level="ชำนาญการพิเศษ", post="หัวหน้ากลุ่มงาน"),
                _row(3, type="knowledge", level="practitioner", start="01/10/2567"),
                _row(4, type="ประเภททั่วไป", level="ระดับปฏิบัติงาน", line="เจ้าพนักงานธุรการ"),
            ]
        ),
    )
    assert job.status == ImportJob.Status.PLANNED
    assert job.counts["create"] == 4, job.report["bad"]
    job = staff_import_apply_start(job=job, user=hr_world.officer)
    assert job.status == ImportJob.Status.APPLIED
    placements = {
        placement.person.employee_number: placement
        for placement in Placement.objects.filter(
            person__employee_number__startswith="TH"
        ).select_related("person", "position_type", "position_level")
    }
    first = placements["TH0001"]
    assert (first.position_type.code, first.position_level.code) == (
        "knowledge",
        "professional",
    )
    assert first.starts_on == date(2024, 10, 1)
    assert first.position_number == "1001"
    second = placements["TH0002"]
    assert second.position_level.code == "senior-professional"
    assert second.administrative_post == "หัวหน้ากลุ่มงาน"
    assert placements["TH0003"].position_level.code == "practitioner"
    fourth = placements["TH0004"]
    assert (fourth.position_type.code, fourth.position_level.code) == (
        "general",
        "operational",
    )


def test_a_new_position_number_or_post_corrects_the_placement(hr_world):
    staff_import_apply_start(
        job=staff_import_start(user=hr_world.officer, upload=_file([_row(1)])),
        user=hr_world.officer,
    )
    placement = Placement.objects.get(person__employee_number="TH0001")
    job = staff_import_start(
        user=hr_world.officer,
        upload=_file([_row(1, position_number="2001", post="ผู้อำนวยการกอง")]),
    )
    assert job.counts["update"] == 1
    changes = job.report["changes"]["update"][0]["changes"]
    assert set(changes) == {"position_number", "administrative_post"}
    staff_import_apply_start(job=job, user=hr_world.officer)
    placement.refresh_from_db()
    assert (placement.position_number, placement.administrative_post) == (
        "2001",
        "ผู้อำนวยการกอง",
    )
    assert Placement.objects.filter(person=placement.person).count() == 1
    # A file without those columns leaves them as they are.
    header = [
        name for name in THAI_HEADER if name not in ("เลขที่ตำแหน่ง", "ตำแหน่งในการบริหาร")
    ]
    job = staff_import_start(
        user=hr_world.officer, upload=_file([_row(1)[:-2]], header=header)
    )
    assert job.counts["unchanged"] == 1


def test_every_error_of_every_row_in_one_pass(client, hr_world):
    job = staff_import_start(
        user=hr_world.officer,
        upload=_file(
            [
                # Bad in the file and against the records at once.
                _row(1, id="1234567890123", unit="NOPE", type="ประเภทนักบิน", start="x"),
                _row(2, last="", level="ระดับเซียน", line="9-9-9999"),
                _row(3, unit="V2"),  # a sibling's unit
            ]
        ),
    )
    bad = {
        row["line"]: sorted(problem["code"] for problem in row["problems"])
        for row in job.report["bad"]
    }
    assert bad == {
        2: sorted(
            [
                Reason.BAD_NATIONAL_ID,
                Reason.BAD_DATE,
                Reason.UNKNOWN_UNIT,
                Reason.UNKNOWN_POSITION_TYPE,
            ]
        ),
        3: sorted(
            [Reason.MISSING_FIELD, Reason.UNKNOWN_LEVEL, Reason.UNKNOWN_LINE_OF_WORK]
        ),
        4: [Reason.UNIT_OUT_OF_SCOPE],
    }
    client.force_login(hr_world.officer)
    html = client.get(reverse("hr:import_job", args=[job.pk])).content.decode()
    assert "NOPE" in html and "ประเภทนักบิน" in html and "ระดับเซียน" in html
    assert not Person.objects.filter(employee_number__startswith="TH").exists()


# ------------------------------------------------------------------------------
# The template
# ------------------------------------------------------------------------------


def test_the_template_lists_every_allowed_value_of_the_officers_scope(client, hr_world):
    org_unit("V1-HR", parent=hr_world.unit, name="กองบริหารทรัพยากรบุคคล")
    client.force_login(hr_world.officer)
    response = client.get(reverse("hr:import_template", args=["xlsx"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    staff, columns, units, positions, lines = book.worksheets
    assert [cell.value for cell in staff[1]] == list(COLUMNS)
    assert {row[0] for row in units.iter_rows(min_row=2, values_only=True)} == {
        "V1",
        "V1-HR",
    }  # only the officer's own units
    trail = next(
        row[2]
        for row in units.iter_rows(min_row=2, values_only=True)
        if row[0] == "V1-HR"
    )
    assert trail.endswith("กรมหนึ่ง › กองหนึ่ง")
    position_rows = list(positions.iter_rows(min_row=2, values_only=True))
    assert ("knowledge", "ประเภทวิชาการ", "professional", "ระดับชำนาญการ") in {
        row[:4] for row in position_rows
    }
    line_names = {row[1] for row in lines.iter_rows(min_row=2, values_only=True)}
    assert "นักทรัพยากรบุคคล" in line_names or len(line_names) > 5
    notes = {row[0]: row for row in columns.iter_rows(min_row=2, values_only=True)}
    assert notes["position_number"][1] == "เลขที่ตำแหน่ง"
    assert notes["employee_number"][2] == "ใช่"
    assert staff.data_validations.dataValidation  # drop-down lists on the codes

    # Every label the template offers is accepted by the import.
    rows = [
        _row(k, type=row[1], level=row[3], line="3-1-0012")
        for k, row in enumerate(position_rows, start=1)
        if row[0] == "knowledge"
    ]
    job = staff_import_start(user=hr_world.officer, upload=_file(rows))
    assert job.counts["bad"] == 0 and job.counts["create"] == len(rows)


def test_the_csv_template_is_the_header_the_import_reads(client, hr_world):
    client.force_login(hr_world.officer)
    response = client.get(reverse("hr:import_template", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.strip() == ",".join(COLUMNS)


def test_the_template_is_for_hr_officers_only(client, hr_world):
    client.force_login(hr_world.learner_user)
    assert client.get(reverse("hr:import_template", args=["xlsx"])).status_code in (
        403,
        404,
    )
    client.force_login(hr_world.supervisor_user)
    assert client.get(reverse("hr:import_template", args=["xlsx"])).status_code in (
        403,
        404,
    )


def test_the_template_query_budget(client, hr_world):
    counter = iter(range(1000))

    def grow(n):
        for _ in range(n):
            org_unit(f"T{next(counter)}", parent=hr_world.unit)

    client.force_login(hr_world.officer)
    url = reverse("hr:import_template", args=["xlsx"])

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one, fifty = one_and_fifty(grow, count)
    assert one == fifty <= 7
    assert page_queries(client, reverse("hr:import")) <= 5
