"""The certificates admin: revoking, template previews, bulk ZIPs, who may do what."""

import io
import zipfile

import pytest

from academy.accounts.roles import Role
from certificates.models import Certificate, CertificateBundle, CertificateTemplate
from tests.certificates.certificate_helpers import issue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db):
    return UserFactory(email="admin@example.go.th", roles=[Role.ACADEMY_ADMIN])


@pytest.fixture
def hr_officer(db):
    return UserFactory(email="hr@example.go.th", roles=[Role.HR_OFFICER])


@pytest.fixture
def certificate(make_learner, governance_course):
    return issue(make_learner(), governance_course)


def test_administrator_lists_and_inspects_issued_certificates(
    client, administrator, certificate
):
    client.force_login(administrator)

    listing = client.get("/admin/certificates/issued/")
    inspect = client.get(f"/admin/certificates/issued/inspect/{certificate.pk}/")

    assert listing.status_code == 200
    assert certificate.number in listing.content.decode()
    assert inspect.status_code == 200
    assert f"/admin/certificates/issued/{certificate.pk}/revoke/" in (
        inspect.content.decode()
    )


def test_inspecting_someones_certificate_is_audited(
    client, administrator, certificate, governance_course, make_learner
):
    from academy.accounts.audit import AuditAction
    from academy.accounts.models import AuditEntry
    from academy.accounts.services import user_grant_roles

    client.force_login(administrator)
    client.get("/admin/certificates/issued/")
    assert not AuditEntry.objects.filter(action=AuditAction.CERTIFICATE_VIEW).exists()
    client.get(f"/admin/certificates/issued/inspect/{certificate.pk}/")
    entry = AuditEntry.objects.get(action=AuditAction.CERTIFICATE_VIEW)
    assert entry.actor == administrator
    assert entry.object_id == str(certificate.pk)
    assert entry.subject_person_id == certificate.person_id
    assert entry.detail == {"number": certificate.number}

    holder = make_learner()
    user_grant_roles(user=holder, roles=(Role.ACADEMY_ADMIN,))
    own = issue(holder, governance_course)
    client.force_login(holder)
    assert (
        client.get(f"/admin/certificates/issued/inspect/{own.pk}/").status_code == 200
    )
    assert AuditEntry.objects.filter(action=AuditAction.CERTIFICATE_VIEW).count() == 1


def test_issued_certificates_cannot_be_added_edited_or_deleted(
    client, administrator, certificate
):
    client.force_login(administrator)

    for url in (
        "/admin/certificates/issued/add/",
        f"/admin/certificates/issued/edit/{certificate.pk}/",
        f"/admin/certificates/issued/delete/{certificate.pk}/",
    ):
        assert client.get(url).status_code == 404


def test_administrator_revokes_with_a_reason(client, administrator, certificate):
    client.force_login(administrator)

    response = client.post(
        f"/admin/certificates/issued/{certificate.pk}/revoke/",
        {"reason": "ตรวจพบการทุจริต"},
    )

    certificate.refresh_from_db()
    assert response.status_code == 302
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_by == administrator
    assert certificate.revocation_reason == "ตรวจพบการทุจริต"


def test_an_hr_officer_cannot_revoke(client, hr_officer, certificate):
    client.force_login(hr_officer)

    client.post(f"/admin/certificates/issued/{certificate.pk}/revoke/", {"reason": "x"})

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID


def test_template_preview_is_the_real_pdf(client, administrator):
    template = CertificateTemplate.objects.create(name="แบบทดสอบ")
    client.force_login(administrator)

    response = client.get(f"/admin/certificates/templates/{template.pk}/preview.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_administrator_creates_a_template_in_the_snippet_admin(client, administrator):
    client.force_login(administrator)

    listing = client.get("/admin/certificates/templates/")

    assert listing.status_code == 200


def test_bulk_zip_is_built_by_a_task_and_downloaded(
    client, administrator, certificate, django_capture_on_commit_callbacks
):
    client.force_login(administrator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/certificates/bundles/", {"course": certificate.course_id}
        )
    bundle = CertificateBundle.objects.get()
    download = client.get(f"/admin/certificates/bundles/{bundle.pk}/download/")

    assert response.status_code == 302
    assert bundle.status == CertificateBundle.Status.READY
    assert bundle.certificate_count == 1
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert sorted(archive.namelist()) == sorted(
        [f"{certificate.number}.pdf", f"{certificate.number}.json", "manifest.csv"]
    )
    manifest = archive.read("manifest.csv").decode("utf-8-sig")
    assert certificate.number in manifest
    assert f"/verify/{certificate.public_id}/" in manifest


def test_bulk_download_is_for_administrators_only_for_now(
    client, hr_officer, certificate
):
    client.force_login(hr_officer)

    response = client.post(
        "/admin/certificates/bundles/", {"course": certificate.course_id}
    )

    assert response.status_code in (302, 403)
    assert not CertificateBundle.objects.exists()


def _template_form(**overrides):
    data = {
        "name": "แบบใหม่",
        "is_active": "on",
        "body": "<html><body><p>{{ name }} {{ number }}</p></body></html>",
        "primary_colour": "#0b4f8a",
        "accent_colour": "#b8901a",
        "signatory_name_th": "นายธนกร วิริยะพัฒน์",
        "signatory_name_en": "",
        "signatory_position_th": "ผู้อำนวยการ",
        "signatory_position_en": "",
    }
    data.update(overrides)
    return data


def test_administrator_adds_a_template(client, administrator):
    client.force_login(administrator)

    response = client.post("/admin/certificates/templates/add/", _template_form())

    assert response.status_code == 302
    assert CertificateTemplate.objects.get().is_active


def test_a_template_reaching_outside_its_assets_is_not_saved(client, administrator):
    client.force_login(administrator)

    response = client.post(
        "/admin/certificates/templates/add/",
        _template_form(body='<html><body><img src="/etc/passwd"></body></html>'),
    )

    assert response.status_code == 200
    assert "/etc/passwd" in response.content.decode()
    assert not CertificateTemplate.objects.exists()


def test_snippet_preview_serves_the_real_pdf(client, administrator):
    client.force_login(administrator)
    url = "/admin/certificates/templates/preview/"

    checked = client.post(url, _template_form())
    preview = client.get(url, {"mode": "en"})

    assert checked.json()["is_valid"] is True
    assert preview["Content-Type"] == "application/pdf"
    assert preview.content.startswith(b"%PDF-")


def test_the_admin_shows_the_true_state_and_bangkok_dates(
    client, administrator, certificate
):
    """An expired certificate reads as expired (its stored status stays "valid");
    its dates are in Bangkok time, in the Buddhist Era in Thai."""
    from datetime import UTC, datetime

    Certificate.objects.filter(pk=certificate.pk).update(
        valid_from=datetime(2024, 1, 1, tzinfo=UTC),
        valid_until=datetime(2025, 6, 30, 20, 30, tzinfo=UTC),  # 1 July, 03:30 BKK
    )
    client.force_login(administrator)
    listing = client.get(
        "/admin/certificates/issued/", HTTP_ACCEPT_LANGUAGE="th"
    ).content.decode()
    row = listing[listing.index(certificate.number) :]
    row = row[: row.index("</tr>")]
    assert "หมดอายุ" in row and ">ใช้ได้<" not in row
    assert "1 กรกฎาคม 2568 03:30" in row
    # The issue date is a date in the Buddhist Era, not "13 ชั่วโมงที่แล้ว".
    from academy.core.thaidate import format_thai_date

    assert format_thai_date(certificate.issued_on) in row
    assert "ที่แล้ว" not in row
    inspect = client.get(
        f"/admin/certificates/issued/inspect/{certificate.pk}/",
        HTTP_ACCEPT_LANGUAGE="th",
    ).content.decode()
    assert "หมดอายุ" in inspect and "1 กรกฎาคม 2568 03:30" in inspect

    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.REVOKED,
        revoked_at=datetime(2025, 3, 1, 18, 0, tzinfo=UTC),
    )
    listing = client.get(
        "/admin/certificates/issued/", HTTP_ACCEPT_LANGUAGE="th"
    ).content.decode()
    row = listing[listing.index(certificate.number) :]
    row = row[: row.index("</tr>")]
    assert "เพิกถอน" in row


@pytest.fixture
def four_states(make_learner, governance_course):
    """One certificate in each state today; the expired one is stored as valid."""
    from datetime import UTC, datetime, timedelta

    from django.utils import timezone

    made = {
        state: issue(make_learner(), governance_course)
        for state in ("valid", "expired", "revoked", "superseded")
    }
    Certificate.objects.filter(pk=made["valid"].pk).update(
        valid_until=timezone.now() + timedelta(days=30)
    )
    Certificate.objects.filter(pk=made["expired"].pk).update(
        valid_from=datetime(2024, 1, 1, tzinfo=UTC),
        valid_until=datetime(2025, 6, 30, 20, 30, tzinfo=UTC),  # 1 July, 03:30 BKK
    )
    Certificate.objects.filter(pk=made["revoked"].pk).update(
        status=Certificate.Status.REVOKED, revoked_at=timezone.now()
    )
    Certificate.objects.filter(pk=made["superseded"].pk).update(
        status=Certificate.Status.SUPERSEDED
    )
    return {state: Certificate.objects.get(pk=c.pk) for state, c in made.items()}


def test_the_state_selector_agrees_with_the_verification_state(four_states):
    from certificates.selectors import certificates_in_state, issued_certificates

    for state, certificate in four_states.items():
        assert certificate.verification_state == state
        found = certificates_in_state(issued_certificates(), state)
        assert list(found.values_list("pk", flat=True)) == [certificate.pk], state


@pytest.mark.parametrize("state", ["valid", "expired", "revoked", "superseded"])
def test_the_admin_lists_certificates_by_their_state_today(
    client, administrator, four_states, state
):
    client.force_login(administrator)
    listing = client.get(
        "/admin/certificates/issued/", {"state": state}, HTTP_ACCEPT_LANGUAGE="th"
    )
    assert listing.status_code == 200
    page = listing.content.decode()
    shown = {s for s, c in four_states.items() if c.number in page}
    assert shown == {state}
    label = str(Certificate.STATE_LABELS[state])
    row = page[page.index(four_states[state].number) :]
    assert label in row[: row.index("</tr>")]


def test_the_admin_filters_by_expiry_on_bangkok_days(
    client, administrator, four_states
):
    """valid_until is 30 June 20:30 UTC: 1 July in Bangkok, where the Academy is."""
    client.force_login(administrator)
    expired = four_states["expired"].number

    def listed(day: str) -> bool:
        page = client.get(
            "/admin/certificates/issued/",
            {"valid_until_from": day, "valid_until_to": day},
        ).content.decode()
        return expired in page

    assert listed("2025-07-01")
    assert not listed("2025-06-30")
    assert not listed("2025-07-02")
