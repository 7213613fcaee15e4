"""The directory, evidence and compliance exports as reports to print: a title row
with scope and B.E. date, headers in the reader's language, labels not codes,
percentages, print setup; scoped and audited; the raw exports stay."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from academy.accounts.models import AuditEntry
from academy.core.thaidate import format_thai_date
from competencies.models import Placement
from competencies.selectors import framework_list_active
from tests.hr.staff_helpers import staff
from tests.queries import one_and_fifty

pytestmark = pytest.mark.django_db


def _book(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _print_setup(sheet, header_row: int) -> None:
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"$1:${header_row}"
    assert sheet.freeze_panes == f"B{header_row + 1}"


def test_directory_report_reads_as_a_report(client, hr_world):
    client.force_login(hr_world.parent_officer)
    page = client.get(reverse("hr:directory"))
    assert reverse("hr:directory_report") in page.content.decode()
    sheet = _book(client.get(reverse("hr:directory_report"))).worksheets[0]
    assert sheet.title == "บุคลากร"
    title = sheet["A1"].value
    assert "กรมหนึ่ง (D1)" in title and "กระทรวงดิจิทัลทดสอบ" in title
    assert framework_list_active()[0].name in title  # the directory's default
    assert str(timezone.localdate().year + 543) in title
    headers = [cell.value for cell in sheet[2]]
    assert headers[:5] == ["เลขประจำตัว", "ชื่อ", "หน่วยงาน", "รหัสหน่วยงาน", "สังกัด"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    target = rows["T0001"]
    placement = Placement.objects.select_related(
        "position_type", "position_level", "line_of_work"
    ).get(person=hr_world.target)
    assert target[1].endswith("สมศรี มีสุข")
    assert target[2:5] == ("กองหนึ่ง", "V1", "กระทรวงดิจิทัลทดสอบ › กรมหนึ่ง")
    # Labels, not codes.
    assert target[5] == placement.position_type.name_th
    assert target[6] == placement.position_level.name_th
    assert target[7] == placement.line_of_work.name_th
    assert "หัวหน้า" in target[10]
    # Dates in the Buddhist Era, as Thai offices write them.
    assert target[11] == format_thai_date(placement.starts_on, short=True)
    assert target[-1]  # the personnel group's name
    assert not any(row[-1] and row[-1].isascii() for row in rows.values())
    _print_setup(sheet, 2)
    entry = AuditEntry.objects.get(action="export")
    assert entry.detail["format"] == "report"


def test_directory_report_in_english(client, hr_world):
    client.force_login(hr_world.officer)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("hr:directory_report"), HTTP_ACCEPT_LANGUAGE="en")
    sheet = _book(response).worksheets[0]
    assert sheet.title == "Staff"
    assert [cell.value for cell in sheet[2]][:3] == [
        "Employee number",
        "Name",
        "Organisation unit",
    ]
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "T0001")
    assert row[11].is_date  # a real date, shown as 7 Dec 2026
    assert "as of" in sheet["A1"].value


def test_directory_report_follows_the_scope(client, hr_world):
    staff(hr_world.sibling, hr_world.framework, 2)
    client.force_login(hr_world.officer)
    sheet = _book(client.get(reverse("hr:directory_report"))).worksheets[0]
    units = {row[3] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert units == {"V1"}
    client.force_login(hr_world.learner_user)
    assert client.get(reverse("hr:directory_report")).status_code in (403, 404)


def test_directory_report_query_budget(client, hr_world):
    client.force_login(hr_world.parent_officer)
    url = reverse("hr:directory_report")

    def count():
        _book(client.get(url))  # fills the reference caches
        with CaptureQueriesContext(connection) as captured:
            _book(client.get(url))
        return len(captured)

    one, fifty = one_and_fifty(
        lambda n: staff(hr_world.unit, hr_world.framework, n), count
    )
    assert one == fifty <= 7


def test_evidence_report_has_labels_and_thai_dates(client, hr_world):
    client.force_login(hr_world.officer)
    url = reverse("hr:person_evidence_report", args=[hr_world.target.pk])
    assert (
        url
        in client.get(reverse("hr:person", args=[hr_world.target.pk])).content.decode()
    )
    sheet = _book(client.get(url)).worksheets[0]
    assert "สมศรี มีสุข (T0001)" in sheet["A1"].value
    row = next(sheet.iter_rows(min_row=3, values_only=True))
    assert row[1] == "ACD-LIT-01"
    assert row[0] == hr_world.framework.name_th
    assert row[5] == "การประเมินโดยผู้ประเมิน" or not row[5].isascii()
    assert row[6] == "15 ม.ค. 2569"
    client.force_login(hr_world.sibling_officer)
    assert client.get(url).status_code == 404


def test_compliance_report_by_course_and_by_unit(client, hr_world, progress):
    client.force_login(hr_world.parent_officer)
    page = client.get(reverse("hr:compliance"))
    assert reverse("hr:compliance_report") in page.content.decode()
    url = reverse("hr:compliance_report") + f"?node={hr_world.department.pk}"
    summary, by_unit = _book(client.get(url)).worksheets
    assert summary.title == "ตามหลักสูตร" and by_unit.title == "ตามหน่วยงาน"
    assert "กรมหนึ่ง (D1)" in summary["A1"].value
    row = next(summary.iter_rows(min_row=3, values_only=True))
    assert row[0] == "ความมั่นคงปลอดภัยไซเบอร์สำหรับทุกคน"
    assert row[3:8] == (5, 1, 1, 3, 4)
    assert row[8] == pytest.approx(0.2)
    assert summary.cell(3, 9).number_format == "0.0%"
    total = [cell.value for cell in summary[summary.max_row]]
    assert total[0] == "รวม" and total[3] == 5
    units = {row[4]: row for row in by_unit.iter_rows(min_row=3, values_only=True)}
    assert set(units) == {"D1", "V1", "V2"}
    assert units["V1"][3] == "กองหนึ่ง" and units["V1"][5:7] == (3, 1)
    _print_setup(summary, 2)
