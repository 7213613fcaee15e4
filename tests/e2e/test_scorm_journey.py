"""Real SCORM packages in Chromium: Rustici's Golf Examples, SCORM 1.2 and 2004.

The learner launches the package, moves on, exits with "save progress", comes back
and is offered to resume where they left off, answers the package's test, passes,
and the completion reaches the dashboard and the certificate. The package plays
from another origin (127.0.0.1 beside the Academy's localhost), so the test also
shows that its frames cannot reach the Academy page or its cookies.
"""

import pytest

from certificates.models import Certificate
from competencies.models import Evidence
from courses.models import CourseCompletion, ScormRegistration
from courses.services import enrolment_create
from tests.courses.scorm_helpers import (
    knowledge_check_answered,
    knowledge_check_scored,
    scorm_course,
    wait_until_passed,
)
from tests.e2e.live import recorded
from tests.factories import PlacementFactory, UserFactory, competency, org_unit
from tests.site import site_tree

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = 15  # the Golf Examples' launch page steps through 15 pages; the last is a test


def _scene(version: str, standards):
    site_tree()
    user = UserFactory(
        email="narin@example.go.th", first_name="นรินทร์", last_name="ทองดี"
    )
    PlacementFactory(unit=org_unit("M07", kind="ministry"), person__user=user)
    framework = standards["acd-digital"]
    page, lesson = scorm_course(
        version,
        title="กอล์ฟสำหรับข้าราชการ",
        slug=f"golf-{version.replace('.', '')}",
        competencies=[(competency(framework, "ACD-GOV-02"), 2)],
        learning_hours=2,
    )
    enrolment_create(user=user, course=page)
    return user, page, lesson


def _registration(user):
    return ScormRegistration.objects.select_related("package").get(enrolment__user=user)


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_scorm_package_journey(page, sign_in, shot, standards, scorm_origins, version):
    academy, content = scorm_origins
    user, course_page, lesson = _scene(version, standards)
    dialogs = []

    def accept(dialog):
        print(f"dialog: {dialog.message!r}")  # shown if the journey fails
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    sign_in(page, user.email)

    # Launch: the player frame comes from the packages' origin, sandboxed.
    page.goto(lesson.url)
    frame = page.locator("iframe.scorm-frame")
    assert frame.get_attribute("src").startswith(f"{content}/scorm-player/")
    assert "allow-top-navigation" not in frame.get_attribute("sandbox")
    sco = page.frame_locator("iframe.scorm-frame").frame_locator("#scorm-content")
    sco.locator("#butNext").wait_for()
    assert page.locator(".scorm-player").get_attribute("data-ready") == "true"

    # The package's frames share no origin with the Academy page.
    player = next(
        f for f in page.frames if f.url.startswith(f"{content}/scorm-player/")
    )
    assert player.evaluate(
        "() => { try { return window.parent.document.cookie; } "
        "catch (error) { return 'blocked:' + error.name; } }"
    ) == ("blocked:SecurityError")
    assert player.evaluate("() => document.cookie") == ""

    # Move on three pages, then exit, saving progress (suspend).
    for _ in range(3):
        sco.locator("#butNext").click()
    sco.locator("#butExit").click()
    saved = recorded(
        lambda: (r := _registration(user)).exit == "suspend" and r.location == "3" and r
    )
    status = "lesson_status" if version == "1.2" else "completion_status"
    assert getattr(saved, status) == "incomplete"
    assert saved.session_seconds >= 0
    page.locator(".scorm-status[data-state=saved]").wait_for()
    shot(page, f"scorm-{version}-suspended")

    # Resume: the package offers to go back to page 3 and does.
    page.goto(lesson.url)
    sco.locator("#butNext").wait_for()
    recorded(lambda: any("resume" in message for message in dialogs))
    content_frame = sco.frame_locator("#contentFrame")
    content_frame.locator("h1").wait_for()
    assert any(f.url.endswith("/Playing/OtherScoring.html") for f in page.frames)

    # On to the test on the last page; answer it right and submit.
    for _ in range(PAGES - 1 - 3):
        sco.locator("#butNext").click()
    submit = knowledge_check_answered(content_frame)
    shot(page, f"scorm-{version}-test")
    submit.click()
    knowledge_check_scored(content_frame)  # recorded with the LMS before the exit
    sco.locator("#butExit").click()

    # The page says when the server has taken the pass: read the database only then
    # (polling it while the live server writes locks SQLite's shared-cache table).
    wait_until_passed(page)
    finished = recorded(lambda: (r := _registration(user)).passed_at and r)
    if version == "1.2":
        assert finished.lesson_status == "passed"
    else:
        assert finished.success_status == "passed"
        assert finished.completion_status == "completed"
        assert finished.score_scaled == 1
    assert finished.score_raw == 100
    assert finished.completed_at is not None
    assert finished.time_seconds > 0

    # The completion reaches the course, the evidence, the dashboard and the certificate.
    completion = recorded(lambda: CourseCompletion.objects.filter(user=user).first())
    assert completion.course_id == course_page.pk
    assert Evidence.objects.filter(
        person__user=user,
        source=Evidence.Source.ASSESSMENT,
        reference__startswith="scorm:",
    ).exists()
    page.locator(".scorm-status[data-state=course_completed]").wait_for()
    page.goto("/dashboard/")
    assert (
        "กอล์ฟสำหรับข้าราชการ"
        in page.locator("section[aria-labelledby=done-h] ul").inner_text()
    )
    certificate = recorded(lambda: Certificate.objects.filter(user=user).first())
    assert certificate.status == Certificate.Status.VALID
    page.goto("/certificates/")
    assert certificate.number in page.locator("main").inner_text()
    shot(page, f"scorm-{version}-certificate")
