"""The fiscal-year report: quarters of the Thai fiscal year, development hours
(Academy courses and approved outside development) against the target per unit,
assigned courses due in the year, competency coverage and its trend; the page and
the workbook, scoped, with query budgets for 1 and 50 people."""

import io
from datetime import date, datetime, time
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from competencies.hr.selectors import hr_access
from competencies.models import DevelopmentRecord, MatrixSnapshot
from courses.assignments import fiscal
from courses.models import CourseCompletion, DevelopmentTarget, Enrolment
from tests.factories import PlacementFactory, UserFactory, competency, course
from tests.queries import one_and_fifty, page_queries

pytestmark = pytest.mark.django_db

FY = fiscal.FiscalYear(2027)  # B.E. 2570: 1 October 2026 to 30 September 2027


def test_quarters_of_the_thai_fiscal_year():
    assert (FY.starts, FY.ends) == (date(2026, 10, 1), date(2027, 9, 30))
    assert FY.quarter(1) == (date(2026, 10, 1), date(2026, 12, 31))
    assert FY.quarter(2) == (date(2027, 1, 1), date(2027, 3, 31))
    assert FY.quarter(4) == (date(2027, 7, 1), date(2027, 9, 30))
    assert [FY.quarter_of(date(2026, 12, 31)), FY.quarter_of(date(2027, 4, 1))] == [
        1,
        3,
    ]
    assert fiscal.fiscal_year_get("2570") == FY == fiscal.fiscal_year_get("2027")


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def _completed(user, page, on: date, hours: str) -> CourseCompletion:
    enrolment = Enrolment.objects.create(
        user=user, course=page, status=Enrolment.Status.COMPLETED
    )
    return CourseCompletion.objects.create(
        enrolment=enrolment,
        user=user,
        course=page,
        completed_at=_moment(on),
        learning_hours=Decimal(hours),
    )


def _outside(person, on: date, hours: str, status="approved") -> DevelopmentRecord:
    return DevelopmentRecord.objects.create(
        person=person,
        kind=DevelopmentRecord.Kind.TRAINING,
        title="ดูงาน",
        provider="สำนักงาน ก.พ.",
        starts_on=on,
        ends_on=on,
        hours=Decimal(hours),
        status=status,
        decided_at=None if status == "submitted" else timezone.now(),
    )


@pytest.fixture
def page(framework_academy):
    return course(
        "การกำกับดูแลข้อมูลภาครัฐ",
        title_en="Government data governance",
        slug="fiscal-course",
        lessons=1,
        competencies=[(competency(framework_academy, "ACD-GOV-02"), 2)],
        learning_hours=6,
    )


@pytest.fixture
def year_world(hr_world, page):
    """The learner (V1) learns 6 h in Q1 and 4 h in Q3 (2 h outside, approved), the
    year before 5 h, a submitted record 9 h; V1's target is 10 h."""
    learner = hr_world.learner_user
    _completed(learner, page, date(2026, 11, 5), "6")
    _completed(learner, page, date(2027, 4, 2), "2")
    _completed(learner, page, date(2026, 9, 30), "5")  # fiscal year 2026
    _outside(learner.person, date(2027, 5, 1), "2")
    _outside(learner.person, date(2027, 5, 2), "9", status="submitted")
    DevelopmentTarget.objects.create(unit=hr_world.unit, hours_per_year=Decimal("10"))
    return hr_world


def test_hours_per_person_by_quarter_with_approved_outside_development(year_world):
    access = hr_access(year_world.officer)
    rows = {row[0]: row for row in fiscal.hours_rows(access, year_world.unit, FY)}
    learner = year_world.learner_user.person
    number, name, unit, code, q1, q2, q3, q4, courses, outside, hours, target, share = (
        rows[learner.employee_number]
    )
    assert (unit, code) == ("กองหนึ่ง", "V1")
    assert (q1, q2, q3, q4) == (6, 0, 4, 0)
    assert (courses, outside, hours, target) == (8, 2, 10, 10)
    assert share == pytest.approx(1.0)
    assert rows["T0001"][10] == 0


def test_hours_by_unit_count_who_reaches_their_target(year_world):
    access = hr_access(year_world.parent_officer)
    rows = {
        row.unit.code: row
        for row in fiscal.hours_by_unit(access, year_world.department, FY)
    }
    # V1 has 2 people (target 10 h: the learner reaches it); D1 holds the supervisor.
    assert rows["V1"].staff == 2 and rows["V1"].meeting == 1
    assert rows["V1"].hours == 10
    assert rows["D1"].meeting == 0
    # Without a target of its own, D1's is the default (docs/fiscal-reports.md).
    assert fiscal.target_hours(year_world.department) == Decimal("60")
    assert fiscal.target_hours(year_world.unit) == Decimal("10")


def test_fiscal_page_shows_hours_and_coverage(client, year_world):
    MatrixSnapshot.objects.create(
        root=year_world.department,
        framework=year_world.framework,
        competency=competency(year_world.framework, "ACD-LIT-01"),
        taken_on=date(2026, 11, 1),
        staff=4,
        meeting=1,
        mean_gap=1.0,
    )
    client.force_login(year_world.parent_officer)
    response = client.get(
        reverse("hr:fiscal"),
        {"year": "2570", "framework": year_world.framework.pk},
    )
    assert response.status_code == 200
    report = response.context["report"]
    assert report.year == FY
    assert report.hours_total.staff == 3
    body = response.content.decode()
    assert "ปีงบประมาณ 2570" in body
    assert reverse("hr:fiscal_report") in body
    assert [point.quarter for point in report.trend] == [1]
    assert report.coverage_by_unit and report.coverage_by_group


def test_fiscal_report_scope(client, year_world):
    client.force_login(year_world.sibling_officer)
    url = reverse("hr:fiscal")
    assert client.get(url, {"node": year_world.unit.pk}).status_code == 404
    xlsx = reverse("hr:fiscal_report")
    assert client.get(xlsx, {"node": year_world.unit.pk}).status_code == 404
    client.force_login(year_world.learner_user)
    assert client.get(url).status_code in (403, 404)


def test_fiscal_report_workbook(client, year_world):
    client.force_login(year_world.officer)
    response = client.get(reverse("hr:fiscal_report"), {"year": "2570"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = book.sheetnames
    assert names[:3] == ["ชั่วโมงตามหน่วยงาน", "ชั่วโมงรายบุคคล", "หลักสูตรที่มอบหมาย"]
    units = book.worksheets[0]
    assert "ปีงบประมาณ 2570" in units["A1"].value and "กองหนึ่ง (V1)" in units["A1"].value
    assert "10" in units["A2"].value  # the target
    row = next(units.iter_rows(min_row=4, values_only=True))
    assert row[:3] == ("V1", "กองหนึ่ง (สังกัดโดยตรง)", 2)
    assert row[6] == pytest.approx(1 / 2)
    people = {
        row[0]: row for row in book.worksheets[1].iter_rows(min_row=4, values_only=True)
    }
    learner = people[year_world.learner_user.person.employee_number]
    assert learner[4:13] == (6, 0, 4, 0, 8, 2, 10, 10, 1)


def _grow(world, page):
    counter = iter(range(10_000))

    def grow(n):
        for _ in range(n):
            user = UserFactory()
            PlacementFactory(unit=world.unit, person__user=user)
            _completed(user, page, date(2026, 11, next(counter) % 28 + 1), "3")
            _outside(user.person, date(2027, 2, 1), "1")

    return grow


@pytest.mark.parametrize("name", ["hr:fiscal", "hr:fiscal_report"])
def test_fiscal_report_query_budget(client, hr_world, page, name):
    client.force_login(hr_world.officer)
    url = reverse(name)

    one, fifty = one_and_fifty(_grow(hr_world, page), lambda: page_queries(client, url))
    assert one == fifty <= 40
