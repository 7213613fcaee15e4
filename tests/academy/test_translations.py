"""Thai is the first language: every string in the Thai catalogue is translated.

A fuzzy entry (makemessages' guess from a similar string) is left out of the
compiled catalogue, so the page would show English; an empty one likewise.
"""

import re
from pathlib import Path

from django.conf import settings

THAI_PO = Path(settings.BASE_DIR) / "locale" / "th" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if "msgid " in block][1:]


def _msgid(block: str) -> str:
    match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1)))


def test_no_thai_entry_is_fuzzy():
    fuzzy = [
        _msgid(block)
        for block in _entries(THAI_PO.read_text(encoding="utf-8"))
        if re.search(r"^#,.*\bfuzzy\b", block, re.M)
    ]
    assert fuzzy == []


def test_no_thai_entry_is_left_empty():
    empty = []
    for block in _entries(THAI_PO.read_text(encoding="utf-8")):
        if block.lstrip().startswith("#~"):
            continue  # obsolete
        strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        if any(not "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', s)) for s in strings):
            empty.append(_msgid(block))
    assert empty == []
