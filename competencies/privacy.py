"""What competencies holds about a person, for their download and for retention.

See academy/accounts/privacy.py. Anonymising keeps the person's row, placements and
evidence (the statistics: who in which unit at which level had which competency),
and removes what names them: names, email, employee number, the national ID's digest
and masked form, free-text notes and attached files.
"""

from datetime import date

from django.db import models
from django.db.models import Exists, OuterRef

from academy.accounts.audit import AuditAction
from academy.accounts.models import AuditEntry
from academy.accounts.privacy import (
    DataSubject,
    anonymiser,
    export_section,
    leavers_source,
    person_resolver,
)
from competencies.models import Evidence, EvidenceAttachment, Person, Placement
from competencies.signals import people_changed_in_bulk

ANONYMISED_NAME = "ไม่ระบุตัวตน"  # "anonymised", stored data rather than UI text


@person_resolver
def person_of_user(user) -> int | None:
    return Person.objects.filter(user=user).values_list("pk", flat=True).first()


@export_section("person")
def person_section(subject: DataSubject) -> dict | None:
    if subject.person_id is None:
        return None
    person = Person.objects.get(pk=subject.person_id)
    return {
        "employee_number": person.employee_number,
        "title_th": person.title_th,
        "first_name_th": person.first_name_th,
        "last_name_th": person.last_name_th,
        "title_en": person.title_en,
        "first_name_en": person.first_name_en,
        "last_name_en": person.last_name_en,
        "email": person.email,
        "national_id": person.national_id_masked,
        "left_on": person.left_on.isoformat() if person.left_on else None,
    }


@export_section("placements")
def placements_section(subject: DataSubject) -> list[dict]:
    if subject.person_id is None:
        return []
    placements = (
        Placement.objects.filter(person_id=subject.person_id)
        .select_related(
            "unit", "position_type", "position_level", "line_of_work", "supervisor"
        )
        .order_by("starts_on", "pk")
    )
    return [
        {
            "unit_code": placement.unit.code,
            "unit": placement.unit.name_th,
            "position_type": placement.position_type.code,
            "position_level": placement.position_level.code,
            "line_of_work": placement.line_of_work.code,
            "position_title": placement.position_title,
            "supervisor": placement.supervisor.full_name_th
            if placement.supervisor
            else None,
            "from": placement.starts_on.isoformat(),
            "to": placement.ends_on.isoformat() if placement.ends_on else None,
        }
        for placement in placements
    ]


@export_section("evidence")
def evidence_section(subject: DataSubject) -> list[dict]:
    if subject.person_id is None:
        return []
    evidence = (
        Evidence.objects.filter(person_id=subject.person_id)
        .select_related("competency__framework", "level", "attachment")
        .order_by("observed_on", "pk")
    )
    rows = []
    for item in evidence:
        attachment = getattr(item, "attachment", None)
        rows.append(
            {
                "framework": item.competency.framework.code,
                "competency": item.competency.code,
                "level": item.level.rank,
                "source": item.source,
                "observed_on": item.observed_on.isoformat(),
                "expires_on": item.expires_on.isoformat() if item.expires_on else None,
                "reference": item.reference,
                "note": item.note,
                "attachment": attachment.original_name if attachment else None,
                "recorded_at": item.created_at.isoformat(),
            }
        )
    return rows


@leavers_source
def people_who_left(cutoff: date):
    """People who left on or before `cutoff` and whose anonymisation is not recorded."""
    anonymised = AuditEntry.objects.filter(
        action=AuditAction.PERSON_ANONYMISE, subject_person_id=OuterRef("pk")
    )
    people = (
        Person.objects.filter(left_on__isnull=False, left_on__lte=cutoff)
        .exclude(Exists(anonymised))
        .select_related("user")
        .order_by("pk")
    )
    return [DataSubject(user=person.user, person_id=person.pk) for person in people]


@anonymiser
def anonymise_person(subject: DataSubject) -> None:
    if subject.person_id is None:
        return
    Person.objects.filter(pk=subject.person_id).update(
        employee_number=None,
        title_th="",
        first_name_th=ANONYMISED_NAME,
        last_name_th=f"#{subject.person_id}",
        title_en="",
        first_name_en="",
        last_name_en="",
        email="",
        national_id_digest=None,
        national_id_masked="",
    )
    Placement.objects.filter(person_id=subject.person_id).update(position_title="")
    # Evidence and its attachments are append-only for everyone else; erasing the
    # free text and the files that may name the person is the one exception the
    # PDPA requires, so it goes through the base QuerySet, on purpose.
    evidence = Evidence.objects.filter(person_id=subject.person_id)
    models.QuerySet.update(evidence.exclude(note=""), note="")
    attachments = EvidenceAttachment.objects.filter(
        evidence__person_id=subject.person_id
    )
    for attachment in attachments:
        attachment.file.delete(save=False)
    models.QuerySet.update(attachments, file="", original_name="")
    people_changed_in_bulk.send(sender=Person, person_ids=[subject.person_id])
