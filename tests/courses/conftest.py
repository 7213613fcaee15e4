import pytest

# hr_world: the HR workspace's small ministry, for assignments and development plans.
from tests.competencies.conftest import hr_world  # noqa: F401
from tests.factories import PlacementFactory, UserFactory, competency, course, org_unit


@pytest.fixture
def learner(standards):
    """A non-IT knowledge worker (practitioner) with an account and a placement."""
    user = UserFactory(email="learner@example.go.th")
    unit = org_unit("M01", kind="ministry")
    placement = PlacementFactory(unit=unit, person__user=user, person__email=user.email)
    user.person_record = placement.person
    return user


@pytest.fixture
def governance_course(framework_academy):
    return course(
        "การกำกับดูแลข้อมูลภาครัฐ",
        title_en="Government data governance",
        lessons=2,
        competencies=[(competency(framework_academy, "ACD-GOV-02"), 3)],
        learning_hours=6,
    )
