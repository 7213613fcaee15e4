from django.core.management import call_command

import pytest

from competencies.models import (
    Competency,
    Framework,
    GroupRule,
    LineOfWork,
    PersonnelGroup,
    PositionLevel,
    PositionType,
    ProficiencyScale,
    Provenance,
    Requirement,
)
from competencies.services import requirement_matrix_update, standards_load
from tests.factories import level
from tests.fixtures import class_transaction, standards_deleted

# The loader is tested from an empty database, not the one django_db_setup filled.
pytestmark = pytest.mark.django_db


def _snapshot():
    models = (
        Framework,
        Competency,
        PersonnelGroup,
        Requirement,
        GroupRule,
        PositionType,
        PositionLevel,
        LineOfWork,
    )
    return {
        model.__name__: sorted(model.objects.values_list(flat=False).order_by("pk"))
        for model in models
    }


@pytest.fixture(scope="class")
def loaded_from_empty(django_db_setup, django_db_blocker):
    """The standards loaded once into the database as the migrations leave it, for
    the class's tests (each in a savepoint), rolled back after the last."""
    with class_transaction(django_db_blocker):
        standards_deleted()
        standards_load()
        yield


@pytest.mark.xdist_group("standards_loaded_from_empty")
@pytest.mark.usefixtures("loaded_from_empty")
class TestLoadedFromEmpty:
    """What one load from empty leaves, and loading or editing again over it."""

    def test_load_standards_loads_the_frameworks_and_position_structure(self):
        assert set(Framework.objects.values_list("code", flat=True)) == {
            "th-dg-2018",
            "th-gcio-2561",
            "th-dg-2024",
            "acd-digital",
        }
        assert PersonnelGroup.objects.filter(framework__code="th-dg-2018").count() == 6
        assert PersonnelGroup.objects.filter(framework__code="th-dg-2024").count() == 6
        assert list(
            PositionType.objects.get(code="knowledge")
            .levels.order_by("rank")
            .values_list("name_th", flat=True)
        ) == ["ปฏิบัติการ", "ชำนาญการ", "ชำนาญการพิเศษ", "เชี่ยวชาญ", "ทรงคุณวุฒิ"]
        assert LineOfWork.objects.get(code="3-1-0013").name_th == "นักวิชาการคอมพิวเตอร์"

    def test_published_frameworks_use_the_pass_not_yet_scale(self):
        for code in ("th-dg-2018", "th-gcio-2561", "th-dg-2024"):
            scale = Framework.objects.get(code=code).scale
            assert scale.kind == ProficiencyScale.Kind.PASS_NOT_YET
            assert list(scale.levels.values_list("code", flat=True)) == ["pass"]

    def test_the_four_level_scale_is_marked_as_the_academys_own(self):
        scale = Framework.objects.get(code="acd-digital").scale
        assert scale.is_academy_own
        assert scale.kind == ProficiencyScale.Kind.LEVELLED
        assert scale.levels.count() == 4

    def test_2024_revision_has_three_core_and_four_optional_areas(self):
        framework = Framework.objects.get(code="th-dg-2024")
        areas = framework.competencies.filter(kind=Competency.Kind.AREA)
        assert areas.count() == 7
        required_areas = set(
            Requirement.objects.filter(
                group__framework=framework,
                group__code="nonit-operational",
                applicability=Requirement.Applicability.REQUIRED,
            )
            .values_list("competency__parent__name_en", flat=True)
            .distinct()
        )
        assert required_areas == {"Digital Literacy", "Digital Leadership"}
        optional_areas = set(
            Requirement.objects.filter(
                group__framework=framework,
                group__code="nonit-operational",
                applicability=Requirement.Applicability.OPTIONAL,
                competency__parent__isnull=False,
            )
            .values_list("competency__parent__name_en", flat=True)
            .distinct()
        )
        assert optional_areas == {
            "Digital Technology",
            "Digital Service",
            "Data Utilization and Sharing",
            "Cyber Security",
        }

    def test_a_2024_unit_placed_in_an_area_by_its_title_says_so(self):
        unit = Competency.objects.get(framework__code="th-dg-2024", code="DG-TNMQ-001")
        assert unit.area_is_inferred
        assert unit.parent.name_en == "Digital Literacy"
        assert unit.provenance == Provenance.PUBLISHED
        assert "inferred" not in unit.source_note or "to confirm" in unit.source_note

    def test_units_keep_their_published_codes_in_their_own_framework(self):
        def codes(framework):
            return set(
                Competency.objects.filter(framework__code=framework).values_list(
                    "code", flat=True
                )
            )

        assert {"CEC-OQZN-027", "CEC-BCTZ-001"} <= codes("th-dg-2018")
        assert "DTR200" in codes("th-gcio-2561")
        assert {"DG-WPJL-028", "DG-AFDZ-020", "DG-ZYSR-022", "DG-EJJM-026"} <= codes(
            "th-dg-2024"
        )
        assert not {"DTR200", "DG-AFDZ-020"} & codes("th-dg-2018")

    def test_load_standards_twice_changes_nothing(self):
        before = _snapshot()
        report = standards_load()
        assert not report.changed
        assert _snapshot() == before

    def test_unconfirmed_facts_carry_a_to_confirm_note(self):
        framework = Framework.objects.get(code="th-dg-2018")
        assert not framework.competencies.get(code="CEC-OQZN-027").needs_confirmation
        assert all(
            requirement.needs_confirmation
            for requirement in Requirement.objects.filter(group__framework=framework)
        )
        assert GroupRule.objects.filter(framework=framework).first().needs_confirmation
        local = Competency.objects.get(framework__code="acd-digital", code="ACD-LIT-01")
        assert local.needs_confirmation

    def test_administrator_edit_survives_reload_but_not_force(self):
        framework = Framework.objects.get(code="acd-digital")
        group = framework.groups.get(code="nonit-operational")
        competency = framework.competencies.get(code="ACD-LIT-01")
        requirement_matrix_update(
            group=group, cells={competency.pk: (level(framework, 4), True)}
        )

        report = standards_load()
        edited = Requirement.objects.get(group=group, competency=competency)
        assert edited.required_level.rank == 4
        assert edited.edited_by_admin
        assert report.kept == {"requirement": 1}

        call_command("load_standards", "--force")
        edited.refresh_from_db()
        assert edited.required_level.rank == 2
        assert not edited.edited_by_admin

    def test_unedited_requirement_follows_shipped_default(self):
        requirement = Requirement.objects.filter(
            group__framework__code="acd-digital", group__code="it-operational"
        ).first()
        framework = requirement.group.framework
        Requirement.objects.filter(pk=requirement.pk).update(
            required_level=level(framework, 1)
        )
        report = standards_load()
        requirement.refresh_from_db()
        assert requirement.required_level.rank != 1
        assert any(
            requirement.competency.code in line for line in report.meaning_changed
        )

    def test_matrix_update_refuses_competency_from_another_framework(self):
        from django.core.exceptions import ValidationError

        group = PersonnelGroup.objects.get(
            framework__code="th-dg-2024", code="it-executive"
        )
        foreign = Competency.objects.get(framework__code="th-gcio-2561", code="DTR200")
        before = _snapshot()
        with pytest.raises(ValidationError):
            requirement_matrix_update(
                group=group, cells={foreign.pk: (level(group.framework, 1), True)}
            )
        assert _snapshot() == before


@pytest.mark.usefixtures("without_standards")
def test_command_reports_nothing_changed_on_second_run(capsys):
    call_command("load_standards")
    call_command("load_standards")
    assert "nothing changed" in capsys.readouterr().out
