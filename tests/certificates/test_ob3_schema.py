"""Issued credentials validate against 1EdTech's and W3C's official JSON schemas.

The schemas are bundled under tests/data/outside/ob3/ (SOURCE.md names them) and
every reference in them is internal, so validation is offline.
"""

import copy
import json
from pathlib import Path

import pytest
from jsonschema import validators

from certificates import services
from tests.certificates.certificate_helpers import issue

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "outside" / "ob3"


def _validator(filename: str):
    schema = json.loads((SCHEMAS / filename).read_text("utf-8"))
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


OB3 = _validator("ob_v3p0_achievementcredential_schema.json")
VC2 = _validator("verifiable-credential-schema.json")


def _errors(validator, document) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def test_issued_credential_validates_against_the_ob3_schema(learner, governance_course):
    credential = issue(learner, governance_course).credential

    assert _errors(OB3, credential) == []


def test_issued_credential_validates_against_the_vc2_schema(learner, governance_course):
    credential = issue(learner, governance_course).credential

    assert _errors(VC2, credential) == []


def test_expiring_credential_validates_against_both_schemas(learner, recert_course):
    credential = issue(learner, recert_course).credential

    assert "validUntil" in credential
    assert _errors(OB3, credential) + _errors(VC2, credential) == []


def test_status_list_credential_validates_against_the_vc2_schema(
    learner, governance_course
):
    certificate = issue(learner, governance_course)
    services.certificate_revoke(
        certificate=certificate, reason="ทดสอบ", revoked_by=None
    )
    certificate.status_list.refresh_from_db()

    assert _errors(VC2, certificate.status_list.credential) == []


def test_the_ob3_schema_refuses_a_proof_that_is_not_an_array(
    learner, governance_course
):
    # What every credential looked like before: the schema really checks this.
    credential = copy.deepcopy(issue(learner, governance_course).credential)
    credential["proof"] = credential["proof"][0]

    assert any(error.startswith("proof:") for error in _errors(OB3, credential))
