"""An installation loaded with the earlier shipped data moves to the published standards:
records loaded before provenance existed (provenance "") follow aliases.json, and their
evidence, placements and course links follow them."""

from datetime import date

import pytest

from competencies.models import (
    Competency,
    Evidence,
    Framework,
    LineOfWork,
    PersonnelGroup,
    PositionLevel,
    PositionType,
    ProficiencyLevel,
    ProficiencyScale,
    Requirement,
    StaffScheme,
)
from competencies.services import standards_load
from tests.factories import PersonFactory, PlacementFactory, org_unit
from tests.fixtures import class_transaction, standards_deleted

pytestmark = pytest.mark.django_db


def _legacy() -> dict:
    """What the earlier data left: the four-level scale, a 2018 framework on it with an
    area DL, the invented DL-02 and the misplaced DTR200, one requirement, evidence,
    and the invented line-of-work code 3-1-0016 on the HR officer's line."""
    scale = ProficiencyScale.objects.create(
        code="th-dg-4", name_th="ระดับ", provenance=""
    )
    levels = [
        ProficiencyLevel.objects.create(
            scale=scale,
            rank=rank,
            code=f"l{rank}",
            name_th=f"ระดับ {rank}",
            is_proficient_threshold=rank == 2,
        )
        for rank in (1, 2, 3, 4)
    ]
    framework = Framework.objects.create(
        code="th-dg-2018",
        version="2018",
        status=Framework.Status.ACTIVE,
        scale=scale,
        name_th="เดิม",
        provenance="",
    )
    area = Competency.objects.create(
        framework=framework, code="DL", kind="area", name_th="เดิม", provenance=""
    )
    dl02 = Competency.objects.create(
        framework=framework, parent=area, code="DL-02", name_th="เดิม", provenance=""
    )
    dtr = Competency.objects.create(
        framework=framework, parent=area, code="DTR200", name_th="เดิม", provenance=""
    )
    group = PersonnelGroup.objects.create(
        framework=framework, code="others", name_th="เดิม", provenance=""
    )
    Requirement.objects.create(
        group=group, competency=dl02, required_level=levels[1], provenance=""
    )
    scheme = StaffScheme.objects.create(code="civil-service", name_th="เดิม")
    hr_line = LineOfWork.objects.create(
        scheme=scheme, code="3-1-0016", name_th="นักทรัพยากรบุคคล", provenance=""
    )
    person = PersonFactory()
    strong = Evidence.objects.create(
        person=person,
        competency=dl02,
        level=levels[2],
        source=Evidence.Source.ASSESSMENT,
        observed_on=date(2025, 3, 1),
    )
    weak = Evidence.objects.create(
        person=person,
        competency=dtr,
        level=levels[0],
        source=Evidence.Source.ASSESSMENT,
        observed_on=date(2025, 3, 1),
    )
    return {
        "dl02": dl02,
        "dtr": dtr,
        "person": person,
        "strong": strong,
        "weak": weak,
        "hr_line": hr_line,
    }


@pytest.fixture
def legacy(without_standards):
    return _legacy()


@pytest.fixture(scope="class")
def migrated(django_db_setup, django_db_blocker):
    """The earlier data (_legacy) loaded once over with the published standards, for
    the class's tests (each in a savepoint), rolled back after the last: the legacy
    records and the load's report."""
    with class_transaction(django_db_blocker):
        standards_deleted()
        legacy = _legacy()
        yield legacy, standards_load()


@pytest.mark.xdist_group("standards_migrated")
class TestMigrated:
    """What one load over the earlier data leaves, and loading again over it."""

    def test_a_recoded_competency_keeps_its_evidence(self, migrated):
        legacy, _ = migrated
        unit = Competency.objects.get(pk=legacy["dl02"].pk)
        assert (unit.framework.code, unit.code) == ("th-dg-2018", "CEC-CSYN-028")
        assert unit.name_th.startswith("ใช้งานเครื่องมือด้านดิจิทัล")
        assert Evidence.objects.get(pk=legacy["strong"].pk).competency_id == unit.pk

    def test_evidence_at_a_proficient_level_becomes_a_pass_beside_the_original(
        self, migrated
    ):
        legacy, _ = migrated
        converted = Evidence.objects.get(reference=f"converted:{legacy['strong'].pk}")
        assert converted.level.code == "pass"
        assert converted.observed_on == date(2025, 3, 1)
        assert not Evidence.objects.filter(reference=f"converted:{legacy['weak'].pk}")

    def test_conversion_is_not_repeated(self, migrated):
        count = Evidence.objects.count()
        report = standards_load()
        assert Evidence.objects.count() == count
        assert report.evidence_converted == 0

    def test_a_unit_of_another_standard_moves_to_its_framework(self, migrated):
        legacy, report = migrated
        unit = Competency.objects.get(pk=legacy["dtr"].pk)
        assert unit.framework.code == "th-gcio-2561"
        assert "th-dg-2018 / DTR200 -> th-gcio-2561 / DTR200" in report.moved
        assert not Competency.objects.filter(framework__code="th-dg-2018", code="DL")

    def test_requirements_whose_meaning_changed_are_reported(self, migrated):
        _, report = migrated
        assert any(
            line.startswith("th-dg-2018 / others / CEC-CSYN-028")
            for line in report.meaning_changed
        ), report.meaning_changed


def test_a_line_of_work_with_an_invented_code_takes_its_published_one(legacy):
    knowledge = PositionType.objects.create(
        scheme=legacy["hr_line"].scheme, code="knowledge", name_th="วิชาการ"
    )
    PositionLevel.objects.create(
        position_type=knowledge, code="practitioner", name_th="ปฏิบัติการ", rank=1
    )
    placement = PlacementFactory(
        person=legacy["person"],
        unit=org_unit("M1", kind="ministry"),
        line_of_work=legacy["hr_line"],
    )
    standards_load()
    placement.refresh_from_db()
    assert placement.line_of_work.code == "3-1-006"
    assert placement.line_of_work.name_th == "นักทรัพยากรบุคคล"
    assert LineOfWork.objects.get(code="3-1-0016").name_th == "นักวิชาการพัสดุ"
