"""The register file's rows against an independent recomputation in Python: the
placement each row shows is its person's latest current placement under the chosen
unit (not the one of the row's date), people who left or have no current placement
there have no rows, and the certificate number is the valid certificate's only."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.test import override_settings
from django.utils import timezone

import pytest

from academy.core.thaidate import buddhist_year, fiscal_year, fiscal_year_bounds
from certificates.models import Certificate
from certificates.register import (
    SOURCE_ACADEMY,
    SOURCE_OUTSIDE,
    TENTH,
    be_date,
    register_person_totals,
    register_rows,
)
from competencies.hr.selectors import hr_access
from competencies.models import DevelopmentRecord, Framework, Person, Placement
from courses.models import CourseCompletion, CoursePage
from tests.certificates.certificate_helpers import complete_course, issue
from tests.factories import PlacementFactory, UserFactory, hr_officer, org_unit
from tests.fixtures import class_transaction, governance_course_create

# One process runs the module's tests (an xdist_group), so `varied` is built once a run.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("register_rows")]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _move(completion: CourseCompletion, day: date, hour: int = 10) -> None:
    CourseCompletion.objects.filter(pk=completion.pk).update(
        completed_at=_at(day, hour)
    )


def _record(person, *, ends: date, hours: str, status="approved", title="ดูงาน"):
    return DevelopmentRecord.objects.create(
        person=person,
        kind=DevelopmentRecord.Kind.STUDY_VISIT,
        title=title,
        provider="สำนักงาน ก.พ.",
        starts_on=ends - timedelta(days=2),
        ends_on=ends,
        hours=Decimal(hours),
        status=status,
        decided_at=None if status == "submitted" else timezone.now(),
    )


@pytest.fixture(scope="module")
def varied(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module (each test in a savepoint inside its transaction),
    its certificates' files in a temporary folder, as every test's are."""
    files = tmp_path_factory.mktemp("varied")
    with (
        override_settings(
            MEDIA_ROOT=files / "media", ACADEMY_PRIVATE_MEDIA_ROOT=files / "private"
        ),
        class_transaction(django_db_blocker),
    ):
        yield _varied(
            governance_course_create(Framework.objects.get(code="acd-digital"))
        )


def _varied(course):
    """A department (D1: V1, V2) and another (D2); people who moved, left, have no
    certificate, a revoked or superseded one, two current placements, none now."""
    today = timezone.localdate()
    starts, _ends = fiscal_year_bounds(fiscal_year(today))
    early = starts + timedelta(days=3)
    ministry = org_unit("M", kind="ministry")
    d1 = org_unit("D1", parent=ministry, kind="department", name="กรมหนึ่ง")
    v1 = org_unit("V1", parent=d1, kind="division", name="กองหนึ่ง")
    v2 = org_unit("V2", parent=d1, kind="division", name="กองสอง")
    d2 = org_unit("D2", parent=ministry, kind="department", name="กรมสอง")

    def person(number, unit, *, starts_on=date(2020, 10, 1), ends_on=None, **extra):
        user = UserFactory(email=f"{number.lower()}@example.go.th")
        placement = PlacementFactory(
            unit=unit,
            starts_on=starts_on,
            ends_on=ends_on,
            position_number=f"P-{number}",
            person__user=user,
            person__employee_number=number,
            person__first_name_th=f"ชื่อ{number}",
            person__last_name_th="ทดสอบ",
            **extra,
        )
        return user, placement.person

    def place(who, unit, starts_on, ends_on=None, position="X"):
        return PlacementFactory(
            person=who,
            unit=unit,
            starts_on=starts_on,
            ends_on=ends_on,
            position_number=position,
        )

    # E01 moved during the year: V1 until `early`, V2 since; a course in each.
    user, moved = person("E01", v1, ends_on=early)
    place(moved, v2, early + timedelta(days=1), position="P-E01-new")
    _move(issue(user, course).completion, early - timedelta(days=1))
    # E02: no certificate; a completion last fiscal year too; an outside record.
    user, plain = person("E02", v2)
    completion = complete_course(user, course)
    _move(completion, today, hour=0)  # the first hour of the day, local time
    _record(plain, ends=today, hours="7.5")
    _record(plain, ends=starts - timedelta(days=1), hours="3", title="ปีก่อน")
    _record(plain, ends=today, hours="9", status="submitted", title="รออนุมัติ")
    # E03: revoked certificate without a recorded start; E04: superseded.
    user, _revoked = person("E03", v1)
    certificate = issue(user, course)
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.REVOKED,
        revoked_at=timezone.now(),
        training_started_on=None,
    )
    user, _superseded = person("E04", v1)
    certificate = issue(user, course)
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.SUPERSEDED, training_started_on=early
    )
    # E05 left the service last month; E06's placement ended; E07 starts next month.
    for number, extra in (
        ("E05", {}),
        ("E06", {"ends_on": today - timedelta(days=1)}),
        ("E07", {"starts_on": today + timedelta(days=30)}),
    ):
        user, gone = person(number, v1, **extra)
        issue(user, course)
        _record(gone, ends=today, hours="2")
    Person.objects.filter(employee_number="E05").update(
        left_on=today - timedelta(days=30)
    )
    # E08: two current placements in D1, the later start wins; tied starts: the later pk.
    user, two = person("E08", v1, starts_on=date(2021, 1, 1))
    place(two, v2, date(2023, 1, 1), position="acting")
    issue(user, course)
    user, tied = person("E09", v1, starts_on=date(2022, 5, 1))
    place(tied, v2, date(2022, 5, 1), position="tied-later")
    _record(tied, ends=today, hours="1.5")
    # E10: placed in D2 later than in V1: seen in D1 through V1, in D2 through D2.
    user, both = person("E10", v1, starts_on=date(2021, 1, 1))
    place(both, d2, date(2024, 1, 1), position="other")
    issue(user, course)
    # E11: only in D2.
    user, _other = person("E11", d2)
    issue(user, course)
    return type("Varied", (), {"ministry": ministry, "d1": d1, "v1": v1, "d2": d2})()


def _expected(node, year: int) -> list[tuple]:
    """The rows as the documentation describes them, computed over model instances."""
    today = timezone.localdate()
    starts, ends = fiscal_year_bounds(year)
    placed = {}
    for placement in Placement.objects.select_related("person", "unit"):
        current = placement.starts_on <= today and (
            placement.ends_on is None or placement.ends_on >= today
        )
        staying = placement.person.left_on is None or placement.person.left_on > today
        if current and staying and placement.unit.path.startswith(node.path):
            key = (placement.starts_on, placement.pk)
            best = placed.get(placement.person_id)
            if best is None or key > (best.starts_on, best.pk):
                placed[placement.person_id] = placement
    modes = dict(CoursePage.DeliveryMode.choices)
    kinds = dict(DevelopmentRecord.Kind.choices)
    rows = []

    def row(person, placement, sort, values):
        rows.append(
            (
                (person.employee_number, person.pk, *sort),
                (
                    buddhist_year(year),
                    person.employee_number,
                    person.national_id_masked,
                    person.title_th,
                    person.first_name_th,
                    person.last_name_th,
                    placement.position_number,
                    placement.unit.code,
                    placement.unit.name_th,
                    *values,
                ),
            )
        )

    completions = CourseCompletion.objects.select_related(
        "course", "enrolment", "user__person"
    )
    for completion in completions:
        ended = timezone.localtime(completion.completed_at).date()
        person = getattr(completion.user, "person", None)
        if person is None or person.pk not in placed or not starts <= ended <= ends:
            continue
        certificate = Certificate.objects.filter(completion=completion).first()
        started = (certificate and certificate.training_started_on) or (
            timezone.localtime(completion.enrolment.enrolled_at).date()
        )
        valid = certificate and certificate.status == Certificate.Status.VALID
        mode = completion.course.delivery_mode or ""
        row(
            person,
            placed[person.pk],
            (ended, "academy", completion.pk),
            (
                completion.course.code or "",
                completion.course.title,
                settings.ACADEMY_NAME_TH,
                str(modes.get(mode, mode)),
                be_date(started),
                be_date(ended),
                completion.learning_hours,
                certificate.number if valid else "",
                str(SOURCE_ACADEMY),
                "",
            ),
        )
    for record in DevelopmentRecord.objects.select_related("person"):
        approved = record.status == DevelopmentRecord.Status.APPROVED
        if not approved or record.person_id not in placed:
            continue
        if not starts <= record.ends_on <= ends:
            continue
        row(
            record.person,
            placed[record.person_id],
            (record.ends_on, "outside", record.pk),
            (
                "",
                record.title,
                record.provider,
                "",
                be_date(record.starts_on),
                be_date(record.ends_on),
                record.hours,
                "",
                str(SOURCE_OUTSIDE),
                str(kinds.get(record.kind, record.kind)),
            ),
        )
    return [values for _sort, values in sorted(rows, key=lambda item: item[0])]


def _totals(expected: list[tuple]) -> list[tuple]:
    people: dict = {}
    for row in expected:
        key = (row[1], row[3] + row[4] + " " + row[5])
        courses, outside, hours = people.get(key, (0, 0, Decimal(0)))
        academy = row[17] == str(SOURCE_ACADEMY)
        people[key] = (courses + academy, outside + (not academy), hours + row[15])
    return [
        (number, name, courses, outside, hours.quantize(TENTH))
        for (number, name), (courses, outside, hours) in sorted(people.items())
    ]


@pytest.mark.parametrize("node", ["ministry", "d1", "v1", "d2"])
def test_register_rows_match_a_recomputation(varied, node):
    unit = getattr(varied, node)
    officer = hr_officer(varied.ministry, email="hr@example.go.th")
    access = hr_access(officer)
    year = fiscal_year(timezone.localdate())
    expected = _expected(unit, year)
    assert list(register_rows(access, node=unit, year=year)) == expected
    assert list(register_person_totals(access, node=unit, year=year)) == _totals(
        expected
    )


def test_the_recomputation_covers_the_cases(varied):
    """The data above does reach every case the comparison is meant to check."""
    year = fiscal_year(timezone.localdate())
    rows = _expected(varied.d1, year)
    shown = {(row[1], row[6], row[7]) for row in rows}
    numbers = {row[1] for row in rows}
    assert ("E01", "P-E01-new", "V2") in shown  # moved: today's placement
    assert ("E08", "acting", "V2") in shown  # two current: the later start
    assert ("E09", "tied-later", "V2") in shown  # tied: the later placement
    assert ("E10", "P-E10", "V1") in shown  # a later one outside the unit
    assert not numbers & {"E05", "E06", "E07", "E11"}
    certificates = {row[1]: row[16] for row in rows if row[17] == str(SOURCE_ACADEMY)}
    assert certificates["E02"] == certificates["E03"] == certificates["E04"] == ""
    assert certificates["E01"] and certificates["E08"]
    started = {row[1]: row[13] for row in rows if row[17] == str(SOURCE_ACADEMY)}
    assert started["E04"] == be_date(fiscal_year_bounds(year)[0] + timedelta(days=3))
    assert len([row for row in rows if row[1] == "E02"]) == 2
    assert _expected(varied.d2, year) and _expected(varied.v1, year - 1) == []
