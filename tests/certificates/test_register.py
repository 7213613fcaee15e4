"""The ก.พ.7 training register file: one row per course completed in the fiscal
year, by the people placed in the officer's subtree, with B.E. dates, hours and
certificate numbers; CSV for import and a workbook to print; query budget."""

import csv
import io
from datetime import date, datetime, time
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from academy.accounts.models import AuditEntry
from academy.core.thaidate import fiscal_year
from certificates.register import COLUMNS, be_date
from competencies.models import DevelopmentRecord
from courses.models import CourseCompletion, Enrolment
from tests.certificates.certificate_helpers import issue
from tests.factories import PlacementFactory, UserFactory, hr_officer, org_unit
from tests.queries import one_and_fifty, page_queries

pytestmark = pytest.mark.django_db


def test_register_dates_are_buddhist_era_day_month_year():
    assert be_date(date(2026, 1, 5)) == "05/01/2569"
    assert be_date(None) == ""


@pytest.fixture
def world(standards, governance_course):
    ministry = org_unit("M", kind="ministry", name="กระทรวงทดสอบ")
    department = org_unit("D1", parent=ministry, kind="department", name="กรมหนึ่ง")
    v1 = org_unit("V1", parent=department, kind="division", name="กองหนึ่ง")
    v2 = org_unit("V2", parent=department, kind="division", name="กองสอง")

    def certified(unit, number, surname):
        user = UserFactory(email=f"{number}@example.go.th")
        PlacementFactory(
            unit=unit,
            position_number="1234",
            person__user=user,
            person__employee_number=number,
            person__title_th="นาง",
            person__first_name_th="ทดสอบ",
            person__last_name_th=surname,
        )
        return issue(user, governance_course)

    world = type("World", (), {})()
    world.department, world.v1 = department, v1
    world.in_v1 = certified(v1, "E001", "หนึ่ง")
    world.in_v2 = certified(v2, "E002", "สอง")
    world.officer = hr_officer(v1, email="hr-v1@example.go.th")
    world.parent = hr_officer(department, email="hr-d1@example.go.th")
    world.course = governance_course
    return world


def _csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_register_csv_has_the_documented_columns_and_the_scope(client, world):
    client.force_login(world.officer)
    response = client.get(reverse("hr:register_file", args=["csv"]))
    assert response.status_code == 200
    rows = _csv(response)
    assert list(rows[0]) == [name for name, _label in COLUMNS]
    assert [row["employee_number"] for row in rows] == ["E001"]
    row = rows[0]
    today = timezone.localdate()
    assert row["fiscal_year_be"] == str(fiscal_year(today) + 543)
    assert (row["title_th"], row["first_name_th"], row["last_name_th"]) == (
        "นาง",
        "ทดสอบ",
        "หนึ่ง",
    )
    assert (row["unit_code"], row["unit_name_th"], row["position_number"]) == (
        "V1",
        "กองหนึ่ง",
        "1234",
    )
    assert row["course_title_th"] == world.course.title
    assert row["hours"] == "6.0"
    assert row["ended_on"] == be_date(today)
    assert row["started_on"] == be_date(world.in_v1.training_started_on or today)
    assert row["certificate_number"] == world.in_v1.number
    assert AuditEntry.objects.get(action="export").detail["table"] == "register"


def test_register_only_counts_the_chosen_fiscal_year(client, world):
    client.force_login(world.parent)
    last_year = fiscal_year(timezone.localdate()) - 1
    url = reverse("hr:register_file", args=["csv"])
    assert _csv(client.get(url, {"year": last_year})) == []
    rows = _csv(client.get(url))
    assert {row["employee_number"] for row in rows} == {"E001", "E002"}


def test_register_workbook_reads_as_a_report(client, world):
    client.force_login(world.parent)
    page = client.get(reverse("hr:register"))
    assert page.status_code == 200
    assert reverse("hr:register_file", args=["xlsx"]) in page.content.decode()
    response = client.get(reverse("hr:register_file", args=["xlsx"]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    records, totals = book.worksheets
    assert "ก.พ.7" in records["A1"].value and "กรมหนึ่ง (D1)" in records["A1"].value
    assert records["A2"].value == "ปีงบประมาณ (พ.ศ.)"
    rows = list(records.iter_rows(min_row=3, values_only=True))
    assert {row[1] for row in rows} == {"E001", "E002"}
    assert rows[0][16] in {world.in_v1.number, world.in_v2.number}
    per_person = list(totals.iter_rows(min_row=3, values_only=True))
    assert per_person[0][2:] == (1, 0, 6)


def test_register_is_for_hr_officers_in_their_scope(client, world):
    client.force_login(world.officer)
    url = reverse("hr:register_file", args=["csv"])
    assert client.get(url, {"node": world.department.pk}).status_code == 404
    client.force_login(world.in_v1.user)
    assert client.get(url).status_code in (403, 404)
    assert client.get(reverse("hr:register")).status_code in (403, 404)


def test_register_query_budget(client, world):
    client.force_login(world.officer)
    counter = iter(range(10_000))

    def grow(n):
        for _ in range(n):
            user = UserFactory()
            PlacementFactory(unit=world.v1, person__user=user)
            enrolment = Enrolment.objects.create(
                user=user, course=world.course, status=Enrolment.Status.COMPLETED
            )
            CourseCompletion.objects.create(
                enrolment=enrolment,
                user=user,
                course=world.course,
                completed_at=timezone.make_aware(
                    datetime.combine(timezone.localdate(), time(next(counter) % 9))
                ),
                learning_hours=Decimal("2"),
            )

    def count():
        total = 0
        for fmt in ("csv", "xlsx"):
            url = reverse("hr:register_file", args=[fmt])
            b"".join(client.get(url).streaming_content)  # fills the reference caches
            with CaptureQueriesContext(connection) as captured:
                b"".join(client.get(url).streaming_content)
            total += len(captured)
        return total

    one, fifty = one_and_fifty(grow, count)
    # Two requests: the CSV 4 reads and the workbook 5, each with its audit entry.
    assert one == fifty <= 11


def test_register_page_query_budget(client, world):
    """The page to choose the year and the unit: the user, the role, the officer's
    person and reports; the scope and the units above it come from its cache."""
    client.force_login(world.officer)

    def grow(n):
        for _ in range(n):
            PlacementFactory(unit=world.v1)

    one, fifty = one_and_fifty(
        grow, lambda: page_queries(client, reverse("hr:register"))
    )
    assert one == fifty <= 3


# ------------------------------------------------------------------------------
# Approved development outside the Academy
# ------------------------------------------------------------------------------


def _record(person, *, ends: date, hours: str, status="approved", **fields):
    return DevelopmentRecord.objects.create(
        person=person,
        kind=fields.pop("kind", DevelopmentRecord.Kind.STUDY_VISIT),
        title=fields.pop("title", "ศึกษาดูงานศูนย์ข้อมูลภาครัฐ"),
        provider=fields.pop("provider", "สำนักงาน ก.พ."),
        starts_on=fields.pop("starts", ends),
        ends_on=ends,
        hours=Decimal(hours),
        status=status,
        decided_at=None if status == "submitted" else timezone.now(),
        rejection_reason="ไม่มีหลักฐาน" if status == "rejected" else "",
    )


@pytest.fixture
def outside(world):
    """E001 (V1): an approved study visit this fiscal year, one last year, one
    awaiting approval and one rejected; E002 (V2): an approved coaching record; a
    person of another organisation (D2) with an approved record."""
    today = timezone.localdate()
    person = world.in_v1.user.person
    world.visit = _record(person, starts=today.replace(day=1), ends=today, hours="7.5")
    starts_this_year = date(fiscal_year(today) - 1, 10, 1)
    _record(
        person, ends=starts_this_year.replace(year=starts_this_year.year - 1), hours="3"
    )
    _record(person, ends=today, hours="9", status="submitted", title="รออนุมัติ")
    _record(person, ends=today, hours="4", status="rejected", title="ไม่อนุมัติ")
    _record(
        world.in_v2.user.person,
        ends=today,
        hours="2",
        kind=DevelopmentRecord.Kind.COACHING,
        title="การสอนงาน",
        provider="กองสอง",
    )
    other_department = org_unit(
        "D2", parent=world.department.get_parent(), kind="department", name="กรมสอง"
    )
    stranger = PlacementFactory(
        unit=other_department, person__employee_number="E003"
    ).person
    _record(stranger, ends=today, hours="5", title="ของหน่วยงานอื่น")
    return world


def test_register_csv_lists_approved_outside_development(client, outside):
    client.force_login(outside.officer)
    rows = _csv(client.get(reverse("hr:register_file", args=["csv"])))
    assert list(rows[0])[-2:] == ["record_source", "development_kind"]
    assert [row["employee_number"] for row in rows] == ["E001", "E001"]
    course, visit = sorted(
        rows, key=lambda row: row["record_source"] != "หลักสูตรของสถาบัน"
    )
    assert course["record_source"] == "หลักสูตรของสถาบัน"
    assert course["development_kind"] == "" and course["certificate_number"]
    assert visit["record_source"] == "การพัฒนารูปแบบอื่นที่ได้รับอนุมัติ"
    assert visit["development_kind"] == "การศึกษาดูงาน"
    assert (visit["course_title_th"], visit["organiser_th"]) == (
        "ศึกษาดูงานศูนย์ข้อมูลภาครัฐ",
        "สำนักงาน ก.พ.",
    )
    assert (visit["course_code"], visit["delivery_mode"]) == ("", "")
    assert visit["certificate_number"] == ""
    assert visit["hours"] == "7.5"
    assert visit["started_on"] == be_date(outside.visit.starts_on)
    assert visit["ended_on"] == be_date(outside.visit.ends_on)
    assert (visit["unit_code"], visit["position_number"], visit["title_th"]) == (
        "V1",
        "1234",
        "นาง",
    )
    # Submitted, rejected, last year's: none of them.
    titles = {row["course_title_th"] for row in rows}
    assert not titles & {"รออนุมัติ", "ไม่อนุมัติ"}


def test_register_never_shows_another_organisations_records(client, outside):
    client.force_login(outside.parent)
    rows = _csv(client.get(reverse("hr:register_file", args=["csv"])))
    assert {row["employee_number"] for row in rows} == {"E001", "E002"}
    assert "ของหน่วยงานอื่น" not in {row["course_title_th"] for row in rows}
    assert len(rows) == 4  # two courses, the study visit, the coaching


def test_register_workbook_marks_outside_development(client, outside):
    client.force_login(outside.parent)
    response = client.get(reverse("hr:register_file", args=["xlsx"]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    records, totals = book.worksheets
    header = [cell.value for cell in records[2]]
    assert header[-2:] == ["ที่มาของรายการ", "รูปแบบการพัฒนา"]
    rows = list(records.iter_rows(min_row=3, values_only=True))
    marked = {(row[1], row[17], row[18]) for row in rows}
    assert marked == {
        ("E001", "หลักสูตรของสถาบัน", None),
        ("E001", "การพัฒนารูปแบบอื่นที่ได้รับอนุมัติ", "การศึกษาดูงาน"),
        ("E002", "หลักสูตรของสถาบัน", None),
        ("E002", "การพัฒนารูปแบบอื่นที่ได้รับอนุมัติ", "การสอนงานหรือการเป็นพี่เลี้ยง"),
    }
    visit = next(row for row in rows if row[18] == "การศึกษาดูงาน")
    assert visit[15] == 7.5 and visit[16] is None
    assert [cell.value for cell in totals[2]][2:] == [
        "หลักสูตรของสถาบัน",
        "การพัฒนารูปแบบอื่นที่ได้รับอนุมัติ",
        "จำนวนชั่วโมง",
    ]
    per_person = {
        row[0]: row[2:] for row in totals.iter_rows(min_row=3, values_only=True)
    }
    assert per_person == {"E001": (1, 1, 13.5), "E002": (1, 1, 8)}


def test_register_query_budget_with_outside_development(client, world):
    client.force_login(world.officer)

    def grow(n):
        for _ in range(n):
            placement = PlacementFactory(unit=world.v1)
            _record(placement.person, ends=timezone.localdate(), hours="1.5")

    def count():
        total = 0
        for fmt in ("csv", "xlsx"):
            url = reverse("hr:register_file", args=[fmt])
            b"".join(client.get(url).streaming_content)  # fills the reference caches
            with CaptureQueriesContext(connection) as captured:
                b"".join(client.get(url).streaming_content)
            total += len(captured)
        return total

    one, fifty = one_and_fifty(grow, count)
    # Two requests: the CSV 4 reads and the workbook 5, each with its audit entry.
    assert one == fifty <= 11
