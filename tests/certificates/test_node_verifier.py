"""A second, independent verifier accepts Academy credentials and refuses altered ones.

Digital Bazaar's @digitalbazaar/vc with the eddsa-rdfc-2022 cryptosuite, under Node
(tests/interop/node-verifier, installed once with `npm ci` from its committed lock
file). Its document loader is given the bundled contexts, the issuer's DID document
and the status-list credential, and refuses everything else: nothing is fetched.
"""

import copy
import fcntl
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from certificates import services
from certificates.credentials import BUNDLED_CONTEXTS, load_context
from certificates.selectors import did_document
from tests.certificates.certificate_helpers import issue

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[1] / "interop" / "node-verifier"
NODE = shutil.which("node")
NPM = shutil.which("npm")


@pytest.fixture(scope="session")
def node_verifier() -> Path:
    """The verifier's directory with its dependencies installed (npm ci, once)."""
    if NODE is None or NPM is None:
        pytest.skip("Node.js and npm are not installed: cannot run the Node verifier")
    lock = PROJECT / "package-lock.json"
    installed = PROJECT / "node_modules" / ".package-lock.json"
    # A file lock, so parallel test workers run npm ci once between them.
    with open(PROJECT / ".npm-ci.lock", "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
            subprocess.run(
                [NPM, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=PROJECT,
                check=True,
                timeout=600,
            )
    return PROJECT


def _documents(certificate) -> dict:
    documents = {url: load_context(url) for url in BUNDLED_CONTEXTS}
    did = did_document()
    documents[did["id"]] = did
    certificate.status_list.refresh_from_db()
    status_list = certificate.status_list.credential
    documents[status_list["id"]] = status_list
    return documents


def _node_verify(verifier: Path, tmp_path: Path, credential: dict, documents: dict):
    credential_file = tmp_path / "credential.json"
    documents_file = tmp_path / "documents.json"
    credential_file.write_text(json.dumps(credential, ensure_ascii=False), "utf-8")
    documents_file.write_text(json.dumps(documents, ensure_ascii=False), "utf-8")
    completed = subprocess.run(
        [NODE, str(verifier / "verify.mjs"), str(credential_file), str(documents_file)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.stdout, completed.stderr
    return completed.returncode, json.loads(completed.stdout)


@pytest.fixture
def certificate(learner, governance_course):
    return issue(learner, governance_course)


def test_node_verifier_accepts_a_freshly_issued_credential(
    node_verifier, tmp_path, certificate
):
    code, result = _node_verify(
        node_verifier, tmp_path, certificate.credential, _documents(certificate)
    )

    assert (code, result["verified"], result["error"]) == (0, True, None)
    assert result["status"] == {"verified": True, "revoked": False}


def test_node_verifier_refuses_a_tampered_credential(
    node_verifier, tmp_path, certificate
):
    tampered = copy.deepcopy(certificate.credential)
    tampered["credentialSubject"]["achievement"]["name"] = "หลักสูตรปลอม"

    code, result = _node_verify(
        node_verifier, tmp_path, tampered, _documents(certificate)
    )

    assert (code, result["verified"]) == (1, False)
    assert "Invalid signature" in result["error"]


def test_node_verifier_sees_a_revoked_credential_in_the_status_list(
    node_verifier, tmp_path, certificate
):
    services.certificate_revoke(
        certificate=certificate, reason="ทดสอบ", revoked_by=None
    )

    code, result = _node_verify(
        node_verifier, tmp_path, certificate.credential, _documents(certificate)
    )

    assert (code, result["verified"]) == (1, False)
    assert result["status"] == {"verified": False, "revoked": True}
