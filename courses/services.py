"""Writes for learning: enrolment, lesson progress and course completion."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies.models import Evidence
from competencies.services import evidence_record, person_ensure_for_user

from . import xapi_events
from .models import CourseCompletion, CoursePage, Enrolment, LessonPage, LessonProgress
from .signals import course_completed


class EnrolmentError(Exception):
    """Why an enrolment was refused, in words a learner can act on."""

    def __init__(self, message: str, *, reasons: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.reasons = reasons or []


def _lock_user(user) -> None:
    """Serialise a learner's enrolment writes (a no-op lock on SQLite, which serialises)."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


@transaction.atomic
def enrolment_create(
    *, user, course: CoursePage, source: str = Enrolment.Source.SELF
) -> Enrolment:
    """Enrol a learner by the course's policy; returns the open enrolment if one exists."""
    from .selectors import prerequisites_check

    if not course.live:
        raise EnrolmentError(_("This course is not open for enrolment."))
    _lock_user(user)
    existing = Enrolment.objects.filter(
        user=user, course=course, status__in=Enrolment.OPEN_STATUSES
    ).first()
    if existing is not None:
        return existing
    if source == Enrolment.Source.SELF:
        from .assignments.selectors import course_assigned_to

        # An HR assignment admits the learner to an "assigned only" course, without
        # approval; the enrolment is then marked assigned like one HR made.
        if course_assigned_to(user=user, course=course):
            source = Enrolment.Source.ASSIGNED
    if (
        source == Enrolment.Source.SELF
        and course.enrolment_policy == CoursePage.EnrolmentPolicy.ASSIGNED
    ):
        raise EnrolmentError(
            _("This course is by assignment only. Ask your HR officer to assign it.")
        )
    completed_before = Enrolment.objects.filter(
        user=user, course=course, status=Enrolment.Status.COMPLETED
    ).exists()
    if completed_before and not course.certificate_validity_months:
        raise EnrolmentError(_("You have already completed this course."))
    if completed_before:
        from django.utils.translation import get_language

        from academy.core.thaidate import format_date

        from .selectors import completion_latest, renewal_opens_at

        completion = completion_latest(user=user, course=course)
        opens = completion and renewal_opens_at(course=course, completion=completion)
        if opens and timezone.now() < opens:
            raise EnrolmentError(
                _("Your certificate is still valid; you can renew it from %(date)s.")
                % {
                    "date": format_date(
                        timezone.localdate(opens), get_language() or "th"
                    )
                }
            )
    check = prerequisites_check(user=user, course=course)
    if not check.met:
        raise EnrolmentError(
            _("You do not meet this course's prerequisites yet."), reasons=check.unmet
        )
    needs_approval = (
        source == Enrolment.Source.SELF
        and course.enrolment_policy == CoursePage.EnrolmentPolicy.APPROVAL
    )
    enrolment = Enrolment(
        user=user,
        course=course,
        source=source,
        status=Enrolment.Status.PENDING if needs_approval else Enrolment.Status.ACTIVE,
    )
    enrolment.full_clean()
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        return Enrolment.objects.get(
            user=user, course=course, status__in=Enrolment.OPEN_STATUSES
        )
    xapi_events.enrolled(enrolment=enrolment)
    return enrolment


@transaction.atomic
def enrolment_decide(*, enrolment: Enrolment, approve: bool, decided_by) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.PENDING:
        raise EnrolmentError(_("This request has already been decided."))
    enrolment.status = Enrolment.Status.ACTIVE if approve else Enrolment.Status.REJECTED
    enrolment.decided_at = timezone.now()
    enrolment.decided_by = decided_by
    enrolment.save(update_fields=["status", "decided_at", "decided_by"])
    xapi_events.enrolled(enrolment=enrolment)
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment) -> Enrolment:
    """Leave a course; progress is kept on the closed enrolment for the record."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if not enrolment.is_open:
        raise EnrolmentError(_("Only an enrolment in progress can be withdrawn."))
    if enrolment.source == Enrolment.Source.ASSIGNED:
        raise EnrolmentError(
            _("This course was assigned to you; ask your HR officer to remove it.")
        )
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.withdrawn_at = timezone.now()
    enrolment.save(update_fields=["status", "withdrawn_at"])
    return enrolment


def _active_enrolment(user, course_id: int) -> Enrolment | None:
    return (
        Enrolment.objects.select_for_update()
        .filter(user=user, course_id=course_id, status=Enrolment.Status.ACTIVE)
        .first()
    )


#: How stale an enrolment's last activity may get while the learner rereads the
#: lesson they last opened, before opening it again is recorded.
LESSON_VIEW_REFRESH = timedelta(minutes=15)


def lesson_view_due(*, enrolment: Enrolment | None, lesson: LessonPage, status) -> bool:
    """Whether opening `lesson` changes what lesson_view_record keeps: the lesson's
    first view, another lesson than the last one, or activity older than
    LESSON_VIEW_REFRESH. Decided from what the lesson page has read already, so
    rereading a lesson costs no query and no write."""
    if enrolment is None or enrolment.status != Enrolment.Status.ACTIVE:
        return False
    return (
        status is None
        or enrolment.last_lesson_id != lesson.pk
        or enrolment.last_activity_at is None
        or timezone.now() - enrolment.last_activity_at > LESSON_VIEW_REFRESH
    )


@transaction.atomic
def lesson_view_record(*, user, lesson: LessonPage) -> LessonProgress | None:
    """Remember that the learner opened a lesson (for resuming); no-op when not enrolled."""
    course_id = lesson.get_parent().pk
    enrolment = _active_enrolment(user, course_id)
    if enrolment is None:
        return None
    progress, _created = LessonProgress.objects.get_or_create(
        enrolment=enrolment, lesson=lesson
    )
    enrolment.last_lesson = lesson
    enrolment.last_activity_at = timezone.now()
    enrolment.save(update_fields=["last_lesson", "last_activity_at"])
    xapi_events.lesson_viewed(progress=progress if _created else None)
    return progress


@transaction.atomic
def lesson_complete(*, user, lesson: LessonPage) -> LessonProgress:
    """Mark a lesson completed, then complete the course if its rule is now met."""
    course_id = lesson.get_parent().pk
    enrolment = _active_enrolment(user, course_id)
    if enrolment is None:
        finished = (
            LessonProgress.objects.filter(
                enrolment__user=user,
                enrolment__status=Enrolment.Status.COMPLETED,
                lesson=lesson,
            )
            .order_by("-enrolment__completed_at")
            .first()
        )
        if finished is not None:
            # A repeated request after the course was completed changes nothing.
            return finished
        raise EnrolmentError(_("Enrol in the course before completing its lessons."))
    progress, _created = LessonProgress.objects.get_or_create(
        enrolment=enrolment, lesson=lesson
    )
    if progress.status != LessonProgress.Status.COMPLETED:
        progress.status = LessonProgress.Status.COMPLETED
        progress.completed_at = timezone.now()
        progress.save(update_fields=["status", "completed_at"])
        xapi_events.lesson_completed(progress=progress)
    enrolment.last_lesson = lesson
    enrolment.last_activity_at = timezone.now()
    enrolment.save(update_fields=["last_lesson", "last_activity_at"])
    course_completion_check(enrolment=enrolment)
    return progress


@transaction.atomic
def course_completion_check(*, enrolment: Enrolment) -> CourseCompletion | None:
    """Record the completion once when the course's rule is met; else None.

    The enrolment row is locked and the completion is one-to-one with it, so repeated
    or concurrent requests record it once; the signal is sent after commit.
    """
    from .assessments.selectors import required_assessments_passed
    from .selectors import completion_rule_met

    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("course")
        .get(pk=enrolment.pk)
    )
    existing = CourseCompletion.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    if enrolment.status != Enrolment.Status.ACTIVE or not completion_rule_met(
        enrolment=enrolment
    ):
        return None
    if (
        enrolment.course.completion_rule
        == CoursePage.CompletionRule.LESSONS_AND_ASSESSMENTS
        and not required_assessments_passed(
            user=enrolment.user, course=enrolment.course
        )
    ):
        return None
    course = enrolment.course
    now = timezone.now()
    completion = CourseCompletion.objects.create(
        enrolment=enrolment,
        user=enrolment.user,
        course=course,
        completed_at=now,
        learning_hours=course.learning_hours,
    )
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.completed_at = now
    enrolment.save(update_fields=["status", "completed_at"])
    person = person_ensure_for_user(user=enrolment.user)
    for link in course.competency_links.select_related("competency", "level"):
        evidence_record(
            person=person,
            competency=link.competency,
            level=link.level,
            source=Evidence.Source.COURSE_COMPLETION,
            observed_on=timezone.localdate(now),
            reference=f"completion:{completion.pk}",
            note=course.title,
        )
    xapi_events.course_completed(completion=completion)
    transaction.on_commit(
        lambda: course_completed.send(sender=CourseCompletion, completion=completion)
    )
    return completion
