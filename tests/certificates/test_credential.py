"""The issued Open Badges 3.0 credential: its content, its proof, its status."""

import copy
import json

from django.utils import translation

import pytest
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)

from certificates import conf, keyring, services
from certificates.credentials import (
    CREDENTIALS_V2,
    OPEN_BADGES_V3,
    KeyPair,
    StatusList,
    sign,
    verify,
)
from certificates.models import Certificate, SigningKey
from certificates.openbadges import identity_hash
from certificates.selectors import did_document, signing_key_for
from certificates.verification import Outcome, verify_credential
from tests.certificates.certificate_helpers import (
    backdate,
    complete_course,
    due_for_renewal,
    issue,
)

pytestmark = pytest.mark.django_db


def _academy_key(method):
    key = signing_key_for(method)
    return key.public_key if key else None


@pytest.fixture
def certificate(learner, governance_course):
    return issue(learner, governance_course)


def test_issued_credential_verifies_with_the_academys_key(certificate):
    result = verify(certificate.credential, resolve_key=_academy_key)

    assert result.ok
    assert result.cryptosuite == "eddsa-rdfc-2022"
    assert verify_credential(certificate.credential).outcome == Outcome.VALID


def test_credential_is_an_open_badge_from_the_did_web_issuer(certificate):
    credential = certificate.credential

    assert credential["@context"] == [CREDENTIALS_V2, OPEN_BADGES_V3]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == (
        f"http://testserver/credentials/{certificate.public_id}.json"
    )
    assert credential["issuer"]["id"] == conf.issuer_did() == "did:web:testserver"
    assert credential["issuer"]["name"] == "สถาบันพัฒนาบุคลากรภาครัฐด้านดิจิทัล"
    assert credential["proof"][0]["verificationMethod"].startswith(
        "did:web:testserver#"
    )
    assert credential["validFrom"].endswith("Z")


def test_achievement_aligns_with_the_course_competencies(certificate):
    achievement = certificate.credential["credentialSubject"]["achievement"]

    assert achievement["name"] == "การกำกับดูแลข้อมูลภาครัฐ"
    assert achievement["criteria"]["narrative"]
    [alignment] = achievement["alignment"]
    assert alignment["targetType"] == "CFItem"
    assert alignment["targetCode"] == "ACD-GOV-02"
    assert alignment["targetName"]
    assert alignment["targetUrl"].startswith("http")


def test_subject_is_a_salted_hash_not_personal_data(certificate, learner):
    subject = certificate.credential["credentialSubject"]
    text = json.dumps(certificate.credential, ensure_ascii=False)

    assert subject["type"] == ["AchievementSubject"]
    assert learner.email not in text
    assert certificate.last_name_th not in text
    by_type = {item["identityType"]: item for item in subject["identifier"]}
    email = by_type["emailAddress"]
    assert email["hashed"] is True
    assert email["identityHash"] == identity_hash(learner.email, salt=email["salt"])
    assert by_type["name"]["identityHash"] == identity_hash(
        certificate.name_th, salt=by_type["name"]["salt"]
    )
    assert email["identityHash"].startswith("sha256$")


def test_credential_status_points_at_the_status_list(certificate):
    status = certificate.credential["credentialStatus"]

    url = f"http://testserver/status-lists/{certificate.status_list_id}.json"
    assert status == {
        "id": f"{url}#{certificate.status_list_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(certificate.status_list_index),
        "statusListCredential": url,
    }


def test_credential_with_expiry_carries_valid_until(learner, recert_course):
    certificate = issue(learner, recert_course)

    assert certificate.credential["validUntil"] > certificate.credential["validFrom"]


def _tamper(credential: dict, path: tuple, value) -> dict:
    tampered = copy.deepcopy(credential)
    target = tampered
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return tampered


TAMPERINGS = {
    "id": (("id",), "http://testserver/credentials/other.json"),
    "name": (("name",), "ประกาศนียบัตรปลอม"),
    "issuer.name": (("issuer", "name"), "สถาบันอื่น"),
    "issuer.url": (("issuer", "url"), "https://evil.example/"),
    "validFrom": (("validFrom",), "2020-01-01T00:00:00Z"),
    "validUntil": (("validUntil",), "2099-01-01T00:00:00Z"),
    "subject hash": (
        ("credentialSubject", "identifier", 0, "identityHash"),
        "sha256$" + "0" * 64,
    ),
    "subject salt": (("credentialSubject", "identifier", 0, "salt"), "00"),
    "achievement.name": (("credentialSubject", "achievement", "name"), "อื่น"),
    "achievement.criteria": (
        ("credentialSubject", "achievement", "criteria", "narrative"),
        "ไม่ต้องเรียน",
    ),
    "alignment.targetCode": (
        ("credentialSubject", "achievement", "alignment", 0, "targetCode"),
        "ACD-LEAD-01",
    ),
    "statusListIndex": (("credentialStatus", "statusListIndex"), "131000"),
    "proof.created": (("proof", 0, "created"), "2020-01-01T00:00:00Z"),
    "proof.proofValue": (
        ("proof", 0, "proofValue"),
        "z" + "1" * 86,
    ),
}


@pytest.mark.parametrize("field", TAMPERINGS)
def test_every_tampered_field_fails(learner, recert_course, field):
    credential = issue(learner, recert_course).credential
    path, value = TAMPERINGS[field]

    verification = verify_credential(_tamper(credential, path, value))

    assert verification.outcome == Outcome.NOT_GENUINE


def test_an_added_field_fails(certificate):
    tampered = copy.deepcopy(certificate.credential)
    tampered["credentialSubject"]["achievement"]["humanCode"] = "X-1"

    assert verify_credential(tampered).outcome == Outcome.NOT_GENUINE


def test_a_credential_signed_with_another_key_is_not_genuine(certificate):
    unsigned = {k: v for k, v in certificate.credential.items() if k != "proof"}
    forged = sign(
        unsigned,
        private_key=KeyPair.generate().private_key,
        verification_method=certificate.credential["proof"][0]["verificationMethod"],
        created="2026-11-22T00:00:00Z",
    )

    with translation.override("en"):
        verification = verify_credential(forged)

    assert verification.outcome == Outcome.NOT_GENUINE
    assert "altered" in verification.reason


def test_a_credential_naming_an_unknown_key_is_not_genuine(certificate):
    pair = KeyPair.generate()
    unsigned = {k: v for k, v in certificate.credential.items() if k != "proof"}
    forged = sign(
        unsigned,
        private_key=pair.private_key,
        verification_method=pair.did_key_verification_method,
        created="2026-11-22T00:00:00Z",
    )

    assert verify_credential(forged).outcome == Outcome.NOT_GENUINE


def test_a_context_that_is_not_bundled_is_refused_not_fetched(certificate):
    tampered = copy.deepcopy(certificate.credential)
    tampered["@context"].append("https://evil.example/context.jsonld")

    verification = verify_credential(tampered)

    assert verification.outcome == Outcome.NOT_GENUINE


def test_revoked_certificate_shows_revoked(certificate, django_user_model):
    services.certificate_revoke(
        certificate=certificate, reason="ทุจริตการสอบ", revoked_by=None
    )

    verification = verify_credential(certificate.credential)

    assert verification.outcome == Outcome.REVOKED
    assert verification.certificate.revoked_at is not None


def test_revocation_sets_the_bit_in_the_signed_status_list(certificate):
    services.certificate_revoke(
        certificate=certificate, reason="ผิดพลาด", revoked_by=None
    )
    certificate.status_list.refresh_from_db()
    published = certificate.status_list.credential

    assert verify(published, resolve_key=_academy_key).ok
    assert published["type"] == [
        "VerifiableCredential",
        "BitstringStatusListCredential",
    ]
    subject = published["credentialSubject"]
    assert subject["statusPurpose"] == "revocation"
    bits = StatusList.decode(subject["encodedList"])
    assert bits.size >= 131_072
    assert bits.get(certificate.status_list_index) is True
    # Indexes are random (not the first ones): the whole list has exactly one bit.
    assert sum(bits.get(i) for i in range(bits.size)) == 1


@translation.override("en")
def test_revoking_needs_a_reason_and_happens_once(certificate):
    with pytest.raises(services.CertificateError, match="reason"):
        services.certificate_revoke(
            certificate=certificate, reason=" ", revoked_by=None
        )
    services.certificate_revoke(certificate=certificate, reason="ผิด", revoked_by=None)

    with pytest.raises(services.CertificateError, match="already revoked"):
        services.certificate_revoke(
            certificate=certificate, reason="ผิด", revoked_by=None
        )


def test_expired_certificate_shows_expired(learner, recert_course):
    completion = backdate(complete_course(learner, recert_course), days=800)
    certificate = services.certificate_issue(completion=completion)

    assert verify_credential(certificate.credential).outcome == Outcome.EXPIRED


def test_superseded_certificate_shows_superseded(learner, recert_course):
    old = issue(learner, recert_course)
    due_for_renewal(learner, recert_course)
    issue(learner, recert_course)

    assert verify_credential(old.credential).outcome == Outcome.SUPERSEDED


def test_old_certificates_verify_after_key_rotation(certificate):
    old_method = certificate.credential["proof"][0]["verificationMethod"]

    new_key = services.signing_key_rotate()

    assert verify_credential(certificate.credential).outcome == Outcome.VALID
    assert new_key.verification_method != old_method
    methods = [m["id"] for m in did_document()["verificationMethod"]]
    assert methods == [old_method, new_key.verification_method]


def test_private_key_is_encrypted_at_rest(certificate):
    key = SigningKey.objects.get()
    raw = keyring.decrypt_private_key(
        key.private_key_pem, passphrase=conf.signing_key_passphrase()
    ).private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    assert key.private_key_pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert raw.hex() not in key.private_key_pem
    assert (
        KeyPair(
            private_key=keyring.decrypt_private_key(
                key.private_key_pem, passphrase=conf.signing_key_passphrase()
            )
        ).public_key_multibase
        == key.public_key_multibase
    )


def test_a_wrong_passphrase_cannot_open_the_key(certificate):
    key = SigningKey.objects.get()

    with pytest.raises(keyring.KeyDecryptionError, match="PASSPHRASE"):
        keyring.decrypt_private_key(key.private_key_pem, passphrase=b"wrong")


def test_the_passphrase_comes_from_the_environment(monkeypatch, settings):
    monkeypatch.setenv(conf.PASSPHRASE_ENV, "from-the-environment")

    assert conf.signing_key_passphrase() == b"from-the-environment"


def test_production_without_a_passphrase_is_refused(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv(conf.PASSPHRASE_ENV, raising=False)
    monkeypatch.setattr(conf, "is_dev_or_test", lambda: False)

    with pytest.raises(ImproperlyConfigured, match=conf.PASSPHRASE_ENV):
        conf.signing_key_passphrase()


def test_pending_certificates_are_not_verifiable(learner, governance_course):
    completion = complete_course(learner, governance_course)
    reserved = services._certificate_reserve(completion=completion)

    assert reserved.status == Certificate.Status.PENDING
    assert reserved.credential is None
