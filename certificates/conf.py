"""The certificates app's settings, each read once here with its default.

Settings read (none is required outside production):

- ``ACADEMY_PUBLIC_BASE_URL`` (through ``academy.core.public``): the public origin,
  possibly with a sub-path, of every URL in a certificate.
- ``ACADEMY_ISSUER_DID``: the issuer's did:web; by default derived from the public
  base URL: ``did:web:host`` at the root (``/.well-known/did.json``), and
  ``did:web:host:path`` under a sub-path (``/path/did.json``), as did:web resolves.
  Set it to keep issuing under an earlier DID after the public URL changes
  (certificates.checks refuses such a change until it is decided).
- ``ACADEMY_ISSUER_NAME_TH`` / ``ACADEMY_ISSUER_NAME_EN``: the issuer profile's names;
  by default the Academy's own (``ACADEMY_NAME_TH`` / ``ACADEMY_NAME_EN``).
- ``ACADEMY_CERTIFICATE_PREFIX``: the prefix of certificate numbers (``DGA``).
- ``ACADEMY_CERTIFICATE_THAI_DIGITS``: Thai certificates print dates and hours in
  Thai digits (๐-๙), as official documents do (False).
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
from academy.core.public import public_base_url

DEFAULT_ISSUER_DID = "did:web:academy.example"
PASSPHRASE_ENV = "ACADEMY_SIGNING_KEY_PASSPHRASE"  # noqa: S105 (a variable name)
ISSUE_DELAY_ENV = "ACADEMY_TEST_ISSUE_DELAY"
#: Name of the signed credential attached to every certificate PDF.
CREDENTIAL_ATTACHMENT = "credential.json"


def base_url() -> str:
    """The public origin, without a trailing slash: https://host or https://host/path."""
    return public_base_url() or (
        "https://" + DEFAULT_ISSUER_DID.removeprefix("did:web:")
    )


def absolute_url(path: str) -> str:
    return base_url() + path


def did_web(url: str) -> str:
    """The did:web of a public base URL (did:web v1.0 "Create" in reverse).

    The host's port is %3A-encoded; each path segment becomes a colon-separated
    part, so https://host:8443/academy is did:web:host%3A8443:academy, whose
    document a resolver reads at https://host:8443/academy/did.json.
    """
    parts = urlsplit(url)
    if not parts.netloc:
        return DEFAULT_ISSUER_DID
    segments = [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return ":".join(["did:web", quote(parts.netloc.lower(), safe=""), *segments])


def issuer_did() -> str:
    """did:web of the site: the setting, else derived from the public base URL."""
    configured = getattr(settings, "ACADEMY_ISSUER_DID", "")
    return configured or did_web(base_url())


def issuer_name_th() -> str:
    """The issuer's Thai name: its own setting, else the Academy's (ACADEMY_NAME_TH)."""
    return getattr(settings, "ACADEMY_ISSUER_NAME_TH", "") or settings.ACADEMY_NAME_TH


def issuer_name_en() -> str:
    return getattr(settings, "ACADEMY_ISSUER_NAME_EN", "") or settings.ACADEMY_NAME_EN


def number_prefix() -> str:
    return getattr(settings, "ACADEMY_CERTIFICATE_PREFIX", "DGA")


def certificate_thai_digits() -> bool:
    return bool(getattr(settings, "ACADEMY_CERTIFICATE_THAI_DIGITS", False))


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
