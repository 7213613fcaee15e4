"""The requirement matrix grid: one form for groups × competencies, saved at once."""

import html
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from academy.accounts.roles import Role
from competencies.group_permissions import grant_standards_permissions
from competencies.models import Competency, Framework, PersonnelGroup, Requirement
from competencies.services import standards_load
from tests.factories import UserFactory, level

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, standards):
    grant_standards_permissions()
    # Messages are asserted in English; Thai is what users see by default.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(UserFactory(roles=[Role.ACADEMY_ADMIN]))
    return client


def _url(framework) -> str:
    return reverse("competencies_requirement_matrix", args=[framework.pk])


def _grid_post_data(framework) -> dict:
    """What the browser sends for the grid as it stands: every cell's select and box."""
    data = {}
    requirements = {
        (r.group_id, r.competency_id): r
        for r in Requirement.objects.filter(group__framework=framework)
    }
    for group in framework.groups.all():
        for competency in framework.competencies.exclude(kind=Competency.Kind.AREA):
            requirement = requirements.get((group.pk, competency.pk))
            key = f"{group.pk}-{competency.pk}"
            data[f"level-{key}"] = (
                str(requirement.required_level_id) if requirement else ""
            )
            if requirement and requirement.is_required:
                data[f"core-{key}"] = "1"
    return data


def _cell(framework, group_code, competency_code):
    group = framework.groups.get(code=group_code)
    competency = framework.competencies.get(code=competency_code)
    return group, competency, f"{group.pk}-{competency.pk}"


def _snapshot(framework):
    return sorted(
        Requirement.objects.filter(group__framework=framework).values_list(
            "group_id",
            "competency_id",
            "required_level_id",
            "applicability",
            "edited_by_admin",
        )
    )


def test_grid_shows_one_select_per_group_and_competency(
    admin_client, framework_academy
):
    response = admin_client.get(_url(framework_academy))
    assert response.status_code == 200
    rows = framework_academy.competencies.exclude(kind=Competency.Kind.AREA).count()
    groups = framework_academy.groups.count()
    assert len(re.findall(r'<select name="level-', response.text)) == rows * groups
    group, competency, key = _cell(framework_academy, "it-executive", "ACD-LIT-01")
    requirement = Requirement.objects.get(group=group, competency=competency)
    assert re.search(
        rf'name="level-{key}".*?<option value="{requirement.required_level_id}" '
        rf"selected>",
        response.text,
        re.S,
    )


def test_grid_shows_areas_as_row_groups_and_notes_to_confirm(
    admin_client, framework_academy
):
    response = admin_client.get(_url(framework_academy))
    area = framework_academy.competencies.get(code="ACD-LIT")
    assert f"{area.code} · {area.name}" in response.text
    note = Requirement.objects.filter(group__framework=framework_academy).first()
    assert note.needs_confirmation
    assert html.escape(note.source_note) in response.text
    assert "academy-banner" in response.text


def test_grid_post_saves_changed_cells_and_marks_them_edited(
    admin_client, framework_academy
):
    group, competency, key = _cell(framework_academy, "it-executive", "ACD-LIT-01")
    other_group, other_competency, other_key = _cell(
        framework_academy, "nonit-operational", "ACD-CYBER-01"
    )
    before = Requirement.objects.get(group=group, competency=competency)
    new_level = level(framework_academy, 4 if before.required_level.rank != 4 else 1)
    data = _grid_post_data(framework_academy)
    data[f"level-{key}"] = str(new_level.pk)
    data[f"level-{other_key}"] = ""  # no longer required
    data.pop(f"core-{other_key}", None)

    response = admin_client.post(_url(framework_academy), data, follow=True)

    assert response.status_code == 200
    changed = Requirement.objects.get(group=group, competency=competency)
    assert changed.required_level == new_level
    assert changed.edited_by_admin
    assert not Requirement.objects.filter(
        group=other_group, competency=other_competency
    ).exists()
    assert (
        Requirement.objects.filter(
            group__framework=framework_academy, edited_by_admin=True
        ).count()
        == 1
    )
    assert "2 cells changed" in response.text
    assert "is-edited" in response.text


def test_grid_post_of_an_unchanged_grid_changes_nothing(
    admin_client, framework_academy
):
    before = _snapshot(framework_academy)
    response = admin_client.post(
        _url(framework_academy), _grid_post_data(framework_academy), follow=True
    )
    assert _snapshot(framework_academy) == before
    assert "no cell changed" in response.text


def test_grid_post_can_clear_core_on_a_cell(admin_client, framework_academy):
    requirement = (
        Requirement.objects.filter(
            group__framework=framework_academy, applicability="required"
        )
        .select_related("group", "competency")
        .first()
    )
    data = _grid_post_data(framework_academy)
    del data[f"core-{requirement.group_id}-{requirement.competency_id}"]
    admin_client.post(_url(framework_academy), data)
    requirement.refresh_from_db()
    assert requirement.applicability == Requirement.Applicability.OPTIONAL
    assert requirement.edited_by_admin


def test_cells_edited_in_the_grid_survive_load_standards_unless_forced(
    admin_client, framework_academy
):
    group, competency, key = _cell(framework_academy, "it-executive", "ACD-LIT-01")
    shipped = Requirement.objects.get(group=group, competency=competency)
    shipped_level = shipped.required_level
    new_level = level(framework_academy, 4 if shipped_level.rank != 4 else 1)
    data = _grid_post_data(framework_academy)
    data[f"level-{key}"] = str(new_level.pk)
    admin_client.post(_url(framework_academy), data)

    report = standards_load()
    kept = Requirement.objects.get(group=group, competency=competency)
    assert kept.required_level == new_level
    assert kept.edited_by_admin
    assert report.kept.get("requirement") == 1

    standards_load(force=True)
    reset = Requirement.objects.get(group=group, competency=competency)
    assert reset.required_level == shipped_level
    assert not reset.edited_by_admin


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("level-{key}", "999999", "'999999' is not a level of the scale"),
        ("level-{key}", "<b>", "'<b>' is not a level of the scale"),
        ("core-{key}", "yes please", "is not a value for 'core'"),
        ("level-{group}-999999", "", "Competency 999999 is not a row"),
        ("level-999999-{competency}", "", "Personnel group 999999 is not a group"),
        ("level-{key}-x", "", "is not a cell of this grid"),
    ],
)
def test_bad_grid_post_changes_nothing_and_names_the_cell(
    admin_client, framework_academy, field, value, expected
):
    group, competency, key = _cell(framework_academy, "it-executive", "ACD-LIT-01")
    good_group, good_competency, good_key = _cell(
        framework_academy, "it-director", "ACD-GOV-01"
    )
    before = _snapshot(framework_academy)
    data = _grid_post_data(framework_academy)
    data[f"level-{good_key}"] = str(level(framework_academy, 4).pk)  # a valid change
    data[field.format(key=key, group=group.pk, competency=competency.pk)] = value

    response = admin_client.post(_url(framework_academy), data)

    assert response.status_code == 200
    assert _snapshot(framework_academy) == before
    assert "Nothing was saved" in response.text
    assert expected in html.unescape(response.text)
    assert "<b>" not in response.text


def test_bad_level_names_the_group_and_competency_of_the_cell(
    admin_client, framework_academy
):
    group, competency, key = _cell(framework_academy, "it-executive", "ACD-LIT-01")
    data = _grid_post_data(framework_academy)
    data[f"level-{key}"] = "999999"
    response = admin_client.post(_url(framework_academy), data)
    assert f"{group.name} × {competency.code}" in html.unescape(response.text)
    assert "has-error" in response.text


def test_level_from_another_scale_is_refused(admin_client, framework_academy):
    from competencies.models import ProficiencyLevel, ProficiencyScale

    other = ProficiencyScale.objects.create(code="other", name_th="อื่น")
    foreign = ProficiencyLevel.objects.create(
        scale=other, rank=1, code="one", name_th="หนึ่ง"
    )
    group, competency, key = _cell(framework_academy, "it-executive", "ACD-LIT-01")
    before = _snapshot(framework_academy)
    data = _grid_post_data(framework_academy)
    data[f"level-{key}"] = str(foreign.pk)
    response = admin_client.post(_url(framework_academy), data)
    assert _snapshot(framework_academy) == before
    assert f"'{foreign.pk}' is not a level of the scale" in html.unescape(response.text)


def _framework_with(scale, *, competencies: int, groups: int) -> Framework:
    framework = Framework.objects.create(
        code=f"load-{competencies}", version="1", scale=scale, name_th="ทดสอบ"
    )
    area = Competency.objects.create(
        framework=framework, code="AREA", kind=Competency.Kind.AREA, name_th="ด้าน"
    )
    items = Competency.objects.bulk_create(
        Competency(
            framework=framework,
            parent=area,
            code=f"C-{n:03d}",
            name_th=f"สมรรถนะ {n}",
            sort_order=n,
            identifier=f"load-{competencies}-{n}",
        )
        for n in range(1, competencies + 1)
    )
    group_list = PersonnelGroup.objects.bulk_create(
        PersonnelGroup(framework=framework, code=f"g{n}", name_th=f"กลุ่ม {n}")
        for n in range(1, groups + 1)
    )
    first_level = scale.levels.order_by("rank").first()
    Requirement.objects.bulk_create(
        Requirement(
            group=group,
            competency=item,
            required_level=first_level,
            source_note="Default to confirm.",
        )
        for group in group_list
        for item in items
    )
    return framework


#: The grid's own 5 queries plus the admin page around it (session, user,
#: permissions, menu); other apps' menu items may add a few.
GRID_MAX_QUERIES = 18


@pytest.mark.parametrize(("competencies", "groups"), [(1, 1), (50, 12)])
def test_grid_queries_stay_under_a_fixed_bound(
    admin_client, framework_academy, django_assert_max_num_queries, competencies, groups
):
    framework = _framework_with(
        framework_academy.scale, competencies=competencies, groups=groups
    )
    admin_client.get(_url(framework))  # warm caches shared by every admin page
    with django_assert_max_num_queries(GRID_MAX_QUERIES):
        response = admin_client.get(_url(framework))
    assert response.status_code == 200
    assert response.text.count('<select name="level-') == competencies * groups


def test_grid_makes_as_many_queries_for_50_competencies_as_for_1(
    admin_client, framework_academy
):
    counts = []
    for competencies, groups in ((1, 1), (50, 12)):
        framework = _framework_with(
            framework_academy.scale, competencies=competencies, groups=groups
        )
        admin_client.get(_url(framework))
        with CaptureQueriesContext(connection) as queries:
            admin_client.get(_url(framework))
        counts.append(len(queries))
    assert counts[0] == counts[1]
