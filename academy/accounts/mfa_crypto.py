"""TOTP secrets and recovery-code seeds encrypted at rest (allauth's MFA adapter hooks).

allauth stores the TOTP secret and the recovery-code seed in Authenticator.data and
offers encrypt()/decrypt() hooks for them; academy.accounts.adapters.MFAAdapter
calls these. A copy of the database alone then cannot mint anyone's second factor.

Keys: ``ACADEMY_MFA_ENCRYPTION_KEYS`` (setting or environment variable), one or more
Fernet keys separated by commas (make one with ``python -c "from
cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``). The
first encrypts; all decrypt, so a key is rotated by putting the new one first and
running ``manage.py mfa_secrets_reencrypt`` before dropping the old. Dev and test
settings derive a key from SECRET_KEY; production without keys is refused.

Stored values carry a ``fernet:`` prefix. A value without it is a secret written
before encryption was introduced (migration accounts.0005 encrypts those) and is
read as it is.
"""

import base64
import hashlib
import os
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from academy.core.environment import is_dev_or_test

KEYS_ENV = "ACADEMY_MFA_ENCRYPTION_KEYS"
PREFIX = "fernet:"


class MFASecretError(Exception):
    """A stored secret cannot be decrypted with any configured key."""


def _configured_keys() -> str:
    return getattr(settings, KEYS_ENV, "") or os.environ.get(KEYS_ENV, "")


@lru_cache(maxsize=4)
def _fernet_for(keys: str, secret_key: str) -> MultiFernet:
    if keys:
        try:
            return MultiFernet(
                [Fernet(key.strip()) for key in keys.split(",") if key.strip()]
            )
        except ValueError as error:
            raise ImproperlyConfigured(
                f"{KEYS_ENV} must hold Fernet keys (32 url-safe base64 bytes), "
                "separated by commas."
            ) from error
    derived = hashlib.sha256(b"academy-mfa-secrets:" + secret_key.encode()).digest()
    return MultiFernet([Fernet(base64.urlsafe_b64encode(derived))])


def _fernet() -> MultiFernet:
    keys = _configured_keys()
    if not keys and not is_dev_or_test():
        raise ImproperlyConfigured(
            f"Set the environment variable {KEYS_ENV}: it encrypts the TOTP secrets "
            "stored in the database."
        )
    return _fernet_for(keys, settings.SECRET_KEY)


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def encrypt(text: str) -> str:
    return PREFIX + _fernet().encrypt(text.encode()).decode("ascii")


def decrypt(value: str) -> str:
    if not is_encrypted(value):
        return value  # written before encryption; migration 0005 encrypts these
    try:
        return _fernet().decrypt(value[len(PREFIX) :].encode("ascii")).decode()
    except InvalidToken as error:
        raise MFASecretError(
            f"A stored MFA secret does not decrypt with {KEYS_ENV}: was a key "
            "removed before its secrets were re-encrypted?"
        ) from error


def reencrypt(value: str) -> str:
    """The value under the first key (plaintext is encrypted; current is kept fresh)."""
    if not is_encrypted(value):
        return encrypt(value)
    token = value[len(PREFIX) :].encode("ascii")
    return PREFIX + _fernet().rotate(token).decode("ascii")


# The fields of allauth's Authenticator.data that it passes through encrypt().
SECRET_FIELDS = ("secret", "seed")


def data_reencrypted(data: dict) -> dict:
    """An Authenticator's data with every secret under the first key."""
    data = dict(data)
    for field in SECRET_FIELDS:
        if isinstance(data.get(field), str):
            data[field] = reencrypt(data[field])
    if isinstance(data.get("migrated_codes"), list):
        data["migrated_codes"] = [reencrypt(code) for code in data["migrated_codes"]]
    return data
