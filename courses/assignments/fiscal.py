"""The fiscal-year report: development hours against the target, completion of
assigned courses, competency coverage by unit and by group, its monthly trend, and
the competency gaps closed in each quarter.

The Thai government fiscal year runs from 1 October to 30 September and is named by
the Buddhist-Era year it ends in; its quarters start in October, January, April and
July. Every figure is a SQL aggregate (development hours summed once per person with
GROUP BY and joined to the placements, then counted per unit with GROUP BY), so the
number of queries does not grow with the staff.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    F,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Concat, Substr
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from academy.core.thaidate import (
    buddhist_year,
    fiscal_quarters,
    fiscal_year,
    fiscal_year_bounds,
)
from competencies.hr.selectors import (
    HeatRow,
    HRAccess,
    heat_rows,
    placements_in_scope,
    rows_with_staff,
    unit_get_in_scope,
    unit_trails,
)
from competencies.models import (
    DevelopmentRecord,
    Framework,
    MatrixSnapshot,
    OrgUnit,
)
from competencies.selectors import GapsClosed, gaps_closed, org_matrices

from ..models import CourseAssignment, CourseCompletion, DevelopmentTarget
from ..models.targets import default_target_hours
from .selectors import Tally, _officer, _tally, compliance_counts

HOURS = DecimalField(max_digits=9, decimal_places=1)
TENTH = Decimal("0.1")
#: Rows read from the database at a time by the streamed rows by person.
FETCH_ROWS = 2000


# ------------------------------------------------------------------------------
# Periods
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FiscalYear:
    year: int  # in the Common Era: 2027 is B.E. 2570, 1 Oct 2026 to 30 Sep 2027

    @property
    def starts(self) -> date:
        return fiscal_year_bounds(self.year)[0]

    @property
    def ends(self) -> date:
        return fiscal_year_bounds(self.year)[1]

    @property
    def label(self) -> str:
        if (translation.get_language() or "th").startswith("th"):
            return _("fiscal year %(year)s") % {"year": buddhist_year(self.year)}
        return _("fiscal year %(year)s") % {"year": self.year}

    def quarter(self, number: int) -> tuple[date, date]:
        """Quarter 1 is October to December of the year before, 4 July to September."""
        _number, first, last = fiscal_quarters(self.year)[number - 1]
        return first, last

    def quarter_of(self, day: date) -> int:
        return ((day.month - 10) % 12) // 3 + 1


def fiscal_year_get(value) -> FiscalYear:
    """The fiscal year from a query parameter in B.E. or C.E.; default: this one."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return FiscalYear(fiscal_year(timezone.localdate()))
    if year > 2400:
        year -= 543
    return FiscalYear(min(max(year, 2000), 2200))


# ------------------------------------------------------------------------------
# Development hours against the target
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Targets:
    """The development targets that bear on a node's staff: the node's own (its
    own target or the nearest unit's above it, else the default) and those set on
    units below it, deepest first."""

    node: Decimal
    inside: tuple[tuple[str, Decimal], ...] = ()

    def expression(self):
        """Each placement's target in SQL: the deepest target at or above its unit
        within the node's subtree, else the node's own."""
        base = Value(self.node, output_field=HOURS)
        if not self.inside:
            return base
        return Case(
            *(
                When(unit__path__startswith=path, then=Value(hours, output_field=HOURS))
                for path, hours in self.inside
            ),
            default=base,
            output_field=HOURS,
        )


def targets_of(node: OrgUnit) -> Targets:
    """The targets of `node`, above and below it: one query."""
    steplen = OrgUnit.steplen
    paths = [node.path[: steplen * depth] for depth in range(1, node.depth + 1)]
    rows = list(
        DevelopmentTarget.objects.filter(
            Q(unit__path__in=paths) | Q(unit__path__startswith=node.path)
        )
        .order_by("-unit__depth")
        .values_list("unit__path", "hours_per_year")
    )
    return _targets(node, rows)


def _targets(node: OrgUnit, rows: list[tuple[str, Decimal]]) -> Targets:
    """Targets from (unit path, hours) of the units at or above `node` and below it
    that have one, deepest first."""
    steplen = OrgUnit.steplen
    paths = [node.path[: steplen * depth] for depth in range(1, node.depth + 1)]
    own = next((hours for path, hours in rows if path in paths), None)
    return Targets(
        node=own if own is not None else default_target_hours(),
        inside=tuple((path, hours) for path, hours in rows if path not in paths),
    )


@dataclass
class NodeUnits:
    """What a report of a node reads of the units about it, in one query."""

    #: The node and the units directly under it, by path: the report's rows.
    rows: list[OrgUnit]
    #: The units above the node, outermost first (its trail: unit_trails).
    above: list[OrgUnit]
    targets: Targets


def node_units(node: OrgUnit) -> NodeUnits:
    """The node's rows, the names above it and the development targets that bear on
    its staff (at or above it, or anywhere below it): one query, where reading each
    took its own."""
    steplen = OrgUnit.steplen
    above = [node.path[: steplen * depth] for depth in range(1, node.depth)]
    units = list(
        OrgUnit.objects.filter(
            Q(path__in=above)
            | Q(pk=node.pk)
            | Q(path__startswith=node.path, depth=node.depth + 1)
            | Q(path__startswith=node.path, development_target__isnull=False)
        )
        .annotate(target_hours=F("development_target__hours_per_year"))
        .order_by("path")
    )
    with_targets = sorted(
        (unit for unit in units if unit.target_hours is not None),
        key=lambda unit: -unit.depth,
    )
    return NodeUnits(
        rows=[
            unit
            for unit in units
            if unit.pk == node.pk
            or (unit.depth == node.depth + 1 and unit.path.startswith(node.path))
        ],
        above=[unit for unit in units if unit.path in above],
        targets=_targets(
            node, [(unit.path, unit.target_hours) for unit in with_targets]
        ),
    )


def target_hours(node: OrgUnit) -> Decimal:
    """The target of `node`: its own or the nearest unit's above it, else the default."""
    return targets_of(node).node


def _quarter_sums(queryset, *, key: str, field: str, day: str, year: FiscalYear):
    """`queryset` (already within the year) summed by `key`: q1..q4 by the quarter of
    `day`, and total: one GROUP BY, as (sql, params) for a derived table."""
    quarters = {
        f"q{n}": Sum(field, filter=Q(**{f"{day}__range": year.quarter(n)}))
        for n in range(1, 5)
    }
    grouped = (
        queryset.order_by()
        .values(key)
        .annotate(**quarters, total=Sum(field))
        .values(key, *quarters, "total")
    )
    return grouped.query.sql_with_params()


def _people_sql(
    access: HRAccess, node: OrgUnit, year: FiscalYear, targets: Targets | None = None
) -> tuple[str, list]:
    """The node's current placements, one row each, with their development hours in
    the year as SQL: the placements' columns (employee_number, report_name, unit_name,
    unit_code, unit_path, first_name, last_name, id, bucket, target), then q1..q4 (all
    development), course_hours, external_hours and hours.

    The one definition of development hours (courses.development.selectors): Academy
    courses completed in the period (by their local date) plus approved outside
    records ending in it. Each source is summed once by person (a GROUP BY over the
    year's rows of the people in the subtree) and joined to the placements, so the
    cost does not grow with per-person subqueries and the query count stays fixed.
    """
    placements = placements_in_scope(access).filter(unit__path__startswith=node.path)
    length = OrgUnit.steplen * (node.depth + 1)
    people, people_params = (
        placements.order_by()
        .annotate(
            h_number=F("person__employee_number"),
            h_name=person_name_th(),
            h_unit_name=F("unit__name_th"),
            h_unit_code=F("unit__code"),
            h_unit_path=F("unit__path"),
            h_first=F("person__first_name_th"),
            h_last=F("person__last_name_th"),
            h_id=F("pk"),
            h_person=F("person_id"),
            h_user=F("person__user_id"),
            h_bucket=Substr("unit__path", 1, length),
            h_target=(targets or targets_of(node)).expression(),
        )
        .values(
            "h_number",
            "h_name",
            "h_unit_name",
            "h_unit_code",
            "h_unit_path",
            "h_first",
            "h_last",
            "h_id",
            "h_person",
            "h_user",
            "h_bucket",
            "h_target",
        )
        .query.sql_with_params()
    )
    courses, course_params = _quarter_sums(
        CourseCompletion.objects.filter(
            completed_at__date__range=(year.starts, year.ends),
            user_id__in=placements.values("person__user_id"),
        ),
        key="user_id",
        field="learning_hours",
        day="completed_at__date",
        year=year,
    )
    external, external_params = _quarter_sums(
        DevelopmentRecord.objects.filter(
            status=DevelopmentRecord.Status.APPROVED,
            ends_on__range=(year.starts, year.ends),
            person_id__in=placements.values("person_id"),
        ),
        key="person_id",
        field="hours",
        day="ends_on",
        year=year,
    )

    def hours(column: str, *sources: str) -> str:
        return " + ".join(f"COALESCE({source}.{column}, 0)" for source in sources)

    quarters = ", ".join(f"{hours(f'q{n}', 'c', 'e')} AS q{n}" for n in range(1, 5))
    sql = f"""
        SELECT p.h_number AS employee_number, p.h_name AS report_name,
               p.h_unit_name AS unit_name, p.h_unit_code AS unit_code,
               p.h_unit_path AS unit_path, p.h_first AS first_name,
               p.h_last AS last_name, p.h_id AS id, p.h_bucket AS bucket,
               p.h_target AS target, {quarters},
               {hours("total", "c")} AS course_hours,
               {hours("total", "e")} AS external_hours,
               {hours("total", "c", "e")} AS hours
        FROM ({people}) p
        LEFT JOIN ({courses}) c ON c.user_id = p.h_user
        LEFT JOIN ({external}) e ON e.person_id = p.h_person
    """  # noqa: S608 - the parts are compiled querysets and fixed names
    return sql, [*people_params, *course_params, *external_params]


def _hours(value) -> Decimal:
    """A sum of hours as the ORM would read it: a Decimal to one decimal place
    (SQLite hands back floats, PostgreSQL numerics)."""
    return Decimal(str(value or 0)).quantize(TENTH)


def person_name_th():
    return Concat(
        F("person__title_th"),
        F("person__first_name_th"),
        Value(" "),
        F("person__last_name_th"),
        output_field=CharField(),
    )


def hours_rows(
    access: HRAccess, node: OrgUnit, year: FiscalYear, targets: Targets | None = None
):
    """One row per person, streamed: number, name, unit, code, Q1-Q4, course hours,
    external hours, hours, target, share of the target reached (one query)."""
    sql, params = _people_sql(access, node, year, targets)
    sql = f"""
        SELECT x.employee_number, x.report_name, x.unit_name, x.unit_code,
               x.q1, x.q2, x.q3, x.q4, x.course_hours, x.external_hours, x.hours,
               x.target
        FROM ({sql}) x
        ORDER BY x.unit_path, x.first_name, x.last_name, x.id
    """  # noqa: S608 - a compiled query and fixed names
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(FETCH_ROWS):
            for row in chunk:
                yield _person_row(row)


def _person_row(row) -> list:
    """A row of hours_rows from its SQL columns (number, name, unit, code, q1-q4,
    course hours, external hours, hours, target)."""
    number, name, unit, code, *figures = row
    *figures, target = (_hours(value) for value in figures)
    return [
        number,
        name,
        unit,
        code,
        *figures,
        target,
        float(figures[-1] / target) if target else 0.0,
    ]


@dataclass
class HoursRow:
    unit: OrgUnit
    staff: int
    hours: Decimal
    meeting: int

    @property
    def mean_hours(self) -> float:
        return float(self.hours) / self.staff if self.staff else 0.0

    @property
    def share_meeting(self) -> float:
        return self.meeting / self.staff if self.staff else 0.0


def hours_by_unit(
    access: HRAccess,
    node: OrgUnit,
    year: FiscalYear,
    targets: Targets | None = None,
    *,
    rows: list[OrgUnit] | None = None,
) -> list[HoursRow]:
    """Staff, hours and staff reaching their target, by the units directly under
    `node` (and the node itself for those placed in it): one GROUP BY query, and one
    for those units unless the caller has read them (`rows`, NodeUnits.rows)."""
    sql, params = _people_sql(access, node, year, targets)
    sql = f"""
        SELECT x.bucket, COUNT(*), SUM(x.hours),
               SUM(CASE WHEN x.hours >= x.target THEN 1 ELSE 0 END)
        FROM ({sql}) x
        GROUP BY x.bucket
        ORDER BY x.bucket
    """  # noqa: S608 - a compiled query and fixed names
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        results = cursor.fetchall()
    return _unit_rows(results, rows)


def _unit_rows(results, rows: list[OrgUnit] | None) -> list[HoursRow]:
    """hours_by_unit's rows from its SQL's (bucket, staff, hours, meeting)."""
    if rows is None:
        units = {
            unit.path: unit
            for unit in OrgUnit.objects.filter(path__in=[row[0] for row in results])
        }
    else:
        units = {unit.path: unit for unit in rows}
    return [
        HoursRow(
            unit=units[bucket],
            staff=int(staff),
            hours=_hours(total),
            meeting=int(meeting or 0),
        )
        for bucket, staff, total, meeting in results
        if bucket in units
    ]


def hours_by_unit_and_person(
    access: HRAccess,
    node: OrgUnit,
    year: FiscalYear,
    targets: Targets | None = None,
    *,
    rows: list[OrgUnit] | None = None,
) -> tuple[list[HoursRow], Iterator[list]]:
    """(hours_by_unit, hours_rows) in one query, for the workbook that shows both:
    the people's hours are computed once (a CTE), the rows by unit come first and
    are read at once, the rows by person are streamed from the same result after
    them (their cursor closes when they have all been read)."""
    sql, params = _people_sql(access, node, year, targets)
    # Both branches line up column by column: (kind, the sort keys, then the
    # unit's bucket, staff, hours and meeting, or the person's row).
    sql = f"""
        WITH x AS ({sql})
        SELECT 0, x.bucket, NULL, NULL, NULL,
               x.bucket, NULL, NULL, NULL, COUNT(*), SUM(x.hours),
               SUM(CASE WHEN x.hours >= x.target THEN 1 ELSE 0 END),
               NULL, NULL, NULL, NULL, NULL
        FROM x
        GROUP BY x.bucket
        UNION ALL
        SELECT 1, x.unit_path, x.first_name, x.last_name, x.id,
               x.employee_number, x.report_name, x.unit_name, x.unit_code,
               x.q1, x.q2, x.q3, x.q4, x.course_hours, x.external_hours, x.hours,
               x.target
        FROM x
        ORDER BY 1, 2, 3, 4, 5
    """  # noqa: S608 - a compiled query and fixed names
    cursor = connection.cursor()
    try:
        cursor.execute(sql, params)
        by_unit, chunk = [], cursor.fetchmany(FETCH_ROWS)
        while chunk and chunk[-1][0] == 0:
            by_unit += chunk
            chunk = cursor.fetchmany(FETCH_ROWS)
        first_person = next(
            (index for index, row in enumerate(chunk) if row[0] == 1), len(chunk)
        )
        by_unit += chunk[:first_person]
    except BaseException:
        cursor.close()
        raise

    def people(chunk):
        try:
            while chunk:
                for row in chunk:
                    yield _person_row(row[5:])
                chunk = cursor.fetchmany(FETCH_ROWS)
        finally:
            cursor.close()

    units = _unit_rows([(row[5], *row[9:12]) for row in by_unit], rows)
    return units, people(chunk[first_person:])


# ------------------------------------------------------------------------------
# Assigned courses due in the year
# ------------------------------------------------------------------------------


@dataclass
class AssignmentRow:
    assignment_id: int
    course_title: str
    course_code: str
    due_on: date
    quarter: int
    tally: Tally


def assignments_due(access: HRAccess, node: OrgUnit, year: FiscalYear):
    """Each assignment due in the year that reaches the node: its people's progress
    (one aggregate query, compliance_counts, the assignments due as its subquery),
    in order of due date."""
    english = not (translation.get_language() or "th").startswith("th")
    # A subquery: one query whether or not any assignment is due in the year.
    ids = CourseAssignment.objects.filter(
        due_on__gte=year.starts, due_on__lte=year.ends, cancelled_at__isnull=True
    ).values("pk")
    rows: dict[int, AssignmentRow] = {}
    for row in compliance_counts(
        access,
        node=node,
        assignment_ids=ids,
        fields=(
            "assignment__course__code",
            "assignment__course__title",
            "assignment__course__title_en",
            "assignment__due_on",
        ),
    ):
        item = rows.get(row["assignment_id"])
        if item is None:
            due_on = row["assignment__due_on"]
            item = rows[row["assignment_id"]] = AssignmentRow(
                assignment_id=row["assignment_id"],
                course_title=(english and row["assignment__course__title_en"])
                or row["assignment__course__title"],
                course_code=row["assignment__course__code"] or "",
                due_on=due_on,
                quarter=year.quarter_of(due_on),
                tally=Tally(),
            )
        item.tally.add(_tally(row))
    return sorted(rows.values(), key=lambda item: (item.due_on, item.assignment_id))


# ------------------------------------------------------------------------------
# Competency coverage and its trend
# ------------------------------------------------------------------------------


@dataclass
class CoverageRow:
    code: str
    label: str
    staff: int
    requirements: int  # person-competency requirements counted
    met: int
    is_total: bool = False

    @property
    def share(self) -> float:
        return self.met / self.requirements if self.requirements else 0.0


def coverage_rows(
    node: OrgUnit, heat: list[HeatRow], total: HeatRow | None
) -> list[CoverageRow]:
    """Each heat-map row summed over its competencies: of the requirements its staff
    have, the share met."""
    rows = []
    for row in [*heat, *([total] if total else [])]:
        cells = [cell for _c, cell, _b in row.cells if cell]
        if row is total:
            code, label = node.code, _("Total")
        elif row.unit is not None:
            code, label = row.unit.code, row.label
            if row.is_root:
                label = _("%(unit)s (placed directly)") % {"unit": row.label}
        else:
            code, label = row.group.code, row.label
        rows.append(
            CoverageRow(
                code=code,
                label=label,
                staff=row.staff,
                requirements=sum(cell.staff for cell in cells),
                met=sum(cell.meeting for cell in cells),
                is_total=row is total,
            )
        )
    return rows


@dataclass
class TrendMonth:
    month: date
    quarter: int
    requirements: int
    met: int

    @property
    def share(self) -> float:
        return self.met / self.requirements if self.requirements else 0.0


def coverage_trend(
    *, root: OrgUnit, framework: Framework, year: FiscalYear
) -> list[TrendMonth]:
    """The monthly snapshots of the scope root taken in the year (one query)."""
    rows = (
        MatrixSnapshot.objects.filter(
            root=root,
            framework=framework,
            taken_on__gte=year.starts,
            taken_on__lte=year.ends,
        )
        .values("taken_on")
        .annotate(staff_total=Sum("staff"), meeting_total=Sum("meeting"))
        .order_by("taken_on")
    )
    return [
        TrendMonth(
            month=row["taken_on"],
            quarter=year.quarter_of(row["taken_on"]),
            requirements=row["staff_total"],
            met=row["meeting_total"],
        )
        for row in rows
    ]


@dataclass
class QuarterGaps:
    quarter: int
    starts: date
    ends: date
    closed: GapsClosed


def gaps_closed_by_quarter(
    node: OrgUnit, framework: Framework, year: FiscalYear
) -> tuple[list[QuarterGaps], GapsClosed]:
    """Competency gaps of the node's staff closed in each quarter of the year, and in
    the year (docs/fiscal-reports.md, "Gaps closed"): one query."""
    quarters = [year.quarter(n) for n in range(1, 5)]
    counts, total = gaps_closed(node, framework=framework, periods=quarters)
    return [
        QuarterGaps(quarter=n, starts=starts, ends=ends, closed=closed)
        for n, ((starts, ends), closed) in enumerate(
            zip(quarters, counts, strict=True), start=1
        )
    ], total


# ------------------------------------------------------------------------------
# The whole report
# ------------------------------------------------------------------------------


@dataclass
class FiscalReport:
    node: OrgUnit
    year: FiscalYear
    framework: Framework | None
    targets: Targets
    hours: list[HoursRow]
    assignments: list[AssignmentRow]
    coverage_by_unit: list[CoverageRow] = field(default_factory=list)
    coverage_by_group: list[CoverageRow] = field(default_factory=list)
    #: Personnel groups of the framework with nobody in the scope (not in the table).
    groups_without_staff: list[str] = field(default_factory=list)
    trend: list[TrendMonth] = field(default_factory=list)
    trend_root: OrgUnit | None = None
    gaps_closed: list[QuarterGaps] = field(default_factory=list)
    gaps_closed_total: GapsClosed | None = None
    #: The rows by person (hours_rows), streamed: asked for by the workbook only.
    people: Iterator[list] | None = None

    @property
    def target(self) -> Decimal:
        return self.targets.node

    @property
    def hours_total(self) -> HoursRow | None:
        if not self.hours:
            return None
        return HoursRow(
            unit=self.node,
            staff=sum(row.staff for row in self.hours),
            hours=sum((row.hours for row in self.hours), Decimal("0")),
            meeting=sum(row.meeting for row in self.hours),
        )

    @property
    def assignments_total(self) -> Tally:
        total = Tally()
        for row in self.assignments:
            total.add(row.tally)
        return total


def fiscal_report(
    access: HRAccess,
    *,
    node_id: int | None,
    year: FiscalYear,
    framework: Framework | None,
    people: bool = False,
) -> FiscalReport:
    """The report for a node of the officer's scope (default: their first node), its
    trail set on `node` (unit_trails). `people`: with the rows by person as well
    (`people`, read with the rows by unit: hours_by_unit_and_person)."""
    _officer(access)
    node = unit_get_in_scope(access, node_id) if node_id else access.scope_units[0]
    units = node_units(node)
    unit_trails([node, *units.above])  # the units above name themselves: no query
    by_person = None
    if people:
        hours, by_person = hours_by_unit_and_person(
            access, node, year, units.targets, rows=units.rows
        )
    else:
        hours = hours_by_unit(access, node, year, units.targets, rows=units.rows)
    report = FiscalReport(
        node=node,
        year=year,
        framework=framework,
        targets=units.targets,
        hours=hours,
        assignments=assignments_due(access, node, year),
        people=by_person,
    )
    if framework is not None:
        # Both groupings in one aggregate; the rules are read with the framework.
        matrices = org_matrices(
            node, framework=framework, by=("child", "group"), units=units.rows
        )
        report.coverage_by_unit = coverage_rows(
            node, *heat_rows(node, matrices["child"])
        )
        # Only the groups with staff here; the others are named apart.
        groups, total = heat_rows(node, matrices["group"])
        groups, report.groups_without_staff = rows_with_staff(groups)
        report.coverage_by_group = coverage_rows(node, groups, total)
        report.trend_root = access.scope_root_of(node)
        report.trend = coverage_trend(
            root=report.trend_root, framework=framework, year=year
        )
        report.gaps_closed, report.gaps_closed_total = gaps_closed_by_quarter(
            node, framework, year
        )
    return report
