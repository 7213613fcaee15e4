"""`manage.py issuer_keys generate|rotate|list`: the issuer's Ed25519 signing keys."""

from django.core.management.base import BaseCommand, CommandError

from certificates import conf, services
from certificates.models import SigningKey


class Command(BaseCommand):
    help = (
        "Manage the certificate signing keys. 'generate' makes the first key, "
        "'rotate' replaces the active key (the old one stays published in "
        "/.well-known/did.json so old certificates still verify), 'list' shows them. "
        "Private keys are stored encrypted with ACADEMY_SIGNING_KEY_PASSPHRASE."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["generate", "rotate", "list"])

    def handle(self, *args, action: str, **options):
        if action == "generate":
            try:
                key = services.signing_key_generate()
            except services.CertificateError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                self.style.SUCCESS(f"Generated {key.verification_method}")
            )
            self._describe(key)
        elif action == "rotate":
            key = services.signing_key_rotate()
            self.stdout.write(self.style.SUCCESS(f"Rotated: now signing with {key}"))
            self._describe(key)
        else:
            keys = list(SigningKey.objects.order_by("created_at", "pk"))
            if not keys:
                self.stdout.write(
                    "No signing keys. Run: manage.py issuer_keys generate"
                )
            for key in keys:
                state = "active" if key.is_active else "retired (still published)"
                self.stdout.write(
                    f"{key.verification_method}  {state}  "
                    f"created {key.created_at:%Y-%m-%d %H:%M}  "
                    f"{key.public_key_multibase}"
                )
        self.stdout.write(f"Issuer: {conf.issuer_did()}")

    def _describe(self, key: SigningKey) -> None:
        self.stdout.write(f"  public key (Multikey): {key.public_key_multibase}")
        self.stdout.write("  published at /.well-known/did.json")
