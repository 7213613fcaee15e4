"""did:web from the public base URL (sub-paths too), HEAD and the registered media types."""

import json

from django.test import override_settings

import pytest

from certificates import conf
from certificates.verification import Outcome, verify_credential
from tests.certificates.certificate_helpers import issue

SUB_PATH_BASE = "https://learn.example.go.th/academy"


@pytest.mark.parametrize(
    ("base_url", "did"),
    [
        ("https://academy.example.go.th", "did:web:academy.example.go.th"),
        ("https://academy.example.go.th/", "did:web:academy.example.go.th"),
        ("http://127.0.0.1:8000", "did:web:127.0.0.1%3A8000"),
        ("https://learn.example.go.th/academy/", "did:web:learn.example.go.th:academy"),
        ("https://Host.Example:8443/a/b", "did:web:host.example%3A8443:a:b"),
    ],
)
def test_did_web_follows_the_did_web_method_for_hosts_ports_and_paths(base_url, did):
    assert conf.did_web(base_url) == did


@override_settings(ACADEMY_PUBLIC_BASE_URL=SUB_PATH_BASE)
def test_issuer_did_comes_from_the_public_base_url():
    assert conf.base_url() == SUB_PATH_BASE
    assert conf.issuer_did() == "did:web:learn.example.go.th:academy"


@pytest.mark.django_db
@override_settings(ACADEMY_PUBLIC_BASE_URL=SUB_PATH_BASE)
def test_credential_under_a_sub_path_names_the_sub_path_did_and_urls(
    learner, governance_course
):
    credential = issue(learner, governance_course).credential

    did = "did:web:learn.example.go.th:academy"
    assert credential["issuer"]["id"] == did
    assert credential["proof"][0]["verificationMethod"].startswith(did + "#")
    assert credential["id"].startswith(SUB_PATH_BASE + "/credentials/")
    assert credential["credentialStatus"]["statusListCredential"].startswith(
        SUB_PATH_BASE + "/status-lists/"
    )
    assert verify_credential(credential).outcome == Outcome.VALID


@pytest.mark.django_db
@override_settings(ACADEMY_PUBLIC_BASE_URL=SUB_PATH_BASE)
def test_did_document_is_served_at_did_json_below_the_sub_path(
    client, learner, governance_course
):
    credential = issue(learner, governance_course).credential

    # The Academy mounted at /academy: the resolver asks for /academy/did.json.
    response = client.get("/did.json", SCRIPT_NAME="/academy")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/did+json"
    document = json.loads(response.content)
    assert document["id"] == "did:web:learn.example.go.th:academy"
    assert credential["proof"][0]["verificationMethod"] in document["assertionMethod"]


@pytest.fixture
def certificate(learner, governance_course):
    return issue(learner, governance_course)


def _published_urls(certificate) -> dict[str, str]:
    return {
        f"/credentials/{certificate.public_id}.json": "application/vc",
        f"/status-lists/{certificate.status_list_id}.json": "application/vc",
        "/.well-known/did.json": "application/did+json",
        "/did.json": "application/did+json",
    }


@pytest.mark.django_db
def test_published_documents_carry_the_registered_media_types(client, certificate):
    for url, media_type in _published_urls(certificate).items():
        response = client.get(url)
        assert (url, response.status_code, response["Content-Type"]) == (
            url,
            200,
            media_type,
        )


@pytest.mark.django_db
def test_published_documents_answer_head_like_get_without_a_body(client, certificate):
    for url, media_type in _published_urls(certificate).items():
        response = client.head(url)
        assert (url, response.status_code, response["Content-Type"]) == (
            url,
            200,
            media_type,
        )
        assert response.content == b""


@pytest.mark.django_db
def test_head_on_the_status_list_carries_its_etag(client, certificate):
    url = f"/status-lists/{certificate.status_list_id}.json"

    assert client.head(url)["ETag"] == client.get(url)["ETag"]
