"""Writes for standards, people and evidence; each validates before saving, in one transaction."""

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from . import standards_data
from .attachments import (
    AttachmentRefused,
    AttachmentType,
    attachment_type,
    refusal_message,
)
from .models import (
    Competency,
    Evidence,
    EvidenceAttachment,
    Framework,
    GroupRule,
    LineOfWork,
    OrgUnit,
    Person,
    PersonnelGroup,
    Placement,
    PositionLevel,
    PositionType,
    ProficiencyLevel,
    ProficiencyScale,
    Requirement,
    StaffScheme,
)

# ------------------------------------------------------------------------------
# Loading the shipped standards
# ------------------------------------------------------------------------------

# Shipped records get identifiers derived from their codes, so every installation
# exports the same CASE identifiers and a re-import elsewhere updates, not copies.
STANDARDS_NAMESPACE = uuid.UUID("6f0f6b52-3f8e-5c2a-9a55-0a1c7d2b9e41")


def shipped_identifier(*parts: str) -> str:
    return str(uuid.uuid5(STANDARDS_NAMESPACE, "/".join(parts)))


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: str, kind: str) -> None:
        counter = getattr(self, bucket)
        counter[kind] = counter.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _upsert(model, report: LoadReport, *, lookup: dict, values: dict, force: bool):
    """Create a missing record; an existing one is only rewritten with force."""
    instance = model.objects.filter(**lookup).first()
    kind = model._meta.model_name
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        report.count("created", kind)
        return instance
    if force:
        changed = [
            name for name, value in values.items() if getattr(instance, name) != value
        ]
        if changed:
            for name in changed:
                setattr(instance, name, values[name])
            instance.full_clean()
            instance.save()
            report.count("updated", kind)
    return instance


def _load_position_structure(report: LoadReport, *, force: bool) -> StaffScheme:
    data = standards_data.read(standards_data.POSITION_STRUCTURE_FILE)
    scheme_data = data["scheme"]
    scheme = _upsert(
        StaffScheme,
        report,
        lookup={"code": scheme_data["code"]},
        values={"name_th": scheme_data["name_th"], "name_en": scheme_data["name_en"]},
        force=force,
    )
    for order, type_data in enumerate(data["position_types"], start=1):
        position_type = _upsert(
            PositionType,
            report,
            lookup={"scheme": scheme, "code": type_data["code"]},
            values={
                "name_th": type_data["name_th"],
                "name_en": type_data["name_en"],
                "sort_order": order,
                "source_note": data["source_note"],
            },
            force=force,
        )
        for rank, level_data in enumerate(type_data["levels"], start=1):
            _upsert(
                PositionLevel,
                report,
                lookup={"position_type": position_type, "code": level_data["code"]},
                values={
                    "name_th": level_data["name_th"],
                    "name_en": level_data["name_en"],
                    "rank": rank,
                    "source_note": data["source_note"],
                },
                force=force,
            )
    for line in data["lines_of_work"]:
        _upsert(
            LineOfWork,
            report,
            lookup={"scheme": scheme, "code": line["code"]},
            values={
                "name_th": line["name_th"],
                "name_en": line["name_en"],
                "category": line["category"],
                "source_note": line.get("source_note", ""),
            },
            force=force,
        )
    return scheme


def _load_scale(report: LoadReport, data: dict, *, force: bool) -> ProficiencyScale:
    scale = _upsert(
        ProficiencyScale,
        report,
        lookup={"code": data["code"]},
        values={
            "name_th": data["name_th"],
            "name_en": data["name_en"],
            "description": data.get("description", ""),
        },
        force=force,
    )
    for level in data["levels"]:
        _upsert(
            ProficiencyLevel,
            report,
            lookup={"scale": scale, "rank": level["rank"]},
            values={
                "code": level["code"],
                "name_th": level["name_th"],
                "name_en": level["name_en"],
                "descriptor_th": level.get("descriptor_th", ""),
                "descriptor_en": level.get("descriptor_en", ""),
                "is_proficient_threshold": bool(level.get("proficient", False)),
                "identifier": shipped_identifier(data["code"], str(level["rank"])),
            },
            force=force,
        )
    return scale


def _load_competencies(report, framework, items, *, parent, force, order_start=0):
    order = order_start
    for item in items:
        order += 1
        competency = _upsert(
            Competency,
            report,
            lookup={"framework": framework, "code": item["code"]},
            values={
                "parent": parent,
                "kind": item.get("kind")
                or (Competency.Kind.COMPETENCY if parent else Competency.Kind.AREA),
                "name_th": item["name_th"],
                "name_en": item.get("name_en", ""),
                "description_th": item.get("description_th", ""),
                "description_en": item.get("description_en", ""),
                "sort_order": order,
                "source_note": item.get("source_note", ""),
                "identifier": shipped_identifier(framework.code, item["code"]),
            },
            force=force,
        )
        order = _load_competencies(
            report,
            framework,
            item.get("children", []),
            parent=competency,
            force=force,
            order_start=order,
        )
    return order


def _load_framework(report, data, *, scheme: StaffScheme, force: bool) -> Framework:
    meta = data["framework"]
    scale = ProficiencyScale.objects.get(code=meta["scale"])
    framework = _upsert(
        Framework,
        report,
        lookup={"code": meta["code"], "version": meta["version"]},
        values={
            "name_th": meta["name_th"],
            "name_en": meta["name_en"],
            "description_th": meta.get("description_th", ""),
            "description_en": meta.get("description_en", ""),
            "status": meta.get("status", Framework.Status.DRAFT),
            "scale": scale,
            "publisher": meta.get("publisher", ""),
            "licence": meta.get("licence", ""),
            "adopted_on": date.fromisoformat(meta["adopted_on"])
            if meta.get("adopted_on")
            else None,
            "source_note": meta.get("source_note", ""),
            "identifier": shipped_identifier(meta["code"], meta["version"]),
        },
        force=force,
    )
    _load_competencies(
        report, framework, data["competencies"], parent=None, force=force
    )
    groups = {}
    for order, group in enumerate(data["groups"], start=1):
        groups[group["code"]] = _upsert(
            PersonnelGroup,
            report,
            lookup={"framework": framework, "code": group["code"]},
            values={
                "name_th": group["name_th"],
                "name_en": group["name_en"],
                "sort_order": order,
                "source_note": group.get("source_note", ""),
            },
            force=force,
        )
    _load_rules(
        report, framework, data["rules"], groups=groups, scheme=scheme, force=force
    )
    _load_requirements(
        report, framework, data["requirements"], groups=groups, force=force
    )
    return framework


def _load_rules(report, framework, rules, *, groups, scheme, force) -> None:
    for rule in rules:
        position_type = (
            PositionType.objects.get(scheme=scheme, code=rule["position_type"])
            if rule.get("position_type")
            else None
        )
        _upsert(
            GroupRule,
            report,
            lookup={"framework": framework, "priority": rule["priority"]},
            values={
                "group": groups[rule["group"]],
                "position_type": position_type,
                "position_level": None,
                "line_of_work": None,
                "line_of_work_category": rule.get("line_of_work_category", ""),
                "source_note": rule.get("source_note", ""),
            },
            force=force,
        )


def _load_requirements(report, framework, data, *, groups, force) -> None:
    levels = {level.rank: level for level in framework.scale.levels.all()}
    areas = {
        area.code: list(area.children.all())
        for area in framework.competencies.filter(parent__isnull=True)
    }
    existing = {
        (requirement.group_id, requirement.competency_id): requirement
        for requirement in Requirement.objects.filter(group__framework=framework)
    }
    for group_code, by_area in data["by_area"].items():
        group = groups[group_code]
        for area_code, (rank, is_core) in by_area.items():
            for competency in areas[area_code]:
                requirement = existing.get((group.pk, competency.pk))
                values = {
                    "required_level": levels[rank],
                    "is_core": is_core,
                    "source_note": data["source_note"],
                }
                if requirement is None:
                    requirement = Requirement(
                        group=group, competency=competency, **values
                    )
                    requirement.full_clean()
                    requirement.save()
                    report.count("created", "requirement")
                    continue
                if requirement.edited_by_admin and not force:
                    report.count("kept", "requirement")
                    continue
                changed = [
                    name
                    for name, value in values.items()
                    if getattr(requirement, name) != value
                ]
                if force and requirement.edited_by_admin:
                    requirement.edited_by_admin = False
                    changed.append("edited_by_admin")
                if changed:
                    for name in changed:
                        if name in values:
                            setattr(requirement, name, values[name])
                    requirement.save()
                    report.count("updated", "requirement")


@transaction.atomic
def standards_load(*, force: bool = False) -> LoadReport:
    """Load the position structure, the scale and both Thai frameworks; idempotent.

    Missing records are created. Existing records are administrators' to edit and are
    left alone, except requirements that no administrator has edited, which follow the
    shipped defaults. `force` resets everything to the shipped data.
    """
    report = LoadReport()
    scheme = _load_position_structure(report, force=force)
    for path in standards_data.SCALE_FILES:
        _load_scale(report, standards_data.read(path), force=force)
    for path in standards_data.FRAMEWORK_FILES:
        _load_framework(report, standards_data.read(path), scheme=scheme, force=force)
    return report


# ------------------------------------------------------------------------------
# Requirements edited by administrators
# ------------------------------------------------------------------------------


@transaction.atomic
def requirement_matrix_update(
    *, group: PersonnelGroup, cells: dict[int, tuple[ProficiencyLevel | None, bool]]
) -> int:
    """Save one group's row of the requirement matrix: competency id -> (level, core).

    A level of None removes the requirement. Returns the number of cells changed.
    """
    framework = group.framework
    competency_ids = set(framework.competencies.values_list("pk", flat=True))
    unknown = set(cells) - competency_ids
    if unknown:
        raise ValidationError(
            _("Competencies %(ids)s are not in the framework.")
            % {"ids": ", ".join(map(str, sorted(unknown)))}
        )
    existing = {r.competency_id: r for r in group.requirements.all()}
    changed = 0
    for competency_id, (level, is_core) in cells.items():
        requirement = existing.get(competency_id)
        if level is None:
            if requirement is not None:
                requirement.delete()
                changed += 1
            continue
        if level.scale_id != framework.scale_id:
            raise ValidationError(_("The level is not on the framework's scale."))
        if requirement is None:
            Requirement.objects.create(
                group=group,
                competency_id=competency_id,
                required_level=level,
                is_core=is_core,
                edited_by_admin=True,
            )
            changed += 1
        elif (
            requirement.required_level_id != level.pk or requirement.is_core != is_core
        ):
            requirement.required_level = level
            requirement.is_core = is_core
            requirement.edited_by_admin = True
            requirement.save()
            changed += 1
    return changed


# ------------------------------------------------------------------------------
# Organisation and people
# ------------------------------------------------------------------------------


@transaction.atomic
def org_unit_create(
    *, code: str, name_th: str, name_en: str = "", kind: str, parent: OrgUnit | None
) -> OrgUnit:
    unit = OrgUnit(code=code, name_th=name_th, name_en=name_en, kind=kind)
    unit.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return OrgUnit.add_root(instance=unit)
    return parent.add_child(instance=unit)


@transaction.atomic
def person_create(
    *,
    first_name_th: str,
    last_name_th: str,
    title_th: str = "",
    first_name_en: str = "",
    last_name_en: str = "",
    title_en: str = "",
    email: str = "",
    employee_number: str | None = None,
    user=None,
) -> Person:
    person = Person(
        first_name_th=first_name_th,
        last_name_th=last_name_th,
        title_th=title_th,
        first_name_en=first_name_en,
        last_name_en=last_name_en,
        title_en=title_en,
        email=email,
        employee_number=employee_number,
        user=user,
    )
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def placement_start(
    *,
    person: Person,
    unit: OrgUnit,
    position_type: PositionType,
    position_level: PositionLevel,
    line_of_work: LineOfWork,
    starts_on: date,
    supervisor: Person | None = None,
    position_title: str = "",
) -> Placement:
    """Place a person from a date; the placement in force before it ends the day before."""
    Person.objects.select_for_update().filter(pk=person.pk).first()
    later = person.placements.filter(starts_on__gte=starts_on)
    if later.exists():
        raise ValidationError(
            {
                "starts_on": _(
                    "The person already has a placement starting on or after it."
                )
            }
        )
    placement = Placement(
        person=person,
        unit=unit,
        position_type=position_type,
        position_level=position_level,
        line_of_work=line_of_work,
        supervisor=supervisor,
        position_title=position_title,
        starts_on=starts_on,
    )
    placement.full_clean()
    person.placements.filter(ends_on__isnull=True).update(
        ends_on=starts_on - timedelta(days=1)
    )
    person.placements.filter(ends_on__gte=starts_on).update(
        ends_on=starts_on - timedelta(days=1)
    )
    placement.save()
    return placement


# ------------------------------------------------------------------------------
# Evidence
# ------------------------------------------------------------------------------


@transaction.atomic
def evidence_record(
    *,
    person: Person,
    competency: Competency,
    level: ProficiencyLevel,
    source: str,
    observed_on: date,
    recorded_by=None,
    expires_on: date | None = None,
    reference: str = "",
    note: str = "",
    attachment: UploadedFile | None = None,
) -> Evidence:
    """Append one piece of evidence; nothing recorded is ever changed afterwards.

    An attachment (PDF, PNG or JPEG up to 5 MB, see attachments.py) is kept beside it
    as an EvidenceAttachment, in the same transaction.
    """
    if attachment is not None:
        attachment_kind = _attachment_check(attachment)
    evidence = Evidence(
        person=person,
        competency=competency,
        level=level,
        source=source,
        observed_on=observed_on,
        expires_on=expires_on,
        recorded_by=recorded_by,
        reference=reference,
        note=note,
    )
    evidence.full_clean()
    evidence.save()
    if attachment is not None:
        _attachment_save(evidence, attachment, attachment_kind)
    return evidence


def _attachment_check(upload: UploadedFile) -> AttachmentType:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    try:
        return attachment_type(name=upload.name or "", size=upload.size, head=head)
    except AttachmentRefused as refused:
        raise ValidationError({"attachment": refusal_message(refused)}) from refused


def _attachment_save(
    evidence: Evidence, upload: UploadedFile, kind: AttachmentType
) -> EvidenceAttachment:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    original_name = (upload.name or "attachment").rsplit("/", 1)[-1][:255]
    attachment = EvidenceAttachment(
        evidence=evidence,
        original_name=original_name,
        content_type=kind.content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
    )
    attachment.file.save(original_name, upload, save=False)
    attachment.save()
    return attachment


class PersonLinkMethod:
    """How an account came to be linked to a person record (audit detail)."""

    OFFICER = "officer"
    VERIFIED_EMAIL = "verified_email"
    CREATED = "created"


def _person_link_audit(
    *, person: Person, user, actor, method: str, request=None
) -> None:
    from academy.accounts.audit import AuditAction, audit_record

    audit_record(
        actor=actor,
        action=AuditAction.PERSON_LINK,
        obj=person,
        subject=person,
        request=request,
        detail={"user": user.pk, "method": method},
    )


@transaction.atomic
def person_link_user(*, person: Person, user, actor, request=None) -> Person:
    """Link an account to a person record on an HR officer's or administrator's word.

    The one way, besides a verified address (person_ensure_for_user), that an account
    comes to act as a civil servant: who may do it is `competencies.link_person`.
    """
    from academy.accounts.authz import can

    if not can(actor, "competencies.link_person", person):
        raise ValidationError(_("You may not link accounts to this person record."))
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id is not None:
        raise ValidationError(
            {"user": _("This person record is already linked to an account.")}
        )
    if Person.objects.filter(user=user).exists():
        raise ValidationError(
            {"user": _("This account is already linked to another person record.")}
        )
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    _person_link_audit(
        person=person,
        user=user,
        actor=actor,
        method=PersonLinkMethod.OFFICER,
        request=request,
    )
    return person


@transaction.atomic
def person_ensure_for_user(*, user) -> Person:
    """The person record of an account, linked or created on first need.

    An account already linked keeps its record, whatever its address becomes later.
    Otherwise it is linked to an unlinked record only through an address the account
    has verified, and only if exactly one record has it: an address merely typed in
    (the primary one included) proves nothing, and two records with one address are
    for HR to tell apart. Failing that the account gets a record of its own, which
    carries its address only if verified. Links and records made here are audited.
    """
    from academy.accounts.selectors import user_verified_emails

    person = Person.objects.filter(user=user).first()
    if person is not None:
        return person
    verified = user_verified_emails(user)
    if verified:
        matches = Q()
        for email in verified:
            matches |= Q(email__iexact=email)
        candidates = list(
            Person.objects.select_for_update().filter(matches, user__isnull=True)[:2]
        )
        if len(candidates) == 1:
            person = candidates[0]
            person.user = user
            person.save(update_fields=["user", "updated_at"])
            _person_link_audit(
                person=person,
                user=user,
                actor=None,
                method=PersonLinkMethod.VERIFIED_EMAIL,
            )
            return person
    person = person_create(
        first_name_th=user.first_name or user.email.split("@")[0],
        last_name_th=user.last_name or "-",
        email=user.email if user.email.lower() in verified else "",
        user=user,
    )
    _person_link_audit(
        person=person, user=user, actor=None, method=PersonLinkMethod.CREATED
    )
    return person


@transaction.atomic
def matrix_rollup_build(*, framework: Framework, on: date | None = None) -> int:
    """Rewrite `framework`'s matrix rollup for date `on` (today): one INSERT … SELECT
    per organisation root, from the same staff and attainment expressions as the live
    matrix. Returns the number of rows written. Readers see the old rollup until this
    transaction commits."""
    import time

    from django.db import connection
    from django.utils import timezone

    from .models import MatrixRollup, MatrixRollupRun, OrgUnit
    from .selectors import GAP_SQL, MEETS_SQL, matrix_ctes

    started = time.perf_counter()
    on = on or timezone.localdate()
    MatrixRollup.objects.filter(framework=framework).delete()

    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    columns = "framework_id, unit_id, unit_path, group_id, competency_id, staff, meeting, gap_sum"
    for root in OrgUnit.get_root_nodes():
        ctes, params = matrix_ctes(root.path, framework=framework, on=on)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {table(MatrixRollup)} ({columns})
                WITH {ctes}
                SELECT %s, s.unit_id, s.unit_path, s.group_id, r.competency_id,
                       COUNT(*), SUM({MEETS_SQL}), SUM({GAP_SQL})
                FROM staff s
                JOIN {table(Requirement)} r ON r.group_id = s.group_id
                JOIN {table(ProficiencyLevel)} rl ON rl.id = r.required_level_id
                LEFT JOIN attained a
                       ON a.person_id = s.person_id AND a.competency_id = r.competency_id
                GROUP BY s.unit_id, s.unit_path, s.group_id, r.competency_id
                """,  # noqa: S608 - table names and fixed SQL only
                [*params, framework.pk],
            )
    rows = MatrixRollup.objects.filter(framework=framework).count()
    MatrixRollupRun.objects.update_or_create(
        framework=framework,
        defaults={
            "built_for": on,
            "finished_at": timezone.now(),
            "rows": rows,
            "seconds": time.perf_counter() - started,
        },
    )
    return rows


def matrix_rollups_build(*, on: date | None = None) -> dict[str, int]:
    """Every active framework's rollup; for the nightly Celery task."""
    return {
        framework.code: matrix_rollup_build(framework=framework, on=on)
        for framework in Framework.objects.filter(status=Framework.Status.ACTIVE)
    }
