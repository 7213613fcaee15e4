"""The Thai catalogues and docs/glossary.md as data for the tests that hold them to each
other: the catalogues' (msgid, msgstr) pairs, the glossary's forbidden variants, and
Thai text cut into words to find a phrase in."""

import re
from pathlib import Path

from django.conf import settings

from academy.core.thaitext import word_tokenize

BASE = Path(settings.BASE_DIR)
GLOSSARY = BASE / "docs" / "glossary.md"
#: The Wagtail admin's Thai as the Academy writes it, strings and JavaScript.
WAGTAIL_CATALOGUES = [
    BASE / "academy" / "core" / "wagtail_locale" / "th" / "LC_MESSAGES" / f"{domain}.po"
    for domain in ("django", "djangojs")
]
CATALOGUES = [
    BASE / "locale" / "th" / "LC_MESSAGES" / "django.po",
    BASE / "certificates" / "locale" / "th" / "LC_MESSAGES" / "django.po",
    *WAGTAIL_CATALOGUES,
]


def _strings(block: str, key: str) -> list[str]:
    found = re.findall(rf'^{key}(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
    return ["".join(re.findall(r'"((?:[^"\\]|\\.)*)"', s)) for s in found]


def catalogue_entries(path: Path) -> list[tuple[str, str]]:
    """(msgid, msgstr) of every live entry, one per plural form."""
    text = path.read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n")[1:]:
        if block.lstrip().startswith("#~") or "msgid " not in block:
            continue
        [msgid] = _strings(block, "msgid")
        entries.extend((msgid, msgstr) for msgstr in _strings(block, "msgstr"))
    return entries


def forbidden_words() -> dict[str, str]:
    """{forbidden variant: the term to use}, from the glossary's table."""
    words = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in {"English", "---"} or not cells[2]:
            continue
        for variant in cells[2].split(","):
            if variant.strip():
                words[variant.strip()] = cells[1]
    return words


def segments(text: str) -> list[str]:
    return [t for t in word_tokenize(text, engine="newmm") if t.strip()]


def contains_phrase(tokens: list[str], phrase: list[str]) -> bool:
    size = len(phrase)
    return any(tokens[i : i + size] == phrase for i in range(len(tokens) - size + 1))
