"""The certificate face: Thai wrapped between words, nothing off the page, no raw codes."""

import dataclasses
import io
from datetime import date

from django.test import override_settings

import pytest
from PIL import Image

from certificates import face
from certificates.pdf.wrap import fit_lines, words, wrap_lines
from certificates.samples import sample_certificate
from certificates.template_library import wrap
from tests.certificates.pdf_helpers import render_certificate, text_boxes

#: The longest titles, names, positions and units a ministry realistically has.
LONGEST = {
    "course_title_th": (
        "การใช้ปัญญาประดิษฐ์และการวิเคราะห์ข้อมูลขนาดใหญ่เพื่อการตัดสินใจเชิงนโยบาย"
        "และการบริหารราชการแผ่นดินในยุคดิจิทัลสำหรับผู้บริหารระดับสูงของส่วนราชการ"
    ),
    "course_title_en": (
        "Artificial intelligence and big data analytics for policy decisions and "
        "public administration in the digital era, for senior executives of "
        "government agencies"
    ),
    "name_th": ("ว่าที่ร้อยตรีหญิงเจ้าพระยาสุรสีห์วิษณุเทพนิมิตรเกียรติสกุล ศรีสวัสดิ์วงศ์ไพบูลย์ชัยมงคลกิจเจริญ"),
    "position_th": (
        "นักวิชาการคอมพิวเตอร์ชำนาญการพิเศษ "
        "รักษาราชการแทนผู้อำนวยการกองเทคโนโลยีสารสนเทศและการสื่อสาร"
    ),
    "organisation_th": (
        "ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร สำนักงานปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"
    ),
}
PAGE_WIDTH, PAGE_HEIGHT = 842, 595
#: The inner edge of the default template's frame: 9 mm margin, 3 pt border,
#: 1.6 mm padding, 1 pt border; text keeps a further 3 pt clear of it.
FRAME = 25.5 + 3 + 4.5 + 1 + 3


def _longest_certificate(*, expires: bool = True):
    certificate = sample_certificate()
    for field, value in LONGEST.items():
        setattr(certificate, field, value)
    certificate.competencies = certificate.competencies * 3
    if not expires:
        certificate.valid_until = None
    return certificate


def _signed_design():
    """The default template with a signature image and a long signatory."""
    image = Image.new("RGB", (300, 100), "white")
    png = io.BytesIO()
    image.save(png, "PNG")
    return dataclasses.replace(
        face.default_design(),
        signature_src=face.png_data_uri(png.getvalue()),
        signatory_name_th="นายสมชาย ใจดีมากมายเหลือเกินจริงๆ",
        signatory_name_en="Mr Somchai Jaidee-Makmai",
        signatory_position_th="ผู้อำนวยการสถาบันพัฒนาบุคลากรภาครัฐด้านดิจิทัล",
        signatory_position_en="Director, Digital Government Academy",
    )


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("expires", [True, False])
@pytest.mark.parametrize("signed", [False, True])
def test_longest_texts_stay_inside_the_frame_on_one_page(language, expires, signed):
    design = _signed_design() if signed else None
    pdf = render_certificate(_longest_certificate(expires=expires), language, design)

    boxes = text_boxes(pdf)

    assert boxes
    outside = [
        (text[:30], round(x), round(y), round(x + width))
        for text, x, y, width in boxes
        if x < FRAME or x + width > PAGE_WIDTH - FRAME or y < FRAME or y > PAGE_HEIGHT
    ]
    assert outside == []


def test_a_long_thai_title_is_broken_between_words_without_added_spaces():
    title = LONGEST["course_title_th"]

    lines = wrap_lines(title, width=235 * 72 / 25.4, size=19, bold=True)

    assert len(lines) > 1
    assert "".join(lines) == title
    tokens = words(title)
    boundaries = {sum(len(t) for t in tokens[:i]) for i in range(len(tokens) + 1)}
    ends = [sum(len(line) for line in lines[: i + 1]) for i in range(len(lines))]
    assert set(ends) <= boundaries


def test_wrap_filter_sets_a_text_smaller_to_keep_its_line_count():
    lines, size = fit_lines(
        LONGEST["course_title_th"],
        width=235 * 72 / 25.4,
        size=19,
        bold=True,
        max_lines=2,
    )

    assert len(lines) == 2
    assert 19 * 0.7 <= size < 19
    assert "font-size: " in wrap(LONGEST["course_title_th"], "235mm 19pt bold 2")


def test_verify_url_is_printed_in_two_lines_for_the_narrow_footer_column():
    design = face.default_design()
    context = face.certificate_context(
        sample_certificate(), design=design, language="th"
    )

    head, tail = context["verify_url_lines"]

    assert head + tail == context["verify_url"]
    assert head.endswith("/verify/")


def test_wrap_filter_escapes_each_line():
    assert wrap("<b>ชื่อ</b>", "100mm 12pt") == "&lt;b&gt;ชื่อ&lt;/b&gt;"


def _face_text(certificate, language: str) -> str:
    design = face.default_design()
    context = face.certificate_context(certificate, design=design, language=language)
    return face.render_html(design=design, context=context)


def test_thai_face_names_the_era_and_has_no_codes_or_middle_dots():
    html = _face_text(sample_certificate(), "th")

    assert "22 พฤศจิกายน พ.ศ. 2569" in html
    assert "GOV-02" not in html
    assert "·" not in html
    assert "ระดับ 3" not in html
    assert "ธรรมาภิบาลข้อมูล ระดับประยุกต์ใช้" in html


def test_hours_read_as_whole_hours():
    html = _face_text(sample_certificate(), "th")

    assert "จำนวน 6 ชั่วโมง" in html
    assert "6.0" not in html


def test_thai_certificate_that_does_not_expire_says_so():
    certificate = sample_certificate()
    certificate.valid_until = None

    assert "ไม่มีวันหมดอายุ" in _face_text(certificate, "th")


@override_settings(ACADEMY_CERTIFICATE_THAI_DIGITS=True)
def test_thai_digits_option_prints_dates_and_hours_in_thai_digits():
    certificate = sample_certificate()
    certificate.issued_on = date(2026, 11, 22)

    html = _face_text(certificate, "th")

    assert "๒๒ พฤศจิกายน พ.ศ. ๒๕๖๙" in html
    assert "จำนวน ๖ ชั่วโมง" in html
    # The certificate number stays as typed into the verification form.
    assert certificate.number in html


@override_settings(ACADEMY_CERTIFICATE_THAI_DIGITS=True)
def test_english_certificate_keeps_arabic_digits_with_the_option_on():
    html = _face_text(sample_certificate(), "en")

    assert "22 November 2026" in html
    assert "๒" not in html
