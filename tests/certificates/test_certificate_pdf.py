"""The certificate PDF as issued: Thai text, the QR code, the attached credential,
and a template that can reach nothing outside its assets."""

import io
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.utils import translation

import pytest
from pypdf import PdfReader

from certificates import face, services
from certificates.models import Certificate, CertificateTemplate
from certificates.pdf import RefusedResourceError, extract_attachment, thai
from certificates.samples import sample_certificate
from tests.certificates.certificate_helpers import complete_course, set_completed_at
from tests.certificates.pdf_helpers import (
    ink_difference,
    needs_pdftoppm,
    needs_pdftotext,
    pdftotext,
    rasterise,
)

pytestmark = pytest.mark.django_db

needs_zbarimg = pytest.mark.skipif(
    shutil.which("zbarimg") is None,
    reason="zbarimg is not installed (Debian package zbar-tools)",
)
#: Ink that differs between the issued page and the same page drawn unshaped, per
#: ink. Two identical drawings give 0; measured on the default template: 0.0013
#: (the tone marks of ที่, ได้, ชั่ว... are a small part of a page with a seal and a QR).
SHAPING_VISIBLE = 0.0005


@pytest.fixture
def certificate(make_learner, recert_course):
    user = make_learner(first_th="ญาณิศา", last_th="ศรีสุข")
    completion = set_completed_at(
        complete_course(user, recert_course), datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    )
    return services.certificate_issue(completion=completion)


def _pdf(certificate: Certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def test_pdf_is_one_a4_landscape_page(certificate):
    reader = PdfReader(io.BytesIO(_pdf(certificate)))

    [page] = reader.pages
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (842, 595)


def test_pdf_carries_the_signed_credential(certificate):
    attached = extract_attachment(_pdf(certificate), name="credential.json")

    assert attached.decode() == certificate.credential_json
    assert json.loads(attached)["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"


@needs_pdftotext
def test_pdftotext_gives_back_the_thai_text_exactly(certificate):
    text = pdftotext(_pdf(certificate))
    lines = {" ".join(line.split()) for line in text.splitlines()}

    assert "ประกาศนียบัตร" in lines
    assert "นางสาวญาณิศา ศรีสุข" in lines
    assert "ความมั่นคงปลอดภัยไซเบอร์สำหรับผู้บริหาร" in lines
    assert "ให้ไว้ ณ วันที่ 22 พฤศจิกายน พ.ศ. 2569" in lines
    assert "จำนวน 3 ชั่วโมง" in lines
    assert f"เลขที่ {certificate.number}" in lines
    assert "ใช้ได้ถึงวันที่ 22 พฤศจิกายน พ.ศ. 2571" in lines
    assert any(line.startswith("สมรรถนะที่ได้รับ ") for line in lines)
    assert "GOV-02" not in text


def test_thai_runs_are_shaped_in_the_issued_pdf(certificate):
    reader = PdfReader(io.BytesIO(_pdf(certificate)))
    contents = b"".join(page.get_contents().get_data() for page in reader.pages)
    contents = contents.decode("latin-1")

    # Every shaped Thai run is marked with the text it stands for (ActualText).
    spans = re.findall(r"/ActualText <FEFF([0-9A-F]+)>", contents)
    words = {bytes.fromhex(span).decode("utf-16-be") for span in spans}
    assert {"ประกาศนียบัตร", "วันที่", "ชั่วโมง"} <= words


@needs_pdftoppm
def test_issued_pdf_differs_from_the_unshaped_drawing(certificate, tmp_path):
    # The same page without shaping puts the tone marks on the vowels: if the
    # certificate's fonts were not shaped, the two rasters would be identical.
    design = services.certificate_design()
    context = face.certificate_context(certificate, design=design)
    shaped = face.render_certificate_pdf(design=design, context=context)
    with thai.without_shaping():
        unshaped = face.render_certificate_pdf(design=design, context=context)

    (tmp_path / "shaped").mkdir()
    (tmp_path / "unshaped").mkdir()
    difference = ink_difference(
        rasterise(shaped, tmp_path / "shaped"),
        rasterise(unshaped, tmp_path / "unshaped"),
    )

    assert difference > SHAPING_VISIBLE


@needs_zbarimg
@needs_pdftoppm
def test_qr_code_decodes_to_the_verify_url(certificate, tmp_path):
    source = tmp_path / "certificate.pdf"
    source.write_bytes(_pdf(certificate))
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", source, tmp_path / "page"],
        check=True,
    )

    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", tmp_path / "page.png"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()

    assert decoded == [f"http://testserver/verify/{certificate.public_id}/"]


# --- the template -----------------------------------------------------------------


def _template(body: str, **fields) -> CertificateTemplate:
    return CertificateTemplate(name="ทดสอบ", body=body, **fields)


PAGE = "<html><body><p>{{ name }}</p>%s</body></html>"


@pytest.mark.parametrize(
    "reference",
    [
        "/etc/passwd",
        "file:///etc/passwd",
        "../../settings/base.py",
        "http://127.0.0.1:1/x.png",
    ],
)
def test_template_cannot_read_files_or_fetch_urls(reference, watch):
    template = _template(
        PAGE % f'<img src="{reference}"><link rel="stylesheet" href="{reference}">'
    )

    with pytest.raises(ValidationError) as refused:
        template.full_clean()

    assert reference in str(refused.value)
    assert "/etc/passwd" not in watch.opened
    assert watch.network == []


@pytest.mark.parametrize(
    "tag",
    [
        '{% include "/etc/passwd" %}',
        '{% extends "/etc/passwd" %}',
        "{% load static %}",
        "{% load academy_tags %}",
        '{% ssi "/etc/passwd" %}',
        "{% debug %}",
        "{% csrf_token %}",
        "{% autoescape off %}{{ name }}{% endautoescape %}",
        "{{ name|safe }}",
        "{% url 'certificates:verify' %}",
    ],
)
def test_template_language_is_cut_down_to_presentation(tag, watch):  # noqa: F811
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="Template error"),
    ):
        _template(PAGE % tag).full_clean()

    assert "/etc/passwd" not in watch.opened


def test_unknown_variables_are_named(watch):  # noqa: F811
    with pytest.raises(ValidationError, match="settings, user"):
        _template(PAGE % "{{ user.password }}{{ settings.SECRET_KEY }}").full_clean()


def test_template_loops_and_filters_are_allowed():
    body = (
        "<html><body>{% for item in competencies %}<p>{{ item.code|upper }}</p>"
        "{% endfor %}<p>{{ issued_on|thai_date }}</p></body></html>"
    )

    _template(body).full_clean()


def test_names_are_escaped_not_markup():
    certificate = sample_certificate()
    certificate.name_th = '<img src="/etc/passwd">'
    design = face.default_design()

    html = face.render_html(
        design=design, context=face.certificate_context(certificate, design=design)
    )
    face.render_certificate_pdf(
        design=design, context=face.certificate_context(certificate, design=design)
    )

    assert "&lt;img src=&quot;/etc/passwd&quot;&gt;" in html


def test_a_tampered_active_template_is_refused_at_issue(learner, governance_course):
    template = _template(PAGE % "", is_active=True)
    template.full_clean()
    template.save()
    CertificateTemplate.objects.filter(pk=template.pk).update(
        body=PAGE % '<img src="/etc/passwd">'
    )
    completion = complete_course(learner, governance_course)

    with pytest.raises(RefusedResourceError):
        services.certificate_issue(completion=completion)
    assert Certificate.objects.get().status == Certificate.Status.PENDING


def test_colours_must_be_hex():
    with pytest.raises(ValidationError) as refused:
        _template(
            PAGE % "", primary_colour="red; background: url(/etc/passwd)"
        ).full_clean()

    assert "primary_colour" in refused.value.message_dict


def test_one_template_is_active_at_a_time():
    first = _template(PAGE % "", is_active=True)
    first.save()
    second = _template(PAGE % "", is_active=True)
    second.save()

    first.refresh_from_db()
    assert not first.is_active
    assert CertificateTemplate.objects.get(is_active=True) == second


def test_active_template_designs_new_certificates(learner, governance_course):
    CertificateTemplate.objects.create(
        name="ใหม่",
        is_active=True,
        body="<html><body><p>แบบใหม่ {{ number }}</p></body></html>",
    )

    certificate = services.certificate_issue(
        completion=complete_course(learner, governance_course)
    )

    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(_pdf(certificate))).pages
    )
    assert certificate.number in text
