"""Every read of the HR workspace, with the access scope applied here and nowhere else.

Who sees whom:
- An HR officer (the HR officer role and one or more HRScope nodes) sees the people
  whose *current* placement is in one of their nodes' subtrees (path prefix), and only
  while they have not left the service. Someone who moved out of the subtree is no
  longer visible there: their record, history included, follows them to the officers
  of their new unit. People who left (left_on on or before today) are visible to no one
  here. A role without a scope, or a scope without the role, sees nothing.
- A supervisor (the person linked to the account) sees, read-only, the competency
  profiles of everyone who reports to them directly or through others, following the
  supervisors of current placements: the team page and the person page only.
- Everything else, including a person, unit or job outside the scope, is a 404: the
  workspace never confirms that something it will not show exists.
"""

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.http import urlencode

from academy.accounts.authz import can
from academy.core.refcache import ReferenceCache
from competencies.models import (
    Competency,
    Evidence,
    EvidenceAttachment,
    Framework,
    GroupRule,
    HRScope,
    ImportJob,
    LineOfWork,
    MatrixSnapshot,
    OrgUnit,
    Person,
    PersonnelGroup,
    Placement,
    Requirement,
    StaffScheme,
)
from competencies.selectors import (
    PLACEMENT_RELATED,
    MatrixCell,
    OrgMatrix,
    PersonProfile,
    ProvisionalMarks,
    chosen_sql,
    covered_schemes,
    group_case_sql,
    group_for_placement,
    org_matrix,
    person_profile,
    provisional_marks,
    standards_snapshot,
    today,
    verified_evidence_sql,
)

DIRECTORY_PAGE_SIZE = 50
TREND_MONTHS = 24


# ------------------------------------------------------------------------------
# Access
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HRAccess:
    """What one user may see in the workspace; computed once per request."""

    user: object
    scope_units: tuple[OrgUnit, ...] = ()
    person_id: int | None = None
    report_ids: frozenset[int] = frozenset()
    #: person id -> the person if currently placed in the scope, else None: asked
    #: once a request (the person page's sections ask again what the page asked).
    people_in_scope: dict = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )
    #: path -> the unit (its names only), or None: the units above those a page
    #: showed with their trail, read once a request (unit_trails with `access`).
    units_above: dict = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @property
    def is_hr_officer(self) -> bool:
        return bool(self.scope_units)

    @property
    def is_supervisor(self) -> bool:
        return bool(self.report_ids)

    @property
    def has_workspace(self) -> bool:
        return self.is_hr_officer or self.is_supervisor

    @cached_property
    def scope_paths(self) -> list[str]:
        # Read once per row of a 100,000-row import: computed once.
        return [unit.path for unit in self.scope_units]

    def covers(self, unit: OrgUnit) -> bool:
        return any(unit.path.startswith(path) for path in self.scope_paths)

    def scope_root_of(self, unit: OrgUnit) -> OrgUnit | None:
        for root in self.scope_units:
            if unit.path.startswith(root.path):
                return root
        return None


def _outermost(units: list[OrgUnit]) -> tuple[OrgUnit, ...]:
    """Drop nodes already inside another node of the scope."""
    kept: list[OrgUnit] = []
    for unit in sorted(units, key=lambda unit: unit.path):
        if not any(unit.path.startswith(other.path) for other in kept):
            kept.append(unit)
    return tuple(kept)


def reports_of(person_id: int, *, on: date | None = None) -> frozenset[int]:
    """Everyone under `person_id` through current placements' supervisors, any depth.

    One recursive query; UNION (not UNION ALL) makes it stop on a cycle.
    """
    on = on or today()
    sql, params = _reports_sql("%s", [person_id], on)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return frozenset(row[0] for row in cursor.fetchall())


def _reports_sql(supervisor: str, supervisor_params: list, on: date):
    """The recursive query of reports_of, its supervisor given as SQL (`%s` or a
    subquery) with its parameters: (sql, params), rows (person_id,)."""
    placement = connection.ops.quote_name(Placement._meta.db_table)
    person = connection.ops.quote_name(Person._meta.db_table)
    current = "pl.starts_on <= %s AND (pl.ends_on IS NULL OR pl.ends_on >= %s)"
    sql = f"""
        WITH RECURSIVE chain(person_id) AS (
            SELECT pl.person_id FROM {placement} pl
            WHERE pl.supervisor_id = ({supervisor}) AND {current}
            UNION
            SELECT pl.person_id FROM {placement} pl
            JOIN chain c ON pl.supervisor_id = c.person_id
            WHERE {current}
        )
        SELECT c.person_id FROM chain c JOIN {person} p ON p.id = c.person_id
        WHERE c.person_id <> ({supervisor}) AND (p.left_on IS NULL OR p.left_on > %s)
    """  # noqa: S608 - only table names and placeholders are interpolated
    params = [*supervisor_params, on, on, on, on, *supervisor_params, on]
    return sql, params


def _person_and_reports(user_id: int) -> tuple[int | None, frozenset[int]]:
    """The person linked to the account and everyone reporting to them (reports_of),
    in one query: the person's id comes first, flagged 1."""
    person = connection.ops.quote_name(Person._meta.db_table)
    me = f"SELECT id FROM {person} WHERE user_id = %s"  # noqa: S608 - a name only
    reports, params = _reports_sql(me, [user_id], today())
    sql = (
        f"SELECT id, 1 FROM ({me}) me "  # noqa: S608 - subqueries built above
        f"UNION ALL SELECT person_id, 0 FROM ({reports}) r"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, *params])
        rows = cursor.fetchall()
    person_id = next((row[0] for row in rows if row[1] == 1), None)
    return person_id, frozenset(row[0] for row in rows if row[1] == 0)


def _scope_units_build(user_id: int) -> tuple[OrgUnit, ...]:
    return _outermost(
        [
            scope.unit
            for scope in HRScope.objects.filter(user_id=user_id).select_related("unit")
        ]
    )


#: The outermost units of each officer's HR scopes, kept per process under one
#: version that every scope grant or revoke and every change to the organisation
#: tree (a unit saved, deleted or moved) bumps (competencies/apps.py): a scope is
#: never read narrower or wider than the database holds it. Whether the scopes count
#: at all (the HR officer role) is asked afresh on every request.
scope_units_cache = ReferenceCache("hr_scope", _scope_units_build, max_entries=10_000)


def _scope_above_build(paths: tuple[str, ...]) -> dict[str, OrgUnit | None]:
    steplen = OrgUnit.steplen
    above = {
        path[: steplen * depth]
        for path in paths
        for depth in range(1, len(path) // steplen)
    }
    found = {
        unit.path: unit
        for unit in OrgUnit.objects.filter(path__in=above).only(
            "path", "name_th", "name_en"
        )
    }
    return {path: found.get(path) for path in above}


#: The units above a scope's outermost units (names only), by the scope's paths:
#: what every trail of a unit in the scope begins with. Under the scope's version,
#: which every change to the organisation tree bumps. Shared: never modify them.
scope_above_cache = ReferenceCache(
    "hr_scope_above",
    _scope_above_build,
    version_key=scope_units_cache.version_key,
    max_entries=10_000,
)


def scope_units_version_bump(*args, **kwargs) -> None:
    """For writes to scopes or units that send no model signal."""
    scope_units_cache.bump()


def hr_access(user) -> HRAccess:
    """The scope of `user`, cached on the user object for the rest of the request.

    Two queries at most (the role, held on the user for the request, and the
    person with their reports); the scope's units come from scope_units_cache."""
    cached = getattr(user, "_hr_access", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        return HRAccess(user=user)
    scope_units: tuple[OrgUnit, ...] = ()
    if can(user, "hr.hold_scope"):
        # Copies: a page may set attributes on its units (unit_trails), and the
        # cached ones are every request's.
        scope_units = tuple(copy.copy(unit) for unit in scope_units_cache.get(user.pk))
    person_id, report_ids = _person_and_reports(user.pk)
    access = HRAccess(
        user=user, scope_units=scope_units, person_id=person_id, report_ids=report_ids
    )
    user._hr_access = access
    return access


def _scope_q(paths: list[str], lookup: str = "unit__path") -> Q:
    if not paths:
        return Q(pk__in=[])
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{lookup}__startswith": path})
    return condition


def placements_in_scope(access: HRAccess, *, on: date | None = None):
    """Active placements (Placement.objects.active: current, not left) in the
    officer's subtrees: the people an HR officer may see (none for others)."""
    return Placement.objects.active(on or today()).in_subtrees(access.scope_paths)


def unit_get_in_scope(access: HRAccess, unit_id) -> OrgUnit:
    unit = OrgUnit.objects.filter(pk=unit_id).first() if unit_id else None
    if unit is None or not access.covers(unit):
        raise Http404
    return unit


def units_in_scope(access: HRAccess):
    return OrgUnit.objects.filter(_scope_q(access.scope_paths, "path")).order_by("path")


UNIT_TRAIL_SEPARATOR = " › "


def unit_trails(units, *, access: HRAccess | None = None) -> list[OrgUnit]:
    """Set `trail` on each unit: the names of the units above it, outermost first
    ("กระทรวง… › กรม…"), so that same-named units can be told apart wherever one is
    shown. One query for any number of units (ancestors by materialised path).

    With `access`, the units above are remembered for the request (on the HRAccess),
    starting from the scope's own units and those above them (scope_above_cache): a
    page asks only for units inside the scope it has not read yet, none for the
    scope's outermost units, nor twice (its rows and the unit chooser)."""
    units = [unit for unit in units if unit is not None]
    steplen = OrgUnit.steplen
    paths = {
        unit.path[: steplen * depth]
        for unit in units
        for depth in range(1, len(unit.path) // steplen)
    }
    # Units given that are above others (a tree of units) name them themselves.
    given = {
        unit.path: unit
        for unit in units
        if "name_th" in unit.__dict__ and "name_en" in unit.__dict__
    }
    known = access.units_above if access is not None else {}
    if access is not None and not known and access.scope_units:
        known.update(scope_above_cache.get(tuple(access.scope_paths)))
        known.update({unit.path: unit for unit in access.scope_units})
    missing = paths - given.keys() - known.keys()
    if missing:
        found = {
            ancestor.path: ancestor
            for ancestor in OrgUnit.objects.filter(path__in=missing).only(
                "path", "name_th", "name_en"
            )
        }
        known.update({path: found.get(path) for path in missing})
    names = {
        path: ancestor.name
        for path in paths
        for ancestor in [given.get(path) or known[path]]
        if ancestor is not None
    }
    for unit in units:
        unit.trail = UNIT_TRAIL_SEPARATOR.join(
            names.get(unit.path[: steplen * depth], "")
            for depth in range(1, len(unit.path) // steplen)
        )
    return units


def person_get_for_hr(access: HRAccess, person_id: int) -> Person:
    """A person an HR officer may act on: currently placed in their scope."""
    if not access.is_hr_officer:
        raise Http404
    if person_id in access.people_in_scope:
        person = access.people_in_scope[person_id]
    else:
        person = (
            Person.objects.filter(pk=person_id)
            .filter(Exists(placements_in_scope(access).filter(person=OuterRef("pk"))))
            .first()
        )
        access.people_in_scope[person_id] = person
    if person is None:
        raise Http404
    return person


def person_in_scope(access: HRAccess, person: Person) -> bool:
    """Whether `person` is currently placed in the officer's scope (asked once a
    request: person_get_for_hr and person_get_visible remember the answer)."""
    try:
        person_get_for_hr(access, person.pk)
    except Http404:
        return False
    return True


def person_get_visible(
    access: HRAccess, person_id: int, *, with_placements: bool = False
) -> tuple[Person, bool]:
    """(person, read_only): HR officers of their unit act; their supervisors look.

    with_placements: the person is read through their placements, every one, past
    and present, latest first, with PLACEMENT_RELATED, set on them as
    `hr_placements`: one query for both. Nobody without a placement is visible here
    (the scope and the reports both follow current placements): 404 alike."""
    if not access.has_workspace:
        raise Http404
    # With the account: the person page's learning section reads it.
    if with_placements:
        rows = (
            Placement.objects.filter(person_id=person_id)
            .select_related("person__user", *PLACEMENT_RELATED)
            .order_by("-starts_on", "-pk")
        )
        person_ref = "person_id"
    else:
        rows = Person.objects.filter(pk=person_id).select_related("user")
        person_ref = "pk"
    if access.is_hr_officer:
        rows = rows.annotate(
            hr_in_scope=Exists(
                placements_in_scope(access).filter(person=OuterRef(person_ref))
            )
        )
    if with_placements:
        placements = list(rows)
        if not placements:
            raise Http404
        first = placements[0]
        person = first.person
        for placement in placements:
            placement.person = person
        person.hr_placements = placements
    else:
        first = person = rows.first()
        if person is None:
            raise Http404
    in_scope = getattr(first, "hr_in_scope", False)
    if access.is_hr_officer:
        access.people_in_scope[person.pk] = person if in_scope else None
    if in_scope:
        return person, False
    if person.pk in access.report_ids:
        return person, True
    raise Http404


# ------------------------------------------------------------------------------
# The staff directory
# ------------------------------------------------------------------------------


@dataclass
class DirectoryFilters:
    framework: Framework | None = None
    unit: OrgUnit | None = None
    unit_direct: bool = False  # only those placed in the unit itself, not below it
    position_type_id: int | None = None
    position_level_id: int | None = None
    line_of_work_id: int | None = None
    group: PersonnelGroup | None = None
    competency: Competency | None = None
    meeting: bool | None = None
    query: str = ""


def _per_placement_sql(expression: str) -> str:
    """`expression` over the placement row and its line of work (`hr_lw`), as a
    scalar subquery: the line of work is looked up by primary key."""
    placement = connection.ops.quote_name(Placement._meta.db_table)
    line = connection.ops.quote_name(LineOfWork._meta.db_table)
    return (
        f"(SELECT {expression} FROM {line} hr_lw "  # noqa: S608 - names only
        f"WHERE hr_lw.id = {placement}.line_of_work_id)"
    )


def group_expression(
    rules: list[GroupRule], *, schemes: frozenset[str] | None = None
) -> RawSQL:
    """A placement's personnel group by the framework's rules, as a SQL expression.

    The rule CASE is competencies.selectors.group_case_sql, evaluated against the
    placement row and its line of work.
    """
    placement = connection.ops.quote_name(Placement._meta.db_table)
    case_sql, params = group_case_sql(
        rules, placement=placement, line="hr_lw", schemes=schemes
    )
    # Table names and integer ids only are interpolated.
    return RawSQL(_per_placement_sql(case_sql), params)  # noqa: S611


def required_rank_expression(
    rules: list[GroupRule],
    competency: Competency,
    *,
    schemes: frozenset[str] | None = None,
) -> RawSQL:
    """The rank a placement's group must reach on `competency` (NULL: it does not
    count). An optional requirement counts only where it was chosen for the person or
    a unit above them (competencies.selectors.chosen_sql, the matrix's rule).

    The group's requirement is read once here, so the database maps group to rank
    with a CASE instead of looking a requirement up for every row.
    """
    ranks = {
        group_id: (rank, applicability == Requirement.Applicability.REQUIRED)
        for group_id, rank, applicability in Requirement.objects.filter(
            competency=competency
        )
        .order_by()
        .values_list("group_id", "required_level__rank", "applicability")
    }
    placement = connection.ops.quote_name(Placement._meta.db_table)
    case_sql, params = group_case_sql(
        rules, placement=placement, line="hr_lw", schemes=schemes
    )
    if not ranks:
        return RawSQL("NULL", [])  # noqa: S611
    unit = connection.ops.quote_name(OrgUnit._meta.db_table)
    competency_table = connection.ops.quote_name(Competency._meta.db_table)
    chosen = chosen_sql(
        person_id=f"{placement}.person_id",
        unit_path=f"(SELECT pu.path FROM {unit} pu WHERE pu.id = {placement}.unit_id)",  # noqa: S608, E501 - names only
        competency="hr_c",
    )
    whens = []
    for group_id, (rank, is_required) in ranks.items():
        if is_required:
            whens.append("WHEN %s THEN %s")
        else:
            whens.append(
                f"WHEN %s THEN (SELECT CASE WHEN {chosen} THEN %s ELSE NULL END "  # noqa: S608 - names and an integer id only
                f"FROM {competency_table} hr_c WHERE hr_c.id = {int(competency.pk)})"
            )
        params = [*params, group_id, rank]
    sql = _per_placement_sql(f"CASE {case_sql} {' '.join(whens)} ELSE NULL END")
    return RawSQL(sql, params)  # noqa: S611


def _attained_rank(competency: Competency, on: date) -> RawSQL:
    """The placement's person's attained rank on `competency` (NULL: none), by the
    one SQL form of the rule (competencies.selectors.verified_evidence_sql)."""
    placement = connection.ops.quote_name(Placement._meta.db_table)
    evidence_sql, params = verified_evidence_sql(
        on=on, scale_id=competency.framework.scale_id
    )
    sql = (
        f"(SELECT MAX(lv.rank) {evidence_sql} "
        f"AND e.person_id = {placement}.person_id AND e.competency_id = %s)"
    )
    return RawSQL(  # noqa: S611 - names only
        sql, [*params, competency.pk], output_field=IntegerField()
    )


def directory_placements(
    access: HRAccess, filters: DirectoryFilters, *, on: date | None = None
):
    """The current placements of the directory, one per person, filtered and ordered.

    With a competency, annotates `required_rank` (NULL where the person's group has no
    requirement on it) and `attained_rank`; staff with no requirement are neither
    meeting nor not meeting it. The personnel group shown on each row is worked out
    for the page's rows only (with_groups), not in SQL for every row.
    """
    on = on or today()
    placements = placements_in_scope(access, on=on).select_related(
        "person", "unit", "position_type", "position_level", "line_of_work"
    )
    if filters.unit is not None and filters.unit_direct:
        placements = placements.filter(unit=filters.unit)
    elif filters.unit is not None:
        placements = placements.filter(unit__path__startswith=filters.unit.path)
    if filters.position_type_id:
        placements = placements.filter(position_type_id=filters.position_type_id)
    if filters.position_level_id:
        placements = placements.filter(position_level_id=filters.position_level_id)
    if filters.line_of_work_id:
        placements = placements.filter(line_of_work_id=filters.line_of_work_id)
    if filters.query:
        words = filters.query.strip()
        placements = placements.filter(
            Q(person__employee_number__iexact=words)
            | Q(person__first_name_th__icontains=words)
            | Q(person__last_name_th__icontains=words)
            | Q(person__first_name_en__icontains=words)
            | Q(person__last_name_en__icontains=words)
        )
    if filters.framework is not None:
        rules = list(filters.framework.group_rules.all())
        schemes = covered_schemes(filters.framework)
        if filters.group is not None:
            placements = placements.alias(
                group_id=group_expression(rules, schemes=schemes)
            ).filter(group_id=filters.group.pk)
        if filters.competency is not None:
            placements = placements.annotate(
                required_rank=required_rank_expression(
                    rules, filters.competency, schemes=schemes
                ),
                attained_rank=Coalesce(_attained_rank(filters.competency, on), 0),
            )
            # A NULL requirement makes either comparison NULL: the row drops out.
            if filters.meeting is True:
                placements = placements.filter(attained_rank__gte=F("required_rank"))
            elif filters.meeting is False:
                placements = placements.filter(required_rank__gt=F("attained_rank"))
    return placements.order_by(
        "person__first_name_th", "person__last_name_th", "person_id"
    )


def with_groups(placements, framework: Framework | None) -> None:
    """Set `hr_group` on each placement (a page's worth): the framework's rules in
    Python, as competencies.selectors.group_for_placement applies them."""
    if framework is None:
        for placement in placements:
            placement.hr_group = None
        return
    rules = list(framework.group_rules.all())
    schemes = covered_schemes(framework)
    groups = {group.pk: group for group in getattr(framework, "hr_groups", [])}
    for placement in placements:
        placement.hr_group = groups.get(
            group_for_placement(placement, rules, schemes=schemes)
        )


def directory_export_rows(access: HRAccess, filters: DirectoryFilters):
    """The directory as tuples for export, streamed in chunks, group code last."""
    placements = directory_placements(access, filters)
    fields = [
        "person__employee_number",
        "person__national_id_masked",
        "person__title_th",
        "person__first_name_th",
        "person__last_name_th",
        "person__first_name_en",
        "person__last_name_en",
        "person__email",
        "unit__code",
        "unit__name_th",
        "unit__path",  # written as the Thai names of the units above (see below)
        "position_type__code",
        "position_level__code",
        "line_of_work__code",
        "supervisor__employee_number",
        "starts_on",
    ]
    trail = _trail_th(access)
    at = fields.index("unit__path")
    if filters.framework is None:
        for row in placements.values_list(*fields).iterator(chunk_size=2000):
            yield (*row[:at], trail(row[at]), *row[at + 1 :])
        return
    codes = {
        group.pk: group.code for group in getattr(filters.framework, "hr_groups", [])
    }
    placements = placements.annotate(
        export_group_id=group_expression(
            list(filters.framework.group_rules.all()),
            schemes=covered_schemes(filters.framework),
        )
    )
    for row in placements.values_list(*fields, "export_group_id").iterator(
        chunk_size=2000
    ):
        yield (*row[:at], trail(row[at]), *row[at + 1 : -1], codes.get(row[-1], ""))


def _trail_th(access: HRAccess):
    """path -> the Thai names of the units above it (unit_trails for a stream of
    rows): one query for every unit of the scope and the units above it."""
    steplen = OrgUnit.steplen
    above = {
        root.path[: steplen * depth]
        for root in access.scope_units
        for depth in range(1, len(root.path) // steplen)
    }
    names = dict(
        OrgUnit.objects.filter(
            _scope_q(access.scope_paths, "path") | Q(path__in=above)
        ).values_list("path", "name_th")
    )
    cache: dict[str, str] = {}

    def trail(path: str) -> str:
        if path not in cache:
            cache[path] = UNIT_TRAIL_SEPARATOR.join(
                names.get(path[: steplen * depth], "")
                for depth in range(1, len(path) // steplen)
            )
        return cache[path]

    return trail


def frameworks_for_hr() -> list[Framework]:
    """The active frameworks, newest first, with their rules, groups, competencies
    and requirements loaded: from the standards snapshot (no query while the
    standards are unchanged; org_matrix and provisional_marks read them). Copies, as
    `hr_groups` and the others are set on each and the snapshot's are every
    request's."""
    snapshot = standards_snapshot()
    groups = defaultdict(list)
    for group in sorted(
        snapshot.groups.values(), key=lambda group: (group.sort_order, group.code)
    ):
        groups[group.framework_id].append(group)
    competencies = defaultdict(list)
    for competency in snapshot.competencies:  # by framework, sort order, code
        competencies[competency.framework_id].append(competency)
    requirements = defaultdict(list)
    for (group_id, _competency_id), requirement in snapshot.requirements.items():
        requirements[snapshot.groups[group_id].framework_id].append(requirement)
    frameworks = []
    for framework in snapshot.frameworks:
        framework = copy.copy(framework)
        framework.hr_groups = groups[framework.pk]
        framework.hr_competencies = competencies[framework.pk]
        framework.hr_requirements = requirements[framework.pk]
        frameworks.append(framework)
    return frameworks


# ------------------------------------------------------------------------------
# The supervisor's team
# ------------------------------------------------------------------------------


def team_placements(access: HRAccess, *, on: date | None = None):
    """Current placements of everyone reporting to the user, directly or not."""
    on = on or today()
    if not access.report_ids:
        return Placement.objects.none()
    return (
        Placement.objects.current(on)
        .filter(person_id__in=access.report_ids)
        .select_related(
            "person", "unit", "position_type", "position_level", "supervisor"
        )
        .order_by("person__first_name_th", "person__last_name_th", "person_id")
    )


# ------------------------------------------------------------------------------
# One person
# ------------------------------------------------------------------------------


@dataclass
class PersonPage:
    person: Person
    read_only: bool
    profile: PersonProfile
    placements: list[Placement]


def person_page(access: HRAccess, person_id: int) -> PersonPage:
    """Everything the person page shows, in a constant number of queries."""
    # The person with every placement, past and present, in one query; the
    # profile's is the current one among them (placement_current's rule: the
    # latest started).
    person, read_only = person_get_visible(access, person_id, with_placements=True)
    placements = person.hr_placements
    on = today()
    current = next(
        (
            placement
            for placement in placements
            if placement.starts_on <= on
            and (placement.ends_on is None or placement.ends_on >= on)
        ),
        None,
    )
    profile = person_profile(person, placement=current, with_attachments=True)
    # The units of the scope and those above it are known to the request.
    unit_trails([placement.unit for placement in placements], access=access)
    for framework_profile in profile.frameworks:
        for row in framework_profile.rows:
            for item in row.evidence:
                item.hr_attachment = getattr(item, "attachment", None)
    return PersonPage(
        person=person, read_only=read_only, profile=profile, placements=placements
    )


def attachment_get_for_hr(access: HRAccess, attachment_id: int) -> EvidenceAttachment:
    """An attachment whose person is in the officer's scope (supervisors: 404)."""
    if not access.is_hr_officer:
        raise Http404
    attachment = (
        EvidenceAttachment.objects.filter(pk=attachment_id)
        .filter(
            Exists(
                placements_in_scope(access).filter(
                    person_id=OuterRef("evidence__person_id")
                )
            )
        )
        .select_related("evidence")
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def evidence_for_export(person: Person):
    return (
        Evidence.objects.filter(person=person)
        .order_by("competency__framework__code", "competency__code", "-observed_on")
        .values_list(
            "competency__framework__code",
            "competency__code",
            "competency__name_th",
            "competency__name_en",
            "level__rank",
            "level__name_th",
            "source",
            "observed_on",
            "expires_on",
            "recorded_by__email",
            "reference",
            "note",
            "attachment__original_name",
        )
    )


# ------------------------------------------------------------------------------
# The heat map and its trend
# ------------------------------------------------------------------------------

SHARE_BANDS = (
    (0.8, "band-4"),
    (0.6, "band-3"),
    (0.4, "band-2"),
    (0.0, "band-1"),
)


def share_band(cell: MatrixCell | None) -> str:
    if cell is None or not cell.staff:
        return "band-none"
    for threshold, band in SHARE_BANDS:
        if cell.share_meeting >= threshold:
            return band
    return "band-1"


@dataclass
class HeatCell:
    """A cell as the page shows it: its figures and who is behind them."""

    competency: Competency
    cell: MatrixCell | None
    band: str
    #: Someone here is counted against a requirement that rests on data to confirm.
    provisional: bool = False

    @property
    def not_meeting(self) -> int:
        return self.cell.staff - self.cell.meeting if self.cell else 0


@dataclass
class HeatRow:
    label: str
    unit: OrgUnit | None
    group: PersonnelGroup | None
    is_root: bool
    cells: list[tuple[Competency, MatrixCell | None, str]]
    #: The directory filters that list this row's people (the cell adds the
    #: competency and whether they meet it): same scope, same rule as the matrix.
    people_query: str = ""
    #: Competencies whose requirement rests on data to confirm for this row's
    #: people: its group's, or any group's for a unit (or the total).
    provisional: frozenset[int] = frozenset()

    @property
    def staff(self) -> int:
        return max((cell.staff for _, cell, _ in self.cells if cell), default=0)

    @property
    def heat_cells(self) -> list[HeatCell]:
        return [
            HeatCell(
                competency,
                cell,
                band,
                provisional=cell is not None and competency.pk in self.provisional,
            )
            for competency, cell, band in self.cells
        ]


@dataclass
class TrendPoint:
    month: date
    staff: int
    meeting: int

    @property
    def share(self) -> float:
        return self.meeting / self.staff if self.staff else 0.0


@dataclass
class Heatmap:
    node: OrgUnit
    framework: Framework
    by: str
    matrix: OrgMatrix
    rows: list[HeatRow]
    breadcrumbs: list[OrgUnit]
    trend_root: OrgUnit
    trend: list[TrendPoint] = field(default_factory=list)
    total: HeatRow | None = None
    marks: ProvisionalMarks = field(default_factory=ProvisionalMarks)
    #: Staff here whose scheme the framework does not (yet) cover: not counted.
    uncounted: list["UncountedScheme"] = field(default_factory=list)
    #: By group: the framework's groups with no staff counted here (not in rows).
    groups_without_staff: list[str] = field(default_factory=list)

    @cached_property
    def provisional_competencies(self) -> list[Competency]:
        """Columns where a figure shown rests on data to confirm."""
        shown = {
            item.competency.pk
            for row in self.rows
            for item in row.heat_cells
            if item.provisional
        }
        return [item for item in self.matrix.competencies if item.pk in shown]

    @property
    def areas(self) -> list[tuple[Competency | None, int]]:
        """Consecutive competencies of the same area, for a grouped header row."""
        spans: list[list] = []
        for competency in self.matrix.competencies:
            if spans and spans[-1][0] == competency.parent:
                spans[-1][1] += 1
            else:
                spans.append([competency.parent, 1])
        return [(area, span) for area, span in spans]


@dataclass(frozen=True)
class UncountedScheme:
    scheme: StaffScheme
    staff: int
    #: Whether the framework covers the scheme is still to confirm.
    to_confirm: bool


def uncounted_schemes(node: OrgUnit, framework: Framework) -> list[UncountedScheme]:
    """The staff of `node`'s subtree in schemes the framework does not cover, by
    scheme (two queries at most): the heat map counts no gap for them."""
    uncovered = {
        item.scheme_id: item
        for item in framework.scheme_coverage.all()
        if not item.covered
    }
    if not uncovered:
        return []
    counts = dict(
        Placement.objects.active()
        .in_subtrees([node.path])
        .filter(scheme_id__in=list(uncovered))
        .order_by()
        .values_list("scheme_id")
        .annotate(staff=Count("pk"))
    )
    if not counts:
        return []
    schemes = {
        scheme.code: scheme for scheme in StaffScheme.objects.filter(code__in=counts)
    }
    return [
        UncountedScheme(
            scheme=schemes[code],
            staff=counts[code],
            to_confirm=uncovered[code].needs_confirmation,
        )
        for code in sorted(counts)
    ]


def heatmap(
    access: HRAccess,
    *,
    node_id: int | None,
    framework: Framework,
    by: str = "child",
    on: date | None = None,
) -> Heatmap:
    """org_matrix from a node of the scope (default: the first scope node)."""
    if not access.is_hr_officer:
        raise Http404
    node = unit_get_in_scope(access, node_id) if node_id else access.scope_units[0]
    by = by if by in ("child", "group") else "child"
    matrix = org_matrix(node, framework=framework, by=by, on=on)
    marks = provisional_marks(framework)
    rows, total = heat_rows(node, matrix, marks)
    without = []
    if by == "group":
        rows, without = rows_with_staff(rows)
    root = access.scope_root_of(node)
    steplen = OrgUnit.steplen
    ancestor_paths = [
        node.path[: steplen * depth] for depth in range(root.depth, node.depth)
    ]
    breadcrumbs = (
        list(OrgUnit.objects.filter(path__in=ancestor_paths).order_by("path"))
        if ancestor_paths
        else []
    )
    unit_trails([node, *breadcrumbs], access=access)
    return Heatmap(
        node=node,
        framework=framework,
        by=by,
        matrix=matrix,
        rows=rows,
        breadcrumbs=breadcrumbs,
        trend_root=root,
        trend=trend_points(root=root, framework=framework),
        total=total,
        marks=marks,
        uncounted=uncounted_schemes(node, framework),
        groups_without_staff=without,
    )


def rows_with_staff(rows: list[HeatRow]) -> tuple[list[HeatRow], list[str]]:
    """The rows with staff counted, and the labels of those without: a personnel
    group nobody here belongs to has no requirement to meet, and a row of blanks or
    zeros would read as a group failing, so it is named apart as having no staff
    (the heat map by group and the fiscal report's coverage by group)."""
    return (
        [row for row in rows if row.staff],
        [row.label for row in rows if not row.staff],
    )


def heat_rows(
    node: OrgUnit, matrix: OrgMatrix, marks: ProvisionalMarks | None = None
) -> tuple[list[HeatRow], HeatRow | None]:
    """The heat map's rows of a matrix of `node` and their total (no query)."""
    marks = marks or ProvisionalMarks()
    framework = matrix.framework
    rows = []
    base = {"framework": framework.pk}
    for row in matrix.rows:
        is_unit = isinstance(row, OrgUnit)
        is_root = is_unit and row.pk == node.pk
        if not is_unit:
            query = {**base, "unit": node.pk, "group": row.pk}
        elif is_root:
            query = {**base, "unit": node.pk, "direct": "on"}
        else:
            query = {**base, "unit": row.pk}
        rows.append(
            HeatRow(
                label=row.name,
                unit=row if is_unit else None,
                group=None if is_unit else row,
                is_root=is_root,
                cells=[
                    (competency, cell, share_band(cell))
                    for competency in matrix.competencies
                    for cell in [matrix.cell(row.pk, competency.pk)]
                ],
                people_query=urlencode(query),
                provisional=(
                    marks.competencies if is_unit else marks.for_group(row.pk)
                ),
            )
        )
    return rows, _heat_total(rows, matrix.competencies, node, base)


def _heat_total(rows, competencies, node: OrgUnit, base: dict) -> HeatRow | None:
    """The rows added up, competency by competency: the rows split the node's staff
    (by unit below it, or by personnel group), so the sums are the node's figures."""
    if not rows:
        return None
    cells = []
    for index, competency in enumerate(competencies):
        present = [row.cells[index][1] for row in rows if row.cells[index][1]]
        if not present:
            cells.append((competency, None, share_band(None)))
            continue
        staff = sum(cell.staff for cell in present)
        gap = sum(cell.mean_gap * cell.staff for cell in present)
        total = MatrixCell(
            staff=staff,
            meeting=sum(cell.meeting for cell in present),
            mean_gap=gap / staff if staff else 0.0,
        )
        cells.append((competency, total, share_band(total)))
    return HeatRow(
        label=node.name,
        unit=node,
        group=None,
        is_root=False,
        cells=cells,
        people_query=urlencode({**base, "unit": node.pk}),
        provisional=frozenset(
            competency.pk
            for index, competency in enumerate(competencies)
            if any(
                row.cells[index][1] is not None and competency.pk in row.provisional
                for row in rows
            )
        ),
    )


def trend_points(
    *, root: OrgUnit, framework: Framework, months: int = TREND_MONTHS
) -> list[TrendPoint]:
    """Share of staff meeting their requirement, all competencies together, by month."""
    rows = (
        MatrixSnapshot.objects.filter(root=root, framework=framework)
        .values("taken_on")
        .annotate(staff_total=Sum("staff"), meeting_total=Sum("meeting"))
        .order_by("-taken_on")[:months]
    )
    return [
        TrendPoint(
            month=row["taken_on"],
            staff=row["staff_total"],
            meeting=row["meeting_total"],
        )
        for row in reversed(list(rows))
    ]


# ------------------------------------------------------------------------------
# Imports
# ------------------------------------------------------------------------------


def import_jobs_recent(access: HRAccess, *, limit: int = 10) -> list[ImportJob]:
    if not access.is_hr_officer:
        return []
    return list(
        ImportJob.objects.filter(created_by=access.user)
        .defer("source", "report")
        .order_by("-created_at", "-pk")[:limit]
    )


def import_job_get(access: HRAccess, job_id: int) -> ImportJob:
    """Only the officer who uploaded a file sees its job."""
    if not access.is_hr_officer:
        raise Http404
    job = (
        ImportJob.objects.filter(pk=job_id, created_by=access.user)
        .defer("source")
        .first()
    )
    if job is None:
        raise Http404
    return job
