"""Multibase and Multikey text forms, because proofs, keys and status lists are text."""

from __future__ import annotations

import base64
import re

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from .errors import MultibaseError

# Only what the Academy's credentials use: base58btc (``z``) for proof values
# and Ed25519 Multikeys, base64url without padding (``u``) for status lists.
BASE58BTC_PREFIX = "z"
BASE64URL_PREFIX = "u"

# Multicodec varints: ed25519-pub (0xed) and ed25519-priv (0x1300).
ED25519_PUBLIC_KEY_PREFIX = b"\xed\x01"
ED25519_PRIVATE_KEY_PREFIX = b"\x80\x26"
ED25519_KEY_LENGTH = 32

_BASE64URL_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


def encode_base58btc(data: bytes) -> str:
    """Multibase base58btc: ``z`` followed by Bitcoin-alphabet base58."""
    return BASE58BTC_PREFIX + base58.b58encode(data).decode("ascii")


def decode_base58btc(value: str) -> bytes:
    """Decode a Multibase base58btc string; raise MultibaseError if malformed."""
    if not isinstance(value, str) or not value.startswith(BASE58BTC_PREFIX):
        raise MultibaseError(
            f"Expected a base58btc multibase string ('z...'): {value!r}"
        )
    if len(value) == 1:
        raise MultibaseError("Empty base58btc multibase string.")
    try:
        return base58.b58decode(value[1:])
    except ValueError as error:
        raise MultibaseError(f"Invalid base58btc character in {value!r}.") from error


def encode_base64url(data: bytes) -> str:
    """Multibase base64url without padding: ``u`` followed by RFC 4648 §5."""
    encoded = base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
    return BASE64URL_PREFIX + encoded


def decode_base64url(value: str) -> bytes:
    """Decode a Multibase base64url (no padding) string; raise MultibaseError if bad."""
    if not isinstance(value, str) or not value.startswith(BASE64URL_PREFIX):
        raise MultibaseError(
            f"Expected a base64url multibase string ('u...'): {value!r}"
        )
    body = value[1:]
    # The standard library skips characters outside the alphabet; refuse them.
    if not _BASE64URL_ALPHABET.fullmatch(body) or len(body) % 4 == 1:
        raise MultibaseError("Invalid base64url (no padding) multibase string.")
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def encode_public_key(public_key: Ed25519PublicKey) -> str:
    """Ed25519 public key as a Multikey ``publicKeyMultibase`` (``z6Mk...``)."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return encode_base58btc(ED25519_PUBLIC_KEY_PREFIX + raw)


def decode_public_key(public_key_multibase: str) -> Ed25519PublicKey:
    """Ed25519 public key from a Multikey ``publicKeyMultibase``."""
    raw = _strip_multicodec(
        decode_base58btc(public_key_multibase), ED25519_PUBLIC_KEY_PREFIX, "public"
    )
    return Ed25519PublicKey.from_public_bytes(raw)


def encode_private_key(private_key: Ed25519PrivateKey) -> str:
    """Ed25519 private key (its 32-byte seed) as a Multikey ``secretKeyMultibase``."""
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return encode_base58btc(ED25519_PRIVATE_KEY_PREFIX + raw)


def decode_private_key(private_key_multibase: str) -> Ed25519PrivateKey:
    """Ed25519 private key from a Multikey ``secretKeyMultibase`` (``z3u2...``)."""
    raw = _strip_multicodec(
        decode_base58btc(private_key_multibase), ED25519_PRIVATE_KEY_PREFIX, "private"
    )
    return Ed25519PrivateKey.from_private_bytes(raw)


def _strip_multicodec(data: bytes, prefix: bytes, kind: str) -> bytes:
    if not data.startswith(prefix) or len(data) != len(prefix) + ED25519_KEY_LENGTH:
        raise MultibaseError(
            f"Not an Ed25519 {kind} Multikey: expected multicodec prefix "
            f"0x{prefix.hex()} and {ED25519_KEY_LENGTH} key bytes."
        )
    return data[len(prefix) :]
