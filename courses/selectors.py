"""Reads for learning: the catalogue (its search is in courses.search), course and
lesson state, the learner's dashboard and recommendations. Every function runs a
constant number of queries in the number of courses, lessons or enrolments it returns."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from academy.core import pagecache
from academy.core.refcache import ReferenceCache
from academy.core.thaidate import add_months, fiscal_year, fiscal_year_bounds
from competencies.models import Competency, Framework, Person, PersonnelGroup
from competencies.selectors import (
    FrameworkProfile,
    PersonProfile,
    person_and_placement,
    person_profile,
    standards_cache,
)

from .models import (
    CourseCompetency,
    CourseCompletion,
    CoursePage,
    CoursePrerequisite,
    Enrolment,
    LessonPage,
    LessonProgress,
)

# ------------------------------------------------------------------------------
# Catalogue and search
# ------------------------------------------------------------------------------


@dataclass
class CatalogueFilters:
    q: str = ""
    competency: int | None = None
    level: int | None = None
    group: int | None = None
    max_hours: Decimal | None = None
    mode: str = ""

    @property
    def active(self) -> bool:
        return any(
            (self.q, self.competency, self.level, self.group, self.max_hours, self.mode)
        )


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def catalogue_filters_parse(params) -> CatalogueFilters:
    """Read filters from a query string; malformed values are ignored, not errors."""
    try:
        max_hours = Decimal(params.get("hours")) if params.get("hours") else None
    except (InvalidOperation, TypeError):
        max_hours = None
    mode = params.get("mode", "")
    return CatalogueFilters(
        q=(params.get("q") or "")[:200],
        competency=_int_or_none(params.get("competency")),
        level=_int_or_none(params.get("level")),
        group=_int_or_none(params.get("group")),
        max_hours=max_hours,
        mode=mode if mode in CoursePage.DeliveryMode.values else "",
    )


def _course_queryset():
    return (
        CoursePage.objects.live()
        .public()
        .prefetch_related(
            Prefetch(
                "competency_links",
                queryset=CourseCompetency.objects.select_related(
                    "competency", "level", "competency__framework"
                ).order_by("sort_order"),
            ),
            "target_groups",
        )
    )


def _catalogue_index_build(_key=None) -> list[CoursePage]:
    # Not the rich text, which recommendations never show.
    return list(
        _course_queryset().defer("description", "description_en").order_by("path")
    )


#: The live public courses with their competencies and target groups, kept per
#: process under the page cache's content version (publishing, unpublishing,
#: moving or deleting a page, a view restriction, a course's competencies, the
#: standards): academy.core.refcache.
catalogue_cache = ReferenceCache(
    "catalogue", _catalogue_index_build, version_key=pagecache.VERSION_KEY
)


def catalogue_index() -> list[CoursePage]:
    """Shared by every request of a process until the content changes: never
    modify what it returns."""
    return catalogue_cache.get()


def course_list_for_catalogue(*, filters: CatalogueFilters) -> list[CoursePage]:
    """The live courses matching the filters: by relevance when there is a query
    (courses.search), otherwise by title."""
    from .search.selectors import course_ranking, query_terms

    courses = _course_queryset()
    rank: dict[int, int] = {}
    if filters.q:
        ranking = course_ranking(query_terms(filters.q))
        rank = {item.course_id: position for position, item in enumerate(ranking)}
        courses = courses.filter(pk__in=list(rank))
    if filters.competency or filters.level:
        links = CourseCompetency.objects.all()
        if filters.competency:
            links = links.filter(
                Q(competency_id=filters.competency)
                | Q(competency__parent_id=filters.competency)
            )
        if filters.level:
            links = links.filter(level__rank__gte=filters.level)
        courses = courses.filter(pk__in=links.values("page_id"))
    if filters.group:
        courses = courses.filter(
            Q(target_groups__isnull=True) | Q(target_groups=filters.group)
        ).distinct()
    if filters.max_hours is not None:
        courses = courses.filter(learning_hours__lte=filters.max_hours)
    if filters.mode:
        courses = courses.filter(delivery_mode=filters.mode)
    found = list(courses.order_by("title"))
    if filters.q:
        found.sort(key=lambda course: rank[course.pk])
    return found


def _catalogue_filter_choices_build(_key=None) -> dict:
    frameworks = list(Framework.objects.filter(status=Framework.Status.ACTIVE))
    return {
        "areas": list(
            Competency.objects.filter(framework__in=frameworks, parent__isnull=True)
            .select_related("framework")
            .order_by("framework__code", "sort_order")
        ),
        "groups": list(
            PersonnelGroup.objects.filter(framework__in=frameworks)
            .select_related("framework")
            .order_by("framework__code", "sort_order")
        ),
        "modes": CoursePage.DeliveryMode.choices,
    }


#: The catalogue's and search's filter choices: the areas and personnel groups of the
#: active frameworks, kept per process under the standards' version (saving or
#: deleting a framework, competency or group bumps it: competencies.apps).
catalogue_choices_cache = ReferenceCache(
    "catalogue-choices",
    _catalogue_filter_choices_build,
    version_key=standards_cache.version_key,
)


def catalogue_filter_choices() -> dict:
    """Shared by every request of a process: never modify what it returns."""
    return catalogue_choices_cache.get()


# ------------------------------------------------------------------------------
# Course and lesson state for one learner
# ------------------------------------------------------------------------------


def lessons_of(course: CoursePage) -> list[LessonPage]:
    return list(LessonPage.objects.live().child_of(course).order_by("path"))


@dataclass(frozen=True)
class CourseOutline:
    """What every learner's course and lesson pages read of a course alike."""

    course: CoursePage
    lessons: list[LessonPage]  # live, in order; their bodies not read
    links: list[CourseCompetency]


def _course_outline_build(path: str) -> CourseOutline | None:
    course = CoursePage.objects.filter(path=path).first()
    if course is None:
        return None
    return CourseOutline(
        course=course,
        lessons=list(
            LessonPage.objects.live()
            .child_of(course)
            .defer("body", "body_en")
            .order_by("path")
        ),
        links=_competency_links(course),
    )


def _competency_links(course: CoursePage) -> list[CourseCompetency]:
    return list(
        course.competency_links.select_related(
            "competency", "competency__framework", "level"
        ).order_by("sort_order")
    )


#: A course's outline by its tree path, kept per process under the page cache's
#: content version, which publishing, unpublishing, moving or deleting a page (a
#: course's competencies are published with it) bumps: academy.core.refcache.
#: Every lesson page read the course, its lessons and competencies before, three
#: queries and some 60 columns a row.
course_outline_cache = ReferenceCache(
    "course-outline",
    _course_outline_build,
    version_key=pagecache.VERSION_KEY,
    max_entries=2_000,
)


def course_outline(path: str) -> CourseOutline:
    """The outline of the course at `path`. Shared by every request of a process
    until the content changes: never modify what it returns."""
    outline = course_outline_cache.get(path)
    if outline is None:
        raise CoursePage.DoesNotExist(f"No course at {path}.")
    return outline


def completion_rule_met(*, enrolment: Enrolment) -> bool:
    """All live lessons of the course completed (and at least one lesson exists)."""
    lessons = LessonPage.objects.live().child_of(enrolment.course)
    total = lessons.count()
    if total == 0:
        return False
    done = LessonProgress.objects.filter(
        enrolment=enrolment,
        status=LessonProgress.Status.COMPLETED,
        lesson__in=lessons,
    ).count()
    return done >= total


@dataclass(frozen=True)
class PrerequisiteCheck:
    met: bool
    unmet: list[str]


def prerequisites_check(*, user, course: CoursePage) -> PrerequisiteCheck:
    from django.utils.translation import gettext as _

    prerequisites = list(
        CoursePrerequisite.objects.filter(page=course).select_related(
            "required_course", "competency", "level"
        )
    )
    if not prerequisites:
        return PrerequisiteCheck(met=True, unmet=[])
    completed = set(
        CourseCompletion.objects.filter(user=user).values_list("course_id", flat=True)
    )
    attained: dict[int, int] = {}
    if any(item.competency_id for item in prerequisites):
        person = Person.objects.filter(user=user).first()
        if person is not None:
            for framework_profile in person_profile(person).frameworks:
                for row in framework_profile.rows:
                    attained[row.competency.pk] = row.attained_rank
    unmet = []
    for item in prerequisites:
        if item.required_course_id and item.required_course_id not in completed:
            unmet.append(
                _("Complete the course “%(course)s” first.")
                % {"course": item.required_course.display_title}
            )
        elif (
            item.competency_id and attained.get(item.competency_id, 0) < item.level.rank
        ):
            unmet.append(
                _("Reach level %(level)s in “%(competency)s” first.")
                % {"level": item.level.name, "competency": item.competency.name}
            )
    return PrerequisiteCheck(met=not unmet, unmet=unmet)


@dataclass
class LessonState:
    lesson: LessonPage
    status: str | None  # None, "viewed" or "completed"

    @property
    def completed(self) -> bool:
        return self.status == LessonProgress.Status.COMPLETED


def enrolment_cycle_start(*, user, course_id: int) -> datetime | None:
    """When the learner's current enrolment cycle in the course began; None when every
    attempt counts (not enrolled yet, or the course's attempts carry over).

    The rule: an attempt at a course's assessment counts only for the enrolment cycle
    in which it was made, unless the course says otherwise (attempts_carry_over). A
    cycle runs from an enrolment to the completion that ends it: a learner who
    enrols again after completing (to renew a certificate) starts a new cycle, in
    which earlier passes do not complete the course and earlier attempts do not use
    up the attempts allowed. Withdrawing and enrolling again stays in the same cycle,
    so it never buys more attempts. Every count of attempts (passes for completion,
    attempts allowed, the feedback policy, the learner's lists) asks this function.
    One query.
    """
    enrolments = list(
        Enrolment.objects.filter(user=user, course_id=course_id)
        .order_by("enrolled_at", "pk")
        .values_list("enrolled_at", "completed_at", "course__attempts_carry_over")
    )
    if not enrolments or enrolments[0][2]:
        return None
    start = ended = None
    for enrolled_at, completed_at, _carry_over in enrolments:
        if start is None or (ended is not None and enrolled_at >= ended):
            start, ended = enrolled_at, None
        if completed_at is not None:
            ended = completed_at
    return start


# A learner may take a course again to renew its certificate from this long before
# the certificate expires.
RENEWAL_NOTICE = timedelta(days=60)


def completion_valid_until(
    *, course: CoursePage, completion: CourseCompletion
) -> datetime | None:
    """When the certificate of a completion expires (None: it does not)."""
    months = course.certificate_validity_months
    return add_months(completion.completed_at, months) if months else None


def renewal_opens_at(
    *, course: CoursePage, completion: CourseCompletion
) -> datetime | None:
    """From when the course may be taken again to renew; None if it never expires."""
    valid_until = completion_valid_until(course=course, completion=completion)
    return valid_until - RENEWAL_NOTICE if valid_until else None


def completion_latest(*, user, course: CoursePage) -> CourseCompletion | None:
    if not user.is_authenticated:
        return None
    return (
        CourseCompletion.objects.filter(user=user, course=course)
        .order_by("-completed_at")
        .first()
    )


@dataclass
class CourseDetail:
    course: CoursePage
    lessons: list[LessonState]
    enrolment: Enrolment | None
    completion: CourseCompletion | None
    prerequisites: PrerequisiteCheck | None
    links: list[CourseCompetency]
    # HR assigned the course to the learner: they may enrol even if "assigned only".
    assigned: bool = False

    @property
    def completed_count(self) -> int:
        return sum(1 for state in self.lessons if state.completed)

    @property
    def percent(self) -> int:
        if not self.lessons:
            return 0
        return round(100 * self.completed_count / len(self.lessons))

    @property
    def resume_lesson(self) -> LessonPage | None:
        """Where to continue: the last lesson opened if unfinished, else the first
        undone; None once every lesson is done (the next step is then the course's
        required assessment, never lesson 1 again)."""
        if self.enrolment and self.enrolment.last_lesson_id:
            for state in self.lessons:
                if (
                    state.lesson.pk == self.enrolment.last_lesson_id
                    and not state.completed
                ):
                    return state.lesson
        for state in self.lessons:
            if not state.completed:
                return state.lesson
        return None

    @property
    def valid_until(self) -> datetime | None:
        """When the certificate of the last completion expires (None: it does not)."""
        if self.completion is None:
            return None
        return completion_valid_until(course=self.course, completion=self.completion)

    @property
    def renewal_opens(self) -> datetime | None:
        if self.completion is None:
            return None
        return renewal_opens_at(course=self.course, completion=self.completion)

    @property
    def renewal_due(self) -> bool:
        opens = self.renewal_opens
        return opens is not None and timezone.now() >= opens


def _latest_enrolment(user, course) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return (
        Enrolment.objects.filter(user=user, course=course)
        .select_related("completion")
        .order_by(
            # An open enrolment first, then the most recent.
            "-enrolled_at"
        )
        .first()
    )


def course_detail_for_learner(
    *, course: CoursePage, user, preview: bool = False
) -> CourseDetail:
    """`preview`: `course` is an editor's unsaved version, whose competencies are
    its own, not the published ones of the outline."""
    outline = course_outline(course.path)
    lessons = outline.lessons
    enrolment = _latest_enrolment(user, course)
    statuses: dict[int, str] = {}
    if enrolment is not None:
        statuses = dict(
            LessonProgress.objects.filter(enrolment=enrolment).values_list(
                "lesson_id", "status"
            )
        )
    completion = getattr(enrolment, "completion", None) if enrolment else None
    prerequisites = None
    if user.is_authenticated and (enrolment is None or not enrolment.is_open):
        prerequisites = prerequisites_check(user=user, course=course)
    links = _competency_links(course) if preview else outline.links
    assigned = False
    if course.enrolment_policy == CoursePage.EnrolmentPolicy.ASSIGNED and (
        enrolment is None or not enrolment.is_open
    ):
        from .assignments.selectors import course_assigned_to

        assigned = course_assigned_to(user=user, course=course)
    return CourseDetail(
        course=course,
        lessons=[LessonState(lesson, statuses.get(lesson.pk)) for lesson in lessons],
        enrolment=enrolment,
        completion=completion,
        prerequisites=prerequisites,
        links=links,
        assigned=assigned,
    )


@dataclass
class LessonDetail:
    course: CoursePage
    course_detail: CourseDetail
    lesson: LessonPage
    previous: LessonPage | None
    next: LessonPage | None
    status: str | None


def lesson_detail_for_learner(*, lesson: LessonPage, user) -> LessonDetail:
    # By the tree path: the lesson's parent row is not read on the way.
    course = course_outline(lesson.path[: -LessonPage.steplen]).course
    detail = course_detail_for_learner(course=course, user=user)
    index = next(
        (i for i, state in enumerate(detail.lessons) if state.lesson.pk == lesson.pk), 0
    )
    states = detail.lessons
    return LessonDetail(
        course=course,
        course_detail=detail,
        lesson=lesson,
        previous=states[index - 1].lesson if index > 0 else None,
        next=states[index + 1].lesson if index + 1 < len(states) else None,
        status=states[index].status if states else None,
    )


# ------------------------------------------------------------------------------
# The learner's dashboard
# ------------------------------------------------------------------------------


@dataclass
class EnrolmentSummary:
    enrolment: Enrolment
    lessons_total: int
    lessons_done: int

    @property
    def percent(self) -> int:
        if not self.lessons_total:
            return 0
        return round(100 * self.lessons_done / self.lessons_total)


@dataclass
class Recommendation:
    course: CoursePage
    gap_closed: int
    score: float
    closes: list[str] = field(default_factory=list)


@dataclass
class Dashboard:
    person: Person | None
    profile: PersonProfile | None
    primary: FrameworkProfile | None
    enrolments: list[EnrolmentSummary]
    recommendations: list[Recommendation]
    completions: list[CourseCompletion]
    hours_this_year: Decimal
    fiscal_year: int
    # Courses assigned by HR and not completed, earliest due first (shown first).
    assignments: list = field(default_factory=list)

    @property
    def other_enrolments(self) -> list[EnrolmentSummary]:
        """Enrolments not already shown with the assigned courses."""
        assigned = {item.course.pk for item in self.assignments}
        return [
            item for item in self.enrolments if item.enrolment.course_id not in assigned
        ]


def _lesson_counts_build(_key=None) -> dict[str, int]:
    step = CoursePage.steplen
    counts: dict[str, int] = defaultdict(int)
    for path in LessonPage.objects.live().values_list("path", flat=True):
        counts[path[:-step]] += 1
    return dict(counts)


#: Live lessons under each page (by the parent's tree path), kept per process under
#: the page cache's content version, which publishing, unpublishing, moving or
#: deleting any page bumps (academy.core.refcache).
lesson_counts_cache = ReferenceCache(
    "lesson-counts", _lesson_counts_build, version_key=pagecache.VERSION_KEY
)


def live_lessons_count(course: CoursePage) -> int:
    """The live lessons of a course (its children), from the process's cache."""
    return lesson_counts_cache.get().get(course.path, 0)


def with_lessons_done(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Each enrolment with `lessons_done`: its live lessons completed, counted in the
    same query (enrolment_summaries then reads no progress)."""
    done = (
        LessonProgress.objects.filter(
            enrolment=OuterRef("pk"),
            status=LessonProgress.Status.COMPLETED,
            lesson__live=True,
        )
        .order_by()
        .values("enrolment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return enrolments.annotate(
        lessons_done=Coalesce(Subquery(done), 0, output_field=IntegerField())
    )


def enrolment_summaries(enrolments: list[Enrolment]) -> list[EnrolmentSummary]:
    """Progress of many enrolments: live lessons per course from the process's cache
    (live_lessons_count), lessons done from `with_lessons_done`'s annotation or else
    in one query."""
    annotated = all(hasattr(enrolment, "lessons_done") for enrolment in enrolments)
    done = {}
    if not annotated:
        done = dict(
            LessonProgress.objects.filter(
                enrolment__in=[enrolment.pk for enrolment in enrolments],
                status=LessonProgress.Status.COMPLETED,
                lesson__live=True,
            )
            .values("enrolment_id")
            .annotate(n=Count("pk"))
            .values_list("enrolment_id", "n")
        )
    counts = lesson_counts_cache.get() if enrolments else {}
    return [
        EnrolmentSummary(
            enrolment=enrolment,
            lessons_total=counts.get(enrolment.course.path, 0),
            lessons_done=enrolment.lessons_done
            if annotated
            else done.get(enrolment.pk, 0),
        )
        for enrolment in enrolments
    ]


def recommendations_for(
    *,
    profiles: Sequence[FrameworkProfile],
    user,
    limit: int = 6,
    taken: set[int] | None = None,
) -> list[Recommendation]:
    """Courses ranked by gap closed per learning hour, for the learner's open gaps.

    Gaps count on every active framework the learner is placed in, not only the one
    the dashboard shows first: a course mapped to any framework's competency is
    recommended when it closes a gap there.
    Gap closed on a competency = min(course level, required) - attained, when positive.
    Courses the learner is taking, or has completed, are left out (`taken`: their
    ids, when the caller has read them).
    """
    placed = [item for item in profiles if item is not None and item.group is not None]
    rows = {
        row.competency.pk: row for item in placed for row in item.rows if row.gap > 0
    }
    if not rows:
        return []
    groups = {item.group.pk for item in placed}
    if taken is None:
        taken = set(
            Enrolment.objects.filter(
                user=user, status__in=Enrolment.TAKEN_STATUSES
            ).values_list("course_id", flat=True)
        )
    candidates = [
        course
        for course in catalogue_index()
        if course.pk not in taken
        and any(link.competency_id in rows for link in course.competency_links.all())
    ]
    recommendations = []
    for course in candidates:
        targets = {group.pk for group in course.target_groups.all()}
        if targets and not targets & groups:
            continue
        gap_closed, closes = 0, []
        for link in course.competency_links.all():
            row = rows.get(link.competency_id)
            if row is None:
                continue
            closed = min(link.level.rank, row.required_rank) - row.attained_rank
            if closed > 0:
                gap_closed += closed
                closes.append(link.competency.name)
        if gap_closed:
            hours = float(course.learning_hours) or 1.0
            recommendations.append(
                Recommendation(
                    course=course,
                    gap_closed=gap_closed,
                    score=gap_closed / hours,
                    closes=closes,
                )
            )
    recommendations.sort(
        key=lambda item: (-item.score, -item.gap_closed, item.course.title)
    )
    return recommendations[:limit]


DASHBOARD_DEFERRED = (
    "course__description",
    "course__description_en",
    "course__search_description",
    "last_lesson__body",
    "last_lesson__body_en",
    "last_lesson__search_description",
)


def dashboard_for_user(*, user) -> Dashboard:
    person, placement = (
        person_and_placement(user) if user.is_authenticated else (None, None)
    )
    profile = person_profile(person, placement=placement) if person else None
    primary = profile.frameworks[0] if profile and profile.frameworks else None
    # The open enrolments and the completed ones in one query: the completed ones
    # only say which courses not to recommend.
    enrolments = list(
        with_lessons_done(
            Enrolment.objects.filter(user=user, status__in=Enrolment.TAKEN_STATUSES)
        )
        .select_related("course", "last_lesson")
        # Not the rich text and lesson bodies, which the dashboard never shows.
        .defer(*DASHBOARD_DEFERRED)
        .order_by("-source", "-last_activity_at", "-enrolled_at")
    )
    open_enrolments = [item for item in enrolments if item.is_open]
    today = timezone.localdate()
    year = fiscal_year(today)
    starts, ends = fiscal_year_bounds(year)
    completions = list(
        CourseCompletion.objects.filter(
            user=user, completed_at__date__gte=starts, completed_at__date__lte=ends
        )
        .select_related("course")
        .order_by("-completed_at")
    )
    hours = sum((item.learning_hours for item in completions), Decimal("0"))
    summaries = enrolment_summaries(open_enrolments)
    return Dashboard(
        person=person,
        profile=profile,
        primary=primary,
        enrolments=summaries,
        recommendations=recommendations_for(
            profiles=profile.frameworks if profile else [],
            user=user,
            taken={item.course_id for item in enrolments},
        ),
        completions=completions,
        hours_this_year=hours,
        fiscal_year=year,
        assignments=_assignments_with_progress(user=user, summaries=summaries),
    )


def _assignments_with_progress(*, user, summaries: list[EnrolmentSummary]) -> list:
    """The learner's open assignments, each with its enrolment's progress if enrolled."""
    from .assignments.selectors import assignments_for_learner

    by_course = {summary.enrolment.course_id: summary for summary in summaries}
    items = assignments_for_learner(user=user)
    for item in items:
        item.summary = by_course.get(item.course.pk)
    return items


@dataclass
class PersonLearning:
    """A person's learning as the HR person page shows it."""

    enrolments: list[EnrolmentSummary]
    hours_by_year: list[tuple[int, Decimal, int]]  # (fiscal year C.E., hours, courses)
    assignments: list = field(default_factory=list)  # open, not yet completed


def person_learning(person: Person) -> PersonLearning:
    """Every enrolment of a person, with progress, hours per fiscal year, and the
    assigned courses not yet completed.

    The caller has already checked that the viewer may see this person. A person
    without an account has no learning yet. Two queries, however many enrolments
    (enrolments with their lessons done and their completions, assignments), and the
    person's account unless it was read with them.
    """
    from .assignments.selectors import assignments_for_learner

    if person.user_id is None:
        return PersonLearning(enrolments=[], hours_by_year=[])
    # A completion is recorded once per enrolment (its one-to-one), for the
    # enrolment's user: the enrolments' completions are the person's.
    enrolments = list(
        with_lessons_done(
            Enrolment.objects.filter(user_id=person.user_id)
            .select_related("course", "completion")
            .order_by("-enrolled_at", "-pk")
        )
    )
    totals: dict[int, list] = defaultdict(lambda: [Decimal("0"), 0])
    for enrolment in enrolments:
        completion = getattr(enrolment, "completion", None)
        if completion is None:
            continue
        year = totals[fiscal_year(timezone.localdate(completion.completed_at))]
        year[0] += completion.learning_hours
        year[1] += 1
    return PersonLearning(
        assignments=assignments_for_learner(user=person.user),
        enrolments=enrolment_summaries(enrolments),
        hours_by_year=[
            (year, hours, count)
            for year, (hours, count) in sorted(totals.items(), reverse=True)
        ],
    )
