from collections import defaultdict
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from competencies.selectors import org_matrix, person_profile, standards_snapshot
from competencies.services import evidence_record
from tests.competencies.matrix_helpers import (
    TODAY,
    matrix_figures,
    ministry_build,
)
from tests.factories import PlacementFactory, level, org_unit

pytestmark = pytest.mark.django_db


def _expected(framework, people, bucket_of):
    cells = defaultdict(lambda: [0, 0, 0])
    for person in people:
        profile = person_profile(person, framework=framework, on=TODAY)
        bucket = bucket_of(profile)
        for row in profile.frameworks[0].required_rows:
            cell = cells[(bucket, row.competency.pk)]
            cell[0] += 1
            cell[1] += int(row.meets_requirement)
            cell[2] += row.gap
    return {
        key: (staff, meeting, gap / staff)
        for key, (staff, meeting, gap) in cells.items()
    }


def test_matrix_by_unit_matches_the_profile_rule(framework_academy):
    ministry, _, people = ministry_build(
        framework_academy, divisions=3, staff_per_division=8
    )
    matrix = org_matrix(ministry, framework=framework_academy, by="unit", on=TODAY)
    expected = _expected(framework_academy, people, lambda p: p.placement.unit_id)
    assert matrix_figures(matrix) == expected


def test_matrix_by_child_rolls_divisions_up_to_departments(framework_2018):
    ministry, departments, people = ministry_build(
        framework_2018, divisions=4, staff_per_division=5
    )
    matrix = org_matrix(ministry, framework=framework_2018, by="child", on=TODAY)
    department_of = {}
    for department in departments:
        for unit in department.get_descendants():
            department_of[unit.pk] = department.pk
    expected = _expected(
        framework_2018, people, lambda p: department_of[p.placement.unit_id]
    )
    assert matrix_figures(matrix) == expected
    assert {unit.pk for unit in matrix.rows} >= {d.pk for d in departments}


def test_matrix_by_group_counts_each_personnel_group(framework_academy):
    ministry, _, people = ministry_build(
        framework_academy, divisions=2, staff_per_division=6
    )
    matrix = org_matrix(ministry, framework=framework_academy, by="group", on=TODAY)
    expected = _expected(framework_academy, people, lambda p: p.frameworks[0].group.pk)
    assert matrix_figures(matrix) == expected


def test_matrix_of_a_subtree_excludes_staff_outside_it(framework_academy):
    ministry, departments, people = ministry_build(
        framework_academy, divisions=4, staff_per_division=3
    )
    inside = [
        p for p in people if p.placements.get().unit.is_descendant_of(departments[0])
    ]
    matrix = org_matrix(
        departments[0], framework=framework_academy, by="unit", on=TODAY
    )
    staff = {cell.staff for (unit, _), cell in matrix.cells.items()}
    assert sum(
        cell.staff
        for (_, comp), cell in matrix.cells.items()
        if comp == matrix.competencies[0].pk
    ) <= len(inside)
    assert staff
    expected = _expected(framework_academy, inside, lambda p: p.placement.unit_id)
    assert matrix_figures(matrix) == expected


def test_staff_who_left_are_not_counted(framework_academy):
    ministry, _, people = ministry_build(
        framework_academy, divisions=1, staff_per_division=3
    )
    before = org_matrix(ministry, framework=framework_academy, by="unit", on=TODAY)
    people[0].left_on = date(2026, 1, 1)
    people[0].save()
    after = org_matrix(ministry, framework=framework_academy, by="unit", on=TODAY)
    total = lambda m: sum(c.staff for c in m.cells.values())  # noqa: E731
    assert total(after) < total(before)


@pytest.mark.parametrize("by", ["unit", "child", "group"])
def test_matrix_query_count_is_constant_in_units_and_staff(
    framework_academy, django_assert_num_queries, by
):
    small, _, _ = ministry_build(framework_academy, divisions=1, staff_per_division=1)
    # Whether a rollup is there, the rules, the aggregate, competencies, row labels.
    with django_assert_num_queries(5):
        org_matrix(small, framework=framework_academy, by=by, on=TODAY)


def test_matrix_query_count_same_for_fifty_units(
    framework_academy, django_assert_num_queries
):
    ministry, _, _ = ministry_build(
        framework_academy, divisions=50, staff_per_division=1
    )
    with django_assert_num_queries(5):
        matrix = org_matrix(ministry, framework=framework_academy, by="unit", on=TODAY)
    assert len(matrix.rows) == 50


def _person_with_evidence(framework, unit, evidence_count):
    person = PlacementFactory(unit=unit).person
    competencies = list(framework.competencies.exclude(kind="area"))
    for n in range(evidence_count):
        evidence_record(
            person=person,
            competency=competencies[n % len(competencies)],
            level=level(framework, n % 4 + 1),
            source="assessment",
            observed_on=date(2026, 1, 1),
        )
    return person


def test_profile_query_count_is_the_same_for_1_and_50_evidence(standards):
    """Three queries for the person; the standards come from the process's snapshot
    (tests/competencies/test_standards_snapshot.py), read here beforehand."""
    ministry = org_unit("M", kind="ministry")
    standards_snapshot()

    def queries(evidence_count):
        person = _person_with_evidence(
            standards["acd-digital"], ministry, evidence_count
        )
        with CaptureQueriesContext(connection) as captured:
            profile = person_profile(person, on=TODAY)
            # Reading every row and its evidence must not query again.
            for framework_profile in profile.frameworks:
                for row in framework_profile.rows:
                    _ = (row.gap, row.area, [e.level.rank for e in row.evidence])
        assert len(profile.frameworks) == 4
        return len(captured)

    one, fifty = queries(1), queries(50)
    assert one == fifty <= 3
