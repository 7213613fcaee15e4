"""The audit log: role changes recorded, and read-only in the admin for administrators."""

import pytest

from academy.accounts.audit import AuditAction, audit_record
from academy.accounts.models import AuditEntry
from academy.accounts.roles import Role
from academy.accounts.services import user_grant_roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_granting_and_revoking_a_role_is_audited_with_the_actor(client):
    from django.contrib.auth.models import Group

    user = UserFactory()
    user_grant_roles(user=user, roles=(Role.HR_OFFICER,))
    grant = AuditEntry.objects.get(
        action=AuditAction.ROLE_GRANT, object_id=str(user.pk)
    )
    assert grant.detail == {"role": "hr_officer"}
    assert grant.object_type == "accounts.user"

    user.groups.remove(Group.objects.get(name="hr_officer"))
    assert AuditEntry.objects.filter(
        action=AuditAction.ROLE_REVOKE,
        object_id=str(user.pk),
        detail__role="hr_officer",
    ).exists()

    Group.objects.get(name="instructor").user_set.add(user)
    user.groups.clear()
    revokes = AuditEntry.objects.filter(
        action=AuditAction.ROLE_REVOKE, object_id=str(user.pk)
    )
    assert {entry.detail["role"] for entry in revokes} == {"hr_officer", "instructor"}


def test_a_role_change_in_the_admin_names_the_administrator(client):
    from django.contrib.auth.models import Group

    admin = UserFactory(is_superuser=True, is_staff=True)
    user = UserFactory()
    client.force_login(admin)
    response = client.post(
        f"/admin/users/edit/{user.pk}/",
        {
            "email": user.email,
            "first_name": "A",
            "last_name": "B",
            "is_active": "on",
            "groups": [Group.objects.get(name="instructor").pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    entry = AuditEntry.objects.get(
        action=AuditAction.ROLE_GRANT, object_id=str(user.pk)
    )
    assert entry.actor == admin
    assert entry.detail == {"role": "instructor"}


@pytest.fixture
def entry():
    return audit_record(
        actor=UserFactory(email="officer@example.go.th"),
        action=AuditAction.PERSON_VIEW,
        subject=42,
        detail={"read_only": True},
    )


def test_administrators_search_the_audit_log(client, entry):
    audit_record(actor=None, action=AuditAction.EXPORT, detail={})
    client.force_login(UserFactory(roles=[Role.ACADEMY_ADMIN], is_staff=True))
    response = client.get("/admin/audit-log/?q=officer@example")
    assert response.status_code == 200
    assert b"officer@example.go.th" in response.content
    assert response.context["object_list"].count() == 1
    inspect = client.get(f"/admin/audit-log/inspect/{entry.pk}/")
    assert inspect.status_code == 200
    assert b"person.view" in inspect.content


def test_the_audit_log_has_no_add_edit_or_delete(client, entry):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for path in (
        "/admin/audit-log/add/",
        f"/admin/audit-log/edit/{entry.pk}/",
        f"/admin/audit-log/delete/{entry.pk}/",
    ):
        assert client.get(path).status_code == 404
        assert client.post(path, {"action": "x"}).status_code == 404
    entry.refresh_from_db()
    assert entry.action == AuditAction.PERSON_VIEW


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.HR_OFFICER, Role.LEARNER])
def test_other_roles_cannot_read_the_audit_log(client, entry, role):
    client.force_login(UserFactory(roles=[role], is_staff=role == Role.INSTRUCTOR))
    response = client.get("/admin/audit-log/")
    assert response.status_code in (302, 403)
    assert b"officer@example.go.th" not in response.content


def test_certificate_revocation_is_audited():
    from certificates.services import certificate_revoke
    from tests.certificates.certificate_helpers import issue
    from tests.factories import PersonFactory, course

    user = UserFactory()
    PersonFactory(user=user)
    certificate = issue(user, course("หลักสูตรเพิกถอน"))
    admin = UserFactory(roles=[Role.ACADEMY_ADMIN])
    certificate_revoke(certificate=certificate, reason="ทุจริต", revoked_by=admin)
    entry = AuditEntry.objects.get(action=AuditAction.CERTIFICATE_REVOKE)
    assert entry.actor == admin
    assert entry.object_id == str(certificate.pk)
    assert entry.detail == {"number": certificate.number}
