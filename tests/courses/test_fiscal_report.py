"""The fiscal-year report: quarters of the Thai fiscal year, development hours
(Academy courses and approved outside development) against the target per unit,
assigned courses due in the year, competency coverage and its trend; the page and
the workbook, scoped, with query budgets for 1 and 50 people."""

import io
from datetime import date, datetime, time
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from competencies.hr.selectors import hr_access
from competencies.models import DevelopmentRecord, MatrixSnapshot
from courses.assignments import fiscal
from courses.models import CourseCompletion, DevelopmentTarget, Enrolment
from tests.factories import (
    EvidenceFactory,
    PlacementFactory,
    UserFactory,
    competency,
    course,
    level,
)
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
            EvidenceFactory(
                person=user.person,
                competency=competency(world.framework, "ACD-LIT-01"),
                level=level(world.framework, 2),
                observed_on=date(2026, 10, next(counter) % 28 + 1),
            )

    return grow


@pytest.mark.parametrize(
    ("name", "ceiling"), [("hr:fiscal", 10), ("hr:fiscal_report", 11)]
)
def test_fiscal_report_query_budget(client, hr_world, page, name, ceiling):
    client.force_login(hr_world.officer)
    url = reverse(name)

    one, fifty = one_and_fifty(_grow(hr_world, page), lambda: page_queries(client, url))
    # Sign-in and scope 3 (the user, the role, the person with their reports; the
    # scope's units and the frameworks are kept per process), the units about the
    # node 1 (its rows, the names above it, the targets: node_units), hours by unit
    # 1, assignments 1 (those due as a subquery), both coverage matrices 2
    # (maintained run, one aggregate; the competencies from the standards
    # snapshot), trend 1, gaps closed 1; the workbook reads its rows by person
    # with the hours by unit (one query) and adds its audit entry: 10 reads and
    # one write.
    assert one == fifty <= ceiling
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    writes = [
        query["sql"]
        for query in context
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    # The workbook's one write is its audit entry (an export); the page writes none.
    assert ["accounts_auditentry" in sql for sql in writes] == (
        [True] if name == "hr:fiscal_report" else []
    )


def test_coverage_by_group_lists_only_groups_with_staff(client, year_world):
    """Everyone in D1 is a non-IT practitioner: the five other groups of the framework
    have nobody here, so they are named apart as having no staff, not shown at 0 %."""
    client.force_login(year_world.parent_officer)
    query = {"year": "2570", "framework": year_world.framework.pk}
    report = client.get(reverse("hr:fiscal"), query).context["report"]
    groups = [(row.code, row.staff, row.is_total) for row in report.coverage_by_group]
    assert groups == [("nonit-operational", 3, False), ("D1", 3, True)]
    assert len(report.groups_without_staff) == 5
    executives = year_world.framework.groups.get(code="it-executive").name
    assert executives in report.groups_without_staff
    body = client.get(reverse("hr:fiscal"), query).content.decode()
    table = body.split('id="fiscal-coverage-group"')[1].split("</table>")[0]
    assert executives not in table
    assert "ไม่มีบุคลากร" in body.split('id="fiscal-groups-without-staff"')[1]

    response = client.get(reverse("hr:fiscal_report"), query)
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book["ความครอบคลุมตามกลุ่มบุคลากร"]
    # A code is รหัส (a report column), not โค้ด (program source in a lesson).
    assert sheet["A3"].value == "รหัส"
    rows = [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]]
    assert [row[0] for row in rows] == ["nonit-operational", "D1"]
    assert rows[0][2:5] == (3, 30, 1)
    assert executives in sheet["A2"].value


FY2569 = fiscal.FiscalYear(2026)  # 1 October 2025 to 30 September 2026


def _rated(person, framework, code, rank, on, *, expires=None, source="assessment"):
    return EvidenceFactory(
        person=person,
        competency=competency(framework, code),
        level=level(framework, rank),
        observed_on=on,
        expires_on=expires,
        source=source,
    )


@pytest.fixture
def gaps_world(hr_world):
    """Everyone is a non-IT practitioner: LIT-01, LIT-02, DL-03 and GOV-01 required at
    level 2. The fixture already rates the target LIT-01 at 2 on 15 Jan 2026 (Q2)."""
    w, fw = hr_world, hr_world.framework
    learner, target, chief = w.learner_user.person, w.target, w.supervisor
    _rated(target, fw, "ACD-LIT-01", 2, date(2026, 3, 1))  # already met: no
    _rated(target, fw, "ACD-LIT-02", 1, date(2025, 12, 1))  # below the level: no
    _rated(target, fw, "ACD-LIT-02", 2, date(2026, 2, 15))  # Q2
    _rated(learner, fw, "ACD-LIT-01", 2, date(2025, 11, 10))  # Q1
    _rated(learner, fw, "ACD-LIT-01", 3, date(2026, 2, 1))  # already met: no
    _rated(learner, fw, "ACD-GOV-02", 4, date(2026, 1, 10), source="self")  # no
    _rated(learner, fw, "ACD-DG-01", 2, date(2026, 10, 1))  # next fiscal year
    _rated(
        chief, fw, "ACD-DL-03", 2, date(2025, 10, 5), expires=date(2026, 1, 31)
    )  # Q1
    _rated(chief, fw, "ACD-DL-03", 2, date(2026, 5, 10))  # lapsed, met again: Q3
    _rated(
        chief, fw, "ACD-GOV-01", 2, date(2026, 4, 1), expires=date(2026, 6, 30)
    )  # Q3
    _rated(chief, fw, "ACD-GOV-01", 2, date(2026, 7, 1))  # renewed the day after: no
    _rated(chief, fw, "ACD-GOV-01", 2, date(2026, 7, 1))  # same day twice: still no
    _rated(chief, fw, "ACD-LEAD-01", 1, date(2025, 9, 30))  # the year before
    outsider = PlacementFactory(unit=w.other_department).person
    _rated(outsider, fw, "ACD-LIT-01", 2, date(2026, 1, 20))  # another department
    return w


def test_gaps_closed_by_quarter_counted_by_hand(gaps_world):
    w = gaps_world
    quarters, total = fiscal.gaps_closed_by_quarter(w.department, w.framework, FY2569)
    # Q1: learner LIT-01, chief DL-03. Q2: target LIT-01 and LIT-02. Q3: chief DL-03
    # again and GOV-01. Q4: nothing.
    assert [(row.closed.gaps, row.closed.people) for row in quarters] == [
        (2, 2),
        (2, 1),
        (2, 1),
        (0, 0),
    ]
    assert (total.gaps, total.people) == (6, 3)
    assert [(row.starts, row.ends) for row in quarters][2] == (
        date(2026, 4, 1),
        date(2026, 6, 30),
    )
    # V1 alone: the learner and the target.
    quarters, total = fiscal.gaps_closed_by_quarter(w.unit, w.framework, FY2569)
    assert [row.closed.gaps for row in quarters] == [1, 2, 0, 0]
    assert (total.gaps, total.people) == (3, 2)
    # A renewal that leaves a day without valid evidence closes the gap again:
    # LIT-02 valid 1-30 July, renewed 1 August (31 July uncovered): two closings.
    fw = w.framework
    _rated(
        w.supervisor, fw, "ACD-LIT-02", 2, date(2026, 7, 1), expires=date(2026, 7, 30)
    )
    _rated(w.supervisor, fw, "ACD-LIT-02", 2, date(2026, 8, 1))
    quarters, total = fiscal.gaps_closed_by_quarter(w.department, fw, FY2569)
    assert (quarters[3].closed.gaps, quarters[3].closed.people) == (2, 1)
    assert (total.gaps, total.people) == (8, 3)


def test_gaps_closed_on_the_page_and_in_the_workbook(client, gaps_world):
    w = gaps_world
    client.force_login(w.parent_officer)
    query = {"year": "2569", "framework": w.framework.pk}
    response = client.get(reverse("hr:fiscal"), query)
    assert [row.closed.gaps for row in response.context["report"].gaps_closed] == [
        2,
        2,
        2,
        0,
    ]
    table = response.content.decode().split('id="fiscal-gaps-closed"')[1]
    assert "ช่องว่างที่ปิดได้" in table.split("</thead>")[0]
    assert "<td>6</td><td>3</td>" in table.split("</table>")[0].replace(" ", "")
    response = client.get(reverse("hr:fiscal_report"), query)
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book["ช่องว่างที่ปิดได้"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [row[3:5] for row in rows[:5]] == [(2, 2), (2, 1), (2, 1), (0, 0), (6, 3)]
    assert rows[4][0] == "รวม"
