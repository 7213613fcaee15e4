"""A certificate's face: what it says and how it looks. The administrators' template
in a cut-down template language, the plain-data context it is rendered with (the
wording, dates, QR code), the design, and the page as HTML, then as PDF through
certificates.pdf (the HTML-to-PDF renderer, which knows nothing of certificates).

A template is HTML written by administrators, so it is rendered by an engine of its
own (certificates.template_library: no {% load %}, {% include %}, {% extends %}, no
loaders at all) with a context of plain strings, numbers, dates and lists: there is
no model instance in it to walk from. The PDF renderer then refuses any file or URL
outside the bundled assets (certificates.pdf.render).
"""

from __future__ import annotations

import base64
import functools
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.template import Context, Engine, TemplateSyntaxError
from django.utils import timezone, translation

import qrcode
from PIL import Image as PILImage
from qrcode.constants import ERROR_CORRECT_M
from reportlab import rl_config

from academy.core.thaidate import (
    THAI_MONTHS,
    buddhist_year,
    format_english_date,
)
from certificates import conf
from certificates.pdf import render_pdf
from certificates.template_library import THAI_DIGITS

PDF_DIR = Path(__file__).resolve().parent / "pdf"
ASSETS_DIR = PDF_DIR / "assets"
DEFAULT_BODY_PATH = PDF_DIR / "default_body.html"
DEFAULT_LOGO = "academy-seal.jpg"
DEFAULT_PRIMARY_COLOUR = "#0b4f8a"
DEFAULT_ACCENT_COLOUR = "#b8901a"
#: Largest side of an uploaded logo or signature once embedded.
EMBEDDED_IMAGE_MAX = 800

# PDF streams as binary, not ASCII85 text: ReportLab's ASCII85 encoder is pure
# Python without its optional C accelerator and took a third of the render time;
# binary streams are also a fifth smaller. Nothing else in the process uses it.
rl_config.useA85 = 0

#: Every variable a template may use, with what it holds (shown in the admin).
ALLOWED_VARIABLES: dict[str, str] = {
    "language": "th or en: the language of this rendering",
    "issuer_name": "the Academy's name in the language",
    "issuer_name_th": "the Academy's name in Thai",
    "issuer_name_en": "the Academy's name in English",
    "name": "the learner's name (with title) in the language",
    "name_th": "the learner's name in Thai",
    "name_en": "the learner's name in English (may be empty)",
    "position": "the learner's position at issue time, in the language",
    "position_th": "position in Thai",
    "position_en": "position in English",
    "organisation": "the learner's organisation unit, in the language",
    "organisation_th": "organisation in Thai",
    "organisation_en": "organisation in English",
    "course_title": "the course, in the language",
    "course_title_th": "the course in Thai",
    "course_title_en": "the course in English",
    "learning_hours": "learning hours, e.g. 6 or 7.5",
    "hours_text": "the hours as a phrase: จำนวน 6 ชั่วโมง / 6 learning hours",
    "position_line": "position and organisation as one phrase, in the language",
    "competencies_text": "the competencies and levels as one phrase, no codes",
    "competencies": "list of {code, name, framework, level, level_rank}",
    "training_text": "period and mode of study: อบรมระหว่างวันที่ 3 – 15 พฤศจิกายน พ.ศ. 2569 เรียนออนไลน์ด้วยตนเอง",
    "issued_on": "issue date (use |thai_date for 22 พฤศจิกายน 2569)",
    "issued_on_text": "issue date as printed: 22 พฤศจิกายน พ.ศ. 2569 / 22 November 2026",
    "valid_until": "expiry date, or empty when the certificate does not expire",
    "valid_until_text": "expiry date as printed, or empty",
    "thai_digits": "True when Thai certificates print Thai digits (๐-๙)",
    "number": "the certificate number, e.g. DGA-2569-000123",
    "verify_url": "the public verification URL",
    "verify_url_lines": "the verification URL in two lines (it has no spaces to wrap at)",
    "qr_src": "the QR code image of verify_url (use as <img src>)",
    "logo_src": "the template's logo (use as <img src>)",
    "signature_src": "the signature image, or empty",
    "signatory_name": "the signatory's name, in the language",
    "signatory_position": "the signatory's position, in the language",
    "primary_colour": "the template's primary colour (#rrggbb)",
    "accent_colour": "the template's accent colour (#rrggbb)",
}


class _CertificateEngine(Engine):
    # Django's Engine adds its default builtins (every tag and filter, include and
    # extends among them) to the ones given; a certificate template gets none.
    default_builtins: list[str] = []


@functools.cache
def template_engine() -> Engine:
    return _CertificateEngine(
        dirs=[],
        app_dirs=False,
        loaders=[],
        context_processors=[],
        libraries={},
        builtins=["certificates.template_library"],
        autoescape=True,
        debug=False,
        string_if_invalid="",
    )


@functools.cache
def default_body() -> str:
    return DEFAULT_BODY_PATH.read_text("utf-8")


@functools.lru_cache(maxsize=32)
def compile_body(body: str):
    """The compiled template; TemplateSyntaxError names the refused tag or filter."""
    return template_engine().from_string(body)


class _RecordingContext(Context):
    """A Context that remembers every name a template looked up and did not find."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.missing: set[str] = set()

    def __getitem__(self, key):
        try:
            return super().__getitem__(key)
        except KeyError:
            self.missing.add(key)
            raise


def unknown_variables(body: str, context: dict[str, Any]) -> set[str]:
    """Names the template uses that are not certificate variables (nor its own loop
    or {% with %} names)."""
    recording = _RecordingContext(context, autoescape=True)
    with translation.override(context.get("language", "th")):
        compile_body(body).render(recording)
    return recording.missing - {"forloop"}


@dataclass(frozen=True)
class Design:
    """What a certificate template contributes to the page, resolved to plain data."""

    body: str
    primary_colour: str = DEFAULT_PRIMARY_COLOUR
    accent_colour: str = DEFAULT_ACCENT_COLOUR
    logo_src: str = DEFAULT_LOGO
    signature_src: str = ""
    signatory_name_th: str = ""
    signatory_name_en: str = ""
    signatory_position_th: str = ""
    signatory_position_en: str = ""


def default_design() -> Design:
    return Design(body=default_body())


#: The QR data mask, fixed: choosing the one with the lowest ISO 18004 penalty means
#: building and scoring all eight, which is nine tenths of the QR code's time (about
#: 9 ms of a certificate's render). Every decoder reads any of the eight masks; the
#: penalty only avoids patterns that trouble poor scanners, and a verify URL on a
#: printed certificate decodes with this one (tests/certificates: zbarimg).
QR_MASK_PATTERN = 2


def qr_png(data: str) -> bytes:
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M,
        box_size=4,
        border=2,
        mask_pattern=QR_MASK_PATTERN,
    )
    code.add_data(data)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out)
    return out.getvalue()


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@functools.lru_cache(maxsize=16)
def _image_file_data_uri(storage_name: str, cache_key: str, path_or_name: str) -> str:
    from django.core.files.storage import storages

    with (
        storages[storage_name].open(path_or_name, "rb") as handle,
        PILImage.open(handle) as image,
    ):
        if image.format not in {"PNG", "JPEG", "GIF", "WEBP"}:
            return ""
        image.thumbnail((EMBEDDED_IMAGE_MAX, EMBEDDED_IMAGE_MAX))
        if image.mode not in {"RGB", "RGBA", "L", "LA"}:
            image = image.convert("RGBA")
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
    return png_data_uri(out.getvalue())


def image_data_uri(image) -> str:
    """A Wagtail image as a PNG data: URI (the renderer reads no media files).

    Empty for a missing file or a format Pillow should not open (SVG among them).
    """
    if image is None or not image.file:
        return ""
    try:
        return _image_file_data_uri(
            "default", f"{image.pk}:{image.file_hash}", image.file.name
        )
    except (OSError, ValueError, PILImage.DecompressionBombError):
        return ""


def _pick(language: str, thai: str, english: str) -> str:
    if language.startswith("en") and english:
        return english
    return thai


def _local_date(value) -> date | None:
    if value is None:
        return None
    if hasattr(value, "tzinfo") and hasattr(value, "date"):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value
    return value


def hours_text(value: Decimal | float | int) -> str:
    number = Decimal(str(value)).normalize()
    return f"{number:f}"


def _url_lines(url: str) -> list[str]:
    """The URL broken after its last path segment but one: a footer column is narrow."""
    head, _, tail = url.rstrip("/").rpartition("/")
    return [head + "/", tail + "/"] if head else [url]


def _printed_date(value: date | None, language: str) -> str:
    """22 พฤศจิกายน พ.ศ. 2569 in Thai (the era named, as official documents do)."""
    if value is None:
        return ""
    if language.startswith("en"):
        return format_english_date(value)
    return (
        f"{value.day} {THAI_MONTHS[value.month - 1]} พ.ศ. {buddhist_year(value.year)}"
    )


#: How the course was delivered, as the face says it (courses' DeliveryMode values).
MODE_PHRASES = {
    "self_paced": ("เรียนออนไลน์ด้วยตนเอง", "online, self-paced"),
    "live_online": ("เรียนออนไลน์แบบถ่ายทอดสด", "live online"),
    "classroom": ("เรียนในห้องเรียน", "in the classroom"),
    "blended": ("เรียนแบบผสมผสาน", "blended learning"),
}


def _period_text(start: date | None, end: date, language: str) -> str:
    """3 – 15 พฤศจิกายน พ.ศ. 2569; a month or year written once when shared."""
    if start is None or start >= end:
        return _printed_date(end, language)
    if language.startswith("en"):
        return f"{format_english_date(start)} – {format_english_date(end)}"
    if start.year != end.year:
        return f"{_printed_date(start, language)} – {_printed_date(end, language)}"
    if start.month != end.month:
        return f"{start.day} {THAI_MONTHS[start.month - 1]} – " + _printed_date(
            end, language
        )
    return f"{start.day} – " + _printed_date(end, language)


def training_text(certificate, language: str) -> str:
    """When and how the training took place, as one phrase without codes."""
    period = _period_text(
        getattr(certificate, "training_started_on", None),
        certificate.issued_on,
        language,
    )
    mode = MODE_PHRASES.get(getattr(certificate, "delivery_mode", "") or "")
    english = language.startswith("en")
    if english:
        text = f"Training: {period}"
        return f"{text}, {mode[1]}" if mode else text
    text = f"อบรมระหว่างวันที่ {period}" if "–" in period else f"อบรมวันที่ {period}"
    return f"{text} {mode[0]}" if mode else text


def _joined(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    last = " and " if language.startswith("en") else " และ "
    head = ", " if language.startswith("en") else " "
    return head.join(items[:-1]) + last + items[-1]


def _phrases(
    certificate, competencies: list[dict[str, Any]], language: str, hours: str
) -> dict[str, str]:
    """The face's sentences: no competency codes, no "·" separators."""
    english = language.startswith("en")
    position = _pick(language, certificate.position_th, certificate.position_en)
    organisation = _pick(
        language, certificate.organisation_th, certificate.organisation_en
    )
    if english:
        position_line = ", ".join(part for part in (position, organisation) if part)
        hours_phrase = f"{hours} learning hour{'' if hours == '1' else 's'}"
        items = [f"{c['name']} ({c['level']})" for c in competencies]
        prefix = "Competencies achieved: "
    else:
        parts = []
        if position:
            parts.append(f"ตำแหน่ง{position}")
        if organisation:
            parts.append(f"สังกัด{organisation}")
        position_line = " ".join(parts)
        hours_phrase = f"จำนวน {hours} ชั่วโมง"
        items = [f"{c['name']} ระดับ{c['level']}" for c in competencies]
        prefix = "สมรรถนะที่ได้รับ "
    return {
        "position_line": position_line,
        "hours_text": hours_phrase,
        "competencies_text": prefix + _joined(items, language) if items else "",
    }


def certificate_context(
    certificate, *, design: Design, language: str = "th"
) -> dict[str, Any]:
    """The template's variables for one certificate: plain data, nothing more."""
    verify_url = conf.absolute_url(f"/verify/{certificate.public_id}/")
    competencies = [
        {
            "code": item["code"],
            "name": _pick(language, item["name_th"], item.get("name_en", "")),
            "framework": _pick(
                language, item.get("framework_th", ""), item.get("framework_en", "")
            ),
            "level": _pick(language, item["level_th"], item.get("level_en", "")),
            "level_rank": item["level_rank"],
        }
        for item in certificate.competencies
    ]
    valid_until = _local_date(certificate.valid_until)
    thai_digits = conf.certificate_thai_digits() and not language.startswith("en")
    hours = hours_text(certificate.learning_hours)
    phrases = _phrases(certificate, competencies, language, hours)
    printed = {
        "training_text": training_text(certificate, language),
        "issued_on_text": _printed_date(certificate.issued_on, language),
        "valid_until_text": _printed_date(valid_until, language),
        "hours_text": phrases.pop("hours_text"),
    }
    if thai_digits:
        printed = {key: text.translate(THAI_DIGITS) for key, text in printed.items()}
    return {
        **phrases,
        **printed,
        "thai_digits": thai_digits,
        "language": language,
        "issuer_name": _pick(language, conf.issuer_name_th(), conf.issuer_name_en()),
        "issuer_name_th": conf.issuer_name_th(),
        "issuer_name_en": conf.issuer_name_en(),
        "name": _pick(language, certificate.name_th, certificate.name_en),
        "name_th": certificate.name_th,
        "name_en": certificate.name_en,
        "position": _pick(language, certificate.position_th, certificate.position_en),
        "position_th": certificate.position_th,
        "position_en": certificate.position_en,
        "organisation": _pick(
            language, certificate.organisation_th, certificate.organisation_en
        ),
        "organisation_th": certificate.organisation_th,
        "organisation_en": certificate.organisation_en,
        "course_title": _pick(
            language, certificate.course_title_th, certificate.course_title_en
        ),
        "course_title_th": certificate.course_title_th,
        "course_title_en": certificate.course_title_en,
        "learning_hours": hours,
        "competencies": competencies,
        "issued_on": certificate.issued_on,
        "valid_until": valid_until,
        "number": certificate.number,
        "verify_url": verify_url,
        "verify_url_lines": _url_lines(verify_url),
        "qr_src": png_data_uri(qr_png(verify_url)),
        "logo_src": design.logo_src,
        "signature_src": design.signature_src,
        "signatory_name": _pick(
            language, design.signatory_name_th, design.signatory_name_en
        ),
        "signatory_position": _pick(
            language, design.signatory_position_th, design.signatory_position_en
        ),
        "primary_colour": design.primary_colour,
        "accent_colour": design.accent_colour,
    }


def render_html(*, design: Design, context: dict[str, Any]) -> str:
    with translation.override(context.get("language", "th")):
        return compile_body(design.body).render(Context(context, autoescape=True))


def render_certificate_pdf(*, design: Design, context: dict[str, Any]) -> bytes:
    """The certificate page as PDF. Raises TemplateSyntaxError for a bad template,
    certificates.pdf.RefusedResourceError when it names files or URLs."""
    return render_pdf(
        render_html(design=design, context=context), assets_dir=ASSETS_DIR
    )


__all__ = [
    "ALLOWED_VARIABLES",
    "ASSETS_DIR",
    "Design",
    "TemplateSyntaxError",
    "certificate_context",
    "compile_body",
    "default_body",
    "default_design",
    "image_data_uri",
    "qr_png",
    "render_certificate_pdf",
    "render_html",
    "unknown_variables",
]
