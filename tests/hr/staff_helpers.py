"""People for the HR workspace's tests: staff in a unit with varied positions and evidence."""

from datetime import date

from competencies.services import evidence_record
from tests.factories import PlacementFactory, level, line_of_work, position

POSITIONS = [
    ("knowledge", "practitioner", "3-1-0012"),
    ("knowledge", "professional", "3-1-0013"),
    ("general", "operational", "เจ้าพนักงานธุรการ"),
    ("managerial", "managerial-primary", "3-1-004"),
]


def staff(unit, framework, count: int, *, offset: int = 0):
    """`count` people in `unit` with varied positions and evidence."""
    competencies = list(framework.competencies.exclude(kind="area").order_by("pk"))
    people = []
    for n in range(offset, offset + count):
        type_code, level_code, line_code = POSITIONS[n % len(POSITIONS)]
        position_type, position_level = position(type_code, level_code)
        person = PlacementFactory(
            unit=unit,
            position_type=position_type,
            position_level=position_level,
            line_of_work=line_of_work(line_code),
        ).person
        for k, item in enumerate(competencies[: n % 4 + 1]):
            evidence_record(
                person=person,
                competency=item,
                level=level(framework, (n + k) % 4 + 1),
                source="assessment",
                observed_on=date(2026, 1, 1),
            )
        people.append(person)
    return people
