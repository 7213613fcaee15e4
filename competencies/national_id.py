"""National ID numbers: the check digit, the masked form shown, and the keyed digest
that is all the Academy keeps (staff imports write it, sign-in through an identity
provider matches on it)."""

import hashlib
import hmac
import os
import re

from django.conf import settings


def pii_key() -> bytes:
    """The key of national-ID digests: ACADEMY_PII_KEY, or derived from SECRET_KEY.

    Production sets ACADEMY_PII_KEY and never rotates it without re-digesting: the
    digest is how a later import recognises the same person.
    """
    configured = getattr(settings, "ACADEMY_PII_KEY", "") or os.environ.get(
        "ACADEMY_PII_KEY", ""
    )
    if configured:
        return configured.encode()
    return hmac.new(
        settings.SECRET_KEY.encode(), b"academy.pii.national-id", hashlib.sha256
    ).digest()


NON_DIGITS = re.compile(r"[\s\-]")


def national_id_normalise(value: str) -> str:
    return NON_DIGITS.sub("", value or "")


def national_id_is_valid(value: str) -> bool:
    """13 digits whose last is the mod-11 check digit of the first 12."""
    digits = national_id_normalise(value)
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(digit) * (13 - index) for index, digit in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


def national_id_mask(value: str) -> str:
    """1-2345-xxxxx-xx-3: the office-of-issue prefix and the check digit, no more."""
    digits = national_id_normalise(value)
    return f"{digits[0]}-{digits[1:5]}-xxxxx-xx-{digits[12]}"


def national_id_digest(value: str, *, key: bytes) -> str:
    """Keyed so that the digest of a 13-digit ID cannot be reversed by enumeration."""
    digits = national_id_normalise(value)
    return hmac.new(key, digits.encode("ascii"), hashlib.sha256).hexdigest()
