"""The standards snapshot person_profile reads: kept per process under a version in
the shared cache, and rebuilt as soon as anything in the standards changes, here or
in another worker."""

from datetime import date

from django.core.cache import cache
from django.db import transaction

import pytest

from competencies.models import Requirement
from competencies.selectors import (
    person_profile,
    standards_cache,
    standards_snapshot,
)
from competencies.services import requirement_matrix_update
from tests.factories import PlacementFactory, level, org_unit

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


@pytest.fixture
def placed(framework_academy):
    """A person placed in a group with requirements on the Academy's framework, and
    the row of one required competency."""
    person = PlacementFactory(unit=org_unit("M", kind="ministry")).person
    profile = person_profile(person, framework=framework_academy, on=TODAY)
    row = profile.frameworks[0].required_rows[0]
    return person, profile.frameworks[0].group, row.competency


def _required_rank(person, framework, competency) -> int:
    profile = person_profile(person, framework=framework, on=TODAY)
    (row,) = [r for r in profile.frameworks[0].rows if r.competency == competency]
    return row.required_rank


def test_profile_reads_the_standards_once_per_process(
    framework_academy, django_assert_num_queries
):
    person = PlacementFactory(unit=org_unit("M", kind="ministry")).person
    with django_assert_num_queries(10):
        # frameworks, rules, levels, the schemes each framework covers ... built
        person_profile(person, on=TODAY)
    with django_assert_num_queries(3):
        person_profile(person, on=TODAY)  # placement, evidence, choices only


def test_a_changed_requirement_is_seen_at_once(framework_academy, placed):
    person, group, competency = placed
    before = _required_rank(person, framework_academy, competency)
    new_rank = 1 if before != 1 else 2
    requirement_matrix_update(
        group=group,
        cells={competency.pk: (level(framework_academy, new_rank), True)},
    )
    assert _required_rank(person, framework_academy, competency) == new_rank


def test_a_deleted_requirement_is_seen_at_once(framework_academy, placed):
    person, group, competency = placed
    Requirement.objects.get(group=group, competency=competency).delete()
    assert _required_rank(person, framework_academy, competency) == 0


def test_a_renamed_competency_is_seen_at_once(framework_academy, placed):
    person, _group, competency = placed
    competency.name_th = "ชื่อใหม่"
    competency.save()
    profile = person_profile(person, framework=framework_academy, on=TODAY)
    assert "ชื่อใหม่" in [row.competency.name_th for row in profile.frameworks[0].rows]


def test_another_workers_change_is_seen(framework_academy, placed):
    """A write in another process bumps the version in the shared cache only: this
    process's snapshot must not outlive it."""
    person, group, competency = placed
    requirement = Requirement.objects.get(group=group, competency=competency)
    new_rank = 1 if requirement.required_level.rank != 1 else 2
    # As another worker would: the row changes without this process's signals...
    Requirement.objects.filter(pk=requirement.pk).update(
        required_level=level(framework_academy, new_rank)
    )
    assert _required_rank(person, framework_academy, competency) != new_rank
    # ...and that worker bumps the shared version.
    cache.set(standards_cache.version_key, "bumped elsewhere", timeout=None)
    assert _required_rank(person, framework_academy, competency) == new_rank


def test_a_change_rolled_back_is_not_kept(framework_academy, placed):
    person, group, competency = placed
    before = _required_rank(person, framework_academy, competency)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        Requirement.objects.get(group=group, competency=competency).delete()
        assert _required_rank(person, framework_academy, competency) == 0
        raise Undo
    assert _required_rank(person, framework_academy, competency) == before


def test_snapshot_is_shared_until_the_version_changes(framework_academy):
    first = standards_snapshot()
    assert standards_snapshot() is first
    framework_academy.save()
    assert standards_snapshot() is not first
