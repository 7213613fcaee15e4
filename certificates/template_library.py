"""The only tags and filters a certificate template may use (see certificates.rendering).

Administrators edit certificate templates in the admin, so the template language is
cut down to presentation: no {% load %} (no other libraries), no {% include %},
{% extends %} or {% ssi %} (no files), no {% debug %} (no dump of the context), no
{% url %} or {% csrf_token %}, and no `safe`/`safeseq` (variables stay escaped).
"""

from django.template import Library, defaultfilters, defaulttags

from academy.core.templatetags.academy_tags import thai_date

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
