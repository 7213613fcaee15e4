"""PDPA: the privacy notice, the personal data download, and retention."""

import json
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

import pytest

from academy.accounts.audit import AuditAction, audit_record
from academy.accounts.models import AuditEntry, PrivacyNoticeAcceptance
from academy.accounts.privacy import (
    export_section_names,
    retention_run,
    subject_for_user,
)
from academy.accounts.roles import Role
from competencies.models import Evidence, EvidenceAttachment
from tests.factories import (
    EvidenceFactory,
    PersonFactory,
    PlacementFactory,
    UserFactory,
    competency,
    level,
    org_unit,
)

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------
# The notice
# ------------------------------------------------------------------------------


@pytest.mark.real_sign_in
def test_the_notice_is_shown_at_first_sign_in_and_acceptance_recorded(client):
    learner = UserFactory(roles=[Role.LEARNER])
    response = client.post(
        "/accounts/login/?next=/dashboard/",
        {"login": learner.email, "password": "correct-horse-42"},
    )
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == "/accounts/privacy/?next=%2Fdashboard%2F"
    refused = client.post("/accounts/privacy/?next=/dashboard/", {})
    assert refused.status_code == 400
    assert not PrivacyNoticeAcceptance.objects.filter(user=learner).exists()

    response = client.post(
        "/accounts/privacy/", {"accept": "on", "next": "/dashboard/"}
    )
    assert response["Location"] == "/dashboard/"
    acceptance = PrivacyNoticeAcceptance.objects.get(user=learner)
    assert acceptance.version == "2026-01"
    assert abs(acceptance.accepted_at - timezone.now()) < timedelta(minutes=1)
    assert client.get("/dashboard/").status_code == 200


@pytest.mark.real_sign_in
def test_a_new_notice_version_is_shown_again(client, settings):
    learner = UserFactory(roles=[Role.LEARNER])
    PrivacyNoticeAcceptance.objects.create(user=learner, version="2026-01")
    client.post(
        "/accounts/login/", {"login": learner.email, "password": "correct-horse-42"}
    )
    assert client.get("/dashboard/").status_code == 200
    settings.ACADEMY_PRIVACY_NOTICE_VERSION = "2027-01"
    response = client.get("/dashboard/")
    assert response["Location"].startswith("/accounts/privacy/")


@pytest.mark.real_sign_in
def test_the_notice_does_not_redirect_off_site(client):
    learner = UserFactory(roles=[Role.LEARNER])
    client.force_login(learner)
    response = client.post(
        "/accounts/privacy/", {"accept": "on", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_the_notice_is_public(client):
    response = client.get("/accounts/privacy/")
    assert response.status_code == 200
    assert b"PDPA" in response.content
    assert b'name="accept"' not in response.content


# ------------------------------------------------------------------------------
# The download
# ------------------------------------------------------------------------------


def _learner_with_everything(framework):
    from certificates.models import Certificate  # noqa: F401 - the app is installed

    user = UserFactory(roles=[Role.LEARNER], email="mydata@example.go.th")
    person = PersonFactory(user=user, national_id_masked="1-2345-xxxxx-xx-3")
    PlacementFactory(person=person, unit=org_unit("PD1", kind="ministry"))
    comp = competency(framework, framework.competencies.first().code)
    EvidenceFactory(person=person, competency=comp, level=level(framework, 2))
    audit_record(
        actor=UserFactory(), action=AuditAction.PERSON_VIEW, obj=person, subject=person
    )
    return user, person


def test_the_download_holds_every_section(client, framework_academy):
    user, person = _learner_with_everything(framework_academy)
    client.force_login(user)
    response = client.post("/accounts/my-data.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment;" in response["Content-Disposition"]
    document = json.loads(response.content)
    expected = {
        "account",
        "person",
        "placements",
        "evidence",
        "enrolments",
        "attempts",
        "certificates",
        "audit_entries",
        "privacy_notice_acceptances",
        "sessions",
    }
    assert expected <= set(document)
    assert set(export_section_names()) <= set(document)
    assert document["account"]["email"] == "mydata@example.go.th"
    assert document["person"]["national_id"] == "1-2345-xxxxx-xx-3"
    assert document["placements"][0]["unit_code"] == "PD1"
    assert len(document["evidence"]) == 1
    actions = [entry["action"] for entry in document["audit_entries"]]
    assert AuditAction.PERSON_VIEW in actions
    assert AuditAction.PERSONAL_DATA_EXPORT in actions  # the download lists itself


def test_the_download_holds_enrolments_and_certificates(client, framework_academy):
    from courses.services import enrolment_create
    from tests.factories import course

    user, _person = _learner_with_everything(framework_academy)
    enrolment_create(user=user, course=course("หลักสูตรข้อมูลส่วนบุคคล"))
    client.force_login(user)
    document = json.loads(client.post("/accounts/my-data.json").content)
    assert [row["course"] for row in document["enrolments"]] == ["หลักสูตรข้อมูลส่วนบุคคล"]


def test_the_download_is_a_post_and_for_oneself_only(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/accounts/my-data.json").status_code == 405
    client.logout()
    assert client.post("/accounts/my-data.json").status_code == 302


def test_the_account_page_offers_the_download(client):
    client.force_login(UserFactory())
    response = client.get("/accounts/profile/")
    assert response.status_code == 200
    assert b'action="/accounts/my-data.json"' in response.content
    assert b"csrfmiddlewaretoken" in response.content


# ------------------------------------------------------------------------------
# Retention
# ------------------------------------------------------------------------------


def _leaver(framework, *, left_on, email):
    user = UserFactory(email=email, roles=[Role.LEARNER])
    person = PersonFactory(
        user=user,
        left_on=left_on,
        national_id_digest=email,
        national_id_masked="1-2345-xxxxx-xx-3",
    )
    PlacementFactory(person=person, unit=org_unit(email[:6].upper(), kind="ministry"))
    comp = framework.competencies.first()
    evidence = EvidenceFactory(
        person=person, competency=comp, level=level(framework, 2), note="ชื่อ นามสกุล"
    )
    EvidenceAttachment.objects.create(
        evidence=evidence,
        file=ContentFile(b"%PDF-1.4 rating form", name="rating.pdf"),
        original_name="rating-somchai.pdf",
        content_type="application/pdf",
        size=20,
        sha256="0" * 64,
    )
    return user, person


def test_retention_anonymises_people_who_left_before_the_period(
    framework_academy, settings
):
    settings.ACADEMY_RETENTION_DAYS = 365
    today = date(2026, 6, 1)
    gone_user, gone = _leaver(
        framework_academy, left_on=date(2025, 5, 1), email="gone1@example.go.th"
    )
    recent_user, recent = _leaver(
        framework_academy, left_on=date(2025, 12, 1), email="recent@example.go.th"
    )
    evidence_before = Evidence.objects.count()

    assert retention_run(today=today) == 1

    gone.refresh_from_db()
    gone_user.refresh_from_db()
    assert gone.first_name_th == "ไม่ระบุตัวตน"
    assert (gone.first_name_en, gone.last_name_en, gone.email) == ("", "", "")
    assert gone.employee_number is None and gone.national_id_digest is None
    assert gone.national_id_masked == ""
    assert gone_user.email == f"anonymised-{gone_user.pk}@invalid.invalid"
    assert not gone_user.is_active and not gone_user.has_usable_password()
    assert gone_user.anonymised_at is not None
    assert list(gone_user.groups.all()) == []
    # Statistics stay: the person, their placements and evidence rows remain.
    assert Evidence.objects.count() == evidence_before
    assert gone.placements.count() == 1
    evidence = Evidence.objects.get(person=gone)
    assert evidence.note == ""
    assert evidence.attachment.original_name == ""
    assert not evidence.attachment.file
    # The one who left recently is untouched.
    recent.refresh_from_db()
    assert recent.first_name_th != "ไม่ระบุตัวตน" and recent.email
    assert AuditEntry.objects.filter(
        action=AuditAction.PERSON_ANONYMISE, subject_person_id=gone.pk
    ).exists()


def test_retention_runs_once_per_person(framework_academy, settings):
    settings.ACADEMY_RETENTION_DAYS = 30
    _leaver(framework_academy, left_on=date(2020, 1, 1), email="once1@example.go.th")
    assert retention_run(today=date(2026, 1, 1)) == 1
    assert retention_run(today=date(2026, 1, 2)) == 0


def test_anonymised_people_keep_their_certificates_verifiable(
    framework_academy, settings, client
):
    from tests.certificates.certificate_helpers import issue
    from tests.factories import course

    settings.ACADEMY_RETENTION_DAYS = 30
    user, person = _leaver(
        framework_academy, left_on=date(2020, 1, 1), email="cert1@example.go.th"
    )
    certificate = issue(user, course("หลักสูตรที่จบแล้ว"))
    retention_run(today=date(2026, 1, 1))
    certificate.refresh_from_db()
    assert certificate.last_name_th == "ใจดี"  # as printed, kept
    response = client.get(f"/verify/{certificate.public_id}/")
    assert response.status_code == 200
    assert certificate.last_name_th.encode() in response.content


def test_the_task_is_scheduled_nightly(settings):
    from academy.accounts.tasks import anonymise_leavers

    entry = settings.CELERY_BEAT_SCHEDULE["accounts-anonymise-leavers"]
    assert entry["task"] == anonymise_leavers.name
    assert anonymise_leavers.delay().get() == 0


def test_subject_for_user_finds_the_linked_person():
    user = UserFactory()
    person = PersonFactory(user=user)
    assert subject_for_user(user).person_id == person.pk
    assert subject_for_user(UserFactory()).person_id is None
