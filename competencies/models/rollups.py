"""Precomputed figures for the organisation matrix of very large subtrees.

`org_matrix` aggregates every current placement's requirements against the evidence
of a subtree. For a whole ministry (100,000 staff, millions of evidence records) that
takes seconds, so a Celery task (competencies.tasks.matrix_rollups_build, nightly and
after staff imports) writes, per framework, one row per (unit, personnel group,
competency) with the staff counted, those meeting the requirement and the gap sum.
A subtree's matrix is then a sum over a few thousand rows. Smaller subtrees, and any
date other than the day the rollup was built, are still computed live
(see competencies.selectors.org_matrix).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .people import OrgUnit, PersonnelGroup
from .standards import Competency, Framework


class MatrixRollupRun(models.Model):
    """One build of a framework's rollup: the date its figures hold for, and when."""

    framework = models.OneToOneField(
        Framework, on_delete=models.CASCADE, related_name="matrix_rollup_run"
    )
    built_for = models.DateField(_("figures for"))
    finished_at = models.DateTimeField(_("built at"))
    rows = models.PositiveIntegerField(_("rows"), default=0)
    seconds = models.FloatField(_("build time (seconds)"), default=0)

    class Meta:
        verbose_name = _("matrix rollup build")
        verbose_name_plural = _("matrix rollup builds")

    def __str__(self) -> str:
        return f"{self.framework} ({self.built_for})"


class MatrixRollup(models.Model):
    """(unit, personnel group, competency) → staff, meeting, gap sum, for one framework."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    # The unit's path, copied so that a subtree is one indexed prefix match.
    unit_path = models.CharField(max_length=255)
    group = models.ForeignKey(
        PersonnelGroup, on_delete=models.CASCADE, related_name="+"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="+"
    )
    staff = models.PositiveIntegerField()
    meeting = models.PositiveIntegerField()
    gap_sum = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("matrix rollup row")
        verbose_name_plural = _("matrix rollup rows")
        indexes = [
            models.Index(
                fields=["framework", "unit_path"], name="matrix_rollup_subtree"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} · {self.group_id} · {self.competency_id}"
