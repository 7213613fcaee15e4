"""The nightly matrix rollup gives a large subtree exactly the live matrix's figures."""

from datetime import date, timedelta

import pytest

from competencies.models import MatrixRollup, MatrixRollupRun
from competencies.selectors import org_matrix
from competencies.services import matrix_rollup_build, matrix_rollups_build
from competencies.tasks import matrix_rollups_build as matrix_rollups_task
from tests.competencies.test_selectors import TODAY, _actual, _build

pytestmark = pytest.mark.django_db


@pytest.fixture
def ministry(framework_academy):
    ministry, departments, people = _build(
        framework_academy, divisions=4, staff_per_division=6
    )
    return ministry, departments


@pytest.mark.parametrize("by", ["child", "unit", "group"])
def test_rollup_matrix_equals_the_live_matrix(
    settings, framework_academy, ministry, by
):
    root, departments = ministry
    for node in (root, departments[1]):
        live = org_matrix(node, framework=framework_academy, by=by, on=TODAY)
        assert live.as_of is None
        matrix_rollup_build(framework=framework_academy, on=TODAY)
        settings.ACADEMY_MATRIX_ROLLUP_MIN_STAFF = 1
        rolled = org_matrix(node, framework=framework_academy, by=by, on=TODAY)
        settings.ACADEMY_MATRIX_ROLLUP_MIN_STAFF = 1_000_000
        assert rolled.as_of is not None
        assert _actual(rolled) == _actual(live)
        assert [row.pk for row in rolled.rows] == [row.pk for row in live.rows]


def test_small_subtrees_and_other_dates_are_computed_live(
    settings, framework_academy, ministry
):
    root, _departments = ministry
    matrix_rollup_build(framework=framework_academy, on=TODAY)
    settings.ACADEMY_MATRIX_ROLLUP_MIN_STAFF = 25  # the ministry has 24 staff
    assert org_matrix(root, framework=framework_academy, on=TODAY).as_of is None
    settings.ACADEMY_MATRIX_ROLLUP_MIN_STAFF = 24
    assert org_matrix(root, framework=framework_academy, on=TODAY).as_of is not None
    # A rollup built for another day never answers for today.
    later = TODAY + timedelta(days=1)
    assert org_matrix(root, framework=framework_academy, on=later).as_of is None


def test_rebuilding_replaces_the_rows_and_records_the_run(framework_academy, ministry):
    first = matrix_rollup_build(framework=framework_academy, on=TODAY)
    assert first > 0
    again = matrix_rollup_build(framework=framework_academy, on=TODAY)
    assert again == first
    assert MatrixRollup.objects.filter(framework=framework_academy).count() == first
    run = MatrixRollupRun.objects.get(framework=framework_academy)
    assert run.built_for == TODAY and run.rows == first


def test_the_task_builds_every_active_framework(standards, ministry):
    result = matrix_rollups_task.delay().get()
    assert set(result) == {"th-dg-2018", "th-gcio-2561", "th-dg-2024", "acd-digital"}
    assert matrix_rollups_build(on=date.today()) == result


def test_reading_the_rollup_costs_a_constant_number_of_queries(
    settings, framework_academy, ministry, django_assert_num_queries
):
    root, _departments = ministry
    matrix_rollup_build(framework=framework_academy, on=TODAY)
    settings.ACADEMY_MATRIX_ROLLUP_MIN_STAFF = 1
    # The run, the subtree's staff count, the aggregate, competencies, row labels.
    with django_assert_num_queries(5):
        org_matrix(root, framework=framework_academy, by="child", on=TODAY)


def test_a_staff_import_rebuilds_todays_rollups(
    standards, ministry, django_capture_on_commit_callbacks
):
    from competencies.hr.services import _rollups_refresh_on_commit

    with django_capture_on_commit_callbacks() as callbacks:
        _rollups_refresh_on_commit()
    assert callbacks == []  # no rollup yet: nothing to keep fresh
    matrix_rollups_build()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _rollups_refresh_on_commit()
    assert len(callbacks) == 1
