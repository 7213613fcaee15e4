"""The audit log is append-only and records who, what, whose and from where."""

import pytest

from academy.accounts.audit import AuditAction, audit_record
from academy.accounts.models import AppendOnlyAuditError, AuditEntry
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_audit_entry_records_actor_object_subject_and_address(rf):
    actor = UserFactory(email="hr@example.go.th")
    person = PersonFactory()
    request = rf.get("/hr/", REMOTE_ADDR="10.1.2.3")
    entry = audit_record(
        actor=actor,
        action=AuditAction.PERSON_VIEW,
        obj=person,
        subject=person,
        request=request,
        detail={"read_only": False},
    )
    entry.refresh_from_db()
    assert entry.actor == actor and entry.actor_label == "hr@example.go.th"
    assert (entry.object_type, entry.object_id) == (
        "competencies.person",
        str(person.pk),
    )
    assert entry.subject_person_id == person.pk
    assert entry.ip == "10.1.2.3"
    assert entry.detail == {"read_only": False}


def test_audit_entries_cannot_be_changed_or_deleted():
    entry = audit_record(actor=None, action=AuditAction.EXPORT)
    entry.action = "changed"
    with pytest.raises(AppendOnlyAuditError):
        entry.save()
    with pytest.raises(AppendOnlyAuditError):
        entry.delete()
    with pytest.raises(AppendOnlyAuditError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="changed")
    with pytest.raises(AppendOnlyAuditError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == AuditAction.EXPORT


def test_the_actor_is_still_named_after_the_account_is_removed():
    actor = UserFactory(email="gone@example.go.th")
    entry = audit_record(actor=actor, action=AuditAction.EXPORT)
    actor.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor is None and entry.actor_label == "gone@example.go.th"
