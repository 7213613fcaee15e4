"""Writes for standards, people and evidence; each validates before saving, in one transaction."""

import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _

from . import standards_data, xapi_events
from .attachments import (
    AttachmentRefused,
    AttachmentType,
    attachment_type,
    refusal_message,
)
from .models import (
    CIVIL_SERVICE,
    Competency,
    Evidence,
    EvidenceAttachment,
    Framework,
    GroupRule,
    LineOfWork,
    OptionalChoice,
    OrgUnit,
    Person,
    PersonnelGroup,
    Placement,
    PositionLevel,
    PositionType,
    ProficiencyLevel,
    ProficiencyScale,
    Provenance,
    Requirement,
    SchemeCoverage,
    StaffScheme,
)
from .rollups import (  # noqa: F401 - the matrix's services, also reached from here
    matrix_maintenance_paused,
    matrix_rollup_build,
    matrix_rollups_build,
)
from .signals import competency_scale_changed

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
    #: Competencies moved or recoded by the alias map: "old -> new".
    moved: list[str] = field(default_factory=list)
    #: Requirements whose meaning changed (level, required/optional, removed, added
    #: where a moved competency had others), one readable line each.
    meaning_changed: list[str] = field(default_factory=list)
    #: Evidence appended on a new scale for evidence recorded on an old one.
    evidence_converted: int = 0

    def count(self, bucket: str, kind: str) -> None:
        counter = getattr(self, bucket)
        counter[kind] = counter.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.updated
            or self.moved
            or self.meaning_changed
            or self.evidence_converted
        )


def _provenance(data: dict | None) -> dict:
    """A shipped record's provenance as model field values; "to confirm" is said in
    the note too, where the admin listings look for it."""
    data = data or {}
    status = data.get("status", Provenance.TO_CONFIRM)
    note = data.get("note", "")
    if status == Provenance.TO_CONFIRM and "to confirm" not in note.lower():
        note = f"To confirm. {note}".strip()
    return {
        "provenance": status,
        "source_url": data.get("source_url", ""),
        "source_revision": data.get("revision", ""),
        "source_note": note,
    }


def _upsert(model, report: LoadReport, *, lookup: dict, values: dict, force: bool):
    """Create a missing record; an existing one is only rewritten with force, or when
    it was loaded before records carried their provenance (provenance "")."""
    instance = model.objects.filter(**lookup).first()
    kind = model._meta.model_name
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        report.count("created", kind)
        return instance
    if force or getattr(instance, "provenance", None) == "":
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
    types, levels = {}, {}
    for order, type_data in enumerate(data["position_types"], start=1):
        position_type = _upsert(
            PositionType,
            report,
            lookup={"scheme": scheme, "code": type_data["code"]},
            values={
                "name_th": type_data["name_th"],
                "name_en": type_data["name_en"],
                "sort_order": order,
                **_provenance(type_data.get("provenance")),
            },
            force=force,
        )
        types[type_data["code"]] = position_type
        for rank, level_data in enumerate(type_data["levels"], start=1):
            levels[level_data["code"]] = _upsert(
                PositionLevel,
                report,
                lookup={"position_type": position_type, "code": level_data["code"]},
                values={
                    "name_th": level_data["name_th"],
                    "name_en": level_data["name_en"],
                    "rank": rank,
                    **_provenance(level_data.get("provenance")),
                },
                force=force,
            )
    _recode_lines_of_work(report, scheme, data)
    for line in data["lines_of_work"]:
        values = {
            "name_th": line["name_th"],
            "name_en": line["name_en"],
            "category": line["category"],
            "position_type": types.get(line.get("position_type")),
            "level_min": levels.get(line.get("level_min")),
            "level_max": levels.get(line.get("level_max")),
            **_provenance(line.get("provenance")),
        }
        if line["code"]:
            lookup = {"scheme": scheme, "code": line["code"]}
        else:
            lookup = {"scheme": scheme, "name_th": values.pop("name_th")}
            values["code"] = ""
        _upsert(LineOfWork, report, lookup=lookup, values=values, force=force)
    return scheme


def _load_other_schemes(report: LoadReport, *, force: bool) -> None:
    """พนักงานราชการ, ลูกจ้างประจำ: their groups of work as position types, each with
    the Academy's placeholder level (a placement needs one)."""
    data = standards_data.read(standards_data.STAFF_SCHEMES_FILE)
    placeholder = data["placeholder_level"]
    for scheme_data in data["schemes"]:
        scheme = _upsert(
            StaffScheme,
            report,
            lookup={"code": scheme_data["code"]},
            values={
                "name_th": scheme_data["name_th"],
                "name_en": scheme_data["name_en"],
            },
            force=force,
        )
        for order, type_data in enumerate(scheme_data["position_types"], start=1):
            position_type = _upsert(
                PositionType,
                report,
                lookup={"scheme": scheme, "code": type_data["code"]},
                values={
                    "name_th": type_data["name_th"],
                    "name_en": type_data["name_en"],
                    "sort_order": order,
                    **_provenance(
                        type_data.get("provenance")
                        or scheme_data["position_types_provenance"]
                    ),
                },
                force=force,
            )
            _upsert(
                PositionLevel,
                report,
                lookup={
                    "position_type": position_type,
                    "code": placeholder["code_suffix"],
                },
                values={
                    "name_th": placeholder["name_th"],
                    "name_en": placeholder["name_en"],
                    "rank": 1,
                    **_provenance(placeholder.get("provenance")),
                },
                force=force,
            )


def _load_coverage(report, framework, coverage: list[dict], *, force) -> None:
    for item in coverage:
        _upsert(
            SchemeCoverage,
            report,
            lookup={
                "framework": framework,
                "scheme": StaffScheme.objects.get(code=item["scheme"]),
            },
            values={
                "covered": item["covered"],
                **_provenance(item.get("provenance")),
            },
            force=force,
        )


def _recode_lines_of_work(report: LoadReport, scheme: StaffScheme, data: dict) -> None:
    """Lines shipped earlier under invented codes take their published code, or none;
    their placements follow, being the same rows. Codes can swap (the old 3-1-0016 is
    not the real 3-1-0016), so every line is found before any is recoded."""
    names = {line["code"]: line["name_th"] for line in data["lines_of_work"]}
    found = []
    for alias in data.get("line_of_work_aliases", {}).get("codes", []):
        line = LineOfWork.objects.filter(
            scheme=scheme, code=alias["from"], provenance=""
        ).first()
        if line is not None:
            found.append((line, alias))
    for line, _alias in found:
        line.code = ""
        line.save(update_fields=["code"])
    for line, alias in found:
        line.code = alias["to"]
        if alias["to"]:
            line.name_th = names.get(alias["to"], line.name_th)
        line.save(update_fields=["code", "name_th"])
        report.moved.append(
            f"line of work {alias['from']} {line.name_th} -> {alias['to'] or '(no code)'}"
        )


def _load_scale(report: LoadReport, data: dict, *, force: bool) -> ProficiencyScale:
    scale = _upsert(
        ProficiencyScale,
        report,
        lookup={"code": data["code"]},
        values={
            "name_th": data["name_th"],
            "name_en": data["name_en"],
            "kind": data.get("kind", ProficiencyScale.Kind.LEVELLED),
            "is_academy_own": bool(data.get("is_academy_own", False)),
            "description": data.get("description", ""),
            **_provenance(data.get("provenance")),
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
                "area_is_inferred": bool(item.get("area_is_inferred", False)),
                "identifier": shipped_identifier(framework.code, item["code"]),
                **_provenance(item.get("provenance")),
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


def _load_framework_record(report, data, *, force: bool) -> Framework:
    meta = data["framework"]
    scale = ProficiencyScale.objects.get(code=meta["scale"])
    return _upsert(
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
            "identifier": shipped_identifier(meta["code"], meta["version"]),
            "display_order": meta.get("display_order", 100),
            **_provenance(meta.get("provenance")),
        },
        force=force,
    )


def _load_framework(report, data, framework, *, scheme: StaffScheme, force: bool):
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
                "description": group.get("description", ""),
                "sort_order": order,
                **_provenance(group.get("provenance")),
            },
            force=force,
        )
    _load_rules(
        report, framework, data["rules"], groups=groups, scheme=scheme, force=force
    )
    _load_requirements(
        report, framework, data["requirements"], groups=groups, force=force
    )
    _load_coverage(report, framework, data.get("schemes", []), force=force)
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
                "designations": rule.get("designations", []),
                **_provenance({"status": "to_confirm", "note": rule.get("note", "")}),
            },
            force=force,
        )


def _requirement_cells(framework, data) -> dict[tuple[str, str], dict]:
    """(group code, competency code) -> {level rank, applicability, provenance}: from
    explicit cells, or from per-area defaults applied to every competency of an area."""
    cells = {}
    for cell in data.get("cells", []):
        cells[(cell["group"], cell["competency"])] = cell
    if "by_area" in data:
        children = defaultdict(list)
        for code, parent_code in framework.competencies.filter(
            parent__isnull=False
        ).values_list("code", "parent__code"):
            children[parent_code].append(code)
        for group_code, by_area in data["by_area"].items():
            for area_code, cell in by_area.items():
                for code in children[area_code]:
                    cells[(group_code, code)] = {
                        **cell,
                        "provenance": data.get("provenance"),
                    }
    return cells


def _describe(requirement: Requirement | None) -> str:
    if requirement is None:
        return "-"
    return (
        f"{requirement.get_applicability_display()} {requirement.required_level.name}"
    )


def _load_requirements(report, framework, data, *, groups, force) -> None:
    levels = {level.rank: level for level in framework.scale.levels.all()}
    competencies = {c.code: c for c in framework.competencies.all()}
    existing = {
        (requirement.group_id, requirement.competency_id): requirement
        for requirement in Requirement.objects.filter(
            group__framework=framework
        ).select_related("required_level", "group", "competency")
    }
    shipped = set()
    for (group_code, competency_code), cell in _requirement_cells(
        framework, data
    ).items():
        group, competency = groups[group_code], competencies[competency_code]
        shipped.add((group.pk, competency.pk))
        values = {
            "required_level": levels[cell["level"]],
            "applicability": cell["applicability"],
            **_provenance(cell.get("provenance")),
        }
        requirement = existing.get((group.pk, competency.pk))
        if requirement is None:
            requirement = Requirement(group=group, competency=competency, **values)
            requirement.full_clean()
            requirement.save()
            report.count("created", "requirement")
            continue
        on_scale = requirement.required_level.scale_id == framework.scale_id
        if requirement.edited_by_admin and on_scale and not force:
            report.count("kept", "requirement")
            continue
        before = _describe(requirement)
        changed = [
            name
            for name, value in values.items()
            if getattr(requirement, name) != value
        ]
        if requirement.edited_by_admin:
            requirement.edited_by_admin = False
            changed.append("edited_by_admin")
        if changed:
            for name in changed:
                if name in values:
                    setattr(requirement, name, values[name])
            requirement.save()
            report.count("updated", "requirement")
            after = _describe(requirement)
            if after != before:
                report.meaning_changed.append(
                    f"{framework.code} / {group.code} / {competency.code}: "
                    f"{before} -> {after}"
                )
    for key, requirement in existing.items():
        if key in shipped or (
            requirement.edited_by_admin
            and requirement.required_level.scale_id == framework.scale_id
        ):
            continue
        report.meaning_changed.append(
            f"{framework.code} / {requirement.group.code} / "
            f"{requirement.competency.code}: {_describe(requirement)} -> - (removed)"
        )
        requirement.delete()


def _apply_aliases(report: LoadReport, frameworks: dict[str, Framework]) -> None:
    """Move competencies of earlier shipped data to where they now live (another code,
    another framework). The row is kept, so its evidence, course links and optional
    choices follow it; requirements of the framework it leaves are removed."""
    aliases = standards_data.read(standards_data.ALIASES_FILE)
    for alias in aliases["competencies"]:
        (from_framework, from_code), (to_framework, to_code) = (
            alias["from"],
            alias["to"],
        )
        competency = Competency.objects.filter(
            framework__code=from_framework, code=from_code
        ).first()
        target = frameworks.get(to_framework)
        if competency is None or target is None:
            continue
        if target.competencies.filter(code=to_code).exists():
            report.meaning_changed.append(
                f"{from_framework} / {from_code}: not moved, {to_framework} / "
                f"{to_code} already exists; merge them by hand"
            )
            continue
        if competency.framework_id != target.pk:
            for requirement in competency.requirements.select_related(
                "group", "required_level"
            ):
                report.meaning_changed.append(
                    f"{from_framework} / {requirement.group.code} / {from_code}: "
                    f"{_describe(requirement)} -> - (moved to {to_framework})"
                )
                requirement.delete()
            competency.children.update(parent=None)
        Competency.objects.filter(pk=competency.pk).update(
            framework=target, code=to_code, parent=None, provenance=""
        )
        report.moved.append(
            f"{from_framework} / {from_code} -> {to_framework} / {to_code}"
        )
    for framework_code, code in aliases.get("retired", []):
        competency = Competency.objects.filter(
            framework__code=framework_code, code=code, provenance=""
        ).first()
        if competency is None or competency.children.exists():
            continue
        if competency.evidence.exists():
            continue
        try:
            with transaction.atomic():
                competency.delete()
        except ProtectedError:
            continue
        report.moved.append(f"{framework_code} / {code} -> (retired)")


def _convert_evidence(report: LoadReport, framework: Framework) -> list[int]:
    """Evidence recorded on another scale than the framework's (its competency moved, or
    the framework now uses the publisher's pass / not-yet scale) is kept as it was and
    a converted record is appended beside it: a pass for a level at or above the old
    scale's proficient threshold, the same rank on a levelled scale. Returns the ids
    of the competencies that had evidence on another scale."""
    scale = framework.scale
    levels = {level.rank: level for level in scale.levels.all()}
    pass_level = scale.proficient_level
    thresholds = {
        level.scale_id: level.rank
        for level in ProficiencyLevel.objects.filter(is_proficient_threshold=True)
    }
    stale = (
        Evidence.objects.filter(competency__framework=framework)
        .exclude(level__scale=scale)
        .select_related("level", "competency")
        .order_by("pk")
    )
    done = set(
        Evidence.objects.filter(
            competency__framework=framework, reference__startswith="converted:"
        ).values_list("reference", flat=True)
    )
    rescaled = set()
    for item in stale:
        rescaled.add(item.competency_id)
        reference = f"converted:{item.pk}"
        if reference in done:
            continue
        if scale.kind == ProficiencyScale.Kind.PASS_NOT_YET:
            threshold = thresholds.get(item.level.scale_id, 1)
            level = pass_level if item.level.rank >= threshold else None
        else:
            level = levels.get(item.level.rank) or levels[max(levels)]
        if level is None:
            continue
        converted = Evidence(
            person_id=item.person_id,
            competency_id=item.competency_id,
            level=level,
            source=item.source,
            observed_on=item.observed_on,
            expires_on=item.expires_on,
            recorded_by_id=item.recorded_by_id,
            reference=reference,
            note=f"{item.level.scale.code} {item.level.code} -> {scale.code} "
            f"{level.code} (load_standards)",
        )
        converted.save()
        report.evidence_converted += 1
    return sorted(rescaled)


@transaction.atomic
def standards_load(*, force: bool = False) -> LoadReport:
    """Load the position structure, the scales and the shipped frameworks; idempotent.

    Missing records are created. Existing records are administrators' to edit and are
    left alone, except requirements that no administrator has edited, which follow the
    shipped defaults, and records loaded before they carried provenance, which take
    the shipped data. Competencies of earlier shipped data move as aliases.json says,
    with their evidence. `force` resets everything to the shipped data.
    """
    from .selectors import standards_version_bump

    with matrix_maintenance_paused() as pause:
        report = _standards_load(force=force)
        pause.changed = report.changed
    standards_version_bump()  # some of its writes are QuerySet.update()s
    return report


def _standards_load(*, force: bool) -> LoadReport:
    report = LoadReport()
    scheme = _load_position_structure(report, force=force)
    _load_other_schemes(report, force=force)
    for path in standards_data.SCALE_FILES:
        _load_scale(report, standards_data.read(path), force=force)
    loaded = [standards_data.read(path) for path in standards_data.FRAMEWORK_FILES]
    frameworks = {
        data["framework"]["code"]: _load_framework_record(report, data, force=force)
        for data in loaded
    }
    _apply_aliases(report, frameworks)
    rescaled = []
    for data in loaded:
        framework = frameworks[data["framework"]["code"]]
        _load_framework(report, data, framework, scheme=scheme, force=force)
        rescaled += _convert_evidence(report, framework)
    if rescaled:
        competency_scale_changed.send(sender=Competency, competency_ids=rescaled)
    return report


# ------------------------------------------------------------------------------
# Lines of work from the OCSC list (CSV)
# ------------------------------------------------------------------------------


@dataclass
class LinesImport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: (line number, message): a file with any error changes nothing.
    errors: list[tuple[int, str]] = field(default_factory=list)
    applied: bool = False


def lines_of_work_import(
    *, content: bytes, source_name: str, apply: bool = False
) -> LinesImport:
    """Read the OCSC list of lines of work and, with `apply` and no error on any line,
    create or update them in one transaction: a line is found by its code, or by its
    Thai name where it has none. Running it twice changes nothing the second time;
    without `apply` it is a dry run that reports what would happen."""
    from .lines_csv import parse_lines_csv

    parsed = parse_lines_csv(content)
    result = LinesImport(errors=list(parsed.errors))
    schemes = {}
    for scheme in StaffScheme.objects.all():
        schemes[scheme.code] = schemes[scheme.name_th] = scheme
    if CIVIL_SERVICE not in schemes:
        result.errors.append((1, _("Run load_standards first: no civil service.")))
        return result
    types = {}
    for position_type in PositionType.objects.select_related("scheme"):
        for key in (position_type.code, position_type.name_th):
            types[(position_type.scheme.code, key)] = position_type
    levels = {}
    for level in PositionLevel.objects.all():
        levels[(level.position_type_id, level.code)] = level
        levels[(level.position_type_id, level.name_th)] = level
    categories = set(LineOfWork.Category.values)
    planned = []
    for row in parsed.rows:
        problems = []
        scheme = schemes.get(row.scheme or CIVIL_SERVICE)
        position_type = (
            types.get((scheme.code, row.position_type)) if scheme is not None else None
        )
        if scheme is None:
            problems.append(
                _("Unknown staff scheme “%(value)s”.") % {"value": row.scheme}
            )
        elif position_type is None:
            problems.append(
                _("Unknown position type “%(value)s”.") % {"value": row.position_type}
            )
        bounds = {}
        for name in ("level_min", "level_max"):
            value = getattr(row, name)
            if not value or position_type is None:
                bounds[name] = None
                continue
            bounds[name] = levels.get((position_type.pk, value))
            if bounds[name] is None:
                problems.append(
                    _("“%(value)s” is not a level of %(type)s.")
                    % {"value": value, "type": position_type.name_th}
                )
        if row.category and row.category not in categories:
            problems.append(
                _("Unknown category “%(value)s”.") % {"value": row.category}
            )
        if (
            not problems
            and bounds["level_min"]
            and bounds["level_max"]
            and bounds["level_min"].rank > bounds["level_max"].rank
        ):
            problems.append(_("The highest level is below the lowest."))
        if problems:
            result.errors.append((row.line, " ".join(problems)))
            continue
        planned.append((row, scheme, position_type, bounds))
    if result.errors:
        return result
    with transaction.atomic():
        for row, scheme, position_type, bounds in planned:
            line = (
                LineOfWork.objects.filter(scheme=scheme, code=row.code).first()
                if row.code
                else None
            ) or LineOfWork.objects.filter(scheme=scheme, name_th=row.name_th).first()
            values = {
                "code": row.code,
                "name_th": row.name_th,
                "position_type": position_type,
                "level_min": bounds["level_min"],
                "level_max": bounds["level_max"],
            }
            if line is not None and line.code and not row.code:
                values["code"] = line.code  # a published code is never erased
            if row.name_en:
                values["name_en"] = row.name_en
            if row.category:
                values["category"] = row.category
            if line is None:
                line = LineOfWork(
                    scheme=scheme,
                    provenance=Provenance.PUBLISHED,
                    source_revision=source_name[:128],
                    source_note=_("Imported from the OCSC list “%(file)s”.")
                    % {"file": source_name},
                    **values,
                )
                line.full_clean()
                line.save()
                result.created += 1
                continue
            changed = [
                name for name, value in values.items() if getattr(line, name) != value
            ]
            if not changed:
                result.unchanged += 1
                continue
            for name in changed:
                setattr(line, name, values[name])
            line.full_clean()
            line.save()
            result.updated += 1
        if not apply:
            transaction.set_rollback(True)
    result.applied = apply
    return result


# ------------------------------------------------------------------------------
# Requirements edited by administrators
# ------------------------------------------------------------------------------


@transaction.atomic
def requirement_matrix_update(
    *, group: PersonnelGroup, cells: dict[int, tuple[ProficiencyLevel | None, bool]]
) -> int:
    """Save one group's row of the requirement matrix: competency id -> (level,
    required); not required means optional (counted only where chosen).

    A level of None removes the requirement (not applicable). Returns the number of
    cells changed.
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
    for competency_id, (level, is_required) in cells.items():
        applicability = (
            Requirement.Applicability.REQUIRED
            if is_required
            else Requirement.Applicability.OPTIONAL
        )
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
                applicability=applicability,
                edited_by_admin=True,
            )
            changed += 1
        elif (
            requirement.required_level_id != level.pk
            or requirement.applicability != applicability
        ):
            requirement.required_level = level
            requirement.applicability = applicability
            requirement.edited_by_admin = True
            requirement.save()
            changed += 1
    return changed


# ------------------------------------------------------------------------------
# Optional competencies chosen for a person or an organisation
# ------------------------------------------------------------------------------


@transaction.atomic
def optional_choice_add(
    *,
    competency: Competency,
    source: str,
    person: Person | None = None,
    unit: OrgUnit | None = None,
    chosen_by=None,
) -> OptionalChoice:
    """Choose an optional competency (or a whole area of them) for a person or for
    everyone in an organisation subtree; from then on it counts towards their gaps.
    Choosing it again changes nothing."""
    optional = Requirement.objects.filter(
        Q(competency=competency) | Q(competency__parent=competency),
        applicability=Requirement.Applicability.OPTIONAL,
    )
    if not optional.exists():
        raise ValidationError(
            {
                "competency": _(
                    "%(code)s is not optional for any personnel group: only optional "
                    "competencies are chosen."
                )
                % {"code": competency.code}
            }
        )
    existing = OptionalChoice.objects.filter(
        competency=competency, person=person, unit=unit
    ).first()
    if existing is not None:
        return existing
    choice = OptionalChoice(
        competency=competency,
        person=person,
        unit=unit,
        source=source,
        chosen_by=chosen_by,
    )
    choice.full_clean()
    choice.save()
    return choice


@transaction.atomic
def optional_choice_remove(*, choice: OptionalChoice) -> None:
    """Withdraw a choice: the optional competency stops counting towards gaps."""
    choice.delete()


@transaction.atomic
def organisation_optional_areas_set(
    *,
    unit: OrgUnit,
    chosen: list[Competency],
    offered: list[Competency],
    chosen_by=None,
) -> tuple[int, int]:
    """Make `chosen` the optional areas (or competencies) that count for everyone in
    `unit`'s subtree, among those `offered`: the others offered are withdrawn for the
    unit; choices outside `offered`, and people's own choices, stay as they are.
    Returns (added, withdrawn); setting the same choices again changes nothing."""
    offered_ids = {item.pk for item in offered}
    outside = [item.code for item in chosen if item.pk not in offered_ids]
    if outside:
        raise ValidationError(
            {
                "areas": _("%(codes)s cannot be chosen for an organisation.")
                % {"codes": ", ".join(outside)}
            }
        )
    current = {
        choice.competency_id: choice
        for choice in OptionalChoice.objects.filter(
            unit=unit, competency_id__in=offered_ids
        )
    }
    added = 0
    for item in chosen:
        if item.pk not in current:
            optional_choice_add(
                competency=item,
                source=OptionalChoice.Source.ORGANISATION,
                unit=unit,
                chosen_by=chosen_by,
            )
            added += 1
    wanted = {item.pk for item in chosen}
    withdrawn = 0
    for competency_id, choice in current.items():
        if competency_id not in wanted:
            optional_choice_remove(choice=choice)
            withdrawn += 1
    return added, withdrawn


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
    position_number: str = "",
    administrative_post: str = "",
    scheme: StaffScheme | None = None,
) -> Placement:
    """Place a person from a date; the placement in force before it ends the day before.
    The staff scheme is the position type's unless given (then they must agree)."""
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
        scheme=scheme or position_type.scheme,
        position_type=position_type,
        position_level=position_level,
        line_of_work=line_of_work,
        supervisor=supervisor,
        position_title=position_title,
        position_number=position_number,
        administrative_post=administrative_post,
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
    xapi_events.evidence_recorded(evidence=evidence)
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
