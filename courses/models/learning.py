"""Enrolments, lesson progress and completions: plain Django models beside the pages."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .pages import CoursePage, LessonPage


class Enrolment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        ACTIVE = "active", pgettext_lazy("learning", "In progress")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REJECTED = "rejected", _("Not approved")

    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        ASSIGNED = "assigned", _("Assigned")

    OPEN_STATUSES = (Status.PENDING, Status.ACTIVE)
    #: Taking or completed: the course is not recommended again.
    TAKEN_STATUSES = (*OPEN_STATUSES, Status.COMPLETED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="enrolments"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.SELF
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    last_lesson = models.ForeignKey(
        LessonPage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=Q(status__in=["pending", "active"]),
                name="enrolment_one_open_per_course",
            )
        ]
        indexes = [
            models.Index(fields=["user", "status"], name="enrolment_user_status"),
            models.Index(fields=["course", "status"], name="enrolment_course_status"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.course} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class LessonProgress(models.Model):
    class Status(models.TextChoices):
        VIEWED = "viewed", _("Viewed")
        COMPLETED = "completed", _("Completed")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.CASCADE, related_name="progress"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.VIEWED
    )
    first_viewed_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson"], name="lesson_progress_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.lesson_id}: {self.status}"


class CourseCompletion(models.Model):
    """Recorded exactly once per enrolment (the one-to-one is the guarantee)."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="completion"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="completions"
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.PROTECT, related_name="completions"
    )
    completed_at = models.DateTimeField(_("completed at"))
    learning_hours = models.DecimalField(
        _("learning hours"), max_digits=5, decimal_places=1
    )

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        ordering = ["-completed_at"]
        indexes = [
            models.Index(fields=["user", "completed_at"], name="completion_user_date"),
        ]

    def __str__(self) -> str:
        return f"{self.user} completed {self.course}"
