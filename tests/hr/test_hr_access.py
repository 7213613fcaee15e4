"""Who gets what in the HR workspace: every page, export and download × every role.

200: shown; 302: done and sent on (only the import's apply); 404: outside the scope
(never 403, which would confirm the thing exists); "login": sent to sign in.
"""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from academy.accounts.roles import Role
from competencies.hr import selectors
from competencies.models import HRScope, Placement
from competencies.services import placement_start
from hr.staff_import.services import staff_import_start
from tests.factories import (
    STAFF_CSV_HEADER,
    PlacementFactory,
    UserFactory,
    org_unit,
    staff_csv_line,
)

pytestmark = pytest.mark.django_db

ROLES = ("officer", "sibling", "parent", "supervisor", "learner", "anonymous")


def _users(world):
    return {
        "officer": world.officer,
        "sibling": world.sibling_officer,
        "parent": world.parent_officer,
        "supervisor": world.supervisor_user,
        "learner": world.learner_user,
        "anonymous": None,
    }


def _outcome(client, user, method, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url)
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    if response.streaming:
        b"".join(response.streaming_content)  # the client closes it once consumed
    return response.status_code


def _job(world):
    data = (STAFF_CSV_HEADER + staff_csv_line(1)).encode()
    upload = SimpleUploadedFile("staff.csv", data, "text/csv")
    return staff_import_start(user=world.officer, upload=upload)


OFFICERS_ONLY = {
    "officer": 200,
    "sibling": 200,
    "parent": 200,
    "supervisor": 404,
    "learner": 404,
    "anonymous": "login",
}
OFFICERS_OF_V1 = {
    "officer": 200,
    "sibling": 404,
    "parent": 200,
    "supervisor": 404,
    "learner": 404,
    "anonymous": "login",
}
CASES = {
    "home": (
        "get",
        lambda w, j: reverse("hr:home"),
        dict(OFFICERS_ONLY, supervisor=200),
    ),
    "directory": ("get", lambda w, j: reverse("hr:directory"), OFFICERS_ONLY),
    "directory csv": (
        "get",
        lambda w, j: reverse("hr:directory_export", args=["csv"]),
        OFFICERS_ONLY,
    ),
    "directory xlsx": (
        "get",
        lambda w, j: reverse("hr:directory_export", args=["xlsx"]),
        OFFICERS_ONLY,
    ),
    "person": (
        "get",
        lambda w, j: reverse("hr:person", args=[w.target.pk]),
        dict(OFFICERS_OF_V1, supervisor=200),
    ),
    "person evidence csv": (
        "get",
        lambda w, j: reverse("hr:person_evidence_export", args=[w.target.pk, "csv"]),
        OFFICERS_OF_V1,
    ),
    "person evidence xlsx": (
        "get",
        lambda w, j: reverse("hr:person_evidence_export", args=[w.target.pk, "xlsx"]),
        OFFICERS_OF_V1,
    ),
    "evidence form": (
        "get",
        lambda w, j: reverse("hr:evidence_new", args=[w.target.pk]),
        OFFICERS_OF_V1,
    ),
    "attachment download": (
        "get",
        lambda w, j: reverse("hr:attachment", args=[w.attachment.pk]),
        OFFICERS_OF_V1,
    ),
    "team": (
        "get",
        lambda w, j: reverse("hr:team"),
        {
            "officer": 404,
            "sibling": 404,
            "parent": 404,
            "supervisor": 200,
            "learner": 404,
            "anonymous": "login",
        },
    ),
    "heat map of V1": (
        "get",
        lambda w, j: reverse("hr:heatmap") + f"?node={w.unit.pk}",
        OFFICERS_OF_V1,
    ),
    "heat map default": ("get", lambda w, j: reverse("hr:heatmap"), OFFICERS_ONLY),
    "heat map csv of V1": (
        "get",
        lambda w, j: reverse("hr:heatmap_export", args=["csv"]) + f"?node={w.unit.pk}",
        OFFICERS_OF_V1,
    ),
    "heat map xlsx of V1": (
        "get",
        lambda w, j: reverse("hr:heatmap_export", args=["xlsx"]) + f"?node={w.unit.pk}",
        OFFICERS_OF_V1,
    ),
    "import": ("get", lambda w, j: reverse("hr:import"), OFFICERS_ONLY),
    "import job (the V1 officer's)": (
        "get",
        lambda w, j: reverse("hr:import_job", args=[j.pk]),
        {
            "officer": 200,
            "sibling": 404,
            "parent": 404,
            "supervisor": 404,
            "learner": 404,
            "anonymous": "login",
        },
    ),
    "import apply (the V1 officer's)": (
        "post",
        lambda w, j: reverse("hr:import_apply", args=[j.pk]),
        {
            "officer": 302,
            "sibling": 404,
            "parent": 404,
            "supervisor": 404,
            "learner": 404,
            "anonymous": "login",
        },
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_access_matrix(client, hr_world, case):
    method, url_of, expected = CASES[case]
    job = _job(hr_world)
    url = url_of(hr_world, job)
    users = _users(hr_world)
    # The apply changes the job; run the owner last so the others see it unapplied.
    order = sorted(ROLES, key=lambda role: role == "officer")
    actual = {role: _outcome(client, users[role], method, url) for role in order}
    assert actual == expected


def test_unknown_formats_and_ids_are_404(client, hr_world):
    client.force_login(hr_world.officer)
    assert client.get(reverse("hr:directory_export", args=["pdf"])).status_code == 404
    assert client.get(reverse("hr:person", args=[999999])).status_code == 404
    assert client.get(reverse("hr:heatmap") + "?node=999999").status_code == 404


def test_directory_lists_exactly_the_scope(client, hr_world):
    names = {}
    for role, user in (
        ("officer", hr_world.officer),
        ("sibling", hr_world.sibling_officer),
        ("parent", hr_world.parent_officer),
    ):
        client.force_login(user)
        response = client.get(reverse("hr:directory"))
        names[role] = {
            placement.person.employee_number
            for placement in response.context["page"].object_list
        }
    assert "T0001" in names["officer"] and "S0001" not in names["officer"]
    assert names["sibling"] == set()
    assert {"T0001", "S0001"} <= names["parent"]


def test_directory_refuses_a_unit_filter_outside_the_scope(client, hr_world):
    client.force_login(hr_world.sibling_officer)
    response = client.get(reverse("hr:directory"), {"unit": hr_world.unit.pk})
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert response.context["page"].paginator.count == 0


def test_a_role_without_scope_and_a_scope_without_role_see_nothing(client, hr_world):
    role_only = UserFactory(roles=[Role.HR_OFFICER])
    scope_only = UserFactory()
    HRScope.objects.create(user=scope_only, unit=hr_world.ministry)
    for user in (role_only, scope_only):
        client.force_login(user)
        assert client.get(reverse("hr:directory")).status_code == 404
        assert (
            client.get(reverse("hr:person", args=[hr_world.target.pk])).status_code
            == 404
        )


def test_someone_who_moved_out_is_no_longer_visible(client, hr_world):
    placement = Placement.objects.get(person=hr_world.target)
    placement_start(
        person=hr_world.target,
        unit=hr_world.other_department,
        position_type=placement.position_type,
        position_level=placement.position_level,
        line_of_work=placement.line_of_work,
        starts_on=date(2025, 10, 1),
    )
    client.force_login(hr_world.officer)
    assert (
        client.get(reverse("hr:person", args=[hr_world.target.pk])).status_code == 404
    )


def test_someone_who_left_is_visible_to_no_one(client, hr_world):
    hr_world.target.left_on = date(2026, 1, 31)
    hr_world.target.save()
    for user in (hr_world.officer, hr_world.supervisor_user):
        client.force_login(user)
        url = reverse("hr:person", args=[hr_world.target.pk])
        assert client.get(url).status_code == 404


def test_supervisor_chain_reaches_indirect_reports_in_one_query(
    hr_world, django_assert_num_queries
):
    """chief ▸ target ▸ r1 ▸ r2 ▸ r3, and a cycle r3 ▸ chief that must not loop."""
    unit = org_unit("V9", parent=hr_world.department)
    chain = [hr_world.target]
    for _ in range(3):
        chain.append(PlacementFactory(unit=unit, supervisor=chain[-1]).person)
    Placement.objects.filter(person=hr_world.supervisor).update(supervisor=chain[-1])
    PlacementFactory(unit=unit)  # someone else's report
    with django_assert_num_queries(1):
        reports = selectors.reports_of(hr_world.supervisor.pk)
    assert reports == {person.pk for person in chain}
    assert selectors.reports_of(chain[1].pk) == {
        chain[2].pk,
        chain[3].pk,
        hr_world.supervisor.pk,
        hr_world.target.pk,
    } - {chain[1].pk}


def test_supervisor_sees_the_profile_read_only(client, hr_world):
    client.force_login(hr_world.supervisor_user)
    response = client.get(reverse("hr:person", args=[hr_world.target.pk]))
    assert response.context["page"].read_only
    html = response.content.decode()
    assert reverse("hr:evidence_new", args=[hr_world.target.pk]) not in html
    assert reverse("hr:attachment", args=[hr_world.attachment.pk]) not in html
    team = client.get(reverse("hr:team"))
    assert [p.person_id for p in team.context["page"].object_list] == [
        hr_world.target.pk
    ]


def test_supervisors_do_not_see_the_national_id_or_email(client, hr_world):
    client.force_login(hr_world.supervisor_user)
    html = client.get(reverse("hr:person", args=[hr_world.target.pk])).content.decode()
    assert "1-1017-xxxxx-xx-8" not in html
    assert hr_world.target.email not in html


def test_the_command_makes_an_hr_officer_of_a_unit(client, hr_world):
    from django.core.management import call_command

    user = UserFactory(email="new-hr@example.go.th")
    call_command("hr_scope_assign", "new-hr@example.go.th", "V1")
    client.force_login(user)
    assert (
        client.get(reverse("hr:person", args=[hr_world.target.pk])).status_code == 200
    )
    call_command("hr_scope_assign", "new-hr@example.go.th", "V1", "--remove")
    assert (
        client.get(reverse("hr:person", args=[hr_world.target.pk])).status_code == 404
    )
