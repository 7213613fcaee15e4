"""HR scope grants and revokes leave a trace, wherever they are made."""

from django.core.management import call_command
from django.test import RequestFactory

import pytest
from allauth.core import context

from academy.accounts.audit import AuditAction
from academy.accounts.models import AuditEntry
from competencies.hr.services import hr_scope_assign
from competencies.models import HRScope
from tests.factories import UserFactory, hr_officer, org_unit

pytestmark = pytest.mark.django_db


def _entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def test_a_grant_names_the_officer_and_the_unit_once():
    unit = org_unit("SA1", kind="ministry")
    officer = hr_officer(unit)
    hr_scope_assign(user=officer, unit=unit)  # already held: nothing new

    [entry] = _entries(AuditAction.HR_SCOPE_GRANT)
    scope = HRScope.objects.get(user=officer, unit=unit)
    assert (entry.object_type, entry.object_id) == (
        "competencies.hrscope",
        str(scope.pk),
    )
    assert entry.detail == {"officer": officer.pk, "unit": unit.pk, "unit_code": "SA1"}
    assert entry.actor is None  # no request: a command or a shell


def test_the_signed_in_user_of_the_request_is_the_actor():
    unit = org_unit("SA2", kind="ministry")
    administrator = UserFactory(email="admin@example.go.th")
    request = RequestFactory().get("/admin/")
    request.user = administrator
    with context.request_context(request):
        hr_officer(unit)
    [entry] = _entries(AuditAction.HR_SCOPE_GRANT)
    assert entry.actor == administrator


def test_the_command_revokes_with_a_trace(capsys):
    unit = org_unit("SA3", kind="ministry")
    officer = hr_officer(unit, email="officer@example.go.th")
    call_command("hr_scope_assign", "officer@example.go.th", "SA3", "--remove")

    [entry] = _entries(AuditAction.HR_SCOPE_REVOKE)
    assert entry.detail == {"officer": officer.pk, "unit": unit.pk, "unit_code": "SA3"}
    assert not HRScope.objects.exists()


def test_bulk_deletes_and_cascades_record_each_scope():
    first = org_unit("SA4", kind="ministry")
    second = org_unit("SA5", kind="ministry")
    officer = hr_officer(first, second)
    other = hr_officer(second)

    HRScope.objects.filter(user=officer).delete()
    assert sorted(e.detail["unit"] for e in _entries(AuditAction.HR_SCOPE_REVOKE)) == [
        first.pk,
        second.pk,
    ]

    second.delete()  # the unit goes: its remaining scope with it
    last = _entries(AuditAction.HR_SCOPE_REVOKE)[-1]
    assert last.detail == {"officer": other.pk, "unit": second.pk, "unit_code": "SA5"}
    assert len(_entries(AuditAction.HR_SCOPE_REVOKE)) == 3
