"""Who statements are about (an opaque name per learner) and the outbox of statements."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Actor(models.Model):
    """The opaque name a learner has in the Learning Record Store.

    Sent as the agent's `account.name` on the Academy's public base URL: random, so
    nothing about the person (national ID, email, primary key) can be read from it.
    One per learner: their account, their person record, or both once linked.
    """

    name = models.UUIDField(_("name in the LRS"), default=uuid.uuid4, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    person = models.OneToOneField(
        "competencies.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    anonymised_at = models.DateTimeField(
        _("anonymised at"),
        null=True,
        blank=True,
        help_text=_("Nothing more is sent about an anonymised person."),
    )

    class Meta:
        verbose_name = _("xAPI actor")
        verbose_name_plural = _("xAPI actors")

    def __str__(self) -> str:
        return str(self.name)


class OutboxStatement(models.Model):
    """One statement, written in the transaction of the event it records.

    Its id is derived from the event (uuid5), so a resend after a crash, a retry or
    a backfill carries the same id and the LRS keeps it once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        REJECTED = "rejected", _("Refused by the LRS")
        CANCELLED = "cancelled", _("Not sent (person anonymised)")

    id = models.UUIDField(primary_key=True, editable=False)
    event = models.CharField(_("event"), max_length=32)
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="statements", null=True
    )
    # Emptied once sent and older than ACADEMY_XAPI_OUTBOX_KEEP_DAYS (docs/xapi.md):
    # the id stays, so an anonymisation can still void it.
    statement = models.JSONField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    tries = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    voids = models.UUIDField(
        null=True,
        blank=True,
        help_text=_("The statement this one voids (on anonymisation)."),
    )

    class Meta:
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(status="pending"),
                name="xapi_outbox_pending",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(status="rejected"),
                name="xapi_outbox_rejected",
            ),
            models.Index(fields=["actor", "status"], name="xapi_outbox_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.id}"
