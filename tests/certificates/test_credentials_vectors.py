"""The W3C vc-di-eddsa test vectors, intermediate value by intermediate value."""

import json
from pathlib import Path
from typing import Any

import pytest

from certificates.credentials import (
    EDDSA_JCS_2022,
    EDDSA_RDFC_2022,
    KeyPair,
    canonicalize_document,
    canonicalize_proof_config,
    create_proof_config,
    encode_base58btc,
    hash_data,
    resolve_did_key,
    sign,
    verify,
)

VECTORS = Path(__file__).parent / "vectors"

# cryptosuite -> (folder, file-name suffix used by the W3C vectors)
SUITES = {
    EDDSA_RDFC_2022: ("eddsa-rdfc-2022", "DataInt"),
    EDDSA_JCS_2022: ("eddsa-jcs-2022", "JCS"),
}


def vector_text(cryptosuite: str, stem: str, extension: str = "txt") -> str:
    folder, suffix = SUITES[cryptosuite]
    return (VECTORS / folder / f"{stem}{suffix}.{extension}").read_text("utf-8")


def vector_json(cryptosuite: str, stem: str) -> dict[str, Any]:
    return json.loads(vector_text(cryptosuite, stem, "json"))


@pytest.fixture
def unsigned() -> dict[str, Any]:
    return json.loads((VECTORS / "unsigned.json").read_text("utf-8"))


@pytest.fixture
def key_pair() -> KeyPair:
    keys = json.loads((VECTORS / "keyPair.json").read_text("utf-8"))
    return KeyPair.from_multibase(keys["privateKeyMultibase"])


suites = pytest.mark.parametrize("cryptosuite", list(SUITES))


def test_vector_private_key_derives_vector_public_key(key_pair):
    keys = json.loads((VECTORS / "keyPair.json").read_text("utf-8"))
    assert key_pair.public_key_multibase == keys["publicKeyMultibase"]


@suites
def test_canonical_document_matches_vector(cryptosuite, unsigned):
    canonical = canonicalize_document(unsigned, cryptosuite=cryptosuite)
    assert canonical.decode("utf-8") == vector_text(cryptosuite, "canonDoc")


@suites
def test_proof_config_matches_vector(cryptosuite, unsigned):
    expected = vector_json(cryptosuite, "proofConfig")
    config = create_proof_config(
        unsigned,
        cryptosuite=cryptosuite,
        verification_method=expected["verificationMethod"],
        created=expected["created"],
    )
    assert config == expected


@suites
def test_canonical_proof_config_matches_vector(cryptosuite):
    config = vector_json(cryptosuite, "proofConfig")
    canonical = canonicalize_proof_config(config, cryptosuite=cryptosuite)
    assert canonical.decode("utf-8") == vector_text(cryptosuite, "proofCanon")


@suites
def test_hashes_match_vector(cryptosuite, unsigned):
    canonical_document = canonicalize_document(unsigned, cryptosuite=cryptosuite)
    canonical_config = canonicalize_proof_config(
        vector_json(cryptosuite, "proofConfig"), cryptosuite=cryptosuite
    )
    combined = hash_data(canonical_config, canonical_document)
    assert combined[32:].hex() == vector_text(cryptosuite, "docHash").strip()
    assert combined[:32].hex() == vector_text(cryptosuite, "proofHash").strip()
    assert combined.hex() == vector_text(cryptosuite, "combinedHash").strip()


@suites
def test_signature_matches_vector(cryptosuite, key_pair):
    combined = bytes.fromhex(vector_text(cryptosuite, "combinedHash").strip())
    signature = key_pair.private_key.sign(combined)
    assert signature.hex() == vector_text(cryptosuite, "sigHex").strip()
    assert encode_base58btc(signature) == vector_text(cryptosuite, "sigBTC58").strip()


@suites
def test_sign_reproduces_signed_vector(cryptosuite, unsigned, key_pair):
    config = vector_json(cryptosuite, "proofConfig")
    signed = sign(
        unsigned,
        private_key=key_pair.private_key,
        verification_method=config["verificationMethod"],
        created=config["created"],
        cryptosuite=cryptosuite,
    )
    expected = vector_json(cryptosuite, "signed")
    assert signed["proof"]["proofValue"] == expected["proof"]["proofValue"]
    # Same members in the same order, so the JSON text matches too.
    assert json.dumps(signed) == json.dumps(expected)


@suites
def test_signed_vector_verifies(cryptosuite):
    result = verify(vector_json(cryptosuite, "signed"), resolve_key=resolve_did_key)
    assert result.ok, result
    assert result.reason is None
    assert result.cryptosuite == cryptosuite
    assert result.verification_method.startswith("did:key:z6Mkr")
