"""Checks on values that other systems send, kept free of the database."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: An absolute URI as RFC 3986 (or an IRI, RFC 3987) writes it: a scheme, a colon,
#: and no spaces, controls or characters that URIs never contain. Host names are
#: not checked: CASE packages use single-label hosts ("https://server/...") and
#: URNs ("urn:uuid:..."), which Django's URLValidator refuses.
_URI = re.compile(r'[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>"{}|\\^`\x00-\x1f\x7f]+')
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def is_uri(value: str) -> bool:
    """True for an absolute URI such as https://server/x or urn:uuid:..."""
    return bool(_URI.fullmatch(value)) and not _PERCENT.search(value)


def validate_uri(value: str) -> None:
    if value and not is_uri(value):
        raise ValidationError(
            _("%(value)s is not an absolute URI (such as https://… or urn:…)."),
            code="invalid",
            params={"value": value},
        )
