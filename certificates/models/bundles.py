"""ZIP files of certificates, built by a Celery task.

Administrators ask for a course's certificates; HR officers for those of the staff of a
unit in their scope, optionally of one course.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from academy.core.storage import private_storage, random_name


def _bundle_path(instance: "CertificateBundle", filename: str) -> str:
    """A random name in private storage: unit codes and ids never reach the path."""
    return random_name("certificates/bundles", "zip")


class CertificateBundle(models.Model):
    """One request for certificates as a ZIP (a course's, a unit's, or both), and its result."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("course"),
    )
    unit = models.ForeignKey(
        "competencies.OrgUnit",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("organisation unit"),
        help_text=_(
            "Certificates of the staff currently placed in this unit's subtree."
        ),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(
        _("ZIP file"),
        upload_to=_bundle_path,
        storage=private_storage,
        max_length=255,
        blank=True,
    )
    certificate_count = models.PositiveIntegerField(_("certificates"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate bundle")
        verbose_name_plural = _("certificate bundles")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(course__isnull=False) | models.Q(unit__isnull=False),
                name="certificate_bundle_course_or_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_status_display()})"

    @property
    def subject(self) -> str:
        """What the ZIP holds, for lists: the course, the unit, or both."""
        parts = [str(part) for part in (self.course, self.unit) if part is not None]
        return " · ".join(parts)

    @property
    def file_stem(self) -> str:
        if self.unit_id and self.course_id:
            return f"unit-{self.unit.code}-course-{self.course_id}-{self.pk}"
        if self.unit_id:
            return f"unit-{self.unit.code}-{self.pk}"
        return f"course-{self.course_id}-{self.pk}"
