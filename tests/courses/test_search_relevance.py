"""Search relevance over the demo catalogue: every judged course is among the first
five results (tests/data/search_relevance.json; `make bench` prints precision@5)."""

import json
from pathlib import Path

from django.db import connection, transaction

import pytest

from competencies.services import standards_load
from courses.selectors import catalogue_filters_parse, course_list_for_catalogue
from demo.catalogue import catalogue_seed

JUDGEMENTS = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "search_relevance.json").read_text(
        encoding="utf-8"
    )
)
QUERIES = JUDGEMENTS["queries"]
TYPOS = JUDGEMENTS["typos"]["queries"]

# One process runs this module's tests (pytest-xdist, --dist loadgroup), so the demo
# catalogue is seeded once a run, not once in every worker the queries spread to.
pytestmark = pytest.mark.xdist_group("search_relevance")


@pytest.fixture(scope="module")
def demo_catalogue(django_db_setup, django_db_blocker):
    """One seed for the module, rolled back after its last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        standards_load()
        catalogue_seed()
        yield
        transaction.set_rollback(True)


def _top_five(query: str) -> list[str]:
    filters = catalogue_filters_parse({"q": query})
    return [page.code for page in course_list_for_catalogue(filters=filters)][:5]


def test_the_set_has_at_least_thirty_thai_and_english_queries():
    thai = [
        item for item in QUERIES if any("\u0e00" <= c <= "\u0e7f" for c in item["q"])
    ]
    assert len(QUERIES) >= 30
    assert len(thai) >= 15
    assert len(QUERIES) - len(thai) >= 15


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_catalogue")
@pytest.mark.parametrize("item", QUERIES, ids=[item["q"] for item in QUERIES])
def test_judged_courses_are_in_the_top_five(item):
    top = _top_five(item["q"])
    assert set(item["relevant"]) <= set(top), f"{item['q']}: {top}"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram similarity is PostgreSQL's"
)
@pytest.mark.django_db
@pytest.mark.usefixtures("demo_catalogue")
@pytest.mark.parametrize("item", TYPOS, ids=[item["q"] for item in TYPOS])
def test_misspelt_queries_find_the_judged_courses_on_postgresql(item):
    top = _top_five(item["q"])
    assert set(item["relevant"]) <= set(top), f"{item['q']}: {top}"
