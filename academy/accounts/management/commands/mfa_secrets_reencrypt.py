"""Re-encrypt every stored TOTP secret and recovery seed under the first MFA key."""

from django.core.management.base import BaseCommand
from django.db import transaction

from allauth.mfa.models import Authenticator

from academy.accounts.mfa_crypto import data_reencrypted


class Command(BaseCommand):
    help = (
        "Re-encrypt the MFA secrets with the first key of ACADEMY_MFA_ENCRYPTION_KEYS. "
        "Run after putting a new key first; then the old key can be removed."
    )

    def handle(self, *args, **options):
        count = 0
        with transaction.atomic():
            for authenticator in Authenticator.objects.select_for_update().filter(
                type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
            ):
                authenticator.data = data_reencrypted(authenticator.data)
                authenticator.save(update_fields=["data"])
                count += 1
        self.stdout.write(f"Re-encrypted the secrets of {count} authenticator(s).")
