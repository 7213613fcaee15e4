"""SCORM lessons: packages stored privately, files served only on the packages' origin
to enrolled learners, runtime data saved through a CSRF-protected endpoint that
refuses bad input whole, and completion and evidence fed by the package's status."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

import pytest

from academy.core.storage import private_storage
from competencies.models import Evidence
from courses.models import (
    CourseCompletion,
    Enrolment,
    LessonProgress,
    ScormPackage,
    ScormRegistration,
)
from courses.scorm.package import PackageError
from courses.scorm.selectors import launch_cmi, launch_token
from courses.scorm.services import package_create, registration_open
from courses.services import enrolment_create, enrolment_withdraw
from tests.courses.scorm_helpers import CONTENT_ORIGIN, golf_upload, scorm_course
from tests.factories import UserFactory, competency
from tests.queries import one_and_fifty, page_queries

pytestmark = pytest.mark.django_db
CONTENT_HOST = "scorm.testserver"


@pytest.fixture(autouse=True)
def _content_origin(settings):
    settings.ACADEMY_SCORM_CONTENT_ORIGIN = CONTENT_ORIGIN
    settings.ALLOWED_HOSTS = ["testserver", CONTENT_HOST]


@pytest.fixture
def golf(framework_academy):
    return scorm_course(
        "1.2", competencies=[(competency(framework_academy, "ACD-GOV-02"), 3)]
    )


@pytest.fixture
def enrolled(learner, golf):
    page, lesson = golf
    enrolment_create(user=learner, course=page)
    registration = registration_open(user=learner, lesson=lesson)
    return learner, lesson, registration


def commit(client, registration, cmi, *, session="session-one", **extra):
    return client.post(
        f"/learn/scorm/{registration.pk}/runtime/",
        data=json.dumps({"session": session, "cmi": cmi}),
        content_type="application/json",
        **extra,
    )


def snapshot(registration) -> dict:
    fresh = ScormRegistration.objects.get(pk=registration.pk)
    return {
        field.name: getattr(fresh, field.attname)
        for field in ScormRegistration._meta.concrete_fields
        if field.name != "updated_at"
    }


# --- Packages in the private storage --------------------------------------------------


def test_an_uploaded_package_is_kept_in_the_private_storage():
    package = package_create(upload=golf_upload("2004"))
    assert package.version == "2004"
    assert package.launch == "shared/launchpage.html"
    storage = private_storage()
    assert storage.exists(f"{package.storage_prefix}/shared/launchpage.html")
    assert package.storage_prefix.startswith("scorm/")
    with pytest.raises(NotImplementedError):
        storage.url(f"{package.storage_prefix}/imsmanifest.xml")


def test_a_refused_package_leaves_nothing_behind(tmp_path):
    upload = SimpleUploadedFile("bad.zip", b"not a zip", "application/zip")
    with pytest.raises(PackageError):
        package_create(upload=upload)
    assert ScormPackage.objects.count() == 0
    root = tmp_path / "private" / "scorm"
    assert not root.exists() or not any(root.rglob("*.*"))


def test_the_admin_upload_form_shows_the_refusal(client, django_user_model):
    admin = django_user_model.objects.create_superuser(
        email="admin@example.go.th", password="correct-horse-42"
    )
    client.force_login(admin)
    upload = SimpleUploadedFile("course.zip", b"not a zip", "application/zip")
    response = client.post(
        "/admin/courses/scorm-packages/add/",
        {"title": "", "package_file": upload},
    )
    assert response.status_code == 200
    assert "ไม่ใช่ไฟล์ zip" in response.content.decode()
    assert ScormPackage.objects.count() == 0


def test_the_admin_upload_form_stores_a_good_package(client, django_user_model):
    admin = django_user_model.objects.create_superuser(
        email="admin@example.go.th", password="correct-horse-42"
    )
    client.force_login(admin)
    response = client.post(
        "/admin/courses/scorm-packages/add/",
        {"title": "", "package_file": golf_upload("1.2")},
    )
    assert response.status_code == 302
    package = ScormPackage.objects.get()
    assert package.title == "Golf Explained - Run-time Basic Calls"
    assert package.uploaded_by == admin


# --- The lesson page ----------------------------------------------------------------


def test_the_lesson_page_frames_the_player_from_the_packages_origin(client, enrolled):
    learner, lesson, registration = enrolled
    client.force_login(learner)
    response = client.get(lesson.url)
    html = response.content.decode()
    assert f'src="{CONTENT_ORIGIN}/scorm-player/{registration.pk}.' in html
    assert 'sandbox="allow-scripts allow-same-origin' in html
    assert "allow-top-navigation" not in html
    assert CONTENT_ORIGIN in response["Content-Security-Policy"]
    assert "Mark as complete" not in html


def test_a_learner_cannot_mark_a_scorm_lesson_complete(client, enrolled):
    learner, lesson, _registration = enrolled
    client.force_login(learner)
    client.post(f"/learn/lessons/{lesson.pk}/complete/")
    assert not LessonProgress.objects.filter(
        lesson=lesson, status=LessonProgress.Status.COMPLETED
    ).exists()


def test_a_visitor_not_enrolled_gets_no_player(client, learner, golf):
    _page, lesson = golf
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    assert "scorm-player" not in html
    assert not ScormRegistration.objects.exists()


def test_the_lesson_page_costs_the_same_queries_for_1_and_50_lessons(
    client, learner, golf
):
    from courses.models import LessonPage

    page, lesson = golf
    enrolment_create(user=learner, course=page)
    client.force_login(learner)
    added = []

    def grow(count):
        for _ in range(count):
            number = len(added) + 1
            extra = LessonPage(title=f"เพิ่ม {number}", slug=f"extra-{number}")
            page.add_child(instance=extra)
            extra.save_revision().publish()
            added.append(extra)

    one, fifty = one_and_fifty(grow, lambda: page_queries(client, lesson.url))
    assert one == fifty
    assert fifty <= 45


# --- Package files on the packages' origin --------------------------------------------


def test_package_files_are_served_to_the_enrolled_learner_with_a_strict_policy(
    enrolled,
):
    _learner, _lesson, registration = enrolled
    token = launch_token(registration)
    response = Client(HTTP_HOST=CONTENT_HOST).get(
        f"/scorm-content/{token}/Playing/Playing.html"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"Play of the game" in b"".join(response.streaming_content)
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self' http://testserver" in policy
    assert "connect-src 'self'" in policy
    assert response["Referrer-Policy"] == "no-referrer"
    assert "X-Frame-Options" not in response


def test_package_files_are_never_served_on_the_academys_own_origin(enrolled):
    _learner, _lesson, registration = enrolled
    token = launch_token(registration)
    response = Client().get(f"/scorm-content/{token}/Playing/Playing.html")
    assert response.status_code == 404


def test_a_forged_or_foreign_token_gets_nothing(enrolled):
    _learner, _lesson, registration = enrolled
    token = launch_token(registration)
    forged = f"{registration.pk + 1}.{token.split('.', 1)[1]}"
    client = Client(HTTP_HOST=CONTENT_HOST)
    assert (
        client.get(f"/scorm-content/{forged}/Playing/Playing.html").status_code == 404
    )
    assert client.get(f"/scorm-player/{forged}/").status_code == 404


def test_files_outside_the_package_are_not_found(enrolled):
    _learner, _lesson, registration = enrolled
    token = launch_token(registration)
    client = Client(HTTP_HOST=CONTENT_HOST)
    for path in ("../../../etc/passwd", "%2e%2e/imsmanifest.xml", "missing.html"):
        assert client.get(f"/scorm-content/{token}/{path}").status_code == 404


def test_a_withdrawn_learner_loses_the_package(enrolled):
    learner, _lesson, registration = enrolled
    enrolment_withdraw(enrolment=registration.enrolment)
    token = launch_token(registration)
    response = Client(HTTP_HOST=CONTENT_HOST).get(
        f"/scorm-content/{token}/imsmanifest.xml"
    )
    assert response.status_code == 404


def test_the_packages_host_serves_nothing_of_the_academy(enrolled):
    client = Client(HTTP_HOST=CONTENT_HOST)
    assert client.get("/dashboard/").status_code == 404
    assert client.get("/accounts/login/").status_code == 404
    assert client.get("/admin/").status_code == 404


def test_the_player_starts_the_package_from_the_saved_data(enrolled):
    learner, _lesson, registration = enrolled
    ScormRegistration.objects.filter(pk=registration.pk).update(
        location="7", suspend_data="page=7", exit="suspend", commits=3
    )
    token = launch_token(registration)
    response = Client(HTTP_HOST=CONTENT_HOST).get(f"/scorm-player/{token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "scorm12.min.js" in html
    assert "frame-ancestors http://testserver" in response["Content-Security-Policy"]
    cmi = launch_cmi(ScormRegistration.objects.get(pk=registration.pk))
    assert cmi["cmi.core.lesson_location"] == "7"
    assert cmi["cmi.core.entry"] == "resume"
    assert cmi["cmi.suspend_data"] == "page=7"
    assert cmi["cmi.core.student_id"] == f"academy-{learner.pk}"
    assert learner.email not in json.dumps(cmi)


# --- Runtime data ---------------------------------------------------------------------


def test_a_commit_saves_the_runtime_data(client, enrolled):
    learner, _lesson, registration = enrolled
    client.force_login(learner)
    response = commit(
        client,
        registration,
        {
            "cmi.core.lesson_location": "4",
            "cmi.core.lesson_status": "incomplete",
            "cmi.suspend_data": "visited=0,1,2,3,4",
            "cmi.core.session_time": "0000:02:30.50",
            "cmi.core.exit": "suspend",
        },
    )
    assert response.status_code == 200
    assert response.json() == {
        "completed": False,
        "passed": False,
        "item_completed": False,
        "course_completed": False,
        "closed": [],
    }
    saved = ScormRegistration.objects.get(pk=registration.pk)
    assert (saved.location, saved.lesson_status, saved.exit) == (
        "4",
        "incomplete",
        "suspend",
    )
    assert saved.suspend_data == "visited=0,1,2,3,4"
    assert float(saved.session_seconds) == 150.5


def test_session_time_adds_up_over_sessions(client, enrolled):
    learner, _lesson, registration = enrolled
    client.force_login(learner)
    commit(
        client,
        registration,
        {"cmi.core.session_time": "0000:01:00"},
        session="first-session",
    )
    commit(
        client,
        registration,
        {"cmi.core.session_time": "0000:02:00"},
        session="first-session",
    )
    commit(
        client,
        registration,
        {"cmi.core.session_time": "0000:00:30"},
        session="second-session",
    )
    saved = ScormRegistration.objects.get(pk=registration.pk)
    assert float(saved.time_seconds) == 150.0
    assert launch_cmi(saved)["cmi.core.total_time"] == "0000:02:30.00"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        json.dumps({"cmi": {"cmi.core.lesson_status": "passed"}}).encode(),
        json.dumps({"session": "session-one", "cmi": "passed"}).encode(),
        json.dumps(
            {"session": "session-one", "cmi": {"cmi.core.lesson_status": "won"}}
        ).encode(),
        json.dumps(
            {"session": "session-one", "cmi": {"cmi.core.score.raw": "NaN"}}
        ).encode(),
        json.dumps(
            {"session": "session-one", "cmi": {"cmi.core.score.raw": "250"}}
        ).encode(),
        json.dumps(
            {"session": "session-one", "cmi": {"cmi.core.session_time": "ten minutes"}}
        ).encode(),
        json.dumps(
            {
                "session": "session-one",
                "cmi": {
                    "cmi.core.lesson_location": "9",
                    "cmi.suspend_data": "x" * 64001,
                },
            }
        ).encode(),
    ],
)
def test_a_bad_commit_is_refused_and_changes_nothing(client, enrolled, body):
    learner, _lesson, registration = enrolled
    client.force_login(learner)
    before = snapshot(registration)
    response = client.post(
        f"/learn/scorm/{registration.pk}/runtime/",
        data=body,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]
    assert snapshot(registration) == before


def test_a_commit_without_the_csrf_token_is_refused(enrolled):
    learner, _lesson, registration = enrolled
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    before = snapshot(registration)
    response = commit(client, registration, {"cmi.core.lesson_status": "passed"})
    assert response.status_code == 403
    assert snapshot(registration) == before


def test_a_commit_with_the_csrf_token_is_accepted(enrolled):
    learner, lesson, registration = enrolled
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    client.get(lesson.url)
    token = client.cookies["csrftoken"].value
    response = commit(
        client, registration, {"cmi.core.lesson_location": "2"}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200


def test_another_learner_cannot_write_or_read_a_registration(client, enrolled):
    _learner, _lesson, registration = enrolled
    before = snapshot(registration)
    client.force_login(UserFactory(email="other@example.go.th"))
    response = commit(client, registration, {"cmi.core.lesson_status": "passed"})
    assert response.status_code == 404
    assert snapshot(registration) == before


def test_a_visitor_must_sign_in_to_commit(client, enrolled):
    _learner, _lesson, registration = enrolled
    response = commit(client, registration, {"cmi.core.lesson_status": "passed"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_commits_are_refused_on_the_packages_host(enrolled):
    learner, _lesson, registration = enrolled
    client = Client(HTTP_HOST=CONTENT_HOST)
    client.force_login(learner)
    response = commit(client, registration, {"cmi.core.lesson_status": "passed"})
    assert response.status_code == 404


def test_a_withdrawn_learners_commit_changes_nothing(client, enrolled):
    learner, _lesson, registration = enrolled
    enrolment_withdraw(enrolment=registration.enrolment)
    client.force_login(learner)
    before = snapshot(registration)
    response = commit(client, registration, {"cmi.core.lesson_status": "passed"})
    assert response.status_code == 409
    assert snapshot(registration) == before


def test_passing_the_package_completes_the_lesson_the_course_and_records_evidence(
    client, enrolled
):
    learner, lesson, registration = enrolled
    client.force_login(learner)
    commit(client, registration, {"cmi.core.lesson_status": "incomplete"})
    assert not LessonProgress.objects.filter(lesson=lesson, status="completed").exists()
    response = commit(
        client,
        registration,
        {
            "cmi.core.lesson_status": "passed",
            "cmi.core.score.raw": "85",
            "cmi.core.score.min": "0",
            "cmi.core.score.max": "100",
        },
    )
    assert response.json() == {
        "completed": True,
        "passed": True,
        "item_completed": True,
        "course_completed": True,
        "closed": [],
    }
    assert LessonProgress.objects.get(lesson=lesson).status == "completed"
    completion = CourseCompletion.objects.get(user=learner)
    assert completion.enrolment.status == Enrolment.Status.COMPLETED
    evidence = Evidence.objects.filter(
        person__user=learner, source=Evidence.Source.ASSESSMENT
    ).get()
    assert evidence.reference == f"scorm:{registration.pk}"
    assert evidence.competency.code == "ACD-GOV-02"
    # A repeated commit records nothing more.
    commit(client, registration, {"cmi.core.lesson_status": "passed"})
    assert Evidence.objects.filter(source=Evidence.Source.ASSESSMENT).count() == 1


def test_a_failed_package_does_not_complete_the_lesson(client, enrolled):
    learner, lesson, registration = enrolled
    client.force_login(learner)
    response = commit(
        client,
        registration,
        {"cmi.core.lesson_status": "failed", "cmi.core.score.raw": "40"},
    )
    assert response.json()["completed"] is False
    assert not LessonProgress.objects.filter(lesson=lesson, status="completed").exists()
    assert not Evidence.objects.filter(source=Evidence.Source.ASSESSMENT).exists()


def test_scorm_2004_completion_and_success_feed_the_lesson(client, learner, standards):
    page, lesson = scorm_course("2004")
    enrolment_create(user=learner, course=page)
    registration = registration_open(user=learner, lesson=lesson)
    client.force_login(learner)
    response = commit(
        client,
        registration,
        {
            "cmi.completion_status": "completed",
            "cmi.success_status": "passed",
            "cmi.score.scaled": "0.9",
            "cmi.score.raw": "90",
            "cmi.session_time": "PT1M30S",
            "cmi.location": "14",
            "cmi.exit": "",
        },
    )
    assert response.json()["completed"] is True
    saved = ScormRegistration.objects.get(pk=registration.pk)
    assert float(saved.score_scaled) == 0.9
    assert float(saved.session_seconds) == 90.0
    cmi = launch_cmi(saved)
    assert cmi["cmi.total_time"] == "PT0H1M30.00S"
    assert cmi["cmi.success_status"] == "passed"
    assert "cmi.core.lesson_status" not in cmi
