"""Learner pages: rendering, behaviour and query budgets (same for 1 and 50 items)."""

from datetime import date

import pytest

from competencies.services import evidence_record
from courses.models import Enrolment
from courses.selectors import lessons_of
from courses.services import enrolment_create, lesson_complete
from tests.factories import competency, course, level
from tests.queries import one_and_fifty, page_queries

pytestmark = pytest.mark.django_db


def _courses(framework, n, *, start=0, **extra):
    """n live courses for the budget tests, made live without revisions (the pages
    the site serves, at a quarter of publishing's cost: tests/factories.py)."""
    codes = [
        "ACD-GOV-01",
        "ACD-GOV-02",
        "ACD-LIT-01",
        "ACD-LIT-02",
        "ACD-LEAD-01",
        "ACD-DATA-01",
    ]
    return [
        course(
            f"หลักสูตรข้อมูลที่ {i}",
            slug=f"c-{i}",
            lessons=1,
            competencies=[(competency(framework, codes[i % len(codes)]), 3)],
            learning_hours=2 + i % 5,
            revisions=False,
            **extra,
        )
        for i in range(start, start + n)
    ]


def test_catalogue_lists_live_courses_only(client, framework_academy):
    live = course("หลักสูตรเปิด", slug="open")
    course("หลักสูตรร่าง", slug="draft", publish=False)
    page = client.get("/courses/").content.decode()
    assert live.title in page
    assert "หลักสูตรร่าง" not in page


def test_catalogue_filters_by_mode_and_hours(client, framework_academy):
    course("สั้น", slug="short", learning_hours=2, delivery_mode="classroom")
    course("ยาว", slug="long", learning_hours=20, delivery_mode="self_paced")
    page = client.get("/courses/", {"hours": "5"}).content.decode()
    assert ">สั้น<" in page and ">ยาว<" not in page
    page = client.get("/courses/", {"mode": "self_paced"}).content.decode()
    assert ">ยาว<" in page and ">สั้น<" not in page


def test_catalogue_ignores_malformed_filters(client, framework_academy):
    course("หลักสูตร", slug="c")
    response = client.get(
        "/courses/", {"hours": "lots", "competency": "x", "mode": "<b>"}
    )
    assert response.status_code == 200
    assert ">หลักสูตร<" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("ข้อมูล", True),
        ("กำกับ", True),
        ("ภาครัฐ", True),
        ("governance", True),
        ("ACD-GOV-02", True),
        ("ข้อมูล ภาครัฐ", True),
        ("ไซเบอร์", False),
    ],
)
def test_thai_search_matches_inside_words(client, governance_course, query, found):
    page = client.get("/search/", {"q": query}).content.decode()
    assert (governance_course.title in page) is found


def test_search_ignores_zero_width_spaces(client, governance_course):
    page = client.get("/search/", {"q": "ข้อ\u200bมูล"}).content.decode()
    assert governance_course.title in page


def test_course_page_explains_unmet_prerequisite(client, learner, governance_course):
    from courses.models import CoursePrerequisite

    basics = course("พื้นฐานการใช้ข้อมูล", slug="basics")
    CoursePrerequisite.objects.create(page=governance_course, required_course=basics)
    client.force_login(learner)
    page = client.get(governance_course.url).content.decode()
    assert "พื้นฐานการใช้ข้อมูล" in page
    response = client.post(f"/learn/courses/{governance_course.pk}/enrol/", follow=True)
    assert not Enrolment.objects.filter(course=governance_course).exists()
    assert "พื้นฐานการใช้ข้อมูล" in response.content.decode()


def test_enrol_requires_post_and_sign_in(client, learner, governance_course):
    url = f"/learn/courses/{governance_course.pk}/enrol/"
    assert client.post(url).status_code == 302  # to sign in
    client.force_login(learner)
    assert client.get(url).status_code == 405
    assert not Enrolment.objects.exists()


def test_enrol_is_csrf_protected(learner, governance_course):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post(f"/learn/courses/{governance_course.pk}/enrol/")
    assert response.status_code == 403
    assert not Enrolment.objects.exists()


def test_learner_walks_through_a_course(client, learner, governance_course):
    client.force_login(learner)
    client.post(f"/learn/courses/{governance_course.pk}/enrol/")
    first, second = lessons_of(governance_course)
    assert client.get(first.url).status_code == 200
    response = client.post(f"/learn/lessons/{first.pk}/complete/")
    assert response["Location"] == second.url
    response = client.post(f"/learn/lessons/{second.pk}/complete/")
    assert response["Location"] == governance_course.url
    enrolment = Enrolment.objects.get()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_completing_a_lesson_without_enrolment_is_refused(
    client, learner, governance_course
):
    client.force_login(learner)
    lesson = lessons_of(governance_course)[0]
    response = client.post(f"/learn/lessons/{lesson.pk}/complete/", follow=True)
    assert response.status_code == 200
    assert not Enrolment.objects.exists()


def test_dashboard_shows_group_gaps_and_recommendation(client, learner, framework_2024):
    recommended = course(
        "การใช้งานดิจิทัลขั้นต้น",
        slug="basics",
        competencies=[(competency(framework_2024, "DG-TNMQ-001"), 1)],
        learning_hours=3,
    )
    client.force_login(learner)
    page = client.get("/dashboard/").content.decode()
    group = framework_2024.groups.get(code="nonit-operational")
    assert group.name_th in page
    assert recommended.title in page
    assert "gap-chart" in page
    assert "provisional" in page  # the 2024 requirements rest on data to confirm


def test_dashboard_recommends_for_a_gap_on_a_framework_shown_second(
    client, learner, framework_academy
):
    """The dashboard shows the 2024 framework first; a gap on another framework the
    learner is placed in still earns its courses a recommendation."""
    academy_course = course(
        "การกำกับดูแลข้อมูลภาครัฐ",
        slug="governance",
        competencies=[(competency(framework_academy, "ACD-GOV-02"), 2)],
    )
    client.force_login(learner)
    page = client.get("/dashboard/").content.decode()
    assert f'href="{academy_course.url}"' in page


def test_recommendations_rank_gap_closed_per_hour(learner, framework_academy):
    from competencies.selectors import person_profile
    from courses.selectors import recommendations_for

    quick = course(
        "สั้นแต่ปิดช่องว่าง",
        slug="quick",
        competencies=[(competency(framework_academy, "ACD-GOV-01"), 2)],
        learning_hours=2,
    )
    long = course(
        "ยาวปิดมากกว่า",
        slug="long",
        competencies=[
            (competency(framework_academy, "ACD-GOV-01"), 2),
            (competency(framework_academy, "ACD-GOV-02"), 2),
        ],
        learning_hours=10,
    )
    already = course(
        "ไม่ช่วยอะไร",
        slug="none",
        competencies=[(competency(framework_academy, "ACD-LIT-01"), 1)],
        learning_hours=1,
    )
    evidence_record(
        person=learner.person,
        competency=competency(framework_academy, "ACD-LIT-01"),
        level=level(framework_academy, 2),
        source="assessment",
        observed_on=date(2026, 1, 1),
    )
    profile = person_profile(learner.person, framework=framework_academy).frameworks[0]
    ranked = recommendations_for(profiles=[profile], user=learner)
    assert [item.course.pk for item in ranked] == [quick.pk, long.pk]
    assert ranked[0].gap_closed == 2 and ranked[1].gap_closed == 4
    assert already.pk not in [item.course.pk for item in ranked]


def test_recommendations_leave_out_courses_in_progress(learner, framework_academy):
    from competencies.selectors import person_profile
    from courses.selectors import recommendations_for

    taking = course(
        "กำลังเรียน",
        slug="taking",
        competencies=[(competency(framework_academy, "ACD-GOV-01"), 2)],
    )
    enrolment_create(user=learner, course=taking)
    profile = person_profile(learner.person, framework=framework_academy).frameworks[0]
    assert recommendations_for(profiles=[profile], user=learner) == []


def test_fiscal_year_hours_on_dashboard(client, learner, governance_course):
    enrolment_create(user=learner, course=governance_course)
    for lesson in lessons_of(governance_course):
        lesson_complete(user=learner, lesson=lesson)
    client.force_login(learner)
    page = client.get("/dashboard/").content.decode()
    assert "6.0" in page


# ------------------------------------------------------------------------------
# Query budgets: the same number of queries for 1 item and for 50
# ------------------------------------------------------------------------------


def _grow_courses(framework):
    """grow(n): n more live courses, for one_and_fifty."""
    made = []

    def grow(n):
        made.extend(_courses(framework, n, start=len(made)))
        return made[-n:]

    return grow


def test_catalogue_query_budget(client, framework_academy):
    one, fifty = one_and_fifty(
        _grow_courses(framework_academy), lambda: page_queries(client, "/courses/")
    )
    assert one == fifty <= 6


def test_search_query_budget(client, framework_academy):
    one, fifty = one_and_fifty(
        _grow_courses(framework_academy),
        lambda: page_queries(client, "/search/?q=ข้อมูล"),
    )
    assert one == fifty <= 8


def test_dashboard_query_budget(client, learner, framework_academy):
    grow_courses = _grow_courses(framework_academy)

    def grow(n):
        # n courses enrolled in, and n more the dashboard may recommend.
        for page in grow_courses(2 * n)[:n]:
            enrolment_create(user=learner, course=page)

    client.force_login(learner)
    one, fifty = one_and_fifty(grow, lambda: page_queries(client, "/dashboard/"))
    assert one == fifty <= 10


def test_course_page_query_budget(client, learner, framework_academy):
    def queries(n):
        page = course("บทเรียนมาก", slug=f"many-{n}", lessons=n, revisions=False)
        enrolment_create(user=learner, course=page)
        for lesson in lessons_of(page)[: n // 2]:
            lesson_complete(user=learner, lesson=lesson)
        return page_queries(client, page.url)

    client.force_login(learner)
    one, fifty = queries(1), queries(50)
    assert one == fifty <= 5


def test_lesson_page_query_budget(client, learner, framework_academy):
    def queries(n):
        page = course("บทเรียนมาก", slug=f"many-{n}", lessons=n, revisions=False)
        enrolment_create(user=learner, course=page)
        return page_queries(client, lessons_of(page)[-1].url)

    client.force_login(learner)
    one, fifty = queries(1), queries(50)
    assert one == fifty <= 4  # the user, the lesson, the enrolment, its progress


def test_catalogue_offers_filter_choices(client, framework_academy):
    course("หลักสูตร", slug="c")
    page = client.get("/courses/").content.decode()
    assert 'name="competency"' in page
    assert "การรู้ดิจิทัล" in page  # an area of the active frameworks
    assert "กลุ่มผู้ปฏิบัติงานอื่นๆ" in page  # a personnel group (2018, verbatim)


WRITES = ("INSERT", "UPDATE", "DELETE")


def _writes(captured) -> list[str]:
    return [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(WRITES)
    ]


def test_rereading_a_lesson_writes_nothing(client, learner, framework_academy):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = course("บทเรียน", slug="reread", lessons=2)
    enrolment = enrolment_create(user=learner, course=page)
    first = lessons_of(page)[0]
    client.force_login(learner)

    client.get(first.url)  # the first view is recorded (by a task; eager here)
    enrolment.refresh_from_db()
    assert enrolment.last_lesson_id == first.pk
    assert enrolment.lesson_progress.get(lesson=first).status == "viewed"
    with CaptureQueriesContext(connection) as captured:
        assert client.get(first.url).status_code == 200

    assert _writes(captured) == []


def test_opening_another_lesson_moves_the_resume_point(
    client, learner, framework_academy
):
    page = course("บทเรียน", slug="resume", lessons=2)
    enrolment = enrolment_create(user=learner, course=page)
    first, second = lessons_of(page)
    client.force_login(learner)

    client.get(first.url)
    client.get(second.url)

    enrolment.refresh_from_db()
    assert enrolment.last_lesson_id == second.pk


def test_dashboard_reads_no_lesson_body(client, learner, framework_academy):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = course("บทเรียน", slug="bodies", lessons=2)
    enrolment_create(user=learner, course=page)
    client.force_login(learner)
    client.get(lessons_of(page)[0].url)

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/dashboard/").status_code == 200

    sql = " ".join(query["sql"] for query in captured.captured_queries)
    enrolments = [
        query["sql"]
        for query in captured.captured_queries
        if 'FROM "courses_enrolment"' in query["sql"] and "last_lesson" in query["sql"]
    ]
    assert '"courses_lessonpage"."body"' not in sql
    assert enrolments
    assert all('"courses_coursepage"."description"' not in q for q in enrolments)


def test_a_lesson_opens_when_the_task_broker_is_down(
    client, learner, framework_academy, monkeypatch
):
    from courses.tasks import lesson_view_record_task

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(lesson_view_record_task, "apply_async", broker_down)
    page = course("บทเรียน", slug="down", lessons=1)
    enrolment_create(user=learner, course=page)
    client.force_login(learner)

    assert client.get(lessons_of(page)[0].url).status_code == 200


def test_filter_choices_follow_the_standards(client, framework_academy):
    """The choices are kept per process under the standards' version: a group added
    or renamed, or a framework retired, shows at once."""
    from competencies.models import Framework, PersonnelGroup

    course("หลักสูตร", slug="c")
    assert "กลุ่มทดสอบใหม่" not in client.get("/courses/").content.decode()

    group = PersonnelGroup.objects.create(
        framework=framework_academy, code="new-group", name_th="กลุ่มทดสอบใหม่"
    )
    assert "กลุ่มทดสอบใหม่" in client.get("/search/?q=x").content.decode()

    group.name_th = "กลุ่มเปลี่ยนชื่อ"
    group.save()
    assert "กลุ่มเปลี่ยนชื่อ" in client.get("/courses/").content.decode()

    framework_academy.status = Framework.Status.RETIRED
    framework_academy.save()
    assert "กลุ่มเปลี่ยนชื่อ" not in client.get("/courses/").content.decode()


def test_a_lesson_page_lists_the_lessons_as_published_now(
    client, learner, framework_academy
):
    """The course outline a lesson page shows is kept per process; publishing,
    renaming or unpublishing a lesson shows on the next page view."""
    from courses.models import LessonPage

    page = course("หลักสูตรโครงร่าง", slug="outline", lessons=2)
    enrolment_create(user=learner, course=page)
    first, second = lessons_of(page)
    client.force_login(learner)
    assert "บทที่ 2" in client.get(first.url).content.decode()  # kept

    second.title = "บทที่สองฉบับใหม่"
    second.save_revision().publish()
    third = LessonPage(
        title="บทเพิ่มเติม", slug="extra", body=[("paragraph", "<p>เพิ่ม</p>")]
    )
    page.add_child(instance=third)
    third.save_revision().publish()
    shown = client.get(first.url).content.decode()
    assert "บทที่สองฉบับใหม่" in shown and "บทเพิ่มเติม" in shown

    second.unpublish()
    shown = client.get(first.url).content.decode()
    assert "บทที่สองฉบับใหม่" not in shown and "บทเพิ่มเติม" in shown
