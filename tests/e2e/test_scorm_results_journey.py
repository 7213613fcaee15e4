"""Interactions and objectives of a real package reach the instructor, in Chromium:
a learner answers the quiz of Rustici's "Run-time Advanced Calls" Golf Example (it
records each question as cmi.interactions.n.* and each learning objective as
cmi.objectives.n.*); the course's instructor opens the lesson's results in the
admin and reads each answer against the correct response, then previews the
package, which records nothing."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from academy.accounts.roles import Role
from courses.models import CoursePage, ScormLessonPage, ScormRegistration
from courses.scorm.services import package_create
from courses.services import enrolment_create
from tests.courses.scorm_helpers import OUTSIDE, knowledge_check_answered
from tests.e2e.live import recorded
from tests.factories import PlacementFactory, UserFactory, course, org_unit
from tests.site import site_tree

pytestmark = pytest.mark.django_db(transaction=True)

ADVANCED: Path = OUTSIDE / "RunTimeAdvancedCalls_SCORM20043rdEdition.zip"
PAGES = 15  # the quiz is the 15th page


def _scene():
    site_tree()
    instructor = UserFactory(
        email="kru@example.go.th",
        first_name="ครู",
        last_name="ใจดี",
        roles=[Role.INSTRUCTOR],
    )
    learner = UserFactory(email="nok@example.go.th", first_name="นก", last_name="ขยัน")
    PlacementFactory(unit=org_unit("M07", kind="ministry"), person__user=learner)
    page = course(title="กอล์ฟขั้นสูง", slug="golf-advanced", lessons=0, owner=instructor)
    upload = SimpleUploadedFile(ADVANCED.name, ADVANCED.read_bytes(), "application/zip")
    lesson = ScormLessonPage(
        title="แบบทดสอบกอล์ฟ",
        slug="golf-quiz",
        package=package_create(upload=upload, uploaded_by=instructor),
    )
    page.add_child(instance=lesson)
    lesson.save_revision().publish()
    enrolment_create(user=learner, course=CoursePage.objects.get(pk=page.pk))
    return instructor, learner, ScormLessonPage.objects.get(pk=lesson.pk)


def test_the_instructor_reads_each_answer_the_package_recorded(
    page,
    sign_in,
    shot,
    standards,
    scorm_origins,
):
    instructor, learner, lesson = _scene()
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, learner.email)
    page.goto(lesson.url)
    sco = page.frame_locator("iframe.scorm-frame").frame_locator("#scorm-content")
    sco.locator("#butNext").wait_for()
    for _ in range(PAGES - 1):
        sco.locator("#butNext").click()
    quiz = sco.frame_locator("#contentFrame")
    knowledge_check_answered(quiz).click()
    sco.locator("#butExit").click()
    saved = recorded(
        lambda: (
            (r := ScormRegistration.objects.get()).interactions and r.objectives and r
        )
    )
    assert len(saved.interactions) >= 10
    assert {i["result"] for i in saved.interactions} == {"correct"}

    page.context.clear_cookies()
    sign_in(page, instructor.email, admin=True)
    # (The lesson's admin page links here: tests/courses/test_scorm_interactions.py.)
    page.goto(f"/admin/courses/scorm-lessons/{lesson.pk}/results/")
    table = page.locator("table.scorm-interactions")
    assert table.locator("tbody tr").count() == len(saved.interactions)
    first = saved.interactions[0]
    assert first["learner_response"] in table.inner_text()
    assert page.locator("table.scorm-objectives tbody tr").count() == len(
        saved.objectives
    )
    assert "ขยัน" in page.locator(".scorm-learner h3").inner_text()
    shot(page, "scorm-results")

    # The instructor's preview plays the package and records nothing.
    page.goto(f"/admin/courses/scorm-packages/{lesson.package_id}/preview/")
    preview = page.frame_locator("iframe.scorm-frame").frame_locator("#scorm-content")
    preview.locator("#butNext").wait_for()
    for _ in range(3):
        preview.locator("#butNext").click()
    preview.locator("#butExit").click()
    page.wait_for_timeout(1500)
    shot(page, "scorm-preview")
    assert ScormRegistration.objects.count() == 1
    assert ScormRegistration.objects.get().location == saved.location
