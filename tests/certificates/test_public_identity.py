"""A credential is permanent: changing ACADEMY_PUBLIC_BASE_URL later changes nothing
already issued, and a change that would break new ones is refused until decided."""

import json

from django.core import checks

import pytest

from certificates import conf
from certificates.checks import issuer_did_matches_active_key
from certificates.verification import Outcome, verify_credential
from tests.certificates.certificate_helpers import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(learner, governance_course):
    return issue(learner, governance_course)


def test_the_credential_names_the_public_origin_and_its_did(settings, certificate):
    assert certificate.credential["id"].startswith("http://testserver/credentials/")
    assert certificate.credential["issuer"]["id"] == "did:web:testserver"


def test_changing_the_public_url_leaves_issued_credentials_as_signed(
    settings, client, certificate
):
    stored = certificate.credential_json

    settings.ACADEMY_PUBLIC_BASE_URL = "https://academy.example.go.th"
    certificate.refresh_from_db()
    served = client.get(f"/credentials/{certificate.public_id}.json")

    assert certificate.credential_json == stored
    assert json.loads(served.content) == json.loads(stored)
    assert json.loads(served.content)["issuer"]["id"] == "did:web:testserver"
    assert verify_credential(json.loads(stored)).outcome == Outcome.VALID


def test_a_new_public_url_without_a_decision_fails_the_database_check(
    settings, certificate
):
    settings.ACADEMY_PUBLIC_BASE_URL = "https://academy.example.go.th"

    errors = issuer_did_matches_active_key(None, databases=["default"])

    assert [error.id for error in errors] == ["certificates.E001"]
    assert "ACADEMY_ISSUER_DID=did:web:testserver" in errors[0].hint


def test_keeping_the_old_did_passes_the_database_check(settings, certificate):
    settings.ACADEMY_PUBLIC_BASE_URL = "https://academy.example.go.th"
    settings.ACADEMY_ISSUER_DID = "did:web:testserver"

    assert issuer_did_matches_active_key(None, databases=["default"]) == []
    assert conf.issuer_did() == "did:web:testserver"


def test_the_database_check_runs_with_the_database_checks(settings, certificate):
    settings.ACADEMY_PUBLIC_BASE_URL = "https://academy.example.go.th"

    errors = checks.run_checks(tags=[checks.Tags.database], databases=["default"])

    assert "certificates.E001" in [error.id for error in errors]
