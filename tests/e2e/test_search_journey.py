"""A visitor searches from the header: Thai variants find the course, best first."""

import pytest

from courses.models import SearchSynonym
from tests.factories import course

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue(standards):
    # Transactional tests flush the table the migration seeded: the synonym is made here.
    SearchSynonym.objects.get_or_create(variants="พรบ\nพ.ร.บ.\nพระราชบัญญัติ")
    law = course("กฎหมายดิจิทัลที่ข้าราชการควรรู้", slug="digital-law", lessons=0)
    law.summary = "สาระสำคัญของพระราชบัญญัติการบริหารงานภาครัฐผ่านระบบดิจิทัล"
    law.save_revision().publish()
    course("พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล", slug="pdpa", lessons=0)
    course("คลาวด์ภาครัฐ", slug="cloud", lessons=0)


def test_search_from_the_header_finds_abbreviation_variants(page, shot, catalogue):
    page.goto("/courses/")
    page.fill("#site-search-q", "พรบ")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    shot(page, "results")

    titles = page.locator(".course-card h3").all_inner_texts()
    assert [title.strip() for title in titles] == [
        "พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล",
        "กฎหมายดิจิทัลที่ข้าราชการควรรู้",
    ]
    assert page.locator("#f-q").input_value() == "พรบ"


def test_a_query_in_the_catalogue_filters_opens_the_search_page(page, catalogue):
    page.goto("/courses/")
    page.fill("#f-q", "คลาวด์")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**/search/?*")

    titles = page.locator(".course-card h3").all_inner_texts()
    assert [title.strip() for title in titles] == ["คลาวด์ภาครัฐ"]
