"""URLs of Thai-titled courses and lessons: never the vowel-less slugify of the title."""

from django.utils.text import slugify

import pytest

from academy.core.thaitext import romanised_slug
from courses.models import CatalogPage, CoursePage, LessonPage

pytestmark = pytest.mark.django_db

TITLE = "การใช้ปัญญาประดิษฐ์ในงานราชการ"


def _mangled(title: str) -> str:
    """What Wagtail's admin fills in as the title is typed (and Django's slugify)."""
    return slugify(title, allow_unicode=True)


def test_the_mangled_slug_is_what_we_replace():
    assert _mangled(TITLE) == "การใชปญญาประดษฐในงานราชการ"


def test_romanised_slug_reads_word_by_word():
    assert romanised_slug(TITLE) == "kan-chai-panyapradit-nai-ngan-ratkan"
    assert romanised_slug("Generative AI ทำงานอย่างไร").startswith("generative-ai-")


def test_a_course_gets_its_code_else_english_else_romanised_thai():
    catalogue = CatalogPage.objects.get()
    coded = catalogue.add_child(
        instance=CoursePage(
            summary="สรุป", title=TITLE, slug=_mangled(TITLE), code="AI-101"
        )
    )
    assert coded.slug == "ai-101"
    english = catalogue.add_child(
        instance=CoursePage(
            summary="สรุป", title=TITLE + " ๒", slug="", title_en="AI at work"
        )
    )
    assert english.slug == "ai-at-work"
    plain = catalogue.add_child(
        instance=CoursePage(summary="สรุป", title="ความมั่นคงปลอดภัยไซเบอร์")
    )
    assert plain.slug == romanised_slug("ความมั่นคงปลอดภัยไซเบอร์")
    assert plain.url.endswith(f"/{plain.slug}/")
    # Same title again: unique among siblings.
    again = catalogue.add_child(
        instance=CoursePage(summary="สรุป", title="ความมั่นคงปลอดภัยไซเบอร์")
    )
    assert again.slug == plain.slug + "-2"


def test_a_slug_chosen_by_the_author_is_kept():
    catalogue = CatalogPage.objects.get()
    page = catalogue.add_child(
        instance=CoursePage(summary="สรุป", title=TITLE, slug="ai-in-office")
    )
    assert page.slug == "ai-in-office"


def test_a_lesson_gets_its_english_title_or_romanised_thai():
    catalogue = CatalogPage.objects.get()
    course = catalogue.add_child(
        instance=CoursePage(summary="สรุป", title=TITLE, code="AI-102")
    )
    first = course.add_child(
        instance=LessonPage(title="บทนำสู่ปัญญาประดิษฐ์", slug=_mangled("บทนำสู่ปัญญาประดิษฐ์"))
    )
    assert first.slug == romanised_slug("บทนำสู่ปัญญาประดิษฐ์")
    second = course.add_child(
        instance=LessonPage(title="ข้อควรระวัง", title_en="Cautions", slug="")
    )
    assert second.slug == "cautions"
