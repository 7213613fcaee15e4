"""Multibase, Multikey and did:key forms of Ed25519 keys."""

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from certificates.credentials import (
    KeyPair,
    MultibaseError,
    decode_base58btc,
    decode_base64url,
    decode_private_key,
    decode_public_key,
    encode_base58btc,
    encode_base64url,
    encode_public_key,
    resolve_did_key,
)

VECTOR_KEYS = json.loads(
    (Path(__file__).parent / "vectors" / "keyPair.json").read_text("utf-8")
)
PUBLIC = VECTOR_KEYS["publicKeyMultibase"]
PRIVATE = VECTOR_KEYS["privateKeyMultibase"]


def raw(public_key) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_public_multikey_round_trips():
    assert encode_public_key(decode_public_key(PUBLIC)) == PUBLIC


def test_multikeys_carry_their_multicodec_prefixes():
    assert decode_base58btc(PUBLIC)[:2] == b"\xed\x01"
    assert decode_base58btc(PRIVATE)[:2] == b"\x80\x26"
    assert PUBLIC.startswith("z6Mk")


def test_generated_key_pair_round_trips_through_its_secret():
    key_pair = KeyPair.generate()
    restored = KeyPair.from_multibase(key_pair.private_key_multibase)
    assert restored.public_key_multibase == key_pair.public_key_multibase
    assert raw(decode_public_key(key_pair.public_key_multibase)) == raw(
        key_pair.public_key
    )


def test_key_pair_repr_hides_the_private_key():
    key_pair = KeyPair.from_multibase(PRIVATE)
    assert PRIVATE not in repr(key_pair)
    assert PRIVATE[1:] not in repr(key_pair)


def test_multikey_document_publishes_only_the_public_key():
    key_pair = KeyPair.from_multibase(PRIVATE)
    document = key_pair.multikey_document(
        key_id="https://academy.example/issuers/tdga#key-1",
        controller="https://academy.example/issuers/tdga",
    )
    assert document["type"] == "Multikey"
    assert document["publicKeyMultibase"] == PUBLIC
    assert PRIVATE not in json.dumps(document)


@pytest.mark.parametrize(
    "value",
    [
        PRIVATE,  # a private key where a public one is expected
        encode_base58btc(b"\xed\x01" + bytes(31)),
        encode_base58btc(b"\xed\x01" + bytes(33)),
        encode_base58btc(b"\x12\x00" + bytes(32)),
        PUBLIC[1:],
        "u" + PUBLIC[1:],
        "z",
        "z0OIl",
    ],
)
def test_malformed_public_multikey_is_refused(value):
    with pytest.raises(MultibaseError):
        decode_public_key(value)


def test_public_multikey_is_refused_as_private_key():
    with pytest.raises(MultibaseError):
        decode_private_key(PUBLIC)


def test_did_key_resolves_to_its_public_key():
    public_key = resolve_did_key(f"did:key:{PUBLIC}#{PUBLIC}")
    assert raw(public_key) == raw(decode_public_key(PUBLIC))


@pytest.mark.parametrize(
    "verification_method",
    [
        f"did:key:{PUBLIC}",
        f"did:key:{PUBLIC}#key-1",
        f"did:web:academy.example#{PUBLIC}",
        "https://academy.example/issuers/tdga#key-1",
        f"did:key:{PRIVATE}#{PRIVATE}",
        "did:key:z#z",
        None,
    ],
)
def test_did_key_resolver_returns_none_for_anything_else(verification_method):
    assert resolve_did_key(verification_method) is None


@pytest.mark.parametrize("data", [b"\x00", b"\x00\x00\x01", bytes(range(256))])
def test_base58btc_round_trips_including_leading_zeros(data):
    encoded = encode_base58btc(data)
    assert encoded.startswith("z")
    assert decode_base58btc(encoded) == data


@pytest.mark.parametrize("data", [b"", b"\xff", b"\xfb\xff", bytes(range(256))])
def test_base64url_round_trips_without_padding(data):
    encoded = encode_base64url(data)
    assert encoded.startswith("u")
    assert "=" not in encoded and "+" not in encoded and "/" not in encoded
    assert decode_base64url(encoded) == data


@pytest.mark.parametrize("value", ["uAA==", "u+/8", "uA", "zAAAA", "u A"])
def test_malformed_base64url_is_refused(value):
    with pytest.raises(MultibaseError):
        decode_base64url(value)
