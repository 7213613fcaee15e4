"""Reads for assessments, with every access rule: learners see only their own attempts,
instructors only their own banks and assessments, HR officers only their scope's staff.

A learner's attempt page is built from `courses.questions.public_view` alone, so no
answer key, correctness, feedback or explanation can reach it before submission.
Every function runs a constant number of queries in the number of rows it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies.models import Competency, Framework, Person, ProficiencyLevel
from competencies.selectors import standards_snapshot

from ..grading import grade
from ..item_analysis import ItemStatistics, ScoreDistribution, analyse_items
from ..item_analysis import score_distribution as distribution_of
from ..models import Assessment, Attempt, CourseInstructor, Question, QuestionBank
from ..questions import (
    FALSE_ID,
    TRUE_ID,
    QuestionKind,
    QuestionSnapshot,
    public_view,
)
from ..selectors import enrolment_cycle_start

# ------------------------------------------------------------------------------
# The learner
# ------------------------------------------------------------------------------


def assessment_get_for_learner(*, assessment_id: int) -> Assessment:
    """A published assessment of a live course, or a published placement assessment."""
    assessment = (
        Assessment.objects.filter(pk=assessment_id, is_published=True)
        .filter(Q(kind=Assessment.Kind.PLACEMENT) | Q(course__live=True))
        .select_related("course", "area", "after_lesson")
        .first()
    )
    if assessment is None:
        raise Http404
    return assessment


def attempt_get_for_learner(*, user, attempt_id: int) -> Attempt:
    """The learner's own attempt; anyone else's is a 404, never a 403."""
    attempt = (
        Attempt.objects.filter(pk=attempt_id, user=user)
        .select_related("assessment", "assessment__course")
        .first()
    )
    if attempt is None:
        raise Http404
    return attempt


def feedback_visible(
    *,
    assessment: Assessment,
    attempts_used: int,
    passed: bool = False,
    now: datetime | None = None,
) -> bool:
    """Whether a submitted attempt's answers, feedback and explanations may be shown.

    Never before submission (callers pass only submitted attempts); then as the
    assessment's policy says: after the last attempt (or the closing date, if one is
    set), once the learner has passed (`passed`: any of their attempts), at once,
    after a date, or never. A learner who failed and may try again never sees them
    under the first two.
    """
    now = now or timezone.now()
    policy = assessment.feedback_policy
    if policy == Assessment.FeedbackPolicy.AFTER_SUBMISSION:
        return True
    if policy == Assessment.FeedbackPolicy.AFTER_PASSING:
        return passed
    if policy == Assessment.FeedbackPolicy.AFTER_LAST_ATTEMPT:
        closed = (
            assessment.feedback_from is not None and now >= assessment.feedback_from
        )
        return closed or (
            assessment.attempts_allowed is not None
            and attempts_used >= assessment.attempts_allowed
        )
    if policy == Assessment.FeedbackPolicy.AFTER_DATE:
        return assessment.feedback_from is not None and now >= assessment.feedback_from
    return False


def unanswered_numbers(*, attempt: Attempt, responses: dict) -> list[int]:
    """The numbers (1 first, as shown) of the attempt's questions left unanswered by
    the saved answers and, over them, `responses` (the submitted form read by
    forms.responses_from_post: it holds only the questions the form showed)."""
    merged = {**attempt.responses, **responses}
    return [
        number
        for number, question in enumerate(attempt.questions, start=1)
        if merged.get(question["id"]) in (None, "", [], {})
    ]


def assessment_pool_warnings(assessment: Assessment) -> list[str]:
    """What an author should know about the question pools an assessment draws from.

    Per competency (rules on one competency draw together, as the draw does): a pool
    smaller than the draw (no one can start), or smaller than the draw times the
    attempts allowed (a learner who tries again meets questions seen before).
    """
    draws: dict[int, int] = {}
    names: dict[int, str] = {}
    pools: dict[int, int] = {}
    for rule in assessment.rules.select_related("competency"):
        competency = rule.competency
        draws[competency.pk] = draws.get(competency.pk, 0) + rule.count
        names[competency.pk] = f"{competency.code} {competency.name}"
        pools[competency.pk] = pools.get(competency.pk, 0) + (
            Question.objects.filter(
                bank_id=rule.bank_id, competency=competency, is_active=True
            ).count()
        )
    warnings = []
    attempts = assessment.attempts_allowed
    for pk, draw_count in draws.items():
        pool = pools[pk]
        if pool < draw_count:
            warnings.append(
                _(
                    "%(competency)s: each attempt draws %(draw)d questions but the "
                    "pool has %(pool)d in use, so no one can start this assessment."
                )
                % {"competency": names[pk], "draw": draw_count, "pool": pool}
            )
        elif attempts and attempts > 1 and pool < draw_count * attempts:
            warnings.append(
                _(
                    "%(competency)s: %(attempts)d attempts of %(draw)d questions need "
                    "%(needed)d different questions; the pool has %(pool)d, so a "
                    "learner who tries again meets questions already seen."
                )
                % {
                    "competency": names[pk],
                    "attempts": attempts,
                    "draw": draw_count,
                    "needed": draw_count * attempts,
                    "pool": pool,
                }
            )
    return warnings


@dataclass
class AssessmentOverview:
    assessment: Assessment
    attempts: list[Attempt]
    in_progress: Attempt | None
    question_count: int

    @property
    def submitted(self) -> list[Attempt]:
        return [attempt for attempt in self.attempts if attempt.is_submitted]

    @property
    def attempts_left(self) -> int | None:
        if self.assessment.attempts_allowed is None:
            return None
        return max(self.assessment.attempts_allowed - len(self.attempts), 0)

    @property
    def can_start(self) -> bool:
        return self.in_progress is None and self.attempts_left != 0

    @property
    def passed(self) -> bool:
        return any(attempt.passed for attempt in self.submitted)

    @property
    def best(self) -> Attempt | None:
        return max(self.submitted, key=lambda attempt: attempt.percent, default=None)


def attempts_counting(*, user, assessment: Assessment) -> QuerySet[Attempt]:
    """The learner's attempts at the assessment that count now: at a course's
    assessment, those of the current enrolment cycle (enrolment_cycle_start)."""
    attempts = Attempt.objects.filter(user=user, assessment=assessment)
    if assessment.course_id is None:
        return attempts
    return _in_cycle(attempts, user=user, course_id=assessment.course_id)


def _in_cycle(attempts: QuerySet[Attempt], *, user, course_id: int) -> QuerySet:
    start = enrolment_cycle_start(user=user, course_id=course_id)
    return attempts if start is None else attempts.filter(started_at__gte=start)


def assessment_overview(*, user, assessment: Assessment) -> AssessmentOverview:
    attempts = list(
        attempts_counting(user=user, assessment=assessment)
        .select_related("assessment")
        .order_by("-number")
    )
    return AssessmentOverview(
        assessment=assessment,
        attempts=attempts,
        in_progress=next(
            (attempt for attempt in attempts if not attempt.is_submitted), None
        ),
        question_count=sum(rule.count for rule in assessment.rules.all()),
    )


@dataclass
class Choice:
    id: str
    text: str
    selected: bool = False


@dataclass
class QuestionView:
    """One question as the attempt page shows it, with the learner's saved response."""

    number: int
    id: str
    kind: str
    prompt: str
    points: str
    options: list[Choice] = field(default_factory=list)
    #: matching: left items, each with the chosen right choice in `selected_id`
    items: list[dict[str, Any]] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    value: str = ""

    @property
    def field_name(self) -> str:
        return f"q-{self.id}"


def _question_view(number: int, view: dict[str, Any], response: Any) -> QuestionView:
    kind = view["kind"]
    question = QuestionView(
        number=number,
        id=view["id"],
        kind=kind,
        prompt=view["prompt"],
        points=view["points"],
    )
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        chosen = set(response) if isinstance(response, list) else {response}
        question.options = [
            Choice(option["id"], option["text"], option["id"] in chosen)
            for option in view["options"]
        ]
    elif kind == QuestionKind.TRUE_FALSE:
        question.options = [
            Choice(TRUE_ID, _("True"), response == TRUE_ID),
            Choice(FALSE_ID, _("False"), response == FALSE_ID),
        ]
    elif kind == QuestionKind.MATCHING:
        chosen = response if isinstance(response, dict) else {}
        question.items = [
            {
                "id": item["id"],
                "text": item["text"],
                "selected_id": chosen.get(item["id"]),
            }
            for item in view["items"]
        ]
        question.choices = [
            Choice(choice["id"], choice["text"]) for choice in view["choices"]
        ]
    elif kind == QuestionKind.ORDERING:
        order = response if isinstance(response, list) else []
        position = {item_id: index + 1 for index, item_id in enumerate(order)}
        question.items = [
            {
                "id": item["id"],
                "text": item["text"],
                "position": position.get(item["id"]),
            }
            for item in view["items"]
        ]
        question.choices = [
            Choice(str(n), str(n)) for n in range(1, len(view["items"]) + 1)
        ]
    else:
        question.value = response if isinstance(response, str) else ""
    return question


def attempt_questions(*, attempt: Attempt) -> list[QuestionView]:
    """The attempt's questions for its page: public views only, in the drawn order."""
    views = []
    for number, data in enumerate(attempt.questions, start=1):
        snapshot = QuestionSnapshot.from_dict(data)
        view = public_view(snapshot, attempt.option_orders[snapshot.id])
        views.append(_question_view(number, view, attempt.responses.get(snapshot.id)))
    return views


@dataclass
class CompetencyRow:
    competency: Competency | None
    code: str
    score: str
    max_score: str
    percent: str
    level_reached: ProficiencyLevel | None
    evidence_recorded: bool


@dataclass
class AnswerReview:
    number: int
    prompt: str
    score: str
    max_score: str
    correct: bool
    given: list[str]
    expected: list[str]
    feedback: list[str]
    explanation: str


@dataclass
class AttemptResultView:
    attempt: Attempt
    competencies: list[CompetencyRow]
    feedback_visible: bool
    answers: list[AnswerReview]


def _texts(snapshot: QuestionSnapshot) -> dict[str, str]:
    return {option.id: option.text for option in snapshot.options + snapshot.targets}


def _true_false(value: Any) -> str:
    return str(_("True")) if value in (True, TRUE_ID) else str(_("False"))


def _given(snapshot: QuestionSnapshot, response: Any) -> list[str]:
    """The learner's response in words; malformed parts are left out."""
    if response is None:
        return []
    texts = _texts(snapshot)
    kind = snapshot.kind
    if kind is QuestionKind.SINGLE:
        return [texts[response]] if response in texts else []
    if kind in (QuestionKind.MULTIPLE, QuestionKind.ORDERING):
        return (
            [texts[item] for item in response if item in texts]
            if isinstance(response, list)
            else []
        )
    if kind is QuestionKind.TRUE_FALSE:
        return [_true_false(response)] if response in (TRUE_ID, FALSE_ID) else []
    if kind is QuestionKind.MATCHING:
        if not isinstance(response, dict):
            return []
        return [
            f"{texts[left]} → {texts[right]}"
            for left, right in response.items()
            if left in texts and right in texts
        ]
    return [str(response)]


def _expected(snapshot: QuestionSnapshot) -> list[str]:
    """The correct answer in words: shown only when the feedback policy allows."""
    key, texts = snapshot.key, _texts(snapshot)
    match snapshot.kind:
        case QuestionKind.SINGLE:
            return [texts[key.correct]]
        case QuestionKind.MULTIPLE:
            return [texts[item] for item in key.correct]
        case QuestionKind.TRUE_FALSE:
            return [_true_false(key.answer)]
        case QuestionKind.MATCHING:
            return [f"{texts[left]} → {texts[right]}" for left, right in key.pairs]
        case QuestionKind.ORDERING:
            return [texts[item] for item in key.order]
        case QuestionKind.NUMERIC:
            if key.tolerance:
                return [f"{key.answer.normalize():f} ± {key.tolerance.normalize():f}"]
            return [f"{key.answer.normalize():f}"]
        case QuestionKind.SHORT_TEXT:
            return list(key.accepted)
    return []  # pragma: no cover


class _Standards:
    """Competencies named in attempts, with the levels of their scales: from the
    standards snapshot (competencies.selectors.standards_snapshot, a process cache
    with versioned invalidation), and from the database only for competencies of a
    framework no longer active (one query for them, one for their levels)."""

    def __init__(self, competency_ids):
        ids = set(competency_ids)
        snapshot = standards_snapshot()
        self._scale_of = {item.pk: item.scale_id for item in snapshot.frameworks}
        self.competencies = {
            competency.pk: competency
            for competency in snapshot.competencies
            if competency.pk in ids
        }
        self._levels = {
            (scale_id, level.rank): level
            for scale_id, levels in snapshot.levels_by_scale.items()
            for level in levels
        }
        missing = ids - self.competencies.keys()
        if missing:
            for competency in Competency.objects.filter(pk__in=missing).select_related(
                "framework"
            ):
                self.competencies[competency.pk] = competency
                self._scale_of[competency.framework_id] = competency.framework.scale_id
            scales = set(self._scale_of.values()) - {scale for scale, _ in self._levels}
            for level in ProficiencyLevel.objects.filter(scale_id__in=scales):
                self._levels[(level.scale_id, level.rank)] = level

    def level(self, competency: Competency, rank: int) -> ProficiencyLevel | None:
        return self._levels.get((self._scale_of.get(competency.framework_id), rank))


def attempt_result(
    *,
    attempt: Attempt,
    attempts: list[Attempt] | None = None,
    now: datetime | None = None,
) -> AttemptResultView:
    """A submitted attempt's result; answers and feedback only as the policy allows.

    `attempts`: the learner's attempts that count (assessment_overview's), when the
    caller has them; otherwise they are counted here."""
    standards = _Standards(attempt.competency_ids.values())
    competencies = standards.competencies
    evidence = attempt.result.get("evidence", {})
    rows = []
    for code, item in attempt.result.get("competencies", {}).items():
        competency = competencies.get(attempt.competency_ids.get(code))
        reached = item["level_reached"]
        level = standards.level(competency, reached) if competency and reached else None
        rows.append(
            CompetencyRow(
                competency=competency,
                code=code,
                score=item["score"],
                max_score=item["max_score"],
                percent=item["percent"],
                level_reached=level,
                evidence_recorded=code in evidence,
            )
        )
    if attempts is None:
        tally = attempts_counting(
            user=attempt.user_id, assessment=attempt.assessment
        ).aggregate(used=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
    else:
        tally = {
            "used": len(attempts),
            "passed": sum(1 for item in attempts if item.passed),
        }
    visible = attempt.is_submitted and feedback_visible(
        assessment=attempt.assessment,
        attempts_used=tally["used"],
        passed=tally["passed"] > 0,
        now=now,
    )
    answers = []
    if visible:
        graded = attempt.result.get("answers", {})
        for number, data in enumerate(attempt.questions, start=1):
            snapshot = QuestionSnapshot.from_dict(data)
            response = attempt.responses.get(snapshot.id)
            item = graded.get(snapshot.id) or _graded_now(snapshot, response)
            answers.append(
                AnswerReview(
                    number=number,
                    prompt=snapshot.prompt,
                    score=item["score"],
                    max_score=item["max_score"],
                    correct=item["correct"],
                    given=_given(snapshot, response),
                    expected=_expected(snapshot),
                    feedback=item["feedback"],
                    explanation=snapshot.explanation,
                )
            )
    return AttemptResultView(
        attempt=attempt, competencies=rows, feedback_visible=visible, answers=answers
    )


def _graded_now(snapshot: QuestionSnapshot, response: Any) -> dict[str, Any]:
    answer = grade(snapshot, response)
    return {
        "score": str(answer.score),
        "max_score": str(answer.max_score),
        "correct": answer.correct,
        "feedback": answer.feedback,
    }


@dataclass
class AssessmentState:
    """An assessment with the learner's standing on it, for lists."""

    assessment: Assessment
    latest: Attempt | None
    passed: bool
    in_progress: bool


def _states(
    user,
    assessments: list[Assessment],
    *,
    course_id: int | None = None,
    attempts: list[Attempt] | None = None,
) -> list[AssessmentState]:
    """States of placement assessments, or (course_id) of one course's assessments.
    `attempts`: the learner's attempts at them, by number descending, when the caller
    has read them."""
    by_assessment: dict[int, list[Attempt]] = {}
    if attempts is None and user.is_authenticated and assessments:
        mine = Attempt.objects.filter(
            user=user, assessment__in=[item.pk for item in assessments]
        )
        if course_id is not None:
            mine = _in_cycle(mine, user=user, course_id=course_id)
        attempts = list(mine.order_by("-number"))
    for attempt in attempts or []:
        by_assessment.setdefault(attempt.assessment_id, []).append(attempt)
    attempts = by_assessment
    states = []
    for assessment in assessments:
        mine = attempts.get(assessment.pk, [])
        states.append(
            AssessmentState(
                assessment=assessment,
                latest=next((item for item in mine if item.is_submitted), None),
                passed=any(item.passed for item in mine),
                in_progress=any(not item.is_submitted for item in mine),
            )
        )
    return states


def course_assessments_for_learner(*, user, course) -> list[AssessmentState]:
    """The course's published assessments, in course order (those at the end last)."""
    assessments = list(
        Assessment.objects.filter(course=course, is_published=True)
        .select_related("after_lesson")
        .order_by("after_lesson__path", "title", "pk")
    )
    assessments.sort(key=lambda item: (item.after_lesson is None, item.title))
    return _states(user, assessments, course_id=course.pk)


def required_assessments_passed(*, user, course) -> bool:
    """Every published assessment the course requires has a passed attempt in the
    learner's current enrolment cycle (enrolment_cycle_start)."""
    required = Assessment.objects.filter(
        course=course, is_published=True, required_for_completion=True
    )
    passes = _in_cycle(
        Attempt.objects.filter(assessment=OuterRef("pk"), user=user, passed=True),
        user=user,
        course_id=course.pk,
    )
    return not required.exclude(Exists(passes)).exists()


@dataclass
class RecentResult:
    attempt: Attempt
    evidence: list[tuple[Competency, ProficiencyLevel]]


@dataclass
class DashboardAssessments:
    placements: list[AssessmentState]
    recent: list[RecentResult]


RECENT_RESULTS = 5


def dashboard_assessments(*, user) -> DashboardAssessments:
    """Placement assessments of the active frameworks' areas, and the latest results."""
    placements = list(
        Assessment.objects.filter(
            kind=Assessment.Kind.PLACEMENT,
            is_published=True,
            area__framework__status=Framework.Status.ACTIVE,
        )
        .select_related("area")
        .order_by("area__framework__code", "area__sort_order", "title")
    )
    # The learner's attempts at the placement assessments and their latest results,
    # in one query: `recent` marks the latest results.
    latest_ids = (
        Attempt.objects.filter(user=user, status=Attempt.Status.SUBMITTED)
        .order_by("-submitted_at", "-pk")
        .values("pk")[:RECENT_RESULTS]
    )
    mine = list(
        Attempt.objects.filter(
            Q(assessment__in=[item.pk for item in placements]) | Q(pk__in=latest_ids),
            user=user,
        )
        .annotate(
            recent=ExpressionWrapper(Q(pk__in=latest_ids), output_field=BooleanField())
        )
        .select_related("assessment")
        .order_by("-number")
    )
    recent = sorted(
        (attempt for attempt in mine if attempt.recent),
        key=lambda attempt: (attempt.submitted_at, attempt.pk),
        reverse=True,
    )
    competency_ids = {
        attempt.competency_ids[code]
        for attempt in recent
        for code in attempt.result.get("evidence", {})
    }
    standards = _Standards(competency_ids)
    results = []
    for attempt in recent:
        evidence = []
        for code, rank in attempt.result.get("evidence", {}).items():
            competency = standards.competencies.get(attempt.competency_ids[code])
            level = competency and standards.level(competency, rank)
            if competency and level:
                evidence.append((competency, level))
        results.append(RecentResult(attempt=attempt, evidence=evidence))
    placement_ids = {item.pk for item in placements}
    return DashboardAssessments(
        placements=_states(
            user,
            placements,
            attempts=[item for item in mine if item.assessment_id in placement_ids],
        ),
        recent=results,
    )


# ------------------------------------------------------------------------------
# HR officers
# ------------------------------------------------------------------------------


def results_for_hr(access, *, person: Person | None = None) -> QuerySet[Attempt]:
    """Submitted attempts of the people in the officer's scope (or of one of them).

    The scope is applied here: the people whose current placement is in the
    officer's subtrees (competencies.hr.selectors.placements_in_scope).
    """
    from competencies.hr.selectors import placements_in_scope

    people = Person.objects.filter(
        Exists(placements_in_scope(access).filter(person=OuterRef("pk")))
    )
    if person is not None:
        people = people.filter(pk=person.pk)
    return (
        Attempt.objects.filter(
            status=Attempt.Status.SUBMITTED,
            user__person__in=people.values("pk"),
        )
        .select_related("assessment", "user__person")
        .order_by("-submitted_at", "-pk")
    )


# ------------------------------------------------------------------------------
# Instructors
# ------------------------------------------------------------------------------


def _authors_everything(user) -> bool:
    from academy.accounts.authz import can

    return can(user, "courses.author_all")


def banks_for_author(user) -> QuerySet[QuestionBank]:
    """Banks an instructor may see and change: their own (administrators: all)."""
    banks = QuestionBank.objects.select_related("framework", "owner")
    if _authors_everything(user):
        return banks
    return banks.filter(owner=user)


def assessments_for_author(user) -> QuerySet[Assessment]:
    """Assessments an instructor owns, or that belong to a course they own or co-teach."""
    assessments = Assessment.objects.select_related("course", "area", "owner")
    if _authors_everything(user):
        return assessments
    return assessments.filter(
        Q(owner=user)
        | Q(course__owner=user)
        | Q(course__in=CourseInstructor.objects.filter(user=user).values("page_id"))
    )


def questions_for_author(user) -> QuerySet[Question]:
    """Questions of the banks an instructor may see (administrators: all)."""
    return Question.objects.filter(bank__in=banks_for_author(user)).select_related(
        "bank", "competency", "level"
    )


def log_entries_for_author(user, entries: QuerySet) -> QuerySet:
    """Wagtail model log entries (history) narrowed to what `user` authors.

    Wagtail shows a model's log entries to anyone holding a permission on the model;
    an instructor holds them on banks, questions and assessments (to author their
    own), so without this they would read the history of everyone else's.
    """
    if _authors_everything(user):
        return entries
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField
    from django.db.models.functions import Cast

    narrowed = Q()
    for model, own in (
        (QuestionBank, banks_for_author(user)),
        (Question, questions_for_author(user)),
        (Assessment, assessments_for_author(user)),
    ):
        content_type = ContentType.objects.get_for_model(model)
        own_ids = own.order_by().annotate(key=Cast("pk", CharField())).values("key")
        narrowed &= ~Q(content_type=content_type) | Q(object_id__in=own_ids)
    return entries.filter(narrowed)


@dataclass
class ItemRow:
    question_id: str
    prompt: str
    competency_code: str
    level_rank: int
    statistics: ItemStatistics


@dataclass
class AssessmentResults:
    assessment: Assessment
    attempts: list[Attempt]
    distribution: ScoreDistribution
    items: list[ItemRow]
    pass_count: int


def assessment_results(*, assessment: Assessment) -> AssessmentResults:
    """Submitted attempts, the score distribution, and item analysis on first attempts.

    First attempts only: later ones are coached by earlier feedback, which would
    make every question look easier and less discriminating than it is.
    """
    attempts = list(
        Attempt.objects.filter(assessment=assessment, status=Attempt.Status.SUBMITTED)
        .select_related("user")
        .order_by("-submitted_at", "-pk")
    )
    first = [attempt for attempt in attempts if attempt.number == 1]
    maxima: dict[str, Decimal] = {}
    prompts: dict[str, tuple[str, str, int]] = {}
    rows = []
    for attempt in first:
        row = {}
        for data in attempt.questions:
            maxima[data["id"]] = Decimal(data["points"])
            prompts[data["id"]] = (
                data["prompt"],
                data["competency_code"],
                data["level_rank"],
            )
        for question_id, answer in attempt.result.get("answers", {}).items():
            row[question_id] = Decimal(answer["score"])
        rows.append(row)
    items = [
        ItemRow(
            question_id=str(item.question_id),
            prompt=prompts[item.question_id][0],
            competency_code=prompts[item.question_id][1],
            level_rank=prompts[item.question_id][2],
            statistics=item,
        )
        for item in analyse_items(rows, maxima)
    ]
    items.sort(key=lambda row: (row.competency_code, row.level_rank, row.question_id))
    return AssessmentResults(
        assessment=assessment,
        attempts=attempts,
        distribution=distribution_of([attempt.percent for attempt in attempts]),
        items=items,
        pass_count=sum(1 for attempt in attempts if attempt.passed),
    )
