"""The fiscal-year hours (hours_rows, hours_by_unit: sums by person with GROUP BY,
joined to the placements) against an independent recomputation in Python over varied
data: Academy completions on the fiscal year's and the quarters' edges in Bangkok
time, approved outside development, submitted and rejected records that must not
count, people without an account, people who left or moved, another department's
staff, targets set at several levels; and a query count that does not grow."""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from competencies.hr.selectors import hr_access, unit_trails
from competencies.models import DevelopmentRecord, OrgUnit, Placement
from courses.assignments import fiscal
from courses.development.selectors import development_hours_by_quarter
from courses.models import CourseCompletion, DevelopmentTarget, Enrolment
from tests.factories import PlacementFactory, UserFactory, course, org_unit

pytestmark = pytest.mark.django_db

FY = fiscal.FiscalYear(2027)  # 1 October 2026 to 30 September 2027
BANGKOK = ZoneInfo("Asia/Bangkok")
EDGES = [
    # (local day, local time): the year's and the quarters' first and last moments
    (date(2026, 9, 30), time(23, 30)),  # the year before
    (date(2026, 10, 1), time(0, 30)),  # 30 September in UTC, Q1 in Bangkok
    (date(2026, 12, 31), time(23, 59)),
    (date(2027, 1, 1), time(0, 1)),
    (date(2027, 3, 31), time(12)),
    (date(2027, 4, 1), time(6)),
    (date(2027, 6, 30), time(23)),
    (date(2027, 7, 1), time(1)),
    (date(2027, 9, 30), time(23, 59)),
    (date(2027, 10, 1), time(0, 5)),  # the year after
]
HOURS = ["0.5", "1", "1.5", "3", "6", "7.5", "12"]


def _quarter(day: date) -> int | None:
    if not FY.starts <= day <= FY.ends:
        return None
    return FY.quarter_of(day)


@pytest.fixture
def varied(hr_world):
    """About forty people in D1, V1, V2 and D2 with random learning; returns the
    facts the recomputation needs, built as they were written."""
    rng = random.Random(2570)
    pages = [course(f"หลักสูตร {n}", slug=f"fiscal-sql-{n}", lessons=1) for n in range(3)]
    world = hr_world
    sub = org_unit("V2A", parent=world.sibling, kind="unit", name="งานย่อย")
    DevelopmentTarget.objects.create(unit=world.unit, hours_per_year=Decimal("10"))
    DevelopmentTarget.objects.create(unit=world.sibling, hours_per_year=Decimal("8.5"))
    DevelopmentTarget.objects.create(unit=sub, hours_per_year=Decimal("4"))
    units = [world.department, world.unit, world.sibling, sub, world.other_department]
    current = [  # (placement, person): who the report lists
        (placement, placement.person)
        for placement in Placement.objects.select_related("person", "unit")
    ]
    completions = defaultdict(list)  # user_id -> [(local day, hours)]
    records = defaultdict(list)  # person_id -> [(ends_on, hours, status)]
    for n in range(40):
        unit = rng.choice(units)
        with_account = rng.random() < 0.8
        user = (
            UserFactory(email=f"fiscal-sql-{n}@example.go.th") if with_account else None
        )
        left = rng.random() < 0.1
        moved = rng.random() < 0.15
        person_fields = {
            "person__user": user,
            "person__employee_number": f"F{n:03d}",
            "person__first_name_th": rng.choice(["กมล", "ขวัญ", "จันทร์", "ชนะ"]),
            "person__left_on": date(2026, 1, 31) if left else None,
        }
        if moved:  # an ended placement elsewhere, then the current one
            placement = PlacementFactory(
                unit=rng.choice(units),
                starts_on=date(2019, 1, 1),
                ends_on=date(2025, 12, 31),
                **person_fields,
            )
            placement = PlacementFactory(
                unit=unit, person=placement.person, starts_on=date(2026, 1, 1)
            )
        else:
            placement = PlacementFactory(unit=unit, **person_fields)
        person = placement.person
        if not left:
            current.append((placement, person))
        if user is not None:
            for _ in range(rng.randrange(0, 6)):
                if rng.random() < 0.4:
                    day, at = rng.choice(EDGES)
                else:
                    day = date(2026, 8, 1) + timedelta(days=rng.randrange(500))
                    at = time(rng.randrange(24), rng.randrange(60))
                hours = Decimal(rng.choice(HOURS))
                page = rng.choice(pages)
                enrolment = Enrolment.objects.create(
                    user=user, course=page, status=Enrolment.Status.COMPLETED
                )
                CourseCompletion.objects.create(
                    enrolment=enrolment,
                    user=user,
                    course=page,
                    completed_at=datetime.combine(day, at, tzinfo=BANGKOK),
                    learning_hours=hours,
                )
                completions[user.pk].append((day, hours))
        for _ in range(rng.randrange(0, 4)):
            ends = rng.choice([day for day, _at in EDGES]) + timedelta(
                days=rng.choice([0, 0, 20])
            )
            status = rng.choice(["approved", "approved", "submitted", "rejected"])
            hours = Decimal(rng.choice(HOURS))
            DevelopmentRecord.objects.create(
                person=person,
                kind=rng.choice(DevelopmentRecord.Kind.values),
                title="อบรมภายนอก",
                provider="สำนักงาน ก.พ.",
                starts_on=ends - timedelta(days=rng.randrange(3)),
                ends_on=ends,
                hours=hours,
                status=status,
                decided_at=None if status == "submitted" else timezone.now(),
                rejection_reason="ไม่มีหลักฐาน" if status == "rejected" else "",
            )
            records[person.pk].append((ends, hours, status))
    return world, current, completions, records


def _recompute(current, completions, records, node):
    targets = {"V1": Decimal("10"), "V2": Decimal("8.5"), "V2A": Decimal("4")}
    rows = {}
    for placement, person in current:
        unit = placement.unit
        if not unit.path.startswith(node.path):
            continue
        quarters = [Decimal("0")] * 4
        course_hours = external = Decimal("0")
        for day, hours in completions.get(person.user_id, []):
            if (q := _quarter(day)) is not None:
                quarters[q - 1] += hours
                course_hours += hours
        for ends, hours, status in records.get(person.pk, []):
            if status == "approved" and (q := _quarter(ends)) is not None:
                quarters[q - 1] += hours
                external += hours
        target = targets.get(unit.code, Decimal("60"))  # D1 has none: the default
        rows[placement.pk] = (person, unit, quarters, course_hours, external, target)
    return rows


def test_hours_by_person_equal_a_recomputation_in_python(varied):
    world, current, completions, records = varied
    access = hr_access(world.parent_officer)
    expected = _recompute(current, completions, records, world.department)
    got = list(fiscal.hours_rows(access, world.department, FY))
    assert len(got) == len(expected) > 20
    by_number = defaultdict(list)
    for person, unit, quarters, course_hours, external, target in expected.values():
        total = course_hours + external
        by_number[person.employee_number].append(
            [
                person.employee_number,
                f"{person.title_th}{person.first_name_th} {person.last_name_th}",
                unit.name_th,
                unit.code,
                *quarters,
                course_hours,
                external,
                total,
                target,
                pytest.approx(float(total / target)),
            ]
        )
    for row in got:
        assert row in by_number[row[0]], row
    # Nobody who left, nobody of D2, and the quarters add up to the year.
    staying = {person.employee_number for person, *_rest in expected.values()}
    assert {row[0] for row in got} == staying
    assert all(sum(row[4:8]) == row[10] == row[8] + row[9] for row in got)
    # Some of each kind of fact was met.
    assert any(row[8] for row in got) and any(row[9] for row in got)
    assert any(row[8] != int(row[8]) for row in got)  # half hours kept exactly


def test_hours_by_person_equal_the_per_person_definition(varied):
    """development_hours_by_quarter (a person's page) gives the same quarters."""
    world, current, _completions, _records = varied
    access = hr_access(world.parent_officer)
    got = {row[0]: row for row in fiscal.hours_rows(access, world.department, FY)}
    for _placement, person in current:
        if person.employee_number not in got:
            continue
        quarters = development_hours_by_quarter(person, FY.year)
        assert [q.hours.total for q in quarters] == got[person.employee_number][4:8]


def test_hours_by_unit_equal_a_recomputation_in_python(varied):
    world, current, completions, records = varied
    access = hr_access(world.parent_officer)
    expected = _recompute(current, completions, records, world.department)
    buckets = defaultdict(lambda: [0, Decimal("0"), 0])
    for _person, unit, quarters, _c, _e, target in expected.values():
        bucket = "V2" if unit.code == "V2A" else unit.code
        total = sum(quarters, Decimal("0"))
        buckets[bucket][0] += 1
        buckets[bucket][1] += total
        buckets[bucket][2] += total >= target
    got = {
        row.unit.code: [row.staff, row.hours, row.meeting]
        for row in fiscal.hours_by_unit(access, world.department, FY)
    }
    assert got == dict(buckets)
    assert any(meeting for _s, _h, meeting in got.values())


def test_the_query_count_does_not_grow_with_the_people(varied):
    world, *_facts = varied
    access = hr_access(world.parent_officer)
    counts = []
    for node in (world.unit, world.department):
        with CaptureQueriesContext(connection) as queries:
            rows = list(fiscal.hours_rows(access, node, FY))
            fiscal.hours_by_unit(access, node, FY)
        counts.append((len(rows), len(queries)))
    (few, few_queries), (many, many_queries) = counts
    assert few < many and few_queries == many_queries


@pytest.mark.parametrize("fetch_rows", [1, 2, 2000])
def test_hours_by_unit_and_person_read_together_equal_each_read_alone(
    varied, monkeypatch, fetch_rows
):
    """The workbook's one query (hours_by_unit_and_person) gives the rows by unit
    and by person, in order, that hours_by_unit and hours_rows give, however the
    rows fall into the fetches; for any node, in one query."""
    world, *_facts = varied
    access = hr_access(world.parent_officer)
    monkeypatch.setattr(fiscal, "FETCH_ROWS", fetch_rows)
    sub = OrgUnit.objects.get(code="V2A")
    for node in (world.department, world.unit, world.sibling, sub):
        units = fiscal.node_units(node)
        with CaptureQueriesContext(connection) as queries:
            by_unit, by_person = fiscal.hours_by_unit_and_person(
                access, node, FY, units.targets, rows=units.rows
            )
            by_person = list(by_person)
        assert len(queries) == 1
        assert by_unit == fiscal.hours_by_unit(access, node, FY)
        assert by_person == list(fiscal.hours_rows(access, node, FY))
        assert by_unit and by_person


def test_node_units_read_what_their_own_queries_read(varied):
    """The fiscal report reads the units about its node in one query (node_units):
    the same targets, rows and trail as targets_of, hours_by_unit and unit_trails
    read each with their own."""
    world, *_facts = varied
    access = hr_access(world.parent_officer)
    sub = OrgUnit.objects.get(code="V2A")
    for node in (world.department, world.unit, world.sibling, sub):
        units = fiscal.node_units(node)
        alone = fiscal.targets_of(node)
        assert units.targets.node == alone.node
        assert set(units.targets.inside) == set(alone.inside)
        assert fiscal.hours_by_unit(
            access, node, FY, units.targets, rows=units.rows
        ) == fiscal.hours_by_unit(access, node, FY)
        [read] = unit_trails([OrgUnit.objects.get(pk=node.pk)])
        given, *_above = unit_trails([node, *units.above])
        assert given.trail == read.trail
    assert fiscal.node_units(world.sibling).targets.inside == (
        (sub.path, Decimal("4.0")),
    )
