"""The one way to write the audit log: who did what to whose record, from where.

Callers pass the objects; this module decides what is kept. Detail must never carry a
national ID or other identifiers beyond ids: it is shown to administrators as is, so
any national ID that slips in (a search typed into a filter that is recorded) is
masked here, whoever the caller.
"""

from django.db import models
from django.utils import timezone

from .logging import redact_national_ids_in
from .models import AuditEntry


class AuditAction:
    """The action codes: one per kind of event, shown and filtered in the admin."""

    PERSON_VIEW = "person.view"
    PERSON_ANONYMISE = "person.anonymise"
    PERSON_LINK = "person.link"
    EVIDENCE_RECORD = "evidence.record"
    EVIDENCE_ATTACHMENT_DOWNLOAD = "evidence.attachment.download"
    STAFF_IMPORT_PLAN = "staff_import.plan"
    STAFF_IMPORT_APPLY = "staff_import.apply"
    EXPORT = "export"
    PERSONAL_DATA_EXPORT = "personal_data.export"
    PRIVACY_NOTICE_ACCEPT = "privacy_notice.accept"
    ROLE_GRANT = "role.grant"
    ROLE_REVOKE = "role.revoke"
    HR_SCOPE_GRANT = "hr_scope.grant"
    HR_SCOPE_REVOKE = "hr_scope.revoke"
    CERTIFICATE_REVOKE = "certificate.revoke"
    CERTIFICATE_VIEW = "certificate.view"
    CERTIFICATE_BUNDLE_DOWNLOAD = "certificate_bundle.download"
    RESULTS_VIEW = "results.view"
    MFA_ENROL = "mfa.enrol"
    MFA_REMOVE = "mfa.remove"
    MFA_ENROLMENT_CODE_SEND = "mfa.enrolment_code.send"
    MFA_ENROLMENT_TOKEN_ISSUE = "mfa.enrolment_token.issue"  # noqa: S105 - a code
    MFA_ENROLMENT_CHECK = "mfa.enrolment.check"
    IDENTITY_LINK = "identity.link"
    IDENTITY_UNLINK = "identity.unlink"
    IDENTITY_REFUSED = "identity.refused"


def current_request():
    """The request being served (allauth's middleware keeps it), or None: for
    receivers of model signals, which are not handed one."""
    from allauth.core import context

    return context.request


def current_actor(request):
    """The signed-in user of `request`, or None (a shell, a command, a task)."""
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def client_ip(request) -> str | None:
    """The client's address, as the rate limits see it (trusted proxies honoured)."""
    from academy.core.ratelimit import client_address

    return client_address(request)


def _subject_id(subject) -> int | None:
    if subject is None:
        return None
    if isinstance(subject, models.Model):
        return subject.pk
    return int(subject)


def audit_entry(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    subject=None,
    request=None,
    detail: dict | None = None,
) -> AuditEntry:
    """One entry, not yet written (audit_record writes it; audit_record_all writes
    several in one INSERT)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry(
        actor=actor,
        actor_label=getattr(actor, "email", "") if actor is not None else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        subject_person_id=_subject_id(subject),
        ip=client_ip(request),
        detail=redact_national_ids_in(detail or {}),
    )


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    subject=None,
    request=None,
    detail: dict | None = None,
) -> AuditEntry:
    """Append one entry. `subject` is the Person (or its id) whose data was touched."""
    entry = audit_entry(
        actor=actor,
        action=action,
        obj=obj,
        subject=subject,
        request=request,
        detail=detail,
    )
    entry.save()
    return entry


def audit_record_all(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Append the entries of one request (built with audit_entry) in one INSERT."""
    return AuditEntry.objects.bulk_create(entries) if entries else []


def audit_views_once_a_day(
    *,
    actor,
    action: str,
    subjects: dict[int, dict],
    obj: models.Model | None = None,
    request=None,
) -> list[AuditEntry]:
    """Record that `actor` read the data of each person in `subjects` (person id ->
    detail), once a day: an entry for each person not yet recorded today (Bangkok
    time) under `action` for this actor, all in one INSERT.

    For pages that list many people's personal data and are opened again and again
    (the HR certificates list): the trail of who read whose record is kept, one entry
    a person a day, each under its subject so that it appears in that person's own
    record of access (academy.accounts.privacy), and a page read again the same day
    costs one indexed read (audit_actor) instead of a write. Two first readings at
    the same instant may both write: the log may say it twice, never not at all."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if not subjects:
        return []
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    recorded = set(
        AuditEntry.objects.filter(
            actor=actor,
            action=action,
            at__gte=today,
            subject_person_id__in=list(subjects),
        ).values_list("subject_person_id", flat=True)
    )
    return audit_record_all(
        [
            audit_entry(
                actor=actor,
                action=action,
                obj=obj,
                subject=person_id,
                request=request,
                detail=detail,
            )
            for person_id, detail in subjects.items()
            if person_id not in recorded
        ]
    )
