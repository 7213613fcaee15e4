"""An HR officer opens the fiscal-year report, downloads its workbook and the ก.พ.7
training register file (CSV and XLSX), and finds in them, opened with openpyxl and
csv, the course a learner of their department completed, its hours and its
certificate number."""

import csv
import io
from pathlib import Path

from django.utils import timezone

import pytest
from openpyxl import load_workbook

from academy.core.thaidate import buddhist_year, fiscal_year
from tests.certificates.certificate_helpers import issue
from tests.factories import PlacementFactory, UserFactory, course, hr_officer, org_unit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(standards):
    ministry = org_unit("M", kind="ministry", name="กระทรวงการพัฒนาดิจิทัล")
    department = org_unit("D1", parent=ministry, kind="department", name="กรมบริการดิจิทัล")
    unit = org_unit(
        "V1", parent=department, kind="division", name="กองเทคโนโลยีสารสนเทศ"
    )
    learner = UserFactory(email="arunee@example.go.th", first_name="อรุณี")
    PlacementFactory(
        unit=unit,
        position_number="4501",
        person__user=learner,
        person__employee_number="E4501",
        person__title_th="นางสาว",
        person__first_name_th="อรุณี",
        person__last_name_th="แสงทอง",
        person__email=learner.email,
    )
    PlacementFactory(unit=unit, person__employee_number="E4502")
    page = course("การกำกับดูแลข้อมูลภาครัฐ", slug="data-gov", lessons=1, learning_hours=6)
    certificate = issue(learner, page)
    officer = hr_officer(department, email="hr@example.go.th", first_name="วิไล")
    return officer, certificate


def _download(page, selector: str) -> bytes:
    with page.expect_download() as download:
        page.locator(selector).click()
    return Path(download.value.path()).read_bytes()


def test_hr_officer_exports_the_fiscal_year_report_and_the_register_file(
    page, sign_in, shot, scene
):
    officer, certificate = scene
    year_be = buddhist_year(fiscal_year(timezone.localdate()))

    sign_in(page, officer.email)
    page.goto("/hr/")
    page.locator(".hr-nav a[href='/hr/fiscal/']").click()
    page.wait_for_url("**/hr/fiscal/")
    heading = page.locator("main h1").inner_text()
    assert f"ปีงบประมาณ {year_be}" in heading
    hours = page.locator("#fiscal-hours").inner_text()
    assert "กองเทคโนโลยีสารสนเทศ" in hours
    shot(page, "fiscal-year")

    book = load_workbook(io.BytesIO(_download(page, "#fiscal-report-xlsx")))
    assert book.sheetnames[:3] == [
        "ชั่วโมงตามหน่วยงาน",
        "ชั่วโมงรายบุคคล",
        "หลักสูตรที่มอบหมาย",
    ]
    units = book.worksheets[0]
    assert f"ปีงบประมาณ {year_be}" in units["A1"].value
    assert "กรมบริการดิจิทัล (D1)" in units["A1"].value
    by_unit = {row[0]: row for row in units.iter_rows(min_row=4, values_only=True)}
    assert by_unit["V1"][1:4] == ("กองเทคโนโลยีสารสนเทศ", 2, 6)
    people = {
        row[0]: row for row in book.worksheets[1].iter_rows(min_row=4, values_only=True)
    }
    assert people["E4501"][1] == "นางสาวอรุณี แสงทอง"
    assert people["E4501"][10] == 6 and people["E4502"][10] == 0

    page.locator("main a[href^='/hr/register/']").first.click()
    page.wait_for_url("**/hr/register/**")
    shot(page, "register")
    text = _download(page, "#register-csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1
    row = rows[0]
    assert row["fiscal_year_be"] == str(year_be)
    assert (row["employee_number"], row["position_number"]) == ("E4501", "4501")
    assert row["course_title_th"] == "การกำกับดูแลข้อมูลภาครัฐ"
    assert row["hours"] == "6.0"
    assert row["certificate_number"] == certificate.number
    assert row["record_source"] == "หลักสูตรของสถาบัน"
    assert row["ended_on"].endswith(f"/{buddhist_year(timezone.localdate().year)}")

    book = load_workbook(io.BytesIO(_download(page, "#register-xlsx")))
    records, totals = book.worksheets
    assert "ก.พ.7" in records["A1"].value
    record = next(records.iter_rows(min_row=3, values_only=True))
    assert record[1] == "E4501" and record[16] == certificate.number
    assert next(totals.iter_rows(min_row=3, values_only=True))[2:] == (1, 0, 6)
