"""The authorisation rules: roles plus object scope, asked in one way."""

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404

import pytest

from academy.accounts import authz
from academy.accounts.roles import Role
from tests.factories import (
    PersonFactory,
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
        "hr.download_attachment",
        "courses.author_course",
        "courses.view_attempt",
        "certificates.download",
        "certificates.revoke",
    } <= actions


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


def test_learners_see_their_own_record_only():
    user = UserFactory()
    assert authz.can(user, "competencies.view_own_record", PersonFactory(user=user))
    assert not authz.can(user, "competencies.view_own_record", PersonFactory())


def test_instructors_author_their_own_courses_only():
    from tests.factories import course

    author = UserFactory(roles=[Role.INSTRUCTOR], is_staff=True)
    other = UserFactory(roles=[Role.INSTRUCTOR], is_staff=True)
    page = course("หลักสูตรของฉัน", owner=author)
    assert authz.can(author, "courses.author_course", page)
    assert authz.can(author, "courses.view_course_results", page)
    assert not authz.can(other, "courses.author_course", page)
    assert authz.can(
        UserFactory(roles=[Role.ACADEMY_ADMIN]), "courses.author_course", page
    )


def test_certificates_belong_to_their_holder():
    from types import SimpleNamespace

    holder = UserFactory()
    certificate = SimpleNamespace(user_id=holder.pk)
    assert authz.can(holder, "certificates.download", certificate)
    assert not authz.can(UserFactory(), "certificates.download", certificate)
    assert not authz.can(holder, "certificates.revoke", certificate)
    with pytest.raises(PermissionDenied):
        authz.require(holder, "certificates.revoke", certificate, hide=False)


def test_the_hr_workspace_asks_authz(client):
    client.force_login(UserFactory(roles=[Role.LEARNER]))
    assert client.get("/hr/").status_code == 404
