"""Writes for assessments: starting, saving and submitting attempts, and importing questions.

Every write to an attempt locks its row (`select_for_update`) and checks its state
under the lock, so an attempt submitted twice, or from two tabs at once, is graded
once; the time limit is enforced here, on the server's clock, never in the browser.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies.models import Competency, Evidence, ProficiencyLevel
from competencies.services import evidence_record, person_ensure_for_user

from .. import xapi_events
from ..grading import AttemptResult, DrawError, draw, grade_attempt, presentation_order
from ..models import (
    Assessment,
    Attempt,
    Enrolment,
    Question,
    QuestionBank,
    QuestionOption,
)
from ..moodle_xml import SkippedQuestion, parse_moodle_xml
from ..question_io import (
    QuestionImportError,
    QuestionImportProblem,
    _records,
    parse_questions_csv,
    questions_to_csv,
)
from ..questions import QuestionDraft, QuestionKind, QuestionSnapshot, shuffled_ids

#: Answers that reach the server this long after the deadline still count: the
#: learner pressed "submit" in time and the request was in flight. Later ones do not.
LATE_GRACE = timedelta(seconds=15)

logger = logging.getLogger(__name__)
#: A response longer than this is not stored (grading reads at most 1,000 characters).
MAX_STORED_RESPONSE = 2000


class AssessmentError(Exception):
    """Why an attempt could not be started or changed, in words a learner can act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AttemptClosed(AssessmentError):
    """The attempt is already submitted, or its time is up; it has been graded."""

    def __init__(self, message: str, *, attempt: Attempt):
        super().__init__(message)
        self.attempt = attempt


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _lock_user(user) -> None:
    """Serialise one learner's attempt starts (SQLite serialises writers anyway)."""
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values("pk"))


# ------------------------------------------------------------------------------
# Starting
# ------------------------------------------------------------------------------


def attempts_used(*, user, assessment: Assessment) -> int:
    """Attempts that use up the attempts allowed: those of the current enrolment
    cycle at a course's assessment (courses.selectors.enrolment_cycle_start)."""
    from .selectors import attempts_counting

    return attempts_counting(user=user, assessment=assessment).count()


def _check_may_start(*, user, assessment: Assessment) -> None:
    if not assessment.is_published:
        raise AssessmentError(_("This assessment is not open."))
    if assessment.kind == Assessment.Kind.COURSE:
        course = assessment.course
        if not course.live:
            raise AssessmentError(_("This assessment is not open."))
        enrolled = Enrolment.objects.filter(
            user=user,
            course=course,
            status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED],
        ).exists()
        if not enrolled:
            raise AssessmentError(
                _("Enrol in the course before taking its assessment.")
            )
    if (
        assessment.attempts_allowed is not None
        and attempts_used(user=user, assessment=assessment)
        >= assessment.attempts_allowed
    ):
        raise AssessmentError(_("You have used all your attempts at this assessment."))


def _draw_questions(
    assessment: Assessment, *, seed: str
) -> tuple[list[QuestionSnapshot], dict[str, int]]:
    """Snapshots of a fresh draw, and {competency code: competency pk}."""
    rules = list(assessment.rules.select_related("competency", "bank"))
    if not rules:
        raise AssessmentError(_("This assessment has no questions yet."))
    counts: dict[str, int] = {}
    competency_ids: dict[str, int] = {}
    for rule in rules:
        code = rule.competency.code
        if competency_ids.setdefault(code, rule.competency_id) != rule.competency_id:
            raise AssessmentError(
                _("Two competencies share the code %(code)s in this assessment.")
                % {"code": code}
            )
        counts[code] = counts.get(code, 0) + rule.count
    # Every rule's questions in one query (a query per rule before), in the rules'
    # order and, within a rule, by external id as before: a rule is one
    # (bank, competency) pair (assessment_rule_unique).
    drawable: dict[tuple[int, int], list[int]] = {
        (rule.bank_id, rule.competency_id): [] for rule in rules
    }
    rows = (
        Question.objects.filter(
            bank_id__in={rule.bank_id for rule in rules},
            competency_id__in={rule.competency_id for rule in rules},
            level__isnull=False,
            is_active=True,
        )
        .order_by("external_id", "pk")
        .values_list("pk", "bank_id", "competency_id")
    )
    for question_id, bank_id, competency_id in rows:
        questions_of_rule = drawable.get((bank_id, competency_id))
        if questions_of_rule is not None:
            questions_of_rule.append(question_id)
    pool: dict[str, list[int]] = {code: [] for code in counts}
    for rule in rules:
        pool[rule.competency.code].extend(drawable[(rule.bank_id, rule.competency_id)])
    try:
        drawn = draw(pool, counts, seed=seed)
    except DrawError as error:
        raise AssessmentError(
            _(
                "This assessment cannot be taken yet: its question banks are short (%(detail)s)."
            )
            % {"detail": str(error)}
        ) from error
    questions = {
        question.pk: question
        for question in Question.objects.filter(pk__in=drawn)
        .select_related("bank", "competency", "level")
        .prefetch_related("options")
    }
    snapshots = []
    for question_id in drawn:
        question = questions[question_id]
        try:
            snapshots.append(question.draft().to_snapshot(str(question_id)))
        except ValueError as error:
            raise AssessmentError(
                _(
                    "Question %(question)s is not complete; ask the instructor to fix it."
                )
                % {"question": question.external_id}
            ) from error
    return snapshots, competency_ids


def _option_order(snapshot: QuestionSnapshot, *, seed: str, shuffle: bool) -> list[str]:
    # Ordering items are always shuffled: in authored order they are the answer.
    if shuffle or snapshot.kind is QuestionKind.ORDERING:
        return presentation_order(snapshot, seed=f"{seed}:{snapshot.id}")
    return list(shuffled_ids(snapshot))


@transaction.atomic
def attempt_start(
    *, user, assessment: Assessment, now: datetime | None = None
) -> Attempt:
    """The learner's attempt in progress, or a new one with its questions drawn.

    The draw and the options' order are fixed here and stored with the attempt, so
    every later page shows the same questions in the same order.
    """
    now = _now(now)
    _lock_user(user)
    current = (
        Attempt.objects.select_for_update()
        .filter(user=user, assessment=assessment, status=Attempt.Status.IN_PROGRESS)
        .first()
    )
    if current is not None:
        if not _past_grace(current, now):
            return current
        _grade(current, now=now, auto=True)
    _check_may_start(user=user, assessment=assessment)
    seed = secrets.token_hex(8)
    snapshots, competency_ids = _draw_questions(assessment, seed=seed)
    number = (
        Attempt.objects.filter(user=user, assessment=assessment).aggregate(
            last=Max("number")
        )["last"]
        or 0
    ) + 1
    attempt = Attempt(
        assessment=assessment,
        user=user,
        number=number,
        seed=seed,
        questions=[snapshot.to_dict() for snapshot in snapshots],
        option_orders={
            snapshot.id: _option_order(
                snapshot, seed=seed, shuffle=assessment.shuffle_options
            )
            for snapshot in snapshots
        },
        competency_ids=competency_ids,
        started_at=now,
        deadline=now + assessment.time_limit if assessment.time_limit else None,
    )
    # The field values are checked; not the two foreign keys (both rows are in
    # hand) nor the constraints: under the learner's lock no other attempt of theirs
    # starts, none is in progress (read above) and `number` is past their last, so
    # the five queries those checks cost would always pass (the database still
    # holds the constraints).
    attempt.full_clean(
        exclude=["assessment", "user"],
        validate_unique=False,
        validate_constraints=False,
    )
    attempt.save()
    xapi_events.attempt_started(attempt=attempt)
    return attempt


# ------------------------------------------------------------------------------
# Saving and submitting
# ------------------------------------------------------------------------------


def _past_grace(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + LATE_GRACE


def _storable(response: Any) -> bool:
    if isinstance(response, str):
        return len(response) <= MAX_STORED_RESPONSE
    if isinstance(response, list):
        return len(response) <= 64 and all(
            isinstance(item, str) and len(item) <= 64 for item in response
        )
    if isinstance(response, dict):
        return len(response) <= 64 and all(
            isinstance(key, str) and isinstance(value, str) and len(value) <= 64
            for key, value in response.items()
        )
    return False


def _merge(attempt: Attempt, responses: Mapping[str, Any]) -> None:
    """Store the responses to questions this attempt drew; None clears one."""
    drawn = {question["id"] for question in attempt.questions}
    stored = dict(attempt.responses)
    for question_id, response in responses.items():
        if question_id not in drawn:
            continue
        if response is None:
            stored.pop(question_id, None)
        elif _storable(response):
            stored[question_id] = response
    attempt.responses = stored


def _locked(attempt: Attempt) -> Attempt:
    return (
        Attempt.objects.select_for_update()
        .select_related("assessment")
        .get(pk=attempt.pk)
    )


def attempt_save_answers(
    *, attempt: Attempt, responses: Mapping[str, Any], now: datetime | None = None
) -> Attempt:
    """Autosave: keep the answers given so far; refused once submitted or out of time.

    An attempt found past its time limit is graded on the answers saved in time,
    and AttemptClosed says so (raised after the grading is committed).
    """
    attempt, refusal = _save_answers(attempt=attempt, responses=responses, now=now)
    if refusal:
        raise AttemptClosed(refusal, attempt=attempt)
    return attempt


@transaction.atomic
def _save_answers(
    *, attempt: Attempt, responses: Mapping[str, Any], now: datetime | None
) -> tuple[Attempt, str | None]:
    now = _now(now)
    attempt = _locked(attempt)
    if attempt.is_submitted:
        return attempt, _("This attempt has already been submitted.")
    if _past_grace(attempt, now):
        _grade(attempt, now=now, auto=True)
        return attempt, _(
            "Time is up. Your answers saved before the time limit were submitted."
        )
    _merge(attempt, responses)
    attempt.saved_at = now
    attempt.save(update_fields=["responses", "saved_at"])
    return attempt, None


@transaction.atomic
def attempt_submit(
    *,
    attempt: Attempt,
    responses: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Attempt:
    """Grade the attempt once; a repeated or concurrent submission returns the first.

    Responses sent with the submission count if they arrive within the time limit
    (and its short grace); after it, only the answers saved in time are graded.
    """
    now = _now(now)
    attempt = _locked(attempt)
    if attempt.is_submitted:
        return attempt
    late = _past_grace(attempt, now)
    if responses and not late:
        _merge(attempt, responses)
    _grade(attempt, now=now, auto=late)
    return attempt


def attempt_close_if_expired(
    *, attempt: Attempt, now: datetime | None = None
) -> Attempt:
    """Grade an attempt whose time is up (the next touch after the deadline does it).
    An attempt submitted or still in time costs nothing: no transaction, no lock."""
    now = _now(now)
    if attempt.is_submitted or not _past_grace(attempt, now):
        return attempt
    with transaction.atomic():
        attempt = _locked(attempt)
        if not attempt.is_submitted and _past_grace(attempt, now):
            _grade(attempt, now=now, auto=True)
    return attempt


@dataclass(frozen=True)
class SweepReport:
    closed: int
    failed: int


def attempts_close_expired(
    *, now: datetime | None = None, limit: int = 1000
) -> SweepReport:
    """Grade attempts whose time ran out while the learner was away (Celery beat).

    A learner who closes the tab mid-attempt never touches it again, so nothing
    would grade it: its saved answers are graded as if submitted at the deadline's
    end, evidence recorded and the course's completion fed, as on the learner's next
    touch. Each attempt is closed in its own transaction under its row lock, so a
    learner submitting at the same moment is graded once; one attempt's failure is
    logged and the sweep goes on. At most `limit` per run, oldest deadline first.
    """
    now = _now(now)
    due = (
        Attempt.objects.filter(
            status=Attempt.Status.IN_PROGRESS, deadline__lt=now - LATE_GRACE
        )
        .order_by("deadline", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    closed = failed = 0
    for pk in list(due):
        try:
            attempt = attempt_close_if_expired(
                attempt=Attempt.objects.select_related("assessment").get(pk=pk),
                now=now,
            )
        except Exception:
            logger.exception("Could not close expired attempt %s", pk)
            failed += 1
            continue
        closed += attempt.auto_submitted
    return SweepReport(closed=closed, failed=failed)


def _snapshots(attempt: Attempt) -> list[QuestionSnapshot]:
    return [QuestionSnapshot.from_dict(data) for data in attempt.questions]


def _result_dict(result: AttemptResult) -> dict:
    return {
        "answers": {
            question_id: {
                "score": str(answer.score),
                "max_score": str(answer.max_score),
                "correct": answer.correct,
                "feedback": list(answer.feedback),
            }
            for question_id, answer in result.answers.items()
        },
        "competencies": {
            code: {
                "score": str(item.score),
                "max_score": str(item.max_score),
                "percent": str(item.percent),
                "level_reached": item.level_reached,
            }
            for code, item in result.competencies.items()
        },
        "evidence": {},
    }


def _grade(attempt: Attempt, *, now: datetime, auto: bool) -> None:
    """Grade a locked attempt in progress, record its evidence and feed completion."""
    assessment = attempt.assessment
    result = grade_attempt(
        _snapshots(attempt),
        attempt.responses,
        pass_mark_percent=assessment.pass_mark_percent,
    )
    attempt.status = Attempt.Status.SUBMITTED
    attempt.submitted_at = now
    attempt.auto_submitted = auto
    attempt.score = result.score
    attempt.max_score = result.max_score
    attempt.percent = result.percent
    attempt.passed = result.passed
    attempt.result = _result_dict(result)
    attempt.result["evidence"] = _evidence_record(attempt, result, now=now)
    attempt.save()
    xapi_events.attempt_submitted(attempt=attempt)
    xapi_events.questions_answered(attempt=attempt)
    if result.passed and assessment.kind == Assessment.Kind.COURSE:
        _course_completion_check(attempt)


def _evidence_record(attempt: Attempt, result: AttemptResult, *, now: datetime) -> dict:
    """One piece of evidence per competency the learner reached a level on.

    Recorded whether or not the attempt passed as a whole: a measured level is a
    measured level (a placement assessment exists to measure it). Returns
    {competency code: level rank} of what was recorded.
    """
    reached = {
        code: item.level_reached
        for code, item in result.competencies.items()
        if item.level_reached is not None
    }
    if not reached:
        return {}
    competencies = {
        competency.pk: competency
        for competency in Competency.objects.filter(
            pk__in=[attempt.competency_ids[code] for code in reached]
        ).select_related("framework")
    }
    scale_ids = {competency.framework.scale_id for competency in competencies.values()}
    levels = {
        (level.scale_id, level.rank): level
        for level in ProficiencyLevel.objects.filter(scale_id__in=scale_ids)
    }
    person = person_ensure_for_user(user=attempt.user)
    recorded = {}
    for code, rank in reached.items():
        competency = competencies[attempt.competency_ids[code]]
        level = levels.get((competency.framework.scale_id, rank))
        if level is None:
            continue  # the scale lost that level since the question was written
        evidence_record(
            person=person,
            competency=competency,
            level=level,
            source=Evidence.Source.ASSESSMENT,
            observed_on=timezone.localdate(now),
            reference=f"attempt:{attempt.pk}",
            note=attempt.assessment.title,
        )
        recorded[code] = rank
    return recorded


def _course_completion_check(attempt: Attempt) -> None:
    from ..services import course_completion_check

    enrolment = Enrolment.objects.filter(
        user=attempt.user,
        course_id=attempt.assessment.course_id,
        status=Enrolment.Status.ACTIVE,
    ).first()
    if enrolment is not None:
        course_completion_check(enrolment=enrolment)


# ------------------------------------------------------------------------------
# Question import
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedQuestion:
    """One question a CSV import creates or updates (or, in a dry run, would)."""

    line: int
    external_id: str
    is_new: bool


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int = 0
    #: The questions created or updated, in the file's order (unchanged left out).
    changes: tuple[ImportedQuestion, ...] = ()


def _draft_lines(content: bytes) -> list[int]:
    """The first line of each question's record, in the order of the drafts.

    parse_questions_csv returns one draft per non-blank record when the file has no
    problems; its record reader gives those records' lines.
    """
    return [row.line for row in _records(content, [])]


@transaction.atomic
def questions_import(
    *, bank: QuestionBank, content: bytes, dry_run: bool = False
) -> ImportSummary:
    """Create or update (by external id) every question of a CSV file, or none.

    Raises QuestionImportError listing every bad line: the file's own problems
    (courses.question_io), then questions for another bank, competencies not in the
    bank's framework and levels not on its scale. With `dry_run` nothing is written
    and the summary says what would be.
    """
    drafts = parse_and_check_questions(bank=bank, content=content)
    competencies = {
        competency.code: competency
        for competency in Competency.objects.filter(framework=bank.framework)
    }
    levels = {
        level.rank: level
        for level in ProficiencyLevel.objects.filter(scale_id=bank.framework.scale_id)
    }
    existing = {
        question.external_id: question
        for question in bank.questions.select_related(
            "bank", "competency", "level"
        ).prefetch_related("options")
    }
    unchanged = 0
    changes = []
    for line, draft in zip(_draft_lines(content), drafts, strict=True):
        question = existing.get(draft.external_id) or Question(
            bank=bank, external_id=draft.external_id
        )
        is_new = question.pk is None
        if not is_new and question.draft() == draft:
            unchanged += 1
            continue
        changes.append(ImportedQuestion(line, draft.external_id, is_new))
        if dry_run:
            continue
        _question_fill(
            question,
            draft,
            competency=competencies[draft.competency_code],
            level=levels[draft.level],
        )
        _question_save(question, draft, is_new=is_new)
    created = sum(change.is_new for change in changes)
    return ImportSummary(
        created=created,
        updated=len(changes) - created,
        unchanged=unchanged,
        changes=tuple(changes),
    )


def parse_and_check_questions(
    *, bank: QuestionBank, content: bytes
) -> list[QuestionDraft]:
    """The file's drafts, checked against the bank; QuestionImportError otherwise."""
    drafts = parse_questions_csv(content)
    lines = _draft_lines(content)
    codes = set(
        Competency.objects.filter(framework=bank.framework).values_list(
            "code", flat=True
        )
    )
    ranks = set(
        ProficiencyLevel.objects.filter(scale_id=bank.framework.scale_id).values_list(
            "rank", flat=True
        )
    )
    problems = []
    for line, draft in zip(lines, drafts, strict=True):
        if draft.bank != bank.code:
            problems.append(
                QuestionImportProblem(
                    line,
                    _("bank: “%(value)s” is not this bank (%(bank)s).")
                    % {"value": draft.bank, "bank": bank.code},
                )
            )
        if draft.competency_code not in codes:
            problems.append(
                QuestionImportProblem(
                    line,
                    _(
                        "competency_code: “%(value)s” is not in the framework %(framework)s."
                    )
                    % {"value": draft.competency_code, "framework": bank.framework},
                )
            )
        if draft.level not in ranks:
            problems.append(
                QuestionImportProblem(
                    line,
                    _("level: %(value)d is not a level of the framework's scale.")
                    % {"value": draft.level},
                )
            )
    if problems:
        raise QuestionImportError(problems)
    return drafts


def _question_save(question: Question, draft, *, is_new: bool) -> None:
    """Validate and save a filled question, replacing its options with the draft's
    (every question import writes a question this one way)."""
    question.full_clean()
    question.save()
    if not is_new:
        question.options.all().delete()
    QuestionOption.objects.bulk_create(
        QuestionOption(
            question=question,
            sort_order=order,
            text=option.text,
            feedback=option.feedback,
            is_correct=option.is_correct,
            match=option.match,
        )
        for order, option in enumerate(draft.options)
    )


def _question_fill(
    question: Question, draft: QuestionDraft, *, competency, level
) -> None:
    question.kind = str(draft.kind)
    question.competency = competency
    question.level = level
    question.prompt = draft.prompt
    question.explanation = draft.explanation
    question.points = draft.points
    question.numeric_answer = draft.numeric_answer
    question.numeric_tolerance = draft.numeric_tolerance
    question.accepted_answers = "\n".join(draft.accepted_answers)
    question.case_sensitive = draft.case_sensitive
    question.all_or_nothing = draft.all_or_nothing


@dataclass(frozen=True)
class MoodleImportResult:
    """What a Moodle XML import does (or, in a dry run, would do)."""

    created: int
    updated: int
    unchanged: int
    #: Questions written (or to be written) without a competency and level.
    unmapped: int
    skipped: list[SkippedQuestion]
    #: (line, message) of lossy conversions; the import may go ahead.
    warnings: list[tuple[int, Any]]


def moodle_questions_import(
    *, bank: QuestionBank, content: bytes, dry_run: bool
) -> MoodleImportResult:
    """Create or update (by identifier) the questions of a Moodle XML file, or none.

    Raises QuestionImportError listing every problem of every question (the file's,
    then tags naming a competency outside the bank's framework or a level not on its
    scale). Questions without such tags are stored unmapped; re-importing the file
    keeps a competency and level an instructor has set since. With `dry_run`
    nothing is written and the counts say what would be.
    """
    parsed = parse_moodle_xml(content)
    competencies = {
        competency.code: competency
        for competency in Competency.objects.filter(framework=bank.framework)
    }
    levels = {
        level.rank: level
        for level in ProficiencyLevel.objects.filter(scale_id=bank.framework.scale_id)
    }
    problems = []
    for item in parsed.questions:
        code, rank = item.draft.competency_code, item.draft.level
        if code and code not in competencies:
            problems.append(
                QuestionImportProblem(
                    item.line,
                    _(
                        "Question “%(name)s”: the tag competency:%(value)s names no "
                        "competency of the framework %(framework)s."
                    )
                    % {"name": item.name, "value": code, "framework": bank.framework},
                )
            )
        if rank is not None and rank not in levels:
            problems.append(
                QuestionImportProblem(
                    item.line,
                    _(
                        "Question “%(name)s”: the tag level:%(value)d is not a level of "
                        "the framework's scale."
                    )
                    % {"name": item.name, "value": rank},
                )
            )
    if problems:
        raise QuestionImportError(problems)
    existing = {
        question.external_id: question
        for question in bank.questions.select_related(
            "bank", "competency", "level"
        ).prefetch_related("options")
    }
    created = updated = unchanged = unmapped = 0
    with transaction.atomic():
        for item in parsed.questions:
            draft = dataclass_replace(item.draft, bank=bank.code)
            question = existing.get(draft.external_id) or Question(
                bank=bank, external_id=draft.external_id
            )
            is_new = question.pk is None
            if not draft.competency_code and question.competency_id:
                # Mapped by an instructor since the last import: keep it.
                draft = dataclass_replace(
                    draft,
                    competency_code=question.competency.code,
                    level=question.level.rank if question.level_id else None,
                )
            elif (
                draft.level is None
                and question.level_id
                and (draft.competency_code == question.competency.code)
            ):
                draft = dataclass_replace(draft, level=question.level.rank)
            if not draft.competency_code or draft.level is None:
                unmapped += 1
            tags = "\n".join(item.tags)
            if (
                not is_new
                and question.draft() == draft
                and question.category == item.category
                and question.tags == tags
            ):
                unchanged += 1
                continue
            created += is_new
            updated += not is_new
            if dry_run:
                continue
            _question_fill(
                question,
                draft,
                competency=competencies.get(draft.competency_code),
                level=levels.get(draft.level),
            )
            question.category = item.category
            question.tags = tags
            if is_new:
                # Hidden in Moodle: not in use. Later imports leave this to the
                # instructor.
                question.is_active = item.is_active
            _question_save(question, draft, is_new=is_new)
    return MoodleImportResult(
        created=created,
        updated=updated,
        unchanged=unchanged,
        unmapped=unmapped,
        skipped=parsed.skipped,
        warnings=[
            (item.line, warning)
            for item in parsed.questions
            for warning in item.warnings
        ],
    )


def questions_export(*, bank: QuestionBank) -> bytes:
    """The bank's questions as CSV, in the format questions_import reads."""
    questions = (
        bank.questions.select_related("bank", "competency", "level")
        .prefetch_related("options")
        .order_by("external_id")
    )
    return questions_to_csv(question.draft() for question in questions)


def question_draft_check(draft: QuestionDraft) -> None:
    """ValidationError when the authored question could not be drawn into an attempt."""
    try:
        draft.to_snapshot("check")
    except ValueError as error:
        raise ValidationError(str(error)) from error


__all__ = [
    "LATE_GRACE",
    "AssessmentError",
    "AttemptClosed",
    "ImportSummary",
    "ImportedQuestion",
    "MoodleImportResult",
    "QuestionImportError",
    "attempt_close_if_expired",
    "attempt_save_answers",
    "attempt_start",
    "attempt_submit",
    "attempts_used",
    "question_draft_check",
    "questions_export",
    "moodle_questions_import",
    "questions_import",
]
