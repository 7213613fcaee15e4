"""Shape Thai runs with HarfBuzz as ReportLab writes them: xhtml2pdf never shapes."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from weakref import WeakKeyDictionary

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import ShapedStr, TTFont, TTFontFile, shapeStr
from reportlab.pdfgen.textobject import PDFTextObject

__all__ = [
    "THAI_RUN",
    "enable_shaping",
    "shape_thai",
    "thai_runs",
    "without_shaping",
]

#: The Thai block. Runs of it are shaped; everything else (spaces, Latin, digits)
#: is drawn as before, so shaping cannot change how non-Thai text looks.
THAI_RUN = re.compile("[\u0e00-\u0e7f]+")

# PostScript names of the faces whose Thai text is shaped. A face, not a
# registered font name: xhtml2pdf registers an @font-face file under a name it
# makes up ("sarabun_00", or with a digest added), so the name is not ours to know.
_shaped_faces: set[bytes] = set()
_decisions: WeakKeyDictionary[TTFont, bool] = WeakKeyDictionary()
_enabled: ContextVar[bool] = ContextVar("thai_shaping_enabled", default=True)
_install_lock = threading.Lock()
_original_format_text = PDFTextObject._formatText


def thai_runs(text: str) -> Iterator[tuple[str, bool]]:
    """Split text into (piece, is_thai) runs; HarfBuzz shapes one script at a time."""
    position = 0
    for match in THAI_RUN.finditer(text):
        if match.start() > position:
            yield text[position : match.start()], False
        yield match.group(), True
        position = match.end()
    if position < len(text):
        yield text[position:], False


def shape_thai(run: str, *, font_name: str, font_size: float) -> ShapedStr:
    """
    HarfBuzz's glyphs and offsets for one Thai run, in the form ReportLab draws.

    ReportLab's shapeStr does the work: it maps glyphs that have no character of
    their own (the raised tone mark, the tail-less ญ and ฐ) to private-use code
    points in its font subset and keeps HarfBuzz's offsets in the string's
    __shapeData__, which PDFTextObject turns into TJ adjustments and text rise.
    force=True because an unchanged run must still come back as a ShapedStr.
    """
    return shapeStr(run, font_name, font_size, force=True)


def enable_shaping(font_file: Path) -> None:
    """
    Shape the Thai text of every font made from this file's face.

    ReportLab shapes only text handed to it as a ShapedStr, and xhtml2pdf hands
    it plain strings from deep inside its own copy of Paragraph. The one place
    all of that text passes, whatever drew it (paragraphs, tables, page
    headers, canvas.drawString), is PDFTextObject._formatText, so that method is
    wrapped once per process. The wrapper does nothing for any other font.
    """
    if ttfonts.uharfbuzz is None:
        # ReportLab would quietly draw the marks on top of each other.
        msg = "Shaping Thai needs uharfbuzz, which cannot be imported"
        raise ImportError(msg)
    _shaped_faces.add(TTFontFile(str(font_file), charInfo=0).name)
    _decisions.clear()
    with _install_lock:
        if PDFTextObject._formatText is not _format_text:
            PDFTextObject._formatText = _format_text  # type: ignore[method-assign]


@contextmanager
def without_shaping() -> Iterator[None]:
    """Within this block, draw what xhtml2pdf draws on its own, to compare with."""
    token = _enabled.set(False)
    try:
        yield
    finally:
        _enabled.reset(token)


def _shapes(font: object) -> bool:
    """Whether text in this ReportLab font gets shaped; cached per font object."""
    if not isinstance(font, TTFont):
        return False
    decision = _decisions.get(font)
    if decision is None:
        decision = _decisions[font] = bool(
            font.shapable and font.face.name in _shaped_faces
        )
    return decision


def _actual_text(code: str, text: str) -> str:
    """
    Mark shaped glyphs with the characters they stand for.

    A shaped run's glyphs do not spell its text: a raised tone mark is a
    private-use code point in the subset, and ำ is drawn as two glyphs in
    another order. /ActualText gives text extraction (copy, search, pdftotext)
    the original string back.
    """
    utf16 = "FEFF" + text.encode("utf-16-be").hex().upper()
    return f"/Span <</ActualText <{utf16}>>> BDC {code} EMC"


def _format_text(self: PDFTextObject, text: str | bytes) -> str:
    """PDFTextObject._formatText, with the Thai runs of a shaped face shaped."""
    if (
        not isinstance(text, str)
        or isinstance(text, ShapedStr)
        or not _enabled.get()
        or not THAI_RUN.search(text)
        or not _shapes(pdfmetrics.getFont(self._fontname))
    ):
        return _original_format_text(self, text)
    code = []
    for piece, is_thai in thai_runs(text):
        if is_thai:
            shaped = shape_thai(
                piece, font_name=self._fontname, font_size=self._fontsize
            )
            code.append(_actual_text(_original_format_text(self, shaped), piece))
        else:
            code.append(_original_format_text(self, piece))
    return " ".join(code)
