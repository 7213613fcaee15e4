"""Private signing keys encrypted at rest (PKCS#8, passphrase from the environment)."""

from __future__ import annotations

import functools

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    PrivateFormat,
    load_pem_private_key,
)


class KeyDecryptionError(RuntimeError):
    """The stored key cannot be opened: wrong passphrase or a damaged record."""


def encrypt_private_key(private_key: Ed25519PrivateKey, *, passphrase: bytes) -> str:
    """PEM of an encrypted PKCS#8 structure: what the database stores."""
    return private_key.private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(passphrase)
    ).decode("ascii")


@functools.lru_cache(maxsize=16)
def decrypt_private_key(pem: str, *, passphrase: bytes) -> Ed25519PrivateKey:
    """The key from its encrypted PEM; cached, as the key derivation is deliberately slow."""
    try:
        key = load_pem_private_key(pem.encode("ascii"), password=passphrase)
    except (ValueError, TypeError) as error:
        raise KeyDecryptionError(
            "The signing key cannot be decrypted: is ACADEMY_SIGNING_KEY_PASSPHRASE "
            "the passphrase it was generated with?"
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyDecryptionError("The stored signing key is not an Ed25519 key.")
    return key
