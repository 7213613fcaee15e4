"""Reads of assignments, compliance and development plans, with the HR scope applied.

The HR officer's scope is competencies.hr.selectors' (people whose current placement is
in their subtrees); an assignment is visible to an officer when someone in their scope
was assigned it, and they see and count only those people. Anything else is a 404.
Compliance is counted in the database, one aggregate query per report, whatever the
number of people:

- completed: the person's account has a completion of the course (at any time: a
  course done before it was assigned counts);
- in progress: not completed, and an open enrolment (active or awaiting approval);
- overdue: not completed and the due date has passed;
- not started: the rest (people without an account are never started).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Window
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from academy.core.thaidate import fiscal_year, fiscal_year_bounds
from competencies.hr.selectors import (
    HRAccess,
    group_expression,
    person_get_visible,
    placements_in_scope,
    unit_get_in_scope,
    unit_trails,
)
from competencies.models import OrgUnit, Person, Placement
from competencies.selectors import (
    PLACEMENT_UNREAD,
    FrameworkProfile,
    person_and_placement,
    person_profile,
    placements_current,
)

from ..models import (
    Assignee,
    CourseAssignment,
    CourseCompletion,
    CoursePage,
    DevelopmentPlan,
    Enrolment,
    PlanCourse,
    PlanGap,
)
from ..selectors import catalogue_index

PAGE_SIZE = 50


def today() -> date:
    return timezone.localdate()


# ------------------------------------------------------------------------------
# Who an assignment reaches
# ------------------------------------------------------------------------------


@dataclass
class AssignmentTarget:
    """The criteria of an assignment, as the HR officer chose them."""

    unit: OrgUnit | None = None
    group: object | None = None  # PersonnelGroup
    position_type: object | None = None
    position_level: object | None = None
    employee_numbers: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, assignment: CourseAssignment) -> "AssignmentTarget":
        """The criteria an assignment was made with (a list is not kept: None)."""
        return cls(
            unit=assignment.unit,
            group=assignment.group,
            position_type=assignment.position_type,
            position_level=assignment.position_level,
        )


def assignment_people(access: HRAccess, target: AssignmentTarget):
    """(person ids queryset, employee numbers not found in the scope).

    By list: exactly the people listed, each of whom must be in the scope. Otherwise
    everyone currently placed in the scope who matches every criterion given.
    """
    placements = placements_in_scope(access)
    if target.employee_numbers:
        placements = placements.filter(
            person__employee_number__in=target.employee_numbers
        )
        found = set(
            placements.values_list("person__employee_number", flat=True).distinct()
        )
        missing = [number for number in target.employee_numbers if number not in found]
        return placements.values("person_id").distinct(), missing
    if target.unit is not None:
        placements = placements.filter(unit__path__startswith=target.unit.path)
    if target.position_type is not None:
        placements = placements.filter(position_type=target.position_type)
    if target.position_level is not None:
        placements = placements.filter(position_level=target.position_level)
    if target.group is not None:
        rules = list(target.group.framework.group_rules.all())
        placements = placements.alias(group_id=group_expression(rules)).filter(
            group_id=target.group.pk
        )
    return placements.values("person_id").distinct(), []


REACH_LISTED = 50


@dataclass
class Reach:
    """Who an assignment would reach: how many, the first of them by name (each with
    the placement that puts them in the scope), and listed numbers not found."""

    count: int
    people: list[Placement]
    missing: list[str]


def assignment_reach(
    access: HRAccess, target: AssignmentTarget, *, listed: int = REACH_LISTED
) -> Reach:
    """The preview an officer sees before assigning: the count, and the first `listed`
    people by name with their unit (code and parent path). Three queries at most:
    the first people with the count of all (a window over the same rows), their
    placements, the units above theirs (remembered on `access` for the request)."""
    people, missing = assignment_people(access, target)
    if listed > 0:
        rows = list(
            Person.objects.filter(pk__in=people)
            .annotate(reached=Window(Count("pk")))
            .order_by("first_name_th", "last_name_th", "pk")
            .values_list("pk", "reached")[:listed]
        )
        count = rows[0][1] if rows else 0
        first = [pk for pk, _reached in rows]
    else:
        count, first = people.count(), []
    placements: dict[int, Placement] = {}
    for placement in (
        placements_in_scope(access)
        .filter(person_id__in=first)
        .select_related("person", "unit")
        .order_by("-starts_on", "-pk")
    ):
        placements.setdefault(placement.person_id, placement)
    listed_placements = [placements[pk] for pk in first if pk in placements]
    unit_trails([placement.unit for placement in listed_placements], access=access)
    return Reach(count=count, people=listed_placements, missing=missing)


def courses_assignable():
    """Live courses an officer may assign, by title."""
    return CoursePage.objects.live().public().order_by("title")


# ------------------------------------------------------------------------------
# Status of each assignee, in SQL
# ------------------------------------------------------------------------------


def _completed():
    return Exists(
        CourseCompletion.objects.filter(
            user_id=OuterRef("person__user_id"),
            course_id=OuterRef("assignment__course_id"),
        )
    )


def _started():
    return Exists(
        Enrolment.objects.filter(
            user_id=OuterRef("person__user_id"),
            course_id=OuterRef("assignment__course_id"),
            status__in=Enrolment.OPEN_STATUSES,
        )
    )


def _unit_path(access: HRAccess, on: date):
    """The path of the person's current unit in the scope (NULL: out of scope)."""
    return Subquery(
        placements_in_scope(access, on=on)
        .filter(person_id=OuterRef("person_id"))
        .order_by("-starts_on", "-pk")
        .values("unit__path")[:1]
    )


def assignees_with_status(access: HRAccess, *, on: date | None = None):
    """The assignees an officer may see, with done / started / unit_path annotated."""
    on = on or today()
    return (
        Assignee.objects.annotate(
            unit_path=_unit_path(access, on), done=_completed(), started=_started()
        )
        .filter(unit_path__isnull=False)
        .order_by()
    )


def _counts(on: date) -> dict:
    overdue = Q(done=False, assignment__due_on__lt=on)
    return {
        "assigned": Count("pk"),
        "completed": Count("pk", filter=Q(done=True)),
        "in_progress": Count("pk", filter=Q(done=False, started=True)),
        "overdue": Count("pk", filter=overdue),
    }


@dataclass
class Tally:
    assigned: int = 0
    completed: int = 0
    in_progress: int = 0
    overdue: int = 0

    @property
    def not_started(self) -> int:
        return self.assigned - self.completed - self.in_progress

    @property
    def share_completed(self) -> float:
        return self.completed / self.assigned if self.assigned else 0.0

    @property
    def percent_completed(self) -> int:
        return round(100 * self.share_completed)

    def add(self, other: "Tally") -> None:
        self.assigned += other.assigned
        self.completed += other.completed
        self.in_progress += other.in_progress
        self.overdue += other.overdue


def _tally(row: dict) -> Tally:
    return Tally(
        assigned=row["assigned"],
        completed=row["completed"],
        in_progress=row["in_progress"],
        overdue=row["overdue"],
    )


# ------------------------------------------------------------------------------
# Assignments an officer sees
# ------------------------------------------------------------------------------


def _officer(access: HRAccess) -> None:
    if not access.is_hr_officer:
        raise Http404


def assignments_visible(
    access: HRAccess, *, on: date | None = None, active_only: bool = False
):
    """Assignments reaching at least one person in the officer's scope, newest first
    (active_only: without the cancelled ones)."""
    _officer(access)
    on = on or today()
    reaching = Assignee.objects.filter(assignment_id=OuterRef("pk")).filter(
        Exists(
            placements_in_scope(access, on=on).filter(person_id=OuterRef("person_id"))
        )
    )
    assignments = CourseAssignment.objects.filter(Exists(reaching))
    if active_only:
        assignments = assignments.filter(cancelled_at__isnull=True)
    return assignments.select_related(
        "course", "unit", "group", "position_type", "position_level"
    ).order_by("-created_at", "-pk")


def assignment_get(access: HRAccess, assignment_id: int) -> CourseAssignment:
    assignment = assignments_visible(access).filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404
    return assignment


def assignment_may_change(access: HRAccess, assignment: CourseAssignment) -> bool:
    """Who may change the due date or cancel: the officer who assigned it, or one
    whose scope holds every person it reaches (an officer of a parent unit); never
    an officer who sees only part of it. One query (none for the assigner)."""
    if not access.is_hr_officer:
        return False
    if assignment.assigned_by_id == access.user.pk:
        return True
    return not (
        Assignee.objects.filter(assignment=assignment)
        .exclude(
            Exists(placements_in_scope(access).filter(person_id=OuterRef("person_id")))
        )
        .exists()
    )


def assignment_tallies(
    access: HRAccess, assignments: list[CourseAssignment], *, on: date | None = None
) -> dict[int, Tally]:
    """Totals over the officer's scope for each assignment: one aggregate query."""
    on = on or today()
    rows = (
        assignees_with_status(access, on=on)
        .filter(assignment__in=[item.pk for item in assignments])
        .values("assignment_id")
        .annotate(**_counts(on))
    )
    tallies = {row["assignment_id"]: _tally(row) for row in rows}
    return {item.pk: tallies.get(item.pk, Tally()) for item in assignments}


# ------------------------------------------------------------------------------
# Compliance per unit
# ------------------------------------------------------------------------------


@dataclass
class ComplianceRow:
    unit: OrgUnit
    tally: Tally
    is_node: bool  # people placed in the node itself, not in a unit below it


@dataclass
class ComplianceBlock:
    assignment: CourseAssignment
    total: Tally
    rows: list[ComplianceRow]


@dataclass
class Compliance:
    node: OrgUnit
    breadcrumbs: list[OrgUnit]
    blocks: list[ComplianceBlock]
    on: date


def compliance_node(access: HRAccess, node_id: int | None) -> OrgUnit:
    _officer(access)
    return unit_get_in_scope(access, node_id) if node_id else access.scope_units[0]


def _breadcrumbs(access: HRAccess, node: OrgUnit) -> list[OrgUnit]:
    root = access.scope_root_of(node)
    steplen = OrgUnit.steplen
    paths = [node.path[: steplen * depth] for depth in range(root.depth, node.depth)]
    return (
        list(OrgUnit.objects.filter(path__in=paths).order_by("path")) if paths else []
    )


def compliance_counts(
    access: HRAccess,
    *,
    node: OrgUnit,
    assignment_ids: list[int] | None = None,
    on: date | None = None,
    fields: tuple[str, ...] = (),
):
    """Rows of (assignment_id, bucket path, counts): people under `node`, grouped by
    the child of `node` they sit in (or the node itself). One aggregate query;
    `fields` adds columns that depend on the assignment alone (its course...)."""
    on = on or today()
    length = OrgUnit.steplen * (node.depth + 1)
    assignees = assignees_with_status(access, on=on).filter(
        unit_path__startswith=node.path
    )
    if assignment_ids is not None:
        assignees = assignees.filter(assignment_id__in=assignment_ids)
    else:  # the whole report: cancelled assignments no longer count
        assignees = assignees.filter(assignment__cancelled_at__isnull=True)
    return (
        assignees.annotate(bucket=Substr("unit_path", 1, length))
        .values("assignment_id", "bucket", *fields)
        .annotate(**_counts(on))
        .order_by("assignment_id", "bucket")
    )


def compliance(
    access: HRAccess,
    *,
    node: OrgUnit,
    assignments: list[CourseAssignment],
    on: date | None = None,
) -> Compliance:
    on = on or today()
    rows = list(
        compliance_counts(
            access, node=node, assignment_ids=[item.pk for item in assignments], on=on
        )
    )
    units = {
        unit.path: unit
        for unit in OrgUnit.objects.filter(path__in={row["bucket"] for row in rows})
    }
    by_assignment: dict[int, list[ComplianceRow]] = defaultdict(list)
    for row in rows:
        unit = units.get(row["bucket"])
        if unit is None:
            continue
        by_assignment[row["assignment_id"]].append(
            ComplianceRow(unit=unit, tally=_tally(row), is_node=unit.pk == node.pk)
        )
    blocks = []
    for assignment in assignments:
        unit_rows = sorted(
            by_assignment.get(assignment.pk, []),
            key=lambda row: (not row.is_node, row.unit.path),
        )
        total = Tally()
        for row in unit_rows:
            total.add(row.tally)
        blocks.append(
            ComplianceBlock(assignment=assignment, total=total, rows=unit_rows)
        )
    return Compliance(
        node=node, breadcrumbs=_breadcrumbs(access, node), blocks=blocks, on=on
    )


def compliance_export_rows(access: HRAccess, *, node: OrgUnit, on: date | None = None):
    """The compliance report as tuples, one per assignment and unit, streamed: the
    aggregate query and one query for the units under `node`."""
    on = on or today()
    units = {
        unit.path: unit
        for unit in OrgUnit.objects.filter(
            path__startswith=node.path, depth__lte=node.depth + 1
        )
    }
    counts = compliance_counts(
        access,
        node=node,
        on=on,
        fields=(
            "assignment__course__code",
            "assignment__course__title",
            "assignment__due_on",
        ),
    )
    for row in counts.iterator(chunk_size=2000):
        unit = units.get(row["bucket"])
        tally = _tally(row)
        yield (
            row["assignment_id"],
            row["assignment__course__code"] or "",
            row["assignment__course__title"],
            row["assignment__due_on"],
            unit.code if unit else "",
            unit.name_th if unit else "",
            tally.assigned,
            tally.completed,
            tally.in_progress,
            tally.not_started,
            tally.overdue,
        )


# ------------------------------------------------------------------------------
# The people of one assignment
# ------------------------------------------------------------------------------


def assignment_people_status(
    access: HRAccess, assignment: CourseAssignment, *, on: date | None = None
):
    """The assignment's people in the scope, with their state; page it in the view."""
    on = on or today()
    return (
        assignees_with_status(access, on=on)
        .filter(assignment=assignment)
        .annotate(
            unit_name=Subquery(
                placements_in_scope(access, on=on)
                .filter(person_id=OuterRef("person_id"))
                .order_by("-starts_on", "-pk")
                .values("unit__name_th")[:1]
            ),
            unit_now_id=Subquery(
                placements_in_scope(access, on=on)
                .filter(person_id=OuterRef("person_id"))
                .order_by("-starts_on", "-pk")
                .values("unit_id")[:1]
            ),
        )
        .select_related("person")
        .order_by("person__first_name_th", "person__last_name_th", "person_id")
    )


def with_units_now(assignees, *, also=()) -> None:
    """Set `unit_now` (with its code and trail) on a page of assignment_people_status
    rows: two queries for the page, whose second also sets the trail of the units
    in `also` (the assignment's own unit, say)."""
    now = list(
        OrgUnit.objects.filter(pk__in={assignee.unit_now_id for assignee in assignees})
    )
    unit_trails([*now, *also])
    units = {unit.pk: unit for unit in now}
    for assignee in assignees:
        assignee.unit_now = units.get(assignee.unit_now_id)


# ------------------------------------------------------------------------------
# The learner's assigned courses
# ------------------------------------------------------------------------------


@dataclass
class LearnerAssignment:
    """A course assigned to the learner and not yet completed, earliest due first."""

    course: CoursePage
    due_on: date
    note: str
    started: bool
    overdue: bool
    days_left: int
    summary: object | None = None  # courses.selectors.EnrolmentSummary


def assignments_for_learner(*, user, on: date | None = None) -> list[LearnerAssignment]:
    """One query. The same course assigned twice shows once, with the earliest date."""
    if not user.is_authenticated:
        return []
    on = on or today()
    assignees = (
        Assignee.objects.filter(
            person__user=user,
            assignment__course__live=True,
            assignment__cancelled_at__isnull=True,
        )
        .annotate(done=_completed(), started=_started())
        .filter(done=False)
        .select_related("assignment", "assignment__course")
        .order_by("assignment__due_on", "assignment_id")
    )
    seen: set[int] = set()
    items = []
    for assignee in assignees:
        assignment = assignee.assignment
        if assignment.course_id in seen:
            continue
        seen.add(assignment.course_id)
        items.append(
            LearnerAssignment(
                course=assignment.course,
                due_on=assignment.due_on,
                note=assignment.note,
                started=assignee.started,
                overdue=assignment.due_on < on,
                days_left=(assignment.due_on - on).days,
            )
        )
    return items


def course_assigned_to(*, user, course: CoursePage) -> bool:
    """Whether an assignment entitles the learner to enrol in `course`."""
    if not user.is_authenticated:
        return False
    return Assignee.objects.filter(
        person__user=user,
        assignment__course=course,
        assignment__cancelled_at__isnull=True,
    ).exists()


# ------------------------------------------------------------------------------
# Development plans
# ------------------------------------------------------------------------------


@dataclass
class PlanGapRow:
    gap: PlanGap
    attained_rank: int

    @property
    def closed(self) -> bool:
        return self.attained_rank >= self.gap.target_level.rank


@dataclass
class PlanCourseRow:
    planned: PlanCourse
    completed: bool
    completed_on: date | None = None


@dataclass
class PlanQuarter:
    """Progress against the plan in one Thai fiscal quarter."""

    number: int
    starts_on: date
    ends_on: date
    hours: object  # courses.development.selectors.DevelopmentHours
    courses_completed: int
    #: Planned courses completed from the start of the fiscal year to the quarter's end.
    courses_completed_to_date: int
    is_current: bool = False
    is_future: bool = False


@dataclass
class PlanView:
    person: Person
    fiscal_year: int
    plan: DevelopmentPlan | None
    gaps: list[PlanGapRow]
    courses: list[PlanCourseRow]
    profile: FrameworkProfile | None
    supervisor: Person | None
    quarters: list[PlanQuarter] = field(default_factory=list)

    @property
    def gaps_closed(self) -> int:
        return sum(1 for row in self.gaps if row.closed)

    @property
    def courses_completed(self) -> int:
        return sum(1 for row in self.courses if row.completed)


def supervisor_of(person: Person, *, on: date | None = None) -> Person | None:
    placement = (
        Placement.objects.current(on or today())
        .filter(person=person, supervisor__isnull=False)
        .select_related("supervisor")
        .order_by("-starts_on", "-pk")
        .first()
    )
    return placement.supervisor if placement else None


def plan_view(
    person: Person,
    *,
    year: int | None = None,
    placement: Placement | None = PLACEMENT_UNREAD,
) -> PlanView:
    """The plan with its progress: gaps closed by today's attained level, planned
    courses completed within the fiscal year. A constant number of queries.
    `placement`: the person's current placement, when the caller has read it
    (person_and_placement)."""
    from ..development.selectors import (
        development_hours_by_quarter_annotations,
        development_hours_by_quarter_of,
    )

    year = year or fiscal_year(today())
    # The plan row carries the year's development hours by quarter (correlated
    # subqueries), and each planned course its completion in the year, so the
    # progress costs no query of its own.
    plan = (
        DevelopmentPlan.objects.filter(person=person, fiscal_year=year)
        .select_related("supervisor_agreed_by", "returned_by", "agreement_recorded_by")
        .annotate(**development_hours_by_quarter_annotations(year, person="person"))
        .first()
    )
    profile = person_profile(person, placement=placement)
    primary = profile.frameworks[0] if profile.frameworks else None
    attained = {
        row.competency.pk: row.attained_rank
        for framework_profile in profile.frameworks
        for row in framework_profile.rows
    }
    gaps, courses = [], []
    if plan is not None:
        gaps = [
            PlanGapRow(gap=gap, attained_rank=attained.get(gap.competency_id, 0))
            for gap in plan.gaps.select_related("competency", "target_level").order_by(
                "competency__sort_order", "competency__code"
            )
        ]
        starts, ends = fiscal_year_bounds(year)
        planned = plan.courses.select_related("course").order_by("course__title")
        if person.user_id:
            completed = CourseCompletion.objects.filter(
                user_id=person.user_id,
                course_id=OuterRef("course_id"),
                completed_at__date__gte=starts,
                completed_at__date__lte=ends,
            ).order_by("-completed_at")
            planned = planned.annotate(
                completed_in_year_at=Subquery(completed.values("completed_at")[:1])
            )
        for item in planned:
            completed_at = getattr(item, "completed_in_year_at", None)
            courses.append(
                PlanCourseRow(
                    planned=item,
                    completed=completed_at is not None,
                    completed_on=timezone.localdate(completed_at)
                    if completed_at is not None
                    else None,
                )
            )
    return PlanView(
        person=person,
        fiscal_year=year,
        plan=plan,
        gaps=gaps,
        courses=courses,
        profile=primary,
        supervisor=(
            profile.placement.supervisor
            if profile.placement is not None and profile.placement.supervisor_id
            else supervisor_of(person)
        ),
        quarters=(
            _plan_quarters(development_hours_by_quarter_of(plan, year), courses)
            if plan is not None
            else []
        ),
    )


def _plan_quarters(hours: list, courses: list[PlanCourseRow]):
    """Hours and planned courses completed by Thai fiscal quarter, from the
    quarters' hours (courses.development.selectors.QuarterHours)."""
    on = today()
    completed = [row.completed_on for row in courses if row.completed_on is not None]
    return [
        PlanQuarter(
            number=item.number,
            starts_on=item.starts_on,
            ends_on=item.ends_on,
            hours=item.hours,
            courses_completed=sum(
                1 for day in completed if item.starts_on <= day <= item.ends_on
            ),
            courses_completed_to_date=sum(
                1 for day in completed if day <= item.ends_on
            ),
            is_current=item.starts_on <= on <= item.ends_on,
            is_future=item.starts_on > on,
        )
        for item in hours
    ]


def plan_course_choices(profile: FrameworkProfile | None, planned: list[int]):
    """Live courses that develop one of the person's gaps, plus those already planned.

    Which courses: from the catalogue's index (courses.selectors.catalogue_index, the
    live public courses with their competencies, a process cache); the query only
    reads them in title order."""
    gap_ids = (
        {row.competency.pk for row in profile.rows if row.gap} if profile else set()
    )
    planned = set(planned)
    chosen = [
        course.pk
        for course in catalogue_index()
        if course.pk in planned
        or any(link.competency_id in gap_ids for link in course.competency_links.all())
    ]
    return CoursePage.objects.filter(pk__in=chosen).order_by("title")


def person_for_learner(user) -> Person:
    person = Person.objects.filter(user=user).first() if user.is_authenticated else None
    if person is None:
        raise Http404
    return person


def person_and_placement_for_learner(user) -> tuple[Person, Placement | None]:
    """The signed-in user's person and current placement (one query when placed);
    404 for an account with no person."""
    person, placement = (
        person_and_placement(user) if user.is_authenticated else (None, None)
    )
    if person is None:
        raise Http404
    return person, placement


@dataclass(frozen=True)
class PlanAccess:
    person: Person
    supervisor: Person | None  # the viewer, when they may agree as direct supervisor
    #: The person's current placement (placement_current's), for plan_view.
    placement: Placement | None = None

    @property
    def can_agree_as_supervisor(self) -> bool:
        return self.supervisor is not None


def plan_person_for_workspace(access: HRAccess, person_id: int) -> PlanAccess:
    """HR officers of the person's unit and their supervisors (any depth) may look;
    only the direct supervisor of the current placement may agree."""
    person, _read_only = person_get_visible(access, person_id)
    # All the person's current placements in one query: the latest is the one their
    # plan's profile reads, and the viewer agrees if they supervise any directly.
    placements = list(placements_current(person))
    supervised = next(
        (
            placement
            for placement in placements
            if access.person_id is not None
            and placement.supervisor_id == access.person_id
        ),
        None,
    )
    return PlanAccess(
        person=person,
        supervisor=supervised.supervisor if supervised else None,
        placement=placements[0] if placements else None,
    )
