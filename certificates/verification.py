"""Verifying a certificate: by the Academy's record, or from an uploaded PDF or JSON.

An uploaded credential is checked with the bundled JSON-LD contexts only and against
the Academy's own keys (current and rotated, from SigningKey rows): a proof by any
other key is "not genuine", whatever it claims to be. The proof may be one object or
a set of proofs (an array), as wallets re-serialise it: the eddsa-rdfc-2022
assertionMethod proof is the one checked, so the form never makes a genuine
credential look altered. A genuine credential is then
matched to the Academy's record, whose status (revoked, superseded, expired) wins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from certificates import conf
from certificates.credentials import FailureReason, verify
from certificates.models import Certificate
from certificates.pdf.embedded import EmbeddedFileRefused, embedded_file_read
from certificates.selectors import certificate_by_credential_id, signing_key_for

PDF_MAGIC = b"%PDF-"


class Outcome(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    NOT_GENUINE = "not_genuine"


_NOT_GENUINE_REASONS = {
    FailureReason.SIGNATURE_INVALID: _(
        "The signature does not match: the credential has been altered."
    ),
    FailureReason.UNKNOWN_KEY: _("It was not signed with any key of the Academy."),
    FailureReason.MISSING_PROOF: _("It carries no signature."),
    FailureReason.CONTEXT_NOT_BUNDLED: _(
        "It uses a vocabulary the Academy does not issue with."
    ),
}


@dataclass(frozen=True)
class Verification:
    outcome: Outcome
    certificate: Certificate | None = None
    reason: str = ""

    @property
    def is_genuine(self) -> bool:
        return self.outcome != Outcome.NOT_GENUINE

    @property
    def is_valid(self) -> bool:
        return self.outcome == Outcome.VALID


def not_genuine(reason) -> Verification:
    return Verification(outcome=Outcome.NOT_GENUINE, reason=str(reason))


def verification_of(certificate: Certificate) -> Verification:
    """The state of an issued certificate as the Academy records it."""
    return Verification(
        outcome=Outcome(certificate.verification_state), certificate=certificate
    )


def _resolve_key(verification_method: str):
    key = signing_key_for(verification_method)
    return key.public_key if key is not None else None


def verify_credential(document: Any) -> Verification:
    """Check a credential's proof against the Academy's keys, then its record."""
    result = verify(document, resolve_key=_resolve_key)
    if not result.ok:
        return not_genuine(
            _NOT_GENUINE_REASONS.get(
                result.reason, _("It is not a well-formed Academy credential.")
            )
        )
    key = signing_key_for(result.verification_method)
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if key is None or issuer_id != key.controller:
        return not_genuine(_("Its issuer is not the Academy."))
    certificate = certificate_by_credential_id(document.get("id"))
    if certificate is None:
        return not_genuine(_("The Academy has no record of this certificate."))
    if result.proof_value not in _proof_values(certificate.credential):
        return not_genuine(_("It does not match the Academy's record."))
    return verification_of(certificate)


def _proof_values(credential: Any) -> set[str]:
    """The proofValues of a stored credential, whose proof is one object or a set."""
    proof = (credential or {}).get("proof")
    proofs = proof if isinstance(proof, list) else [proof]
    return {
        item["proofValue"]
        for item in proofs
        if isinstance(item, dict) and isinstance(item.get("proofValue"), str)
    }


class UploadRefused(Exception):
    """An upload that asks for more work than a certificate can need; not read."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


_REFUSALS = {
    EmbeddedFileRefused.TOO_MANY_FILES: _(
        "This PDF holds more attached files than a certificate of the Academy has, "
        "so it was not read. Upload the certificate PDF as the Academy issued it, "
        "or its credential file (JSON)."
    ),
    EmbeddedFileRefused.TOO_LARGE: _(
        "A file attached to this PDF is larger than a credential of the Academy can "
        "be, so it was not read. Upload the certificate PDF as the Academy issued "
        "it, or its credential file (JSON)."
    ),
}


def verify_upload(data: bytes) -> Verification:
    """Verify an uploaded certificate PDF (its attached credential) or JSON file.

    Raises UploadRefused for a PDF that would cost more to read than a certificate
    can (certificates.pdf.embedded holds the budget).
    """
    if data.startswith(PDF_MAGIC):
        try:
            data = embedded_file_read(data, name=conf.CREDENTIAL_ATTACHMENT)
        except EmbeddedFileRefused as refusal:
            raise UploadRefused(_REFUSALS[refusal.reason]) from None
        except KeyError:
            return not_genuine(_("The PDF carries no Academy credential."))
        except Exception:  # noqa: BLE001 - any malformed PDF is simply not genuine
            return not_genuine(_("The file is not a readable PDF."))
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return not_genuine(_("The file is neither a certificate PDF nor a credential."))
    if not isinstance(document, dict):
        return not_genuine(_("The file is neither a certificate PDF nor a credential."))
    return verify_credential(document)
