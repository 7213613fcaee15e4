"""Offline JSON-LD document loader, because a verifier must never fetch a context."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any

from .errors import ContextNotBundledError

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIALS_EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"

# Canonical URL -> file in certificates/credentials/contexts/. Only exact URLs
# match: no redirects, no http/https or trailing-slash variants.
BUNDLED_CONTEXTS: Mapping[str, str] = MappingProxyType(
    {
        CREDENTIALS_V2: "credentials-v2.jsonld",
        DATA_INTEGRITY_V2: "data-integrity-v2.jsonld",
        MULTIKEY_V1: "multikey-v1.jsonld",
        OPEN_BADGES_V3: "ob-v3p0-context-3.0.3.json",
        CREDENTIALS_EXAMPLES_V2: "credentials-examples-v2.jsonld",
    }
)


@cache
def _parsed_context(url: str) -> dict[str, Any]:
    filename = BUNDLED_CONTEXTS[url]
    text = files(__package__).joinpath("contexts", filename).read_text("utf-8")
    return json.loads(text)


def load_context(url: str) -> dict[str, Any]:
    """Return a fresh copy of the bundled context document for ``url``.

    Raises ContextNotBundledError for any URL that is not bundled.
    """
    if url not in BUNDLED_CONTEXTS:
        raise ContextNotBundledError(url)
    # A copy, because pyld rewrites nested context URLs in place.
    return copy.deepcopy(_parsed_context(url))


def document_loader(
    url: str, options: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """pyld document loader that serves bundled contexts and refuses everything else.

    Pass it as ``documentLoader`` to every pyld call; pyld's default loader
    would fetch over HTTP.
    """
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": load_context(url),
        # "static" lets pyld keep the processed context in its process-wide
        # cache (keyed by URL) instead of reprocessing it on every call, which
        # halves signing time. Only bundled URLs ever get there.
        "tag": "static",
    }
