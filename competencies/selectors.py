"""Reads for standards and people: profiles, personnel groups, and the subtree matrix.

The attained level on a competency is derived by one rule, here and in the SQL below:
the highest level, on the framework's scale, among the person's *verified* evidence
(anything but self assessment) that was observed on or before the day and has not
expired by it. Self assessments are shown beside it but never counted. The gap is
max(required - attained, 0), with no evidence counting as 0.

A requirement counts towards gaps when it is required of the person's group, or when
it is optional for the group and was chosen (OptionalChoice) for the person, or for
their unit or a unit above it, on the competency or on its area. An optional
requirement nobody chose is shown but never counted, anywhere.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from academy.core.refcache import ReferenceCache

from .models import (
    Competency,
    Evidence,
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
    Requirement,
    SchemeCoverage,
    StaffScheme,
)


def today() -> date:
    return timezone.localdate()


# ------------------------------------------------------------------------------
# Frameworks and groups
# ------------------------------------------------------------------------------


def framework_list_active():
    return list(
        Framework.objects.filter(status=Framework.Status.ACTIVE)
        .select_related("scale")
        .prefetch_related(
            Prefetch(
                "group_rules", queryset=GroupRule.objects.order_by("priority", "pk")
            ),
            Prefetch("scheme_coverage", queryset=SchemeCoverage.objects.all()),
        )
        .order_by("display_order", "-adopted_on", "code")
    )


def group_rules(framework: Framework) -> list[GroupRule]:
    """The framework's group rules by priority: those prefetched with it
    (framework_list_active), so that a page computing several matrices reads them
    once, else one query."""
    if "group_rules" in getattr(framework, "_prefetched_objects_cache", {}):
        return sorted(framework.group_rules.all(), key=lambda r: (r.priority, r.pk))
    return list(
        GroupRule.objects.filter(framework=framework).order_by("priority", "pk")
    )


def personnel_groups(framework: Framework) -> list[PersonnelGroup]:
    """The framework's personnel groups in display order: those loaded with it
    (frameworks_for_hr sets `hr_groups`), else one query."""
    loaded = getattr(framework, "hr_groups", None)
    if loaded is not None:
        return list(loaded)
    return list(PersonnelGroup.objects.filter(framework=framework))


def framework_competencies(framework: Framework) -> list[Competency]:
    """The framework's competencies (not its areas) in display order, each with its
    area: those loaded with it (frameworks_for_hr sets `hr_competencies` from the
    standards snapshot), else one query. Loaded ones are the snapshot's, shared by
    every request: never modify them."""
    loaded = getattr(framework, "hr_competencies", None)
    if loaded is not None:
        return [item for item in loaded if item.kind != Competency.Kind.AREA]
    return list(
        framework.competencies.exclude(kind=Competency.Kind.AREA)
        .select_related("parent")
        .order_by("sort_order", "code")
    )


def covered_schemes(framework: Framework) -> frozenset[str] | None:
    """The codes of the staff schemes whose staff the framework's requirements count
    for; None when the framework says nothing about schemes (then: every scheme).
    Reads the prefetched coverage when there is one."""
    coverage = list(framework.scheme_coverage.all())
    if not coverage:
        return None
    return frozenset(item.scheme_id for item in coverage if item.covered)


def coverage_to_confirm(framework: Framework, scheme_code: str) -> bool:
    """The framework does not count requirements for this scheme yet, and whether it
    covers the scheme is still to confirm: what the person sees is provisional."""
    return any(
        item.scheme_id == scheme_code and not item.covered and item.needs_confirmation
        for item in framework.scheme_coverage.all()
    )


def group_for_placement(
    placement: Placement,
    rules: list[GroupRule],
    *,
    schemes: frozenset[str] | None = None,
) -> int | None:
    """The id of the first group whose rule matches, trying rules by ascending priority.
    With `schemes` (covered_schemes), a placement of another scheme has no group."""
    if schemes is not None and placement.scheme_id not in schemes:
        return None
    for rule in sorted(rules, key=lambda rule: (rule.priority, rule.pk)):
        if rule.matches(
            position_type_id=placement.position_type_id,
            position_level_id=placement.position_level_id,
            line_of_work_id=placement.line_of_work_id,
            line_of_work_category=placement.line_of_work.category,
            designation=placement.designation,
        ):
            return rule.group_id
    return None


def group_case_sql(
    rules: list[GroupRule],
    *,
    placement: str,
    line: str,
    schemes: frozenset[str] | None = None,
    covered_by: Framework | None = None,
) -> tuple[str, list]:
    """The same rule as group_for_placement, as a SQL CASE over placement columns.
    `schemes` (covered_schemes) or `covered_by` (a framework whose coverage the SQL
    reads itself) leave placements of schemes not covered without a group."""
    if schemes is not None:
        if not schemes:
            return "NULL", []
        inner, inner_params = group_case_sql(rules, placement=placement, line=line)
        marks = ", ".join(["%s"] * len(schemes))
        return (
            f"CASE WHEN {placement}.scheme_id IN ({marks}) THEN {inner} ELSE NULL END",
            [*sorted(schemes), *inner_params],
        )
    if covered_by is not None:
        # covered_schemes as SQL, so the caller needs no query of its own.
        inner, inner_params = group_case_sql(rules, placement=placement, line=line)
        coverage = _table(SchemeCoverage)
        return (
            f"""CASE WHEN NOT EXISTS (
                    SELECT 1 FROM {coverage} sc WHERE sc.framework_id = %s)
                OR EXISTS (
                    SELECT 1 FROM {coverage} sc WHERE sc.framework_id = %s
                    AND sc.scheme_id = {placement}.scheme_id AND sc.covered)
                THEN {inner} ELSE NULL END""",  # noqa: S608 - names only
            [covered_by.pk, covered_by.pk, *inner_params],
        )
    whens, params = [], []
    for rule in sorted(rules, key=lambda rule: (rule.priority, rule.pk)):
        conditions, condition_params = [], []
        if rule.position_type_id:
            conditions.append(f"{placement}.position_type_id = %s")
            condition_params.append(rule.position_type_id)
        if rule.position_level_id:
            conditions.append(f"{placement}.position_level_id = %s")
            condition_params.append(rule.position_level_id)
        if rule.line_of_work_id:
            conditions.append(f"{placement}.line_of_work_id = %s")
            condition_params.append(rule.line_of_work_id)
        if rule.line_of_work_category:
            conditions.append(f"{line}.category = %s")
            condition_params.append(rule.line_of_work_category)
        if rule.designations:
            marks = ", ".join(["%s"] * len(rule.designations))
            conditions.append(f"{placement}.designation IN ({marks})")
            condition_params.extend(rule.designations)
        whens.append(f"WHEN {' AND '.join(conditions) or '1 = 1'} THEN %s")
        params.extend([*condition_params, rule.group_id])
    if not whens:
        return "NULL", []
    return f"CASE {' '.join(whens)} ELSE NULL END", params


def optional_areas_offered() -> list[Competency]:
    """The areas of the active frameworks that hold a competency optional for some
    personnel group (the 2024 optional areas): what an organisation may choose."""
    optional = Requirement.objects.filter(
        applicability=Requirement.Applicability.OPTIONAL
    )
    return list(
        Competency.objects.filter(
            kind=Competency.Kind.AREA, framework__status=Framework.Status.ACTIVE
        )
        .filter(
            Exists(optional.filter(competency=OuterRef("pk")))
            | Exists(optional.filter(competency__parent=OuterRef("pk")))
        )
        .select_related("framework")
        .order_by("framework__display_order", "framework__code", "sort_order", "code")
    )


def organisation_choices() -> list[OptionalChoice]:
    """Every optional area or competency chosen for an organisation subtree."""
    return list(
        OptionalChoice.objects.filter(unit__isnull=False)
        .select_related("unit", "competency__framework", "chosen_by")
        .order_by("unit__path", "competency__framework__code", "competency__code")
    )


# ------------------------------------------------------------------------------
# Requirements that rest on data to confirm
# ------------------------------------------------------------------------------


def rests_on_data_to_confirm(requirement: Requirement, competency: Competency) -> bool:
    """A requirement is provisional when it, or the competency it asks for, is still
    to confirm: the one rule behind every "provisional" a learner or an officer sees."""
    return requirement.needs_confirmation or competency.needs_confirmation


@dataclass(frozen=True)
class ProvisionalMarks:
    """The provisional requirements of one framework, by personnel group."""

    by_group: dict[int, frozenset[int]] = field(default_factory=dict)

    @property
    def competencies(self) -> frozenset[int]:
        """Competencies provisional for at least one group."""
        return frozenset().union(*self.by_group.values())

    def for_group(self, group_id: int) -> frozenset[int]:
        return self.by_group.get(group_id, frozenset())

    def __bool__(self) -> bool:
        return any(self.by_group.values())


def provisional_marks(framework: Framework) -> ProvisionalMarks:
    """Which (group, competency) requirements of a framework are provisional: from
    the requirements and competencies loaded with it (frameworks_for_hr, from the
    standards snapshot: no query), else one query whatever their number."""
    marks: dict[int, set[int]] = defaultdict(set)
    for requirement, competency in _requirements_with_competency(framework):
        if rests_on_data_to_confirm(requirement, competency):
            marks[requirement.group_id].add(requirement.competency_id)
    return ProvisionalMarks({group: frozenset(ids) for group, ids in marks.items()})


def _requirements_with_competency(framework: Framework) -> list:
    """(requirement, its competency) of every requirement of the framework's groups."""
    loaded = getattr(framework, "hr_requirements", None)
    competencies = getattr(framework, "hr_competencies", None)
    if loaded is not None and competencies is not None:
        by_id = {item.pk: item for item in competencies}
        if all(requirement.competency_id in by_id for requirement in loaded):
            return [
                (requirement, by_id[requirement.competency_id])
                for requirement in loaded
            ]
    return [
        (requirement, requirement.competency)
        for requirement in Requirement.objects.filter(
            group__framework=framework
        ).select_related("competency")
    ]


# ------------------------------------------------------------------------------
# One person's profile
# ------------------------------------------------------------------------------


@dataclass
class ProfileRow:
    competency: Competency
    area: Competency | None
    required_level: ProficiencyLevel | None
    #: Requirement.Applicability of the group's requirement, "" where none applies.
    applicability: str
    attained_level: ProficiencyLevel | None
    self_assessed_level: ProficiencyLevel | None
    evidence: list[Evidence]
    #: An optional requirement chosen for the person or their organisation.
    chosen: bool = False
    #: The requirement or the competency rests on data still to confirm.
    provisional: bool = False

    @property
    def is_core(self) -> bool:
        return self.applicability == Requirement.Applicability.REQUIRED

    @property
    def is_optional(self) -> bool:
        return self.applicability == Requirement.Applicability.OPTIONAL

    @property
    def required_rank(self) -> int:
        return self.required_level.rank if self.is_required else 0

    @property
    def attained_rank(self) -> int:
        return self.attained_level.rank if self.attained_level else 0

    @property
    def gap(self) -> int:
        return max(self.required_rank - self.attained_rank, 0)

    @property
    def is_required(self) -> bool:
        """Whether the requirement counts: required, or optional and chosen."""
        return self.required_level is not None and (self.is_core or self.chosen)

    @property
    def meets_requirement(self) -> bool:
        return self.is_required and self.gap == 0


@dataclass
class FrameworkProfile:
    framework: Framework
    group: PersonnelGroup | None
    rows: list[ProfileRow] = field(default_factory=list)
    levels: list[ProficiencyLevel] = field(default_factory=list)
    #: The person's staff scheme is not covered by the framework and whether it is
    #: remains to confirm: no gap is counted, and that is provisional.
    coverage_to_confirm: bool = False
    #: The person's staff scheme (ข้าราชการพลเรือนสามัญ, พนักงานราชการ, …).
    scheme: StaffScheme | None = None

    @property
    def required_rows(self) -> list[ProfileRow]:
        return [row for row in self.rows if row.is_required]

    @property
    def total_gap(self) -> int:
        return sum(row.gap for row in self.rows)

    @property
    def met_count(self) -> int:
        return sum(1 for row in self.rows if row.meets_requirement)

    @property
    def is_provisional(self) -> bool:
        return any(row.provisional for row in self.required_rows)

    @property
    def is_pass_scale(self) -> bool:
        return self.framework.scale.kind == ProficiencyScale.Kind.PASS_NOT_YET

    @property
    def optional_open_rows(self) -> list[ProfileRow]:
        """Optional for the person's group and not chosen: shown, never counted."""
        return [row for row in self.rows if row.is_optional and not row.chosen]


@dataclass
class PersonProfile:
    person: Person
    placement: Placement | None
    frameworks: list[FrameworkProfile]


#: What a placement is shown with: read in the same query wherever one is listed.
PLACEMENT_RELATED = (
    "unit",
    "scheme",
    "position_type",
    "position_level",
    "line_of_work",
    "supervisor",
)


def placements_current(person: Person, *, on: date | None = None):
    """The person's current placements, latest first, with what a profile reads of
    them: the first is placement_current's."""
    return (
        Placement.objects.current(on or today())
        .filter(person=person)
        .select_related(*PLACEMENT_RELATED)
        .order_by("-starts_on", "-pk")
    )


def placement_current(person: Person, *, on: date | None = None) -> Placement | None:
    return placements_current(person, on=on).first()


def person_and_placement(
    user, *, on: date | None = None
) -> tuple[Person | None, Placement | None]:
    """The user's person and their current placement (placement_current's), read
    together: one query for anyone placed, a second only for a person without a
    current placement."""
    placement = (
        Placement.objects.current(on or today())
        .filter(person__user=user)
        .select_related("person", *PLACEMENT_RELATED)
        .order_by("-starts_on", "-pk")
        .first()
    )
    if placement is not None:
        return placement.person, placement
    return Person.objects.filter(user=user).first(), None


def attained_from_evidence(
    evidence: list[Evidence], *, on: date, scale_id: int | None = None
) -> tuple[ProficiencyLevel | None, ProficiencyLevel | None]:
    """(attained, self-assessed) levels by the documented rule, from loaded evidence;
    with `scale_id`, evidence on another scale (kept from before the competency's
    framework changed scale) does not count."""
    attained = self_assessed = None
    for item in evidence:
        if item.observed_on > on or (item.expires_on and item.expires_on < on):
            continue
        if scale_id is not None and item.level.scale_id != scale_id:
            continue
        if item.source == Evidence.Source.SELF_ASSESSMENT:
            if self_assessed is None or item.level.rank > self_assessed.rank:
                self_assessed = item.level
        elif attained is None or item.level.rank > attained.rank:
            attained = item.level
    return attained, self_assessed


# ------------------------------------------------------------------------------
# The standards snapshot (a process-level cache, academy.core.refcache)
# ------------------------------------------------------------------------------


@dataclass
class StandardsSnapshot:
    """What a profile reads of the standards, all of it at once: the frameworks (with
    their scale and group rules), their competencies (with their area), groups,
    requirements and the levels of their scales. Shared by every request of a process
    until the standards version changes: never modify it."""

    frameworks: list[Framework]
    rules: dict[int, list[GroupRule]]
    competencies: list[Competency]
    groups: dict[int, PersonnelGroup]
    #: (group id, competency id) -> requirement, with its required level
    requirements: dict[tuple[int, int], Requirement]
    levels_by_scale: dict[int, list[ProficiencyLevel]]


def _standards_snapshot_build(framework_id: int | None) -> StandardsSnapshot:
    if framework_id is None:
        frameworks = framework_list_active()
    else:
        frameworks = list(
            Framework.objects.filter(pk=framework_id)
            .select_related("scale")
            .prefetch_related(
                Prefetch(
                    "group_rules",
                    queryset=GroupRule.objects.order_by("priority", "pk"),
                ),
                Prefetch("scheme_coverage", queryset=SchemeCoverage.objects.all()),
            )
        )
    framework_ids = [item.pk for item in frameworks]
    levels_by_scale: dict[int, list[ProficiencyLevel]] = defaultdict(list)
    for level in ProficiencyLevel.objects.filter(
        scale_id__in={item.scale_id for item in frameworks}
    ).order_by("rank"):
        levels_by_scale[level.scale_id].append(level)
    return StandardsSnapshot(
        frameworks=frameworks,
        rules={item.pk: list(item.group_rules.all()) for item in frameworks},
        competencies=list(
            Competency.objects.filter(framework_id__in=framework_ids)
            .select_related("parent")
            .order_by("framework_id", "sort_order", "code")
        ),
        groups={
            group.pk: group
            for group in PersonnelGroup.objects.filter(framework_id__in=framework_ids)
        },
        requirements={
            (requirement.group_id, requirement.competency_id): requirement
            for requirement in Requirement.objects.filter(
                group__framework_id__in=framework_ids
            ).select_related("required_level")
        },
        levels_by_scale=dict(levels_by_scale),
    )


standards_cache = ReferenceCache("standards", _standards_snapshot_build)


def standards_snapshot(*, framework: Framework | None = None) -> StandardsSnapshot:
    """The active frameworks' snapshot, or one framework's (any status). Five
    queries when the standards changed since this process last read them, none
    otherwise."""
    return standards_cache.get(framework.pk if framework is not None else None)


@dataclass
class PositionChoices:
    """The position types, levels (with their type) and lines of work, in their
    models' order: what a filter offers to choose from. Shared by every request of a
    process until the standards version changes: never modify it."""

    types: list[PositionType]
    levels: list[PositionLevel]
    lines: list[LineOfWork]


def _position_choices_build(_key) -> PositionChoices:
    return PositionChoices(
        types=list(PositionType.objects.all()),
        levels=list(PositionLevel.objects.select_related("position_type")),
        lines=list(LineOfWork.objects.all()),
    )


#: Under the standards' version: load_standards writes positions with the rest, and
#: saving or deleting one bumps it (competencies/apps.py).
position_choices_cache = ReferenceCache(
    "positions", _position_choices_build, version_key=standards_cache.version_key
)


def position_choices() -> PositionChoices:
    """Three queries when the standards changed since this process last read them,
    none otherwise."""
    return position_choices_cache.get()


def standards_version_bump(*args, **kwargs) -> None:
    """For writes that send no model signal (QuerySet.update, bulk loads)."""
    standards_cache.bump()


#: person_profile's `placement` when the caller has not read it.
PLACEMENT_UNREAD: Any = object()


def person_profile(
    person: Person,
    *,
    framework: Framework | None = None,
    on: date | None = None,
    placement: Placement | None = PLACEMENT_UNREAD,
    with_attachments: bool = False,
) -> PersonProfile:
    """Required vs attained vs gap on every competency of the active frameworks.

    A constant number of queries, whatever the number of competencies or evidence:
    three for the person (placement, evidence, optional choices), the standards from
    the snapshot. `placement`: the person's current placement on `on`, when the
    caller has read it (person_and_placement), None for none. `with_attachments`:
    each piece of evidence read with its attachment, if any (the HR person page).
    """
    on = on or today()
    if placement is PLACEMENT_UNREAD:
        placement = placement_current(person, on=on)
    snapshot = standards_snapshot(framework=framework)
    frameworks = snapshot.frameworks
    group_ids = {
        item.pk: (
            group_for_placement(
                placement, snapshot.rules[item.pk], schemes=covered_schemes(item)
            )
            if placement
            else None
        )
        for item in frameworks
    }

    framework_ids = [item.pk for item in frameworks]
    evidence_by_competency: dict[int, list[Evidence]] = defaultdict(list)
    for item in (
        Evidence.objects.filter(
            person=person, competency__framework_id__in=framework_ids
        )
        .select_related(
            "level", "recorded_by", *(("attachment",) if with_attachments else ())
        )
        .order_by("-observed_on", "-pk")
    ):
        evidence_by_competency[item.competency_id].append(item)
    chosen = optional_choices_for(person, placement)

    profiles = []
    for item in frameworks:
        group_id = group_ids[item.pk]
        profile = FrameworkProfile(
            framework=item,
            group=snapshot.groups.get(group_id),
            levels=snapshot.levels_by_scale.get(item.scale_id, []),
            coverage_to_confirm=placement is not None
            and coverage_to_confirm(item, placement.scheme_id),
            scheme=placement.scheme if placement is not None else None,
        )
        for competency in snapshot.competencies:
            if (
                competency.framework_id != item.pk
                or competency.kind == Competency.Kind.AREA
            ):
                continue
            requirement = snapshot.requirements.get((group_id, competency.pk))
            evidence = evidence_by_competency.get(competency.pk, [])
            attained, self_assessed = attained_from_evidence(
                evidence, on=on, scale_id=item.scale_id
            )
            profile.rows.append(
                ProfileRow(
                    competency=competency,
                    area=competency.parent,
                    required_level=requirement.required_level if requirement else None,
                    applicability=requirement.applicability if requirement else "",
                    attained_level=attained,
                    self_assessed_level=self_assessed,
                    evidence=evidence,
                    chosen=competency.pk in chosen or competency.parent_id in chosen,
                    provisional=bool(
                        requirement
                        and rests_on_data_to_confirm(requirement, competency)
                    ),
                )
            )
        profiles.append(profile)
    return PersonProfile(person=person, placement=placement, frameworks=profiles)


def optional_choices_for(person: Person, placement: Placement | None) -> set[int]:
    """Ids of the competencies and areas chosen for the person, or for their unit or
    a unit above it (one query)."""
    scope = Q(person=person)
    if placement is not None:
        path = placement.unit.path
        steplen = OrgUnit.steplen
        ancestors = [path[:end] for end in range(steplen, len(path) + 1, steplen)]
        scope |= Q(unit__path__in=ancestors)
    return set(
        OptionalChoice.objects.filter(scope).values_list("competency_id", flat=True)
    )


def chosen_sql(*, person_id: str, unit_path: str, competency: str) -> str:
    """EXISTS: an optional choice covers the competency row aliased `competency`
    (itself or its area) for this person or a unit above `unit_path`. The same rule
    as optional_choices_for, for the matrix, its rollup and the directory."""
    return f"""EXISTS (
        SELECT 1 FROM {_table(OptionalChoice)} ch
        LEFT JOIN {_table(OrgUnit)} cu ON cu.id = ch.unit_id
        WHERE (ch.competency_id = {competency}.id
               OR ch.competency_id = {competency}.parent_id)
          AND (ch.person_id = {person_id}
               OR (cu.path IS NOT NULL AND {unit_path} LIKE cu.path || '%%'))
    )"""  # noqa: S608 - table and column names only


# ------------------------------------------------------------------------------
# An organisation subtree's matrix
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixCell:
    staff: int
    meeting: int
    mean_gap: float

    @property
    def share_meeting(self) -> float:
        return self.meeting / self.staff if self.staff else 0.0


@dataclass
class OrgMatrix:
    root: OrgUnit
    framework: Framework
    by: str
    rows: list  # OrgUnit or PersonnelGroup, in display order
    competencies: list[Competency]
    cells: dict[tuple[int, int], MatrixCell]
    #: The figures come from the maintained tables (competencies.rollups), not a
    #: live aggregate; either way they are current.
    maintained: bool = False

    def cell(self, row_id: int, competency_id: int) -> MatrixCell | None:
        return self.cells.get((row_id, competency_id))


MATRIX_BY = ("unit", "child", "group")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def verified_evidence_sql(
    *, on: date, scale_id: int, framework_id: int | None = None, join: str = ""
) -> tuple[str, list]:
    """The attained-level rule in SQL, its one form (attained_from_evidence is the
    Python one; tests/competencies/test_attained_rule.py holds them equal): `FROM … WHERE
    …` over the evidence `e` and its level `lv` that count on `on`: verified (not a
    self assessment), on the framework's scale, observed on or before the day and not
    expired by it. The attained rank is MAX(lv.rank) over these rows per person and
    competency; callers add their own conditions with AND and their grouping.
    `framework_id` keeps the competencies of one framework (as `c`); `join` adds
    joins (no parameters)."""
    framework_join = (
        f"JOIN {_table(Competency)} c ON c.id = e.competency_id"
        if framework_id is not None
        else ""
    )
    sql = f"""
        FROM {_table(Evidence)} e
        JOIN {_table(ProficiencyLevel)} lv ON lv.id = e.level_id
        {framework_join} {join}
        WHERE lv.scale_id = %s AND e.source <> %s AND e.observed_on <= %s
          AND (e.expires_on IS NULL OR e.expires_on >= %s)"""  # noqa: S608 - names only
    params = [scale_id, Evidence.Source.SELF_ASSESSMENT.value, on, on]
    if framework_id is not None:
        sql += " AND c.framework_id = %s"
        params.append(framework_id)
    return sql, params


def matrix_ctes(
    root_path: str,
    *,
    framework: Framework,
    on: date,
    person_ids: list[int] | None = None,
) -> tuple[str, list]:
    """The `staff` (current placements under `root_path`, with their personnel group),
    `attained` (highest verified unexpired level per person and competency) and
    `counted` (each staff member's requirements that count: required, or optional
    and chosen, with the required rank) common table expressions that the live
    matrix, its maintained figures (competencies.rollups) and their rebuild all
    aggregate. `person_ids` keeps those people only."""
    case_sql, case_params = group_case_sql(
        group_rules(framework), placement="pl", line="lw", covered_by=framework
    )
    people = evidence_people = ""
    if person_ids is not None:
        marks = ", ".join(str(int(pk)) for pk in person_ids) or "NULL"
        people = f"AND pl.person_id IN ({marks})"
        # Said again on the evidence, so the planner reads these people's evidence
        # by index instead of joining all of it to the staff.
        evidence_people = f"AND e.person_id IN ({marks})"
    evidence_sql, evidence_params = verified_evidence_sql(
        on=on,
        scale_id=framework.scale_id,
        framework_id=framework.pk,
        join="JOIN staff s2 ON s2.person_id = e.person_id",
    )
    # Only table names, integer ids and the rule CASE (built from integer ids) are
    # interpolated.
    sql = f"""
        staff AS (
            SELECT pl.person_id AS person_id, u.id AS unit_id,
                   u.path AS unit_path, {case_sql} AS group_id
            FROM {_table(Placement)} pl
            JOIN {_table(OrgUnit)} u ON u.id = pl.unit_id
            JOIN {_table(LineOfWork)} lw ON lw.id = pl.line_of_work_id
            JOIN {_table(Person)} p ON p.id = pl.person_id
            WHERE u.path LIKE %s {people}
              AND pl.starts_on <= %s AND (pl.ends_on IS NULL OR pl.ends_on >= %s)
              AND (p.left_on IS NULL OR p.left_on > %s)
        ),
        attained AS (
            SELECT e.person_id AS person_id, e.competency_id AS competency_id,
                   MAX(lv.rank) AS rank
            {evidence_sql} {evidence_people}
            GROUP BY e.person_id, e.competency_id
        ),
        counted AS (
            SELECT s.person_id AS person_id, s.unit_id AS unit_id,
                   s.unit_path AS unit_path, s.group_id AS group_id,
                   r.competency_id AS competency_id, rl.rank AS required_rank
            FROM staff s
            JOIN {_table(Requirement)} r ON r.group_id = s.group_id
            JOIN {_table(ProficiencyLevel)} rl ON rl.id = r.required_level_id
            JOIN {_table(Competency)} rc ON rc.id = r.competency_id
            WHERE r.applicability = %s
               OR {chosen_sql(person_id="s.person_id", unit_path="s.unit_path", competency="rc")}
        )"""  # noqa: S608
    params = [
        *case_params,
        root_path + "%",
        on,
        on,
        on,
        *evidence_params,
        Requirement.Applicability.REQUIRED.value,
    ]
    return sql, params


def gap_sql(required: str, attained: str) -> str:
    """Gap of a counted requirement: required rank minus attained, at least 0."""
    return (
        f"CASE WHEN {required} > COALESCE({attained}, 0) "
        f"THEN {required} - COALESCE({attained}, 0) ELSE 0 END"
    )


def meets_sql(required: str, attained: str) -> str:
    return f"CASE WHEN COALESCE({attained}, 0) >= {required} THEN 1 ELSE 0 END"


#: Gap of one counted requirement `q` (a row of `counted`) given attainment `a`.
GAP_SQL = gap_sql("q.required_rank", "a.rank")
MEETS_SQL = meets_sql("q.required_rank", "a.rank")


def _bucket_sql(root: OrgUnit, by: str, alias: str) -> tuple[str, list]:
    if by == "group":
        return f"{alias}.group_id", []
    if by == "child":
        return f"SUBSTR({alias}.unit_path, 1, %s)", [OrgUnit.steplen * (root.depth + 1)]
    return f"{alias}.unit_path", []


def maintained_run(framework: Framework, on: date):
    """The framework's maintained figures if they hold for `on` (else None)."""
    from .models import MatrixRollupRun

    return MatrixRollupRun.objects.filter(
        framework=framework, built_for=on, stale=False
    ).first()


def org_matrix(
    root: OrgUnit,
    *,
    framework: Framework,
    by: str = "child",
    on: date | None = None,
    live: bool = False,
) -> OrgMatrix:
    """Per unit (or child subtree, or personnel group) × competency of `root`'s subtree:
    staff counted, staff meeting the requirement, mean gap.

    A constant number of queries whatever the number of staff. Read from the
    maintained figures (competencies.rollups: a sum over a few thousand rows) when
    they hold for `on` and are not stale; otherwise (or with `live`) one SQL aggregate
    over placements, requirements and evidence. Both give the same cells.
    """
    return org_matrices(root, framework=framework, by=(by,), on=on, live=live)[by]


def org_matrices(
    root: OrgUnit,
    *,
    framework: Framework,
    by: tuple[str, ...],
    on: date | None = None,
    live: bool = False,
    units: list[OrgUnit] | None = None,
) -> dict[str, OrgMatrix]:
    """org_matrix for several groupings of the same subtree at once (by unit, child
    subtree, personnel group): one aggregate whose branches, one per grouping, are
    joined with UNION ALL over the same staff, and one read of the competencies
    (none when loaded with the framework: framework_competencies), so that a report
    showing the matrix two ways costs no more queries than one. `units`: the root
    and the units directly under it, by path, when the caller has read them (by
    "child" reads them otherwise)."""
    for item in by:
        if item not in MATRIX_BY:
            raise ValueError(f"by must be one of {MATRIX_BY}")
    on = on or today()
    run = None if live else maintained_run(framework, on)
    branches, params = [], []
    if run is not None:
        from .models import MatrixRollup

        source = f"""(
                SELECT u.path AS unit_path, r.group_id AS group_id,
                       r.competency_id AS competency_id, r.staff AS staff,
                       r.meeting AS meeting, r.gap_sum AS gap_sum
                FROM {_table(MatrixRollup)} r
                JOIN {_table(OrgUnit)} u ON u.id = r.unit_id
                WHERE r.framework_id = %s AND u.path LIKE %s
            ) x"""  # noqa: S608 - names only
        for index, item in enumerate(by):
            bucket_sql, bucket_params = _bucket_sql(root, item, "x")
            path_sql, group_sql = _bucket_columns(item, bucket_sql)
            branches.append(
                f"""SELECT {index}, {path_sql}, {group_sql}, x.competency_id,
                       SUM(x.staff), SUM(x.meeting),
                       SUM(x.gap_sum) * 1.0 / SUM(x.staff)
                FROM {source}
                GROUP BY {bucket_sql}, x.competency_id"""  # noqa: S608
            )
            params += [*bucket_params, framework.pk, root.path + "%", *bucket_params]
        sql = " UNION ALL ".join(branches)
    else:
        ctes, params = matrix_ctes(root.path, framework=framework, on=on)
        for index, item in enumerate(by):
            bucket_sql, bucket_params = _bucket_sql(root, item, "q")
            path_sql, group_sql = _bucket_columns(item, bucket_sql)
            branches.append(
                f"""SELECT {index}, {path_sql}, {group_sql}, q.competency_id,
                       COUNT(*), SUM({MEETS_SQL}), AVG({GAP_SQL} * 1.0)
                FROM counted q
                LEFT JOIN attained a
                       ON a.person_id = q.person_id
                      AND a.competency_id = q.competency_id
                GROUP BY {bucket_sql}, q.competency_id"""  # noqa: S608
            )
            params = [*params, *bucket_params, *bucket_params]
        sql = f"WITH {ctes} " + " UNION ALL ".join(branches)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        results = cursor.fetchall()

    competencies = framework_competencies(framework)
    matrices = {}
    for index, item in enumerate(by):
        found = [
            (path if item != "group" else group_id, *figures)
            for kind, path, group_id, *figures in results
            if kind == index
        ]
        matrices[item] = _matrix_of(
            root,
            framework,
            item,
            found,
            competencies,
            maintained=run is not None,
            units=units,
        )
    return matrices


def _bucket_columns(by: str, bucket_sql: str) -> tuple[str, str]:
    """The bucket as two columns, a path and a group id, so that the branches of
    org_matrices line up whatever they group by."""
    if by == "group":
        return "NULL", bucket_sql
    return bucket_sql, "NULL"


def _matrix_of(
    root: OrgUnit,
    framework: Framework,
    by: str,
    results: list,
    competencies: list[Competency],
    *,
    maintained: bool,
    units: list[OrgUnit] | None = None,
) -> OrgMatrix:
    buckets = {row[0] for row in results}
    if by == "group":
        rows = personnel_groups(framework)
        key_of = {group.pk: group.pk for group in rows}
    else:
        if by == "child" and units is not None:
            units = list(units)
        elif by == "child":
            units = list(
                OrgUnit.objects.filter(
                    Q(pk=root.pk) | Q(path__startswith=root.path, depth=root.depth + 1)
                ).order_by("path")
            )
        else:
            units = list(OrgUnit.objects.filter(path__in=buckets).order_by("path"))
        rows = units
        key_of = {unit.path: unit.pk for unit in units}
    cells = {}
    for bucket, competency_id, staff, meeting, mean_gap in results:
        row_id = key_of.get(bucket)
        if row_id is None:
            continue
        cells[(row_id, competency_id)] = MatrixCell(
            staff=int(staff), meeting=int(meeting or 0), mean_gap=float(mean_gap or 0)
        )
    if by == "child":
        rows = [unit for unit in rows if any(k[0] == unit.pk for k in cells)] or rows
    return OrgMatrix(
        root=root,
        framework=framework,
        by=by,
        rows=rows,
        competencies=competencies,
        cells=cells,
        maintained=maintained,
    )


# ------------------------------------------------------------------------------
# Gaps closed over time
# ------------------------------------------------------------------------------


def _day_after_sql(column: str) -> str:
    """The day after a date column, in the database's own date arithmetic."""
    if connection.vendor == "postgresql":
        return f"({column} + 1)"
    return f"DATE({column}, '+1 day')"


@dataclass(frozen=True)
class GapsClosed:
    gaps: int  # requirements newly met in the period
    people: int  # people who newly met at least one


def gaps_closed(
    root: OrgUnit,
    *,
    framework: Framework,
    periods: list[tuple[date, date]],
    on: date | None = None,
) -> tuple[list[GapsClosed], GapsClosed]:
    """Gaps closed in each period (and in all of them together) by the staff of
    `root`'s subtree on `on` (default today), against their requirements on `on`
    (docs/fiscal-reports.md, "Gaps closed"). One SQL aggregate whatever the staff.

    A gap closes on day d when the person's attained level on the competency (the
    attained rule: verified evidence on the framework's scale, observed by then, not
    expired) reaches the required level on d and did not the day before: a verified
    record at or above the level observed on d, while no such record observed
    earlier still counts on d - 1. A requirement met again after its evidence
    expired closes again; several records on the same day close it once."""
    on = on or today()
    if not periods:
        return [], GapsClosed(0, 0)
    ctes, cte_params = matrix_ctes(root.path, framework=framework, on=on)
    first, last = periods[0][0], max(period[1] for period in periods)
    period_case = " ".join(
        f"WHEN g.closed_on >= %s AND g.closed_on <= %s THEN {number}"
        for number in range(len(periods))
    )
    period_params = [day for period in periods for day in period]
    source = Evidence.Source.SELF_ASSESSMENT.value
    # Only table names and integer loop indices are interpolated.
    sql = f"""
        WITH {ctes},
        closings AS (
            SELECT DISTINCT q.person_id AS person_id,
                   q.competency_id AS competency_id, e.observed_on AS closed_on
            FROM counted q
            JOIN {_table(Evidence)} e
              ON e.person_id = q.person_id AND e.competency_id = q.competency_id
            JOIN {_table(ProficiencyLevel)} lv ON lv.id = e.level_id
            WHERE lv.scale_id = %s AND e.source <> %s AND lv.rank >= q.required_rank
              AND e.observed_on >= %s AND e.observed_on <= %s AND e.observed_on <= %s
              AND (e.expires_on IS NULL OR e.expires_on >= e.observed_on)
              AND NOT EXISTS (
                  SELECT 1 FROM {_table(Evidence)} e2
                  JOIN {_table(ProficiencyLevel)} l2 ON l2.id = e2.level_id
                  WHERE e2.person_id = e.person_id
                    AND e2.competency_id = e.competency_id
                    AND l2.scale_id = %s AND e2.source <> %s
                    AND l2.rank >= q.required_rank
                    AND e2.observed_on < e.observed_on
                    AND (e2.expires_on IS NULL
                         OR {_day_after_sql("e2.expires_on")} >= e.observed_on)
              )
        ),
        dated AS (
            SELECT g.person_id AS person_id, CASE {period_case} END AS period
            FROM closings g
        )
        SELECT period, COUNT(*), COUNT(DISTINCT person_id) FROM dated
        WHERE period IS NOT NULL GROUP BY period
        UNION ALL
        SELECT -1, COUNT(*), COUNT(DISTINCT person_id) FROM dated
        WHERE period IS NOT NULL
    """  # noqa: S608
    params = [
        *cte_params,
        framework.scale_id,
        source,
        first,
        last,
        on,
        framework.scale_id,
        source,
        *period_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        results = {row[0]: GapsClosed(int(row[1]), int(row[2])) for row in cursor}
    return (
        [results.get(number, GapsClosed(0, 0)) for number in range(len(periods))],
        results.get(-1, GapsClosed(0, 0)),
    )
