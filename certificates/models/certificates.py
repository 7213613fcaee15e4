"""Certificates: issued once per completion, numbered without gaps, verifiable by anyone."""

import json
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from academy.core.storage import private_storage, random_name

from .status import StatusList


def _pdf_path(instance: "Certificate", filename: str) -> str:
    """A random name in private storage: the public id (in every QR code) is not it."""
    return random_name("certificates/pdf", "pdf")


class CertificateNumberCounter(models.Model):
    """The last sequence number given per prefix and Buddhist-Era year.

    Locked with SELECT ... FOR UPDATE by the issuing transaction, which also writes
    the certificate: a rolled-back issue rolls the counter back, so numbers have no
    gaps, and the unique number on Certificate is the last line of defence.
    """

    prefix = models.CharField(_("prefix"), max_length=16)
    year = models.PositiveSmallIntegerField(_("year (B.E.)"))
    last_value = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("certificate number counter")
        verbose_name_plural = _("certificate number counters")
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "year"], name="certificate_counter_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_value}"


class Certificate(models.Model):
    """A certificate of one course completion, with the learner as they were then.

    Names, position, course title and competencies are copied at issue time: the
    certificate says what was true when it was issued, whatever changes later. The
    one-to-one on the completion makes issuing exactly once a database rule.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Being issued")
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    #: Random (uuid4: 122 bits from os.urandom) and used in every public URL, so a
    #: certificate cannot be found by counting.
    public_id = models.UUIDField(
        _("public id"), default=uuid.uuid4, unique=True, editable=False
    )
    number = models.CharField(_("number"), max_length=32, unique=True)
    completion = models.OneToOneField(
        "courses.CourseCompletion",
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("completion"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("learner"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("course"),
    )
    person = models.ForeignKey(
        "competencies.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
    )
    # The learner and the course as they were at issue time.
    name_th = models.CharField(_("name (Thai)"), max_length=400)
    name_en = models.CharField(_("name (English)"), max_length=400, blank=True)
    last_name_th = models.CharField(_("surname (Thai)"), max_length=150)
    last_name_en = models.CharField(_("surname (English)"), max_length=150, blank=True)
    position_th = models.CharField(_("position (Thai)"), max_length=400, blank=True)
    position_en = models.CharField(_("position (English)"), max_length=400, blank=True)
    organisation_th = models.CharField(
        _("organisation (Thai)"), max_length=400, blank=True
    )
    organisation_en = models.CharField(
        _("organisation (English)"), max_length=400, blank=True
    )
    course_title_th = models.CharField(_("course (Thai)"), max_length=255)
    course_title_en = models.CharField(
        _("course (English)"), max_length=255, blank=True
    )
    learning_hours = models.DecimalField(
        _("learning hours"), max_digits=5, decimal_places=1
    )
    #: [{code, name_th, name_en, framework_th, framework_en, level_rank,
    #:   level_th, level_en, url}], in the course's order.
    competencies = models.JSONField(_("competencies"), default=list, blank=True)

    #: The training as it was: from enrolment to completion, and how it was delivered
    #: (courses.CoursePage.DeliveryMode), printed on the face.
    training_started_on = models.DateField(
        _("training started on"), null=True, blank=True
    )
    delivery_mode = models.CharField(
        _("mode of study"), max_length=16, blank=True, default="", db_default=""
    )
    issued_on = models.DateField(_("issued on"))
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("superseded by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    status_list = models.ForeignKey(
        StatusList, on_delete=models.PROTECT, related_name="certificates"
    )
    status_list_index = models.PositiveIntegerField(_("status list index"))
    identity_salt = models.CharField(max_length=64)
    #: The signed OpenBadgeCredential, byte for byte as embedded in the PDF.
    credential_json = models.TextField(_("signed credential"), blank=True)
    pdf = models.FileField(
        _("PDF"),
        upload_to=_pdf_path,
        storage=private_storage,
        max_length=255,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: When the learner was mailed that the certificate is about to expire (once).
    expiry_reminded_at = models.DateTimeField(
        _("expiry reminder sent at"), null=True, blank=True
    )
    issued_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_list_index"],
                name="certificate_unique_status_entry",
            ),
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=Q(status="valid"),
                name="certificate_one_valid_per_course",
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | Q(revoked_at__isnull=False),
                name="certificate_revoked_has_date",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__gt=models.F("valid_from")),
                name="certificate_valid_until_after_from",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "status"], name="certificate_user_status"),
            models.Index(fields=["course", "status"], name="certificate_course_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name_th}"

    @property
    def credential(self) -> dict | None:
        return json.loads(self.credential_json) if self.credential_json else None

    @property
    def is_issued(self) -> bool:
        return self.status != self.Status.PENDING

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until <= timezone.now()

    @property
    def verification_state(self) -> str:
        """What a verifier is told: revoked, superseded, expired or valid."""
        if self.status == self.Status.REVOKED:
            return "revoked"
        if self.status == self.Status.SUPERSEDED:
            return "superseded"
        if self.is_expired:
            return "expired"
        return "valid"

    #: What verification_state means, for people (the admin's list and record).
    STATE_LABELS = {
        "valid": _("Valid"),
        "expired": _("Expired"),
        "revoked": _("Revoked"),
        "superseded": _("Superseded"),
    }

    @property
    def state_display(self) -> str:
        """The true state today: an expired certificate says so, not "valid"."""
        if self.status == self.Status.PENDING:
            return str(self.Status.PENDING.label)
        return str(self.STATE_LABELS[self.verification_state])

    @property
    def valid_until_display(self) -> str:
        """The expiry in Bangkok time, B.E. in Thai; "does not expire" when none."""
        if self.valid_until is None:
            return str(_("Does not expire"))
        return _local_datetime_text(self.valid_until)

    @property
    def revoked_at_display(self) -> str:
        return _local_datetime_text(self.revoked_at) if self.revoked_at else ""

    @property
    def display_name(self) -> str:
        return _bilingual(self.name_th, self.name_en)

    @property
    def display_course_title(self) -> str:
        return _bilingual(self.course_title_th, self.course_title_en)

    @property
    def display_competencies(self) -> list[dict]:
        return [
            {
                "code": item["code"],
                "name": _bilingual(item["name_th"], item.get("name_en", "")),
                "level_rank": item["level_rank"],
                "level": _bilingual(item["level_th"], item.get("level_en", "")),
            }
            for item in self.competencies
        ]


def _local_datetime_text(value) -> str:
    """A moment as people in Thailand read it: Asia/Bangkok, B.E. date in Thai."""
    from academy.core.thaidate import format_local

    return format_local(value)


def _bilingual(thai: str, english: str) -> str:
    language = translation.get_language() or "th"
    if language.startswith("en") and english:
        return english
    return thai
