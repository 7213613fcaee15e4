"""The HR workspace's records: officers' scopes, monthly matrix snapshots, staff imports."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .people import OrgUnit
from .standards import Competency, Framework


class HRScope(models.Model):
    """An organisation node an HR officer answers for; they see exactly its subtree.

    An officer may hold several nodes. The scope only counts for users who also hold
    the HR officer role (see competencies/hr/selectors.py).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hr_scopes"
    )
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.CASCADE,
        related_name="hr_scopes",
        verbose_name=_("organisation unit"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("HR scope")
        verbose_name_plural = _("HR scopes")
        ordering = ["user", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="hr_scope_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.unit}"


class MatrixSnapshot(models.Model):
    """One month's figures for a scope root's whole subtree on one competency.

    Taken on the first run of a month (competencies.tasks.matrix_snapshots_take);
    `taken_on` is the first day of that month, which makes a second run a no-op.
    """

    root = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="matrix_snapshots"
    )
    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="matrix_snapshots"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="matrix_snapshots"
    )
    taken_on = models.DateField(_("month"))
    staff = models.PositiveIntegerField(_("staff with a requirement"))
    meeting = models.PositiveIntegerField(_("staff meeting it"))
    mean_gap = models.FloatField(_("mean gap"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("matrix snapshot")
        verbose_name_plural = _("matrix snapshots")
        ordering = ["root", "framework", "taken_on", "competency"]
        constraints = [
            models.UniqueConstraint(
                fields=["root", "framework", "competency", "taken_on"],
                name="matrix_snapshot_unique",
            ),
            models.CheckConstraint(
                condition=Q(meeting__lte=F("staff")),
                name="matrix_snapshot_meeting_within_staff",
            ),
        ]
        indexes = [
            models.Index(
                fields=["root", "framework", "taken_on"], name="matrix_snapshot_trend"
            )
        ]

    def __str__(self) -> str:
        return f"{self.root} {self.competency.code} {self.taken_on:%Y-%m}"


class ImportJob(models.Model):
    """One uploaded staff file: its dry-run plan, then (once confirmed) its real run.

    The upload is kept compressed in the database (private by construction, readable
    by any worker) only until the job is applied or discarded; the plan's summary and
    every bad row stay as the report.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        PLANNING = "planning", _("Checking")
        PLANNED = "planned", _("Checked (dry run)")
        APPLYING = "applying", _("Applying")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded")

    RUNNING = (Status.QUEUED, Status.PLANNING, Status.APPLYING)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    source = models.BinaryField(_("uploaded file (compressed)"), null=True)
    source_sha256 = models.CharField(_("SHA-256 of the upload"), max_length=64)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    in_background = models.BooleanField(_("runs in the background"), default=False)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    plan_fingerprint = models.CharField(
        _("plan fingerprint"), max_length=64, blank=True
    )
    #: The rows the dry run read from `source`, signed (hr.staff_import.services), so
    #: that the real run checks them against the records without reading the file
    #: again. Dropped with `source`.
    parsed_rows = models.BinaryField(
        _("rows read by the dry run (signed, compressed)"), null=True
    )
    error = models.TextField(_("error"), blank=True)
    #: The column map the file was read with ({its header: the Academy's column}),
    #: copied from a StaffColumnMap at upload so that the real run reads it the same.
    column_map = models.JSONField(_("column map"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    planned_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff import")
        verbose_name_plural = _("staff imports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="import_job_user")
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def can_apply(self) -> bool:
        return (
            self.status == self.Status.PLANNED
            and not self.report.get("header_errors")
            and self.counts.get("changes", 0) > 0
        )


class StaffColumnMap(models.Model):
    """How another system's staff export names its columns: {its header: the
    Academy's column} (hr.staff_import.parsing.COLUMNS), saved per source (a DPIS
    export, another HR system) and chosen when uploading. Headers it does not name
    are read as usual (the Academy's own names and their Thai aliases). It belongs
    to an organisation (docs/staff-import.md, "Who keeps column maps")."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    source = models.CharField(
        _("source system"),
        max_length=100,
        help_text=_("e.g. DPIS (the department's export), or another HR system."),
    )
    mapping = models.JSONField(_("column map"), default=dict)
    note = models.TextField(_("note"), blank=True)
    #: Whose map it is: HR officers whose scope covers this unit change and delete
    #: it, administrators any (rule hr.change_column_map). Empty: a shared map,
    #: kept by administrators. Every officer may use any map to read a file.
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
        help_text=_(
            "The HR officers of this organisation keep the map; empty: shared, "
            "kept by Academy administrators."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("staff file column map")
        verbose_name_plural = _("staff file column maps")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
