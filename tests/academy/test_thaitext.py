"""Thai-aware words for search (academy.core.thaitext): no database needed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from academy.core.thaitext import Vocabulary, normalise

SYNONYMS = {
    "~act": ("พรบ", "พ.ร.บ.", "พระราชบัญญัติ"),
    "~ai": ("AI", "ปัญญาประดิษฐ์", "artificial intelligence"),
    "~cyber": ("cyber", "cybersecurity", "ไซเบอร์", "ความมั่นคงปลอดภัยไซเบอร์"),
    "~security": ("ความปลอดภัย", "ความมั่นคงปลอดภัย", "security"),
}


@pytest.fixture(scope="module")
def vocabulary():
    return Vocabulary(SYNONYMS)


def _query_forms(vocabulary, text):
    return [term.forms for term in vocabulary.query_terms(text)]


def test_decomposed_sara_am_is_composed():
    assert normalise("จัดท\u0e4d\u0e32") == "จัดทำ"


def test_tone_mark_typed_before_the_vowel_is_moved_after_it():
    assert normalise("ค\u0e49\u0e38มครอง") == "คุ้มครอง"


def test_zero_width_characters_and_soft_hyphens_are_dropped():
    assert normalise("ข้อ\u200bมูล\u00ad\ufeff") == "ข้อมูล"


def test_thai_digits_read_as_arabic_digits():
    assert normalise("พ.ศ. ๒๕๖๘") == "พ.ศ. 2568"


def test_thai_text_is_cut_into_dictionary_words(vocabulary):
    assert vocabulary.document_tokens("ข้อมูลส่วนบุคคลของหน่วยงาน") == [
        "ข้อมูล",
        "ส่วนบุคคล",
        "หน่วยงาน",
    ]


def test_latin_words_match_whole_words_only(vocabulary):
    assert "ai" not in vocabulary.document_tokens("waiting for the train")
    assert "ai" in vocabulary.document_tokens("Generative AI at work")


def test_english_plurals_are_found_by_the_singular(vocabulary):
    assert "course" in vocabulary.document_tokens("courses")
    assert "policy" in vocabulary.document_tokens("policies")


def test_nominal_prefix_is_also_indexed_without_it(vocabulary):
    assert "กำกับ" in vocabulary.document_tokens("การกำกับดูแลข้อมูล")


def test_abbreviation_without_dots_is_one_word(vocabulary):
    assert _query_forms(vocabulary, "พรบ") == _query_forms(vocabulary, "พ.ร.บ.")


def test_every_variant_of_a_synonym_finds_the_same_key(vocabulary):
    keys = {
        _query_forms(vocabulary, variant)[0][0]
        for variant in ("พรบ", "พ.ร.บ.", "พระราชบัญญัติ")
    }
    assert keys == {"~act"}
    assert "~act" in vocabulary.document_tokens("ตามพระราชบัญญัติการบริหารงาน")


def test_a_phrase_variant_is_one_query_term(vocabulary):
    assert _query_forms(vocabulary, "Artificial Intelligence") == [("~ai",)]


def test_overlapping_phrases_give_a_page_both_keys(vocabulary):
    tokens = vocabulary.document_tokens("ความมั่นคงปลอดภัยไซเบอร์เบื้องต้น")
    assert {"~cyber", "~security"} <= set(tokens)


def test_hyphenated_code_is_searched_whole(vocabulary):
    assert _query_forms(vocabulary, "GOV-02") == [("gov-02", "gov02")]
    assert {"gov-02", "gov", "02"} <= set(vocabulary.document_tokens("GOV-02"))


def test_stopwords_alone_find_nothing(vocabulary):
    assert vocabulary.query_terms("และ ของ the") == []


def test_segmentation_works_offline_without_writing_a_data_folder(tmp_path):
    """The newmm dictionary ships in the wheel: nothing is downloaded or written."""
    script = (
        "import socket\n"
        "def refuse(*args, **kwargs):\n"
        "    raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from academy.core.thaitext import Vocabulary\n"
        "print(' '.join(Vocabulary().document_tokens('ความมั่นคงปลอดภัยไซเบอร์')))\n"
    )
    environment = {
        key: value for key, value in os.environ.items() if "PYTHAINLP" not in key
    }
    environment["HOME"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )
    assert result.stdout.split() == ["ความมั่นคง", "มั่นคง", "ปลอดภัย", "ไซเบอร์"]
    assert list(tmp_path.iterdir()) == []
