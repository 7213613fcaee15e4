"""The Academy's Thai catalogues do not contradict one another.

Django merges every catalogue into one: the project's locale/ first, then the apps'
(certificates/locale, Wagtail's), so a message the project translates for one of its
pages is translated that way everywhere, Wagtail's admin included. "Yes" translated
as "พร้อม" (ready) for the question bank's "can be drawn" column made every "Yes" of
the admin say "ready"; "In progress" as "กำลังเรียน" (studying) relabelled Wagtail's
workflow states. Words that mean one thing in one place carry a context
(pgettext, `{% translate ... context ... %}`).
"""

import gettext
from pathlib import Path

from django.utils import translation

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = [
    ROOT / "certificates" / "locale",
    ROOT / "academy" / "core" / "wagtail_locale",
]
#: Messages two catalogues translate with different words of one meaning (the
#: project's wins); anything else that differs is a message used in two senses.
SYNONYMS = {
    "Active",
    "Any",
    "Browse courses",
    "Created",
    "First name (Thai)",
    "From",
    "Last name (Thai)",
    "Last used",
    "Search term",
    "Title",
    "Title (Thai)",
    "To",
    "Unit (Thai)",
    "Updated",
    "content type",
    "created",
    "finished at",
    "object id",
    "preferred language",
    "requested by",
    "revoked at",
}


def _entries(locale: Path):
    path = locale / "th" / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for key, value in catalogue._catalog.items():
        if isinstance(key, str) and key and "\x04" not in key:
            yield key, value


@pytest.mark.parametrize("locale", CATALOGUES, ids=lambda path: path.parent.name)
def test_no_catalogue_is_overruled_in_another_sense(locale):
    overruled = {}
    with translation.override("th"):
        for message, thai in _entries(locale):
            shown = translation.gettext(message)
            if shown != thai and message not in SYNONYMS:
                overruled[message] = (thai, shown)
    assert overruled == {}


@pytest.mark.parametrize(
    ("context", "message", "thai"),
    [
        ("learning", "In progress", "กำลังเรียน"),
        ("attempt", "In progress", "กำลังทำ"),
        ("question can be drawn", "Yes", "พร้อม"),
        ("certificate", "Number", "เลขที่"),
        ("filters", "Clear", "ล้างตัวกรอง"),
    ],
)
def test_a_word_in_one_sense_says_so(context, message, thai):
    with translation.override("th"):
        assert translation.pgettext(context, message) == thai
        assert translation.gettext(message) != thai  # the admin's sense stays
