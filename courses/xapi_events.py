"""Learning in courses as xAPI statements (competencies/xapi/, docs/xapi.md).

Each function is called at its event's point in the services, inside the event's
transaction, and again by the backfill for past events: same event, same id.
"""

from decimal import Decimal, InvalidOperation

from django.utils import timezone

from academy.core.public import public_page_url
from competencies.xapi import services as xapi
from competencies.xapi import vocabulary

from .models import (
    Assignee,
    Attempt,
    CourseAssignment,
    CourseCompletion,
    Enrolment,
    LessonProgress,
)
from .questions import (
    FALSE_ID,
    MAX_TEXT_LENGTH,
    TRUE_ID,
    QuestionKind,
    QuestionSnapshot,
    parse_number,
)


def _activity(kind: str, type: str, thing, *, page: bool = True) -> dict:
    """A course, lesson or assessment under its stable id, with its page's public
    URL as moreInfo when it is a page."""
    return xapi.activity(
        id=xapi.activity_id(kind, thing.pk),
        type=type,
        name_th=thing.title,
        name_en=thing.title_en,
        more_info=public_page_url(thing) if page else "",
    )


def course_activity(course) -> dict:
    return _activity("course", vocabulary.ACTIVITY_COURSE, course)


def lesson_activity(lesson) -> dict:
    return _activity("lesson", vocabulary.ACTIVITY_LESSON, lesson)


def assessment_activity(assessment) -> dict:
    return _activity(
        "assessment", vocabulary.ACTIVITY_ASSESSMENT, assessment, page=False
    )


def _in_course(course_id: int, enrolment_pk: int | None = None) -> dict:
    context = {
        "contextActivities": {
            "parent": [
                {"objectType": "Activity", "id": xapi.activity_id("course", course_id)}
            ]
        }
    }
    if enrolment_pk is not None:
        context["registration"] = xapi.registration(enrolment_pk)
    return context


# ------------------------------------------------------------------------------
# Enrolment, lessons, completion
# ------------------------------------------------------------------------------


def enrolled(*, enrolment: Enrolment) -> None:
    """`registered` for the course, once the enrolment is active (approved)."""
    if enrolment.status in (Enrolment.Status.PENDING, Enrolment.Status.REJECTED):
        return
    xapi.learner_record(
        "enrolled",
        key=enrolment.pk,
        user=enrolment.user,
        verb=vocabulary.REGISTERED,
        object=course_activity(enrolment.course),
        at=enrolment.decided_at or enrolment.enrolled_at,
        context={
            "registration": xapi.registration(enrolment.pk),
            "extensions": {xapi.extension("enrolment-source"): enrolment.source},
        },
    )


def _lesson_record(event: str, progress: LessonProgress, **statement) -> None:
    enrolment = progress.enrolment
    xapi.learner_record(
        event,
        key=progress.pk,
        user=enrolment.user,
        object=lesson_activity(progress.lesson),
        context=_in_course(enrolment.course_id, enrolment.pk),
        **statement,
    )


def lesson_viewed(*, progress: LessonProgress | None) -> None:
    """`experienced` the lesson: its first opening in the enrolment."""
    if progress is not None:
        _lesson_record(
            "lesson_viewed",
            progress,
            verb=vocabulary.EXPERIENCED,
            at=progress.first_viewed_at,
        )


def lesson_completed(*, progress: LessonProgress) -> None:
    """`completed` the lesson (any lesson: a SCORM package's too, through
    courses.services.lesson_complete)."""
    if (
        progress.status == LessonProgress.Status.COMPLETED
        and progress.completed_at is not None
    ):
        _lesson_record(
            "lesson_completed",
            progress,
            verb=vocabulary.COMPLETED,
            at=progress.completed_at,
            result={"completion": True},
        )


def course_completed(*, completion: CourseCompletion | None) -> None:
    """`completed` the course, with the learning hours it counts for."""
    if completion is None:
        return
    enrolment = completion.enrolment
    xapi.learner_record(
        "course_completed",
        key=completion.pk,
        user=completion.user,
        verb=vocabulary.COMPLETED,
        object=course_activity(completion.course),
        at=completion.completed_at,
        result={
            "completion": True,
            "duration": xapi.duration(
                (completion.completed_at - enrolment.enrolled_at).total_seconds()
            ),
            "extensions": {
                xapi.extension("learning-hours"): float(completion.learning_hours or 0)
            },
        },
        context={"registration": xapi.registration(enrolment.pk)},
    )


# ------------------------------------------------------------------------------
# Assessments
# ------------------------------------------------------------------------------


def _assessment_context(attempt: Attempt) -> dict:
    course_id = attempt.assessment.course_id
    context = _in_course(course_id) if course_id is not None else {}
    context["extensions"] = {xapi.extension("attempt-number"): attempt.number}
    return context


def attempt_started(*, attempt: Attempt) -> None:
    xapi.learner_record(
        "attempt_started",
        key=attempt.pk,
        user=attempt.user,
        verb=vocabulary.ATTEMPTED,
        object=assessment_activity(attempt.assessment),
        at=attempt.started_at,
        context=_assessment_context(attempt),
    )


def attempt_submitted(*, attempt: Attempt) -> None:
    """`passed` or `failed` (`scored` when there is no pass mark), with the score."""
    if attempt.submitted_at is None:
        return
    if attempt.passed is True:
        verb = vocabulary.PASSED
    elif attempt.passed is False:
        verb = vocabulary.FAILED
    else:
        verb = vocabulary.SCORED
    result = {
        "completion": True,
        "duration": xapi.duration(
            (attempt.submitted_at - attempt.started_at).total_seconds()
        ),
    }
    if attempt.score is not None and attempt.max_score:
        result["score"] = {
            "raw": float(attempt.score),
            "min": 0,
            "max": float(attempt.max_score),
            "scaled": round(float(attempt.score / attempt.max_score), 4),
        }
    if attempt.passed is not None:
        result["success"] = attempt.passed
    xapi.learner_record(
        "attempt_submitted",
        key=attempt.pk,
        user=attempt.user,
        verb=verb,
        object=assessment_activity(attempt.assessment),
        at=attempt.submitted_at,
        result=result,
        context=_assessment_context(attempt),
    )


# ------------------------------------------------------------------------------
# Questions: `answered`, one statement per question of a submitted attempt
# ------------------------------------------------------------------------------

#: The xAPI interaction type of each kind of question (xAPI 1.0.3, 2.4.4.1).
INTERACTION_TYPES = {
    QuestionKind.SINGLE: "choice",
    QuestionKind.MULTIPLE: "choice",
    QuestionKind.TRUE_FALSE: "true-false",
    QuestionKind.MATCHING: "matching",
    QuestionKind.ORDERING: "sequencing",
    QuestionKind.NUMERIC: "numeric",
    QuestionKind.SHORT_TEXT: "fill-in",
}
_LIST, _PAIR, _RANGE = "[,]", "[.]", "[:]"
_NAME_LENGTH = 120


def _component_ids(snapshot: QuestionSnapshot) -> tuple[dict, dict]:
    """Stable ids for the question's options (o1, o2…) and matching choices (t1…),
    by their place in the question as written: an attempt's own option ids are
    random and differ from one attempt to the next."""
    options = {option.id: f"o{n}" for n, option in enumerate(snapshot.options, 1)}
    targets = {option.id: f"t{n}" for n, option in enumerate(snapshot.targets, 1)}
    return options, targets


def _components(options, ids: dict) -> list[dict]:
    components = []
    for option in options:
        component = {"id": ids[option.id]}
        if option.text.strip():
            component["description"] = {"th": option.text}
        components.append(component)
    return components


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _number_read(response) -> Decimal | None:
    if isinstance(response, bool):
        return None
    if isinstance(response, str):
        return parse_number(response)
    if isinstance(response, int | float | Decimal):
        try:
            number = Decimal(str(response))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _interaction(snapshot: QuestionSnapshot) -> dict:
    """The question's interaction definition, its key as the correct response
    pattern: statements go to the LRS, never to the learner's browser."""
    options, targets = _component_ids(snapshot)
    key = snapshot.key
    definition: dict = {"interactionType": INTERACTION_TYPES[snapshot.kind]}
    match snapshot.kind:
        case QuestionKind.SINGLE:
            pattern = options[key.correct]
        case QuestionKind.MULTIPLE:
            pattern = _LIST.join(
                options[o.id] for o in snapshot.options if o.id in set(key.correct)
            )
        case QuestionKind.TRUE_FALSE:
            pattern = "true" if key.answer else "false"
        case QuestionKind.MATCHING:
            pattern = _LIST.join(
                f"{options[left]}{_PAIR}{targets[right]}" for left, right in key.pairs
            )
        case QuestionKind.ORDERING:
            pattern = _LIST.join(options[id_] for id_ in key.order)
        case QuestionKind.NUMERIC:
            pattern = (
                _number(key.answer)
                if not key.tolerance
                else _number(key.answer - key.tolerance)
                + _RANGE
                + _number(key.answer + key.tolerance)
            )
        case _:  # SHORT_TEXT: any accepted answer
            case = "{case_matters=true}" if key.case_sensitive else ""
            pattern = [case + text for text in key.accepted if text.strip()]
    definition["correctResponsesPattern"] = (
        pattern if isinstance(pattern, list) else [pattern]
    )
    if snapshot.kind is QuestionKind.MATCHING:
        definition["source"] = _components(snapshot.options, options)
        definition["target"] = _components(snapshot.targets, targets)
    elif snapshot.options and snapshot.kind is not QuestionKind.TRUE_FALSE:
        definition["choices"] = _components(snapshot.options, options)
    return definition


def _response(snapshot: QuestionSnapshot, response) -> str | None:
    """The learner's response in the interaction's format; None when there is none
    to give (unanswered, or not an answer to this question: it scored 0)."""
    options, targets = _component_ids(snapshot)
    kind = snapshot.kind
    if response is None:
        return None
    if kind is QuestionKind.SINGLE:
        return options.get(response) if isinstance(response, str) else None
    if kind is QuestionKind.TRUE_FALSE:
        if isinstance(response, bool):
            return "true" if response else "false"
        return response if response in (TRUE_ID, FALSE_ID) else None
    if kind in (QuestionKind.MULTIPLE, QuestionKind.ORDERING):
        if not isinstance(response, list) or not all(
            isinstance(id_, str) and id_ in options for id_ in response
        ):
            return None
        if kind is QuestionKind.MULTIPLE:  # a set: in the question's order
            response = [o.id for o in snapshot.options if o.id in set(response)]
        return _LIST.join(options[id_] for id_ in response) or None
    if kind is QuestionKind.MATCHING:
        if not isinstance(response, dict):
            return None
        pairs = [
            f"{options[o.id]}{_PAIR}{targets[response[o.id]]}"
            for o in snapshot.options
            if isinstance(response.get(o.id), str) and response[o.id] in targets
        ]
        return _LIST.join(pairs) or None
    if kind is QuestionKind.NUMERIC:
        number = _number_read(response)
        return _number(number) if number is not None else None
    if isinstance(response, str) and response.strip():  # SHORT_TEXT
        return response[:MAX_TEXT_LENGTH]
    return None


def question_activity(snapshot: QuestionSnapshot) -> dict:
    """The question as a cmi.interaction activity, under the question's own id
    (the same in every attempt that draws it)."""
    prompt = " ".join(snapshot.prompt.split())
    name = prompt if len(prompt) <= _NAME_LENGTH else prompt[: _NAME_LENGTH - 1] + "…"
    return xapi.activity(
        id=xapi.activity_id("question", snapshot.id),
        type=vocabulary.ACTIVITY_INTERACTION,
        name_th=name or snapshot.id,
        description_th=snapshot.prompt if name != snapshot.prompt else "",
        interaction=_interaction(snapshot),
    )


def questions_answered(*, attempt: Attempt) -> None:
    """`answered` for each question of the submitted attempt, unanswered ones too:
    the learner's response, success (full credit) and the question's score. Each
    refers to the attempt's `attempt_submitted` statement; sent together."""
    if attempt.submitted_at is None or not xapi.event_enabled("question_answered"):
        return
    actor = xapi.actor_for(user=attempt.user)
    if actor is None:
        return
    graded = (attempt.result or {}).get("answers", {})
    responses = attempt.responses or {}
    assessment = attempt.assessment
    grouping = (
        [
            {
                "objectType": "Activity",
                "id": xapi.activity_id("course", assessment.course_id),
            }
        ]
        if assessment.course_id is not None
        else []
    )
    submitted = str(xapi.statement_id("attempt_submitted", str(attempt.pk)))
    with xapi.sent_together():
        for data in attempt.questions:
            snapshot = QuestionSnapshot.from_dict(data)
            answer = graded.get(snapshot.id)
            if answer is None:
                continue
            score, most = Decimal(answer["score"]), Decimal(answer["max_score"])
            result: dict = {
                "success": bool(answer["correct"]),
                "score": {"raw": float(score), "min": 0, "max": float(most)},
            }
            if most > 0:
                result["score"]["scaled"] = round(float(score / most), 4)
            response = _response(snapshot, responses.get(snapshot.id))
            if response is not None:
                result["response"] = response
            context = {
                "contextActivities": {
                    "parent": [
                        {
                            "objectType": "Activity",
                            "id": xapi.activity_id("assessment", assessment.pk),
                        }
                    ],
                    **({"grouping": grouping} if grouping else {}),
                },
                "statement": {"objectType": "StatementRef", "id": submitted},
                "extensions": {
                    xapi.extension("attempt-number"): attempt.number,
                    xapi.extension("competency-code"): snapshot.competency_code,
                    xapi.extension("level-rank"): snapshot.level_rank,
                },
            }
            xapi.statement_record(
                event="question_answered",
                key=f"{attempt.pk}:{snapshot.id}",
                actor=actor,
                verb=vocabulary.ANSWERED,
                object=question_activity(snapshot),
                at=attempt.submitted_at,
                result=result,
                context=context,
            )


# ------------------------------------------------------------------------------
# Assignments
# ------------------------------------------------------------------------------


def _assignee_recorded(assignee: Assignee, *, at) -> None:
    assignment = assignee.assignment
    officer = assignment.assigned_by
    officer_actor = xapi.actor_for(user=officer) if officer is not None else None
    learner = xapi.actor_for(person=assignee.person)
    if learner is None:
        return
    xapi.statement_record(
        event="assignment_given",
        key=str(assignee.pk),
        actor=learner,
        actor_agent=xapi.agent(officer_actor)
        if officer_actor
        else xapi.academy_agent(),
        verb=vocabulary.ASSIGNED,
        # Activity Streams: the actor assigned the object (the course) to a target,
        # which xAPI has no place for; the learner is the statement's team (some
        # LRSs, Ralph among them, refuse an Agent as the object).
        object=course_activity(assignment.course),
        at=at,
        context={
            "team": {"objectType": "Group", "member": [xapi.agent(learner)]},
            "extensions": {xapi.extension("due-on"): assignment.due_on.isoformat()},
        },
    )


def assignees_added(*, assignment: CourseAssignment, person_ids: list[int]) -> None:
    """`assigned` (by the officer, or the Academy for new members): one statement
    per assignee, queued in chunks after commit."""
    if not person_ids or not xapi.event_enabled("assignment_given"):
        return
    rows = Assignee.objects.filter(
        assignment=assignment, person_id__in=person_ids
    ).select_related("person__user", "assignment__course", "assignment__assigned_by")
    now = timezone.now()
    with xapi.sent_together():
        for assignee in rows:
            _assignee_recorded(assignee, at=now)


# ------------------------------------------------------------------------------
# Backfill
# ------------------------------------------------------------------------------


xapi.backfill_each(
    "enrolled",
    Enrolment.objects.exclude(
        status__in=[Enrolment.Status.PENDING, Enrolment.Status.REJECTED]
    ).select_related("user", "course"),
    lambda enrolment: enrolled(enrolment=enrolment),
)
xapi.backfill_each(
    "lesson_viewed",
    LessonProgress.objects.select_related(
        "enrolment__user", "enrolment__course", "lesson"
    ),
    lambda progress: lesson_viewed(progress=progress),
)
xapi.backfill_each(
    "lesson_completed",
    LessonProgress.objects.filter(
        status=LessonProgress.Status.COMPLETED
    ).select_related("enrolment__user", "enrolment__course", "lesson"),
    lambda progress: lesson_completed(progress=progress),
)
xapi.backfill_each(
    "course_completed",
    CourseCompletion.objects.select_related("enrolment", "user", "course"),
    lambda completion: course_completed(completion=completion),
)
xapi.backfill_each(
    "attempt_started",
    Attempt.objects.select_related("user", "assessment__course"),
    lambda attempt: attempt_started(attempt=attempt),
)
_SUBMITTED = Attempt.objects.filter(submitted_at__isnull=False).select_related(
    "user", "assessment__course"
)
xapi.backfill_each(
    "attempt_submitted",
    _SUBMITTED,
    lambda attempt: attempt_submitted(attempt=attempt),
)
xapi.backfill_each(
    "question_answered",
    _SUBMITTED,
    lambda attempt: questions_answered(attempt=attempt),
)
# When each person was added is not kept: the assignment's date.
xapi.backfill_each(
    "assignment_given",
    Assignee.objects.select_related(
        "person__user", "assignment__course", "assignment__assigned_by"
    ),
    lambda assignee: _assignee_recorded(assignee, at=assignee.assignment.created_at),
)
