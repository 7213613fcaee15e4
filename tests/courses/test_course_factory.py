"""The course factory's cheap path (revisions=False, for growing budget tests) leaves
the pages as publishing does, in everything the site reads: if it drifted, the budget
tests would measure pages the site never serves."""

from wagtail.models import ReferenceIndex

import pytest

from courses.models import SearchEntry
from courses.selectors import lessons_of
from tests.factories import competency, course

pytestmark = pytest.mark.django_db


def _served_state(page) -> list[tuple]:
    """What the site reads of a course and its lessons, its own slug left out."""
    return [
        (
            item.specific_class,
            item.depth,
            item.url_path.replace(f"/{page.slug}/", "/<course>/"),
            item.title,
            item.draft_title,
            item.live,
            item.has_unpublished_changes,
            item.first_published_at is not None,
            item.last_published_at is not None,
            item.locale_id,
            item.show_in_menus,
            ReferenceIndex.get_references_for_object(item).count(),
        )
        for item in [page, *lessons_of(page)]
    ]


def _search_entries(page) -> set[tuple]:
    pages = {page.pk: "<course>", **{p.pk: p.slug for p in lessons_of(page)}}
    return {
        (pages[entry.page_id], entry.token, entry.weight, entry.occurrences)
        for entry in SearchEntry.objects.filter(course_id=page.pk)
    }


def test_course_without_revisions_is_served_as_a_published_one(
    client, framework_academy
):
    links = [(competency(framework_academy, "ACD-GOV-01"), 3)]
    published = course("ข้อมูลภาครัฐ", slug="published", lessons=2, competencies=links)
    direct = course(
        "ข้อมูลภาครัฐ", slug="direct", lessons=2, competencies=links, revisions=False
    )

    assert published.live_revision is not None
    assert direct.live_revision is None and not direct.revisions.exists()
    assert _served_state(direct) == _served_state(published)
    assert _search_entries(direct) == _search_entries(published) != set()
    for url in ("/courses/", "/search/?q=ข้อมูล"):
        page = client.get(url).content.decode()
        assert f'href="{published.url}"' in page and f'href="{direct.url}"' in page
    assert client.get(lessons_of(direct)[1].url).status_code == 200


def test_draft_course_is_the_same_either_way(framework_academy):
    draft = course("ร่าง", slug="draft", publish=False)
    direct_draft = course("ร่าง", slug="direct-draft", publish=False, revisions=False)
    assert _served_state(direct_draft) == _served_state(draft)
    assert not draft.live and draft.first_published_at is None
