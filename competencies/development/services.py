"""Writes of development records: a learner submits, an HR officer decides.

Every decision is audited; a rating against a competency becomes ordinary Evidence
through competencies.services.evidence_record, so it is verified evidence like any
other officer's rating and the attained level follows the documented rule.
"""

import hashlib
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.accounts.audit import audit_record
from academy.accounts.authz import can
from competencies.attachments import (
    AttachmentRefused,
    attachment_type,
    refusal_message,
)
from competencies.models import (
    Competency,
    DevelopmentRecord,
    Evidence,
    Person,
    ProficiencyLevel,
)
from competencies.services import evidence_record

AUDIT_SUBMIT = "development_record.submit"
AUDIT_APPROVE = "development_record.approve"
AUDIT_REJECT = "development_record.reject"


def _evidence_file_keep(record: DevelopmentRecord, upload: UploadedFile) -> None:
    """Check the file as evidence attachments are checked (PDF, PNG or JPEG up to
    5 MB, type read from its bytes) and set it on the unsaved record."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    try:
        kind = attachment_type(name=upload.name or "", size=upload.size, head=head)
    except AttachmentRefused as refused:
        raise ValidationError({"evidence_file": refusal_message(refused)}) from refused
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    record.evidence_name = (upload.name or "evidence").rsplit("/", 1)[-1][:255]
    record.evidence_content_type = kind.content_type
    record.evidence_size = upload.size
    record.evidence_sha256 = digest.hexdigest()
    record.evidence_file.save(record.evidence_name, upload, save=False)


@transaction.atomic
def development_record_submit(
    *,
    person: Person,
    actor,
    kind: str,
    title: str,
    provider: str,
    starts_on: date,
    ends_on: date,
    hours: Decimal,
    evidence_file: UploadedFile | None = None,
    request=None,
) -> DevelopmentRecord:
    """A learner's own record, awaiting an HR officer's decision."""
    if person.user_id is None or person.user_id != actor.pk:
        raise ValidationError(
            _("You can submit development records only for yourself.")
        )
    record = DevelopmentRecord(
        person=person,
        kind=kind,
        title=title.strip(),
        provider=provider.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        hours=hours,
        submitted_by=actor,
    )
    record.full_clean(exclude=["evidence_file"])
    if evidence_file is not None:
        _evidence_file_keep(record, evidence_file)
    record.save()
    audit_record(
        actor=actor,
        action=AUDIT_SUBMIT,
        obj=record,
        subject=person,
        request=request,
        detail={"kind": kind, "hours": str(hours), "file": evidence_file is not None},
    )
    return record


def _lock_submitted(record: DevelopmentRecord, actor) -> DevelopmentRecord:
    if not can(actor, "development.decide", record):
        raise ValidationError(
            _(
                "You may not decide this record: only an HR officer of the person's "
                "unit may, and never on their own record."
            )
        )
    record = DevelopmentRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != DevelopmentRecord.Status.SUBMITTED:
        raise ValidationError(_("This record has already been decided."))
    return record


@transaction.atomic
def development_record_approve(
    *,
    record: DevelopmentRecord,
    actor,
    competency: Competency | None = None,
    level: ProficiencyLevel | None = None,
    request=None,
) -> DevelopmentRecord:
    """Approve: the hours count from now on. With a competency and a level, the
    officer's rating is recorded as evidence (recognition of learning done elsewhere,
    observed on the record's last day)."""
    record = _lock_submitted(record, actor)
    if (competency is None) != (level is None):
        raise ValidationError(
            {"level": _("Choose both a competency and a level, or neither.")}
        )
    evidence = None
    if competency is not None:
        evidence = evidence_record(
            person=record.person,
            competency=competency,
            level=level,
            source=Evidence.Source.PRIOR_LEARNING,
            observed_on=record.ends_on,
            recorded_by=actor,
            reference=f"development:{record.pk}",
            note=record.title[:200],
        )
    record.status = DevelopmentRecord.Status.APPROVED
    record.decided_by = actor
    record.decided_at = timezone.now()
    record.competency_evidence = evidence
    record.full_clean(exclude=["evidence_file"])
    record.save(
        update_fields=["status", "decided_by", "decided_at", "competency_evidence"]
    )
    audit_record(
        actor=actor,
        action=AUDIT_APPROVE,
        obj=record,
        subject=record.person_id,
        request=request,
        detail={
            "hours": str(record.hours),
            "competency": competency.code if competency else None,
            "level": level.rank if level else None,
        },
    )
    return record


@transaction.atomic
def development_record_reject(
    *, record: DevelopmentRecord, actor, reason: str, request=None
) -> DevelopmentRecord:
    """Reject with a reason the learner reads; the hours never count."""
    record = _lock_submitted(record, actor)
    record.status = DevelopmentRecord.Status.REJECTED
    record.rejection_reason = reason.strip()
    record.decided_by = actor
    record.decided_at = timezone.now()
    record.full_clean(exclude=["evidence_file"])
    record.save(
        update_fields=["status", "rejection_reason", "decided_by", "decided_at"]
    )
    audit_record(
        actor=actor,
        action=AUDIT_REJECT,
        obj=record,
        subject=record.person_id,
        request=request,
    )
    return record
