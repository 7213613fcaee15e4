"""Evidence, people, placements and organisation units in the admin."""

from datetime import date

from django.urls import NoReverseMatch, reverse

import pytest

from academy.accounts.roles import Role
from competencies.group_permissions import grant_standards_permissions
from competencies.models import (
    AppendOnlyError,
    Evidence,
    OrgUnit,
    Person,
    Placement,
)
from competencies.services import evidence_record
from tests.factories import (
    PlacementFactory,
    UserFactory,
    competency,
    level,
    org_unit,
    position,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def academy_admin(standards):
    grant_standards_permissions()
    return UserFactory(roles=[Role.ACADEMY_ADMIN])


@pytest.fixture
def admin_client(client, academy_admin):
    # Messages are asserted in English; Thai is what users see by default.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(academy_admin)
    return client


@pytest.fixture
def ministry(standards):
    return org_unit("M01", kind="ministry")


@pytest.fixture
def placement(ministry):
    return PlacementFactory(unit=ministry)


@pytest.fixture
def evidence(placement, framework_academy):
    return evidence_record(
        person=placement.person,
        competency=competency(framework_academy, "ACD-LIT-01"),
        level=level(framework_academy, 2),
        source=Evidence.Source.MANUAL_RATING,
        observed_on=date(2026, 1, 15),
    )


def test_evidence_has_no_edit_or_delete_url():
    for view_name in ("edit", "delete", "history", "usage"):
        with pytest.raises(NoReverseMatch):
            reverse(f"competencies_evidence:{view_name}", args=[1])
    assert reverse("competencies_evidence:inspect", args=[1])


def test_evidence_listing_offers_no_edit_or_delete(admin_client, evidence):
    response = admin_client.get(reverse("competencies_evidence:index"))
    assert response.status_code == 200
    assert reverse("competencies_evidence:inspect", args=[evidence.pk]) in response.text
    assert "/competencies/evidence/edit/" not in response.text
    assert "/competencies/evidence/delete/" not in response.text


def test_evidence_page_shows_the_record_read_only(admin_client, evidence):
    response = admin_client.get(
        reverse("competencies_evidence:inspect", args=[evidence.pk])
    )
    assert response.status_code == 200
    assert "<form" not in response.text.split('id="main"')[-1].split("</main>")[0]


def test_evidence_created_in_the_admin_is_recorded_by_the_signed_in_user(
    admin_client, academy_admin, placement, framework_academy
):
    target = competency(framework_academy, "ACD-DATA-01")
    response = admin_client.post(
        reverse("competencies_evidence:add"),
        {
            "person": placement.person.pk,
            "competency": target.pk,
            "level": level(framework_academy, 3).pk,
            "source": Evidence.Source.PRIOR_LEARNING,
            "observed_on": "2026-02-01",
            "reference": "rpl:42",
            "note": "Certificate checked.",
        },
    )
    assert response.status_code == 302
    recorded = Evidence.objects.get(person=placement.person, competency=target)
    assert recorded.recorded_by == academy_admin
    assert recorded.level.rank == 3
    with pytest.raises(AppendOnlyError):
        recorded.save()


def test_evidence_with_a_level_of_another_scale_is_refused(
    admin_client, placement, framework_academy
):
    from competencies.models import ProficiencyLevel, ProficiencyScale

    other = ProficiencyScale.objects.create(code="other", name_th="อื่น")
    foreign = ProficiencyLevel.objects.create(
        scale=other, rank=1, code="one", name_th="หนึ่ง"
    )
    response = admin_client.post(
        reverse("competencies_evidence:add"),
        {
            "person": placement.person.pk,
            "competency": competency(framework_academy, "ACD-DATA-01").pk,
            "level": foreign.pk,
            "source": Evidence.Source.MANUAL_RATING,
            "observed_on": "2026-02-01",
        },
    )
    assert response.status_code == 200
    assert "level" in response.context["form"].errors
    assert not Evidence.objects.exists()


def test_org_unit_is_created_under_its_parent_through_the_tree(admin_client, ministry):
    response = admin_client.post(
        reverse("competencies_org_unit:add"),
        {
            "parent": ministry.pk,
            "code": "D01",
            "kind": OrgUnit.Kind.DEPARTMENT,
            "name_th": "กรมทดสอบ",
            "name_en": "Test department",
        },
    )
    assert response.status_code == 302
    department = OrgUnit.objects.get(code="D01")
    assert department.get_parent() == ministry
    assert department.depth == 2


def test_people_added_without_an_employee_number_do_not_clash(admin_client):
    """A blank employee number is stored as none, so the unique column takes any
    number of people who have none."""
    for first_name in ("สมชาย", "สมหญิง"):
        response = admin_client.post(
            reverse("competencies_person:add"),
            {
                "employee_number": "",
                "first_name_th": first_name,
                "last_name_th": "ใจดี",
                "email": "",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    people = Person.objects.filter(last_name_th="ใจดี")
    assert people.count() == 2
    assert {person.employee_number for person in people} == {None}


def test_org_unit_with_placements_is_not_deleted(admin_client, placement):
    unit = placement.unit
    response = admin_client.post(
        reverse("competencies_org_unit:delete", args=[unit.pk])
    )
    assert response.status_code == 302
    assert OrgUnit.objects.filter(pk=unit.pk).exists()


def test_person_with_evidence_is_not_deleted(admin_client, evidence):
    person = evidence.person
    response = admin_client.post(
        reverse("competencies_person:delete", args=[person.pk]), follow=True
    )
    assert person.__class__.objects.filter(pk=person.pk).exists()
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert "evidence is never deleted" in response.text


def test_framework_with_evidence_is_not_deleted(admin_client, evidence):
    framework = evidence.competency.framework
    admin_client.post(reverse("competencies_framework:delete", args=[framework.pk]))
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    framework.refresh_from_db()


def test_new_placement_ends_the_previous_one(admin_client, placement, ministry):
    position_type, position_level = position("knowledge", "professional")
    response = admin_client.post(
        reverse("competencies_placement:add"),
        {
            "person": placement.person.pk,
            "unit": ministry.pk,
            "position_type": position_type.pk,
            "position_level": position_level.pk,
            "line_of_work": placement.line_of_work.pk,
            "starts_on": "2024-10-01",
        },
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.ends_on == date(2024, 9, 30)
    assert Placement.objects.filter(person=placement.person).count() == 2


def test_placement_before_a_later_one_is_refused_on_the_field(
    admin_client, placement, ministry
):
    response = admin_client.post(
        reverse("competencies_placement:add"),
        {
            "person": placement.person.pk,
            "unit": ministry.pk,
            "position_type": placement.position_type.pk,
            "position_level": placement.position_level.pk,
            "line_of_work": placement.line_of_work.pk,
            "starts_on": "2019-01-01",
        },
    )
    assert response.status_code == 200
    assert "starts_on" in response.context["form"].errors
    assert Placement.objects.filter(person=placement.person).count() == 1


def test_placement_form_chooses_people_and_units_in_a_modal_not_a_select(
    admin_client, placement
):
    response = admin_client.get(reverse("competencies_placement:add"))
    assert response.status_code == 200
    assert reverse("competencies_person_chooser:choose") in response.text
    assert reverse("competencies_org_unit_chooser:choose") in response.text
    for field in ("person", "supervisor", "unit"):
        assert f'<select name="{field}"' not in response.text
    assert placement.person.full_name not in response.text


def test_person_chooser_searches_by_employee_number(admin_client, placement):
    from tests.factories import PersonFactory

    other = PersonFactory()
    response = admin_client.get(
        reverse("competencies_person_chooser:choose_results"),
        {"q": placement.person.employee_number},
    )
    assert response.status_code == 200
    assert placement.person.full_name in response.text
    assert other.full_name not in response.text


@pytest.mark.parametrize("term", ["D77", "กองค้นหา", "search division"])
def test_org_unit_chooser_searches_code_and_both_names_as_the_listing_does(
    admin_client, ministry, term
):
    wanted = org_unit("D77", parent=ministry, name="กองค้นหา")
    wanted.name_en = "Search Division"
    wanted.save(update_fields=["name_en"])
    for url in (
        reverse("competencies_org_unit_chooser:choose_results"),
        reverse("competencies_org_unit:index"),
    ):
        response = admin_client.get(url, {"q": term})
        assert response.status_code == 200
        assert "Search Division" in response.text  # names show in English here
        assert ministry.name_en not in response.text


def test_person_chooser_is_refused_to_users_without_people_permissions(
    client, placement
):
    from django.contrib.auth.models import Permission

    instructor = UserFactory(roles=[Role.INSTRUCTOR])
    instructor.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    client.force_login(instructor)
    response = client.get(reverse("competencies_person_chooser:choose"))
    assert response.status_code == 302
    assert placement.person.full_name not in response.text
