"""/verify/ judges the credential, not how a wallet happened to write its JSON."""

import copy
import json

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from tests.certificates.certificate_helpers import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential(learner, governance_course) -> dict:
    return issue(learner, governance_course).credential


def _outcome(client, text: str) -> str:
    response = client.post(
        "/verify/",
        {
            "method": "upload",
            "file": SimpleUploadedFile("credential.json", text.encode("utf-8")),
        },
    )
    html = response.content.decode()
    return html.split('data-outcome="', 1)[1].split('"', 1)[0]


def _reordered(value):
    """Every object's keys in reverse order, all the way down."""
    if isinstance(value, dict):
        return {key: _reordered(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reordered(item) for item in value]
    return value


def test_credential_as_issued_with_a_proof_array_is_valid(client, credential):
    assert isinstance(credential["proof"], list)

    assert _outcome(client, json.dumps(credential, ensure_ascii=False)) == "valid"


def test_credential_with_its_proof_as_one_object_is_valid(client, credential):
    single = {**credential, "proof": credential["proof"][0]}

    assert _outcome(client, json.dumps(single)) == "valid"


def test_credential_with_keys_reordered_and_no_whitespace_is_valid(client, credential):
    text = json.dumps(_reordered(credential), separators=(",", ":"))

    assert _outcome(client, text) == "valid"


def test_credential_pretty_printed_with_escaped_thai_is_valid(client, credential):
    text = json.dumps(credential, indent=4, ensure_ascii=True)

    assert _outcome(client, "\n\n" + text + "\n") == "valid"


def test_tampered_credential_with_a_proof_array_is_not_genuine(client, credential):
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["achievement"]["name"] = "หลักสูตรปลอม"

    assert _outcome(client, json.dumps(tampered)) == "not_genuine"


def test_tampered_credential_with_a_proof_object_is_not_genuine(client, credential):
    tampered = copy.deepcopy(credential)
    tampered["proof"] = tampered["proof"][0]
    tampered["validFrom"] = "2020-01-01T00:00:00Z"

    assert _outcome(client, json.dumps(tampered)) == "not_genuine"
