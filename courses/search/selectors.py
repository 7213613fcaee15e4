"""The query side of search: a query's words, then a few SQL queries on the index.

A course is found when every word of the query (or one of its forms: a synonym, a word
without its การ/ความ prefix, on PostgreSQL a near spelling) is among the words of the
course or its lessons. Courses are ranked by where the words are (title and code above
summary and competencies, above lesson titles, above lesson text), then by how often.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, F, IntegerField, Max, Q, Sum, Value, When

from academy.core.thaitext import Term

from ..models import SearchEntry
from .vocabulary import current_vocabulary

# Near spellings count for half of an exact word.
EXACT_FACTOR = 2
FUZZY_FACTOR = 1
TRIGRAM_MIN_SIMILARITY = 0.45
TRIGRAM_MIN_LENGTH = 4
TRIGRAM_CANDIDATES = 5


@dataclass(frozen=True)
class RankedCourse:
    course_id: int
    score: int
    hits: int


def query_terms(text: str) -> list[Term]:
    return current_vocabulary().query_terms(text)


def _near_spellings(word: str) -> list[str]:
    """Indexed words within trigram distance of a word missing from the index
    (PostgreSQL's pg_trgm, through its GIN index); none on other databases."""
    if connection.vendor != "postgresql" or len(word) < TRIGRAM_MIN_LENGTH:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT token FROM courses_searchentry WHERE token %% %s "
            "GROUP BY token HAVING MAX(similarity(token, %s)) >= %s "
            "ORDER BY MAX(similarity(token, %s)) DESC, token LIMIT %s",
            [word, word, TRIGRAM_MIN_SIMILARITY, word, TRIGRAM_CANDIDATES],
        )
        return [row[0] for row in cursor.fetchall()]


def _merge_misspelt_runs(per_term: list) -> list:
    """A Thai run with a misspelt word stands as one term: its other pieces (ปัญญา of
    ปัญญาประดิษ) need not be found on their own."""
    misspelt_runs = {term.run for term, _, near in per_term if near and term.run}
    merged, seen = [], set()
    for term, exact, near in per_term:
        if term.run not in misspelt_runs:
            merged.append((term, exact, near))
            continue
        if term.run in seen:
            continue
        seen.add(term.run)
        pieces = [item for item in per_term if item[0].run == term.run]
        merged.append(
            (
                term,
                [],
                list(dict.fromkeys(word for item in pieces for word in item[2])),
            )
        )
    return merged


def course_ranking(terms: list[Term]) -> list[RankedCourse]:
    """Courses matching every term, best first; two queries, plus one per misspelt
    word on PostgreSQL."""
    if not terms:
        return []
    every_form = {form for term in terms for form in term.forms}
    indexed = set(
        SearchEntry.objects.filter(token__in=every_form)
        .values_list("token", flat=True)
        .distinct()
    )
    per_term = []
    for term in terms:
        near = []
        if not indexed.intersection(term.forms):
            near = [word for word in _near_spellings(term.word) if word not in indexed]
            if term.run and term.run != term.word:
                # ปัญญาประดิษ is cut as ปัญญา + ประดิษ: the whole run is nearer to
                # the indexed ปัญญาประดิษฐ์ than either piece.
                near += [
                    word
                    for word in _near_spellings(term.run)
                    if word not in indexed and word not in near
                ]
            if not near:
                return []
        per_term.append((term, list(term.forms), near))
    per_term = _merge_misspelt_runs(per_term)

    annotations = {}
    for position, (_, exact, near) in enumerate(per_term):
        whens = [When(token__in=exact, then=F("weight") * EXACT_FACTOR)]
        if near:
            whens.append(When(token__in=near, then=F("weight") * FUZZY_FACTOR))
        annotations[f"term{position}"] = Max(
            Case(*whens, default=Value(0), output_field=IntegerField())
        )
    searched = every_form | {word for _, _, near in per_term for word in near}
    rows = (
        SearchEntry.objects.filter(token__in=searched)
        .values("course_id")
        .annotate(
            **annotations,
            hits=Sum(F("occurrences") * F("weight"), output_field=IntegerField()),
        )
        .filter(**{f"{name}__gt": 0 for name in annotations})
    )
    ranked = [
        RankedCourse(
            course_id=row["course_id"],
            score=sum(row[name] for name in annotations),
            hits=row["hits"],
        )
        for row in rows
    ]
    ranked.sort(key=lambda item: (-item.score, -item.hits, item.course_id))
    return ranked


def course_search_filter(ranking: list[RankedCourse]) -> Q:
    return Q(pk__in=[item.course_id for item in ranking])
