"""Writes of assignments, reminders and development plans: validated, in a transaction."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.accounts.audit import audit_record
from academy.accounts.authz import can
from academy.core.mail import mail_render
from academy.core.public import public_page_url, public_url
from academy.core.services import email_queue
from competencies.attachments import (
    AttachmentRefused,
    attachment_type,
    refusal_message,
)
from competencies.hr.selectors import HRAccess
from competencies.models import Competency, OptionalChoice, Person, Requirement
from competencies.selectors import FrameworkProfile
from competencies.services import optional_choice_add

from .. import xapi_events
from ..dashboard_cache import assignments_version_bump
from ..models import (
    Assignee,
    AssignmentReminder,
    CourseAssignment,
    CourseCompletion,
    CoursePage,
    DevelopmentPlan,
    PlanCourse,
    PlanGap,
)
from . import selectors, tasks

AUDIT_ASSIGNMENT_CREATE = "assignment.create"
AUDIT_ASSIGNMENT_CHANGE = "assignment.change"
AUDIT_ASSIGNMENT_CANCEL = "assignment.cancel"
AUDIT_PLAN_AGREE = "development_plan.agree"
AUDIT_PLAN_RETURN = "development_plan.return"
BATCH = 2000


# ------------------------------------------------------------------------------
# Assignments
# ------------------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    access: HRAccess,
    course: CoursePage,
    due_on: date,
    target: selectors.AssignmentTarget,
    note: str = "",
    include_new_members: bool = False,
    request=None,
) -> CourseAssignment:
    """Assign `course` to the people the target picks in the officer's scope.

    Refuses (naming the field) a past due date, a course not live, an employee number
    outside the scope, or a choice that reaches no one; writes nothing then.
    """
    if not can(access.user, "hr.act_as_officer"):
        raise ValidationError(_("Only an HR officer can assign courses."))
    if not course.live:
        raise ValidationError({"course": _("This course is not published.")})
    if due_on < selectors.today():
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})
    people, missing = selectors.assignment_people(access, target)
    if missing:
        raise ValidationError(
            {
                "employee_numbers": _("Not found among your staff: %(numbers)s")
                % {"numbers": ", ".join(missing)}
            }
        )
    person_ids = list(people.values_list("person_id", flat=True))
    if not person_ids:
        raise ValidationError(_("No one in your organisation matches this choice."))
    assignment = CourseAssignment(
        course=course,
        due_on=due_on,
        note=note,
        unit=target.unit,
        group=target.group,
        position_type=target.position_type,
        position_level=target.position_level,
        by_list=bool(target.employee_numbers),
        # A list names people, not a rule that others can come to match.
        include_new_members=include_new_members and not target.employee_numbers,
        assigned_by=access.user,
    )
    assignment.full_clean()
    assignment.save()
    _assignees_add(assignment, person_ids)
    _notices_queue(assignment)
    audit_record(
        actor=access.user,
        action=AUDIT_ASSIGNMENT_CREATE,
        obj=assignment,
        request=request,
        detail={
            "course": course.pk,
            "due_on": due_on.isoformat(),
            "people": len(person_ids),
        },
    )
    return assignment


def _assignees_add(assignment: CourseAssignment, person_ids: list[int]) -> None:
    for start in range(0, len(person_ids), BATCH):
        Assignee.objects.bulk_create(
            [
                Assignee(assignment=assignment, person_id=person_id)
                for person_id in person_ids[start : start + BATCH]
            ],
            ignore_conflicts=True,
        )
    # bulk_create sends no signal: the learners' dashboards show the assignment.
    assignments_version_bump()
    xapi_events.assignees_added(assignment=assignment, person_ids=person_ids)


def _check_may_change(access: HRAccess, assignment: CourseAssignment) -> None:
    if not can(access.user, "assignments.change", assignment):
        raise ValidationError(
            _(
                "Only the officer who assigned it, or one responsible for everyone "
                "it reaches, can change this assignment."
            )
        )
    if assignment.is_cancelled:
        raise ValidationError(_("This assignment is cancelled."))


@transaction.atomic
def assignment_change(
    *,
    access: HRAccess,
    assignment: CourseAssignment,
    due_on: date,
    note: str,
    request=None,
) -> CourseAssignment:
    """Move the due date or reword the note. A new due date restarts the reminders:
    learners are reminded again before (or after) the new date, once per event."""
    assignment = CourseAssignment.objects.select_for_update().get(pk=assignment.pk)
    _check_may_change(access, assignment)
    if due_on < selectors.today() and due_on != assignment.due_on:
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})
    before = {"due_on": assignment.due_on.isoformat(), "note": assignment.note}
    if due_on == assignment.due_on and note == assignment.note:
        return assignment
    if due_on != assignment.due_on:
        AssignmentReminder.objects.filter(assignee__assignment=assignment).delete()
    assignment.due_on = due_on
    assignment.note = note
    assignment.full_clean()
    assignment.save(update_fields=["due_on", "note"])
    audit_record(
        actor=access.user,
        action=AUDIT_ASSIGNMENT_CHANGE,
        obj=assignment,
        request=request,
        detail={
            "before": before,
            "after": {"due_on": due_on.isoformat(), "note": note},
        },
    )
    return assignment


@transaction.atomic
def assignment_cancel(
    *, access: HRAccess, assignment: CourseAssignment, request=None
) -> CourseAssignment:
    """Withdraw the assignment: off dashboards, reminders and compliance; the record,
    its people and what they already learned stay."""
    assignment = CourseAssignment.objects.select_for_update().get(pk=assignment.pk)
    _check_may_change(access, assignment)
    assignment.cancelled_at = timezone.now()
    assignment.cancelled_by = access.user
    assignment.save(update_fields=["cancelled_at", "cancelled_by"])
    audit_record(
        actor=access.user,
        action=AUDIT_ASSIGNMENT_CANCEL,
        obj=assignment,
        request=request,
        detail={"course": assignment.course_id, "people": assignment.assignees.count()},
    )
    return assignment


def assignments_add_new_members(*, on: date | None = None) -> int:
    """Daily: add the people who came to match an open assignment that asked for it.

    Open: not cancelled, not past due, made by rule (not a list). The people are
    those the assigning officer's scope holds today, so an officer who has lost the
    scope adds no one. Returns how many were added; one transaction per assignment.
    """
    from competencies.hr.selectors import hr_access

    on = on or selectors.today()
    added = 0
    open_assignments = CourseAssignment.objects.filter(
        include_new_members=True,
        by_list=False,
        cancelled_at__isnull=True,
        due_on__gte=on,
        assigned_by__isnull=False,
        course__live=True,
    ).select_related(
        "assigned_by", "unit", "group__framework", "position_type", "position_level"
    )
    for assignment in open_assignments.iterator(chunk_size=200):
        access = hr_access(assignment.assigned_by)
        if not access.is_hr_officer:
            continue
        people, _missing = selectors.assignment_people(
            access, selectors.AssignmentTarget.of(assignment)
        )
        new_ids = list(
            people.exclude(
                person_id__in=Assignee.objects.filter(assignment=assignment).values(
                    "person_id"
                )
            ).values_list("person_id", flat=True)
        )
        if new_ids:
            with transaction.atomic():
                _assignees_add(assignment, new_ids)
            added += len(new_ids)
            assignment_notices_send(assignment=assignment)
    return added


# ------------------------------------------------------------------------------
# Reminders
# ------------------------------------------------------------------------------

Event = AssignmentReminder.Event

# Each event and the days left to the due date for which it is due (inclusive).
# A window rather than one exact day: a beat run missed for a day still reminds.
EVENT_WINDOWS: dict[str, tuple[int | None, int | None]] = {
    Event.DUE_IN_7_DAYS: (2, 7),
    Event.DUE_IN_1_DAY: (0, 1),
    Event.OVERDUE: (None, -1),
}


@dataclass
class ReminderReport:
    sent: dict[str, int]
    skipped: int


def _due_between(on: date, low: int | None, high: int | None) -> Q:
    condition = Q()
    if low is not None:
        condition &= Q(assignment__due_on__gte=on + timedelta(days=low))
    if high is not None:
        condition &= Q(assignment__due_on__lte=on + timedelta(days=high))
    return condition


def _mailable(assignees, *, event: str, on: date):
    """Of `assignees`, those owed the mail `event`: assignment not cancelled, still on
    the staff, with an email, course not completed, and never sent `event` before."""
    completed = CourseCompletion.objects.filter(
        user_id=OuterRef("person__user_id"),
        course_id=OuterRef("assignment__course_id"),
    )
    already = AssignmentReminder.objects.filter(assignee_id=OuterRef("pk"), event=event)
    return (
        assignees.filter(assignment__cancelled_at__isnull=True)
        .filter(Q(person__left_on__isnull=True) | Q(person__left_on__gt=on))
        .filter(Q(person__email__gt="") | Q(person__user__email__gt=""))
        .exclude(Exists(completed))
        .exclude(Exists(already))
        .select_related("person", "person__user", "assignment", "assignment__course")
        .order_by("pk")
    )


def reminders_due(*, event: str, on: date):
    """Assignees owed the reminder `event` today: not completed, with an email, in the
    event's window, and never reminded of it before."""
    low, high = EVENT_WINDOWS[event]
    return _mailable(
        Assignee.objects.filter(_due_between(on, low, high)), event=event, on=on
    )


def _assignment_message(
    assignee: Assignee, *, event: str, on: date, urls: dict
) -> EmailMultiAlternatives:
    assignment = assignee.assignment
    course = assignment.course
    if course.pk not in urls:
        urls[course.pk] = public_page_url(course)
    person = assignee.person
    email = person.email or (person.user.email if person.user_id else "")
    context = {
        "person": person,
        "course": course,
        "assignment": assignment,
        "event": event,
        "days_left": (assignment.due_on - on).days,
        "course_url": urls[course.pk],
        "dashboard_url": public_url("/dashboard/"),
    }
    template = "assigned" if event == Event.ASSIGNED else "reminder"
    return mail_render(f"courses/assignments/email/{template}", context, to=[email])


def _mail_once(assignee: Assignee, *, event: str, on: date, urls: dict) -> bool:
    """Record and queue the mail `event` to `assignee`; False when it was sent before
    (the unique (assignee, event) constraint: a concurrent or repeated run skips)."""
    try:
        with transaction.atomic():
            AssignmentReminder.objects.create(assignee=assignee, event=event)
            email_queue(
                message=_assignment_message(assignee, event=event, on=on, urls=urls)
            )
    except IntegrityError:
        return False
    return True


def _notices_queue(assignment: CourseAssignment) -> None:
    """Once the assignment commits, a worker mails its people that it was assigned."""
    transaction.on_commit(
        lambda: tasks.assignment_notices_send.delay(assignment_id=assignment.pk)
    )


def assignment_notices_send(
    *, assignment: CourseAssignment, on: date | None = None
) -> int:
    """Tell each person of the assignment, once, that the course was assigned to them
    (people added later, as newcomers, are told when they are added). Returns how
    many were mailed."""
    on = on or selectors.today()
    if not assignment.course.live:
        return 0
    urls: dict[int, str] = {}
    sent = 0
    assignees = _mailable(
        Assignee.objects.filter(assignment=assignment), event=Event.ASSIGNED, on=on
    )
    for assignee in assignees.iterator(chunk_size=BATCH):
        sent += _mail_once(assignee, event=Event.ASSIGNED, on=on, urls=urls)
    return sent


def assignment_reminders_send(*, on: date | None = None) -> ReminderReport:
    """Mail every reminder owed today, each at most once per assignee and event.

    The reminder row and the queued mail commit together (the mail leaves on commit);
    the unique (assignee, event) constraint turns a concurrent or repeated run into a
    skip, so a second run sends nothing.
    """
    on = on or selectors.today()
    sent = dict.fromkeys(EVENT_WINDOWS, 0)
    skipped = 0
    urls: dict[int, str] = {}
    for event in EVENT_WINDOWS:
        for assignee in reminders_due(event=event, on=on).iterator(chunk_size=BATCH):
            if _mail_once(assignee, event=event, on=on, urls=urls):
                sent[event] += 1
            else:
                skipped += 1
    return ReminderReport(sent=sent, skipped=skipped)


# ------------------------------------------------------------------------------
# Development plans
# ------------------------------------------------------------------------------


def _plan_lock(*, person: Person, year: int) -> DevelopmentPlan:
    plan, _created = DevelopmentPlan.objects.get_or_create(
        person=person, fiscal_year=year
    )
    return DevelopmentPlan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def plan_save(
    *,
    person: Person,
    year: int,
    profile: FrameworkProfile | None,
    competencies: list[Competency],
    courses: list[CoursePage],
    note: str,
) -> DevelopmentPlan:
    """Set the plan's gaps, courses and note. Any change clears both agreements.

    A gap aims at the level the person's position requires (from `profile`, the
    person's current profile); the attained level when chosen is kept as the start.
    """
    plan = _plan_lock(person=person, year=year)
    rows = {row.competency.pk: row for row in profile.rows} if profile else {}
    wanted_gaps = {item.pk for item in competencies}
    current_gaps = set(plan.gaps.values_list("competency_id", flat=True))
    for competency_id in wanted_gaps - current_gaps:
        row = rows.get(competency_id)
        if row is None or not plannable(row):
            raise ValidationError(
                {
                    "gaps": _(
                        "Choose only real gaps (a level your position requires and "
                        "you have not yet shown) or optional areas to take up."
                    )
                }
            )
    wanted_courses = {course.pk for course in courses}
    current_courses = set(plan.courses.values_list("course_id", flat=True))
    changed = (
        wanted_gaps != current_gaps
        or wanted_courses != current_courses
        or note != plan.note
    )
    if not changed:
        return plan
    plan.gaps.exclude(competency_id__in=wanted_gaps).delete()
    PlanGap.objects.bulk_create(
        [
            PlanGap(
                plan=plan,
                competency_id=competency_id,
                target_level=rows[competency_id].required_level,
                starting_rank=rows[competency_id].attained_rank,
            )
            for competency_id in wanted_gaps - current_gaps
        ]
    )
    plan.courses.exclude(course_id__in=wanted_courses).delete()
    PlanCourse.objects.bulk_create(
        [
            PlanCourse(plan=plan, course_id=course_id)
            for course_id in wanted_courses - current_courses
        ]
    )
    plan.note = note
    _plan_agreements_clear(plan)
    plan.returned_at = None
    plan.returned_by = None
    plan.full_clean()
    plan.save()
    return plan


def plannable(row) -> bool:
    """A profile row a plan may take up: a real gap (required and not yet shown), or
    an optional area not chosen yet (agreeing the plan chooses it)."""
    if row.required_level is None:
        return False
    return row.gap > 0 or (row.is_optional and not row.chosen)


def _plan_agreements_clear(plan: DevelopmentPlan) -> None:
    plan.person_agreed_at = None
    plan.supervisor_agreed_at = None
    plan.supervisor_agreed_by = None
    plan.agreement_recorded_by = None
    plan.agreement_form = ""
    plan.agreement_form_name = ""
    plan.agreement_form_type = ""


def _plan_choose_optional(plan: DevelopmentPlan, *, actor) -> None:
    """Optional competencies the supervisor agreed to in the plan are chosen for the
    person: from then on they count towards the person's gaps."""
    optional = Requirement.objects.filter(
        competency_id__in=plan.gaps.values("competency_id"),
        applicability=Requirement.Applicability.OPTIONAL,
    ).values_list("competency_id", flat=True)
    for competency in Competency.objects.filter(pk__in=set(optional)):
        optional_choice_add(
            competency=competency,
            person=plan.person,
            source=OptionalChoice.Source.PLAN,
            chosen_by=actor,
        )


@transaction.atomic
def plan_agree(
    *,
    plan: DevelopmentPlan,
    actor,
    as_supervisor: Person | None = None,
    request=None,
) -> DevelopmentPlan:
    """Record the person's agreement, or (with `as_supervisor`) the supervisor's.

    The caller has checked who may agree (see selectors.plan_person_for_workspace); an
    empty plan cannot be agreed. Agreeing again keeps the first timestamp.
    """
    plan = DevelopmentPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.gaps.exists() and not plan.courses.exists():
        raise ValidationError(_("Choose at least one gap or course before agreeing."))
    now = timezone.now()
    if as_supervisor is not None:
        if as_supervisor.pk == plan.person_id:
            raise ValidationError(
                _("A person cannot agree their own plan as supervisor.")
            )
        if plan.supervisor_agreed_at is None:
            plan.supervisor_agreed_at = now
            plan.supervisor_agreed_by = as_supervisor
        plan.returned_at = None
        plan.returned_by = None
        _plan_choose_optional(plan, actor=actor)
    elif plan.person_agreed_at is None:
        plan.person_agreed_at = now
    plan.full_clean()
    plan.save(
        update_fields=[
            "person_agreed_at",
            "supervisor_agreed_at",
            "supervisor_agreed_by",
            "returned_at",
            "returned_by",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action=AUDIT_PLAN_AGREE,
        obj=plan,
        subject=plan.person_id,
        request=request,
        detail={"as": "supervisor" if as_supervisor else "person"},
    )
    return plan


@transaction.atomic
def plan_return(
    *, plan: DevelopmentPlan, actor, as_supervisor: Person, comment: str, request=None
) -> DevelopmentPlan:
    """The supervisor sends the plan back with a comment instead of agreeing.

    The person's agreement is cleared too: they revise the plan (or not) and agree
    again. The caller has checked that `as_supervisor` is the direct supervisor.
    """
    comment = comment.strip()
    if not comment:
        raise ValidationError(
            {"comment": _("Say what should change before you agree.")}
        )
    plan = DevelopmentPlan.objects.select_for_update().get(pk=plan.pk)
    if as_supervisor.pk == plan.person_id:
        raise ValidationError(_("A person cannot return their own plan."))
    if plan.supervisor_agreed_at is not None:
        raise ValidationError(_("The plan is already agreed."))
    plan.returned_at = timezone.now()
    plan.returned_by = as_supervisor
    plan.return_comment = comment
    plan.person_agreed_at = None
    plan.full_clean()
    plan.save(
        update_fields=[
            "returned_at",
            "returned_by",
            "return_comment",
            "person_agreed_at",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action=AUDIT_PLAN_RETURN,
        obj=plan,
        subject=plan.person_id,
        request=request,
    )
    return plan


@transaction.atomic
def plan_agreement_record(
    *, plan: DevelopmentPlan, actor, signed_form: UploadedFile, request=None
) -> DevelopmentPlan:
    """An HR officer records the supervisor's agreement given on a signed paper form.

    The form (PDF, PNG or JPEG up to 5 MB, checked as evidence attachments are) is
    kept in private storage; the agreement names the person's current supervisor, so
    a plan of someone without one on record cannot be agreed this way. Never by the
    person themselves, and only by an officer of their current unit.
    """
    if not can(actor, "plans.record_agreement", plan.person):
        raise ValidationError(
            _("Only an HR officer of the person's unit may record the agreement.")
        )
    plan = DevelopmentPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.gaps.exists() and not plan.courses.exists():
        raise ValidationError(_("Choose at least one gap or course before agreeing."))
    if plan.supervisor_agreed_at is not None:
        raise ValidationError(_("The plan is already agreed."))
    supervisor = selectors.supervisor_of(plan.person)
    if supervisor is None:
        raise ValidationError(
            _(
                "The person has no supervisor on record: record the supervisor in "
                "their placement first."
            )
        )
    signed_form.seek(0)
    head = signed_form.read(16)
    signed_form.seek(0)
    try:
        kind = attachment_type(
            name=signed_form.name or "", size=signed_form.size, head=head
        )
    except AttachmentRefused as refused:
        raise ValidationError({"signed_form": refusal_message(refused)}) from refused
    plan.agreement_form_name = (signed_form.name or "form").rsplit("/", 1)[-1][:255]
    plan.agreement_form_type = kind.content_type
    plan.agreement_form.save(plan.agreement_form_name, signed_form, save=False)
    plan.agreement_recorded_by = actor
    plan.supervisor_agreed_at = timezone.now()
    plan.supervisor_agreed_by = supervisor
    plan.returned_at = None
    plan.returned_by = None
    plan.full_clean()
    plan.save()
    _plan_choose_optional(plan, actor=actor)
    audit_record(
        actor=actor,
        action=AUDIT_PLAN_AGREE,
        obj=plan,
        subject=plan.person_id,
        request=request,
        detail={"as": "hr_recorded", "supervisor": supervisor.pk},
    )
    return plan
