"""Only chosen optional competencies count towards gaps: in the profile, the matrix
(live and rollup) and the directory, by one rule (competencies/selectors.py)."""

from datetime import date

from django.db.models import Q

import pytest

from competencies.hr.selectors import required_rank_expression
from competencies.models import (
    GroupRule,
    OptionalChoice,
    Placement,
    Requirement,
)
from competencies.selectors import org_matrix, person_profile
from competencies.services import matrix_rollup_build, optional_choice_add
from tests.factories import PlacementFactory, line_of_work, org_unit, position

pytestmark = pytest.mark.django_db

ON = date(2026, 11, 22)


@pytest.fixture
def officer(standards):
    """A non-IT operational officer (นักวิเคราะห์นโยบายและแผน ปฏิบัติการ)."""
    ministry = org_unit("M1", kind="ministry")
    division = org_unit("V1", parent=ministry, kind="division")
    position_type, position_level = position("knowledge", "practitioner")
    placement = PlacementFactory(
        unit=division,
        position_type=position_type,
        position_level=position_level,
        line_of_work=line_of_work("3-1-0012"),
        starts_on=date(2024, 1, 1),
    )
    return placement


def _profile(officer, framework):
    return person_profile(officer.person, framework=framework, on=ON).frameworks[0]


def _area(framework, name_en):
    return framework.competencies.get(kind="area", name_en=name_en)


def test_officer_is_in_the_non_it_operational_group(officer, framework_2024):
    assert _profile(officer, framework_2024).group.code == "nonit-operational"


def test_an_optional_area_not_chosen_brings_no_gap(officer, framework_2024):
    profile = _profile(officer, framework_2024)
    optional = [row for row in profile.rows if row.is_optional]
    assert optional, "the 2024 optional areas offer units to this group"
    assert all(row.gap == 0 and not row.is_required for row in optional)
    assert {row.competency.code for row in profile.required_rows} == {
        "DG-TNMQ-001",
        "DG-EJJM-026",
    }
    assert profile.total_gap == 2


def test_an_optional_area_chosen_for_the_person_counts(officer, framework_2024):
    optional_choice_add(
        competency=_area(framework_2024, "Data Utilization and Sharing"),
        person=officer.person,
        source=OptionalChoice.Source.SUPERVISOR,
    )
    profile = _profile(officer, framework_2024)
    data_rows = [row for row in profile.rows if row.competency.code == "DG-ENFB-035"]
    assert data_rows[0].is_required and data_rows[0].gap == 1
    cyber = [row for row in profile.rows if row.competency.code == "DG-LKUE-040"]
    assert cyber[0].gap == 0


def test_an_optional_area_chosen_for_an_organisation_above_counts(
    officer, framework_2024
):
    optional_choice_add(
        competency=_area(framework_2024, "Cyber Security"),
        unit=officer.unit.get_parent(),
        source=OptionalChoice.Source.ORGANISATION,
    )
    rows = {row.competency.code: row for row in _profile(officer, framework_2024).rows}
    assert rows["DG-LKUE-040"].gap == 1


def test_a_required_competency_cannot_be_chosen(officer, framework_2024):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        optional_choice_add(
            competency=framework_2024.competencies.get(code="DG-TNMQ-001"),
            person=officer.person,
            source=OptionalChoice.Source.SUPERVISOR,
        )
    assert not OptionalChoice.objects.exists()


def test_the_matrix_counts_optional_units_only_where_chosen(officer, framework_2024):
    root = officer.unit.get_parent()
    data_unit = framework_2024.competencies.get(code="DG-ENFB-035")
    core_unit = framework_2024.competencies.get(code="DG-TNMQ-001")
    matrix = org_matrix(root, framework=framework_2024, by="group", on=ON)
    counted = {competency_id for _row, competency_id in matrix.cells}
    assert core_unit.pk in counted
    assert data_unit.pk not in counted

    optional_choice_add(
        competency=data_unit,
        person=officer.person,
        source=OptionalChoice.Source.SUPERVISOR,
    )
    matrix = org_matrix(root, framework=framework_2024, by="group", on=ON)
    group_id = framework_2024.groups.get(code="nonit-operational").pk
    assert matrix.cell(group_id, data_unit.pk).mean_gap == 1.0


def test_the_rollup_follows_the_same_rule(officer, framework_2024):
    root = officer.unit.get_parent()
    data_unit = framework_2024.competencies.get(code="DG-ENFB-035")
    matrix_rollup_build(framework=framework_2024, on=ON)
    matrix = org_matrix(root, framework=framework_2024, by="group", on=ON)
    assert matrix.maintained
    assert data_unit.pk not in {competency_id for _row, competency_id in matrix.cells}
    assert sum(cell.mean_gap for cell in matrix.cells.values()) == 2.0


def test_the_directory_requires_an_optional_unit_only_where_chosen(
    officer, framework_2024
):
    rules = list(GroupRule.objects.filter(framework=framework_2024))
    data_unit = framework_2024.competencies.get(code="DG-ENFB-035")

    def required_rank():
        return (
            Placement.objects.filter(pk=officer.pk)
            .annotate(rank=required_rank_expression(rules, data_unit))
            .get()
            .rank
        )

    assert required_rank() is None
    optional_choice_add(
        competency=data_unit,
        person=officer.person,
        source=OptionalChoice.Source.SUPERVISOR,
    )
    assert required_rank() == 1


def test_provisional_requirements_are_marked(officer, framework_2024):
    profile = _profile(officer, framework_2024)
    assert profile.is_provisional
    assert all(row.provisional for row in profile.required_rows)
    assert (
        Requirement.objects.filter(
            Q(group__framework=framework_2024), ~Q(provenance="to_confirm")
        ).count()
        == 0
    )
