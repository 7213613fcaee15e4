"""Ed25519 keys as Multikey and did:key text, so they can be stored and published."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from .contexts import MULTIKEY_V1
from .errors import MultibaseError
from .multibase import (
    decode_private_key,
    decode_public_key,
    encode_private_key,
    encode_public_key,
)

DID_KEY_PREFIX = "did:key:"


@dataclass(frozen=True)
class KeyPair:
    """An Ed25519 key pair; ``private_key_multibase`` is the secret to store safely."""

    private_key: Ed25519PrivateKey = field(repr=False)

    @classmethod
    def generate(cls) -> KeyPair:
        return cls(private_key=Ed25519PrivateKey.generate())

    @classmethod
    def from_multibase(cls, private_key_multibase: str) -> KeyPair:
        return cls(private_key=decode_private_key(private_key_multibase))

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def public_key_multibase(self) -> str:
        return encode_public_key(self.public_key)

    @property
    def private_key_multibase(self) -> str:
        return encode_private_key(self.private_key)

    @property
    def did_key_verification_method(self) -> str:
        """``did:key:z6Mk...#z6Mk...``, usable when no issuer profile hosts the key."""
        multikey = self.public_key_multibase
        return f"{DID_KEY_PREFIX}{multikey}#{multikey}"

    def multikey_document(self, *, key_id: str, controller: str) -> dict[str, Any]:
        """The public key as a Multikey verification method, to publish in a profile."""
        return {
            "@context": MULTIKEY_V1,
            "id": key_id,
            "type": "Multikey",
            "controller": controller,
            "publicKeyMultibase": self.public_key_multibase,
        }


def resolve_did_key(verification_method: str) -> Ed25519PublicKey | None:
    """Public key of an Ed25519 ``did:key:z6Mk...#z6Mk...`` verification method.

    Returns None for anything else, so it can serve as ``resolve_key`` for
    verify() or be chained with a resolver of the Academy's own keys.
    """
    if not isinstance(verification_method, str):
        return None
    did, _, fragment = verification_method.partition("#")
    if not did.startswith(DID_KEY_PREFIX):
        return None
    multikey = did[len(DID_KEY_PREFIX) :]
    if fragment != multikey:
        return None
    try:
        return decode_public_key(multikey)
    except MultibaseError:
        return None
