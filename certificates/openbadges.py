"""Open Badges 3.0 and Bitstring Status List documents, as plain data (no database).

The learner is identified by salted SHA-256 hashes (OB 3.0 IdentityObject), not by
their name or email in clear: a credential is public at /credentials/<id>.json and
travels inside the PDF, and a hash still lets someone who knows the learner's email
or name (as printed on the certificate) check that the credential is theirs.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from certificates.credentials import CREDENTIALS_V2, OPEN_BADGES_V3

OPEN_BADGE_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
STATUS_LIST_TYPES = ["VerifiableCredential", "BitstringStatusListCredential"]


def xsd_datetime(value: datetime) -> str:
    """UTC to the second, as VC validFrom/validUntil and proofs use it."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalise_identity(value: str) -> str:
    """NFC, trimmed, inner whitespace collapsed: what a verifier must hash too."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def identity_hash(value: str, *, salt: str) -> str:
    """OB 3.0 identityHash: "sha256$" + hex SHA-256 of the value then the salt."""
    digest = hashlib.sha256((normalise_identity(value) + salt).encode("utf-8"))
    return "sha256$" + digest.hexdigest()


@dataclass(frozen=True)
class Alignment:
    code: str
    name: str
    url: str
    framework: str = ""
    description: str = ""


@dataclass(frozen=True)
class BadgeFacts:
    """Everything an OpenBadgeCredential states, gathered by the issuing service."""

    credential_id: str
    issuer_id: str
    issuer_name: str
    issuer_url: str
    achievement_id: str
    achievement_name: str
    achievement_description: str
    criteria_narrative: str
    valid_from: datetime
    valid_until: datetime | None
    identity_salt: str
    email: str
    name: str
    status_list_url: str
    status_list_index: int
    human_code: str = ""
    alignments: list[Alignment] = field(default_factory=list)
    credential_name: str = ""


def open_badge_credential(facts: BadgeFacts) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential (VC Data Model 2.0, OB 3.0.3 context)."""
    identifiers = []
    if facts.email:
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": identity_hash(
                    facts.email.lower(), salt=facts.identity_salt
                ),
                "salt": facts.identity_salt,
            }
        )
    identifiers.append(
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": True,
            "identityHash": identity_hash(facts.name, salt=facts.identity_salt),
            "salt": facts.identity_salt,
        }
    )
    achievement: dict[str, Any] = {
        "id": facts.achievement_id,
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": facts.achievement_name,
        "description": facts.achievement_description or facts.achievement_name,
        "criteria": {"narrative": facts.criteria_narrative},
        "inLanguage": "th",
    }
    if facts.human_code:
        achievement["humanCode"] = facts.human_code
    if facts.alignments:
        achievement["alignment"] = [
            _alignment(alignment) for alignment in facts.alignments
        ]
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OPEN_BADGES_V3],
        "id": facts.credential_id,
        "type": list(OPEN_BADGE_TYPES),
        "name": facts.credential_name or facts.achievement_name,
        "issuer": {
            "id": facts.issuer_id,
            "type": ["Profile"],
            "name": facts.issuer_name,
            "url": facts.issuer_url,
        },
        "validFrom": xsd_datetime(facts.valid_from),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": identifiers,
            "achievement": achievement,
        },
        "credentialStatus": {
            "id": f"{facts.status_list_url}#{facts.status_list_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(facts.status_list_index),
            "statusListCredential": facts.status_list_url,
        },
    }
    if facts.valid_until is not None:
        credential["validUntil"] = xsd_datetime(facts.valid_until)
    return credential


def _alignment(alignment: Alignment) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "type": ["Alignment"],
        "targetType": "CFItem",
        "targetCode": alignment.code,
        "targetName": alignment.name,
        "targetUrl": alignment.url,
    }
    if alignment.framework:
        entry["targetFramework"] = alignment.framework
    if alignment.description:
        entry["targetDescription"] = alignment.description
    return entry


def status_list_credential(
    *, url: str, issuer_id: str, encoded_list: str, valid_from: datetime
) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential for one revocation list."""
    return {
        "@context": [CREDENTIALS_V2],
        "id": url,
        "type": list(STATUS_LIST_TYPES),
        "issuer": issuer_id,
        "validFrom": xsd_datetime(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list,
        },
    }
