"""Thai is the first language: every string in the Thai catalogue is translated.

A fuzzy entry (makemessages' guess from a similar string) is left out of the
compiled catalogue, so the page would show English; an empty one likewise.
"""

import re
from pathlib import Path

from django.conf import settings

import pytest

BASE = Path(settings.BASE_DIR)
#: The project's catalogue and the Wagtail admin's Thai (strings and JavaScript).
THAI_CATALOGUES = [
    BASE / "locale" / "th" / "LC_MESSAGES" / "django.po",
    *(
        BASE / "academy" / "core" / "wagtail_locale" / "th" / "LC_MESSAGES" / name
        for name in ("django.po", "djangojs.po")
    ),
]


def _entries(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if "msgid " in block][1:]


def _msgid(block: str) -> str:
    match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1)))


def _relative(path: Path) -> str:
    return str(path.relative_to(BASE))


@pytest.mark.parametrize("path", THAI_CATALOGUES, ids=_relative)
def test_no_thai_entry_is_fuzzy(path):
    fuzzy = [
        _msgid(block)
        for block in _entries(path.read_text(encoding="utf-8"))
        if re.search(r"^#,.*\bfuzzy\b", block, re.M)
    ]
    assert fuzzy == []


@pytest.mark.parametrize("path", THAI_CATALOGUES, ids=_relative)
def test_no_thai_entry_is_left_empty(path):
    empty = []
    for block in _entries(path.read_text(encoding="utf-8")):
        if block.lstrip().startswith("#~"):
            continue  # obsolete
        strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        if any(not "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', s)) for s in strings):
            empty.append(_msgid(block))
    assert empty == []
