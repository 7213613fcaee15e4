"""Personal data under Thailand's PDPA: the privacy notice, the data export, anonymisation.

Each app knows its own personal data; accounts knows none of the domain apps. So an
app declares, in a `privacy.py` module of its own (found when Django starts, see
apps.py), what it holds about a person and how to anonymise it:

- `@export_section("name")`: a function of a `DataSubject` returning JSON-ready data,
  written under "name" in the person's download;
- `@anonymiser`: a function of a `DataSubject` that removes what identifies them
  while keeping what statistics and certificate verification need;
- `@leavers_source`: a function giving the `DataSubject`s who left the service before
  a date and are not anonymised yet (the people records live in competencies);
- `@person_resolver`: the id of the person record linked to an account, if any.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .audit import AuditAction, audit_record, client_ip
from .models import AuditEntry, PrivacyNoticeAcceptance

EXPORT_FORMAT_VERSION = 1


@dataclass(frozen=True)
class DataSubject:
    """A person whose data is exported or anonymised: their account, their record, or both."""

    user: object | None
    person_id: int | None


_export_sections: dict[str, Callable[[DataSubject], object]] = {}
_anonymisers: list[Callable[[DataSubject], None]] = []
_leavers_sources: list[Callable[[date], Iterable[DataSubject]]] = []
_person_resolvers: list[Callable[[object], int | None]] = []


def export_section(name: str):
    def register(function):
        _export_sections[name] = function
        return function

    return register


def anonymiser(function):
    _anonymisers.append(function)
    return function


def leavers_source(function):
    _leavers_sources.append(function)
    return function


def person_resolver(function):
    _person_resolvers.append(function)
    return function


def export_section_names() -> list[str]:
    return sorted(_export_sections)


def subject_for_user(user) -> DataSubject:
    person_id = None
    for resolve in _person_resolvers:
        person_id = resolve(user)
        if person_id is not None:
            break
    return DataSubject(user=user, person_id=person_id)


# ------------------------------------------------------------------------------
# The privacy notice
# ------------------------------------------------------------------------------


def privacy_notice_accepted(*, user, version: str) -> bool:
    return PrivacyNoticeAcceptance.objects.filter(user=user, version=version).exists()


@transaction.atomic
def privacy_notice_accept(
    *, user, version: str, request=None
) -> PrivacyNoticeAcceptance:
    """Record that `user` accepted `version`; accepting twice keeps the first time."""
    acceptance, created = PrivacyNoticeAcceptance.objects.get_or_create(
        user=user, version=version, defaults={"ip": client_ip(request)}
    )
    if created:
        audit_record(
            actor=user,
            action=AuditAction.PRIVACY_NOTICE_ACCEPT,
            obj=acceptance,
            subject=subject_for_user(user).person_id,
            request=request,
            detail={"version": version},
        )
    return acceptance


# ------------------------------------------------------------------------------
# The person's download
# ------------------------------------------------------------------------------


def personal_data_export(*, user, request=None) -> dict:
    """Everything the Academy holds about `user`, as one JSON-ready document.

    The export itself is audited before the entries are read, so the download
    lists its own making.
    """
    subject = subject_for_user(user)
    audit_record(
        actor=user,
        action=AuditAction.PERSONAL_DATA_EXPORT,
        obj=user,
        subject=subject.person_id,
        request=request,
    )
    document = {
        "format": "academy-personal-data",
        "format_version": EXPORT_FORMAT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "privacy_notice_version": settings.ACADEMY_PRIVACY_NOTICE_VERSION,
    }
    for name in export_section_names():
        document[name] = _export_sections[name](subject)
    return document


@export_section("account")
def _account_section(subject: DataSubject) -> dict:
    user = subject.user
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_language": user.preferred_language,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "two_step_verification": sorted(
            user.authenticator_set.values_list("type", flat=True)
        ),
    }


@export_section("privacy_notice_acceptances")
def _acceptances_section(subject: DataSubject) -> list[dict]:
    return [
        {"version": row.version, "accepted_at": row.accepted_at.isoformat()}
        for row in subject.user.privacy_acceptances.order_by("accepted_at")
    ]


@export_section("sessions")
def _sessions_section(subject: DataSubject) -> list[dict]:
    from allauth.usersessions.models import UserSession

    return [
        {
            "ip": row.ip,
            "user_agent": row.user_agent,
            "created_at": row.created_at.isoformat(),
            "last_seen_at": row.last_seen_at.isoformat() if row.last_seen_at else None,
        }
        for row in UserSession.objects.filter(user=subject.user).order_by("created_at")
    ]


def audit_entries_about(subject: DataSubject):
    """Entries about the person's record, or about their account itself."""
    from django.db.models import Q

    about = Q(
        object_type=subject.user._meta.label_lower, object_id=str(subject.user.pk)
    )
    if subject.person_id is not None:
        about |= Q(subject_person_id=subject.person_id)
    return AuditEntry.objects.filter(about).order_by("at", "pk")


@export_section("audit_entries")
def _audit_section(subject: DataSubject) -> list[dict]:
    return [
        {
            "at": entry.at.isoformat(),
            "actor": entry.actor_label,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
        }
        for entry in audit_entries_about(subject)
    ]


# ------------------------------------------------------------------------------
# Retention
# ------------------------------------------------------------------------------


def retention_cutoff(today: date | None = None) -> date:
    from datetime import timedelta

    today = today or timezone.localdate()
    return today - timedelta(days=settings.ACADEMY_RETENTION_DAYS)


def leavers_due(*, today: date | None = None) -> list[DataSubject]:
    cutoff = retention_cutoff(today)
    due: list[DataSubject] = []
    for source in _leavers_sources:
        due.extend(source(cutoff))
    return due


@transaction.atomic
def subject_anonymise(*, subject: DataSubject) -> None:
    """Run every app's anonymiser for one person, all or nothing, and audit it."""
    for anonymise in _anonymisers:
        anonymise(subject)
    audit_record(
        actor=None,
        action=AuditAction.PERSON_ANONYMISE,
        obj=subject.user,
        subject=subject.person_id,
        detail={"retention_days": settings.ACADEMY_RETENTION_DAYS},
    )


def retention_run(*, today: date | None = None) -> int:
    """Anonymise everyone whose retention period has passed; returns how many."""
    subjects = leavers_due(today=today)
    for subject in subjects:
        subject_anonymise(subject=subject)
    return len(subjects)


@anonymiser
def _anonymise_account(subject: DataSubject) -> None:
    """The account can no longer sign in and no longer names the person.

    Its primary key stays, so enrolments, attempts and completions still count in
    statistics; allauth's addresses, authenticators and sessions go.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    user = subject.user
    if user is None:
        return
    for session in UserSession.objects.filter(user=user):
        session.end()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.groups.clear()
    user.email = f"anonymised-{user.pk}@invalid.invalid"
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.anonymised_at = timezone.now()
    user.save()
