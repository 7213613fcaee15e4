"""A ministry of divisions with staff in varied positions and evidence, for tests of
the organisation matrix (the live aggregate and its maintained rollups), and the
matrix's figures as (staff, meeting, mean gap) per cell."""

from datetime import date

import pytest

from competencies.services import evidence_record
from tests.factories import PlacementFactory, level, line_of_work, org_unit, position

TODAY = date(2026, 11, 22)
LINES = ["3-1-0013", "3-1-0012", "เจ้าพนักงานธุรการ", "เจ้าพนักงานเครื่องคอมพิวเตอร์"]
POSITIONS = [
    ("knowledge", "practitioner"),
    ("general", "operational"),
    ("managerial", "managerial-primary"),
]


def ministry_build(framework, *, divisions: int, staff_per_division: int):
    ministry = org_unit("M", kind="ministry")
    departments = [
        org_unit(f"D{i}", parent=ministry, kind="department") for i in range(2)
    ]
    people = []
    competencies = list(framework.competencies.exclude(kind="area").order_by("pk"))
    ranks = framework.scale.levels.count()
    for d in range(divisions):
        division = org_unit(f"V{d}", parent=departments[d % 2], kind="division")
        for s in range(staff_per_division):
            n = d * staff_per_division + s
            position_type, position_level = position(*POSITIONS[n % len(POSITIONS)])
            placement = PlacementFactory(
                unit=division,
                position_type=position_type,
                position_level=position_level,
                line_of_work=line_of_work(LINES[n % len(LINES)]),
            )
            people.append(placement.person)
            for k, item in enumerate(competencies[: (n % 5) + 1]):
                evidence_record(
                    person=placement.person,
                    competency=item,
                    level=level(framework, (n + k) % ranks + 1),
                    source=["assessment", "course", "self"][(n + k) % 3],
                    observed_on=date(2026, 1, 1),
                )
    return ministry, departments, people


def matrix_figures(matrix):
    return {
        key: (cell.staff, cell.meeting, pytest.approx(cell.mean_gap))
        for key, cell in matrix.cells.items()
    }
