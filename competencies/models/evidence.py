"""Evidence of competency: append-only; attained levels are derived from it (see selectors)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academy.core.storage import private_storage

from .people import Person
from .standards import Competency, ProficiencyLevel


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete recorded evidence."""


class EvidenceQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Evidence is append-only; record new evidence instead.")

    def delete(self):
        raise AppendOnlyError("Evidence is append-only; it cannot be deleted.")

    def verified(self):
        return self.exclude(source=Evidence.Source.SELF_ASSESSMENT)

    def in_force(self, on):
        """Evidence observed by `on` and not expired on that day."""
        return self.filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=on), observed_on__lte=on
        )


class Evidence(models.Model):
    class Source(models.TextChoices):
        ASSESSMENT = "assessment", _("Assessment")
        COURSE_COMPLETION = "course", _("Course completion")
        MANUAL_RATING = "manual", _("Manual rating")
        SELF_ASSESSMENT = "self", _("Self assessment")
        PRIOR_LEARNING = "prior", _("Recognition of prior learning")
        IMPORT = "import", pgettext_lazy("evidence source", "Import")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="evidence"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="evidence"
    )
    level = models.ForeignKey(
        ProficiencyLevel, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    observed_on = models.DateField(_("observed on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reference = models.CharField(
        _("reference"),
        max_length=128,
        blank=True,
        help_text=_("What produced it, e.g. course:12 or attempt:345."),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-observed_on", "-pk"]
        indexes = [
            models.Index(fields=["person", "competency"], name="evidence_person_comp"),
            models.Index(fields=["competency", "person"], name="evidence_comp_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(expires_on__gt=F("observed_on")),
                name="evidence_expires_after_observed",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.person} {self.competency.code} ≥ {self.level.rank} ({self.source})"
        )

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(
                "Evidence is append-only; record new evidence instead."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Evidence is append-only; it cannot be deleted.")

    def clean(self) -> None:
        if (
            self.level_id
            and self.competency_id
            and self.level.scale_id != self.competency.framework.scale_id
        ):
            raise ValidationError(
                {"level": _("The level is not on the framework's scale.")}
            )

    @property
    def is_verified(self) -> bool:
        return self.source != self.Source.SELF_ASSESSMENT


def _attachment_path(instance: "EvidenceAttachment", filename: str) -> str:
    """A random name: the person's name or ID never reaches the storage's paths."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{uuid.uuid4().hex}.{extension}"


class EvidenceAttachmentQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Evidence attachments are append-only.")

    def delete(self):
        raise AppendOnlyError("Evidence attachments are append-only.")


class EvidenceAttachment(models.Model):
    """A file behind a piece of evidence (a rating form, a certificate of prior learning).

    Kept apart from Evidence so that Evidence stays a plain append-only row; an
    attachment is written once with its evidence and never replaced.
    """

    evidence = models.OneToOneField(
        Evidence, on_delete=models.CASCADE, related_name="attachment"
    )
    file = models.FileField(
        _("file"), upload_to=_attachment_path, storage=private_storage, max_length=255
    )
    original_name = models.CharField(_("original name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EvidenceAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence attachment")
        verbose_name_plural = _("evidence attachments")

    def __str__(self) -> str:
        return self.original_name

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Evidence attachments are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Evidence attachments are append-only.")
