"""The authorisation rules: roles plus object scope, asked in one way."""

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404

import pytest

from academy.accounts import authz
from academy.accounts.roles import Role
from tests.factories import (
    PlacementFactory,
    UserFactory,
    hr_officer,
    org_unit,
)

pytestmark = pytest.mark.django_db


def test_unknown_actions_are_a_programming_error():
    with pytest.raises(ImproperlyConfigured):
        authz.can(UserFactory(), "no.such_action")


def test_every_app_registers_its_rules():
    actions = set(authz.actions())
    assert {
        "accounts.view_audit_log",
        "hr.view_person",
        "hr.hold_scope",
        "courses.author_all",
        "courses.create_course_from_package",
        "courses.view_course_results",
        "certificates.download",
        "certificates.download_bundle",
        "core.view_operations",
        "core.offer_hr_workspace",
        "assignments.change",
    } <= actions


def test_rules_nothing_asks_are_gone():
    actions = set(authz.actions())
    for gone in (
        "accounts.manage_roles",
        "certificates.manage_keys",
        "certificates.revoke",
        "competencies.manage_standards",
        "competencies.view_own_record",
        "courses.author_course",
        "courses.view_attempt",
        "courses.view_enrolment",
        "hr.download_attachment",
    ):
        assert gone not in actions


def test_anonymous_and_inactive_users_may_do_nothing():
    from django.contrib.auth.models import AnonymousUser

    inactive = UserFactory(is_superuser=True, is_active=False)
    for action in authz.actions():
        assert not authz.can(AnonymousUser(), action)
        assert not authz.can(inactive, action)


def test_hr_officers_see_people_in_their_subtree_only(standards):
    ministry = org_unit("AZ1", kind="ministry")
    inside = org_unit("AZ1-1", parent=ministry)
    elsewhere = org_unit("AZ2", kind="ministry")
    officer = hr_officer(inside)
    mine = PlacementFactory(unit=inside).person
    theirs = PlacementFactory(unit=elsewhere).person
    assert authz.can(officer, "hr.view_person", mine)
    assert authz.can(officer, "hr.change_person", mine)
    assert not authz.can(officer, "hr.view_person", theirs)
    assert not authz.can(UserFactory(roles=[Role.LEARNER]), "hr.view_person", mine)
    with pytest.raises(Http404):
        authz.require(officer, "hr.view_person", theirs)


def test_officers_invite_supervisors_of_their_unit_never_themselves(standards):
    unit = org_unit("AZ3", kind="ministry")
    officer = hr_officer(unit)
    staff = PlacementFactory(unit=unit).person
    own = PlacementFactory(unit=unit, person__user=officer).person
    assert authz.can(officer, "plans.invite_supervisor", staff)
    assert not authz.can(officer, "plans.invite_supervisor", own)
    assert not authz.can(hr_officer(org_unit("AZ4")), "plans.invite_supervisor", staff)


def test_hr_scopes_count_only_for_holders_of_the_role():
    assert authz.can(UserFactory(roles=[Role.HR_OFFICER]), "hr.hold_scope")
    assert not authz.can(UserFactory(roles=[Role.INSTRUCTOR]), "hr.hold_scope")


def test_administrators_author_everything_instructors_their_own():
    assert authz.can(UserFactory(roles=[Role.ACADEMY_ADMIN]), "courses.author_all")
    assert authz.can(UserFactory(is_superuser=True), "courses.author_all")
    assert not authz.can(UserFactory(roles=[Role.INSTRUCTOR]), "courses.author_all")


def test_the_menu_offers_workspaces_by_rule():
    learner = UserFactory(roles=[Role.LEARNER])
    instructor = UserFactory(roles=[Role.INSTRUCTOR])
    officer = UserFactory(roles=[Role.HR_OFFICER])
    assert not authz.can(learner, "core.offer_hr_workspace")
    assert not authz.can(learner, "core.offer_admin")
    assert authz.can(instructor, "core.offer_admin")
    assert not authz.can(instructor, "core.offer_hr_workspace")
    assert authz.can(officer, "core.offer_hr_workspace")
    assert not authz.can(officer, "core.offer_admin")


def test_instructors_author_their_own_courses_only():
    from tests.factories import course

    author = UserFactory(roles=[Role.INSTRUCTOR], is_staff=True)
    other = UserFactory(roles=[Role.INSTRUCTOR], is_staff=True)
    page = course("หลักสูตรของฉัน", owner=author)
    assert authz.can(author, "courses.view_course_results", page)
    assert not authz.can(other, "courses.view_course_results", page)
    assert authz.can(
        UserFactory(roles=[Role.ACADEMY_ADMIN]), "courses.view_course_results", page
    )


def test_certificates_belong_to_their_holder():
    from types import SimpleNamespace

    holder = UserFactory()
    certificate = SimpleNamespace(user_id=holder.pk)
    assert authz.can(holder, "certificates.download", certificate)
    assert not authz.can(UserFactory(), "certificates.download", certificate)
    with pytest.raises(PermissionDenied):
        authz.require(UserFactory(), "certificates.download", certificate, hide=False)
    with pytest.raises(Http404):
        authz.require(UserFactory(), "certificates.download", certificate)


def test_the_hr_workspace_asks_authz(client):
    client.force_login(UserFactory(roles=[Role.LEARNER]))
    assert client.get("/hr/").status_code == 404
