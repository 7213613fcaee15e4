"""One Thai-aware course search over titles, summaries, lesson text and competencies,
kept current by publishing (courses.search)."""

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

import pytest

from courses.models import CoursePage, LessonPage, SearchEntry, SearchSynonym
from courses.search.services import search_index_rebuild
from courses.selectors import catalogue_filters_parse, course_list_for_catalogue
from tests.factories import competency, course


def _found(query: str) -> list[str]:
    filters = catalogue_filters_parse({"q": query})
    return [page.title for page in course_list_for_catalogue(filters=filters)]


def _lesson(parent: CoursePage, title: str, text: str, slug: str) -> LessonPage:
    lesson = LessonPage(title=title, slug=slug, body=[("paragraph", f"<p>{text}</p>")])
    parent.add_child(instance=lesson)
    lesson.save_revision().publish()
    return lesson


@pytest.fixture
def catalogue(standards):
    return None


@pytest.mark.django_db
def test_lesson_text_is_searched(catalogue):
    governance = course("การกำกับดูแลข้อมูลภาครัฐ", lessons=0)
    _lesson(governance, "บทนำ", "ธรรมาภิบาลข้อมูลเริ่มจากบัญชีข้อมูล", "intro")

    assert _found("ธรรมาภิบาล") == ["การกำกับดูแลข้อมูลภาครัฐ"]


@pytest.mark.django_db
def test_a_title_ranks_above_a_summary_above_lesson_text(catalogue):
    in_body = course("หลักสูตรที่สาม", lessons=0, summary="สรุปทั่วไป")
    _lesson(in_body, "บทเดียว", "ตัวอย่างการใช้คลาวด์ในหน่วยงาน", "only")
    course("หลักสูตรที่สอง", lessons=0, summary="ย้ายระบบขึ้นคลาวด์อย่างปลอดภัย")
    course("คลาวด์ภาครัฐ", lessons=0, summary="สรุปทั่วไป")

    assert _found("คลาวด์") == ["คลาวด์ภาครัฐ", "หลักสูตรที่สอง", "หลักสูตรที่สาม"]


@pytest.mark.django_db
def test_every_word_of_the_query_must_be_found(catalogue):
    course("คลาวด์ภาครัฐ", lessons=0, summary="โครงสร้างพื้นฐาน")
    course("ข้อมูลเปิดภาครัฐ", lessons=0, summary="ชุดข้อมูล")

    assert _found("คลาวด์ ภาครัฐ") == ["คลาวด์ภาครัฐ"]


@pytest.mark.django_db
def test_a_latin_word_is_not_found_inside_another(catalogue):
    course("การรอคิวออนไลน์", lessons=0, summary="Reduce waiting times")
    course("ปัญญาประดิษฐ์ในงานราชการ", lessons=0, summary="Generative AI at work")

    assert _found("AI") == ["ปัญญาประดิษฐ์ในงานราชการ"]


@pytest.mark.django_db
def test_abbreviation_and_long_form_find_each_other(catalogue):
    course("กฎหมายดิจิทัล", lessons=0, summary="พระราชบัญญัติการบริหารงานภาครัฐ")
    course("พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล", lessons=0)

    expected = ["พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล", "กฎหมายดิจิทัล"]
    assert _found("พรบ") == expected
    assert _found("พ.ร.บ.") == expected
    assert _found("พระราชบัญญัติ") == expected


@pytest.mark.django_db
def test_seeded_synonyms_join_thai_and_english(catalogue):
    course("ปัญญาประดิษฐ์ในงานราชการ", lessons=0)
    course("ความมั่นคงปลอดภัยไซเบอร์เบื้องต้น", lessons=0)
    course("การรู้ดิจิตอล", lessons=0)

    assert _found("AI") == ["ปัญญาประดิษฐ์ในงานราชการ"]
    assert _found("cybersecurity") == ["ความมั่นคงปลอดภัยไซเบอร์เบื้องต้น"]
    assert _found("ดิจิทัล") == ["การรู้ดิจิตอล"]


@pytest.mark.django_db
def test_decomposed_sara_am_in_the_query_finds_the_course(catalogue):
    course("การจัดทำบัญชีข้อมูล", lessons=0)

    assert _found("จัดท\u0e4d\u0e32") == ["การจัดทำบัญชีข้อมูล"]


@pytest.mark.django_db
def test_tone_mark_typed_before_the_vowel_finds_the_course(catalogue):
    course("การคุ้มครองข้อมูลส่วนบุคคล", lessons=0)

    assert _found("ค\u0e49\u0e38มครอง") == ["การคุ้มครองข้อมูลส่วนบุคคล"]


@pytest.mark.django_db
def test_competency_name_and_code_are_searched(framework_academy):
    cyber = competency(framework_academy, "ACD-CYBER-01")
    course("หลักสูตรหนึ่ง", lessons=0, competencies=[(cyber, 1)])

    assert _found("ACD-CYBER-01") == ["หลักสูตรหนึ่ง"]
    assert _found(cyber.name_th) == ["หลักสูตรหนึ่ง"]


@pytest.mark.django_db
def test_a_synonym_added_by_an_administrator_is_used(
    catalogue, django_capture_on_commit_callbacks
):
    course("การทำงานจากที่บ้าน", lessons=0)
    assert _found("remote work") == []

    with django_capture_on_commit_callbacks(execute=True):
        SearchSynonym.objects.create(variants="ทำงานจากที่บ้าน\nremote work")

    assert _found("remote work") == ["การทำงานจากที่บ้าน"]


@pytest.mark.django_db
def test_a_synonym_needs_two_variants(catalogue):
    with pytest.raises(ValidationError) as raised:
        SearchSynonym(variants="ทำงานจากที่บ้าน\n").full_clean()
    assert "variants" in raised.value.message_dict


@pytest.mark.django_db
def test_an_unpublished_course_is_no_longer_found(catalogue):
    page = course("คลาวด์ภาครัฐ", lessons=1)
    page.unpublish()

    assert _found("คลาวด์") == []
    assert not SearchEntry.objects.filter(course_id=page.pk).exists()


@pytest.mark.django_db
def test_an_unpublished_lesson_is_no_longer_searched(catalogue):
    page = course("หลักสูตรหนึ่ง", lessons=0)
    lesson = _lesson(page, "บทเดียว", "ธรรมาภิบาลข้อมูล", "only")
    lesson.unpublish()

    assert _found("ธรรมาภิบาล") == []


@pytest.mark.django_db
def test_a_republished_lesson_is_searched_as_edited(catalogue):
    page = course("หลักสูตรหนึ่ง", lessons=0)
    lesson = _lesson(page, "บทเดียว", "ธรรมาภิบาลข้อมูล", "only")
    lesson.body = [("paragraph", "<p>คลาวด์ภาครัฐ</p>")]
    lesson.save_revision().publish()

    assert _found("ธรรมาภิบาล") == []
    assert _found("คลาวด์") == ["หลักสูตรหนึ่ง"]


@pytest.mark.django_db
def test_a_deleted_lesson_takes_its_words_with_it(catalogue):
    page = course("หลักสูตรหนึ่ง", lessons=0)
    lesson = _lesson(page, "บทเดียว", "ธรรมาภิบาลข้อมูล", "only")
    lesson.delete()

    assert _found("ธรรมาภิบาล") == []


@pytest.mark.django_db
def test_a_moved_lesson_is_found_under_its_new_course(catalogue):
    first = course("หลักสูตรแรก", lessons=0)
    second = course("หลักสูตรที่สอง", lessons=0)
    lesson = _lesson(first, "บทเดียว", "ธรรมาภิบาลข้อมูล", "only")
    lesson.move(second, pos="last-child")

    assert _found("ธรรมาภิบาล") == ["หลักสูตรที่สอง"]


@pytest.mark.django_db
def test_a_moved_lesson_is_indexed_whichever_course_is_indexed_first(catalogue):
    """The move handler reindexes both courses in no set order: the new course first
    must take the lesson over (PostgreSQL once failed on the unique page/token)."""
    from treebeard.mp_tree import MP_Node

    from courses.search.services import search_index_update

    first = course("หลักสูตรแรก", lessons=0)
    second = course("หลักสูตรที่สอง", lessons=0)
    lesson = _lesson(first, "บทเดียว", "ธรรมาภิบาลข้อมูล", "only")
    MP_Node.move(lesson, second, pos="last-child")  # the tree only, no signal

    search_index_update(course_id=second.pk)
    search_index_update(course_id=first.pk)

    assert _found("ธรรมาภิบาล") == ["หลักสูตรที่สอง"]


@pytest.mark.django_db
def test_the_rebuild_command_restores_the_index(catalogue, capsys):
    course("คลาวด์ภาครัฐ", lessons=1)
    SearchEntry.objects.all().delete()

    call_command("search_index_rebuild")

    assert _found("คลาวด์") == ["คลาวด์ภาครัฐ"]
    assert "1 courses" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_private_course_is_not_found(catalogue):
    from wagtail.models import PageViewRestriction

    page = course("คลาวด์ภาครัฐ", lessons=0)
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    search_index_rebuild()

    assert _found("คลาวด์") == []


@pytest.mark.django_db
def test_the_catalogue_sends_a_query_to_the_one_search_page(client, catalogue):
    response = client.get("/courses/", {"q": "คลาวด์", "mode": "self_paced"})

    assert response.status_code == 302
    assert response.url.startswith("/search/?")
    assert "mode=self_paced" in response.url


@pytest.mark.django_db
def test_the_search_page_lists_results_in_relevance_order(client, catalogue):
    course("หลักสูตรที่สอง", lessons=0, summary="ย้ายระบบขึ้นคลาวด์")
    course("คลาวด์ภาครัฐ", lessons=0)

    page = client.get("/search/", {"q": "คลาวด์"}).content.decode()

    assert page.index("คลาวด์ภาครัฐ") < page.index("หลักสูตรที่สอง")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram similarity is PostgreSQL's"
)
@pytest.mark.django_db
def test_a_misspelt_word_is_found_on_postgresql(catalogue):
    course("Cyber security fundamentals", lessons=0)

    assert _found("fundamentls") == ["Cyber security fundamentals"]


def _search_queries(client, query: str) -> tuple[int, str]:
    from django.db import connection as default_connection
    from django.test.utils import CaptureQueriesContext

    client.get("/search/", {"q": query})  # fills the reference caches
    with CaptureQueriesContext(default_connection) as captured:
        response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.django_db
def test_search_page_queries_are_the_same_for_1_and_50_results(
    client, framework_academy
):
    codes = [
        "ACD-GOV-01",
        "ACD-GOV-02",
        "ACD-LIT-01",
        "ACD-LIT-02",
        "ACD-LEAD-01",
        "ACD-DATA-01",
    ]

    def make(number: int):
        course(
            f"คลาวด์ภาครัฐ รุ่นที่ {number}",
            slug=f"cloud-{number}",
            lessons=1,
            competencies=[(competency(framework_academy, codes[number % 6]), 3)],
            revisions=False,  # the pages the site serves, made live cheaply
        )

    make(0)
    client.get("/search/", {"q": "คลาวด์"})  # warm the vocabulary and the site root
    one, page = _search_queries(client, "คลาวด์ บทที่")
    assert page.count('class="card course-card"') == 1
    for number in range(1, 50):
        make(number)
    fifty, page = _search_queries(client, "คลาวด์ บทที่")
    assert page.count('class="card course-card"') == 50

    assert one == fifty
