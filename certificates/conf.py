"""The certificates app's settings, each read once here with its default.

Settings read (none is required outside production):

- ``WAGTAILADMIN_BASE_URL``: the public origin of every URL in a certificate.
- ``ACADEMY_ISSUER_DID``: the issuer's did:web; by default derived from the host of
  ``WAGTAILADMIN_BASE_URL`` (``did:web:academy.example`` when there is none).
- ``ACADEMY_ISSUER_NAME_TH`` / ``ACADEMY_ISSUER_NAME_EN``: the issuer profile's names.
- ``ACADEMY_CERTIFICATE_PREFIX``: the prefix of certificate numbers (``DGA``).
- ``ACADEMY_SIGNING_KEY_PASSPHRASE`` (setting or environment variable): encrypts the
  private signing keys at rest; required unless the settings are dev or test.
- ``ACADEMY_VERIFY_RATE_LIMIT``: verification attempts per IP per minute (10).
- ``ACADEMY_VERIFY_UPLOAD_MAX_BYTES``: largest uploaded PDF or JSON (2 MiB).
- ``ACADEMY_STATUS_LIST_MAX_AGE``: Cache-Control max-age of status lists (60 s).
- ``ACADEMY_TEST_HOOKS``: enables test-only hooks (``ACADEMY_TEST_ISSUE_DELAY``).
"""

from __future__ import annotations

import hashlib
import os
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from academy.core.environment import (  # noqa: F401 - certificates.services reads both here
    is_dev_or_test,
    test_hooks_enabled,
)

DEFAULT_ISSUER_DID = "did:web:academy.example"
DEFAULT_ISSUER_NAME_TH = "สถาบันพัฒนาบุคลากรภาครัฐด้านดิจิทัล"
DEFAULT_ISSUER_NAME_EN = "Digital Government Academy"
PASSPHRASE_ENV = "ACADEMY_SIGNING_KEY_PASSPHRASE"  # noqa: S105 (a variable name)
ISSUE_DELAY_ENV = "ACADEMY_TEST_ISSUE_DELAY"
#: Name of the signed credential attached to every certificate PDF.
CREDENTIAL_ATTACHMENT = "credential.json"


def base_url() -> str:
    """The public origin, without a trailing slash: http://127.0.0.1:8000."""
    return getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/") or (
        "https://" + DEFAULT_ISSUER_DID.removeprefix("did:web:")
    )


def absolute_url(path: str) -> str:
    return base_url() + path


def issuer_did() -> str:
    """did:web of the site: the setting, else the base URL's host (port %3A-encoded)."""
    configured = getattr(settings, "ACADEMY_ISSUER_DID", "")
    if configured:
        return configured
    host = urlsplit(getattr(settings, "WAGTAILADMIN_BASE_URL", "")).netloc
    if not host:
        return DEFAULT_ISSUER_DID
    return "did:web:" + quote(host, safe="")


def issuer_name_th() -> str:
    return getattr(settings, "ACADEMY_ISSUER_NAME_TH", DEFAULT_ISSUER_NAME_TH)


def issuer_name_en() -> str:
    return getattr(settings, "ACADEMY_ISSUER_NAME_EN", DEFAULT_ISSUER_NAME_EN)


def number_prefix() -> str:
    return getattr(settings, "ACADEMY_CERTIFICATE_PREFIX", "DGA")


def verify_rate_limit() -> int:
    return int(getattr(settings, "ACADEMY_VERIFY_RATE_LIMIT", 10))


def upload_max_bytes() -> int:
    return int(getattr(settings, "ACADEMY_VERIFY_UPLOAD_MAX_BYTES", 2 * 1024 * 1024))


def status_list_max_age() -> int:
    return int(getattr(settings, "ACADEMY_STATUS_LIST_MAX_AGE", 60))


def signing_key_passphrase() -> bytes:
    """The passphrase that encrypts private keys at rest.

    From the setting or the environment; in dev and test only, derived from
    SECRET_KEY so that a fresh checkout works. Production without it is refused.
    """
    configured = getattr(settings, PASSPHRASE_ENV, "") or os.environ.get(
        PASSPHRASE_ENV, ""
    )
    if configured:
        return configured.encode()
    if is_dev_or_test():
        digest = hashlib.sha256(
            b"academy-signing-key-passphrase:" + settings.SECRET_KEY.encode()
        )
        return digest.hexdigest().encode()
    raise ImproperlyConfigured(
        f"Set the environment variable {PASSPHRASE_ENV}: it encrypts the "
        "certificate signing keys stored in the database."
    )
