"""Thai-aware words for search: normalisation and word segmentation, with no database.

Thai is written without spaces between words, so text is cut into words with
PyThaiNLP's dictionary-based newmm tokenizer (its dictionary ships in the wheel: nothing
is downloaded at run time). Latin text is cut on word boundaries, so "AI" is a word and
never a piece of "waiting". The same functions read the indexed pages and the query, so
both sides always agree on what a word is.
"""

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

# Never reach the network or write a data folder: newmm needs only the bundled corpus.
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

from pythainlp.corpus import thai_words  # noqa: E402
from pythainlp.tokenize import word_tokenize  # noqa: E402
from pythainlp.util import normalize as pythainlp_normalize  # noqa: E402

MAX_TOKEN_LENGTH = 64

# Zero-width space, non-joiner, joiner, word joiner, BOM and soft hyphen: invisible in
# text pasted from PDFs and word processors, they split a word for a computer only.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

# A run of Thai (dots kept: abbreviations such as พ.ร.บ. are words in the dictionary),
# or a Latin word, possibly joined by hyphens, dots, slashes or underscores (GOV-02,
# e-mail, ISO/IEC, 3.5).
RUN = re.compile(
    r"(?P<thai>[\u0e01-\u0e4e][\u0e01-\u0e4e.]*)"
    r"|(?P<latin>[0-9a-z]+(?:[-_./'][0-9a-z]+)*)"
)
THAI_LETTER = re.compile(r"[\u0e01-\u0e2e]")
LATIN_JOINERS = re.compile(r"[-_./']")

# Nominalising prefixes: การกำกับ (governing) is also found by กำกับ, and
# ความปลอดภัย (safety) by ปลอดภัย, as in ความมั่นคงปลอดภัย.
THAI_PREFIXES = ("การ", "ความ")

# Function words that would match nearly every page; nothing is found by them alone.
_STOPWORDS = (
    "การ ความ และ หรือ ของ ใน ที่ ซึ่ง เพื่อ กับ แก่ แต่ ให้ ได้ เป็น มี จาก โดย ไป มา "
    "นี้ นั้น อยู่ จะ ว่า ก็ ไม่ ถึง ต่อ ตาม แล้ว อย่าง ด้วย สำหรับ "
    "a an and are as at be by for from in is it of on or the to with"
)
STOPWORDS = frozenset(_STOPWORDS.split())


def normalise(text: str) -> str:
    """One spelling for one word: NFC, invisible characters dropped, Thai digits as
    Arabic ones, lower case, sara am composed (จัดทํา → จัดทำ) and tone marks moved
    after the vowel they were typed before (PyThaiNLP's normalize)."""
    text = unicodedata.normalize("NFC", text or "").translate(INVISIBLE)
    text = text.translate(THAI_DIGITS).lower()
    return pythainlp_normalize(text)


def _latin_stem(word: str) -> str:
    """English plurals as their singular (courses → course, policies → policy)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Term:
    """One word of a text, with the other forms under which it is found."""

    word: str
    forms: tuple[str, ...]
    # The unspaced Thai text the word was cut from: a misspelt Thai word may be cut
    # differently from the right one, so near spellings are looked up for the run.
    run: str = ""


MERGE_PIECE_LENGTH = 3


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    """Abbreviations as also written without their dots (พรบ for พ.ร.บ.)."""
    return frozenset(word.replace(".", "") for word in thai_words() if "." in word)


class Vocabulary:
    """Word segmentation and synonyms: which words and phrases count as the same.

    synonyms maps a key (a stable token, such as "~syn3") to the variants of one
    concept ("พรบ", "พ.ร.บ.", "พระราชบัญญัติ"). A page containing any variant is
    indexed under the key too, and a query naming any variant looks for the key.
    """

    def __init__(self, synonyms: Mapping[str, Iterable[str]] | None = None):
        self._phrases: dict[tuple[str, ...], str] = {}
        thai_variants: set[str] = set()
        for variants in (synonyms or {}).values():
            for variant in variants:
                text = normalise(variant).strip()
                if re.fullmatch(r"[\u0e01-\u0e4e.]+", text):
                    thai_variants.add(text.replace(".", ""))
        # Words the dictionary cannot spell come out in short pieces (พรบ as พร and
        # บ); such pieces are joined back. A variant made of known words stays
        # several words, so that ข้อมูลส่วนบุคคล still finds คุ้มครองข้อมูลส่วนบุคคล.
        self._joined = _abbreviations() | frozenset(thai_variants)
        self._longest_joined = max(map(len, self._joined), default=0)
        for key, variants in (synonyms or {}).items():
            for variant in variants:
                words = tuple(term.word for term in self._terms(variant, query=False))
                if words:
                    self._phrases[words] = key
        self._longest_phrase = max((len(words) for words in self._phrases), default=0)
        self._phrases_by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for words, key in self._phrases.items():
            self._phrases_by_first.setdefault(words[0], []).append((words, key))

    def _terms(self, text: str, *, query: bool) -> list[Term]:
        terms = []
        for match in RUN.finditer(normalise(text)):
            if match.lastgroup == "thai":
                run = match.group()
                terms.extend(
                    Term(term.word, term.forms, run.replace(".", ""))
                    for term in self._thai_terms(run)
                )
            else:
                term = self._latin_term(match.group(), query=query)
                if term:
                    terms.append(term)
        return terms

    def _join_pieces(self, run: str) -> list[str]:
        pieces = [
            token.replace(".", "")
            for token in word_tokenize(run, engine="newmm", keep_whitespace=False)
        ]
        pieces = [piece for piece in pieces if piece]
        tokens = []
        position = 0
        while position < len(pieces):
            end = position + 1
            for stop in range(min(len(pieces), position + 6), position + 1, -1):
                candidate = pieces[position:stop]
                joined = "".join(candidate)
                if (
                    len(joined) <= self._longest_joined
                    and joined in self._joined
                    and all(len(piece) <= MERGE_PIECE_LENGTH for piece in candidate)
                ):
                    end = stop
                    break
            tokens.append("".join(pieces[position:end]))
            position = end
        return tokens

    def _thai_terms(self, run: str) -> list[Term]:
        terms = []
        for token in self._join_pieces(run):
            word = token[:MAX_TOKEN_LENGTH]
            if not THAI_LETTER.search(word) or word in STOPWORDS:
                continue
            forms = [word]
            for prefix in THAI_PREFIXES:
                rest = word.removeprefix(prefix)
                if rest != word and len(rest) > 1 and rest not in STOPWORDS:
                    forms.append(rest)
            terms.append(Term(word, tuple(forms)))
        return terms

    def _latin_term(self, word: str, *, query: bool) -> Term | None:
        word = word[:MAX_TOKEN_LENGTH]
        if word in STOPWORDS:
            return None
        parts = [part for part in LATIN_JOINERS.split(word) if part]
        if len(parts) == 1:
            stem = _latin_stem(word)
            return Term(stem, (stem,))
        joined = _latin_stem("".join(parts))
        forms = [word, joined]
        if not query:
            # A page saying "cyber-security" is found by "cyber" and by "security";
            # a query for "cyber-security" asks for the compound, not either half.
            forms += [_latin_stem(part) for part in parts if part not in STOPWORDS]
        return Term(word, tuple(dict.fromkeys(forms)))

    def _phrase_key(self, phrase: list[Term]) -> str | None:
        """The synonym key of a phrase, matching each word under any of its forms:
        cyber-security is the variant cybersecurity, การทำงาน matches ทำงาน."""
        for form in phrase[0].forms:
            for words, key in self._phrases_by_first.get(form, ()):
                if len(words) == len(phrase) and all(
                    word in term.forms
                    for word, term in zip(words[1:], phrase[1:], strict=True)
                ):
                    return key
        return None

    def _with_synonyms(self, terms: list[Term], *, query: bool) -> list[Term]:
        """Mark every phrase that is a synonym variant with its key.

        For a page the key is added after every phrase that matches, overlapping ones
        too (ความมั่นคงปลอดภัยไซเบอร์ is both "security" and "cybersecurity"); in a
        query the longest phrase is replaced by one term found under its key (or
        under the word itself).
        """
        if not self._phrases:
            return terms
        if not query:
            keys = []
            for position in range(len(terms)):
                for length in range(1, self._longest_phrase + 1):
                    phrase = terms[position : position + length]
                    key = self._phrase_key(phrase) if len(phrase) == length else None
                    if key is not None:
                        keys.append(Term(key, (key,)))
            return terms + keys
        result: list[Term] = []
        position = 0
        while position < len(terms):
            longest = min(self._longest_phrase, len(terms) - position)
            for length in range(longest, 0, -1):
                phrase = terms[position : position + length]
                key = self._phrase_key(phrase)
                if key is None:
                    continue
                own = phrase[0].forms if length == 1 else ()
                words = " ".join(term.word for term in phrase)
                result.append(Term(words, (key, *own), phrase[0].run))
                position += length
                break
            else:
                result.append(terms[position])
                position += 1
        return result

    def document_tokens(self, text: str) -> list[str]:
        """Every token a page is found under, repeats kept."""
        terms = self._with_synonyms(self._terms(text, query=False), query=False)
        return [form for term in terms for form in term.forms]

    def query_terms(self, text: str, *, limit: int = 8) -> list[Term]:
        """The words of a query, each with the tokens that find it; duplicates dropped."""
        terms = self._with_synonyms(self._terms(text, query=True), query=True)
        unique = {term.forms: term for term in terms}
        return list(unique.values())[:limit]


def romanised_slug(text: str, *, max_length: int = 80) -> str:
    """A readable ASCII slug of Thai text: words found by newmm, each romanised by
    the Royal Institute's system (PyThaiNLP "royin", offline), joined by hyphens.

    การใช้ปัญญาประดิษฐ์ → kan-chai-panya-pradit. For URLs: Django's slug validator
    refuses Thai vowels and tone marks, so a Thai slug cannot keep them.
    """
    from django.utils.text import slugify

    from pythainlp.transliterate import romanize

    words = []
    for match in RUN.finditer(normalise(text)):
        if match.group("latin"):
            words.append(match.group("latin"))
            continue
        for token in word_tokenize(match.group("thai"), engine="newmm"):
            token = token.strip(".")
            if THAI_LETTER.search(token):
                words.append(romanize(token, engine="royin"))
    slug = slugify("-".join(words))[:max_length].strip("-")
    return slug
