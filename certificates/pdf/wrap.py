"""Line breaks for Thai on certificates: at word boundaries, measured in the bundled font.

Thai writes no spaces between words, and xhtml2pdf breaks lines only at spaces, so a
long Thai course title is one "word" that runs off the page. The text is segmented
into words with PyThaiNLP (newmm, its dictionary is bundled with it) and broken
greedily where the next word would pass the given width, measured with the same
Sarabun face ReportLab draws with. No space is added: a Thai line simply ends
between two words, as Thai typesetting does.
"""

from __future__ import annotations

import functools
import re

from reportlab.pdfbase import pdfmetrics

from certificates.pdf.render import FONT_WEIGHT_NAMES, shape_bundled_fonts

#: Below the exact measure, for the difference between shaped and unshaped widths.
SAFETY = 0.97
_SPACES = re.compile(r"(\s+)")
_THAI = re.compile("[\u0e00-\u0e7f]")
MM = 72 / 25.4


@functools.cache
def _tokenizer():
    from pythainlp.tokenize import word_tokenize  # imported on first use: slow

    return word_tokenize


def words(text: str) -> list[str]:
    """Tokens whose concatenation is ``text``: Thai words, Latin words and spaces."""
    tokens: list[str] = []
    for part in _SPACES.split(text):
        if not part:
            continue
        if part.isspace() or not _THAI.search(part):
            tokens.append(part)
        else:
            tokens.extend(_tokenizer()(part, engine="newmm", keep_whitespace=True))
    return tokens


def width_of(text: str, *, size: float, bold: bool = False) -> float:
    shape_bundled_fonts()
    return pdfmetrics.stringWidth(text, FONT_WEIGHT_NAMES[bold], size)


def wrap_lines(
    text: str, *, width: float, size: float, bold: bool = False
) -> list[str]:
    """``text`` in lines no wider than ``width`` points, broken between words.

    A single word wider than a line stays whole on its own line (it is not cut
    inside a Thai syllable); existing spaces are kept except at a line's ends.
    """
    limit = width * SAFETY
    text = " ".join(text.split())
    if width_of(text, size=size, bold=bold) <= limit:
        # Most texts fit on one line: no segmentation, so PyThaiNLP (whose
        # dictionary takes a second or more to load) is not even imported.
        return [text] if text else []
    lines: list[str] = []
    current = ""
    for token in words(text):
        candidate = current + token
        if (
            current.strip()
            and width_of(candidate.rstrip(), size=size, bold=bold) > limit
        ):
            lines.append(current.strip())
            current = token.lstrip()
        else:
            current = candidate
    if current.strip():
        lines.append(current.strip())
    return lines


def fit_lines(
    text: str, *, width: float, size: float, bold: bool = False, max_lines: int = 0
) -> tuple[list[str], float]:
    """Lines and the size that keeps ``text`` within ``max_lines`` (0: no limit).

    The size goes down by half points to MIN_SCALE of the given one, so that a
    very long title takes a smaller face rather than push the footer off.
    """
    lines = wrap_lines(text, width=width, size=size, bold=bold)
    chosen = size
    while max_lines and len(lines) > max_lines and chosen - 0.5 >= size * MIN_SCALE:
        chosen -= 0.5
        lines = wrap_lines(text, width=width, size=chosen, bold=bold)
    return lines, chosen


#: The smallest a fitted text may get, as a share of its designed size.
MIN_SCALE = 0.7


def parse_measure(measure: str) -> tuple[float, float, bool, int]:
    """'230mm 20pt bold 2' -> (width in points, size in points, bold, max lines)."""
    width = size = None
    bold = False
    max_lines = 0
    for part in measure.lower().split():
        if part == "bold":
            bold = True
        elif part.isdigit():
            max_lines = int(part)
        elif part.endswith("mm"):
            width = float(part[:-2]) * MM
        elif part.endswith("pt") and width is not None:
            size = float(part[:-2])
        elif part.endswith("pt"):
            width = float(part[:-2])
    if width is None or size is None:
        msg = (
            "wrap needs a width and a size, such as '230mm 20pt bold 2', "
            f"not {measure!r}"
        )
        raise ValueError(msg)
    return width, size, bold, max_lines
