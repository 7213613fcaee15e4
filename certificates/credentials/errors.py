"""Exceptions of the credentials package, so callers can tell a bad input from a bug."""

from __future__ import annotations


class CredentialError(Exception):
    """Base class for every error this package raises on purpose."""


class MultibaseError(CredentialError, ValueError):
    """A Multibase or Multikey string is malformed or of the wrong kind."""


class UnsupportedCryptosuiteError(CredentialError, ValueError):
    """The proof type or cryptosuite is not one this package implements."""

    def __init__(self, cryptosuite: object) -> None:
        super().__init__(
            f"Unsupported cryptosuite {cryptosuite!r}: expected 'eddsa-rdfc-2022' "
            "or 'eddsa-jcs-2022' with proof type 'DataIntegrityProof'."
        )
        self.cryptosuite = cryptosuite


class CanonicalizationError(CredentialError, ValueError):
    """The document cannot be turned into canonical bytes to hash."""


class ContextNotBundledError(CanonicalizationError):
    """A JSON-LD context URL is not bundled; contexts are never fetched."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"JSON-LD context {url!r} is not bundled with the Academy. Contexts are "
            "never fetched from the network; add the file to "
            "certificates/credentials/contexts/ and to BUNDLED_CONTEXTS."
        )
        self.url = url


class SafeModeError(CanonicalizationError):
    """RDF canonicalisation would silently drop part of the document.

    A dropped term or a relative IRI is not covered by an eddsa-rdfc-2022
    signature, so it could be changed without breaking the proof; the
    JSON-LD "safe mode" of the Data Integrity specification refuses such
    documents instead.
    """


class StatusListError(CredentialError, ValueError):
    """An encoded Bitstring Status List is malformed, too small or too large."""
