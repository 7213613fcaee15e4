"""Course assignments with deadlines, their reminders, and individual development plans.

They sit in courses (not competencies) because they name courses; the people, units and
competencies they point at belong to competencies, the layer below.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from academy.core.storage import private_storage
from competencies.models import (
    Competency,
    OrgUnit,
    Person,
    PersonnelGroup,
    PositionLevel,
    PositionType,
    ProficiencyLevel,
)

from .pages import CoursePage


class CourseAssignment(models.Model):
    """An HR officer's instruction that the people chosen take a course by a date.

    The criteria it was made with (unit, personnel group, position) are kept for the
    record; the people themselves are fixed when it is made (Assignee), so a later
    move or hire does not silently change who was told to take the course, unless
    the officer chose `include_new_members`: then a daily task adds those who come
    to match the criteria until the due date (nobody is ever removed). Cancelling
    keeps the record and its people but takes it off dashboards, reminders and
    compliance.
    """

    course = models.ForeignKey(
        CoursePage,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("course"),
    )
    due_on = models.DateField(_("due date"))
    note = models.TextField(_("note to learners"), blank=True, max_length=2000)
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation unit"),
    )
    group = models.ForeignKey(
        PersonnelGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("personnel group"),
    )
    position_type = models.ForeignKey(
        PositionType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("position type"),
    )
    position_level = models.ForeignKey(
        PositionLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("position level"),
    )
    by_list = models.BooleanField(_("chosen from a list"), default=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    include_new_members = models.BooleanField(
        _("also assign people who join later"),
        default=False,
        help_text=_(
            "Until the due date, people who come to match the choice (new staff, "
            "transfers, promotions) are added every day."
        ),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )

    class Meta:
        verbose_name = _("course assignment")
        verbose_name_plural = _("course assignments")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["due_on"], name="assignment_due_on"),
        ]

    def __str__(self) -> str:
        return f"{self.course} ({self.due_on})"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Assignee(models.Model):
    """One person told to take the course of an assignment."""

    assignment = models.ForeignKey(
        CourseAssignment, on_delete=models.CASCADE, related_name="assignees"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="course_assignments"
    )

    class Meta:
        verbose_name = _("assignee")
        verbose_name_plural = _("assignees")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "person"], name="assignee_unique"
            )
        ]
        indexes = [
            models.Index(fields=["person", "assignment"], name="assignee_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ← {self.assignment_id}"


class AssignmentReminder(models.Model):
    """A mail sent about an assignment (the notice that it was assigned, or a reminder);
    the unique constraint is what makes each never go twice."""

    class Event(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        DUE_IN_7_DAYS = "due_7", _("Due within 7 days")
        DUE_IN_1_DAY = "due_1", _("Due tomorrow or today")
        OVERDUE = "overdue", _("Overdue")

    assignee = models.ForeignKey(
        Assignee, on_delete=models.CASCADE, related_name="reminders"
    )
    event = models.CharField(_("event"), max_length=16, choices=Event.choices)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment reminder")
        verbose_name_plural = _("assignment reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["assignee", "event"], name="assignment_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignee_id}: {self.event}"


def _agreement_form_path(instance: "DevelopmentPlan", filename: str) -> str:
    """A random name: the person's name never reaches the storage's paths."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"plans/{uuid.uuid4().hex}.{extension}"


class DevelopmentPlanQuerySet(models.QuerySet):
    def awaiting_supervisor(self):
        """Plans waiting for the supervisor's decision: agreed by the person and not
        yet agreed by the supervisor. A return clears the person's agreement, so a
        returned plan waits again once the person agrees it again. The one rule behind
        the supervisor's dashboard count and the badge on their list of plans."""
        return self.filter(
            person_agreed_at__isnull=False, supervisor_agreed_at__isnull=True
        )


class DevelopmentPlan(models.Model):
    """A person's individual development plan for one Thai fiscal year.

    Agreed twice, by the person and by their supervisor; any change to the plan clears
    both agreements, so an agreement always covers the plan as it now stands.
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="development_plans"
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), help_text=_("In the Common Era: 2027 is B.E. 2570.")
    )
    note = models.TextField(_("goals and notes"), blank=True, max_length=4000)
    person_agreed_at = models.DateTimeField(
        _("agreed by the person at"), null=True, blank=True
    )
    supervisor_agreed_at = models.DateTimeField(
        _("agreed by the supervisor at"), null=True, blank=True
    )
    supervisor_agreed_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreed by (supervisor)"),
    )
    #: Set when HR recorded the supervisor's agreement from a signed paper form
    #: (kept in private storage) rather than the supervisor agreeing here.
    agreement_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement recorded by"),
    )
    agreement_form = models.FileField(
        _("signed agreement form"),
        upload_to=_agreement_form_path,
        storage=private_storage,
        max_length=255,
        blank=True,
        default="",
        db_default="",
    )
    agreement_form_name = models.CharField(
        max_length=255, blank=True, default="", db_default=""
    )
    agreement_form_type = models.CharField(
        max_length=64, blank=True, default="", db_default=""
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("returned by"),
    )
    return_comment = models.TextField(
        _("supervisor's comment"),
        blank=True,
        max_length=2000,
        default="",
        db_default="",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DevelopmentPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")
        ordering = ["person", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "fiscal_year"], name="development_plan_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(supervisor_agreed_at__isnull=True)
                | Q(supervisor_agreed_by__isnull=False),
                name="development_plan_supervisor_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} FY{self.fiscal_year}"

    @property
    def is_agreed(self) -> bool:
        return bool(self.person_agreed_at and self.supervisor_agreed_at)


class PlanGap(models.Model):
    """A competency gap the person chose to work on, with the level aimed at."""

    plan = models.ForeignKey(
        DevelopmentPlan, on_delete=models.CASCADE, related_name="gaps"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="+"
    )
    target_level = models.ForeignKey(
        ProficiencyLevel, on_delete=models.PROTECT, related_name="+"
    )
    starting_rank = models.PositiveSmallIntegerField(_("level when chosen"), default=0)

    class Meta:
        verbose_name = _("planned gap")
        verbose_name_plural = _("planned gaps")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "competency"], name="plan_gap_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.competency_id}"


class PlanCourse(models.Model):
    """A course the person plans to take in the plan's fiscal year."""

    plan = models.ForeignKey(
        DevelopmentPlan, on_delete=models.CASCADE, related_name="courses"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("planned course")
        verbose_name_plural = _("planned courses")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "course"], name="plan_course_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.course_id}"


__all__ = [
    "AssignmentReminder",
    "Assignee",
    "CourseAssignment",
    "DevelopmentPlan",
    "PlanCourse",
    "PlanGap",
]
