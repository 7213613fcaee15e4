"""Who may open the competency standards admin, and that every page of it opens."""

from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, reverse

import pytest

from academy.accounts.roles import Role
from competencies.group_permissions import grant_standards_permissions
from competencies.models import (
    Competency,
    Framework,
    GroupRule,
    LineOfWork,
    PersonnelGroup,
    PositionLevel,
    PositionType,
    ProficiencyLevel,
    ProficiencyScale,
    Requirement,
    StaffScheme,
)
from competencies.services import evidence_record
from tests.factories import PlacementFactory, UserFactory, competency, level, org_unit

pytestmark = pytest.mark.django_db

LISTED_MODELS = {
    "competencies_framework": Framework,
    "competencies_requirement": Requirement,
    "competencies_competency": Competency,
    "competencies_scale": ProficiencyScale,
    "competencies_level": ProficiencyLevel,
    "competencies_group": PersonnelGroup,
    "competencies_group_rule": GroupRule,
    "competencies_scheme": StaffScheme,
    "competencies_position_type": PositionType,
    "competencies_position_level": PositionLevel,
    "competencies_line_of_work": LineOfWork,
}
PEOPLE_VIEWSETS = (
    "competencies_org_unit",
    "competencies_person",
    "competencies_placement",
)
ALL_VIEWSETS = (*LISTED_MODELS, *PEOPLE_VIEWSETS, "competencies_evidence")


@pytest.fixture
def academy_admin(standards):
    grant_standards_permissions()
    return UserFactory(roles=[Role.ACADEMY_ADMIN])


@pytest.fixture
def placement(standards):
    return PlacementFactory(unit=org_unit("M01", kind="ministry"))


@pytest.fixture
def evidence(placement, framework_academy):
    return evidence_record(
        person=placement.person,
        competency=competency(framework_academy, "ACD-LIT-01"),
        level=level(framework_academy, 2),
        source="manual",
        observed_on=placement.starts_on,
    )


def test_migrations_grant_the_standards_permissions(db):
    administrators = Group.objects.get(name=Role.ACADEMY_ADMIN.value)
    codenames = set(administrators.permissions.values_list("codename", flat=True))
    assert {"change_requirement", "add_evidence", "access_admin"} <= codenames
    assert "change_evidence" not in codenames


def test_grant_standards_permissions_is_idempotent(db):
    Group.objects.get(name=Role.ACADEMY_ADMIN.value).permissions.clear()
    first = grant_standards_permissions()
    assert first > 0
    assert grant_standards_permissions() == 0


@pytest.mark.parametrize("viewset", ALL_VIEWSETS)
def test_academy_admin_opens_every_listing(client, academy_admin, viewset, evidence):
    client.force_login(academy_admin)
    response = client.get(reverse(f"{viewset}:index"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "viewset", [name for name in ALL_VIEWSETS if name != "competencies_requirement"]
)
def test_academy_admin_opens_every_create_form(client, academy_admin, viewset):
    client.force_login(academy_admin)
    response = client.get(reverse(f"{viewset}:add"))
    assert response.status_code == 200


@pytest.mark.parametrize(("viewset", "model"), LISTED_MODELS.items())
def test_academy_admin_opens_an_edit_form_of_every_standards_model(
    client, academy_admin, viewset, model
):
    client.force_login(academy_admin)
    instance = model.objects.order_by("pk").first()
    response = client.get(reverse(f"{viewset}:edit", args=[instance.pk]))
    assert response.status_code == 200


def test_academy_admin_opens_people_edit_forms(client, academy_admin, placement):
    client.force_login(academy_admin)
    for viewset, instance in (
        ("competencies_org_unit", placement.unit),
        ("competencies_person", placement.person),
        ("competencies_placement", placement),
    ):
        response = client.get(reverse(f"{viewset}:edit", args=[instance.pk]))
        assert response.status_code == 200, viewset


def test_requirements_have_no_create_form_outside_the_grid():
    with pytest.raises(NoReverseMatch):
        reverse("competencies_requirement:add")


def test_academy_admin_opens_the_grid_and_the_import_page(
    client, academy_admin, framework_academy
):
    client.force_login(academy_admin)
    for url in (
        reverse("competencies_requirement_matrix", args=[framework_academy.pk]),
        reverse("competencies_requirement_matrix_index"),
        reverse("competencies_framework_import"),
    ):
        assert client.get(url).status_code == 200, url


def test_menu_shows_the_standards_group_to_an_academy_admin(client, academy_admin):
    client.force_login(academy_admin)
    response = client.get(reverse("wagtailadmin_home"))
    assert reverse("competencies_requirement_matrix_index") in response.text
    assert reverse("competencies_framework:index") in response.text


@pytest.mark.parametrize("role", [Role.LEARNER, Role.HR_OFFICER])
def test_learners_and_hr_officers_are_sent_to_the_admin_login(
    client, standards, role, framework_academy
):
    client.force_login(UserFactory(roles=[role]))
    for url in (
        reverse("competencies_framework:index"),
        reverse("competencies_framework:edit", args=[framework_academy.pk]),
        reverse("competencies_requirement_matrix", args=[framework_academy.pk]),
        reverse("competencies_framework_import"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        # Signed in without admin access: a clear page, never back to signing in
        # (allauth would send a signed-in person straight back: a loop).
        assert response.url.startswith(reverse("wagtailadmin_login"))
        denied = client.get(response.url)
        assert denied.status_code == 403
        assert b"/dashboard/" in denied.content


@pytest.fixture
def instructor_with_admin_access(standards):
    """Instructors author courses in the admin, so they reach it, but not standards.

    courses' migrations grant instructors admin access; it is granted here too so the
    test does not depend on them.
    """
    from django.contrib.auth.models import Permission

    user = UserFactory(roles=[Role.INSTRUCTOR])
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    return user


def test_instructor_with_admin_access_cannot_open_or_change_standards(
    client, instructor_with_admin_access, framework_academy
):
    client.force_login(instructor_with_admin_access)
    matrix_url = reverse("competencies_requirement_matrix", args=[framework_academy.pk])
    pages = [
        reverse("competencies_framework:index"),
        reverse("competencies_framework:edit", args=[framework_academy.pk]),
        reverse("competencies_competency:index"),
        reverse("competencies_evidence:add"),
        matrix_url,
        reverse("competencies_framework_import"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse("wagtailadmin_home"), url

    cell = (
        framework_academy.groups.first(),
        framework_academy.competencies.exclude(kind="area").first(),
    )
    response = client.post(
        matrix_url, {f"level-{cell[0].pk}-{cell[1].pk}": ""}, follow=False
    )
    assert response.status_code == 302
    assert Requirement.objects.filter(group=cell[0], competency=cell[1]).exists()

    response = client.post(
        reverse("competencies_framework:edit", args=[framework_academy.pk]),
        {"name_th": "ถูกแก้"},
    )
    framework_academy.refresh_from_db()
    assert framework_academy.name_th != "ถูกแก้"

    home = client.get(reverse("wagtailadmin_home"))
    assert reverse("competencies_framework:index") not in home.text
    assert reverse("competencies_requirement_matrix_index") not in home.text
