"""The yearly development target an organisation sets its staff, in learning hours."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from competencies.models import OrgUnit


class DevelopmentTarget(models.Model):
    """Hours of development each person of a unit's subtree should reach in a fiscal
    year. The nearest unit at or above a person's that has one sets theirs; without
    any, settings.ACADEMY_DEVELOPMENT_TARGET_HOURS (see docs/fiscal-reports.md: the
    OCSC's guidance of at least 10 development days a year, at hours per day to
    confirm)."""

    unit = models.OneToOneField(
        OrgUnit,
        on_delete=models.CASCADE,
        related_name="development_target",
        verbose_name=_("organisation unit"),
    )
    hours_per_year = models.DecimalField(
        _("development hours a year"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    source_note = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        help_text=_("The circular or decision that sets this target."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("development target")
        verbose_name_plural = _("development targets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours_per_year__gt=0),
                name="development_target_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.hours_per_year} h"


def default_target_hours() -> Decimal:
    return Decimal(str(settings.ACADEMY_DEVELOPMENT_TARGET_HOURS))
