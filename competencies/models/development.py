"""Development outside the Academy's courses: training elsewhere, coaching, assigned
work, study visits, e-learning on other platforms.

A learner submits a record with its evidence file; an HR officer of their unit
approves or rejects it (competencies.development.services). Approved hours count
towards the person's development hours beside the Academy's courses
(courses.development.selectors.development_hours); an officer who rates it against a
competency records ordinary Evidence, which the record then points to.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from academy.core.storage import private_storage

from .evidence import Evidence
from .people import Person

#: More than this in one record is a typing slip (a year of full-time study is
#: about 1,600 hours); longer programmes are recorded in parts.
MAX_RECORD_HOURS = Decimal("2000")
#: No one develops for more than this many hours in a day, however intense.
MAX_HOURS_PER_DAY = 12


def _evidence_path(instance: "DevelopmentRecord", filename: str) -> str:
    """A random name: the person's name never reaches the storage's paths."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"development/{uuid.uuid4().hex}.{extension}"


class DevelopmentRecord(models.Model):
    class Kind(models.TextChoices):
        TRAINING = "training", _("Training elsewhere")
        COACHING = "coaching", _("Coaching or mentoring")
        ASSIGNED_WORK = "assigned_work", _("Assigned work or project")
        STUDY_VISIT = "study_visit", _("Study visit")
        ELEARNING = "elearning", _("E-learning on another platform")
        OTHER = "other", _("Other development")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="development_records"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    provider = models.CharField(_("provider"), max_length=255)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    evidence_file = models.FileField(
        _("evidence file"),
        upload_to=_evidence_path,
        storage=private_storage,
        max_length=255,
        blank=True,
    )
    evidence_name = models.CharField(_("file name"), max_length=255, blank=True)
    evidence_content_type = models.CharField(max_length=64, blank=True)
    evidence_size = models.PositiveIntegerField(null=True, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.SUBMITTED,
        db_default=Status.SUBMITTED,
    )
    rejection_reason = models.TextField(_("reason"), blank=True, max_length=2000)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    competency_evidence = models.ForeignKey(
        Evidence,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("competency evidence"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("development record")
        verbose_name_plural = _("development records")
        ordering = ["-ends_on", "-pk"]
        indexes = [
            models.Index(
                fields=["person", "status", "ends_on"], name="devrecord_person_status"
            ),
            models.Index(fields=["status", "created_at"], name="devrecord_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="devrecord_ends_after_starts",
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=MAX_RECORD_HOURS),
                name="devrecord_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(decided_at__isnull=False),
                name="devrecord_decision_dated",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="devrecord_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.title} ({self.hours} h)"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date is before the start date.")
        if self.hours is not None:
            if self.hours <= 0:
                errors["hours"] = _("Hours must be more than zero.")
            elif self.hours > MAX_RECORD_HOURS:
                errors["hours"] = _(
                    "At most %(max)s hours in one record; record a long programme "
                    "in parts."
                ) % {"max": MAX_RECORD_HOURS}
            elif (
                "ends_on" not in errors
                and self.starts_on
                and self.ends_on
                and self.hours > self.days * MAX_HOURS_PER_DAY
            ):
                errors["hours"] = _(
                    "%(hours)s hours in %(days)d days is more than %(per_day)d hours "
                    "a day; check the hours or the dates."
                ) % {
                    "hours": self.hours,
                    "days": self.days,
                    "per_day": MAX_HOURS_PER_DAY,
                }
        if self.status == self.Status.REJECTED and not self.rejection_reason.strip():
            errors["rejection_reason"] = _("Say why the record is rejected.")
        if errors:
            raise ValidationError(errors)


__all__ = ["DevelopmentRecord", "MAX_HOURS_PER_DAY", "MAX_RECORD_HOURS"]
