"""Certificate PDFs and HR bundles are private: no guessable name under /media/,
only the permission-checked (and, for HR, audited) download views serve them."""

from pathlib import Path

from django.urls import reverse

import pytest

from academy.accounts.models import AuditEntry
from certificates import services
from certificates.models import CertificateBundle
from tests.certificates.certificate_helpers import issue
from tests.factories import PlacementFactory, UserFactory, hr_officer, org_unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_published(settings):
    settings.ROOT_URLCONF = "tests.media_urls"


@pytest.fixture
def world(standards, governance_course):
    unit = org_unit("V1", kind="ministry")
    user = UserFactory(email="holder@example.go.th")
    PlacementFactory(unit=unit, person__user=user, person__email=user.email)
    world = type("World", (), {})()
    world.unit = unit
    world.holder = user
    world.certificate = issue(user, governance_course)
    world.officer = hr_officer(unit, email="hr-v1@example.go.th")
    return world


def _files_under(root) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()]


def _bundle(client, world, django_capture_on_commit_callbacks) -> CertificateBundle:
    client.force_login(world.officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("hr:certificate_bundle_request"), {"unit": world.unit.pk})
    client.logout()
    return CertificateBundle.objects.get(status=CertificateBundle.Status.READY)


def test_a_guessed_bundle_name_under_media_finds_nothing(
    client, settings, world, django_capture_on_commit_callbacks
):
    bundle = _bundle(client, world, django_capture_on_commit_callbacks)
    guesses = [
        f"/media/certificates/bundles/unit-{world.unit.code}-{bundle.pk}.zip",
        f"/media/{bundle.file.name}",
    ]
    for guess in guesses:
        assert client.get(guess).status_code == 404, guess
    assert _files_under(settings.MEDIA_ROOT) == []
    assert f"unit-{world.unit.code}" not in bundle.file.name


def test_a_certificate_pdf_is_not_under_media_even_when_revoked(
    client, settings, world
):
    certificate = world.certificate
    services.certificate_revoke(
        certificate=certificate, reason="ออกผิดคน", revoked_by=None
    )
    certificate.refresh_from_db()
    # The public id is in every QR code: it must not name the file.
    for guess in (
        f"/media/certificates/pdf/{certificate.public_id}.pdf",
        f"/media/{certificate.pdf.name}",
    ):
        assert client.get(guess).status_code == 404, guess
    assert str(certificate.public_id) not in certificate.pdf.name
    assert _files_under(settings.MEDIA_ROOT) == []
    assert (Path(settings.ACADEMY_PRIVATE_MEDIA_ROOT) / certificate.pdf.name).is_file()


def test_the_pdf_is_served_to_its_holder_only(client, world):
    url = reverse("certificates:my_pdf", args=[world.certificate.public_id])
    client.force_login(UserFactory(email="someone@example.go.th"))
    assert client.get(url).status_code == 404
    client.force_login(world.holder)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_bundle_download_is_audited(
    client, world, django_capture_on_commit_callbacks
):
    bundle = _bundle(client, world, django_capture_on_commit_callbacks)
    client.force_login(world.officer)
    response = client.get(reverse("hr:certificate_bundle_download", args=[bundle.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")
    entry = AuditEntry.objects.get(action="certificate_bundle.download")
    assert entry.actor == world.officer
    assert entry.object_id == str(bundle.pk)


def _outcome(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    if response.status_code == 302 and "/login/" in response["Location"]:
        return "login"
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


def test_download_access_matrix(client, world, django_capture_on_commit_callbacks):
    """Who gets which private certificate file: 200, 404 (never 403) or sign-in."""
    from academy.accounts.roles import Role

    bundle = _bundle(client, world, django_capture_on_commit_callbacks)
    users = {
        "holder": world.holder,
        "requesting officer": world.officer,
        "other officer of the unit": hr_officer(world.unit, email="hr2@example.go.th"),
        "administrator": UserFactory(roles=[Role.ACADEMY_ADMIN]),
        "learner": UserFactory(email="other@example.go.th"),
        "anonymous": None,
    }
    urls = {
        "pdf": reverse("certificates:my_pdf", args=[world.certificate.public_id]),
        "hr bundle": reverse("hr:certificate_bundle_download", args=[bundle.pk]),
        "admin bundle": reverse("certificates_bundle_download", args=[bundle.pk]),
    }
    actual = {
        (what, who): _outcome(client, user, url)
        for what, url in urls.items()
        for who, user in users.items()
    }
    expected = {
        ("pdf", "holder"): 200,
        ("pdf", "requesting officer"): 404,
        ("pdf", "other officer of the unit"): 404,
        ("pdf", "administrator"): 404,
        ("pdf", "learner"): 404,
        ("pdf", "anonymous"): "login",
        ("hr bundle", "holder"): 404,
        ("hr bundle", "requesting officer"): 200,
        ("hr bundle", "other officer of the unit"): 404,
        ("hr bundle", "administrator"): 404,
        ("hr bundle", "learner"): 404,
        ("hr bundle", "anonymous"): "login",
        # The admin's route: Wagtail admin users only, and course bundles only.
        ("admin bundle", "holder"): "login",
        ("admin bundle", "requesting officer"): "login",
        ("admin bundle", "other officer of the unit"): "login",
        ("admin bundle", "administrator"): 404,
        ("admin bundle", "learner"): "login",
        ("admin bundle", "anonymous"): "login",
    }
    assert actual == expected
