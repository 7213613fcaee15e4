"""Imports a package in one transaction after checking all of it; exports one back.

Re-importing a framework updates it by CASE identifier: the framework by
Framework.identifier, competencies by Competency.identifier, levels by identifier and
then by rank. Competencies and levels that are no longer in the file are left as they
are and reported: evidence, requirements and courses point at them, and deleting a
competency would delete its append-only evidence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..models import Competency, Framework, ProficiencyLevel, ProficiencyScale
from ..selectors import standards_version_bump
from .case import build_case, parse_case
from .moodle import build_moodle_csv, parse_moodle_csv
from .package import (
    CODE_MAX_LENGTH,
    FrameworkImportError,
    FrameworkItem,
    FrameworkMeta,
    FrameworkPackage,
    ImportProblem,
    ScaleLevel,
    derived_identifier,
    package_problems,
    tree_order,
)

#: Ranks parked out of the way while levels swap ranks (the column holds up to 32767).
_PARKED_RANK = 30000

FRAMEWORK = "framework"
SCALE = "scale"
LEVEL = "level"
COMPETENCY = "competency"


@dataclass
class ImportResult:
    """What an import did (or, with dry_run, would have done), counted by kind.

    Kinds are "framework", "scale", "level" and "competency". After a dry run the
    framework and its rows are not in the database.
    """

    framework: Framework
    dry_run: bool = False
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    competencies_not_in_file: list[Competency] = field(default_factory=list)
    levels_not_in_file: list[ProficiencyLevel] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)

    def count(self, bucket: str, kind: str) -> None:
        counter = getattr(self, bucket)
        counter[kind] = counter.get(kind, 0) + 1

    @property
    def framework_created(self) -> bool:
        return bool(self.created.get(FRAMEWORK))


def _assign(instance: models.Model, values: dict) -> list[str]:
    """Set the values that differ; return the names of the fields changed."""
    changed = [
        name for name, value in values.items() if getattr(instance, name) != value
    ]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def _problems(error: ValidationError, location: str, model) -> list[ImportProblem]:
    problems = []
    for name, messages in error.message_dict.items():
        label = (
            "" if name == NON_FIELD_ERRORS else model._meta.get_field(name).verbose_name
        )
        for message in messages:
            text = f"{label}: {message}" if label else message
            problems.append(ImportProblem(location, text))
    return problems


@dataclass
class _Planned:
    instance: models.Model
    is_new: bool
    changed: list[str]
    location: str

    @property
    def needs_save(self) -> bool:
        return self.is_new or bool(self.changed)


class _FrameworkImport:
    """Plans every row, validates the plan, and only then writes it."""

    def __init__(self, package: FrameworkPackage, *, dry_run: bool) -> None:
        self.package = package
        self.problems: list[ImportProblem] = []
        self.levels: list[_Planned] = []
        self.competencies: list[tuple[FrameworkItem, _Planned]] = []
        self.dry_run = dry_run

    def validate(self, instance: models.Model, location: str, **options) -> None:
        try:
            instance.full_clean(**options)
        except ValidationError as error:
            self.problems += _problems(error, location, type(instance))

    @staticmethod
    def clean_and_save(instance: models.Model, location: str) -> None:
        """The last check, against rows written so far; stops the import on failure."""
        try:
            instance.full_clean()
        except ValidationError as error:
            raise FrameworkImportError(
                _problems(error, location, type(instance))
            ) from error
        instance.save()

    def run(self) -> ImportResult:
        self._plan_framework()
        self._plan_levels()
        self._plan_competencies()
        if self.problems:
            raise FrameworkImportError(self.problems)
        return self._write()

    # Planning ----------------------------------------------------------------

    def _plan_framework(self) -> None:
        meta: FrameworkMeta = self.package.framework
        framework = (
            Framework.objects.select_for_update()
            .select_related("scale")
            .filter(identifier=meta.identifier)
            .first()
        )
        self.is_new = framework is None
        if framework is None:
            framework = Framework(
                identifier=meta.identifier, status=Framework.Status.DRAFT
            )
            self.scale = ProficiencyScale(
                code=self._free_scale_code(meta.code),
                name_th=meta.name_th,
                name_en=meta.name_en,
                description=_("Created by importing framework %(identifier)s.")
                % {"identifier": meta.identifier},
            )
            self.validate(
                self.scale,
                pgettext("import location", "scale %(code)s")
                % {"code": self.scale.code},
            )
        else:
            self.scale = framework.scale
        values = {
            "code": meta.code,
            "name_th": meta.name_th,
            "name_en": meta.name_en,
            "description_th": meta.description_th,
            "description_en": meta.description_en,
            "case_source": meta.source or {},
        }
        if meta.version is not None or self.is_new:
            values["version"] = meta.version or "1"
        for name in ("publisher", "licence", "source_url", "adopted_on"):
            if getattr(meta, name) is not None:
                values[name] = getattr(meta, name)
        self.framework = framework
        self.framework_changed = _assign(framework, values)
        self.validate(
            framework,
            pgettext("import location", "framework %(identifier)s")
            % {"identifier": meta.identifier},
            exclude=["scale"] if self.is_new else None,
        )

    def _free_scale_code(self, code: str) -> str:
        base = code[:CODE_MAX_LENGTH]
        taken = set(
            ProficiencyScale.objects.filter(code__startswith=base[:50]).values_list(
                "code", flat=True
            )
        )
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            suffix = f"-{number}"
            candidate = base[: CODE_MAX_LENGTH - len(suffix)] + suffix
        return candidate

    def _plan_levels(self) -> None:
        existing = [] if self.is_new else list(self.scale.levels.all())
        by_identifier = {
            level.identifier: level for level in existing if level.identifier
        }
        matches: dict[str, ProficiencyLevel] = {}
        for level in self.package.levels:
            match = by_identifier.get(level.identifier)
            if match is not None:
                matches[level.identifier] = match
        matched = {instance.pk for instance in matches.values()}
        by_rank = {level.rank: level for level in existing if level.pk not in matched}
        for level in self.package.levels:
            if level.identifier not in matches and level.rank in by_rank:
                matches[level.identifier] = by_rank.pop(level.rank)
        matched = {instance.pk for instance in matches.values()}
        kept = [level for level in existing if level.pk not in matched]
        self.levels_kept = kept

        for level in self.package.levels:
            location = pgettext("import location", "level %(code)s") % {
                "code": level.code
            }
            instance = matches.get(level.identifier)
            is_new = instance is None
            if instance is None:
                instance = ProficiencyLevel(identifier=level.identifier)
            changed = _assign(
                instance,
                {
                    "rank": level.rank,
                    "code": level.code,
                    "name_th": level.name_th,
                    "name_en": level.name_en,
                    "descriptor_th": level.descriptor_th,
                    "descriptor_en": level.descriptor_en,
                    "is_proficient_threshold": level.proficient,
                    "case_source": level.source or {},
                },
            )
            self.levels.append(_Planned(instance, is_new, changed, location))
            self.validate(
                instance,
                location,
                exclude=["scale"],
                validate_constraints=False,
            )
            self._check_kept_levels(level, kept)

        if not self.is_new and any(planned.needs_save for planned in self.levels):
            others = list(
                self.scale.frameworks.exclude(pk=self.framework.pk).values_list(
                    "code", "version"
                )
            )
            if others:
                self.problems.append(
                    ImportProblem(
                        pgettext("import location", "scale %(code)s")
                        % {"code": self.scale.code},
                        _(
                            "The file changes the levels of a scale that frameworks "
                            "%(frameworks)s also use; change the scale in the admin "
                            "instead."
                        )
                        % {
                            "frameworks": ", ".join(
                                f"{code} ({version})" for code, version in others
                            )
                        },
                    )
                )

    def _check_kept_levels(
        self, level: ScaleLevel, kept: list[ProficiencyLevel]
    ) -> None:
        location = pgettext("import location", "level %(code)s") % {"code": level.code}
        for other in kept:
            clash = []
            if other.rank == level.rank:
                clash.append(_("rank %(rank)d") % {"rank": level.rank})
            if other.code == level.code:
                clash.append(_("code %(code)s") % {"code": level.code})
            if other.is_proficient_threshold and level.proficient:
                clash.append(_("the proficient threshold"))
            if clash:
                self.problems.append(
                    ImportProblem(
                        location,
                        _(
                            "%(what)s is taken by level %(other)s, which is not in the file."
                        )
                        % {"what": ", ".join(clash), "other": other.code},
                    )
                )

    def _plan_competencies(self) -> None:
        existing = (
            {}
            if self.is_new
            else {str(c.identifier): c for c in self.framework.competencies.all()}
        )
        identifier_of = {c.pk: key for key, c in existing.items()}
        in_file = {item.identifier for item in self.package.items}
        self.competencies_kept = sorted(
            (c for key, c in existing.items() if key not in in_file),
            key=lambda competency: (competency.sort_order, competency.code),
        )
        kept_codes = {c.code: c for c in self.competencies_kept}
        _depth, position = tree_order(
            {item.identifier: item.parent for item in self.package.items},
            lambda key: 0,
        )
        items = sorted(self.package.items, key=lambda item: position[item.identifier])
        for item in items:
            location = f"{item.code} [{item.identifier}]"
            instance = existing.get(item.identifier)
            is_new = instance is None
            if instance is None:
                instance = Competency(identifier=item.identifier)
            changed = _assign(
                instance,
                {
                    "code": item.code,
                    "kind": item.kind,
                    "name_th": item.name_th,
                    "name_en": item.name_en,
                    "description_th": item.description_th,
                    "description_en": item.description_en,
                    "sort_order": item.order,
                    "uri": item.uri,
                    "case_source": item.source or {},
                },
            )
            if not is_new and identifier_of.get(instance.parent_id) != item.parent:
                changed.append("parent")
            self.competencies.append(
                (item, _Planned(instance, is_new, changed, location))
            )
            self.validate(
                instance,
                location,
                exclude=["framework", "parent"],
                validate_constraints=False,
            )
            if item.code in kept_codes:
                other = kept_codes[item.code]
                self.problems.append(
                    ImportProblem(
                        location,
                        _(
                            "The code %(code)s is taken by competency %(other)s, "
                            "which is not in the file."
                        )
                        % {"code": item.code, "other": other.identifier},
                    )
                )

    # Writing -----------------------------------------------------------------

    def _write(self) -> ImportResult:
        result = ImportResult(
            framework=self.framework,
            dry_run=self.dry_run,
            competencies_not_in_file=self.competencies_kept,
            levels_not_in_file=self.levels_kept,
            warnings=list(self.package.warnings),
        )
        framework = self.framework
        if self.is_new:
            self.clean_and_save(
                self.scale,
                pgettext("import location", "scale %(code)s")
                % {"code": self.scale.code},
            )
            result.count("created", SCALE)
            framework.scale = self.scale
        if self.is_new or self.framework_changed:
            self.clean_and_save(
                framework,
                pgettext("import location", "framework %(identifier)s")
                % {"identifier": framework.identifier},
            )
        bucket = (
            "created"
            if self.is_new
            else "updated"
            if self.framework_changed
            else "unchanged"
        )
        result.count(bucket, FRAMEWORK)

        moving = [p.instance for p in self.levels if not p.is_new and p.changed]
        for offset, level in enumerate(moving):
            ProficiencyLevel.objects.filter(pk=level.pk).update(
                rank=_PARKED_RANK + offset,
                code=f"~{level.pk}",
                is_proficient_threshold=False,
            )
        for planned in self.levels:
            self._save(planned, LEVEL, result, scale=self.scale)

        renamed = [
            p.instance.pk
            for _item, p in self.competencies
            if not p.is_new and "code" in p.changed
        ]
        for pk in renamed:
            Competency.objects.filter(pk=pk).update(code=f"~{pk}")
        saved: dict[str, Competency] = {}
        for item, planned in self.competencies:
            parent = saved.get(item.parent) if item.parent else None
            self._save(planned, COMPETENCY, result, framework=framework, parent=parent)
            saved[item.identifier] = planned.instance
        return result

    def _save(
        self, planned: _Planned, kind: str, result: ImportResult, **relations
    ) -> None:
        instance = planned.instance
        for name, value in relations.items():
            setattr(instance, name, value)
        if not planned.needs_save:
            result.count("unchanged", kind)
            return
        self.clean_and_save(instance, planned.location)
        result.count("created" if planned.is_new else "updated", kind)


def framework_import(
    *, package: FrameworkPackage, dry_run: bool = False
) -> ImportResult:
    """Create or update a framework, its scale and its competencies from a package.

    Everything is checked before anything is written; on any problem
    FrameworkImportError lists them all and the database is as it was. New frameworks
    are drafts. With dry_run the import runs and is rolled back.
    """
    problems = package_problems(package)
    if problems:
        raise FrameworkImportError(problems)
    try:
        with transaction.atomic():
            result = _FrameworkImport(package, dry_run=dry_run).run()
            if dry_run:
                transaction.set_rollback(True)
            else:
                standards_version_bump()  # renames are QuerySet.update()s
    except IntegrityError as error:
        raise FrameworkImportError(
            [
                ImportProblem(
                    package.framework.identifier,
                    _("The database refused the import: %(reason)s")
                    % {"reason": error},
                )
            ]
        ) from error
    return result


def framework_export(*, framework: Framework) -> FrameworkPackage:
    """The framework, its scale and its competency tree as a package."""
    scale = framework.scale
    levels = [
        ScaleLevel(
            identifier=level.identifier
            or derived_identifier("level", scale.code, str(level.rank)),
            rank=level.rank,
            code=level.code,
            name_th=level.name_th,
            name_en=level.name_en,
            descriptor_th=level.descriptor_th,
            descriptor_en=level.descriptor_en,
            proficient=level.is_proficient_threshold,
            source=level.case_source or None,
        )
        for level in scale.levels.order_by("rank")
    ]
    competencies = list(framework.competencies.order_by("sort_order", "code", "pk"))
    identifier_of = {c.pk: str(c.identifier) for c in competencies}
    sibling_rank = {str(c.identifier): index for index, c in enumerate(competencies)}
    _depth, position = tree_order(
        {str(c.identifier): identifier_of.get(c.parent_id) for c in competencies},
        sibling_rank.__getitem__,
    )
    competencies.sort(key=lambda c: position[str(c.identifier)])
    items = [
        FrameworkItem(
            identifier=str(c.identifier),
            code=c.code,
            kind=c.kind,
            name_th=c.name_th,
            name_en=c.name_en,
            description_th=c.description_th,
            description_en=c.description_en,
            parent=identifier_of.get(c.parent_id),
            order=c.sort_order,
            uri=c.uri,
            source=c.case_source or None,
        )
        for c in competencies
    ]
    return FrameworkPackage(
        framework=FrameworkMeta(
            identifier=str(framework.identifier),
            code=framework.code,
            name_th=framework.name_th,
            name_en=framework.name_en,
            description_th=framework.description_th,
            description_en=framework.description_en,
            version=framework.version,
            publisher=framework.publisher,
            licence=framework.licence,
            source_url=framework.source_url,
            adopted_on=framework.adopted_on,
            source=framework.case_source or None,
        ),
        levels=levels,
        items=items,
    )


def export_case_json(*, framework: Framework) -> str:
    """The framework as a CASE 1.1 JSON document, Thai left readable."""
    package = framework_export(framework=framework)
    document = build_case(package, changed_at=framework.updated_at)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def export_moodle_csv(*, framework: Framework) -> bytes:
    """The framework as a CSV that Moodle's competency framework import reads."""
    return build_moodle_csv(framework_export(framework=framework))


def parse_framework_file(content: bytes, *, filename: str) -> FrameworkPackage:
    """Read a CASE JSON package or a Moodle CSV, told apart by extension or content."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".json":
        return parse_case(content)
    if suffix == ".csv":
        return parse_moodle_csv(content)
    if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        return parse_case(content)
    return parse_moodle_csv(content)
