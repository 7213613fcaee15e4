"""The organisation matrix, maintained: figures that are always current.

`org_matrix` aggregates every current placement's requirements against the evidence
of a subtree; for a whole ministry (100,000 staff, millions of evidence records) that
takes seconds. So, per framework, two tables are kept up to date as evidence,
placements, leavers and optional choices are written (competencies.rollups, in the
same transaction):

- MatrixEntry: one row per counted requirement of a staff member (person, unit, group,
  competency) with the required and the attained rank: the maintained attainment;
- MatrixRollup: per (unit, personnel group, competency), the staff counted, those
  meeting the requirement and the gap sum: the entries summed. A subtree's matrix is
  a sum over a few thousand rows.

MatrixRollupRun says for which day the figures hold (the daily sweep moves it on:
evidence that expired or took effect, placements that started or ended, leavers) and
whether a change that touches many people at once (a requirement, a group rule, a
unit's optional choice, a staff import) made them stale until the rebuild task ran;
stale or another day, org_matrix computes live (competencies.selectors.org_matrix).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .people import OrgUnit, PersonnelGroup
from .standards import Competency, Framework


class MatrixRollupRun(models.Model):
    """A framework's maintained figures: the date they hold for, the last full build,
    and whether they are stale (waiting for a rebuild)."""

    framework = models.OneToOneField(
        Framework, on_delete=models.CASCADE, related_name="matrix_rollup_run"
    )
    built_for = models.DateField(_("figures for"))
    finished_at = models.DateTimeField(_("built at"))
    rows = models.PositiveIntegerField(_("rows"), default=0)
    seconds = models.FloatField(_("build time (seconds)"), default=0)
    stale = models.BooleanField(_("stale"), default=False, db_default=False)

    class Meta:
        verbose_name = _("matrix rollup build")
        verbose_name_plural = _("matrix rollup builds")

    def __str__(self) -> str:
        return f"{self.framework} ({self.built_for})"


class MatrixRollup(models.Model):
    """(unit, personnel group, competency) → staff, meeting, gap sum, for one framework."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        PersonnelGroup, on_delete=models.CASCADE, related_name="+"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="+"
    )
    # Plain integers: a change is added as an upsert of signed differences.
    staff = models.IntegerField()
    meeting = models.IntegerField()
    gap_sum = models.IntegerField()

    class Meta:
        verbose_name = _("matrix rollup row")
        verbose_name_plural = _("matrix rollup rows")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "unit", "group", "competency"],
                name="matrix_rollup_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.group_id} · {self.competency_id}"


class MatrixEntry(models.Model):
    """One counted requirement of one staff member (per current placement): the
    required rank and the attained rank (0: none) by the attained-level rule."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        "competencies.Person", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        PersonnelGroup, on_delete=models.CASCADE, related_name="+"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="+"
    )
    required_rank = models.PositiveSmallIntegerField()
    attained_rank = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("matrix entry")
        verbose_name_plural = _("matrix entries")
        indexes = [
            models.Index(fields=["framework", "person"], name="matrix_entry_person")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.competency_id}"
