"""Course authoring in the Wagtail admin: instructors draft, administrators review.

The tests go through the real admin URLs with the Django test client, so the rule in
courses.page_permissions is checked where Wagtail applies it: the add, edit and preview
views, the explorer and page search, and the review workflow. Two ask the permission
tester directly, for what has no single URL (the catalogue's rights, moving a lesson).
"""

import re

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from wagtail.models import GroupApprovalTask, Page, PageLogEntry
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

import pytest

from academy.accounts.roles import Role
from courses.models import (
    CatalogPage,
    CourseInstructor,
    CoursePage,
    Enrolment,
    LessonPage,
)
from courses.services import enrolment_create
from tests.factories import UserFactory, competency, course, level

pytestmark = pytest.mark.django_db

WORKFLOW_NAME = "การตรวจทานหลักสูตร (Academy review)"
TASK_NAME = "ผู้ดูแลสถาบันตรวจทาน"


@pytest.fixture
def catalogue(standards):
    return CatalogPage.objects.get()


@pytest.fixture
def instructor(standards):
    return UserFactory(email="instructor@example.go.th", roles=[Role.INSTRUCTOR])


@pytest.fixture
def other_instructor(standards):
    return UserFactory(email="other.instructor@example.go.th", roles=[Role.INSTRUCTOR])


@pytest.fixture
def academy_admin(standards):
    return UserFactory(email="academy.admin@example.go.th", roles=[Role.ACADEMY_ADMIN])


@pytest.fixture
def own_course(instructor):
    return course(
        "ความมั่นคงปลอดภัยไซเบอร์ของฉัน",
        title_en="My cyber security",
        owner=instructor,
        publish=False,
    )


@pytest.fixture
def others_course(other_instructor):
    return course(
        "การวิเคราะห์ข้อมูลของผู้อื่น",
        title_en="Someone else's data analytics",
        owner=other_instructor,
    )


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _add_url(model: str, parent: Page) -> str:
    return reverse("wagtailadmin_pages:add", args=["courses", model, parent.pk])


def _edit_url(page: Page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def _course_form(framework, *, title: str, slug: str, **fields) -> dict:
    return nested_form_data(
        {
            "title": title,
            "title_en": "Digital government services",
            "slug": slug,
            "code": "",
            "summary": "ออกแบบบริการภาครัฐดิจิทัลที่ประชาชนใช้ได้จริง",
            "summary_en": "",
            "description": rich_text("<p>หลักสูตรสำหรับผู้ออกแบบบริการ</p>"),
            "description_en": rich_text(""),
            "learning_hours": "3",
            "delivery_mode": CoursePage.DeliveryMode.SELF_PACED,
            "enrolment_policy": CoursePage.EnrolmentPolicy.OPEN,
            "completion_rule": CoursePage.CompletionRule.ALL_LESSONS,
            "certificate_validity_months": "",
            "competency_links": inline_formset(
                [
                    {
                        "competency": competency(framework, "ACD-GOV-02").pk,
                        "level": level(framework, 2).pk,
                    }
                ]
            ),
            "prerequisites": inline_formset([]),
            "instructors": inline_formset([]),
            "seo_title": "",
            "search_description": "",
            "go_live_at": "",
            "expire_at": "",
            **fields,
        }
    )


def _lesson_form(*, title: str, slug: str) -> dict:
    return nested_form_data(
        {
            "title": title,
            "title_en": "",
            "slug": slug,
            "estimated_minutes": "20",
            "body": streamfield([("paragraph", rich_text("<p>เนื้อหาบทเรียน</p>"))]),
            "body_en": streamfield([]),
            "seo_title": "",
            "search_description": "",
            "go_live_at": "",
            "expire_at": "",
        }
    )


def _edit_form(page: Page, *, as_user) -> dict:
    """The edit form exactly as the admin renders it for a user allowed to edit."""
    response = _client_for(as_user).get(_edit_url(page))
    assert response.status_code == 200
    return querydict_from_html(response.content.decode(), form_id="page-edit-form")


def _refused(response) -> bool:
    """Wagtail answers a refused admin view by sending the user to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302
        and response["Location"] == reverse("wagtailadmin_home")
    )


# --- The review workflow and the roles' permissions -----------------------------------


def test_catalogue_is_reviewed_by_academy_administrators(catalogue):
    workflow = catalogue.get_workflow()
    assert workflow.name == WORKFLOW_NAME
    [task] = [task.specific for task in workflow.tasks]
    assert isinstance(task, GroupApprovalTask)
    assert task.name == TASK_NAME
    assert list(task.groups.values_list("name", flat=True)) == [Role.ACADEMY_ADMIN]


def test_instructor_may_add_under_the_catalogue_but_not_change_or_publish(
    catalogue, instructor
):
    permissions = catalogue.permissions_for_user(instructor)
    assert permissions.permissions == {"add"}
    assert permissions.can_add_subpage()
    assert not permissions.can_edit()
    assert not permissions.can_publish_subpage()


# --- Creating a course and sending it for review --------------------------------------


def test_instructor_publish_is_refused_and_the_course_saved_as_a_draft(
    catalogue, instructor, framework_academy
):
    response = _client_for(instructor).post(
        _add_url("coursepage", catalogue),
        {
            **_course_form(
                framework_academy, title="บริการดิจิทัล", slug="digital-services"
            ),
            "action-publish": "action-publish",
        },
    )

    assert response.status_code == 302
    page = CoursePage.objects.get(slug="digital-services")
    assert not page.live
    assert page.owner == instructor
    assert page.current_workflow_state is None
    assert page.competency_links.get().competency.code == "ACD-GOV-02"


def test_instructor_submits_a_new_course_for_review(
    catalogue, instructor, framework_academy
):
    response = _client_for(instructor).post(
        _add_url("coursepage", catalogue),
        {
            **_course_form(
                framework_academy, title="บริการดิจิทัล", slug="digital-services"
            ),
            "action-submit": "action-submit",
        },
    )

    assert response.status_code == 302
    page = CoursePage.objects.get(slug="digital-services")
    assert not page.live
    state = page.current_workflow_state
    assert state is not None
    assert state.workflow.name == WORKFLOW_NAME
    assert state.requested_by == instructor
    assert isinstance(page.current_workflow_task, GroupApprovalTask)
    assert page.current_workflow_task.name == TASK_NAME


def test_academy_admin_approves_the_review_and_the_course_goes_live(
    catalogue, instructor, academy_admin, framework_academy
):
    _client_for(instructor).post(
        _add_url("coursepage", catalogue),
        {
            **_course_form(
                framework_academy, title="บริการดิจิทัล", slug="digital-services"
            ),
            "action-submit": "action-submit",
        },
    )
    page = CoursePage.objects.get(slug="digital-services")
    task_state = page.current_workflow_task_state

    response = _client_for(academy_admin).post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[page.pk, "approve", task_state.pk],
        ),
        {"comment": "เนื้อหาครบถ้วน อนุมัติ"},
    )

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live
    assert page.current_workflow_state is None
    task_state.refresh_from_db()
    assert task_state.status == task_state.STATUS_APPROVED
    assert task_state.comment == "เนื้อหาครบถ้วน อนุมัติ"
    assert task_state.finished_by == academy_admin


def test_instructor_cannot_approve_their_own_course(
    catalogue, instructor, framework_academy
):
    client = _client_for(instructor)
    client.post(
        _add_url("coursepage", catalogue),
        {
            **_course_form(
                framework_academy, title="บริการดิจิทัล", slug="digital-services"
            ),
            "action-submit": "action-submit",
        },
    )
    page = CoursePage.objects.get(slug="digital-services")

    client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[page.pk, "approve", page.current_workflow_task_state.pk],
        )
    )

    page.refresh_from_db()
    assert not page.live
    assert page.current_workflow_state is not None


def test_instructor_publish_from_the_edit_view_is_refused(own_course, instructor):
    form = _edit_form(own_course, as_user=instructor)
    form["title"] = "ความมั่นคงปลอดภัยไซเบอร์ ฉบับปรับปรุง"
    form["action-publish"] = "action-publish"

    response = _client_for(instructor).post(_edit_url(own_course), form)

    assert response.status_code == 302
    own_course.refresh_from_db()
    assert not own_course.live
    assert own_course.draft_title == "ความมั่นคงปลอดภัยไซเบอร์ ฉบับปรับปรุง"
    assert not PageLogEntry.objects.filter(
        page=own_course, action="wagtail.publish"
    ).exists()


# --- Whose courses an instructor may edit ---------------------------------------------


def test_instructor_cannot_open_another_instructors_course(others_course, instructor):
    response = _client_for(instructor).get(_edit_url(others_course))
    assert _refused(response)


def test_instructor_post_to_another_instructors_course_changes_nothing(
    others_course, instructor, other_instructor
):
    form = _edit_form(others_course, as_user=other_instructor)
    form["title"] = "ถูกแก้โดยผู้อื่น"
    revisions_before = others_course.revisions.count()

    response = _client_for(instructor).post(_edit_url(others_course), form)

    assert _refused(response)
    others_course.refresh_from_db()
    assert others_course.draft_title == "การวิเคราะห์ข้อมูลของผู้อื่น"
    assert others_course.revisions.count() == revisions_before


def test_co_instructor_edits_the_course(others_course, instructor, other_instructor):
    CourseInstructor.objects.create(page=others_course, user=instructor)
    form = _edit_form(others_course, as_user=instructor)
    form["title"] = "การวิเคราะห์ข้อมูล ฉบับร่วมสอน"

    response = _client_for(instructor).post(_edit_url(others_course), form)

    assert response.status_code == 302
    others_course.refresh_from_db()
    latest = others_course.get_latest_revision()
    assert latest.user == instructor
    assert latest.as_object().title == "การวิเคราะห์ข้อมูล ฉบับร่วมสอน"
    assert others_course.live  # the published version waits for review


def test_co_instructor_edits_the_courses_lessons(others_course, instructor):
    CourseInstructor.objects.create(page=others_course, user=instructor)
    lesson = others_course.get_children().first()

    response = _client_for(instructor).get(_edit_url(lesson))

    assert response.status_code == 200


def test_instructor_cannot_open_a_lesson_of_another_instructors_course(
    others_course, instructor
):
    lesson = others_course.get_children().first()
    response = _client_for(instructor).get(_edit_url(lesson))
    assert _refused(response)


def test_instructor_previews_their_draft_but_not_another_instructors(
    own_course, others_course, instructor
):
    client = _client_for(instructor)
    own = client.get(reverse("wagtailadmin_pages:view_draft", args=[own_course.pk]))
    others = client.get(
        reverse("wagtailadmin_pages:view_draft", args=[others_course.pk])
    )
    assert own.status_code == 200
    assert _refused(others)


# --- Lessons --------------------------------------------------------------------------


def test_instructor_adds_a_lesson_to_their_course(own_course, instructor):
    response = _client_for(instructor).post(
        _add_url("lessonpage", own_course),
        {
            **_lesson_form(title="บทที่ 3 ภัยคุกคาม", slug="lesson-3"),
            "action-submit": "action-submit",
        },
    )

    assert response.status_code == 302
    lesson = LessonPage.objects.child_of(own_course).get(slug="lesson-3")
    assert lesson.owner == instructor
    assert not lesson.live
    assert lesson.current_workflow_state.workflow.name == WORKFLOW_NAME


def test_instructor_cannot_add_a_lesson_to_another_instructors_course(
    others_course, instructor
):
    client = _client_for(instructor)
    lessons_before = others_course.get_children().count()

    opened = client.get(_add_url("lessonpage", others_course))
    posted = client.post(
        _add_url("lessonpage", others_course),
        _lesson_form(title="บทแทรก", slug="intruder"),
    )

    assert _refused(opened)
    assert _refused(posted)
    assert others_course.get_children().count() == lessons_before


def test_instructor_cannot_move_their_lesson_into_another_instructors_course(
    own_course, others_course, instructor
):
    lesson = own_course.get_children().first().specific
    permissions = lesson.permissions_for_user(instructor)
    assert permissions.can_move()
    assert not permissions.can_move_to(others_course)
    assert permissions.can_move_to(own_course)


# --- What an instructor sees ----------------------------------------------------------


def test_explorer_lists_only_the_instructors_courses(
    catalogue, own_course, others_course, instructor, other_instructor
):
    co_taught = course(
        "นโยบายข้อมูลเปิด", title_en="Open data policy", owner=other_instructor
    )
    CourseInstructor.objects.create(page=co_taught, user=instructor)

    response = _client_for(instructor).get(
        reverse("wagtailadmin_explore", args=[catalogue.pk])
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert own_course.title in content
    assert co_taught.title in content
    assert others_course.title not in content


def test_page_search_leaves_out_another_instructors_courses(
    own_course, others_course, instructor
):
    # An empty query lists every page the user may explore.
    response = _client_for(instructor).get(reverse("wagtailadmin_pages:search"))

    assert response.status_code == 200
    listed = {page.pk for page in response.context["object_list"]}
    assert own_course.pk in listed
    assert others_course.pk not in listed
    assert not listed & set(others_course.get_children().values_list("pk", flat=True))


def test_explorer_of_another_instructors_course_shows_no_lessons(
    others_course, instructor
):
    response = _client_for(instructor).get(
        reverse("wagtailadmin_explore", args=[others_course.pk])
    )
    lesson = others_course.get_children().first()
    assert lesson.title not in response.content.decode()


def test_page_chooser_still_offers_other_instructors_courses_as_prerequisites(
    catalogue, own_course, others_course, instructor
):
    response = _client_for(instructor).get(
        reverse("wagtailadmin_choose_page_child", args=[catalogue.pk]),
        {"page_type": "courses.coursepage"},
    )

    assert response.status_code == 200
    assert others_course.title in response.json()["html"]


def test_academy_admin_sees_every_course(
    catalogue, own_course, others_course, academy_admin
):
    response = _client_for(academy_admin).get(
        reverse("wagtailadmin_explore", args=[catalogue.pk])
    )

    content = response.content.decode()
    assert own_course.title in content
    assert others_course.title in content


# --- Enrolment requests ---------------------------------------------------------------


@pytest.fixture
def approval_course(other_instructor):
    return course(
        "การบริหารโครงการดิจิทัล",
        title_en="Digital project management",
        owner=other_instructor,
        enrolment_policy=CoursePage.EnrolmentPolicy.APPROVAL,
    )


@pytest.fixture
def enrolment_request(learner, approval_course):
    enrolment = enrolment_create(user=learner, course=approval_course)
    assert enrolment.status == Enrolment.Status.PENDING
    return enrolment


def _decide_url(enrolment: Enrolment) -> str:
    return reverse("enrolment_requests:decide", args=[enrolment.pk])


def test_enrolment_requests_list_the_pending_requests(enrolment_request, academy_admin):
    response = _client_for(academy_admin).get(reverse("enrolment_requests:index"))

    assert response.status_code == 200
    content = response.content.decode()
    assert enrolment_request.user.email in content
    assert _decide_url(enrolment_request) in content


@pytest.mark.parametrize(
    ("decision", "status"),
    [("approve", Enrolment.Status.ACTIVE), ("reject", Enrolment.Status.REJECTED)],
)
def test_academy_admin_decides_an_enrolment_request(
    enrolment_request, academy_admin, decision, status
):
    response = _client_for(academy_admin).post(
        _decide_url(enrolment_request), {"decision": decision}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("enrolment_requests:index")
    enrolment_request.refresh_from_db()
    assert enrolment_request.status == status
    assert enrolment_request.decided_by == academy_admin


def test_deciding_a_request_twice_keeps_the_first_decision(
    enrolment_request, academy_admin
):
    client = _client_for(academy_admin)
    client.post(_decide_url(enrolment_request), {"decision": "reject"})
    response = client.post(_decide_url(enrolment_request), {"decision": "approve"})

    enrolment_request.refresh_from_db()
    assert enrolment_request.status == Enrolment.Status.REJECTED
    messages = list(get_messages(response.wsgi_request))
    assert [message.level_tag for message in messages] == ["success", "error"]


def test_enrolment_decision_refuses_get(enrolment_request, academy_admin):
    response = _client_for(academy_admin).get(_decide_url(enrolment_request))

    assert response.status_code == 405
    enrolment_request.refresh_from_db()
    assert enrolment_request.status == Enrolment.Status.PENDING


def test_enrolment_decision_refuses_an_unknown_decision(
    enrolment_request, academy_admin
):
    response = _client_for(academy_admin).post(
        _decide_url(enrolment_request), {"decision": "maybe"}
    )

    assert response.status_code == 400
    enrolment_request.refresh_from_db()
    assert enrolment_request.status == Enrolment.Status.PENDING


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.LEARNER, Role.HR_OFFICER])
def test_enrolment_requests_are_refused_to_everyone_but_academy_admins(
    enrolment_request, role
):
    client = _client_for(UserFactory(roles=[role]))

    listing = client.get(reverse("enrolment_requests:index"))
    decision = client.post(_decide_url(enrolment_request), {"decision": "approve"})

    assert listing.status_code == 302
    assert decision.status_code == 302
    assert not decision["Location"].startswith(reverse("enrolment_requests:index"))
    enrolment_request.refresh_from_db()
    assert enrolment_request.status == Enrolment.Status.PENDING


def test_enrolment_decision_needs_the_csrf_token(enrolment_request, academy_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(academy_admin)

    forged = client.post(_decide_url(enrolment_request), {"decision": "approve"})
    enrolment_request.refresh_from_db()
    assert forged.status_code == 403
    assert enrolment_request.status == Enrolment.Status.PENDING

    page = client.get(reverse("enrolment_requests:index")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        _decide_url(enrolment_request),
        {"decision": "approve", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    enrolment_request.refresh_from_db()
    assert enrolment_request.status == Enrolment.Status.ACTIVE
