"""The only tags and filters a certificate template may use (see certificates.face).

Administrators edit certificate templates in the admin, so the template language is
cut down to presentation: no {% load %} (no other libraries), no {% include %},
{% extends %} or {% ssi %} (no files), no {% debug %} (no dump of the context), no
{% url %} or {% csrf_token %}, and no `safe`/`safeseq` (variables stay escaped).
"""

from django.template import Library, defaultfilters, defaulttags
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from academy.core.templatetags.academy_tags import thai_date
from certificates.pdf.wrap import fit_lines, parse_measure

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

ALLOWED_TAGS = (
    "comment",
    "cycle",
    "filter",
    "firstof",
    "for",
    "if",
    "ifchanged",
    "now",
    "resetcycle",
    "spaceless",
    "templatetag",
    "verbatim",
    "widthratio",
    "with",
)
ALLOWED_FILTERS = (
    "add",
    "capfirst",
    "center",
    "cut",
    "date",
    "default",
    "default_if_none",
    "divisibleby",
    "escape",
    "first",
    "floatformat",
    "force_escape",
    "join",
    "last",
    "length",
    "linebreaks",
    "linebreaksbr",
    "ljust",
    "lower",
    "make_list",
    "pluralize",
    "rjust",
    "slice",
    "stringformat",
    "title",
    "truncatechars",
    "truncatewords",
    "upper",
    "wordcount",
    "yesno",
)

register = Library()
for _name in ALLOWED_TAGS:
    register.tags[_name] = defaulttags.register.tags[_name]
for _name in ALLOWED_FILTERS:
    register.filters[_name] = defaultfilters.register.filters[_name]
register.filter("thai_date", thai_date)


@register.filter(name="wrap")
def wrap(value, measure: str):
    """Break Thai text between words to fit a width: {{ course_title|wrap:"230mm 20pt bold 2" }}.

    xhtml2pdf breaks lines only at spaces, which Thai does not write between
    words; this breaks them where the bundled Sarabun at that size would pass
    the width, and joins the lines with <br> (each line escaped). With a line
    count, text that needs more lines is set smaller (to 70%) until it fits.
    """
    if value in (None, ""):
        return ""
    width, size, bold, max_lines = parse_measure(measure)
    lines, fitted = fit_lines(
        str(value), width=width, size=size, bold=bold, max_lines=max_lines
    )
    html = "<br>".join(str(conditional_escape(line)) for line in lines)
    if fitted != size:
        html = f'<span style="font-size: {fitted:g}pt">{html}</span>'
    return mark_safe(html)  # noqa: S308 - every line escaped above


@register.filter(name="thai_digits")
def thai_digits(value):
    """Arabic digits as Thai digits (๐-๙), as official documents write them."""
    return "" if value is None else str(value).translate(THAI_DIGITS)
