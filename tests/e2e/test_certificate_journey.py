"""A learner earns and downloads a certificate; a stranger verifies it twice over."""

import shutil
import subprocess
from urllib.parse import urlsplit

import pytest

from certificates.models import Certificate
from tests.factories import PlacementFactory, UserFactory, competency, course, org_unit
from tests.site import site_tree

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(standards):
    site_tree()
    framework = standards["acd-digital"]
    user = UserFactory(
        email="yanisa@example.go.th", first_name="ญาณิศา", last_name="ศรีสุข"
    )
    unit = org_unit("M02", kind="ministry", name="กระทรวงทดสอบใบรับรอง")
    PlacementFactory(
        unit=unit,
        person__user=user,
        person__title_th="นางสาว",
        person__first_name_th="ญาณิศา",
        person__last_name_th="ศรีสุข",
    )
    governance = course(
        "การกำกับดูแลข้อมูลภาครัฐ",
        slug="data-governance-cert",
        lessons=2,
        competencies=[(competency(framework, "ACD-GOV-02"), 2)],
        learning_hours=3,
    )
    return user, governance


def _verify_path_from_qr(pdf_path, tmp_path, public_id) -> str:
    """The path the QR code leads to (decoded when zbarimg is installed)."""
    if shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None:
        return f"/verify/{public_id}/"
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", pdf_path, tmp_path / "qr"],
        check=True,
    )
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", tmp_path / "qr.png"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return urlsplit(decoded).path


def test_learner_downloads_and_a_stranger_verifies(
    page, browser, live_server, sign_in, shot, scene, tmp_path
):
    user, governance = scene
    sign_in(page, user.email)

    # Complete the course.
    page.goto(governance.url)
    page.locator("form[action$='/enrol/'] button").click()
    page.wait_for_url(f"**{governance.url}")
    page.locator(".enrol-box a.button").click()
    page.locator(".lesson-actions form button").click()
    page.wait_for_url("**/lesson-2/")
    page.locator(".lesson-actions form button").click()
    page.wait_for_url(f"**{governance.url}")

    # The certificate was issued on completion; open it and download it.
    certificate = Certificate.objects.get(user=user)
    assert certificate.status == Certificate.Status.VALID
    page.goto("/certificates/")
    assert certificate.number in page.locator("main").inner_text()
    shot(page, "my-certificates")
    with page.expect_download() as download_info:
        page.locator(f"#certificate-{certificate.number} .download-pdf").click()
    pdf_path = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    share = page.locator(f"#certificate-{certificate.number} .share-url").input_value()
    assert share.endswith(f"/verify/{certificate.public_id}/")

    # A stranger, not signed in, follows the QR code...
    stranger = browser.new_context(base_url=live_server.url, locale="th-TH")
    try:
        visitor = stranger.new_page()
        visitor.goto(_verify_path_from_qr(pdf_path, tmp_path, certificate.public_id))
        verdict = visitor.locator(".verdict")
        assert verdict.get_attribute("data-outcome") == "valid"
        assert "ญาณิศา ศรีสุข" in visitor.locator("main").inner_text()
        shot(visitor, "verified-by-qr")

        # ...and uploads the PDF.
        visitor.goto("/verify/")
        visitor.set_input_files("input[type=file]", str(pdf_path))
        visitor.locator("form[enctype] button[type=submit]").click()
        visitor.wait_for_load_state()
        assert visitor.locator(".verdict").get_attribute("data-outcome") == "valid"
        shot(visitor, "verified-by-upload")
    finally:
        stranger.close()
