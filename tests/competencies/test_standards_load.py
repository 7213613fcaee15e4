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
    Requirement,
)
from competencies.services import requirement_matrix_update, standards_load
from tests.factories import level

# The loader is tested from an empty database, not the one django_db_setup filled.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_standards")]


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


def test_load_standards_loads_both_frameworks_and_position_structure():
    standards_load()
    assert set(Framework.objects.values_list("code", flat=True)) == {
        "th-dg-2018",
        "th-dg-2024",
    }
    assert PersonnelGroup.objects.filter(framework__code="th-dg-2018").count() == 6
    assert PersonnelGroup.objects.filter(framework__code="th-dg-2024").count() == 6
    assert list(
        PositionType.objects.get(code="knowledge")
        .levels.order_by("rank")
        .values_list("name_th", flat=True)
    ) == ["ปฏิบัติการ", "ชำนาญการ", "ชำนาญการพิเศษ", "เชี่ยวชาญ", "ทรงคุณวุฒิ"]
    assert LineOfWork.objects.get(code="3-1-0013").name_th == "นักวิชาการคอมพิวเตอร์"


def test_2024_revision_has_three_core_and_four_optional_areas():
    standards_load()
    framework = Framework.objects.get(code="th-dg-2024")
    areas = framework.competencies.filter(parent__isnull=True)
    assert areas.count() == 7
    core_areas = set(
        Requirement.objects.filter(group__code="nonit-operational", is_core=True)
        .values_list("competency__parent__code", flat=True)
        .distinct()
    )
    assert core_areas == {"LIT", "GOV", "LEAD"}


def test_coded_competency_units_keep_their_published_codes():
    standards_load()
    codes = set(
        Competency.objects.filter(framework__code="th-dg-2018").values_list(
            "code", flat=True
        )
    )
    assert {
        "CEC-OQZN-027",
        "CEC-BCTZ-001",
        "DTR200",
        "DG-WPJL-028",
        "DG-AFDZ-020",
        "DG-ZYSR-022",
        "DG-EJJM-026",
    } <= codes


def test_load_standards_twice_changes_nothing():
    standards_load()
    before = _snapshot()
    report = standards_load()
    assert not report.changed
    assert _snapshot() == before


def test_command_reports_nothing_changed_on_second_run(capsys):
    call_command("load_standards")
    call_command("load_standards")
    assert "nothing changed" in capsys.readouterr().out


def test_unconfirmed_facts_carry_a_to_confirm_note():
    standards_load()
    framework = Framework.objects.get(code="th-dg-2018")
    assert framework.competencies.get(code="DL").needs_confirmation
    assert not framework.competencies.get(code="CEC-OQZN-027").needs_confirmation
    assert all(
        requirement.needs_confirmation
        for requirement in Requirement.objects.filter(group__framework=framework)
    )
    assert GroupRule.objects.filter(framework=framework).first().needs_confirmation


def test_administrator_edit_survives_reload_but_not_force():
    standards_load()
    framework = Framework.objects.get(code="th-dg-2024")
    group = framework.groups.get(code="nonit-operational")
    competency = framework.competencies.get(code="LIT-01")
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


def test_unedited_requirement_follows_shipped_default():
    standards_load()
    requirement = Requirement.objects.filter(group__code="it-operational").first()
    framework = requirement.group.framework
    Requirement.objects.filter(pk=requirement.pk).update(
        required_level=level(framework, 1)
    )
    standards_load()
    requirement.refresh_from_db()
    assert requirement.required_level.rank != 1


def test_matrix_update_refuses_competency_from_another_framework():
    from django.core.exceptions import ValidationError

    standards_load()
    group = PersonnelGroup.objects.get(
        framework__code="th-dg-2024", code="it-executive"
    )
    foreign = Competency.objects.get(framework__code="th-dg-2018", code="DTR200")
    before = _snapshot()
    with pytest.raises(ValidationError):
        requirement_matrix_update(
            group=group, cells={foreign.pk: (level(group.framework, 2), True)}
        )
    assert _snapshot() == before
