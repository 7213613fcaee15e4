from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection

import pytest

from competencies.models import GroupRule, LineOfWork, Placement
from competencies.selectors import (
    group_case_sql,
    group_for_placement,
    placement_current,
)
from competencies.services import person_create, placement_start
from tests.factories import (
    PersonFactory,
    PlacementFactory,
    line_of_work,
    org_unit,
    position,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ministry(standards):
    return org_unit("M01", kind="ministry")


CASES = [
    # (type, level, line of work, designation) -> (2018 group, 2024 group)
    (
        ("executive", "executive-higher", "1-1-001", ""),
        ("executive", "nonit-executive"),
    ),
    (
        ("executive", "executive-primary", "1-1-001", "department_cio"),
        ("executive", "it-executive"),
    ),
    (
        ("managerial", "managerial-primary", "2-1-001", ""),
        ("management", "nonit-director"),
    ),
    (
        ("managerial", "managerial-primary", "2-1-001", "ict_unit_head"),
        ("management", "it-director"),
    ),
    (("knowledge", "practitioner", "3-1-0013", ""), ("technology", "it-operational")),
    (
        ("general", "operational", "เจ้าพนักงานเครื่องคอมพิวเตอร์", ""),
        ("technology", "it-operational"),
    ),
    (
        ("general", "operational", "เจ้าพนักงานธุรการ", ""),
        ("service", "nonit-operational"),
    ),
    (("knowledge", "professional", "3-1-0012", ""), ("academic", "nonit-operational")),
    (
        ("general", "senior", "เจ้าพนักงานการเงินและบัญชี", ""),
        ("others", "nonit-operational"),
    ),
]


@pytest.mark.parametrize(("position_data", "expected"), CASES)
def test_position_is_placed_in_the_expected_group_of_each_framework(
    standards, ministry, position_data, expected
):
    type_code, level_code, line_code, designation = position_data
    position_type, position_level = position(type_code, level_code)
    placement = PlacementFactory(
        unit=ministry,
        position_type=position_type,
        position_level=position_level,
        line_of_work=line_of_work(line_code),
        designation=designation,
    )
    got = []
    for code in ("th-dg-2018", "th-dg-2024"):
        rules = list(GroupRule.objects.filter(framework=standards[code]))
        group_id = group_for_placement(placement, rules)
        got.append(standards[code].groups.get(pk=group_id).code)
    assert tuple(got) == expected


@pytest.mark.parametrize(("position_data", "expected"), CASES)
def test_sql_group_rule_agrees_with_python_rule(
    standards, ministry, position_data, expected
):
    type_code, level_code, line_code, designation = position_data
    position_type, position_level = position(type_code, level_code)
    placement = PlacementFactory(
        unit=ministry,
        position_type=position_type,
        position_level=position_level,
        line_of_work=line_of_work(line_code),
        designation=designation,
    )
    for code in ("th-dg-2018", "th-dg-2024"):
        rules = list(GroupRule.objects.filter(framework=standards[code]))
        case_sql, params = group_case_sql(rules, placement="pl", line="lw")
        placement_table = Placement._meta.db_table
        line_table = LineOfWork._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {case_sql} FROM {placement_table} pl "  # noqa: S608
                f"JOIN {line_table} lw ON lw.id = pl.line_of_work_id WHERE pl.id = %s",
                [*params, placement.pk],
            )
            (group_id,) = cursor.fetchone()
        assert group_id == group_for_placement(placement, rules)


def test_rule_changes_by_an_administrator_apply_without_recomputing(
    standards, ministry
):
    framework = standards["th-dg-2018"]
    placement = PlacementFactory(unit=ministry)
    rules = list(GroupRule.objects.filter(framework=framework))
    assert (
        framework.groups.get(pk=group_for_placement(placement, rules)).code
        == "academic"
    )
    GroupRule.objects.create(
        framework=framework,
        group=framework.groups.get(code="service"),
        priority=1,
        line_of_work=placement.line_of_work,
    )
    rules = list(GroupRule.objects.filter(framework=framework))
    assert (
        framework.groups.get(pk=group_for_placement(placement, rules)).code == "service"
    )


def test_new_placement_ends_the_previous_one_the_day_before(standards, ministry):
    division = org_unit("D01", parent=ministry, kind="division")
    person = person_create(first_name_th="สมหญิง", last_name_th="รักงาน")
    position_type, position_level = position("knowledge", "practitioner")
    line = line_of_work("3-1-0012")
    first = placement_start(
        person=person,
        unit=ministry,
        position_type=position_type,
        position_level=position_level,
        line_of_work=line,
        starts_on=date(2020, 1, 1),
    )
    promoted_type, promoted_level = position("knowledge", "professional")
    second = placement_start(
        person=person,
        unit=division,
        position_type=promoted_type,
        position_level=promoted_level,
        line_of_work=line,
        starts_on=date(2024, 10, 1),
    )
    first.refresh_from_db()
    assert first.ends_on == date(2024, 9, 30)
    assert placement_current(person, on=date(2024, 9, 30)) == first
    assert placement_current(person, on=date(2024, 10, 1)) == second


def test_placement_refuses_a_level_of_another_position_type(standards, ministry):
    person = PersonFactory()
    position_type, _ = position("knowledge", "practitioner")
    _, general_level = position("general", "operational")
    with pytest.raises(ValidationError) as error:
        placement_start(
            person=person,
            unit=ministry,
            position_type=position_type,
            position_level=general_level,
            line_of_work=line_of_work("3-1-0012"),
            starts_on=date(2024, 1, 1),
        )
    assert "position_level" in error.value.message_dict
    assert not person.placements.exists()


def test_placement_refuses_start_before_an_existing_one(standards, ministry):
    placement = PlacementFactory(unit=ministry, starts_on=date(2024, 1, 1))
    with pytest.raises(ValidationError):
        placement_start(
            person=placement.person,
            unit=ministry,
            position_type=placement.position_type,
            position_level=placement.position_level,
            line_of_work=placement.line_of_work,
            starts_on=date(2023, 1, 1),
        )
    assert placement.person.placements.count() == 1


def test_placement_cannot_end_before_it_starts(standards, ministry):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PlacementFactory(
            unit=ministry, starts_on=date(2024, 1, 1), ends_on=date(2023, 1, 1)
        )
