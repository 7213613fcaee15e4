"""Render certificate HTML to PDF in Thai, reading nothing but the bundled assets."""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy
from xhtml2pdf.default import DEFAULT_CSS

from certificates.pdf import thai
from certificates.pdf.pdfa import make_pdfa

__all__ = [
    "FONTS_DIR",
    "FONT_FAMILY",
    "AssetLinks",
    "PdfRenderError",
    "RefusedResourceError",
    "asset_policy",
    "attach_file",
    "extract_attachment",
    "render_pdf",
    "shape_bundled_fonts",
]

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "Sarabun"
#: How the stylesheet below names a bundled font. Templates name their own files
#: by paths relative to their assets directory; the fonts live with this module.
FONT_SCHEME = "academy-font:"
FONT_FILES = {"normal": "Sarabun-Regular.ttf", "bold": "Sarabun-Bold.ttf"}
#: ReportLab's names of the bundled faces, by boldness (see shape_bundled_fonts).
FONT_WEIGHT_NAMES = {
    False: f"Academy{FONT_FAMILY}-normal",
    True: f"Academy{FONT_FAMILY}-bold",
}
#: PDF's standard 14 fonts, which ReportLab references without embedding them,
#: and the bundled face each one is drawn in instead (see shape_bundled_fonts).
STANDARD_FONTS = {
    **dict.fromkeys(["Helvetica", "Times-Roman", "Courier", "Symbol"], "normal"),
    **dict.fromkeys(["Helvetica-Oblique", "Times-Italic", "Courier-Oblique"], "normal"),
    **dict.fromkeys(["Helvetica-Bold", "Times-Bold", "Courier-Bold"], "bold"),
    **dict.fromkeys(
        ["Helvetica-BoldOblique", "Times-BoldItalic", "Courier-BoldOblique"], "bold"
    ),
    "ZapfDingbats": "normal",
}

#: Raster images written into the template, such as a QR code made at issue
#: time. PNG and JPEG only: Pillow decodes them and nothing else is reached
#: from them, where an SVG or a stylesheet could name further resources.
DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg);base64,", re.IGNORECASE)

#: What a refused reference is replaced with. An empty value would not do:
#: xhtml2pdf falls back to the original reference when link_callback returns
#: one. An empty data: URI reads as a missing resource, touching nothing.
REFUSED = "data:,"

_FONT_CSS = "\n".join(
    f"@font-face {{ font-family: {FONT_FAMILY}; font-weight: {weight};"
    f' src: url("{FONT_SCHEME}{name}"); }}'
    for weight, name in FONT_FILES.items()
)
_DEFAULT_CSS = (
    f"{DEFAULT_CSS}\n{_FONT_CSS}\nhtml, body {{ font-family: {FONT_FAMILY}; }}\n"
)


class RefusedResourceError(ValueError):
    """A template named files or URLs outside its assets; it was not rendered."""

    def __init__(self, references: list[str]) -> None:
        self.references = references
        listed = ", ".join(repr(reference[:120]) for reference in references)
        super().__init__(
            "The certificate template may only use files in its assets directory"
            f" and data:image/png or data:image/jpeg URIs; refused: {listed}"
        )


class PdfRenderError(RuntimeError):
    """xhtml2pdf reported errors, so the PDF may be missing parts of the page."""


class AssetLinks:
    """
    xhtml2pdf's link_callback: every file the template names, or nothing.

    xhtml2pdf asks this for each <img>, <link>, @import, @font-face, url()
    and <pdf:font> before it reads anything. Refusals are collected, not raised
    at the first, so that render_pdf's one error names every reference the
    template has to change.
    """

    def __init__(self, assets_dir: Path) -> None:
        self.assets_dir = assets_dir.resolve()
        self.refused: list[str] = []

    def __call__(self, uri: str, rel: str | None = None) -> str:
        resolved = self.resolve(uri, rel)
        if resolved is None:
            self.refused.append(uri)
            return REFUSED
        return resolved

    def resolve(self, uri: str, rel: str | None = None) -> str | None:
        """The file or data: URI a reference stands for, or None if refused."""
        uri = uri.strip()
        if uri.startswith(FONT_SCHEME):
            name = uri.removeprefix(FONT_SCHEME)
            return str(FONTS_DIR / name) if name in FONT_FILES.values() else None
        if DATA_IMAGE.match(uri):
            return uri
        parts = urlsplit(uri)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        relative = unquote(parts.path)
        if relative.startswith(("/", "\\")):
            return None
        # A stylesheet inside the assets resolves its url()s against its own
        # folder; anything else is relative to the assets directory itself.
        base = Path(rel).resolve() if rel else self.assets_dir
        if not base.is_relative_to(self.assets_dir):
            base = self.assets_dir
        try:
            # resolve() follows symlinks, so a link out of the assets is caught.
            path = (base / relative).resolve()
            inside = path.is_relative_to(self.assets_dir) and path.is_file()
        except (OSError, ValueError):  # a NUL byte, a path too long
            return None
        return str(path) if inside else None


def asset_policy(assets_dir: Path) -> ResourceAccessPolicy:
    """
    xhtml2pdf's own resource policy, as a second wall behind AssetLinks.

    Some of xhtml2pdf's reads do not go through link_callback (its own docs
    count about ten: watermark images, PmlImageReader's fallback, signing
    inputs), and a link_callback that lets a URL through is not checked again
    by xhtml2pdf. The policy is checked in the fetcher itself: no network at
    all, and local reads only inside the assets and the bundled fonts.
    """
    return ResourceAccessPolicy.server(
        base_dir=assets_dir.resolve(),
        extra_roots=(FONTS_DIR,),
        allow_remote=False,
    )


@functools.cache
def shape_bundled_fonts() -> None:
    """Have the bundled faces shaped, and stand in for the standard fonts; once.

    ReportLab and xhtml2pdf name Helvetica where nothing chose a font: the
    canvas's initial font ("/F1 12 Tf" on every page), table cells, list
    bullets, anchors, the default stylesheet. A standard font is referenced,
    never embedded, which PDF/A forbids; and it has no Thai. So each of the 14
    names becomes an alias of the bundled Sarabun (regular or bold), for the
    process: ReportLab then embeds a subset as for any TrueType font, and
    writes nothing at all for a font that draws no glyph.

    The aliases point at one font object per face, registered under a name of
    our own with its family: registering a TrueType font as "Helvetica" itself
    would let ReportLab's built-in Helvetica family mapping pick the bold face
    for all text. On first use, not at import.
    """
    for name in FONT_FILES.values():
        thai.enable_shaping(FONTS_DIR / name)
    faces = {}
    for weight, filename in FONT_FILES.items():
        face = TTFont(f"Academy{FONT_FAMILY}-{weight}", str(FONTS_DIR / filename))
        pdfmetrics.registerFont(face)
        faces[weight] = pdfmetrics.getFont(face.fontName)
    pdfmetrics.registerFontFamily(
        f"Academy{FONT_FAMILY}",
        normal=faces["normal"].fontName,
        bold=faces["bold"].fontName,
    )
    for name, weight in STANDARD_FONTS.items():
        # Aliases of the one font object per face, so that the subset embedded
        # is the same whichever name drew the text. registerFont would keep a
        # name already known (ReportLab makes the Type 1 Helvetica lazily).
        pdfmetrics._fonts[name] = faces[weight]


def render_pdf(html: str, *, assets_dir: Path) -> bytes:
    """
    The PDF of a certificate page, with Thai text in the bundled Sarabun.

    The stylesheet gives html and body the Sarabun family, so a template needs
    no @font-face of its own. Raises RefusedResourceError if the template named
    anything outside assets_dir, and PdfRenderError if xhtml2pdf logged errors.
    """
    shape_bundled_fonts()
    links = AssetLinks(assets_dir)
    out = io.BytesIO()
    status = pisa.CreatePDF(
        html,
        dest=out,
        # Names the document's directory: relative references start there.
        path=str(links.assets_dir / "certificate.html"),
        link_callback=links,
        default_css=_DEFAULT_CSS,
        resource_policy=asset_policy(links.assets_dir),
    )
    if links.refused:
        raise RefusedResourceError(links.refused)
    if status.err:
        msg = f"xhtml2pdf reported {status.err} error(s) rendering the certificate"
        raise PdfRenderError(msg)
    return out.getvalue()


def attach_file(
    pdf: bytes,
    *,
    name: str,
    data: bytes,
    mime_type: str = "application/json",
    description: str = "",
    title: str = "",
    language: str = "th",
) -> bytes:
    """
    The PDF as a PDF/A-3b archive with `data` as its associated file.

    The certificate and its machine-readable credential then travel as one
    file; PDF readers list the attachment, and extract_attachment reads it back.
    /AFRelationship /Data says it is the data the page shows. Everything PDF/A
    asks is added in this same pass (certificates.pdf.pdfa), so the PDF is
    rewritten once, not once per step.
    """
    return make_pdfa(
        pdf,
        name=name,
        data=data,
        mime_type=mime_type,
        description=description or name,
        title=title,
        language=language,
    )


def extract_attachment(pdf: bytes, *, name: str) -> bytes:
    """The content of the one file attached to `pdf` under `name`."""
    attachments = PdfReader(io.BytesIO(pdf)).attachments
    if name not in attachments:
        msg = f"The PDF has no attachment named {name!r}"
        raise KeyError(msg)
    contents = attachments[name]
    if len(contents) != 1:
        msg = f"The PDF has {len(contents)} attachments named {name!r}, not one"
        raise ValueError(msg)
    return contents[0]
