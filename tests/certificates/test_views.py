"""Public verification, published documents, the learner's page, and query budgets."""

import copy
import io
import json
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import pytest
from pypdf import PdfReader

from academy.core.thaidate import format_thai_date
from certificates import services
from certificates.models import Certificate
from courses.models import CourseCompletion, Enrolment
from tests.certificates.certificate_helpers import (
    backdate,
    complete_course,
    due_for_renewal,
    issue,
)
from tests.queries import page_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(make_learner, governance_course):
    return issue(make_learner(last_th="ศรีสุข", last_en="Srisuk"), governance_course)


def _pdf_bytes(certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def _upload(client, name: str, data: bytes, content_type="application/octet-stream"):
    return client.post(
        "/verify/",
        {"method": "upload", "file": SimpleUploadedFile(name, data, content_type)},
    )


# --- /verify/<public id>/ -----------------------------------------------------------


def test_verify_page_shows_a_valid_certificate_and_only_the_minimum(
    client, certificate
):
    page = client.get(f"/verify/{certificate.public_id}/")
    html = page.content.decode()

    assert page.status_code == 200
    assert 'data-outcome="valid"' in html
    assert "นางสาวญาณิศา ศรีสุข" in html
    assert "การกำกับดูแลข้อมูลภาครัฐ" in html
    assert "ACD-GOV-02" in html
    assert certificate.user.email not in html
    assert certificate.position_th not in html
    assert certificate.organisation_th not in html


def test_verify_page_of_an_unknown_id_is_not_found(client, certificate):
    page = client.get(f"/verify/{uuid.uuid4()}/")

    assert page.status_code == 404


def test_verify_page_shows_revoked_with_its_date_not_its_reason(client, certificate):
    revoked = services.certificate_revoke(
        certificate=certificate, reason="เหตุผลภายในเฉพาะ", revoked_by=None
    )

    html = client.get(f"/verify/{certificate.public_id}/").content.decode()

    assert 'data-outcome="revoked"' in html
    assert format_thai_date(timezone.localtime(revoked.revoked_at)) in html
    assert "เหตุผลภายในเฉพาะ" not in html


def test_verify_page_shows_expired(client, make_learner, recert_course):
    completion = backdate(complete_course(make_learner(), recert_course), days=800)
    certificate = services.certificate_issue(completion=completion)

    html = client.get(f"/verify/{certificate.public_id}/").content.decode()

    assert 'data-outcome="expired"' in html


def test_verify_page_shows_superseded(client, make_learner, recert_course):
    user = make_learner()
    old = issue(user, recert_course)
    due_for_renewal(user, recert_course)
    issue(user, recert_course)

    html = client.get(f"/verify/{old.public_id}/").content.decode()

    assert 'data-outcome="superseded"' in html


# --- /verify/ by number and surname ---------------------------------------------------


@pytest.mark.parametrize("surname", ["ศรีสุข", "srisuk", "  Srisuk "])
def test_number_and_surname_lead_to_the_certificate(client, certificate, surname):
    response = client.post(
        "/verify/",
        {"method": "number", "number": certificate.number.lower(), "surname": surname},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/verify/{certificate.public_id}/"


def test_a_wrong_surname_finds_nothing(client, certificate):
    response = client.post(
        "/verify/",
        {"method": "number", "number": certificate.number, "surname": "ใจดี"},
    )

    assert response.status_code == 404
    assert "No certificate matches" in response.content.decode() or (
        "ไม่พบ" in response.content.decode()
    )


def test_the_form_needs_a_csrf_token(certificate):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/verify/",
        {"method": "number", "number": certificate.number, "surname": "ศรีสุข"},
    )

    assert response.status_code == 403


def test_the_eleventh_attempt_in_a_minute_is_refused(client, certificate):
    data = {"method": "number", "number": "DGA-0000-000000", "surname": "x"}
    statuses = [client.post("/verify/", data).status_code for _ in range(11)]

    assert statuses[:10] == [404] * 10
    assert statuses[10] == 429
    refused = client.post("/verify/", data)
    assert refused["Retry-After"] == "60"
    assert "Too many" in refused.content.decode() or "มากเกินไป" in (
        refused.content.decode()
    )


def test_other_clients_are_not_limited_by_one(client, certificate):
    data = {"method": "number", "number": "DGA-0000-000000", "surname": "x"}
    for _ in range(11):
        client.post("/verify/", data, REMOTE_ADDR="10.0.0.1")

    assert client.post("/verify/", data, REMOTE_ADDR="10.0.0.2").status_code == 404


# --- /verify/ by upload -----------------------------------------------------------------


def test_uploaded_pdf_is_verified_by_its_embedded_credential(client, certificate):
    response = _upload(client, "certificate.pdf", _pdf_bytes(certificate))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-outcome="valid"' in html
    assert "นางสาวญาณิศา ศรีสุข" in html


def test_uploaded_credential_json_is_verified(client, certificate):
    response = _upload(client, "credential.json", certificate.credential_json.encode())

    assert 'data-outcome="valid"' in response.content.decode()


def test_uploaded_tampered_json_is_not_genuine(client, certificate):
    credential = copy.deepcopy(certificate.credential)
    credential["credentialSubject"]["achievement"]["name"] = "หลักสูตรปลอม"

    response = _upload(client, "credential.json", json.dumps(credential).encode())

    assert 'data-outcome="not_genuine"' in response.content.decode()


def test_uploaded_pdf_without_a_credential_is_not_genuine(client, certificate):
    from certificates.face import ASSETS_DIR
    from certificates.pdf import render_pdf

    forged = render_pdf("<p>ประกาศนียบัตร</p>", assets_dir=ASSETS_DIR)

    response = _upload(client, "forged.pdf", forged)

    assert 'data-outcome="not_genuine"' in response.content.decode()


def test_uploaded_revoked_certificate_shows_revoked(client, certificate):
    services.certificate_revoke(certificate=certificate, reason="ผิด", revoked_by=None)

    response = _upload(client, "certificate.pdf", _pdf_bytes(certificate))

    assert 'data-outcome="revoked"' in response.content.decode()


def test_an_upload_that_is_neither_pdf_nor_json_is_refused(client, certificate):
    response = _upload(client, "photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)

    assert response.status_code == 400


def test_an_upload_over_two_megabytes_is_refused_before_parsing(client, certificate):
    response = _upload(client, "big.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024 + 1))

    assert response.status_code == 413


# --- published documents ------------------------------------------------------------------


def test_credential_is_published_as_signed(client, certificate):
    response = client.get(f"/credentials/{certificate.public_id}.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc"
    assert json.loads(response.content) == certificate.credential


def test_unknown_or_pending_credentials_are_not_published(
    client, make_learner, governance_course
):
    reserved = services._certificate_reserve(
        completion=complete_course(make_learner(), governance_course)
    )

    assert client.get(f"/credentials/{uuid.uuid4()}.json").status_code == 404
    assert client.get(f"/credentials/{reserved.public_id}.json").status_code == 404
    assert client.get(f"/verify/{reserved.public_id}/").status_code == 404


def test_status_list_is_cached_briefly_with_an_etag(client, certificate):
    url = f"/status-lists/{certificate.status_list_id}.json"

    response = client.get(url)

    assert response.status_code == 200
    assert "max-age=60" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_status_list_reflects_a_revocation_at_once(client, certificate):
    url = f"/status-lists/{certificate.status_list_id}.json"
    before = client.get(url)

    services.certificate_revoke(certificate=certificate, reason="ผิด", revoked_by=None)
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    from certificates.credentials import StatusList

    bits = StatusList.decode(
        json.loads(after.content)["credentialSubject"]["encodedList"]
    )
    assert bits.get(certificate.status_list_index)


def test_did_document_publishes_current_and_rotated_keys(client, certificate):
    services.signing_key_rotate()

    document = client.get("/.well-known/did.json").json()

    assert document["id"] == "did:web:testserver"
    assert len(document["verificationMethod"]) == 2
    for method in document["verificationMethod"]:
        assert method["type"] == "Multikey"
        assert method["controller"] == "did:web:testserver"
        assert method["publicKeyMultibase"].startswith("z6Mk")
    assert document["assertionMethod"] == [
        method["id"] for method in document["verificationMethod"]
    ]
    assert "privateKey" not in json.dumps(document)


# --- the learner's certificates -----------------------------------------------------------


def test_my_certificates_needs_a_sign_in(client):
    response = client.get("/certificates/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_my_certificates_lists_only_mine_with_downloads_and_share_link(
    client, certificate, make_learner, governance_course
):
    other = issue(make_learner(), governance_course)
    client.force_login(certificate.user)

    html = client.get("/certificates/").content.decode()

    assert certificate.number in html
    assert other.number not in html
    assert f"/certificates/{certificate.public_id}/certificate.pdf" in html
    assert f"/credentials/{certificate.public_id}.json?download=1" in html
    assert f"http://testserver/verify/{certificate.public_id}/" in html


def test_my_pdf_downloads(client, certificate):
    client.force_login(certificate.user)

    response = client.get(f"/certificates/{certificate.public_id}/certificate.pdf")
    content = b"".join(response.streaming_content)

    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{certificate.number}.pdf"' in response["Content-Disposition"]
    assert content == _pdf_bytes(certificate)


def test_english_variant_is_rendered_with_the_same_credential(client, certificate):
    client.force_login(certificate.user)

    response = client.get(
        f"/certificates/{certificate.public_id}/certificate.pdf?lang=en"
    )

    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Certificate" in text
    assert "Ms Yanisa Srisuk" in text
    from certificates.pdf import extract_attachment

    assert (
        extract_attachment(response.content, name="credential.json").decode()
        == certificate.credential_json
    )


def test_someone_elses_pdf_is_not_found(client, certificate, make_learner):
    client.force_login(make_learner())

    response = client.get(f"/certificates/{certificate.public_id}/certificate.pdf")

    assert response.status_code == 404


# --- query budgets: the same for 1 certificate and for 50 ---------------------------------


def _more_certificates(certificate: Certificate, count: int) -> None:
    """Copies of an issued certificate, each with its own completion (fast, no PDF)."""
    now = timezone.now()
    start = Certificate.objects.filter(user=certificate.user).count()
    for n in range(start, start + count):
        enrolment = Enrolment.objects.create(
            user=certificate.user,
            course=certificate.course,
            status=Enrolment.Status.COMPLETED,
            completed_at=now,
        )
        completion = CourseCompletion.objects.create(
            enrolment=enrolment,
            user=certificate.user,
            course=certificate.course,
            completed_at=now,
            learning_hours=certificate.learning_hours,
        )
        clone = copy.copy(certificate)
        clone.pk = None
        clone._state.adding = True
        clone.public_id = uuid.uuid4()
        clone.number = f"{certificate.number}-{n}"
        clone.completion = completion
        clone.status = Certificate.Status.SUPERSEDED
        clone.status_list_index = 1000 + n
        clone.save()


def test_verify_page_query_budget(client, certificate):
    url = f"/verify/{certificate.public_id}/"
    one = page_queries(client, url)
    _more_certificates(certificate, 49)
    assert one == page_queries(client, url) <= 2


def test_my_certificates_query_budget(client, certificate):
    client.force_login(certificate.user)
    one = page_queries(client, "/certificates/")
    _more_certificates(certificate, 49)
    assert one == page_queries(client, "/certificates/") <= 4
    html = client.get("/certificates/").content.decode()
    assert html.count('class="card certificate-item"') == 50
