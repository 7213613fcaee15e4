from datetime import date

import pytest

from competencies.models import AppendOnlyError, Evidence
from competencies.selectors import person_profile
from competencies.services import evidence_record
from tests.factories import PersonFactory, PlacementFactory, competency, level, org_unit

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


@pytest.fixture
def learner(standards):
    unit = org_unit("M01", kind="ministry")
    return PlacementFactory(unit=unit).person


def _record(person, framework, code, rank, source, observed_on, expires_on=None):
    return evidence_record(
        person=person,
        competency=competency(framework, code),
        level=level(framework, rank),
        source=source,
        observed_on=observed_on,
        expires_on=expires_on,
    )


def _row(profile, code):
    return next(
        row for row in profile.frameworks[0].rows if row.competency.code == code
    )


def test_evidence_cannot_be_changed_or_deleted(learner, framework_academy):
    item = _record(learner, framework_academy, "ACD-LIT-01", 2, "assessment", TODAY)
    item.note = "edited"
    with pytest.raises(AppendOnlyError):
        item.save()
    with pytest.raises(AppendOnlyError):
        item.delete()
    with pytest.raises(AppendOnlyError):
        Evidence.objects.filter(pk=item.pk).update(note="edited")
    with pytest.raises(AppendOnlyError):
        Evidence.objects.filter(pk=item.pk).delete()
    assert Evidence.objects.get(pk=item.pk).note == ""


def test_attained_level_is_highest_unexpired_verified_level(learner, framework_academy):
    _record(learner, framework_academy, "ACD-LIT-01", 1, "course", date(2025, 1, 1))
    _record(learner, framework_academy, "ACD-LIT-01", 3, "assessment", date(2026, 1, 1))
    _record(learner, framework_academy, "ACD-LIT-01", 2, "manual", date(2026, 6, 1))
    profile = person_profile(learner, framework=framework_academy, on=TODAY)
    assert _row(profile, "ACD-LIT-01").attained_level.rank == 3


def test_expired_evidence_no_longer_counts(learner, framework_academy):
    _record(learner, framework_academy, "ACD-LIT-01", 1, "course", date(2025, 1, 1))
    _record(
        learner,
        framework_academy,
        "ACD-LIT-01",
        4,
        "assessment",
        date(2024, 1, 1),
        date(2026, 1, 1),
    )
    before_expiry = person_profile(
        learner, framework=framework_academy, on=date(2025, 12, 31)
    )
    after_expiry = person_profile(learner, framework=framework_academy, on=TODAY)
    assert _row(before_expiry, "ACD-LIT-01").attained_level.rank == 4
    assert _row(after_expiry, "ACD-LIT-01").attained_level.rank == 1


def test_self_assessment_is_shown_but_never_counted(learner, framework_academy):
    _record(learner, framework_academy, "ACD-GOV-01", 4, "self", date(2026, 1, 1))
    row = _row(
        person_profile(learner, framework=framework_academy, on=TODAY), "ACD-GOV-01"
    )
    assert row.attained_level is None
    assert row.self_assessed_level.rank == 4
    assert row.gap == row.required_level.rank


def test_future_evidence_does_not_count_yet(learner, framework_academy):
    _record(learner, framework_academy, "ACD-LIT-01", 3, "assessment", date(2027, 1, 1))
    row = _row(
        person_profile(learner, framework=framework_academy, on=TODAY), "ACD-LIT-01"
    )
    assert row.attained_level is None


def test_gap_is_required_minus_attained_never_negative(learner, framework_academy):
    # nonit-operational requires level 2 on LIT competencies.
    _record(learner, framework_academy, "ACD-LIT-01", 1, "assessment", TODAY)
    _record(learner, framework_academy, "ACD-LIT-02", 4, "assessment", TODAY)
    profile = person_profile(learner, framework=framework_academy, on=TODAY)
    assert profile.frameworks[0].group.code == "nonit-operational"
    assert _row(profile, "ACD-LIT-01").gap == 1
    assert _row(profile, "ACD-LIT-02").gap == 0
    assert _row(profile, "ACD-LIT-02").meets_requirement


def test_evidence_level_must_be_on_the_framework_scale(learner, framework_academy):
    from django.core.exceptions import ValidationError

    from competencies.models import ProficiencyLevel, ProficiencyScale

    other_scale = ProficiencyScale.objects.create(code="other", name_th="อื่น")
    foreign_level = ProficiencyLevel.objects.create(
        scale=other_scale, rank=1, code="one", name_th="หนึ่ง"
    )
    with pytest.raises(ValidationError) as error:
        evidence_record(
            person=learner,
            competency=competency(framework_academy, "ACD-LIT-01"),
            level=foreign_level,
            source="assessment",
            observed_on=TODAY,
        )
    assert "level" in error.value.message_dict
    assert not Evidence.objects.exists()


def test_person_without_placement_has_no_group_and_no_requirements(standards):
    person = PersonFactory()
    profile = person_profile(person, on=TODAY)
    assert profile.placement is None
    assert all(item.group is None for item in profile.frameworks)
    assert all(not item.required_rows for item in profile.frameworks)
