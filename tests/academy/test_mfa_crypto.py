"""TOTP secrets and recovery seeds are stored encrypted; keys rotate."""

import importlib
from io import StringIO

from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from cryptography.fernet import Fernet

from academy.accounts import mfa_crypto
from tests.factories import UserFactory
from tests.signin import enrol_totp, totp_code

pytestmark = pytest.mark.django_db


def test_the_totp_secret_is_not_stored_in_clear_and_still_verifies(client):
    user = UserFactory(email="totp@example.go.th")
    secret = enrol_totp(user)
    stored = Authenticator.objects.get(user=user, type="totp").data["secret"]
    assert stored.startswith(mfa_crypto.PREFIX)
    assert secret not in stored
    assert mfa_crypto.decrypt(stored) == secret

    from allauth.mfa.totp.internal.auth import TOTP

    authenticator = Authenticator.objects.get(user=user, type="totp")
    assert TOTP(authenticator).validate_code(totp_code(secret))


def test_recovery_codes_seed_is_encrypted():
    user = UserFactory(email="codes@example.go.th")
    codes = RecoveryCodes.activate(user)
    seed = codes.instance.data["seed"]
    assert seed.startswith(mfa_crypto.PREFIX)
    assert len(codes.generate_codes()) == 10


def test_rotation_keeps_old_secrets_readable_then_reencrypts(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ACADEMY_MFA_ENCRYPTION_KEYS = old
    user = UserFactory(email="rotate@example.go.th")
    secret = enrol_totp(user)
    under_old = Authenticator.objects.get(user=user).data["secret"]

    settings.ACADEMY_MFA_ENCRYPTION_KEYS = f"{new},{old}"
    assert mfa_crypto.decrypt(under_old) == secret
    out = StringIO()
    call_command("mfa_secrets_reencrypt", stdout=out)
    assert "1 authenticator" in out.getvalue()
    under_new = Authenticator.objects.get(user=user).data["secret"]
    assert under_new != under_old

    settings.ACADEMY_MFA_ENCRYPTION_KEYS = new  # the old key dropped
    assert mfa_crypto.decrypt(under_new) == secret
    with pytest.raises(mfa_crypto.MFASecretError):
        mfa_crypto.decrypt(under_old)


def test_a_malformed_key_is_refused(settings):
    settings.ACADEMY_MFA_ENCRYPTION_KEYS = "not-a-fernet-key"
    with pytest.raises(ImproperlyConfigured, match="Fernet keys"):
        mfa_crypto.encrypt("x")


def test_production_without_keys_is_refused(settings, monkeypatch):
    settings.ACADEMY_MFA_ENCRYPTION_KEYS = ""
    monkeypatch.delenv(mfa_crypto.KEYS_ENV, raising=False)
    monkeypatch.setattr(mfa_crypto, "is_dev_or_test", lambda: False)
    with pytest.raises(ImproperlyConfigured, match=mfa_crypto.KEYS_ENV):
        mfa_crypto.encrypt("x")


def test_the_migration_encrypts_secrets_stored_in_clear():
    user = UserFactory(email="legacy@example.go.th")
    Authenticator.objects.create(
        user=user, type="totp", data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    Authenticator.objects.create(
        user=user, type="recovery_codes", data={"seed": "ab" * 40, "used_mask": 0}
    )
    migration = importlib.import_module(
        "academy.accounts.migrations.0005_encrypt_mfa_secrets"
    )
    from django.apps import apps

    migration.encrypt_stored(apps, None)
    totp = Authenticator.objects.get(user=user, type="totp").data["secret"]
    seed = Authenticator.objects.get(user=user, type="recovery_codes").data["seed"]
    assert mfa_crypto.is_encrypted(totp) and mfa_crypto.is_encrypted(seed)
    assert mfa_crypto.decrypt(totp) == "JBSWY3DPEHPK3PXP"
    assert mfa_crypto.decrypt(seed) == "ab" * 40
