"""A placement's level must lie within the range its line of work allows."""

from django.core.exceptions import ValidationError

import pytest

from competencies.models import LineOfWork, PositionLevel
from tests.factories import PlacementFactory, org_unit

pytestmark = pytest.mark.django_db


def _line_with_a_level_above_its_range(standards) -> tuple[LineOfWork, PositionLevel]:
    for line in LineOfWork.objects.exclude(level_max=None).select_related(
        "level_max", "position_type"
    ):
        above = (
            PositionLevel.objects.filter(
                position_type=line.position_type, rank__gt=line.level_max.rank
            )
            .order_by("rank")
            .first()
        )
        if above is not None:
            return line, above
    pytest.fail("the shipped lines of work have no capped range to test")


def test_a_level_above_the_line_of_works_range_is_refused(standards):
    line, above = _line_with_a_level_above_its_range(standards)
    placement = PlacementFactory(unit=org_unit("RNG", kind="ministry"))
    placement.position_type = line.position_type
    placement.position_level = above
    placement.line_of_work = line
    with pytest.raises(ValidationError) as refused:
        placement.full_clean()
    assert "position_level" in refused.value.message_dict
    placement.position_level = line.level_max
    placement.full_clean()
