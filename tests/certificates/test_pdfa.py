"""The issued certificate PDF is a PDF/A-3b archive carrying its credential.

Checked by tests/certificates/pdfa_check.py, a structural check with pypdf that says
which rules of ISO 19005-3 it covers (veraPDF itself is not distributed by the
registries this project installs from).
"""

import io
import json
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

from certificates import services
from certificates.face import ASSETS_DIR
from certificates.pdf import extract_attachment, render_pdf
from tests.certificates.certificate_helpers import issue
from tests.certificates.pdfa_check import STANDARD_14, pdfa_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(learner, governance_course):
    return issue(learner, governance_course)


def _pdf(certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def _fonts(pdf: bytes) -> list[str]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = page["/Resources"]["/Font"]
    return [str(font.get_object()["/BaseFont"]) for font in fonts.values()]


def test_issued_certificate_pdf_passes_the_pdfa3_structural_check(certificate):
    assert pdfa_problems(_pdf(certificate)) == []


def test_english_certificate_pdf_passes_the_pdfa3_structural_check(certificate):
    pdf = services.certificate_pdf(
        certificate, credential_json=certificate.credential_json, language="en"
    )

    assert pdfa_problems(pdf) == []


def test_the_check_finds_what_a_plain_xhtml2pdf_file_lacks():
    plain = render_pdf("<p>ประกาศนียบัตร</p>", assets_dir=ASSETS_DIR)

    problems = " | ".join(pdfa_problems(plain))

    assert "6.2.3" in problems  # no output intent
    assert "6.6.2" in problems  # no XMP
    assert "6.8" in problems  # no associated file


def test_a_link_in_a_template_becomes_a_printed_annotation():
    from certificates.pdf import attach_file

    pdf = render_pdf(
        '<p><a href="https://academy.example/verify/">ตรวจสอบ</a></p>',
        assets_dir=ASSETS_DIR,
    )

    archived = attach_file(pdf, name="credential.json", data=b"{}")

    assert "6.3.2" in " ".join(pdfa_problems(pdf))
    assert pdfa_problems(archived) == []


def test_no_standard_font_is_referenced_and_every_font_is_sarabun(certificate):
    fonts = _fonts(_pdf(certificate))

    assert fonts
    assert not {font.lstrip("/").split("+")[-1] for font in fonts} & STANDARD_14
    assert all("Sarabun" in font for font in fonts)


def test_a_template_asking_for_helvetica_gets_embedded_sarabun():
    html = '<p style="font-family: Helvetica">ประกาศนียบัตร Certificate</p>'

    pdf = render_pdf(html, assets_dir=ASSETS_DIR)

    fonts = _fonts(pdf)
    assert fonts
    assert all("Sarabun" in font for font in fonts)


def test_credential_is_the_associated_file_with_data_relationship(certificate):
    pdf = _pdf(certificate)
    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]

    [spec] = [ref.get_object() for ref in catalog["/AF"]]

    assert spec["/UF"] == spec["/F"] == "credential.json"
    assert spec["/AFRelationship"] == "/Data"
    assert spec["/EF"]["/F"].get_object()["/Subtype"] == "/application#2Fjson"
    assert json.loads(extract_attachment(pdf, name="credential.json")) == (
        certificate.credential
    )


def test_xmp_names_pdfa3b_and_the_certificate(certificate):
    catalog = PdfReader(io.BytesIO(_pdf(certificate))).trailer["/Root"]

    xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")

    root = ET.fromstring(xmp)  # noqa: S314 - the PDF this test issued
    ns = {"pdfaid": "http://www.aiim.org/pdfa/ns/id/"}
    assert root.find(".//pdfaid:part", ns).text == "3"
    assert root.find(".//pdfaid:conformance", ns).text == "B"
    assert certificate.number in xmp
    assert certificate.course_title_th in xmp


def test_output_intent_embeds_the_bundled_srgb_profile(certificate):
    from certificates.pdf.pdfa import ICC_PROFILE

    catalog = PdfReader(io.BytesIO(_pdf(certificate))).trailer["/Root"]

    [intent] = [i.get_object() for i in catalog["/OutputIntents"]]

    assert intent["/S"] == "/GTS_PDFA1"
    assert intent["/OutputConditionIdentifier"] == "sRGB IEC61966-2.1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile.get_data() == ICC_PROFILE.read_bytes()
