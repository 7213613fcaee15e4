"""The Academy's user (email is the login; roles are groups, see roles.py), the audit log
and the record of privacy-notice acceptances."""

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    username = None
    email = models.EmailField(_("email address"), unique=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("th", _("Thai")), ("en", _("English"))],
        default="th",
    )
    anonymised_at = models.DateTimeField(
        _("anonymised at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set by the retention task; the account can no longer sign in."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)


class AppendOnlyAuditError(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyAuditError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyAuditError("The audit log is append-only.")

    def about(self, person_id: int):
        return self.filter(subject_person_id=person_id)


class AuditEntry(models.Model):
    """Who did what to whose record, when and from where (PDPA): written, never edited.

    The subject is a competencies Person held as a plain id, so that accounts (a
    project-wide app) depends on no domain app. `actor_label` keeps the actor's email
    as it was, so an entry still names its actor if the account is later removed.
    Write through academy.accounts.audit.audit_record.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor as recorded"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    subject_person_id = models.BigIntegerField(
        _("subject person id"), null=True, blank=True, db_index=True
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor", "-at"], name="audit_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyAuditError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyAuditError("The audit log is append-only.")


class PrivacyNoticeAcceptance(models.Model):
    """That a person accepted a version of the privacy notice, and when (PDPA consent).

    One row per person and version; written once, never changed. Kept when the account
    is anonymised, since it records the lawful basis of what was processed before.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="privacy_acceptances",
        verbose_name=_("user"),
    )
    version = models.CharField(_("notice version"), max_length=32)
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("privacy notice acceptance")
        verbose_name_plural = _("privacy notice acceptances")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "version"], name="privacy_acceptance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.version} {self.accepted_at:%Y-%m-%d}"


class MFAEnrolmentCode(models.Model):
    """A single-use secret that lets a staff account add its first authenticator.

    A password alone must not be enough to bind an authenticator app to a staff
    account (whoever has the password would then hold the second factor too): the
    first one is added only after a second channel, a code mailed to an address the
    account verified or a token an administrator handed over. Only a keyed digest of
    the secret is kept (academy.accounts.enrolment).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("emailed code")
        TOKEN = "token", _("administrator's token")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mfa_enrolment_codes",
        verbose_name=_("user"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("MFA enrolment code")
        verbose_name_plural = _("MFA enrolment codes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.channel} {self.created_at:%Y-%m-%d %H:%M}"
