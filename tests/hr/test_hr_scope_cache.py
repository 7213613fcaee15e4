"""Officers' scopes are kept per process (competencies.hr.selectors.scope_units_cache)
and every change that could make a kept scope wrong is seen on the next request:
a scope granted or revoked (by the service, the command, a cascade), a unit moved,
renamed or deleted. The HR officer role itself is asked afresh on every request."""

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from academy.accounts.roles import Role
from competencies.hr.selectors import hr_access
from competencies.hr.services import hr_scope_assign
from competencies.models import HRScope, OrgUnit, Placement
from tests.factories import PlacementFactory, hr_officer, org_unit

pytestmark = pytest.mark.django_db


def _person_status(client, person) -> int:
    return client.get(reverse("hr:person", args=[person.pk])).status_code


def _fresh_access(user):
    """hr_access as a new request computes it (the request's user is a new object)."""
    user = type(user).objects.get(pk=user.pk)
    return hr_access(user)


def test_a_request_reads_the_scope_from_the_process(client, hr_world):
    client.force_login(hr_world.officer)
    url = reverse("hr:person", args=[hr_world.target.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert not [q for q in captured if "competencies_hrscope" in q["sql"]]


def test_a_granted_scope_is_seen_on_the_next_request(client, hr_world):
    outsider = PlacementFactory(unit=hr_world.other_department).person
    client.force_login(hr_world.officer)
    assert _person_status(client, outsider) == 404
    hr_scope_assign(user=hr_world.officer, unit=hr_world.other_department)
    assert _person_status(client, outsider) == 200


def test_a_scope_revoked_by_a_delete_is_seen_on_the_next_request(client, hr_world):
    client.force_login(hr_world.officer)
    assert _person_status(client, hr_world.target) == 200
    HRScope.objects.get(user=hr_world.officer, unit=hr_world.unit).delete()
    assert _person_status(client, hr_world.target) == 404


def test_a_scope_removed_by_the_command_is_seen_on_the_next_request(client, hr_world):
    client.force_login(hr_world.officer)
    assert _person_status(client, hr_world.target) == 200
    call_command(
        "hr_scope_assign", hr_world.officer.email, hr_world.unit.code, "--remove"
    )
    assert _person_status(client, hr_world.target) == 404


def test_a_scope_gone_with_its_unit_is_seen_on_the_next_request(hr_world):
    unit = org_unit("GONE", parent=hr_world.other_department)
    officer = hr_officer(unit)
    assert _fresh_access(officer).scope_paths == [unit.path]
    OrgUnit.objects.get(pk=unit.pk).delete()
    assert _fresh_access(officer).scope_paths == []


def test_a_moved_unit_is_seen_with_its_new_path(hr_world):
    """Treebeard rewrites paths with QuerySet updates (no model signal): a scope kept
    with the old path would cover whatever unit takes that path next."""
    assert _fresh_access(hr_world.officer).scope_paths == [hr_world.unit.path]
    old_path = hr_world.unit.path
    OrgUnit.objects.get(pk=hr_world.unit.pk).move(
        OrgUnit.objects.get(pk=hr_world.other_department.pk), pos="last-child"
    )
    new_path = OrgUnit.objects.get(pk=hr_world.unit.pk).path
    assert new_path != old_path
    assert _fresh_access(hr_world.officer).scope_paths == [new_path]


def test_a_moved_unit_takes_its_people_and_its_officer_along(client, hr_world):
    client.force_login(hr_world.parent_officer)
    assert _person_status(client, hr_world.target) == 200
    OrgUnit.objects.get(pk=hr_world.unit.pk).move(
        OrgUnit.objects.get(pk=hr_world.other_department.pk), pos="last-child"
    )
    assert _person_status(client, hr_world.target) == 404
    client.force_login(hr_world.officer)
    assert _person_status(client, hr_world.target) == 200


def test_a_renamed_unit_is_shown_with_its_new_name(client, hr_world):
    client.force_login(hr_world.officer)
    client.get(reverse("hr:home"))
    unit = OrgUnit.objects.get(pk=hr_world.unit.pk)
    unit.name_th = "กองที่เปลี่ยนชื่อแล้ว"
    unit.save()
    assert _fresh_access(hr_world.officer).scope_units[0].name_th == unit.name_th


def test_a_scope_without_the_role_grants_nothing_at_once(client, hr_world):
    client.force_login(hr_world.officer)
    assert _person_status(client, hr_world.target) == 200
    hr_world.officer.groups.remove(Group.objects.get(name=Role.HR_OFFICER.value))
    assert _person_status(client, hr_world.target) == 404


def test_a_page_marking_its_scope_units_leaves_the_kept_ones_alone(hr_world):
    first = _fresh_access(hr_world.officer).scope_units[0]
    first.trail = "set by one request"
    assert not hasattr(_fresh_access(hr_world.officer).scope_units[0], "trail")


def test_the_person_page_asks_once_whether_the_person_is_in_scope(client, hr_world):
    """The page and its sections (results, supervisor invitation) share the answer."""
    client.force_login(hr_world.officer)
    url = reverse("hr:person", args=[hr_world.target.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    # The page reads the person through their placements, with the answer; a
    # section asking again would read the person (person_get_for_hr).
    pk = hr_world.target.pk
    asked = [
        q["sql"]
        for q in captured
        if f'"competencies_person"."id" = {pk}' in q["sql"]
        or f'"competencies_placement"."person_id" = {pk}' in q["sql"]
    ]
    assert len(asked) == 1
    assert "EXISTS" in asked[0]


def test_the_answer_is_not_kept_beyond_the_request(client, hr_world):
    client.force_login(hr_world.officer)
    assert _person_status(client, hr_world.target) == 200
    Placement.objects.filter(person=hr_world.target).update(
        unit=hr_world.other_department
    )
    assert _person_status(client, hr_world.target) == 404
