"""An HR officer tells three units named กองบริหารทรัพยากรบุคคล apart in the tree
chooser (searching it by name), previews who is reached by name, assigns, and the
right learner sees the course; then imports a staff file written as a Thai HR office
keeps it (Thai headers and labels, Buddhist-Era dates) after downloading the template."""

import io
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

import pytest
from openpyxl import load_workbook

from competencies.models import Placement
from courses.models import Assignee, CoursePage
from tests.factories import (
    PlacementFactory,
    UserFactory,
    course,
    hr_officer,
    org_unit,
    thai_national_id,
)

pytestmark = pytest.mark.django_db(transaction=True)

SAME = "กองบริหารทรัพยากรบุคคล"


@pytest.fixture
def scene(standards):
    ministry = org_unit("M", kind="ministry", name="กระทรวงการพัฒนาดิจิทัล")
    one = org_unit("D1", parent=ministry, kind="department", name="กรมบริการดิจิทัล")
    two = org_unit("D2", parent=ministry, kind="department", name="กรมข้อมูลภาครัฐ")
    three = org_unit("D3", parent=ministry, kind="department", name="กรมส่งเสริมการเรียนรู้")
    units = [
        org_unit(f"{parent.code}-HR", parent=parent, kind="division", name=SAME)
        for parent in (one, two, three)
    ]
    learners = []
    for k, unit in enumerate(units):
        user = UserFactory(email=f"hr{k}@example.go.th", first_name=f"ผู้เรียน{k}")
        PlacementFactory(
            unit=unit,
            person__user=user,
            person__first_name_th=f"ผู้เรียน{k}",
            person__last_name_th="ทดสอบ",
            person__email=user.email,
        )
        learners.append(user)
    mandatory = course(
        "การบริหารทรัพยากรบุคคลภาครัฐ",
        slug="hr-public",
        lessons=1,
        enrolment_policy=CoursePage.EnrolmentPolicy.ASSIGNED,
    )
    officer = hr_officer(ministry, email="hr@example.go.th", first_name="วิไล")
    return officer, units, learners, mandatory


def test_officer_picks_the_right_same_named_unit_assigns_and_imports_thai_staff_file(
    page, sign_in, shot, scene
):
    officer, units, learners, mandatory = scene
    wanted = units[1]  # the one under กรมข้อมูลภาครัฐ
    sign_in(page, officer.email)
    page.goto("/hr/assignments/new/")
    page.select_option("select[name=course]", str(mandatory.pk))
    page.fill(
        "input[name=due_on]", (timezone.localdate() + timedelta(days=30)).isoformat()
    )
    # Search the tree: three units match the name, each with its code and parent.
    search = page.locator("input[data-unit-tree-search]")
    assert search.is_visible()
    search.fill("ทรัพยากรบุคคล")
    visible = page.locator(".unit-tree li:not([hidden]) > label", has_text=SAME)
    assert visible.count() == 3
    shot(page, "tree-search")
    search.fill("D2-HR")
    assert (
        page.locator(".unit-tree li:not([hidden]) > label", has_text=SAME).count() == 1
    )
    page.get_by_label("กองบริหารทรัพยากรบุคคล D2-HR", exact=False).check()
    assert page.locator(f"#id_unit_{wanted.pk}").is_checked()

    page.locator("main form button[name=preview]").click()
    page.wait_for_load_state()
    preview = page.locator("#assignment-preview").inner_text()
    assert "ผู้เรียน1" in preview and "D2-HR" in preview and "กรมข้อมูลภาครัฐ" in preview
    assert "ผู้เรียน0" not in preview and "ผู้เรียน2" not in preview
    shot(page, "preview-names")
    # The choice survives the preview.
    assert page.locator(f"#id_unit_{wanted.pk}").is_checked()
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_url("**/hr/assignments/*/")
    shot(page, "assigned")
    assert set(
        Assignee.objects.filter(assignment__course=mandatory).values_list(
            "person__user__email", flat=True
        )
    ) == {learners[1].email}
    assert "กรมข้อมูลภาครัฐ" in page.locator("main").inner_text()

    # The right learner sees it; another of the same-named units does not.
    def dashboard(user) -> str:
        context = page.context.browser.new_context(
            base_url=page.url.split("/hr/")[0], locale="th-TH"
        )
        other = context.new_page()
        sign_in(other, user.email)
        other.goto("/dashboard/")
        text = other.locator("main").inner_text()
        context.close()
        return text

    assert "การบริหารทรัพยากรบุคคลภาครัฐ" in dashboard(learners[1])
    assert "การบริหารทรัพยากรบุคคลภาครัฐ" not in dashboard(learners[0])

    # The template lists every allowed value; a Thai file imports.
    page.goto("/hr/import/")
    with page.expect_download() as download:
        page.locator("a[href='/hr/import/template.xlsx']").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    units_sheet = book.worksheets[2]
    codes = [row[0] for row in units_sheet.iter_rows(min_row=2, values_only=True)]
    assert {"D1-HR", "D2-HR", "D3-HR"} <= set(codes)
    header = (
        "เลขประจำตัวพนักงาน,เลขประจำตัวประชาชน,คำนำหน้า,ชื่อ,นามสกุล,รหัสหน่วยงาน,"
        "ประเภทตำแหน่ง,ระดับตำแหน่ง,สายงาน,วันที่เริ่มดำรงตำแหน่ง,เลขที่ตำแหน่ง,"
        "ตำแหน่งในการบริหาร\n"
    )
    rows = [
        f"TH0001,{thai_national_id(7001)},นาง,มาลี,ศรีสวัสดิ์,D2-HR,ประเภทวิชาการ,"
        "ระดับชำนาญการ,3-1-0012,1 ต.ค. 2567,1234,\n",
        f"TH0002,{thai_national_id(7002)},นาย,สมปอง,ดีงาม,D3-HR,ประเภทวิชาการ,"
        "ระดับชำนาญการพิเศษ,3-1-0012,01/10/2566,1235,หัวหน้ากลุ่มงาน\n",
        f"TH0003,{thai_national_id(7003)},นาย,ผิด,หลายที่,NOPE,ประเภทนักบิน,"
        "ระดับชำนาญการ,3-1-0012,31/02/2567,1236,\n",
    ]
    page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "staff-thai.csv",
                "mimeType": "text/csv",
                "buffer": (header + "".join(rows)).encode("utf-8-sig"),
            }
        ],
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/hr/import/*/")
    shot(page, "thai-dry-run")
    text = page.locator("main").inner_text()
    # Every error of the bad row at once: unit, position type and date.
    assert "NOPE" in text and "ประเภทนักบิน" in text and "31/02/2567" in text
    page.check("input[name=skip_bad]")
    page.locator("form[action$='/apply/'] button").click()
    page.wait_for_load_state()
    shot(page, "thai-applied")
    placement = Placement.objects.select_related("position_level", "unit").get(
        person__employee_number="TH0002"
    )
    assert placement.unit.code == "D3-HR"
    assert placement.position_level.code == "senior-professional"
    assert placement.starts_on.isoformat() == "2023-10-01"
    assert placement.administrative_post == "หัวหน้ากลุ่มงาน"
    assert not Placement.objects.filter(person__employee_number="TH0003").exists()


def test_officer_exports_the_heat_map_report_and_it_opens_as_a_report(
    page, sign_in, shot, standards
):
    from datetime import date

    from competencies.models import OrgUnit
    from competencies.selectors import org_matrix
    from competencies.services import evidence_record
    from tests.factories import level

    framework = standards["acd-digital"]
    ministry = org_unit("M", kind="ministry", name="กระทรวงการพัฒนาดิจิทัล")
    for code, name in (("D1", "กรมบริการดิจิทัล"), ("D2", "กรมข้อมูลภาครัฐ")):
        department = org_unit(code, parent=ministry, kind="department", name=name)
        items = list(framework.competencies.exclude(kind="area").order_by("pk"))[:4]
        for n in range(3):
            person = PlacementFactory(unit=department).person
            for k, item in enumerate(items[: n + 1]):
                evidence_record(
                    person=person,
                    competency=item,
                    level=level(framework, (n + k) % 4 + 1),
                    source="assessment",
                    observed_on=date(2026, 1, 10),
                )
    officer = hr_officer(ministry, email="hr@example.go.th", first_name="วิไล")
    sign_in(page, officer.email)
    page.goto(f"/hr/heatmap/?framework={framework.pk}")
    shot(page, "heatmap")
    with page.expect_download() as download:
        page.locator("a[href^='/hr/heatmap/report.xlsx']").click()
    assert download.value.suggested_filename.startswith("heatmap-report-M-")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    share, figures = book.worksheets
    assert share.title == "ร้อยละผู้ผ่านเกณฑ์" and figures.title == "ตัวเลข"
    title = share["A1"].value
    assert "กระทรวงการพัฒนาดิจิทัล (M)" in title
    assert str(timezone.localdate().year + 543) in title
    assert [cell.value for cell in share[3]][:3] == ["รหัส", "หน่วยงาน", "บุคลากร"]
    matrix = org_matrix(OrgUnit.objects.get(code="M"), framework=framework)
    expected = {
        (row.code, competency.code): matrix.cell(row.pk, competency.pk)
        for row in matrix.rows
        for competency in matrix.competencies
        if matrix.cell(row.pk, competency.pk)
    }
    found = {
        (row[0], row[2]): (row[4], row[5], row[7])
        for row in figures.iter_rows(min_row=3, values_only=True)
        if row[1] != "รวม"
    }
    assert found.keys() == expected.keys()
    for key, cell in expected.items():
        staff, meeting, share_value = found[key]
        assert (staff, meeting) == (cell.staff, cell.meeting)
        assert share_value == pytest.approx(cell.share_meeting)
    last = [cell.value for cell in share[share.max_row]]
    assert last[1] == "รวม" and last[2] == 6
    assert share.page_setup.orientation == "landscape"
