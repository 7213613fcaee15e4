"""sign() on Academy-shaped credentials: round trips, and refusals before signing."""

import copy
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from certificates.credentials import (
    CREDENTIALS_V2,
    EDDSA_JCS_2022,
    EDDSA_RDFC_2022,
    OPEN_BADGES_V3,
    ContextNotBundledError,
    KeyPair,
    SafeModeError,
    UnsupportedCryptosuiteError,
    sign,
    verify,
)

ISSUER = "https://academy.example/issuers/tdga"
VERIFICATION_METHOD = f"{ISSUER}#key-1"
CREATED = "2026-01-15T03:00:00Z"
suites = pytest.mark.parametrize("cryptosuite", [EDDSA_RDFC_2022, EDDSA_JCS_2022])


def open_badge() -> dict[str, Any]:
    """An OpenBadgeCredential shaped like the ones the certificates app issues."""
    return {
        "@context": [CREDENTIALS_V2, OPEN_BADGES_V3],
        "id": "https://academy.example/credentials/7d0f6c1e",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": ISSUER,
            "type": ["Profile"],
            "name": "สถาบันพัฒนาบุคลากรภาครัฐด้านดิจิทัล",
        },
        "validFrom": "2026-01-15T00:00:00Z",
        "name": "Data Governance Foundations",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$7a1f0c",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "b0c9",
                }
            ],
            "achievement": {
                "id": "https://academy.example/achievements/dg-101",
                "type": ["Achievement"],
                "name": "Data Governance Foundations",
                "description": "ผ่านหลักสูตรธรรมาภิบาลข้อมูล",
                "criteria": {"narrative": "Complete every module and the exam."},
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "Data governance",
                        "targetUrl": "https://academy.example/competencies/dg",
                        "targetType": "CFItem",
                        "targetCode": "DG-1",
                    }
                ],
            },
        },
        "credentialStatus": {
            "id": "https://academy.example/status/1#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://academy.example/status/1",
        },
    }


@pytest.fixture(scope="module")
def key_pair() -> KeyPair:
    return KeyPair.generate()


def resolver_for(key_pair: KeyPair):
    return lambda method: key_pair.public_key if method == VERIFICATION_METHOD else None


@suites
def test_open_badge_round_trips(cryptosuite, key_pair):
    signed = sign(
        open_badge(),
        private_key=key_pair.private_key,
        verification_method=VERIFICATION_METHOD,
        created=CREATED,
        cryptosuite=cryptosuite,
    )
    result = verify(signed, resolve_key=resolver_for(key_pair))
    assert result.ok, result
    assert result.verification_method == VERIFICATION_METHOD


@suites
@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "achievement", "name"), "Advanced Data Science"),
        (("credentialSubject", "achievement", "alignment", 0, "targetCode"), "DG-9"),
        (("credentialSubject", "identifier", 0, "identityHash"), "sha256$000000"),
        (("credentialStatus", "statusListIndex"), "94568"),
        (("issuer", "name"), "Another Academy"),
    ],
)
def test_open_badge_tampering_is_detected(cryptosuite, key_pair, path, value):
    signed = sign(
        open_badge(),
        private_key=key_pair.private_key,
        verification_method=VERIFICATION_METHOD,
        created=CREATED,
        cryptosuite=cryptosuite,
    )
    target = signed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    assert verify(signed, resolve_key=resolver_for(key_pair)).reason == (
        "signature_invalid"
    )


def test_rdfc_proof_has_no_context_and_jcs_proof_has_the_documents(key_pair):
    kwargs = {
        "private_key": key_pair.private_key,
        "verification_method": VERIFICATION_METHOD,
        "created": CREATED,
    }
    rdfc = sign(open_badge(), cryptosuite=EDDSA_RDFC_2022, **kwargs)
    jcs = sign(open_badge(), cryptosuite=EDDSA_JCS_2022, **kwargs)
    assert "@context" not in rdfc["proof"]
    assert jcs["proof"]["@context"] == [CREDENTIALS_V2, OPEN_BADGES_V3]


def test_sign_does_not_modify_the_document(key_pair):
    document = open_badge()
    before = copy.deepcopy(document)
    signed = sign(
        document,
        private_key=key_pair.private_key,
        verification_method=VERIFICATION_METHOD,
        created=CREATED,
    )
    assert document == before
    signed["credentialSubject"]["achievement"]["name"] = "changed"
    assert document == before


def test_proof_set_of_one_carries_the_same_signature_as_a_single_proof(key_pair):
    kwargs = {
        "private_key": key_pair.private_key,
        "verification_method": VERIFICATION_METHOD,
        "created": CREATED,
    }
    single = sign(open_badge(), **kwargs)
    in_a_set = sign(open_badge(), proof_set=True, **kwargs)

    assert in_a_set["proof"] == [single["proof"]]


def test_aware_datetime_is_written_in_utc_to_the_second(key_pair):
    bangkok = timezone(timedelta(hours=7))
    created = datetime(2026, 1, 15, 10, 0, 0, 123456, tzinfo=bangkok)
    signed = sign(
        open_badge(),
        private_key=key_pair.private_key,
        verification_method=VERIFICATION_METHOD,
        created=created,
    )
    assert signed["proof"]["created"] == "2026-01-15T03:00:00Z"


def test_naive_datetime_is_refused(key_pair):
    with pytest.raises(ValueError, match="timezone-aware"):
        sign(
            open_badge(),
            private_key=key_pair.private_key,
            verification_method=VERIFICATION_METHOD,
            created=datetime(2026, 1, 15),  # noqa: DTZ001 - the point of the test
        )


@pytest.mark.parametrize(
    "created", ["2026-01-15", "15/01/2026 03:00", "2026-13-01T00:00:00Z"]
)
def test_created_that_is_not_an_xsd_datetime_is_refused(key_pair, created):
    with pytest.raises(ValueError, match="created"):
        sign(
            open_badge(),
            private_key=key_pair.private_key,
            verification_method=VERIFICATION_METHOD,
            created=created,
        )


@pytest.mark.parametrize("cryptosuite", ["eddsa-2022", "ecdsa-rdfc-2019", ""])
def test_unknown_cryptosuite_is_refused(key_pair, cryptosuite):
    with pytest.raises(UnsupportedCryptosuiteError):
        sign(
            open_badge(),
            private_key=key_pair.private_key,
            verification_method=VERIFICATION_METHOD,
            created=CREATED,
            cryptosuite=cryptosuite,
        )


def test_signing_a_signed_document_is_refused(key_pair):
    kwargs = {
        "private_key": key_pair.private_key,
        "verification_method": VERIFICATION_METHOD,
        "created": datetime.now(UTC),
    }
    signed = sign(open_badge(), **kwargs)
    with pytest.raises(ValueError, match="proof sets"):
        sign(signed, **kwargs)


def test_unbundled_context_is_refused_with_its_url(key_pair):
    document = open_badge()
    document["@context"].append("https://w3id.org/security/suites/ed25519-2020/v1")
    with pytest.raises(ContextNotBundledError) as raised:
        sign(
            document,
            private_key=key_pair.private_key,
            verification_method=VERIFICATION_METHOD,
            created=CREATED,
        )
    assert raised.value.url == "https://w3id.org/security/suites/ed25519-2020/v1"


def test_undefined_type_is_refused_by_safe_mode(key_pair):
    document = open_badge()
    document["type"].append("AcademyCertificate")
    with pytest.raises(SafeModeError, match="AcademyCertificate"):
        sign(
            document,
            private_key=key_pair.private_key,
            verification_method=VERIFICATION_METHOD,
            created=CREATED,
        )


def test_relative_iri_is_refused_by_safe_mode(key_pair):
    document = open_badge()
    document["credentialSubject"]["achievement"]["id"] = "achievements/dg-101"
    with pytest.raises(SafeModeError, match="achievements/dg-101"):
        sign(
            document,
            private_key=key_pair.private_key,
            verification_method=VERIFICATION_METHOD,
            created=CREATED,
        )


def test_undefined_term_is_refused_by_safe_mode(key_pair):
    # No bundled context defines it, so it would vanish from the RDF and so
    # from the proof.
    document = open_badge()
    document["favouriteColour"] = "green"
    with pytest.raises(SafeModeError, match="favouriteColour"):
        sign(
            document,
            private_key=key_pair.private_key,
            verification_method=VERIFICATION_METHOD,
            created=CREATED,
        )


def test_undefined_term_is_signed_by_jcs(key_pair):
    document = open_badge()
    document["favouriteColour"] = "green"
    signed = sign(
        document,
        private_key=key_pair.private_key,
        verification_method=VERIFICATION_METHOD,
        created=CREATED,
        cryptosuite=EDDSA_JCS_2022,
    )
    signed["favouriteColour"] = "red"
    assert verify(signed, resolve_key=resolver_for(key_pair)).reason == (
        "signature_invalid"
    )


def test_package_imports_without_django():
    code = (
        "import sys, certificates.credentials; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]
    completed = subprocess.run([sys.executable, "-c", code], cwd=root, check=False)
    assert completed.returncode == 0
