"""An HR officer imports staff (dry run, then apply), reads the heat map, drills down
to a unit and opens a person's profile."""

from datetime import date

import pytest

from competencies.hr.services import matrix_snapshots_take
from competencies.models import OrgUnit, Person
from competencies.services import evidence_record
from tests.factories import (
    STAFF_CSV_HEADER,
    PlacementFactory,
    hr_officer,
    level,
    line_of_work,
    org_unit,
    position,
    staff_csv_line,
)

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def ministry(standards):
    framework = standards["acd-digital"]
    ministry = org_unit("M", kind="ministry", name="กระทรวงการพัฒนาดิจิทัล")
    department = org_unit("D1", parent=ministry, kind="department", name="กรมบริการดิจิทัล")
    org_unit("D2", parent=ministry, kind="department", name="กรมข้อมูลภาครัฐ")
    org_unit("V1", parent=department, kind="division", name="กองเทคโนโลยีสารสนเทศ")
    org_unit("V2", parent=department, kind="division", name="กองบริหารทั่วไป")
    competencies = list(framework.competencies.exclude(kind="area").order_by("pk"))
    for n, code in enumerate(["V1", "V2", "D2"] * 4):
        type_code, level_code = [
            ("knowledge", "practitioner"),
            ("general", "operational"),
        ][n % 2]
        position_type, position_level = position(type_code, level_code)
        person = PlacementFactory(
            unit=OrgUnit.objects.get(code=code),
            position_type=position_type,
            position_level=position_level,
            line_of_work=line_of_work(["3-1-0013", "เจ้าพนักงานธุรการ"][n % 2]),
        ).person
        for k, item in enumerate(competencies[: n % 5 + 3]):
            evidence_record(
                person=person,
                competency=item,
                level=level(framework, (n + k) % 4 + 1),
                source="assessment",
                observed_on=date(2026, 1, 10),
            )
    officer = hr_officer(
        ministry, email="hr@example.go.th", first_name="วิไล", last_name="งามดี"
    )
    # Six months of snapshots, with staff improving month by month, for the trend.
    people = list(Person.objects.order_by("pk"))
    for month in range(5, 11):
        for person in people[(month - 5) * 2 : (month - 5) * 2 + 2]:
            for item in competencies[:6]:
                evidence_record(
                    person=person,
                    competency=item,
                    level=level(framework, 4),
                    source="assessment",
                    observed_on=date(2026, month - 1, 15),
                )
        matrix_snapshots_take(on=date(2026, month, 1))
    return officer


def _staff_file() -> bytes:
    lines = [
        staff_csv_line(1, first_name_th="อรุณี", last_name_th="แสงทอง", unit_code="V1"),
        staff_csv_line(
            2,
            first_name_th="ประเสริฐ",
            last_name_th="ใจงาม",
            unit_code="V1",
            supervisor_employee_number="H000001",
        ),
        staff_csv_line(
            3,
            first_name_th="กมล",
            last_name_th="ศรีสุข",
            unit_code="V2",
            position_type="general",
            position_level="operational",
            line_of_work="เจ้าพนักงานธุรการ",
            start_date="01/10/2567",
        ),
        staff_csv_line(4, first_name_th="ผิดพลาด", unit_code="X9"),
    ]
    return (STAFF_CSV_HEADER + "".join(lines)).encode()


def test_hr_officer_imports_staff_reads_the_heat_map_and_opens_a_person(
    page, sign_in, shot, ministry
):
    sign_in(page, ministry.email)
    page.goto("/hr/")
    shot(page, "home")

    page.locator(".hr-nav a[href='/hr/import/']").click()
    page.wait_for_url("**/hr/import/")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": _staff_file()}],
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/hr/import/*/")
    shot(page, "dry-run")
    assert page.locator(".counts li").first.inner_text().startswith("3")
    assert "X9" in page.locator("table").first.inner_text()
    assert not Person.objects.filter(employee_number="H000001").exists()

    page.check("input[name=skip_bad]")
    page.locator("form[action$='/apply/'] button").click()
    page.wait_for_load_state()
    shot(page, "applied")
    assert (
        Person.objects.filter(
            employee_number__in=["H000001", "H000002", "H000003"]
        ).count()
        == 3
    )
    supervisor = Person.objects.get(employee_number="H000001")
    assert supervisor.placements.get().unit.code == "V1"

    page.goto("/hr/heatmap/")
    shot(page, "heatmap-ministry")
    assert page.locator("table.heatmap tbody tr").count() >= 2
    page.locator("table.heatmap tbody th a", has_text="กรมบริการดิจิทัล").click()
    page.wait_for_url("**/hr/heatmap/?node=*")
    shot(page, "heatmap-department")
    page.locator("table.heatmap tbody th a", has_text="กองเทคโนโลยีสารสนเทศ").click()
    page.wait_for_url("**/hr/people/?unit=*")
    shot(page, "directory-unit")
    page.locator("table.data tbody th a", has_text="อรุณี").click()
    page.wait_for_url("**/hr/people/*/")
    shot(page, "person")
    assert "1-" in page.locator(".facts").inner_text()
    assert "xxxxx" in page.locator(".facts").inner_text()

    # Record a manual rating with its scanned form.
    page.locator(".hr-actions a.button").first.click()
    page.wait_for_url("**/evidence/new/")
    page.select_option(
        "select[name=competency]",
        label=page.locator(
            "select[name=competency] option", has_text="ACD-LIT-01"
        ).first.inner_text(),
    )
    page.select_option("select[name=level]", index=3)
    page.select_option("select[name=source]", "manual")
    page.fill("input[name=observed_on]", "2026-11-01")
    page.fill("textarea[name=note]", "ประเมินจากการปฏิบัติงานจริงโดยผู้บังคับบัญชา")
    page.set_input_files(
        "input[name=attachment]",
        files=[{"name": "rating.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    shot(page, "evidence-form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/hr/people/*/")
    shot(page, "person-with-evidence")
    assert "rating.pdf" in page.content()

    page.goto("/hr/heatmap/?by=group")
    shot(page, "heatmap-groups")
