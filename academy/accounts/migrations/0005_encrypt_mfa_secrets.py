"""Encrypt the TOTP secrets and recovery seeds stored before mfa_crypto existed."""

from django.db import migrations


def encrypt_stored(apps, schema_editor):
    from academy.accounts.mfa_crypto import data_reencrypted

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(
        type__in=["totp", "recovery_codes"]
    ):
        authenticator.data = data_reencrypted(authenticator.data)
        authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_privacy_and_retention"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_stored, migrations.RunPython.noop)]
