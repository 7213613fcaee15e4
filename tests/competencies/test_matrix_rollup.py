"""The organisation matrix's maintained figures (competencies.rollups) are always the
rule's: equal to the live aggregate and to the Python rule after any sequence of
writes, moved on by the daily sweep, rebuilt when a wide change marks them stale."""

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest

from competencies.models import (
    MatrixEntry,
    MatrixRollup,
    MatrixRollupRun,
    OptionalChoice,
    OrgUnit,
    Person,
    Requirement,
)
from competencies.rollups import matrix_maintenance_paused, matrix_sweep
from competencies.selectors import org_matrix, person_profile
from competencies.services import (
    evidence_record,
    matrix_rollup_build,
    matrix_rollups_build,
    optional_choice_add,
    optional_choice_remove,
    placement_start,
)
from competencies.tasks import matrix_rollups_build as matrix_rollups_task
from tests.competencies.matrix_helpers import (
    LINES,
    POSITIONS,
    TODAY,
    matrix_figures,
    ministry_build,
)
from tests.factories import level, line_of_work, position

pytestmark = pytest.mark.django_db


def matrix_callbacks(callbacks):
    """The on-commit callbacks the matrix queued (caches bump their versions too)."""
    return [c for c in callbacks if "matrix" in c.__qualname__]


@pytest.fixture
def ministry(framework_academy):
    ministry, departments, people = ministry_build(
        framework_academy, divisions=4, staff_per_division=6
    )
    return ministry, departments, people


def _cells(root, framework, by, on, *, live):
    return matrix_figures(
        org_matrix(root, framework=framework, by=by, on=on, live=live)
    )


@pytest.mark.parametrize("by", ["child", "unit", "group"])
def test_maintained_matrix_equals_the_live_matrix(framework_academy, ministry, by):
    root, departments, _people = ministry
    assert not org_matrix(root, framework=framework_academy, on=TODAY).maintained
    matrix_rollup_build(framework=framework_academy, on=TODAY)
    for node in (root, departments[1]):
        live = org_matrix(node, framework=framework_academy, by=by, on=TODAY, live=True)
        assert not live.maintained
        maintained = org_matrix(node, framework=framework_academy, by=by, on=TODAY)
        assert maintained.maintained
        assert matrix_figures(maintained) == matrix_figures(live)
        assert [row.pk for row in maintained.rows] == [row.pk for row in live.rows]


def test_other_dates_and_stale_figures_are_computed_live(framework_academy, ministry):
    root, _departments, _people = ministry
    matrix_rollup_build(framework=framework_academy, on=TODAY)
    assert org_matrix(root, framework=framework_academy, on=TODAY).maintained
    later = TODAY + timedelta(days=1)
    assert not org_matrix(root, framework=framework_academy, on=later).maintained
    MatrixRollupRun.objects.update(stale=True)
    assert not org_matrix(root, framework=framework_academy, on=TODAY).maintained


def test_rebuilding_replaces_the_rows_and_records_the_run(framework_academy, ministry):
    first = matrix_rollup_build(framework=framework_academy, on=TODAY)
    assert first > 0
    again = matrix_rollup_build(framework=framework_academy, on=TODAY)
    assert again == first
    assert MatrixRollup.objects.filter(framework=framework_academy).count() == first
    run = MatrixRollupRun.objects.get(framework=framework_academy)
    assert run.built_for == TODAY and run.rows == first and not run.stale


def test_the_task_builds_every_active_framework(standards, ministry):
    result = matrix_rollups_task.delay().get()
    assert set(result) == {"th-dg-2018", "th-gcio-2561", "th-dg-2024", "acd-digital"}
    assert matrix_rollups_build(on=date.today()) == result


def test_the_rebuild_command_names_frameworks(framework_academy, ministry):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("matrix_rebuild", "acd-digital", stdout=out)
    assert out.getvalue().startswith("acd-digital: ")
    assert MatrixRollupRun.objects.get().framework == framework_academy
    with pytest.raises(CommandError, match="nope"):
        call_command("matrix_rebuild", "nope")


def test_reading_the_maintained_figures_costs_a_constant_number_of_queries(
    framework_academy, ministry, django_assert_num_queries
):
    root, _departments, _people = ministry
    matrix_rollup_build(framework=framework_academy, on=TODAY)
    # The run, the aggregate, competencies, row labels.
    with django_assert_num_queries(4):
        org_matrix(root, framework=framework_academy, by="child", on=TODAY)


def test_evidence_recorded_is_counted_in_the_same_transaction(
    framework_academy, ministry
):
    root, _departments, people = ministry
    matrix_rollup_build(framework=framework_academy, on=TODAY)
    before = _cells(root, framework_academy, "unit", TODAY, live=False)
    top = framework_academy.scale.levels.order_by("-rank").first()
    for person in people[:5]:
        for competency in framework_academy.competencies.exclude(kind="area")[:3]:
            evidence_record(
                person=person,
                competency=competency,
                level=top,
                source="assessment",
                observed_on=TODAY,
            )
    after = _cells(root, framework_academy, "unit", TODAY, live=False)
    assert after != before
    assert after == _cells(root, framework_academy, "unit", TODAY, live=True)


def test_a_wide_change_marks_the_figures_stale_and_queues_the_rebuild(
    framework_academy, ministry, django_capture_on_commit_callbacks
):
    root, _departments, _people = ministry
    matrix_rollup_build(framework=framework_academy, on=TODAY)
    requirement = Requirement.objects.filter(
        group__framework=framework_academy, required_level__rank__gt=1
    ).first()
    requirement.required_level = level(framework_academy, 1)
    with django_capture_on_commit_callbacks() as callbacks:
        requirement.save()
    run = MatrixRollupRun.objects.get(framework=framework_academy)
    assert run.stale
    # Stale: computed live, so still current.
    assert not org_matrix(root, framework=framework_academy, on=TODAY).maintained
    callbacks = matrix_callbacks(callbacks)  # not the cache versions' bumps
    assert len(callbacks) == 1
    callbacks[0]()  # the rebuild task (eager in tests), as on commit
    run.refresh_from_db()
    assert not run.stale and run.built_for == date.today()


def test_a_staff_import_marks_the_figures_stale(
    framework_academy, ministry, django_capture_on_commit_callbacks
):
    with matrix_maintenance_paused() as pause:
        pause.changed = False
    assert MatrixRollupRun.objects.count() == 0  # nothing maintained: nothing to do
    matrix_rollup_build(framework=framework_academy, on=TODAY)
    with django_capture_on_commit_callbacks() as callbacks, matrix_maintenance_paused():
        pass
    assert MatrixRollupRun.objects.get().stale
    callbacks = matrix_callbacks(callbacks)  # not the cache versions' bumps
    assert len(callbacks) == 1


def test_the_sweep_moves_on_only_the_people_a_date_touched(framework_academy, ministry):
    root, _departments, people = ministry
    matrix_rollup_build(framework=framework_academy, on=TODAY)
    competency = framework_academy.competencies.exclude(kind="area").first()
    top = framework_academy.scale.levels.order_by("-rank").first()
    evidence_record(
        person=people[0],
        competency=competency,
        level=top,
        source="assessment",
        observed_on=TODAY - timedelta(days=400),
        expires_on=TODAY,
    )
    evidence_record(
        person=people[1],
        competency=competency,
        level=top,
        source="assessment",
        observed_on=TODAY + timedelta(days=1),
    )
    tomorrow = TODAY + timedelta(days=1)
    done = matrix_sweep(on=tomorrow)
    # The other frameworks had no figures yet: they are built.
    assert done["acd-digital"] == 2
    assert {code for code, count in done.items() if count == -1} == {
        "th-dg-2018",
        "th-gcio-2561",
        "th-dg-2024",
    }
    assert matrix_sweep(on=tomorrow)["acd-digital"] == 0
    for by in ("unit", "group"):
        maintained = org_matrix(root, framework=framework_academy, by=by, on=tomorrow)
        assert maintained.maintained
        assert matrix_figures(maintained) == _cells(
            root, framework_academy, by, tomorrow, live=True
        )


# ------------------------------------------------------------------------------
# Property: after random sequences of writes, the maintained figures are the rule's
# ------------------------------------------------------------------------------


def _python_rule(framework, on) -> dict[tuple, list[int]]:
    """(unit, group, competency) → [staff, meeting, gap sum] by the Python rule
    (person_profile), over everyone placed on `on`."""
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for person in Person.objects.all():
        profile = person_profile(person, framework=framework, on=on)
        if profile.placement is None or (person.left_on and person.left_on <= on):
            continue
        framework_profile = profile.frameworks[0]
        if framework_profile.group is None:
            continue
        for row in framework_profile.required_rows:
            cell = cells[
                (
                    profile.placement.unit_id,
                    framework_profile.group.pk,
                    row.competency.pk,
                )
            ]
            cell[0] += 1
            cell[1] += int(row.meets_requirement)
            cell[2] += row.gap
    return dict(cells)


def _maintained(framework) -> dict[tuple, list[int]]:
    return {
        (row.unit_id, row.group_id, row.competency_id): [
            row.staff,
            row.meeting,
            row.gap_sum,
        ]
        for row in MatrixRollup.objects.filter(framework=framework)
    }


def _rebuilt(framework, on) -> tuple[dict, list]:
    """The figures and entries a full rebuild gives (then put back as they were)."""
    maintained, entries = _maintained(framework), _entries(framework)
    matrix_rollup_build(framework=framework, on=on)
    rebuilt = (_maintained(framework), _entries(framework))
    assert (maintained, entries) == rebuilt
    return rebuilt


def _entries(framework) -> list[tuple]:
    return sorted(
        MatrixEntry.objects.filter(framework=framework).values_list(
            "person_id",
            "unit_id",
            "group_id",
            "competency_id",
            "required_rank",
            "attained_rank",
        )
    )


def _random_write(rng, framework, on, callbacks_ctx) -> str:
    people = list(Person.objects.order_by("pk"))
    person = rng.choice(people)
    competencies = list(framework.competencies.order_by("pk"))
    units = list(OrgUnit.objects.order_by("path"))
    levels = list(framework.scale.levels.order_by("rank"))
    action = rng.choice(
        ["evidence"] * 5 + ["move", "leave", "choice", "unchoose", "requirement"]
    )
    if action == "evidence":
        competency = rng.choice([c for c in competencies if c.kind != "area"])
        observed = on + timedelta(days=rng.randint(-30, 3))
        evidence_record(
            person=person,
            competency=competency,
            level=rng.choice(levels),
            source=rng.choice(["assessment", "course", "self", "manual"]),
            observed_on=observed,
            expires_on=rng.choice(
                [None, None, observed + timedelta(days=rng.randint(1, 40))]
            ),
        )
    elif action == "move":
        latest = person.placements.order_by("-starts_on").first()
        position_type, position_level = position(*rng.choice(POSITIONS))
        # A line of work that allows the position (placement_start checks it).
        allowed = [
            line
            for line in map(line_of_work, [*LINES, "2-1-001"])
            if line.refusal(position_type.pk, position_level) is None
        ]
        placement_start(
            person=person,
            unit=rng.choice(units),
            position_type=position_type,
            position_level=position_level,
            line_of_work=rng.choice(allowed),
            starts_on=max(latest.starts_on + timedelta(days=1), on)
            + timedelta(days=rng.choice([0, 0, 1])),
        )
    elif action == "leave":
        person.left_on = rng.choice([None, on, on + timedelta(days=1)])
        person.save()
    elif action == "choice":
        optional = Requirement.objects.filter(
            group__framework=framework, applicability="optional"
        ).select_related("competency")
        choices = [r.competency for r in optional] or competencies
        try:
            optional_choice_add(
                competency=rng.choice(choices),
                person=person,
                source=OptionalChoice.Source.SUPERVISOR,
            )
        except Exception:  # noqa: BLE001 - a choice the rules refuse is no write
            return "choice refused"
    elif action == "unchoose":
        choice = OptionalChoice.objects.filter(person__isnull=False).first()
        if choice is None:
            return "nothing to unchoose"
        optional_choice_remove(choice=choice)
    elif action == "requirement":
        requirement = rng.choice(
            list(Requirement.objects.filter(group__framework=framework))
        )
        requirement.required_level = rng.choice(levels)
        with callbacks_ctx(execute=False) as callbacks:
            requirement.save()
        assert MatrixRollupRun.objects.get(framework=framework).stale
        for callback in callbacks:
            callback()
        # The rebuild task builds for the real today: put the test's day back.
        matrix_rollup_build(framework=framework, on=on)
    return action


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_maintained_figures_equal_the_rule_after_random_writes(
    framework_academy, ministry, seed, django_capture_on_commit_callbacks
):
    rng = random.Random(seed)
    root, _departments, _people = ministry
    on = TODAY
    matrix_rollup_build(framework=framework_academy, on=on)
    for step in range(40):
        action = _random_write(
            rng, framework_academy, on, django_capture_on_commit_callbacks
        )
        if step % 10 == 9:
            on += timedelta(days=1)
            matrix_sweep(on=on)
            action += ", then a sweep"
        run = MatrixRollupRun.objects.get(framework=framework_academy)
        assert run.built_for == on and not run.stale, action
        for by in ("unit", "group"):
            assert _cells(root, framework_academy, by, on, live=False) == _cells(
                root, framework_academy, by, on, live=True
            ), f"step {step}: {action}"
        if step % 5 == 4:
            maintained, _entries_now = _rebuilt(framework_academy, on)
            assert maintained == _python_rule(framework_academy, on), (
                f"step {step}: {action}"
            )


def test_moving_a_unit_marks_the_figures_stale(
    framework_academy, ministry, django_capture_on_commit_callbacks
):
    """treebeard rewrites the paths with QuerySet updates: the move itself says so,
    and the matrix is computed live, with the unit under its new parent, until the
    rebuild."""
    root, departments, _people = ministry
    matrix_rollup_build(framework=framework_academy, on=TODAY)
    division = OrgUnit.objects.filter(path__startswith=departments[0].path).last()
    with django_capture_on_commit_callbacks() as callbacks:
        division.move(departments[1], pos="last-child")
    assert MatrixRollupRun.objects.get().stale
    assert len(matrix_callbacks(callbacks)) == 1
    moved = OrgUnit.objects.get(pk=division.pk)
    assert moved.path.startswith(departments[1].path)
    matrix = org_matrix(root, framework=framework_academy, by="child", on=TODAY)
    assert not matrix.maintained
    assert matrix_figures(matrix) == _cells(
        root, framework_academy, "child", TODAY, live=True
    )
