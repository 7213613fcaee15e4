"""Learning in courses as xAPI statements (competencies/xapi/, docs/xapi.md).

Each function is called at its event's point in the services, inside the event's
transaction, and again by the backfill for past events: same event, same id.
"""

from django.db import transaction
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


def course_activity(course) -> dict:
    return xapi.activity(
        id=xapi.activity_id("course", course.pk),
        type=vocabulary.ACTIVITY_COURSE,
        name_th=course.title,
        name_en=course.title_en,
        more_info=public_page_url(course),
    )


def lesson_activity(lesson) -> dict:
    return xapi.activity(
        id=xapi.activity_id("lesson", lesson.pk),
        type=vocabulary.ACTIVITY_LESSON,
        name_th=lesson.title,
        name_en=lesson.title_en,
        more_info=public_page_url(lesson),
    )


def assessment_activity(assessment) -> dict:
    return xapi.activity(
        id=xapi.activity_id("assessment", assessment.pk),
        type=vocabulary.ACTIVITY_ASSESSMENT,
        name_th=assessment.title,
        name_en=assessment.title_en,
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
    if enrolment.status == Enrolment.Status.PENDING or not xapi.event_enabled(
        "enrolled"
    ):
        return
    if enrolment.status == Enrolment.Status.REJECTED:
        return
    xapi.statement_record(
        event="enrolled",
        key=str(enrolment.pk),
        actor=xapi.actor_for(user=enrolment.user),
        verb=vocabulary.REGISTERED,
        object=course_activity(enrolment.course),
        at=enrolment.decided_at or enrolment.enrolled_at,
        context={
            "registration": xapi.registration(enrolment.pk),
            "extensions": {xapi.extension("enrolment-source"): enrolment.source},
        },
    )


def lesson_viewed(*, progress: LessonProgress | None) -> None:
    """`experienced` the lesson: its first opening in the enrolment."""
    if progress is None or not xapi.event_enabled("lesson_viewed"):
        return
    enrolment = progress.enrolment
    xapi.statement_record(
        event="lesson_viewed",
        key=str(progress.pk),
        actor=xapi.actor_for(user=enrolment.user),
        verb=vocabulary.EXPERIENCED,
        object=lesson_activity(progress.lesson),
        at=progress.first_viewed_at,
        context=_in_course(enrolment.course_id, enrolment.pk),
    )


def lesson_completed(*, progress: LessonProgress) -> None:
    """`completed` the lesson (any lesson: a SCORM package's too, through
    courses.services.lesson_complete)."""
    if (
        progress.status != LessonProgress.Status.COMPLETED
        or progress.completed_at is None
        or not xapi.event_enabled("lesson_completed")
    ):
        return
    enrolment = progress.enrolment
    xapi.statement_record(
        event="lesson_completed",
        key=str(progress.pk),
        actor=xapi.actor_for(user=enrolment.user),
        verb=vocabulary.COMPLETED,
        object=lesson_activity(progress.lesson),
        at=progress.completed_at,
        result={"completion": True},
        context=_in_course(enrolment.course_id, enrolment.pk),
    )


def course_completed(*, completion: CourseCompletion | None) -> None:
    """`completed` the course, with the learning hours it counts for."""
    if completion is None or not xapi.event_enabled("course_completed"):
        return
    enrolment = completion.enrolment
    xapi.statement_record(
        event="course_completed",
        key=str(completion.pk),
        actor=xapi.actor_for(user=completion.user),
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
    if not xapi.event_enabled("attempt_started"):
        return
    xapi.statement_record(
        event="attempt_started",
        key=str(attempt.pk),
        actor=xapi.actor_for(user=attempt.user),
        verb=vocabulary.ATTEMPTED,
        object=assessment_activity(attempt.assessment),
        at=attempt.started_at,
        context=_assessment_context(attempt),
    )


def attempt_submitted(*, attempt: Attempt) -> None:
    """`passed` or `failed` (`scored` when there is no pass mark), with the score."""
    if attempt.submitted_at is None or not xapi.event_enabled("attempt_submitted"):
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
    xapi.statement_record(
        event="attempt_submitted",
        key=str(attempt.pk),
        actor=xapi.actor_for(user=attempt.user),
        verb=verb,
        object=assessment_activity(attempt.assessment),
        at=attempt.submitted_at,
        result=result,
        context=_assessment_context(attempt),
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
    with xapi.sending_deferred() as ids:
        for assignee in rows:
            _assignee_recorded(assignee, at=now)
    transaction.on_commit(lambda: xapi.enqueue(ids), robust=True)


# ------------------------------------------------------------------------------
# Backfill
# ------------------------------------------------------------------------------


@xapi.backfill_source("enrolled")
def _enrolled_backfill():
    rows = Enrolment.objects.exclude(
        status__in=[Enrolment.Status.PENDING, Enrolment.Status.REJECTED]
    ).select_related("user", "course")
    for batch in xapi.in_batches(rows):
        for enrolment in batch:
            enrolled(enrolment=enrolment)
        yield


@xapi.backfill_source("lesson_viewed")
def _lesson_viewed_backfill():
    rows = LessonProgress.objects.select_related(
        "enrolment__user", "enrolment__course", "lesson"
    )
    for batch in xapi.in_batches(rows):
        for progress in batch:
            lesson_viewed(progress=progress)
        yield


@xapi.backfill_source("lesson_completed")
def _lesson_completed_backfill():
    rows = LessonProgress.objects.filter(
        status=LessonProgress.Status.COMPLETED
    ).select_related("enrolment__user", "enrolment__course", "lesson")
    for batch in xapi.in_batches(rows):
        for progress in batch:
            lesson_completed(progress=progress)
        yield


@xapi.backfill_source("course_completed")
def _course_completed_backfill():
    rows = CourseCompletion.objects.select_related("enrolment", "user", "course")
    for batch in xapi.in_batches(rows):
        for completion in batch:
            course_completed(completion=completion)
        yield


@xapi.backfill_source("attempt_started")
def _attempt_started_backfill():
    rows = Attempt.objects.select_related("user", "assessment__course")
    for batch in xapi.in_batches(rows):
        for attempt in batch:
            attempt_started(attempt=attempt)
        yield


@xapi.backfill_source("attempt_submitted")
def _attempt_submitted_backfill():
    rows = Attempt.objects.filter(submitted_at__isnull=False).select_related(
        "user", "assessment__course"
    )
    for batch in xapi.in_batches(rows):
        for attempt in batch:
            attempt_submitted(attempt=attempt)
        yield


@xapi.backfill_source("assignment_given")
def _assignment_backfill():
    rows = Assignee.objects.select_related(
        "person__user", "assignment__course", "assignment__assigned_by"
    )
    for batch in xapi.in_batches(rows):
        for assignee in batch:
            # When each person was added is not kept: the assignment's date.
            _assignee_recorded(assignee, at=assignee.assignment.created_at)
        yield
