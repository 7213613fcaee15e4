"""The Thai catalogues against docs/glossary.md: no word of its "Never" column, and no
English left where a Thai reader expects Thai."""

import re
from pathlib import Path

from django.conf import settings

import pytest

from tests.academy.glossary_helpers import (
    BASE,
    CATALOGUES,
    catalogue_entries,
    contains_phrase,
    forbidden_words,
    segments,
)

#: Thai messages that may be only Latin letters: names of standards and formats.
LATIN_ALLOWED = {"PDF", "URI", "SHA-256", "CSV", "JSON", "ThaID", "QR", "URL"}
#: What a message fills in or marks up is not words a reader sees.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}|<[^>]*>|&\w+;")


def test_the_glossary_lists_forbidden_variants():
    words = forbidden_words()
    assert words["คุณ"] == "ท่าน"
    assert {"ฉัน", "เกร็ดเล็กเกร็ดน้อย", "ดิจิตอล", "ระดับที่กำหนด"} <= set(words)


def test_the_word_check_finds_words_not_parts_of_words():
    assert contains_phrase(segments("คำตอบของคุณ"), segments("คุณ"))
    assert not contains_phrase(segments("คุณภาพของข้อมูล"), segments("คุณ"))
    assert not contains_phrase(segments("ตำแหน่งทรงคุณวุฒิ"), segments("คุณ"))


def _catalogue_id(path: Path) -> str:
    return str(path.relative_to(BASE))


@pytest.mark.parametrize("path", CATALOGUES, ids=_catalogue_id)
def test_no_thai_message_uses_a_forbidden_variant(path):
    phrases = {word: segments(word) for word in forbidden_words()}
    found = []
    for msgid, msgstr in catalogue_entries(path):
        tokens = segments(msgstr)
        for word, phrase in phrases.items():
            if contains_phrase(tokens, phrase):
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
