from collections import Counter
from datetime import date

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from competencies.models import Evidence, Framework, OrgUnit, Person, Placement
from demo.org_blueprint import MINISTRY_CODE, blueprint
from demo.population import (
    EMPLOYEE_PREFIX,
    generate_population,
    population_delete,
)

STAFF = 60
ON = date(2026, 11, 1)


@pytest.fixture
def summary(standards):
    return generate_population(staff=STAFF, seed=7, on=ON)


def _current_placements():
    return Placement.objects.current(ON).select_related(
        "unit", "position_type", "supervisor"
    )


def _fingerprint() -> list[tuple]:
    """Everything generated, without database ids."""
    people = list(
        Person.objects.filter(employee_number__startswith=EMPLOYEE_PREFIX)
        .order_by("employee_number")
        .values_list(
            "employee_number", "title_th", "first_name_th", "last_name_th", "email"
        )
    )
    placements = list(
        Placement.objects.order_by("person__employee_number", "starts_on").values_list(
            "person__employee_number",
            "unit__code",
            "position_level__code",
            "line_of_work__code",
            "supervisor__employee_number",
            "starts_on",
            "ends_on",
        )
    )
    evidence = sorted(
        Evidence.objects.values_list(
            "person__employee_number",
            "competency__code",
            "level__rank",
            "source",
            "observed_on",
            "expires_on",
            "reference",
        )
    )
    return [*people, *placements, *evidence]


def test_blueprint_grows_with_staff():
    small, large = blueprint(60), blueprint(100_000)
    assert len(small.departments) < len(large.departments)
    assert len(small.divisions) < len(large.divisions)
    assert len(large.units) > 400
    assert len({unit.code for unit in large.units}) == len(large.units)


def test_population_has_the_requested_staff_and_organisation(summary):
    ministry = OrgUnit.objects.get(code=MINISTRY_CODE)
    kinds = Counter(
        OrgUnit.objects.filter(path__startswith=ministry.path).values_list(
            "kind", flat=True
        )
    )
    assert summary.staff == STAFF
    assert (
        Person.objects.filter(employee_number__startswith=EMPLOYEE_PREFIX).count()
        == STAFF
    )
    assert kinds == {
        "ministry": 1,
        "department": summary.departments,
        "division": summary.divisions,
        "unit": summary.units,
    }
    assert Placement.objects.count() == summary.placements
    assert summary.previous_placements > 0
    assert Evidence.objects.count() == summary.evidence > STAFF


def test_same_seed_gives_the_same_population(summary):
    first = _fingerprint()
    population_delete()
    generate_population(staff=STAFF, seed=7, on=ON)
    assert _fingerprint() == first
    population_delete()
    generate_population(staff=STAFF, seed=8, on=ON)
    assert _fingerprint() != first


def test_every_person_has_exactly_one_current_placement(summary):
    per_person = Counter(_current_placements().values_list("person_id", flat=True))
    assert len(per_person) == STAFF
    assert set(per_person.values()) == {1}


def test_supervisors_sit_above_the_people_they_supervise(summary):
    placements = {placement.person_id: placement for placement in _current_placements()}
    unsupervised = [p for p in placements.values() if p.supervisor_id is None]
    assert [p.position_title for p in unsupervised] == ["ปลัดกระทรวง"]
    for placement in placements.values():
        if placement.supervisor_id is None:
            continue
        supervisor_unit = placements[placement.supervisor_id].unit
        assert placement.unit.path.startswith(supervisor_unit.path), placement


def test_leaders_sit_at_the_top_of_their_subtree(summary):
    by_type = Counter(
        (placement.position_type.code, placement.unit.kind)
        for placement in _current_placements()
    )
    assert {kind for (code, kind) in by_type if code == "executive"} <= {
        "ministry",
        "department",
    }
    assert {kind for (code, kind) in by_type if code == "managerial"} == {"division"}
    assert by_type[("managerial", "division")] == summary.divisions
    operational = sum(
        count
        for (code, _), count in by_type.items()
        if code in ("knowledge", "general")
    )
    assert operational > STAFF * 0.7


def test_directors_supervise_their_division_and_heads_their_directors(summary):
    for placement in _current_placements():
        supervisor = placement.supervisor
        if placement.unit.kind == "unit":
            director = Placement.objects.current(ON).get(person=supervisor)
            assert director.unit == placement.unit.get_parent()
            assert director.position_type.code == "managerial"
        if placement.position_type.code == "managerial":
            head = Placement.objects.current(ON).get(person=supervisor)
            assert head.unit == placement.unit.get_parent()
            assert head.position_type.code == "executive"


def test_evidence_is_on_each_frameworks_own_scale(summary):
    evidence = Evidence.objects.select_related("level", "competency__framework")
    assert evidence.exists()
    for item in evidence:
        assert item.level.scale_id == item.competency.framework.scale_id
        assert item.competency.kind != "area"
        assert item.observed_on <= ON
        assert item.expires_on is None or item.expires_on > item.observed_on


def test_evidence_covers_both_active_frameworks_with_realistic_sources(summary):
    active = set(
        Framework.objects.filter(status="active").values_list("code", flat=True)
    )
    assert set(summary.evidence_by_framework) == active
    sources = Counter(Evidence.objects.values_list("source", flat=True))
    assert sources["assessment"] > sources["self"] > 0
    assert sources["course"] > 0
    assert Evidence.objects.filter(expires_on__lt=ON).exists()


def test_generation_refuses_over_an_existing_population(summary):
    with pytest.raises(ValueError, match="already exists"):
        generate_population(staff=STAFF, seed=7, on=ON)
    with pytest.raises(CommandError, match="--reset"):
        call_command("generate_population", staff=STAFF)


def test_command_reset_replaces_the_population(summary):
    call_command("generate_population", staff=40, reset=True, no_evidence=True)
    assert Person.objects.count() == 40
    assert not Evidence.objects.exists()


def test_population_delete_removes_everything_generated(summary):
    population_delete()
    assert not OrgUnit.objects.exists()
    assert not Person.objects.exists()
    assert not Placement.objects.exists()
    assert not Evidence.objects.exists()


def test_every_position_is_one_the_civil_service_allows(summary):
    """Each line of work of its own type, at a level its position standard allows;
    executives in an executive line (a CIO is a designation, not นักวิชาการคอมพิวเตอร์)."""
    placements = Placement.objects.select_related(
        "position_type",
        "position_level",
        "line_of_work__level_min",
        "line_of_work__level_max",
    )
    for placement in placements:
        line = placement.line_of_work
        assert line.position_type_id == placement.position_type_id, placement
        assert line.allows(placement.position_level), placement


def test_each_department_has_a_designated_cio_on_an_executive_position(summary):
    cios = Placement.objects.current(ON).filter(designation="department_cio")
    assert cios.count() == len(
        OrgUnit.objects.filter(
            kind=OrgUnit.Kind.DEPARTMENT, code__startswith=MINISTRY_CODE
        )
    )
    assert {placement.position_type.code for placement in cios} == {"executive"}
