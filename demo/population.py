"""A realistic, seedable ministry of civil servants for the benchmarks and the demo.

`generate_population()` builds the organisation of `org_blueprint.blueprint()` through
the tree API (a few hundred nodes), then people, placements and evidence with
`bulk_create` in batches: at 100,000 staff that is about 1.3 million rows, which the
services (one validated row per call) would take hours to write. The rows it writes are
valid by construction: levels come from each framework's own scale, evidence expires
after it was observed, every person has exactly one current placement.

The same seed and the same day give the same people, placements and evidence; each
framework draws its evidence from its own random stream, so adding a framework leaves
the evidence on the others unchanged. The shares and weights it draws with are
demo/data/population.yaml, the names it gives demo/data/names.yaml.
"""

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TextIO

from django.db import connection, reset_queries, transaction
from django.db.models import Q
from django.utils import timezone

from competencies.models import (
    Competency,
    Designation,
    Evidence,
    Framework,
    LineOfWork,
    OrgUnit,
    Person,
    Placement,
    PositionLevel,
    PositionType,
    Requirement,
)
from competencies.services import org_unit_create, standards_load

from .content import PopulationTuning, population_tuning, thai_names
from .org_blueprint import MINISTRY_CODE, DivisionSpec, MinistrySpec, blueprint

EMPLOYEE_PREFIX = f"{MINISTRY_CODE}-"
EMAIL_DOMAIN = "mdgd.go.th"
BATCH_SIZE = 5000


@dataclass
class PopulationSummary:
    seed: int
    staff: int
    ministry_code: str
    departments: int
    divisions: int
    units: int
    placements: int
    previous_placements: int
    evidence: int
    evidence_by_source: dict[str, int] = field(default_factory=dict)
    evidence_by_framework: dict[str, int] = field(default_factory=dict)
    staff_by_position_type: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def org_units(self) -> int:
        return 1 + self.departments + self.divisions + self.units

    def lines(self) -> list[str]:
        def counts(values: dict[str, int]) -> str:
            return ", ".join(f"{key} {value:,}" for key, value in values.items())

        return [
            f"Ministry {self.ministry_code} (seed {self.seed}): {self.org_units:,} "
            f"organisation units ({self.departments} departments, {self.divisions} "
            f"divisions, {self.units} units)",
            f"Staff: {self.staff:,} ({counts(self.staff_by_position_type)})",
            f"Placements: {self.placements:,} "
            f"({self.previous_placements:,} previous placements)",
            f"Evidence: {self.evidence:,} ({counts(self.evidence_by_source)})",
            f"Evidence by framework: {counts(self.evidence_by_framework)}",
            "Time: "
            + ", ".join(
                f"{step} {seconds:.1f} s" for step, seconds in self.timings.items()
            )
            + f"; total {self.seconds:.1f} s",
        ]


# ------------------------------------------------------------------------------
# Existence and reset
# ------------------------------------------------------------------------------


def population_exists() -> bool:
    return (
        OrgUnit.objects.filter(code=MINISTRY_CODE).exists()
        or Person.objects.filter(employee_number__startswith=EMPLOYEE_PREFIX).exists()
    )


@transaction.atomic
def population_delete() -> dict[str, int]:
    """Delete the generated ministry, its placements and the generated people.

    People who were not generated (the demo's users) keep their records but lose their
    placements in the deleted ministry.
    """
    generated = Person.objects.filter(employee_number__startswith=EMPLOYEE_PREFIX)
    # Evidence is append-only and its queryset refuses delete(). These rows are
    # benchmark and demo fixtures, never real records, so they go with a raw DELETE
    # that bypasses that guard; nothing else in the project may do this.
    evidence = Evidence.objects.filter(person__in=generated)
    evidence_count = evidence._raw_delete(evidence.db)
    ministry = OrgUnit.objects.filter(code=MINISTRY_CODE).first()
    in_scope = Q(person__in=generated)
    if ministry is not None:  # placements protect their units from deletion
        in_scope |= Q(unit__path__startswith=ministry.path)
    placement_count, _ = Placement.objects.filter(in_scope).delete()
    person_count, _ = generated.delete()
    unit_count = 0
    if ministry is not None:
        unit_count = OrgUnit.objects.filter(path__startswith=ministry.path).count()
        ministry.delete()
    return {
        "evidence": evidence_count,
        "placements": placement_count,
        "people": person_count,
        "org units": unit_count,
    }


# ------------------------------------------------------------------------------
# Generation
# ------------------------------------------------------------------------------


@dataclass
class _Positions:
    """The position structure the generator needs, looked up once."""

    levels: dict[str, list[PositionLevel]]  # by position-type code, lowest rank first
    knowledge_lines: list[LineOfWork]
    general_lines: list[LineOfWork]
    executive_line: LineOfWork
    inspector_line: LineOfWork
    director_line: LineOfWork
    digital_line: LineOfWork
    tuning: PopulationTuning
    line_choices: dict[tuple[str, str], tuple[list[LineOfWork], list[float]]] = field(
        default_factory=dict
    )

    def level(
        self, type_code: str, rank: int, line: LineOfWork | None = None
    ) -> PositionLevel:
        """The level of that rank, kept within what the line of work allows."""
        levels = self.levels[type_code]
        lowest, highest = 1, len(levels)
        if line is not None and line.level_min is not None:
            lowest = line.level_min.rank
        if line is not None and line.level_max is not None:
            highest = line.level_max.rank
        return levels[min(max(rank, lowest), highest) - 1]

    def lines_for(self, type_code: str, focus: str):
        """Lines of work and cumulative weights for one position type and focus."""
        key = (type_code, focus)
        if key not in self.line_choices:
            lines = (
                self.knowledge_lines if type_code == "knowledge" else self.general_lines
            )
            boost = self.tuning.focus_line_boost.get(focus, {})
            line_weights = self.tuning.line_weights
            weights, total = [], 0.0
            for line in lines:
                total += line_weights.get(line.name_th, 1) * boost.get(line.name_th, 1)
                weights.append(total)
            self.line_choices[key] = (lines, weights)
        return self.line_choices[key]


def _positions() -> _Positions:
    types = {
        position_type.code: position_type
        for position_type in PositionType.objects.filter(
            code__in=["executive", "managerial", "knowledge", "general"]
        )
    }
    if len(types) < 4:
        raise ValueError(
            "The position structure is missing executive, managerial, knowledge or "
            "general position types; run load_standards first."
        )
    code_of = {position_type.pk: code for code, position_type in types.items()}
    levels: dict[str, list[PositionLevel]] = {code: [] for code in types}
    for level in PositionLevel.objects.filter(
        position_type__in=types.values()
    ).order_by("rank"):
        levels[code_of[level.position_type_id]].append(level)
    lines = list(
        LineOfWork.objects.select_related(
            "position_type", "level_min", "level_max"
        ).order_by("code", "name_th")
    )

    def of_type(code: str) -> list[LineOfWork]:
        return [
            line
            for line in lines
            if line.position_type is not None and line.position_type.code == code
        ]

    knowledge, general = of_type("knowledge"), of_type("general")
    executive, managerial = of_type("executive"), of_type("managerial")
    if not knowledge or not general or not executive or not managerial:
        raise ValueError(
            "No lines of work for one of the executive, managerial, knowledge or "
            "general position types; run load_standards first."
        )
    digital = [line for line in knowledge if line.category == "digital"] or knowledge

    def by_code(candidates: list[LineOfWork], code: str) -> LineOfWork:
        return next((line for line in candidates if line.code == code), candidates[0])

    return _Positions(
        levels=levels,
        knowledge_lines=knowledge,
        general_lines=general,
        executive_line=by_code(executive, "1-1-001"),
        inspector_line=by_code(executive, "1-1-004"),
        director_line=by_code(managerial, "2-1-001"),
        digital_line=by_code(digital, "3-1-0013"),
        tuning=population_tuning(),
    )


@dataclass(slots=True)
class _Previous:
    unit: OrgUnit
    position_level: PositionLevel
    starts_on: date
    ends_on: date
    supervisor: int | None


@dataclass(slots=True)
class _Member:
    """One generated civil servant before their rows are written."""

    title: tuple[str, str]
    first_name: tuple[str, str]
    last_name: tuple[str, str]
    unit: OrgUnit
    type_code: str
    position_level: PositionLevel
    line: LineOfWork
    position_title: str
    supervisor: int | None
    starts_on: date
    administrative_post: str = ""
    designation: str = ""
    previous: _Previous | None = None


@dataclass
class _Division:
    spec: DivisionSpec
    node: OrgUnit
    units: list[OrgUnit]
    director: int = -1


@dataclass
class _Department:
    node: OrgUnit
    head_title: str
    deputy_title: str
    divisions: list[_Division]
    head: int = -1


def _node(spec, kind: str, parent: OrgUnit | None) -> OrgUnit:
    """The organisation unit a blueprint spec (ministry, department, ...) describes."""
    return org_unit_create(
        code=spec.code,
        name_th=spec.name_th,
        name_en=spec.name_en,
        kind=kind,
        parent=parent,
    )


def _build_org(spec: MinistrySpec) -> tuple[OrgUnit, list[_Department]]:
    kind = OrgUnit.Kind
    ministry = _node(spec, kind.MINISTRY, None)
    departments = []
    for department_spec in spec.departments:
        department = _node(department_spec, kind.DEPARTMENT, ministry)
        divisions = []
        for division_spec in department_spec.divisions:
            division = _node(division_spec, kind.DIVISION, department)
            units = [
                _node(unit_spec, kind.UNIT, division)
                for unit_spec in division_spec.units
            ]
            divisions.append(_Division(spec=division_spec, node=division, units=units))
        departments.append(
            _Department(
                node=department,
                head_title=department_spec.head_title_th,
                deputy_title=department_spec.deputy_title_th,
                divisions=divisions,
            )
        )
    return ministry, departments


class _StaffBuilder:
    """Draws people, positions and placements from one random stream, in a fixed order."""

    def __init__(self, rng: random.Random, positions: _Positions, on: date):
        self.rng = rng
        self.positions = positions
        self.on = on
        self.names = thai_names()
        self.members: list[_Member] = []

    def add(
        self,
        *,
        unit: OrgUnit,
        type_code: str,
        rank: int,
        line: LineOfWork,
        title: str = "",
        supervisor: int | None,
        tenure_days: int = 3650,
        designation: str = "",
    ) -> int:
        rng, names = self.rng, self.names
        titles = names.titles
        if rng.random() < 0.56:
            first_name = rng.choice(names.female_first_names)
            title_pair = titles["mrs"] if rng.random() < 0.45 else titles["miss"]
        else:
            first_name = rng.choice(names.male_first_names)
            title_pair = titles["mr"]
            if rng.random() < 0.04:
                title_pair = titles["acting_sub_lieutenant"]
        if type_code != "general" and rank >= 2 and rng.random() < 0.08:
            title_pair = titles["doctor"]
        level = self.positions.level(type_code, rank, line)
        self.members.append(
            _Member(
                title=title_pair,
                first_name=first_name,
                last_name=rng.choice(names.surnames),
                unit=unit,
                type_code=type_code,
                position_level=level,
                line=line,
                position_title=f"{line.name_th}{level.name_th}"
                if type_code in ("knowledge", "general")
                else title or line.name_th,
                administrative_post=title,
                designation=designation,
                supervisor=supervisor,
                starts_on=self.on - timedelta(days=rng.randint(30, tenure_days)),
            )
        )
        return len(self.members) - 1

    def executive(
        self,
        *,
        unit: OrgUnit,
        line: LineOfWork,
        title: str,
        supervisor: int | None,
        rank: int = 2,
        designation: str = "",
    ) -> int:
        """An executive post (ปลัด, อธิบดี and their deputies): at most four years in it."""
        return self.add(
            unit=unit,
            type_code="executive",
            rank=rank,
            line=line,
            title=title,
            supervisor=supervisor,
            tenure_days=1460,
            designation=designation,
        )

    def policy_expert(self, *, unit: OrgUnit, rank: int, supervisor: int) -> int:
        """A senior knowledge worker advising a ministry or a department."""
        lines, cum_weights = self.positions.lines_for("knowledge", "policy")
        line = self.rng.choices(lines, cum_weights=cum_weights)[0]
        return self.add(
            unit=unit,
            type_code="knowledge",
            rank=rank,
            line=line,
            supervisor=supervisor,
        )

    def operational(self, *, unit: OrgUnit, focus: str, supervisor: int) -> int:
        rng, tuning = self.rng, self.positions.tuning
        share = tuning.knowledge_share.get(focus, tuning.default_knowledge_share)
        if rng.random() < share:
            type_code, weights = "knowledge", tuning.knowledge_level_weights
        else:
            type_code, weights = "general", tuning.general_level_weights
        rank = rng.choices(range(1, len(weights) + 1), weights=weights)[0]
        lines, cum_weights = self.positions.lines_for(type_code, focus)
        line = rng.choices(lines, cum_weights=cum_weights)[0]
        return self.add(
            unit=unit, type_code=type_code, rank=rank, line=line, supervisor=supervisor
        )

    def unit_head(self, *, unit: OrgUnit, focus: str, supervisor: int) -> int:
        """A กลุ่มงาน is led by a senior knowledge worker, not a manager: the
        administrative post หัวหน้ากลุ่มงาน on a วิชาการ position."""
        lines, cum_weights = self.positions.lines_for("knowledge", focus)
        line = self.rng.choices(lines, cum_weights=cum_weights)[0]
        index = self.add(
            unit=unit, type_code="knowledge", rank=3, line=line, supervisor=supervisor
        )
        self.members[index].administrative_post = f"หัวหน้า{unit.name_th}"
        return index

    def previous(self, index: int, *, unit: OrgUnit, supervisor: int | None) -> None:
        """An earlier placement, one level lower where there is one."""
        member = self.members[index]
        level = member.position_level
        lower = self.positions.level(member.type_code, level.rank - 1, member.line)
        ends_on = member.starts_on - timedelta(days=1)
        member.previous = _Previous(
            unit=unit,
            position_level=lower,
            starts_on=ends_on - timedelta(days=self.rng.randint(365, 6 * 365)),
            ends_on=ends_on,
            supervisor=supervisor,
        )


def _leader_counts(staff: int) -> dict[str, int]:
    return {
        "inspectors": 0 if staff < 5000 else 2 if staff < 50000 else 4,
        "ministry_deputies": 0 if staff < 5000 else 2,
        "advisors": staff // 40000,
        "department_deputies": 1 if staff < 5000 else 2 if staff < 50000 else 3,
        "department_experts": round(staff * 0.0006),
    }


def _draw_staff(
    *,
    staff: int,
    rng: random.Random,
    positions: _Positions,
    ministry: OrgUnit,
    departments: list[_Department],
    on: date,
) -> list[_Member]:
    counts = _leader_counts(staff)
    experts_each = counts["department_experts"] // len(departments)
    leaders = (
        1
        + counts["inspectors"]
        + counts["ministry_deputies"]
        + counts["advisors"]
        + sum(
            1 + counts["department_deputies"] + experts_each + len(dept.divisions)
            for dept in departments
        )
    )
    if staff <= leaders:
        raise ValueError(
            f"A ministry of this shape needs more than {leaders} staff; got {staff}."
        )
    builder = _StaffBuilder(rng, positions, on)
    p = positions

    # The ministry's executives, then each department's head, deputies, experts and
    # division directors: supervisors come before the people they supervise.
    permanent_secretary = builder.executive(
        unit=ministry, line=p.executive_line, title="ปลัดกระทรวง", supervisor=None
    )
    for count, line, title in (
        (counts["inspectors"], p.inspector_line, "ผู้ตรวจราชการกระทรวง"),
        (counts["ministry_deputies"], p.executive_line, "รองปลัดกระทรวง"),
    ):
        for _ in range(count):
            builder.executive(
                unit=ministry, line=line, title=title, supervisor=permanent_secretary
            )
    for _ in range(counts["advisors"]):
        builder.policy_expert(unit=ministry, rank=5, supervisor=permanent_secretary)
    for department in departments:
        department.head = builder.executive(
            unit=department.node,
            line=p.executive_line,
            title=department.head_title,
            supervisor=permanent_secretary,
        )
        for number in range(counts["department_deputies"]):
            # The first deputy is the department's chief information officer: a
            # designation on an executive position, not the line นักวิชาการคอมพิวเตอร์.
            builder.executive(
                unit=department.node,
                rank=1,
                line=p.executive_line,
                title=department.deputy_title,
                supervisor=department.head,
                designation=Designation.DEPARTMENT_CIO if number == 0 else "",
            )
        for _ in range(experts_each):
            builder.policy_expert(
                unit=department.node, rank=4, supervisor=department.head
            )
        for division in department.divisions:
            division.director = builder.add(
                unit=division.node,
                type_code="managerial",
                rank=division.spec.director_level_rank,
                line=p.director_line,
                title=division.spec.director_title_th,
                supervisor=department.head,
                tenure_days=2190,
                designation=Designation.ICT_UNIT_HEAD
                if division.spec.focus == "ict"
                else "",
            )

    # Leaders' earlier posts: the same kind of node elsewhere in the ministry.
    department_nodes = [department.node for department in departments]
    division_nodes = [div.node for dept in departments for div in dept.divisions]
    for index in range(len(builder.members)):
        if rng.random() >= p.tuning.previous_placement_share:
            continue
        kind = builder.members[index].unit.kind
        candidates = {
            OrgUnit.Kind.MINISTRY: [ministry],
            OrgUnit.Kind.DEPARTMENT: department_nodes,
        }.get(kind, division_nodes)
        builder.previous(index, unit=rng.choice(candidates), supervisor=None)

    # Operational staff: spread over division offices and units in proportion to each
    # division's size, by largest remainder so the total is exact.
    slots: list[tuple[_Department, _Division, OrgUnit, float]] = []
    for department in departments:
        for division in department.divisions:
            total = division.spec.size * rng.uniform(0.8, 1.2)
            if not division.units:
                slots.append((department, division, division.node, total))
                continue
            slots.append((department, division, division.node, total * 0.2))
            shares = [rng.uniform(0.6, 1.4) for _ in division.units]
            for unit, share in zip(division.units, shares, strict=True):
                slots.append(
                    (department, division, unit, total * 0.8 * share / sum(shares))
                )
    remaining = staff - len(builder.members)
    weight_sum = sum(slot[3] for slot in slots)
    exact = [remaining * slot[3] / weight_sum for slot in slots]
    sizes = [int(value) for value in exact]
    by_remainder = sorted(
        range(len(slots)), key=lambda i: (sizes[i] - exact[i], i)
    )  # most left over first
    for i in by_remainder[: remaining - sum(sizes)]:
        sizes[i] += 1

    slots_by_department: dict[int, list[tuple[_Division, OrgUnit]]] = {}
    for department, division, node, _weight in slots:
        slots_by_department.setdefault(department.node.pk, []).append((division, node))
    for (department, division, node, _weight), size in zip(slots, sizes, strict=True):
        focus = division.spec.focus
        for position in range(size):
            if position == 0 and node.kind == OrgUnit.Kind.UNIT and size >= 4:
                index = builder.unit_head(
                    unit=node, focus=focus, supervisor=division.director
                )
            else:
                index = builder.operational(
                    unit=node, focus=focus, supervisor=division.director
                )
            if rng.random() < p.tuning.previous_placement_share:
                earlier_division, earlier_node = rng.choice(
                    slots_by_department[department.node.pk]
                )
                builder.previous(
                    index, unit=earlier_node, supervisor=earlier_division.director
                )
    return builder.members


# ------------------------------------------------------------------------------
# Evidence
# ------------------------------------------------------------------------------


@dataclass
class _FrameworkPlan:
    framework: Framework
    is_newest: bool
    competency_ids: list[int]
    level_ids: dict[int, int]  # rank -> level id
    rules: list
    required: dict[
        int, dict[int, tuple[int, bool]]
    ]  # group -> competency -> rank, core
    window: tuple[date, date]
    rng: random.Random
    group_cache: dict[tuple[int, int, int], int | None] = field(default_factory=dict)

    @property
    def top_rank(self) -> int:
        return max(self.level_ids)

    def group_of(self, member: _Member) -> int | None:
        key = (
            member.position_level.position_type_id,
            member.position_level.pk,
            member.line.pk,
            member.designation,
        )
        if key not in self.group_cache:
            self.group_cache[key] = next(
                (
                    rule.group_id
                    for rule in self.rules
                    if rule.matches(
                        position_type_id=member.position_level.position_type_id,
                        position_level_id=member.position_level.pk,
                        line_of_work_id=member.line.pk,
                        line_of_work_category=member.line.category,
                        designation=member.designation,
                    )
                ),
                None,
            )
        return self.group_cache[key]

    def day(self) -> date:
        start, end = self.window
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def level(self, required_rank: int, shift: float, ability: float, spread: float):
        """A level id near the required rank; on a pass / not-yet scale (one level)
        None, meaning not yet, when the draw falls short of a pass."""
        base = (required_rank or 1.5) + shift + ability + self.rng.gauss(0, spread)
        if self.top_rank == 1:
            return (
                self.level_ids[1] if base >= 1.5 - 0.5 * (required_rank or 0) else None
            )
        return self.level_ids[min(max(round(base), 1), self.top_rank)]


def _plans(frameworks: list[Framework], *, seed: int, on: date) -> list[_FrameworkPlan]:
    """One plan per framework, in a fixed order.

    The latest adopted framework (or one with no adoption date) holds the Academy's
    own evidence; a framework adopted earlier holds results imported from the legacy
    HR system, observed before the latest one was adopted, most of them expired.
    """
    ordered = sorted(frameworks, key=lambda item: (item.code, item.version))
    adopted = [item.adopted_on for item in ordered if item.adopted_on]
    latest = max(adopted) if adopted else None
    earliest = on - timedelta(days=4 * 365)
    plans = []
    for framework in ordered:
        required: dict[int, dict[int, tuple[int, bool]]] = {}
        for group_id, competency_id, rank, applicability in Requirement.objects.filter(
            group__framework=framework
        ).values_list(
            "group_id", "competency_id", "required_level__rank", "applicability"
        ):
            required.setdefault(group_id, {})[competency_id] = (
                rank,
                applicability == Requirement.Applicability.REQUIRED,
            )
        is_newest = framework.adopted_on is None or framework.adopted_on == latest
        if is_newest:
            start = max(framework.adopted_on or earliest, earliest)
            end = on - timedelta(days=7)
        else:
            start = framework.adopted_on
            end = min(latest, on) - timedelta(days=30)
        if end <= start:
            start = end - timedelta(days=365)
        plans.append(
            _FrameworkPlan(
                framework=framework,
                is_newest=is_newest,
                competency_ids=list(
                    framework.competencies.exclude(kind=Competency.Kind.AREA)
                    .order_by("sort_order", "code")
                    .values_list("pk", flat=True)
                ),
                level_ids=dict(
                    framework.scale.levels.values_list("rank", "pk").order_by("rank")
                ),
                rules=list(framework.group_rules.order_by("priority", "pk")),
                required=required,
                window=(start, end),
                rng=random.Random(f"{seed}:evidence:{framework.code}"),
            )
        )
    return plans


# The columns written for each evidence row, in this order.
_EVIDENCE_FIELDS = (
    "person",
    "competency",
    "level",
    "source",
    "observed_on",
    "expires_on",
    "reference",
    "note",
    "created_at",
)


class _EvidenceWriter:
    """Collects evidence rows and writes them in batches.

    On PostgreSQL the rows go in with COPY: at 1.4 million rows it is about five times
    faster than bulk_create, which spends most of its time building model instances
    and compiling the INSERT (measured: 300,000 rows in 7.6 s against 36.7 s). The
    rows are the same either way and the database checks every constraint.
    """

    def __init__(self):
        self.pending: list[tuple] = []
        self.by_source: Counter = Counter()
        self.by_framework: Counter = Counter()
        self.created_at = timezone.now()
        self.use_copy = connection.vendor == "postgresql"

    def add(
        self,
        framework: Framework,
        person_id: int,
        competency_id: int,
        level_id: int,
        source: str,
        observed_on: date,
        expires_on: date | None = None,
        reference: str = "",
        note: str = "",
    ) -> None:
        if level_id is None:  # not yet passed: nothing to record
            return
        self.pending.append(
            (
                person_id,
                competency_id,
                level_id,
                source,
                observed_on,
                expires_on,
                reference,
                note,
                self.created_at,
            )
        )
        self.by_source[source] += 1
        self.by_framework[framework.code] += 1
        if len(self.pending) >= 4 * BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        if self.use_copy:
            self._copy()
        else:
            names = [
                Evidence._meta.get_field(name).attname for name in _EVIDENCE_FIELDS
            ]
            Evidence.objects.bulk_create(
                [
                    Evidence(**dict(zip(names, row, strict=True)))
                    for row in self.pending
                ],
                batch_size=BATCH_SIZE,
            )
        self.pending = []
        reset_queries()  # DEBUG keeps every query; a million rows of SQL is too many

    def _copy(self) -> None:
        quote = connection.ops.quote_name
        columns = ", ".join(
            quote(Evidence._meta.get_field(name).column) for name in _EVIDENCE_FIELDS
        )
        statement = f"COPY {quote(Evidence._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in self.pending:
                copy.write_row(row)


def _evidence_for(
    plan: _FrameworkPlan,
    *,
    person_id: int,
    member: _Member,
    ability: float,
    writer: _EvidenceWriter,
    counters: Counter,
    tuning: PopulationTuning,
) -> None:
    rng = plan.rng
    requirement = plan.required.get(plan.group_of(member), {})
    required = [pk for pk in plan.competency_ids if pk in requirement]
    core = [pk for pk in required if requirement[pk][1]] or required
    if not core:
        core = plan.competency_ids
    source = Evidence.Source

    def add(competency_id, level_id, kind, observed_on, expires_on=None, **extra):
        writer.add(
            plan.framework,
            person_id,
            competency_id,
            level_id,
            kind,
            observed_on,
            expires_on,
            **extra,
        )

    def rank(pk: int) -> int:
        return requirement.get(pk, (0, False))[0]

    if not plan.is_newest:
        if rng.random() < tuning.import_share:
            observed = plan.day()
            count = rng.randint(
                min(3, len(plan.competency_ids)), min(8, len(plan.competency_ids))
            )
            for pk in sorted(rng.sample(plan.competency_ids, count)):
                add(
                    pk,
                    plan.level(rank(pk), -0.2, ability, 0.8),
                    source.IMPORT,
                    observed,
                    observed + timedelta(days=tuning.import_valid_days),
                    reference="import:legacy-hris",
                )
        if rng.random() < tuning.old_assessment_share:
            counters["attempt"] += 1
            observed = plan.day()
            for pk in core:
                add(
                    pk,
                    plan.level(rank(pk), -0.4, ability, 0.8),
                    source.ASSESSMENT,
                    observed,
                    observed + timedelta(days=tuning.assessment_valid_days),
                    reference=f"attempt:{counters['attempt']}",
                )
        return

    if rng.random() < tuning.assessment_share:
        counters["attempt"] += 1
        observed = plan.day()
        covered = core + [
            pk for pk in plan.competency_ids if pk not in core and rng.random() < 0.25
        ]
        for pk in covered:
            add(
                pk,
                plan.level(rank(pk), -0.35, ability, 0.7),
                source.ASSESSMENT,
                observed,
                observed + timedelta(days=tuning.assessment_valid_days),
                reference=f"attempt:{counters['attempt']}",
            )
    courses = rng.choices(
        range(len(tuning.course_count_weights)), tuning.course_count_weights
    )[0]
    targets = required or plan.competency_ids
    for _ in range(courses):
        course = rng.randint(1, 60)
        observed = plan.day()
        for pk in rng.sample(targets, min(len(targets), rng.choice((1, 1, 2)))):
            add(
                pk,
                plan.level(rank(pk), 0.1, ability, 0.5),
                source.COURSE_COMPLETION,
                observed,
                reference=f"course:{course}",
            )
    if rng.random() < tuning.self_assessment_share:
        observed = plan.day()
        for pk in targets:
            add(
                pk,
                plan.level(rank(pk), 0.3, ability, 0.8),
                source.SELF_ASSESSMENT,
                observed,
            )
    if rng.random() < tuning.manual_rating_share:
        observed = plan.day()
        for pk in rng.sample(targets, min(len(targets), rng.randint(1, 2))):
            add(
                pk,
                plan.level(rank(pk), 0.0, ability, 0.6),
                source.MANUAL_RATING,
                observed,
                note="ประเมินโดยผู้บังคับบัญชา",
            )
    if rng.random() < tuning.prior_learning_share:
        counters["rpl"] += 1
        pk = rng.choice(targets)
        add(
            pk,
            plan.level(rank(pk), 0.5, ability, 0.5),
            source.PRIOR_LEARNING,
            plan.day(),
            reference=f"rpl:{counters['rpl']}",
            note="เทียบโอนจากประกาศนียบัตรวิชาชีพ",
        )


def _ability(rng: random.Random, member: _Member) -> float:
    """How far above the typical level a person tends to be; IT staff know more."""
    ability = rng.gauss(0, 0.55)
    if member.line.category == LineOfWork.Category.DIGITAL:
        ability += 0.45
    if member.type_code in ("executive", "managerial"):
        ability += 0.15
    return ability


# ------------------------------------------------------------------------------
# The entry point
# ------------------------------------------------------------------------------


def generate_population(
    *,
    staff: int,
    seed: int = 2569,
    with_evidence: bool = True,
    frameworks: list[Framework] | None = None,
    on: date | None = None,
    stdout: TextIO | None = None,
) -> PopulationSummary:
    """Build the ministry and `staff` civil servants with placements and evidence.

    `frameworks` defaults to the active ones (the standards are loaded first if there
    are none); `on` is the day placements and evidence are dated from (today).
    Raises ValueError if a population already exists: call population_delete() first.
    """
    started = time.perf_counter()
    on = on or timezone.localdate()
    timings: dict[str, float] = {}

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")
            stdout.flush()

    def lap(step: str, since: float) -> float:
        now = time.perf_counter()
        timings[step] = now - since
        return now

    if population_exists():
        raise ValueError("A generated population already exists; delete it first.")
    if not Framework.objects.exists():
        say("No frameworks yet: loading the shipped standards.")
        standards_load()
    if frameworks is None:
        frameworks = list(Framework.objects.filter(status=Framework.Status.ACTIVE))
    spec = blueprint(staff)
    rng = random.Random(seed)
    mark = time.perf_counter()

    with transaction.atomic():
        positions = _positions()
        ministry, departments = _build_org(spec)
        mark = lap("organisation", mark)
        say(
            f"Organisation: {len(spec.departments)} departments, "
            f"{len(spec.divisions)} divisions, {len(spec.units)} units "
            f"({timings['organisation']:.1f} s)"
        )

        members = _draw_staff(
            staff=staff,
            rng=rng,
            positions=positions,
            ministry=ministry,
            departments=departments,
            on=on,
        )
        people = _people(members)
        for start in range(0, len(people), BATCH_SIZE):
            Person.objects.bulk_create(people[start : start + BATCH_SIZE])
            reset_queries()
        mark = lap("people", mark)
        say(f"People: {len(people):,} ({timings['people']:.1f} s)")

        placements = _placements(members, people)
        for start in range(0, len(placements), BATCH_SIZE):
            Placement.objects.bulk_create(placements[start : start + BATCH_SIZE])
            reset_queries()
        mark = lap("placements", mark)
        say(f"Placements: {len(placements):,} ({timings['placements']:.1f} s)")

        writer = _EvidenceWriter()
        if with_evidence:
            ability_rng = random.Random(f"{seed}:ability")
            abilities = [_ability(ability_rng, member) for member in members]
            counters: Counter = Counter()
            for plan in _plans(frameworks, seed=seed, on=on):
                for person, member, ability in zip(
                    people, members, abilities, strict=True
                ):
                    _evidence_for(
                        plan,
                        person_id=person.pk,
                        member=member,
                        ability=ability,
                        writer=writer,
                        counters=counters,
                        tuning=positions.tuning,
                    )
                writer.flush()
                mark = lap(f"evidence {plan.framework.code}", mark)
                say(
                    f"Evidence on {plan.framework.code}: "
                    f"{writer.by_framework[plan.framework.code]:,} "
                    f"({timings[f'evidence {plan.framework.code}']:.1f} s)"
                )
    # PostgreSQL checks the deferred foreign keys of every row here.
    lap("commit", mark)

    by_type = Counter(member.type_code for member in members)
    return PopulationSummary(
        seed=seed,
        staff=len(people),
        ministry_code=spec.code,
        departments=len(spec.departments),
        divisions=len(spec.divisions),
        units=len(spec.units),
        placements=len(placements),
        previous_placements=len(placements) - len(people),
        evidence=sum(writer.by_source.values()),
        evidence_by_source=dict(writer.by_source.most_common()),
        evidence_by_framework=dict(writer.by_framework),
        staff_by_position_type={
            code: by_type[code]
            for code in ("executive", "managerial", "knowledge", "general")
        },
        timings=timings,
        seconds=time.perf_counter() - started,
    )


def _people(members: list[_Member]) -> list[Person]:
    emails: Counter = Counter()
    people = []
    for number, member in enumerate(members, start=1):
        local = f"{member.first_name[1]}.{member.last_name[1][:2]}".lower()
        emails[local] += 1
        if emails[local] > 1:
            local = f"{local}{emails[local]}"
        people.append(
            Person(
                employee_number=f"{EMPLOYEE_PREFIX}{number:07d}",
                title_th=member.title[0],
                first_name_th=member.first_name[0],
                last_name_th=member.last_name[0],
                title_en=member.title[1],
                first_name_en=member.first_name[1],
                last_name_en=member.last_name[1],
                email=f"{local}@{EMAIL_DOMAIN}",
            )
        )
    return people


def _placements(members: list[_Member], people: list[Person]) -> list[Placement]:
    placements = []
    for person, member in zip(people, members, strict=True):
        level = member.position_level
        supervisor_id = (
            people[member.supervisor].pk if member.supervisor is not None else None
        )
        previous = member.previous
        if previous is not None:
            placements.append(
                Placement(
                    person_id=person.pk,
                    unit_id=previous.unit.pk,
                    position_type_id=level.position_type_id,
                    position_level_id=previous.position_level.pk,
                    line_of_work_id=member.line.pk,
                    position_title=f"{member.line.name_th}{previous.position_level.name_th}"
                    if member.type_code in ("knowledge", "general")
                    else "",
                    supervisor_id=people[previous.supervisor].pk
                    if previous.supervisor is not None
                    else None,
                    starts_on=previous.starts_on,
                    ends_on=previous.ends_on,
                )
            )
        placements.append(
            Placement(
                person_id=person.pk,
                unit_id=member.unit.pk,
                position_type_id=level.position_type_id,
                position_level_id=level.pk,
                line_of_work_id=member.line.pk,
                position_title=member.position_title,
                administrative_post=member.administrative_post,
                designation=member.designation,
                supervisor_id=supervisor_id,
                starts_on=member.starts_on,
            )
        )
    return placements
