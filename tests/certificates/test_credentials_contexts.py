"""The JSON-LD loader serves only bundled contexts and never reaches the network."""

import json
import socket
from importlib.resources import files

import pytest
from pyld import jsonld

from certificates.credentials import (
    BUNDLED_CONTEXTS,
    CREDENTIALS_V2,
    EDDSA_RDFC_2022,
    OPEN_BADGES_V3,
    ContextNotBundledError,
    KeyPair,
    canonicalize_document,
    dataintegrity,
    document_loader,
    load_context,
    sign,
    verify,
)

CONTEXT_FILES = files("certificates.credentials").joinpath("contexts")


def test_every_bundled_file_is_mapped_and_every_mapping_has_a_file():
    on_disk = {entry.name for entry in CONTEXT_FILES.iterdir() if entry.is_file()}
    assert set(BUNDLED_CONTEXTS.values()) == on_disk


@pytest.mark.parametrize("url", list(BUNDLED_CONTEXTS))
def test_bundled_context_is_a_jsonld_context(url):
    assert isinstance(load_context(url)["@context"], dict)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.w3.org/2018/credentials/v1",
        "http://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/v2/",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        "file:///etc/passwd",
    ],
)
def test_loader_refuses_urls_that_are_not_bundled(url):
    with pytest.raises(ContextNotBundledError) as raised:
        document_loader(url, {})
    assert raised.value.url == url
    assert url in str(raised.value)


def test_loader_returns_a_copy_the_caller_may_change():
    document_loader(CREDENTIALS_V2, {})["document"]["@context"]["id"] = "changed"
    assert document_loader(CREDENTIALS_V2, {})["document"]["@context"]["id"] == "@id"


def test_canonicalisation_uses_only_the_bundled_loader(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network or pyld's default loader used")

    served = []

    def recording_loader(url, options=None):
        served.append(url)
        return document_loader(url, options)

    # Start cold, so contexts really are loaded during this test.
    monkeypatch.setattr(jsonld, "_resolved_context_cache", jsonld.LRUCache(maxsize=10))
    monkeypatch.setattr(jsonld, "_default_document_loader", no_network)
    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(dataintegrity, "document_loader", recording_loader)

    key_pair = KeyPair.generate()
    document = {
        "@context": [CREDENTIALS_V2, OPEN_BADGES_V3],
        "id": "https://academy.example/credentials/1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": "https://academy.example/issuers/tdga",
        "validFrom": "2026-01-15T00:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"]},
    }
    signed = sign(
        document,
        private_key=key_pair.private_key,
        verification_method="https://academy.example/issuers/tdga#key-1",
        created="2026-01-15T00:00:00Z",
    )
    assert verify(signed, resolve_key=lambda _: key_pair.public_key).ok
    assert set(served) == {CREDENTIALS_V2, OPEN_BADGES_V3}


def test_unbundled_context_stays_refused_after_bundled_ones_are_cached():
    document = {"@context": CREDENTIALS_V2, "type": "VerifiableCredential"}
    canonicalize_document(document, cryptosuite=EDDSA_RDFC_2022)
    document["@context"] = [CREDENTIALS_V2, "https://example.org/context.json"]
    with pytest.raises(ContextNotBundledError):
        canonicalize_document(document, cryptosuite=EDDSA_RDFC_2022)


def test_bundled_files_are_valid_json():
    for filename in BUNDLED_CONTEXTS.values():
        json.loads(CONTEXT_FILES.joinpath(filename).read_text("utf-8"))
