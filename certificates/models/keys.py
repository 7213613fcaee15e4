"""The issuer's signing keys: public part published, private part encrypted at rest."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certificates.credentials import decode_public_key


class SigningKey(models.Model):
    """An Ed25519 key of the issuer's did:web.

    Rotated keys are deactivated, never deleted: certificates they signed must keep
    verifying, so /.well-known/did.json lists every key. The private key is stored
    only as an encrypted PKCS#8 PEM (see certificates.keyring).
    """

    verification_method = models.CharField(
        _("verification method"), max_length=255, unique=True
    )
    controller = models.CharField(_("controller (DID)"), max_length=255)
    public_key_multibase = models.CharField(
        _("public key (Multikey)"), max_length=128, unique=True
    )
    private_key_pem = models.TextField(_("private key (encrypted PKCS#8)"))
    is_active = models.BooleanField(_("signs new certificates"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="signing_key_one_active",
            )
        ]

    def __str__(self) -> str:
        return self.verification_method

    @property
    def public_key(self):
        return decode_public_key(self.public_key_multibase)

    def multikey(self) -> dict:
        """The key as a Multikey verification method of the DID document."""
        return {
            "id": self.verification_method,
            "type": "Multikey",
            "controller": self.controller,
            "publicKeyMultibase": self.public_key_multibase,
        }
