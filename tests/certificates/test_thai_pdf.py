"""Thai certificate PDFs: shaped marks, a sandboxed renderer, attachments."""

from __future__ import annotations

import io
import itertools
import json
from base64 import b64encode
from pathlib import Path

import pytest
import uharfbuzz as hb
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, TTFont
from reportlab.pdfgen.canvas import Canvas
from xhtml2pdf import pisa

from certificates.pdf import (
    RefusedResourceError,
    attach_file,
    extract_attachment,
    render_pdf,
    thai,
)
from certificates.pdf.render import (
    FONT_FILES,
    FONTS_DIR,
    asset_policy,
    shape_bundled_fonts,
)
from tests.certificates.pdf_helpers import (
    RenderWatch,
    ink_difference,
    needs_pdftoppm,
    needs_pdftotext,
    pdftotext,
    rasterise,
)

TONE_ABOVE_UPPER_VOWEL = ["ที่", "ญี่ปุ่น", "ก้ำกึ่ง", "สั่ง"]
TAIL_BEFORE_LOWER_VOWEL = ["ญู", "ฐุ"]
WORDS = " ".join(TONE_ABOVE_UPPER_VOWEL + TAIL_BEFORE_LOWER_VOWEL)
SENTENCE = (
    "ประกาศนียบัตรฉบับนี้ให้ไว้เพื่อแสดงว่า นางสาวญาณิศา ศรีสุข"
    " ได้ผ่านการอบรมหลักสูตร การกำกับดูแลข้อมูลภาครัฐ"
)
TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b"
UPPER_VOWELS = "\u0e31\u0e34\u0e35\u0e36\u0e37"
#: Share of misplaced ink above which a page is not what HarfBuzz would draw.
#: Measured: shaped 0.0001, unshaped 0.097 (the tone marks and the tails).
VISUAL_THRESHOLD = 0.02


# --- helpers ---------------------------------------------------------------


def _font_file(weight: str = "normal") -> Path:
    return FONTS_DIR / FONT_FILES[weight]


def _reportlab_font(weight: str = "normal") -> str:
    """The bundled face registered under a name of the tests' own."""
    shape_bundled_fonts()
    name = f"TestSarabun-{weight}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(_font_file(weight))))
    return name


def _harfbuzz_glyphs(text: str, weight: str = "normal") -> list[dict]:
    """HarfBuzz's glyphs for text, each with its character and its ink box."""
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(_font_file(weight)))))
    buf = hb.Buffer()
    buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf, {})
    glyphs = []
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
        extents = font.get_glyph_extents(info.codepoint)
        top = pos.y_offset + extents.y_bearing
        glyphs.append(
            {
                "char": text[info.cluster],
                "gid": info.codepoint,
                "name": font.glyph_to_string(info.codepoint),
                "x_offset": pos.x_offset,
                "y_offset": pos.y_offset,
                "x_advance": pos.x_advance,
                "top": top,
                "bottom": top + extents.height,
            }
        )
    return glyphs


def _nominal_glyphs(text: str) -> list[dict]:
    """What an unshaped renderer draws: each character's cmap glyph, unmoved."""
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(_font_file()))))
    glyphs = []
    for char in text:
        gid = font.get_nominal_glyph(ord(char))
        extents = font.get_glyph_extents(gid)
        glyphs.append(
            {
                "char": char,
                "name": font.glyph_to_string(gid),
                "top": extents.y_bearing,
                "bottom": extents.y_bearing + extents.height,
            }
        )
    return glyphs


def _tone_on_vowel_pairs(glyphs: list[dict]) -> list[tuple[dict, dict]]:
    """Each (upper vowel, tone mark) that follows it in the same syllable."""
    return [
        (vowel, tone)
        for vowel, tone in itertools.pairwise(glyphs)
        if vowel["char"] in UPPER_VOWELS and tone["char"] in TONE_MARKS
    ]


def _page(body: str) -> str:
    return (
        "<html><head><style>@page { size: A4 landscape; margin: 20mm }</style>"
        f"</head><body>{body}</body></html>"
    )


def _png(colour: tuple[int, int, int], size: int = 24) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, "PNG")
    return out.getvalue()


def _image_count(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def _first_text_origin(pdf: bytes) -> tuple[float, float]:
    """Where xhtml2pdf put the first glyph of the page, in PDF points."""
    origins: list[tuple[float, float]] = []

    def visit(text, cm, tm, _font, _size) -> None:
        if text.strip() and not origins:
            x, y = tm[4], tm[5]
            origins.append(
                (x * cm[0] + y * cm[2] + cm[4], x * cm[1] + y * cm[3] + cm[5])
            )

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return origins[0]


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    """An assets directory with a seal, next to a secret it must not reach."""
    directory = tmp_path / "assets"
    directory.mkdir()
    (directory / "seal.png").write_bytes(_png((200, 160, 40)))
    (tmp_path / "secret.png").write_bytes(_png((0, 0, 255)))
    return directory


# --- 1. shaping --------------------------------------------------------------


@pytest.mark.parametrize("word", TONE_ABOVE_UPPER_VOWEL)
def test_harfbuzz_lifts_tone_mark_clear_of_upper_vowel(word: str) -> None:
    pairs = _tone_on_vowel_pairs(_harfbuzz_glyphs(word))
    assert pairs
    for vowel, tone in pairs:
        assert tone["name"].endswith(".small")
        assert tone["bottom"] > vowel["top"]


@pytest.mark.parametrize("word", TONE_ABOVE_UPPER_VOWEL)
def test_unshaped_tone_mark_collides_with_upper_vowel(word: str) -> None:
    pairs = _tone_on_vowel_pairs(_nominal_glyphs(word))
    assert pairs
    for vowel, tone in pairs:
        assert tone["bottom"] < vowel["top"]


def test_harfbuzz_draws_tone_mark_and_nikhahit_of_sara_am_as_one_glyph() -> None:
    glyphs = _harfbuzz_glyphs("ก้ำ")
    nominal = _nominal_glyphs("ก้ำ")

    assert [g["name"] for g in glyphs] == ["uni0E01", "uni0E4D0E49", "uni0E32"]
    # Unshaped, the mai tho sits where the nikhahit of ำ is drawn.
    assert nominal[1]["bottom"] < nominal[2]["top"]


@pytest.mark.parametrize(
    ("word", "tailless"),
    [("ญู", "yoYingthai.less"), ("ฐุ", "thoThanthai.less")],
)
def test_harfbuzz_drops_the_tail_before_a_lower_vowel(word: str, tailless: str) -> None:
    assert _harfbuzz_glyphs(word)[0]["name"] == tailless
    assert _harfbuzz_glyphs(word[0] + "า")[0]["name"] != tailless


@pytest.mark.parametrize("word", TONE_ABOVE_UPPER_VOWEL + TAIL_BEFORE_LOWER_VOWEL)
def test_shape_thai_hands_reportlab_harfbuzz_glyphs_and_offsets(word: str) -> None:
    font_name = _reportlab_font()
    face = pdfmetrics.getFont(font_name).face
    expected = _harfbuzz_glyphs(word)

    shaped = thai.shape_thai(word, font_name=font_name, font_size=20)

    assert isinstance(shaped, ShapedStr)
    assert [face.charToGlyph[ord(c)] for c in shaped] == [g["gid"] for g in expected]
    # Sarabun has 1000 units per em, ReportLab's unit, so no scaling.
    assert [(d.x_offset, d.y_offset, d.x_advance) for d in shaped.__shapeData__] == [
        (g["x_offset"], g["y_offset"], g["x_advance"]) for g in expected
    ]


@pytest.mark.parametrize("text", [*TONE_ABOVE_UPPER_VOWEL, SENTENCE])
@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_shaping_keeps_the_widths_xhtml2pdf_lays_out_with(
    text: str, weight: str
) -> None:
    # xhtml2pdf breaks and centres lines with the unshaped width; the glyphs
    # HarfBuzz places must take the same room, or centred lines drift.
    font_name = _reportlab_font(weight)
    shaped = sum(
        d.x_advance
        for piece, is_thai in thai.thai_runs(text)
        if is_thai
        for d in thai.shape_thai(
            piece, font_name=font_name, font_size=1000
        ).__shapeData__
    )
    unshaped = sum(
        pdfmetrics.stringWidth(piece, font_name, 1000)
        for piece, is_thai in thai.thai_runs(text)
        if is_thai
    )
    assert shaped == pytest.approx(unshaped)


def test_thai_runs_split_thai_from_everything_else() -> None:
    assert list(thai.thai_runs("วันที่ 22 พ.ย.")) == [
        ("วันที่", True),
        (" 22 ", False),
        ("พ", True),
        (".", False),
        ("ย", True),
        (".", False),
    ]


def _canvas_content(text: str) -> str:
    out = io.BytesIO()
    canvas = Canvas(out, pageCompression=0)
    canvas.setFont(_reportlab_font(), 20)
    canvas.drawString(10, 10, text)
    canvas.save()
    return PdfReader(out).pages[0].get_contents().get_data().decode("latin-1")


def _canvas_content_unshaped(text: str) -> str:
    with thai.without_shaping():
        return _canvas_content(text)


def test_thai_drawn_in_bundled_face_carries_actual_text() -> None:
    content = _canvas_content("ที่")

    assert "/ActualText <FEFF0E170E350E48>" in content
    assert "/ActualText" not in _canvas_content_unshaped("ที่")


def test_latin_text_in_bundled_face_is_drawn_as_before() -> None:
    text = "Certificate No. 2026-0001"
    assert _canvas_content(text) == _canvas_content_unshaped(text)


# --- 2. what the page looks like ---------------------------------------------


def _words_page(weight: str) -> str:
    return (
        "<html><head><style>@page { size: 420pt 80pt; margin: 0 }"
        f" body {{ margin: 0 }} p {{ font-size: 36pt; font-weight: {weight};"
        f" margin: 0; padding: 10pt 0 0 10pt }}</style></head>"
        f"<body><p>{WORDS}</p></body></html>"
    )


class _OutlinePen:
    """
    Draws HarfBuzz glyph outlines as filled ReportLab paths, scaled and moved.

    Its method names are the fontTools pen protocol HarfBuzz calls.
    """

    def __init__(self, path, origin: tuple[float, float], scale: float) -> None:
        self.path, self.origin, self.scale = path, origin, scale
        self.current = (0.0, 0.0)

    def _at(self, point: tuple[float, float]) -> tuple[float, float]:
        return (
            self.origin[0] + point[0] * self.scale,
            self.origin[1] + point[1] * self.scale,
        )

    def moveTo(self, point) -> None:
        self.path.moveTo(*self._at(point))
        self.current = point

    def lineTo(self, point) -> None:
        self.path.lineTo(*self._at(point))
        self.current = point

    def curveTo(self, *points) -> None:
        self.path.curveTo(
            *self._at(points[0]), *self._at(points[1]), *self._at(points[2])
        )
        self.current = points[2]

    def qCurveTo(self, *points) -> None:
        # A run of off-curve points has implied on-curve points between them.
        for i, control in enumerate(points[:-1]):
            end = (
                points[-1]
                if i == len(points) - 2
                else (
                    (control[0] + points[i + 1][0]) / 2,
                    (control[1] + points[i + 1][1]) / 2,
                )
            )
            start = self.current
            self.curveTo(
                (
                    start[0] + 2 / 3 * (control[0] - start[0]),
                    start[1] + 2 / 3 * (control[1] - start[1]),
                ),
                (
                    end[0] + 2 / 3 * (control[0] - end[0]),
                    end[1] + 2 / 3 * (control[1] - end[1]),
                ),
                end,
            )

    def closePath(self) -> None:
        self.path.close()


def _harfbuzz_reference(pdf: bytes, weight: str) -> bytes:
    """
    The same words drawn from HarfBuzz alone: its glyphs, offsets and outlines.

    No ReportLab text machinery (and so none of the code under test) is
    involved: each glyph is a filled path, placed where HarfBuzz says, starting
    at the baseline origin xhtml2pdf chose for the first glyph.
    """
    x, y = _first_text_origin(pdf)
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(_font_file(weight)))))
    buf = hb.Buffer()
    buf.add_str(WORDS)
    buf.guess_segment_properties()
    hb.shape(font, buf, {})
    scale = 36 / font.face.upem
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(420, 80))
    path = canvas.beginPath()
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
        origin = (x + pos.x_offset * scale, y + pos.y_offset * scale)
        font.draw_glyph_with_pen(info.codepoint, _OutlinePen(path, origin, scale))
        x += pos.x_advance * scale
    canvas.drawPath(path, stroke=0, fill=1, fillMode=0)  # non-zero, as TrueType
    canvas.save()
    return out.getvalue()


@needs_pdftoppm
@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_rendered_thai_matches_harfbuzz_reference(
    weight: str, assets: Path, tmp_path: Path
) -> None:
    pdf = render_pdf(_words_page(weight), assets_dir=assets)
    reference = rasterise(_harfbuzz_reference(pdf, weight), tmp_path)

    assert ink_difference(reference, rasterise(pdf, tmp_path)) < VISUAL_THRESHOLD


@needs_pdftoppm
def test_visual_check_fails_on_unshaped_rendering(assets: Path, tmp_path: Path) -> None:
    with thai.without_shaping():
        pdf = render_pdf(_words_page("normal"), assets_dir=assets)
    reference = rasterise(_harfbuzz_reference(pdf, "normal"), tmp_path)

    assert ink_difference(reference, rasterise(pdf, tmp_path)) > VISUAL_THRESHOLD


# --- 3. resources --------------------------------------------------------------

OUTSIDE = [
    "/etc/passwd",
    "../secret.png",
    "file:///etc/passwd",
    "http://127.0.0.1:1/x.png",
]
PLACES = {
    "img": '<img src="{ref}">',
    "@import": '<style>@import url("{ref}");</style><p>x</p>',
    "link": '<link rel="stylesheet" href="{ref}"><p>x</p>',
    "@font-face": (
        '<style>@font-face { font-family: Other; src: url("{ref}"); }'
        " p { font-family: Other }</style><p>x</p>"
    ),
    "background-image": '<p style="background-image: url({ref})">x</p>',
}


def _forbidden(assets: Path) -> set[str]:
    """The files the references above would have read, had they been followed."""
    return {"/etc/passwd", str((assets.parent / "secret.png").resolve())}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("ref", OUTSIDE)
def test_template_cannot_reach_outside_its_assets(
    ref: str, place: str, assets: Path, watch: RenderWatch
) -> None:
    html = _page(PLACES[place].replace("{ref}", ref))

    with pytest.raises(RefusedResourceError) as refused:
        render_pdf(html, assets_dir=assets)

    assert refused.value.references == [ref]
    assert not _forbidden(assets) & set(watch.opened)
    assert watch.network == []


@pytest.mark.parametrize("ref", OUTSIDE)
def test_resource_policy_holds_where_link_callback_is_bypassed(
    ref: str, assets: Path, watch: RenderWatch
) -> None:
    # No link_callback at all: xhtml2pdf's own fetcher must still refuse.
    html = _page(f'<img src="{ref}"><p style="background-image: url({ref})">x</p>')
    out = io.BytesIO()

    pisa.CreatePDF(
        html,
        dest=out,
        path=str(assets / "certificate.html"),
        resource_policy=asset_policy(assets),
    )

    assert _image_count(out.getvalue()) == 0
    assert not _forbidden(assets) & set(watch.opened)
    assert watch.network == []


def test_every_refused_reference_is_named(assets: Path) -> None:
    html = _page('<img src="/etc/passwd"><img src="seal.png"><img src="../secret.png">')

    with pytest.raises(RefusedResourceError) as refused:
        render_pdf(html, assets_dir=assets)

    assert refused.value.references == ["/etc/passwd", "../secret.png"]


def test_asset_inside_its_directory_is_drawn(assets: Path, watch: RenderWatch) -> None:
    pdf = render_pdf(_page('<img src="seal.png">'), assets_dir=assets)

    assert _image_count(pdf) == 1
    assert str((assets / "seal.png").resolve()) in watch.opened


def test_inline_png_is_drawn(assets: Path) -> None:
    qr = b64encode(_png((0, 0, 0))).decode()
    pdf = render_pdf(
        _page(f'<img src="data:image/png;base64,{qr}">'), assets_dir=assets
    )

    assert _image_count(pdf) == 1


def test_inline_svg_is_refused(assets: Path) -> None:
    ref = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"

    with pytest.raises(RefusedResourceError):
        render_pdf(_page(f'<img src="{ref}">'), assets_dir=assets)


def test_symlink_out_of_assets_is_refused(assets: Path) -> None:
    (assets / "link.png").symlink_to(assets.parent / "secret.png")

    with pytest.raises(RefusedResourceError):
        render_pdf(_page('<img src="link.png">'), assets_dir=assets)


# --- 4. attachments ------------------------------------------------------------


def test_attached_credential_round_trips(assets: Path) -> None:
    credential = json.dumps({"name": "ญาณิศา ศรีสุข", "id": "A7Q"}).encode()
    pdf = render_pdf(_page("<p>ประกาศนียบัตร</p>"), assets_dir=assets)

    with_credential = attach_file(pdf, name="credential.json", data=credential)

    assert extract_attachment(with_credential, name="credential.json") == credential
    assert len(PdfReader(io.BytesIO(with_credential)).pages) == 1


def test_missing_attachment_is_named(assets: Path) -> None:
    pdf = render_pdf(_page("<p>x</p>"), assets_dir=assets)

    with pytest.raises(KeyError, match=r"credential\.json"):
        extract_attachment(pdf, name="credential.json")


# --- 5. text extraction --------------------------------------------------------


@needs_pdftotext
@pytest.mark.parametrize(
    "text", [*TONE_ABOVE_UPPER_VOWEL, *TAIL_BEFORE_LOWER_VOWEL, SENTENCE]
)
def test_pdftotext_gives_the_thai_text_back(text: str, assets: Path) -> None:
    pdf = render_pdf(_page(f'<p style="font-size: 14pt">{text}</p>'), assets_dir=assets)

    assert pdftotext(pdf).strip() == text
