"""The Thai catalogues against docs/glossary.md: no word of its "Never" column, and no
English left where a Thai reader expects Thai."""

import re
from pathlib import Path

from django.conf import settings

import pytest

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
#: Thai messages that may be only Latin letters: names of standards and formats.
LATIN_ALLOWED = {"PDF", "URI", "SHA-256", "CSV", "JSON", "ThaID", "QR", "URL"}
#: What a message fills in or marks up is not words a reader sees.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}|<[^>]*>|&\w+;")


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


def _segments(text: str) -> list[str]:
    return [t for t in word_tokenize(text, engine="newmm") if t.strip()]


def _contains(tokens: list[str], phrase: list[str]) -> bool:
    size = len(phrase)
    return any(tokens[i : i + size] == phrase for i in range(len(tokens) - size + 1))


def test_the_glossary_lists_forbidden_variants():
    words = forbidden_words()
    assert words["คุณ"] == "ท่าน"
    assert {"ฉัน", "เกร็ดเล็กเกร็ดน้อย", "ดิจิตอล", "ระดับที่กำหนด"} <= set(words)


def test_the_word_check_finds_words_not_parts_of_words():
    assert _contains(_segments("คำตอบของคุณ"), _segments("คุณ"))
    assert not _contains(_segments("คุณภาพของข้อมูล"), _segments("คุณ"))
    assert not _contains(_segments("ตำแหน่งทรงคุณวุฒิ"), _segments("คุณ"))


def _catalogue_id(path: Path) -> str:
    return str(path.relative_to(BASE))


@pytest.mark.parametrize("path", CATALOGUES, ids=_catalogue_id)
def test_no_thai_message_uses_a_forbidden_variant(path):
    phrases = {word: _segments(word) for word in forbidden_words()}
    found = []
    for msgid, msgstr in catalogue_entries(path):
        tokens = _segments(msgstr)
        for word, phrase in phrases.items():
            if _contains(tokens, phrase):
                found.append(f"{word!r} in {msgstr[:60]!r} ({msgid[:40]!r})")
    assert found == []


@pytest.mark.parametrize("path", CATALOGUES, ids=_catalogue_id)
def test_no_thai_message_is_left_in_english(path):
    english = [
        msgid
        for msgid, msgstr in catalogue_entries(path)
        if msgid
        and re.search(r"[A-Za-z]{2}", PLACEHOLDER.sub("", msgstr))
        and not re.search("[\u0e00-\u0e7f]", msgstr)
        and msgstr not in LATIN_ALLOWED
    ]
    assert english == []


def test_the_academy_has_one_name():
    names = {
        msgstr
        for msgid, msgstr in catalogue_entries(CATALOGUES[0])
        if msgid in {"Digital Government Academy", "The Academy"}
    }
    assert names <= {settings.ACADEMY_NAME_TH}


def test_wagtails_own_strings_read_as_corrected():
    """Our catalogue overrides Wagtail's Thai (academy/core/wagtail_th.py)."""
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("th"):
        assert gettext("Snippets") == "ส่วนเนื้อหาที่ใช้ซ้ำ"
        assert gettext("Users") == "ผู้ใช้"
        assert gettext("Save") == "บันทึก"
        assert gettext("Workflows") == "ขั้นตอนการอนุมัติ"
        assert gettext("Reports") == "รายงาน"


@pytest.mark.django_db
def test_the_admin_menu_has_no_trivia(admin_client):
    page = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert "เกร็ดเล็กเกร็ดน้อย" not in page and "หลายๆผู้ใช้" not in page
