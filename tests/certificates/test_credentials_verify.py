"""verify() refuses every altered credential or proof, with the documented reason."""

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from certificates.credentials import (
    CREDENTIALS_V2,
    EDDSA_JCS_2022,
    EDDSA_RDFC_2022,
    OPEN_BADGES_V3,
    FailureReason,
    KeyPair,
    decode_base58btc,
    encode_base58btc,
    encode_base64url,
    resolve_did_key,
    verify,
)

VECTORS = Path(__file__).parent / "vectors"
SIGNED_FILES = {
    EDDSA_RDFC_2022: "eddsa-rdfc-2022/signedDataInt.json",
    EDDSA_JCS_2022: "eddsa-jcs-2022/signedJCS.json",
}
suites = pytest.mark.parametrize("cryptosuite", list(SIGNED_FILES))


def signed_vector(cryptosuite: str) -> dict[str, Any]:
    return json.loads((VECTORS / SIGNED_FILES[cryptosuite]).read_text("utf-8"))


def vector_key(verification_method: str):
    """Resolve any verification method to the vectors' key.

    So a changed verificationMethod can only fail through the signature.
    """
    keys = json.loads((VECTORS / "keyPair.json").read_text("utf-8"))
    return KeyPair.from_multibase(keys["privateKeyMultibase"]).public_key


def leaf_paths(value: Any, path: tuple = ()) -> Iterator[tuple]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaf_paths(item, (*path, index))
    else:
        yield path


def credential_leaf_paths() -> list[tuple]:
    """Every value of the signed vector's credential, except contexts and proof."""
    signed = signed_vector(EDDSA_RDFC_2022)
    return [path for path in leaf_paths(signed) if path[0] not in ("@context", "proof")]


def set_at(document: dict[str, Any], path: tuple, value: Any) -> None:
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


def get_at(document: dict[str, Any], path: tuple) -> Any:
    for step in path:
        document = document[step]
    return document


def assert_refused(result, reason: FailureReason) -> None:
    assert not result.ok
    assert result.reason is reason, result.detail


@suites
@pytest.mark.parametrize(
    "path", credential_leaf_paths(), ids=lambda path: ".".join(map(str, path))
)
def test_tampered_credential_value_fails_signature(cryptosuite, path):
    document = signed_vector(cryptosuite)
    set_at(document, path, get_at(document, path) + "-tampered")
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.SIGNATURE_INVALID
    )


@suites
@pytest.mark.parametrize(
    "field",
    ["id", "type", "name", "description", "issuer", "validFrom", "credentialSubject"],
)
def test_removed_credential_field_fails_signature(cryptosuite, field):
    document = signed_vector(cryptosuite)
    del document[field]
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.SIGNATURE_INVALID
    )


@suites
def test_added_credential_field_fails_signature(cryptosuite):
    document = signed_vector(cryptosuite)
    document["validUntil"] = "2030-01-01T00:00:00Z"
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.SIGNATURE_INVALID
    )


@suites
def test_added_subject_claim_fails_signature(cryptosuite):
    document = signed_vector(cryptosuite)
    document["credentialSubject"]["degree"] = "Doctor of Examples"
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.SIGNATURE_INVALID
    )


def test_rdfc_signature_ignores_order_of_type_values():
    # RDF has no order among the values of `type`; JCS keeps JSON order.
    document = signed_vector(EDDSA_RDFC_2022)
    document["type"].reverse()
    assert verify(document, resolve_key=vector_key).ok


def test_jcs_signature_covers_order_of_type_values():
    document = signed_vector(EDDSA_JCS_2022)
    document["type"].reverse()
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.SIGNATURE_INVALID
    )


def test_rdfc_dropping_examples_context_is_refused_by_safe_mode():
    # alumniOf and AlumniCredential are then undefined, and would silently
    # vanish from the canonical form (the bundled v2 context has no @vocab).
    document = signed_vector(EDDSA_RDFC_2022)
    document["@context"] = [CREDENTIALS_V2]
    result = verify(document, resolve_key=vector_key)
    assert_refused(result, FailureReason.MALFORMED_DOCUMENT)
    assert "alumniOf" in result.detail or "AlumniCredential" in result.detail


def test_jcs_shortened_document_context_fails_signature():
    document = signed_vector(EDDSA_JCS_2022)
    document["@context"] = [CREDENTIALS_V2]
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.SIGNATURE_INVALID
    )


def test_jcs_context_appended_after_signing_fails_signature():
    # The specification would verify this against proof.@context alone.
    document = signed_vector(EDDSA_JCS_2022)
    document["@context"].append(OPEN_BADGES_V3)
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.SIGNATURE_INVALID
    )


def test_jcs_shortened_proof_context_fails_signature():
    document = signed_vector(EDDSA_JCS_2022)
    document["proof"]["@context"] = [CREDENTIALS_V2]
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.SIGNATURE_INVALID
    )


def test_unbundled_context_is_refused_not_fetched():
    document = signed_vector(EDDSA_RDFC_2022)
    document["@context"].append("https://example.org/unbundled/v1")
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.CONTEXT_NOT_BUNDLED
    )


@suites
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("created", "2024-02-24T23:36:38Z"),
        ("created", "2023-02-24T23:36:39Z"),
        (
            "verificationMethod",
            "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#key-2",
        ),
        ("verificationMethod", "https://vc.example/issuers/5678#key-1"),
        ("expires", "2030-01-01T00:00:00Z"),
        ("domain", "vc.example"),
    ],
)
def test_tampered_proof_field_fails_signature(cryptosuite, field, value):
    document = signed_vector(cryptosuite)
    document["proof"][field] = value
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.SIGNATURE_INVALID
    )


@suites
def test_proof_moved_to_the_other_cryptosuite_fails_signature(cryptosuite):
    document = signed_vector(cryptosuite)
    other = EDDSA_JCS_2022 if cryptosuite == EDDSA_RDFC_2022 else EDDSA_RDFC_2022
    document["proof"]["cryptosuite"] = other
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.SIGNATURE_INVALID
    )


@suites
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cryptosuite", "eddsa-2022"),
        ("cryptosuite", "ecdsa-rdfc-2019"),
        ("cryptosuite", None),
        ("type", "Ed25519Signature2020"),
    ],
)
def test_unknown_cryptosuite_is_unsupported(cryptosuite, field, value):
    document = signed_vector(cryptosuite)
    document["proof"][field] = value
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.UNSUPPORTED_CRYPTOSUITE
    )


@suites
def test_other_proof_purpose_is_refused(cryptosuite):
    document = signed_vector(cryptosuite)
    document["proof"]["proofPurpose"] = "authentication"
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.PROOF_PURPOSE_MISMATCH
    )


@suites
def test_proof_purpose_is_signed(cryptosuite):
    document = signed_vector(cryptosuite)
    document["proof"]["proofPurpose"] = "authentication"
    result = verify(
        document, resolve_key=vector_key, expected_proof_purpose="authentication"
    )
    assert_refused(result, FailureReason.SIGNATURE_INVALID)


@suites
def test_wrong_key_fails_signature(cryptosuite):
    other_key = KeyPair.generate().public_key
    result = verify(signed_vector(cryptosuite), resolve_key=lambda _: other_key)
    assert_refused(result, FailureReason.SIGNATURE_INVALID)


@suites
def test_unresolved_key_is_unknown(cryptosuite):
    result = verify(signed_vector(cryptosuite), resolve_key=lambda _: None)
    assert_refused(result, FailureReason.UNKNOWN_KEY)
    assert (
        result.verification_method
        == signed_vector(cryptosuite)["proof"]["verificationMethod"]
    )


@suites
def test_did_key_of_another_key_fails_signature(cryptosuite):
    document = signed_vector(cryptosuite)
    document["proof"]["verificationMethod"] = (
        KeyPair.generate().did_key_verification_method
    )
    assert_refused(
        verify(document, resolve_key=resolve_did_key), FailureReason.SIGNATURE_INVALID
    )


def _malformed_proof_values() -> dict[str, Any]:
    signature = decode_base58btc(signed_vector(EDDSA_RDFC_2022)["proof"]["proofValue"])
    return {
        "empty": "",
        "not a string": 1234,
        "only the prefix": "z",
        "base64url multibase": encode_base64url(signature),
        "no multibase prefix": encode_base58btc(signature)[1:],
        "characters outside base58": "z0OIl" + encode_base58btc(signature)[6:],
        "63 bytes": encode_base58btc(signature[:-1]),
        "65 bytes": encode_base58btc(signature + b"\x00"),
    }


MALFORMED_PROOF_VALUES = _malformed_proof_values()


@suites
@pytest.mark.parametrize("case", list(MALFORMED_PROOF_VALUES))
def test_malformed_proof_value_is_refused(cryptosuite, case):
    document = signed_vector(cryptosuite)
    document["proof"]["proofValue"] = MALFORMED_PROOF_VALUES[case]
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.MALFORMED_PROOF
    )


@suites
def test_altered_signature_bytes_fail_signature(cryptosuite):
    document = signed_vector(cryptosuite)
    signature = bytearray(decode_base58btc(document["proof"]["proofValue"]))
    signature[10] ^= 0x01
    document["proof"]["proofValue"] = encode_base58btc(bytes(signature))
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.SIGNATURE_INVALID
    )


@suites
@pytest.mark.parametrize("field", ["verificationMethod", "proofPurpose", "proofValue"])
def test_proof_without_required_field_is_malformed(cryptosuite, field):
    document = signed_vector(cryptosuite)
    del document["proof"][field]
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.MALFORMED_PROOF
    )


@suites
@pytest.mark.parametrize("created", ["yesterday", "2023-02-30T00:00:00Z", 1677281798])
def test_proof_with_invalid_created_is_malformed(cryptosuite, created):
    document = signed_vector(cryptosuite)
    document["proof"]["created"] = created
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.MALFORMED_PROOF
    )


def test_document_without_proof_is_refused():
    document = signed_vector(EDDSA_RDFC_2022)
    del document["proof"]
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.MISSING_PROOF
    )


@suites
def test_proof_as_a_set_of_one_verifies_with_the_same_signature(cryptosuite):
    document = signed_vector(cryptosuite)
    document["proof"] = [document["proof"]]

    result = verify(document, resolve_key=vector_key)

    assert result.ok
    assert result.proof_value == document["proof"][0]["proofValue"]


def test_rdfc_proof_is_picked_from_a_set_with_other_proofs():
    document = signed_vector(EDDSA_RDFC_2022)
    rdfc = document["proof"]
    other_suite = {**rdfc, "cryptosuite": "ecdsa-rdfc-2019", "proofValue": "zX"}
    other_purpose = {**rdfc, "proofPurpose": "authentication", "proofValue": "zY"}
    chained = {**rdfc, "previousProof": "urn:uuid:1", "proofValue": "zZ"}
    document["proof"] = [other_suite, other_purpose, chained, "not a proof", rdfc]

    result = verify(document, resolve_key=vector_key)

    assert result.ok
    assert result.cryptosuite == EDDSA_RDFC_2022
    assert result.proof_value == rdfc["proofValue"]


def test_tampered_document_with_a_proof_set_is_refused():
    document = signed_vector(EDDSA_RDFC_2022)
    document["proof"] = [document["proof"]]
    document["issuer"] = "did:example:someone-else"
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.SIGNATURE_INVALID
    )


def test_proof_set_with_a_forged_proof_beside_the_genuine_one_verifies_the_genuine():
    document = signed_vector(EDDSA_RDFC_2022)
    genuine = document["proof"]
    forged = {**genuine, "proofValue": encode_base58btc(bytes(64))}
    document["proof"] = [forged, genuine]

    result = verify(document, resolve_key=vector_key)

    assert result.ok
    assert result.proof_value == genuine["proofValue"]


def test_proof_set_without_a_usable_proof_is_refused():
    document = signed_vector(EDDSA_RDFC_2022)
    document["proof"] = [{**document["proof"], "cryptosuite": "ecdsa-rdfc-2019"}]
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.UNSUPPORTED_PROOF_SET
    )


def test_empty_proof_set_is_a_missing_proof():
    document = signed_vector(EDDSA_RDFC_2022)
    document["proof"] = []
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.MISSING_PROOF
    )


def test_proof_that_is_not_an_object_is_malformed():
    document = signed_vector(EDDSA_RDFC_2022)
    document["proof"] = document["proof"]["proofValue"]
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.MALFORMED_PROOF
    )


def test_document_that_is_not_an_object_is_malformed():
    result = verify([signed_vector(EDDSA_RDFC_2022)], resolve_key=vector_key)
    assert_refused(result, FailureReason.MALFORMED_DOCUMENT)


def test_document_with_relative_iri_is_malformed_not_verified():
    # pyld would drop the relative issuer from the RDF, so it is not signed;
    # safe mode refuses the document rather than ignore the field.
    document = signed_vector(EDDSA_RDFC_2022)
    document["issuer"] = "issuers/5678"
    assert_refused(
        verify(document, resolve_key=vector_key), FailureReason.MALFORMED_DOCUMENT
    )


def test_parser_crash_is_a_malformed_document(monkeypatch):
    def crash(*args, **kwargs):
        raise KeyError("@vocab")

    monkeypatch.setattr(jsonld.JsonLdProcessor, "expand", crash)
    result = verify(signed_vector(EDDSA_RDFC_2022), resolve_key=vector_key)
    assert_refused(result, FailureReason.MALFORMED_DOCUMENT)


def test_verify_does_not_modify_the_document():
    document = signed_vector(EDDSA_JCS_2022)
    before = copy.deepcopy(document)
    verify(document, resolve_key=vector_key)
    assert document == before


def test_key_resolver_errors_propagate():
    def broken_resolver(verification_method: str):
        raise ConnectionError("key store unavailable")

    with pytest.raises(ConnectionError):
        verify(signed_vector(EDDSA_RDFC_2022), resolve_key=broken_resolver)
