"""Certificate PDFs: Thai text shaped with HarfBuzz, resources kept to the assets."""

from certificates.pdf.render import (
    FONT_FAMILY,
    PdfRenderError,
    RefusedResourceError,
    attach_file,
    extract_attachment,
    render_pdf,
)

__all__ = [
    "FONT_FAMILY",
    "PdfRenderError",
    "RefusedResourceError",
    "attach_file",
    "extract_attachment",
    "render_pdf",
]
