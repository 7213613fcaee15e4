"""Other staff schemes (พนักงานราชการ, ลูกจ้างประจำ): placed and tracked; the frameworks
say which schemes they cover, and where that is still to confirm no gap is counted
and learners and HR officers see it is provisional."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from competencies.models import (
    LineOfWork,
    Placement,
    PositionType,
    Provenance,
    SchemeCoverage,
    StaffScheme,
)
from competencies.selectors import org_matrix, person_profile
from hr.staff_import.parsing import Reason
from hr.staff_import.services import staff_import_apply_start, staff_import_start
from tests.factories import (
    STAFF_CSV_HEADER,
    PersonFactory,
    PlacementFactory,
    line_of_work,
    org_unit,
    staff_csv_line,
    thai_national_id,
)
from tests.hr.staff_helpers import staff

pytestmark = pytest.mark.django_db


def _government_employee_line() -> LineOfWork:
    scheme = StaffScheme.objects.get(code="government-employee")
    return LineOfWork.objects.create(
        scheme=scheme,
        name_th="นักวิชาการคอมพิวเตอร์",
        position_type=PositionType.objects.get(code="ge-professional"),
        category=LineOfWork.Category.DIGITAL,
    )


def _government_employee(unit, **kwargs) -> Placement:
    position_type = PositionType.objects.get(code="ge-professional")
    return PlacementFactory(
        unit=unit,
        position_type=position_type,
        position_level=position_type.levels.get(),
        line_of_work=kwargs.pop("line", None) or _government_employee_line(),
        **kwargs,
    )


def test_the_schemes_and_their_groups_are_loaded_with_provenance(standards):
    groups = {
        scheme.code: list(
            scheme.position_types.order_by("sort_order").values_list(
                "name_th", flat=True
            )
        )
        for scheme in StaffScheme.objects.exclude(code="civil-service")
    }
    assert groups == {
        "government-employee": [
            "กลุ่มงานบริการ",
            "กลุ่มงานเทคนิค",
            "กลุ่มงานบริหารทั่วไป",
            "กลุ่มงานวิชาชีพเฉพาะ",
            "กลุ่มงานเชี่ยวชาญเฉพาะ",
            "กลุ่มงานเชี่ยวชาญพิเศษ",
        ],
        "permanent-employee": [
            "กลุ่มงานบริการพื้นฐาน",
            "กลุ่มงานสนับสนุน",
            "กลุ่มงานช่าง",
            "กลุ่มงานเทคนิคพิเศษ",
        ],
    }
    for position_type in PositionType.objects.exclude(scheme__code="civil-service"):
        assert position_type.provenance == Provenance.TO_CONFIRM
        assert position_type.needs_confirmation
        assert position_type.levels.count() == 1


def test_the_frameworks_cover_the_civil_service_and_the_rest_is_to_confirm(
    standards,
):
    for framework in standards.values():
        coverage = {
            item.scheme_id: item
            for item in SchemeCoverage.objects.filter(framework=framework)
        }
        assert coverage["civil-service"].covered
        for code in ("government-employee", "permanent-employee"):
            assert not coverage[code].covered
            assert coverage[code].needs_confirmation


def test_a_placement_without_a_scheme_is_in_the_civil_service(standards):
    """As the previous release writes it: no scheme, the database's default."""
    position_type = PositionType.objects.get(code="knowledge")
    placement = Placement.objects.create(
        person=PersonFactory(),
        unit=org_unit("SC0", kind="ministry"),
        position_type=position_type,
        position_level=position_type.levels.order_by("rank").first(),
        line_of_work=line_of_work("3-1-0012"),
        starts_on=date(2024, 10, 1),
    )
    placement.refresh_from_db()
    assert placement.scheme_id == "civil-service"


def test_a_placement_mixing_schemes_is_refused(standards):
    unit = org_unit("SC1", kind="ministry")
    placement = _government_employee(unit)
    placement.full_clean()
    assert placement.scheme_id == "government-employee"
    placement.line_of_work = line_of_work("3-1-0013")
    with pytest.raises(ValidationError) as refused:
        placement.full_clean()
    assert "line_of_work" in refused.value.message_dict
    placement.line_of_work = LineOfWork.objects.get(scheme__code="government-employee")
    placement.scheme_id = "permanent-employee"
    with pytest.raises(ValidationError) as refused:
        placement.full_clean()
    assert "position_type" in refused.value.message_dict


def test_no_gap_is_counted_where_coverage_is_to_confirm(standards):
    unit = org_unit("SC2", kind="ministry")
    employee = _government_employee(unit).person
    civil_servant = PlacementFactory(unit=unit).person
    for profile in person_profile(employee).frameworks:
        assert profile.group is None
        assert profile.required_rows == []
        assert profile.coverage_to_confirm
        assert profile.scheme.name_th == "พนักงานราชการ"
    profiles = person_profile(civil_servant).frameworks
    assert all(not profile.coverage_to_confirm for profile in profiles)
    assert any(profile.required_rows for profile in profiles)


def test_coverage_confirmed_by_an_administrator_counts_their_gaps(standards):
    framework = standards["th-dg-2024"]
    SchemeCoverage.objects.filter(
        framework=framework, scheme_id="government-employee"
    ).update(covered=True, provenance=Provenance.PUBLISHED, source_note="")
    employee = _government_employee(org_unit("SC3", kind="ministry")).person
    profile = next(
        item
        for item in person_profile(employee).frameworks
        if item.framework == framework
    )
    assert profile.group is not None and profile.group.code == "it-operational"
    assert profile.required_rows
    assert not profile.coverage_to_confirm


def test_the_matrix_leaves_them_out_and_the_heat_map_says_so(client, hr_world):
    framework = hr_world.framework
    staff(hr_world.unit, framework, 3)
    before = org_matrix(hr_world.unit, framework=framework, by="unit", live=True)
    line = _government_employee_line()
    for _n in range(2):
        _government_employee(hr_world.unit, line=line)
    after = org_matrix(hr_world.unit, framework=framework, by="unit", live=True)
    assert after.cells == before.cells
    client.force_login(hr_world.officer)
    response = client.get(
        reverse("hr:heatmap"), {"framework": framework.pk}, HTTP_ACCEPT_LANGUAGE="th"
    )
    uncounted = response.context["heat"].uncounted
    assert [(item.scheme.code, item.staff, item.to_confirm) for item in uncounted] == [
        ("government-employee", 2, True)
    ]
    assert "พนักงานราชการ" in response.content.decode()


def test_the_hr_person_page_says_coverage_is_provisional(client, hr_world):
    employee = _government_employee(hr_world.unit).person
    client.force_login(hr_world.officer)
    html = client.get(
        reverse("hr:person", args=[employee.pk]), HTTP_ACCEPT_LANGUAGE="th"
    ).content.decode()
    assert "ยังไม่ได้ยืนยันว่า" in html and "พนักงานราชการ" in html


HEADER = (
    "employee_number,national_id,first_name_th,last_name_th,unit_code,"
    "position_type,position_level,line_of_work,start_date,ประเภทบุคลากร\n"
)


def _row(number: int, *, scheme: str, type_: str, level: str, line: str) -> str:
    return (
        f"S{number:05d},{thai_national_id(500 + number)},ทดสอบ{number},ระบบ,V1,"
        f"{type_},{level},{line},2024-10-01,{scheme}\n"
    )


def test_the_staff_import_accepts_the_scheme(hr_world):
    _government_employee_line()
    lines = [
        _row(
            1,
            scheme="พนักงานราชการ",
            type_="กลุ่มงานวิชาชีพเฉพาะ",
            level="ไม่จำแนกระดับ",
            line="นักวิชาการคอมพิวเตอร์",
        ),
        _row(2, scheme="", type_="วิชาการ", level="ปฏิบัติการ", line="3-1-0013"),
        _row(3, scheme="ลูกจ้างชั่วคราว", type_="วิชาการ", level="ปฏิบัติการ", line="3-1-0013"),
        # A government employee in a civil-service line: not in their scheme.
        _row(
            4,
            scheme="พนักงานราชการ",
            type_="กลุ่มงานวิชาชีพเฉพาะ",
            level="ไม่จำแนกระดับ",
            line="3-1-0012",
        ),
    ]
    job = staff_import_start(
        user=hr_world.officer,
        upload=SimpleUploadedFile(
            "staff.csv", (HEADER + "".join(lines)).encode(), "text/csv"
        ),
    )
    bad = {
        row["line"]: [problem["code"] for problem in row["problems"]]
        for row in job.report["bad"]
    }
    assert bad == {
        4: [Reason.UNKNOWN_SCHEME],
        5: [Reason.UNKNOWN_LINE_OF_WORK],
    }
    job = staff_import_apply_start(job=job, user=hr_world.officer)
    schemes = dict(
        Placement.objects.filter(
            person__employee_number__startswith="S0000"
        ).values_list("person__employee_number", "scheme_id")
    )
    assert schemes == {"S00001": "government-employee", "S00002": "civil-service"}


def test_a_file_without_the_scheme_column_places_civil_servants(hr_world):
    job = staff_import_start(
        user=hr_world.officer,
        upload=SimpleUploadedFile(
            "staff.csv", (STAFF_CSV_HEADER + staff_csv_line(1)).encode(), "text/csv"
        ),
    )
    staff_import_apply_start(job=job, user=hr_world.officer)
    placement = Placement.objects.get(person__employee_number="H000001")
    assert placement.scheme_id == "civil-service"


def test_confirming_coverage_marks_the_maintained_figures_stale(
    standards, django_capture_on_commit_callbacks
):
    from competencies.models import MatrixRollupRun
    from competencies.services import matrix_rollup_build

    framework = standards["th-dg-2024"]
    PlacementFactory(unit=org_unit("SC4", kind="ministry"))
    matrix_rollup_build(framework=framework, on=date.today())
    coverage = SchemeCoverage.objects.get(
        framework=framework, scheme_id="government-employee"
    )
    coverage.covered = True
    with django_capture_on_commit_callbacks():
        coverage.save()
    assert MatrixRollupRun.objects.get(framework=framework).stale


def test_the_lines_import_takes_position_titles_of_other_schemes(standards):
    from competencies.services import lines_of_work_import

    content = (
        "name_th,position_type,category,ประเภทบุคลากร\n"
        "นักวิชาการคอมพิวเตอร์,กลุ่มงานวิชาชีพเฉพาะ,digital,พนักงานราชการ\n"
        "พนักงานขับรถยนต์,กลุ่มงานบริการพื้นฐาน,,ลูกจ้างประจำ\n"
        "นักทดสอบ,กลุ่มงานบริการ,,ลูกจ้างชั่วคราว\n"
    ).encode()
    refused = lines_of_work_import(content=content, source_name="x.csv", apply=True)
    assert [line for line, _message in refused.errors] == [4]
    result = lines_of_work_import(
        content=content.rsplit(b"\n", 2)[0] + b"\n", source_name="x.csv", apply=True
    )
    assert (result.created, result.errors) == (2, [])
    line = LineOfWork.objects.get(
        scheme__code="government-employee", name_th="นักวิชาการคอมพิวเตอร์"
    )
    assert line.position_type.code == "ge-professional"
    assert LineOfWork.objects.filter(
        scheme__code="civil-service", name_th="นักวิชาการคอมพิวเตอร์"
    ).exists()
