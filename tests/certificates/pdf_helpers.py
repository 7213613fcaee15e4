"""PDFs in certificate tests: a certificate rendered with a design, the text drawn on
its page and where, the page as an image (poppler's pdftoppm) and as text (pdftotext),
how far two pages' ink differs, and what a render opened (RenderWatch, the `watch`
fixture's audit hook)."""

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from certificates import face
from certificates.pdf.render import FONT_WEIGHT_NAMES

needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None,
    reason="pdftoppm is not installed (Debian package poppler-utils)",
)
needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="pdftotext is not installed (Debian package poppler-utils)",
)


def rasterise(pdf: bytes, workdir: Path) -> Image.Image:
    source = workdir / "page.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-gray", "-singlefile", source, workdir / "page"],
        check=True,
    )
    with Image.open(workdir / "page.pgm") as image:
        return image.copy()


def ink_difference(reference: Image.Image, candidate: Image.Image) -> float:
    """
    Ink in one image with no ink within a pixel in the other, per reference ink.

    A pixel of slack because poppler puts text glyphs on its own sub-pixel grid
    and rasterises them apart from filled paths, so a glyph in the right place
    differs at its edges only; a mark in the wrong place is many pixels off.
    """
    ink = [
        image.point(lambda v: 255 if v < 128 else 0) for image in (reference, candidate)
    ]
    near = [mask.filter(ImageFilter.MaxFilter(3)) for mask in ink]
    missing = ImageChops.subtract(ink[0], near[1]).histogram()[255]
    extra = ImageChops.subtract(ink[1], near[0]).histogram()[255]
    return (missing + extra) / ink[0].histogram()[255]


def pdftotext(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()


def render_certificate(certificate, language: str, design=None) -> bytes:
    design = design or face.default_design()
    context = face.certificate_context(certificate, design=design, language=language)
    return face.render_certificate_pdf(design=design, context=context)


def text_boxes(pdf: bytes) -> list[tuple[str, float, float, float]]:
    """(text, x, baseline y, width) of every piece of text drawn on the page."""
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    boxes = []

    def visit(text, cm, tm, font, size):
        if not text.strip() or not font:
            return
        x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
        bold = "Bold" in str(font.get("/BaseFont", ""))
        width = pdfmetrics.stringWidth(
            text.strip(), FONT_WEIGHT_NAMES[bold], size * scale
        )
        boxes.append((text.strip(), x, y, width))

    reader.pages[0].extract_text(visitor_text=visit)
    return boxes


class RenderWatch:
    """Files opened and network calls made while a render runs (audit events)."""

    def __init__(self) -> None:
        self.installed = False
        self.active = False
        self.opened: list[str] = []
        self.network: list[str] = []

    def __call__(self, event: str, args: tuple) -> None:
        if not self.active:
            return
        if event == "open" and isinstance(args[0], (str, bytes, Path)):
            self.opened.append(str(Path(os.fsdecode(args[0])).resolve()))
        elif event.startswith(("socket.", "urllib.", "http.client.")):
            self.network.append(event)
