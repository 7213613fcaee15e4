"""Data Integrity EdDSA proofs, so anyone can check an Academy credential offline."""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from pyld import jsonld

from .contexts import document_loader
from .errors import (
    CanonicalizationError,
    ContextNotBundledError,
    MultibaseError,
    SafeModeError,
    UnsupportedCryptosuiteError,
)
from .multibase import decode_base58btc, encode_base58btc

PROOF_TYPE = "DataIntegrityProof"
EDDSA_RDFC_2022 = "eddsa-rdfc-2022"
EDDSA_JCS_2022 = "eddsa-jcs-2022"
CRYPTOSUITES = frozenset({EDDSA_RDFC_2022, EDDSA_JCS_2022})
ASSERTION_METHOD = "assertionMethod"
ED25519_SIGNATURE_LENGTH = 64

# XML Schema 1.1 dateTime, the lexical form Data Integrity requires of `created`.
_XSD_DATETIME = re.compile(
    r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?"
)
# The tests pyld applies before it silently leaves an IRI out of the RDF:
# subjects, objects and types may be blank nodes, predicates and datatypes not.
_NODE_IRI = re.compile(r"([A-Za-z][A-Za-z0-9+\-.]*|_):\S*")
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+\-.]*:\S*")

ResolveKey = Callable[[str], Ed25519PublicKey | None]


class FailureReason(StrEnum):
    """Why verify() refused a document; stable codes for logs and the API."""

    MALFORMED_DOCUMENT = "malformed_document"
    MISSING_PROOF = "missing_proof"
    UNSUPPORTED_PROOF_SET = "unsupported_proof_set"
    MALFORMED_PROOF = "malformed_proof"
    UNSUPPORTED_CRYPTOSUITE = "unsupported_cryptosuite"
    PROOF_PURPOSE_MISMATCH = "proof_purpose_mismatch"
    UNKNOWN_KEY = "unknown_key"
    CONTEXT_NOT_BUNDLED = "context_not_bundled"
    SIGNATURE_INVALID = "signature_invalid"


@dataclass(frozen=True)
class VerificationResult:
    """Outcome of verify(): ``ok`` is True only for a valid proof by a resolved key."""

    ok: bool
    reason: FailureReason | None = None
    detail: str = ""
    verification_method: str | None = None
    cryptosuite: str | None = None
    #: The proofValue of the proof that was checked (one of a proof set).
    proof_value: str | None = None


def canonicalize_document(document: Mapping[str, Any], *, cryptosuite: str) -> bytes:
    """Transformation step: the canonical bytes of an unsecured document.

    RDFC-1.0 N-Quads for eddsa-rdfc-2022, RFC 8785 JSON for eddsa-jcs-2022.
    Raises CanonicalizationError (ContextNotBundledError, SafeModeError).
    """
    _check_cryptosuite(PROOF_TYPE, cryptosuite)
    if cryptosuite == EDDSA_RDFC_2022:
        return _rdfc_canonicalize(document)
    return _jcs_canonicalize(document)


def create_proof_config(
    document: Mapping[str, Any],
    *,
    cryptosuite: str,
    verification_method: str,
    created: str | datetime,
    proof_purpose: str = ASSERTION_METHOD,
) -> dict[str, Any]:
    """Proof configuration step: the proof options and ``@context`` that get hashed."""
    return _proof_config(
        _proof_options(
            document,
            cryptosuite=cryptosuite,
            verification_method=verification_method,
            created=created,
            proof_purpose=proof_purpose,
        ),
        document,
    )


def canonicalize_proof_config(
    proof_config: Mapping[str, Any], *, cryptosuite: str
) -> bytes:
    """Canonical bytes of a proof configuration (same algorithm as the document)."""
    return canonicalize_document(proof_config, cryptosuite=cryptosuite)


def hash_data(canonical_proof_config: bytes, canonical_document: bytes) -> bytes:
    """Hashing step: SHA-256(proof config) followed by SHA-256(document), 64 bytes."""
    return (
        hashlib.sha256(canonical_proof_config).digest()
        + hashlib.sha256(canonical_document).digest()
    )


def sign(
    document: Mapping[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str | datetime,
    cryptosuite: str = EDDSA_RDFC_2022,
    proof_purpose: str = ASSERTION_METHOD,
    proof_set: bool = False,
) -> dict[str, Any]:
    """Return a copy of ``document`` with a DataIntegrityProof added.

    ``created`` is an XML Schema dateTime string or an aware datetime (written
    in UTC to the second). With ``proof_set`` the proof is written as a set of
    one, ``"proof": [{...}]``, as Open Badges 3.0's JSON schema requires; the
    signature is the same either way, since a proof in a set signs the document
    without its proofs. Raises UnsupportedCryptosuiteError, ValueError for
    a bad ``created`` or a document that already has a proof (adding to a
    proof set is not supported), and CanonicalizationError
    (ContextNotBundledError, SafeModeError) when the document cannot be
    canonicalised losslessly.
    """
    _check_cryptosuite(PROOF_TYPE, cryptosuite)
    if not isinstance(private_key, Ed25519PrivateKey):
        raise TypeError("private_key must be an Ed25519PrivateKey.")
    if "proof" in document:
        raise ValueError(
            "The document already has a proof; proof sets are not supported."
        )
    proof = _proof_options(
        document,
        cryptosuite=cryptosuite,
        verification_method=verification_method,
        created=created,
        proof_purpose=proof_purpose,
    )
    signature = private_key.sign(_hash(document, proof, cryptosuite))
    proof["proofValue"] = encode_base58btc(signature)
    secured = copy.deepcopy(dict(document))
    secured["proof"] = [proof] if proof_set else proof
    return secured


def verify(
    document: Mapping[str, Any],
    *,
    resolve_key: ResolveKey,
    expected_proof_purpose: str = ASSERTION_METHOD,
) -> VerificationResult:
    """Check the DataIntegrityProof of ``document``, alone or in a proof set.

    Never raises for a bad document or proof: the result says why it failed.
    ``resolve_key`` maps the proof's verificationMethod to a public key, or
    None if unknown; it must return only keys the issuer controls (for a
    credential, a key listed by the issuer's profile), since this function
    does not look at ``issuer``. Exceptions from ``resolve_key`` propagate.

    ``proof`` may be one object or a set (a JSON array): wallets and Open
    Badges 3.0 write the set form, and a re-serialised credential is the same
    credential. From a set, the EdDSA proofs for ``expected_proof_purpose``
    are tried, eddsa-rdfc-2022 first, and the first that verifies wins; other
    proofs (other suites, chained proofs with ``previousProof``) are ignored.
    """
    if not isinstance(document, Mapping):
        return _failed(
            FailureReason.MALFORMED_DOCUMENT, "The document is not a JSON object."
        )
    proof = document.get("proof")
    if proof is None or proof == []:
        return _failed(FailureReason.MISSING_PROOF, "The document has no proof.")
    if isinstance(proof, list):
        return _verify_proof_set(
            document,
            proof,
            resolve_key=resolve_key,
            expected_proof_purpose=expected_proof_purpose,
        )
    if not isinstance(proof, Mapping):
        return _failed(FailureReason.MALFORMED_PROOF, "The proof is not a JSON object.")
    return _verify_proof(
        document,
        proof,
        resolve_key=resolve_key,
        expected_proof_purpose=expected_proof_purpose,
    )


def _verify_proof_set(
    document: Mapping[str, Any],
    proofs: list[Any],
    *,
    resolve_key: ResolveKey,
    expected_proof_purpose: str,
) -> VerificationResult:
    """The first proof of the set that verifies, eddsa-rdfc-2022 before jcs."""
    candidates = [
        proof
        for proof in proofs
        if isinstance(proof, Mapping)
        and proof.get("type") == PROOF_TYPE
        and proof.get("cryptosuite") in CRYPTOSUITES
        and proof.get("proofPurpose") == expected_proof_purpose
        and "previousProof" not in proof
    ]
    candidates.sort(key=lambda proof: proof.get("cryptosuite") != EDDSA_RDFC_2022)
    if not candidates:
        return _failed(
            FailureReason.UNSUPPORTED_PROOF_SET,
            f"The proof set holds no {EDDSA_RDFC_2022} or {EDDSA_JCS_2022} proof "
            f"for {expected_proof_purpose!r} that is not chained.",
        )
    failures: list[VerificationResult] = []
    for proof in candidates:
        result = _verify_proof(
            document,
            proof,
            resolve_key=resolve_key,
            expected_proof_purpose=expected_proof_purpose,
        )
        if result.ok:
            return result
        failures.append(result)
    return failures[0]


def _verify_proof(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    *,
    resolve_key: ResolveKey,
    expected_proof_purpose: str,
) -> VerificationResult:
    """Check one proof; the document is hashed without any of its proofs."""
    cryptosuite = proof.get("cryptosuite")
    verification_method = proof.get("verificationMethod")

    def failed(reason: FailureReason, detail: str) -> VerificationResult:
        return VerificationResult(
            ok=False,
            reason=reason,
            detail=detail,
            verification_method=verification_method
            if isinstance(verification_method, str)
            else None,
            cryptosuite=cryptosuite if isinstance(cryptosuite, str) else None,
        )

    try:
        _check_cryptosuite(proof.get("type"), cryptosuite)
    except UnsupportedCryptosuiteError as error:
        return failed(FailureReason.UNSUPPORTED_CRYPTOSUITE, str(error))
    for name in ("verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(name), str) or not proof[name]:
            return failed(FailureReason.MALFORMED_PROOF, f"proof.{name} is missing.")
    if "created" in proof and not _is_xsd_datetime(proof["created"]):
        return failed(
            FailureReason.MALFORMED_PROOF,
            "proof.created is not an XML Schema dateTime.",
        )
    if proof["proofPurpose"] != expected_proof_purpose:
        return failed(
            FailureReason.PROOF_PURPOSE_MISMATCH,
            f"proof.proofPurpose is {proof['proofPurpose']!r}, "
            f"expected {expected_proof_purpose!r}.",
        )
    try:
        signature = decode_base58btc(proof["proofValue"])
    except MultibaseError as error:
        return failed(FailureReason.MALFORMED_PROOF, f"proof.proofValue: {error}")
    if len(signature) != ED25519_SIGNATURE_LENGTH:
        return failed(
            FailureReason.MALFORMED_PROOF,
            f"proof.proofValue holds {len(signature)} bytes, "
            f"not an Ed25519 signature ({ED25519_SIGNATURE_LENGTH}).",
        )

    unsecured = {key: value for key, value in document.items() if key != "proof"}
    proof_options = {key: value for key, value in proof.items() if key != "proofValue"}
    # Stricter than eddsa-jcs-2022 verify steps 4.1-4.2, which accept a
    # document whose @context merely starts with proof.@context and then
    # verify the document with the shorter list: contexts appended after
    # signing would go unchecked. That leeway serves proof chains, which this
    # package does not support; here the document is hashed exactly as given.

    public_key = resolve_key(verification_method)
    if public_key is None:
        return failed(
            FailureReason.UNKNOWN_KEY, f"No key known for {verification_method!r}."
        )
    if not isinstance(public_key, Ed25519PublicKey):
        return failed(
            FailureReason.UNKNOWN_KEY, f"{verification_method!r} is not an Ed25519 key."
        )

    try:
        signed_hash = _hash(unsecured, proof_options, cryptosuite)
    except ContextNotBundledError as error:
        return failed(FailureReason.CONTEXT_NOT_BUNDLED, str(error))
    except CanonicalizationError as error:
        return failed(FailureReason.MALFORMED_DOCUMENT, str(error))
    try:
        public_key.verify(signature, signed_hash)
    except InvalidSignature:
        return failed(
            FailureReason.SIGNATURE_INVALID,
            "The signature does not match the document, the proof and the key.",
        )
    return VerificationResult(
        ok=True,
        verification_method=verification_method,
        cryptosuite=cryptosuite,
        proof_value=proof["proofValue"],
    )


def _failed(reason: FailureReason, detail: str) -> VerificationResult:
    return VerificationResult(ok=False, reason=reason, detail=detail)


def _check_cryptosuite(proof_type: object, cryptosuite: object) -> None:
    if proof_type != PROOF_TYPE or cryptosuite not in CRYPTOSUITES:
        raise UnsupportedCryptosuiteError(
            cryptosuite if proof_type == PROOF_TYPE else proof_type
        )


def _proof_options(
    document: Mapping[str, Any],
    *,
    cryptosuite: str,
    verification_method: str,
    created: str | datetime,
    proof_purpose: str,
) -> dict[str, Any]:
    """The proof as it will appear in the document, without ``proofValue``."""
    _check_cryptosuite(PROOF_TYPE, cryptosuite)
    if not isinstance(verification_method, str) or not verification_method:
        raise ValueError("verification_method must be a non-empty string.")
    if not isinstance(proof_purpose, str) or not proof_purpose:
        raise ValueError("proof_purpose must be a non-empty string.")
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": cryptosuite,
        "created": _format_created(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if cryptosuite == EDDSA_JCS_2022 and "@context" in document:
        # eddsa-jcs-2022 create proof step 2: the proof carries the contexts.
        proof["@context"] = copy.deepcopy(document["@context"])
    return proof


def _proof_config(
    proof_options: Mapping[str, Any], document: Mapping[str, Any]
) -> dict[str, Any]:
    """The proof options as hashed, without ``proofValue``.

    eddsa-rdfc-2022 hashes them under the document's ``@context``, whatever
    the proof holds; eddsa-jcs-2022 hashes the proof's own ``@context``, which
    sign() copies from the document (create proof step 2).
    """
    config = {key: value for key, value in proof_options.items() if key != "proofValue"}
    if proof_options.get("cryptosuite") == EDDSA_RDFC_2022:
        config.pop("@context", None)
        if "@context" in document:
            config["@context"] = document["@context"]
    return config


def _hash(
    unsecured: Mapping[str, Any], proof_options: Mapping[str, Any], cryptosuite: str
) -> bytes:
    canonical_document = canonicalize_document(unsecured, cryptosuite=cryptosuite)
    canonical_config = canonicalize_proof_config(
        _proof_config(proof_options, unsecured), cryptosuite=cryptosuite
    )
    return hash_data(canonical_config, canonical_document)


def _format_created(created: str | datetime) -> str:
    if isinstance(created, datetime):
        if created.tzinfo is None or created.utcoffset() is None:
            raise ValueError("created must be a timezone-aware datetime.")
        return created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if not _is_xsd_datetime(created):
        raise ValueError(f"created is not an XML Schema dateTime: {created!r}")
    return created


def _is_xsd_datetime(value: object) -> bool:
    if not isinstance(value, str) or not _XSD_DATETIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        # Out-of-range fields (month 13), or years fromisoformat cannot hold.
        return False
    return True


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _jcs_canonicalize(document: Mapping[str, Any]) -> bytes:
    try:
        return rfc8785.dumps(document)
    except (rfc8785.CanonicalizationError, TypeError) as error:
        raise CanonicalizationError(f"Cannot canonicalise as JCS: {error}") from error


def _rdfc_canonicalize(document: Mapping[str, Any]) -> bytes:
    """RDFC-1.0 (URDNA2015) N-Quads of ``document``, in JSON-LD safe mode.

    Safe mode, as the Data Integrity specification asks: expansion must not
    drop a term and every IRI must be absolute, because pyld would otherwise
    leave those parts out of the canonical form and so out of the signature.
    """

    def refuse_dropped(term: str | None) -> None:
        raise SafeModeError(
            f"JSON-LD term {term!r} is not defined by the document's @context and "
            "would be dropped from the signed data."
        )

    processor = jsonld.JsonLdProcessor(on_property_dropped=refuse_dropped)
    # base None, not pyld's default "": with "" pyld resolves relative IRIs
    # against http://example.org/base/ instead of leaving them relative.
    options = {"documentLoader": document_loader, "base": None}
    try:
        expanded = processor.expand(copy.deepcopy(dict(document)), options)
        for iri in _lost_in_rdf(expanded):
            raise SafeModeError(
                f"{iri!r} is not an absolute IRI and would be dropped from the "
                "signed data."
            )
        nquads = processor.normalize(
            expanded,
            {
                **options,
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
            },
        )
    except CanonicalizationError:
        raise
    except jsonld.JsonLdError as error:
        _raise_root_cause(error)
        raise CanonicalizationError(f"Cannot canonicalise as RDF: {error}") from error
    except Exception as error:
        # pyld also fails on odd input with KeyError ({"@vocab": null}),
        # ValueError (IRI resolution) or RecursionError; any of them means
        # the document cannot be canonicalised, not that the caller erred.
        raise CanonicalizationError(
            f"Cannot canonicalise as RDF: {type(error).__name__}: {error}"
        ) from error
    return nquads.encode("utf-8")


def _raise_root_cause(error: BaseException) -> None:
    """Re-raise our own error if pyld wrapped it in one of its JsonLdErrors."""
    cause = error.__cause__ or error.__context__
    while cause is not None:
        if isinstance(cause, CanonicalizationError):
            raise cause
        cause = cause.__cause__ or cause.__context__


def _lost_in_rdf(expanded: Any) -> Iterator[str]:
    """IRIs in expanded JSON-LD that pyld's RDF conversion would silently skip."""
    if isinstance(expanded, list):
        for item in expanded:
            yield from _lost_in_rdf(item)
        return
    if not isinstance(expanded, dict):
        return
    if "@value" in expanded:
        datatype = expanded.get("@type")
        is_iri = isinstance(datatype, str) and datatype != "@json"
        if is_iri and not _ABSOLUTE_IRI.fullmatch(datatype):
            yield datatype
        return
    for key, value in expanded.items():
        if key in ("@id", "@type"):
            for iri in _as_list(value):
                if isinstance(iri, str) and not _NODE_IRI.fullmatch(iri):
                    yield iri
            continue
        if not key.startswith("@") and not _ABSOLUTE_IRI.fullmatch(key):
            # A blank-node predicate: not valid RDF, skipped without a word.
            yield key
        if key != "@context":
            yield from _lost_in_rdf(value)
