"""Bitstring Status Lists: one bit per certificate, published signed."""

import json

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from certificates.credentials.statuslist import MIN_SIZE


class StatusList(models.Model):
    """A published list of revocation bits; indexes are handed out at random.

    `next_index` counts the indexes given out (the list is full when it reaches
    `size`); which index each certificate holds is random (services).

    The bits are not stored here: they are the revoked certificates on the list, and
    the signed BitstringStatusListCredential is rebuilt from them on each revocation.
    """

    class Purpose(models.TextChoices):
        REVOCATION = "revocation", _("Revocation")

    purpose = models.CharField(
        _("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.REVOCATION
    )
    size = models.PositiveIntegerField(_("entries"), default=MIN_SIZE)
    next_index = models.PositiveIntegerField(_("next free index"), default=0)
    credential_json = models.TextField(_("signed status list credential"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_index__lte=F("size")),
                name="status_list_index_within_size",
            ),
            models.CheckConstraint(
                condition=Q(size__gte=MIN_SIZE), name="status_list_minimum_size"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_purpose_display()} #{self.pk} ({self.next_index}/{self.size})"
        )

    @property
    def is_full(self) -> bool:
        return self.next_index >= self.size

    @property
    def credential(self) -> dict | None:
        return json.loads(self.credential_json) if self.credential_json else None
