"""A course whose lesson is a real SCORM package (the Golf Examples)."""

import contextlib
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from courses.models import CoursePage, ScormLessonPage
from courses.scorm.services import package_create
from tests.factories import course

OUTSIDE = Path(__file__).resolve().parents[1] / "data" / "outside" / "scorm"
GOLF = {
    "1.2": OUTSIDE / "RuntimeBasicCalls_SCORM12.zip",
    "2004": OUTSIDE / "RuntimeBasicCalls_SCORM20043rdEdition.zip",
}
CONTENT_ORIGIN = "http://scorm.testserver"


def golf_upload(version: str) -> SimpleUploadedFile:
    path = GOLF[version]
    return SimpleUploadedFile(path.name, path.read_bytes(), "application/zip")


def scorm_course(
    version: str = "1.2",
    *,
    lessons: int = 0,
    completion_requires_pass: bool = False,
    **fields,
):
    """A live course of `lessons` ordinary lessons, then one SCORM lesson."""
    page = course(lessons=lessons, **fields)
    package = package_create(upload=golf_upload(version))
    lesson = ScormLessonPage(
        title="กอล์ฟเบื้องต้น",
        slug="golf",
        package=package,
        estimated_minutes=20,
        completion_requires_pass=completion_requires_pass,
    )
    page.add_child(instance=lesson)
    lesson.save_revision().publish()
    return CoursePage.objects.get(pk=page.pk), ScormLessonPage.objects.get(pk=lesson.pk)


#: Rustici's "Sequencing Forced Order" Golf Example: five SCOs, choice and flow.
FORCED_ORDER = OUTSIDE / "SequencingForcedSequential_SCORM20043rdEdition.zip"
FORCED_ORDER_ITEMS = [
    "playing_item",
    "etuqiette_item",  # sic, as the manifest spells it
    "handicapping_item",
    "havingfun_item",
    "assessment_item",
]


def multi_sco_course(*, path: Path = FORCED_ORDER, lessons: int = 0, **fields):
    """A live course whose SCORM lesson plays a package of several SCOs."""
    page = course(lessons=lessons, **fields)
    upload = SimpleUploadedFile(path.name, path.read_bytes(), "application/zip")
    package = package_create(upload=upload)
    lesson = ScormLessonPage(
        title="กอล์ฟตามลำดับ", slug="golf-order", package=package, estimated_minutes=30
    )
    page.add_child(instance=lesson)
    lesson.save_revision().publish()
    return CoursePage.objects.get(pk=page.pk), ScormLessonPage.objects.get(pk=lesson.pk)


def knowledge_check_answered(frame):
    """Answer the Rustici golf sample's knowledge check right, in `frame` (a Playwright
    frame locator of its content frame); returns its Submit button, not yet clicked.

    The page writes its form with document.write, question by question, and the
    Submit button last: a busy browser may still be parsing the questions when the
    form appears, and .all() does not wait, so wait for the button first."""
    frame.locator("#frmTest").wait_for()
    submit = frame.locator("input[value='Submit Answers']")
    submit.wait_for()
    for radio in frame.locator(".correctAnswer input[type=radio]").all():
        radio.check()
    for box in frame.locator(".correctAnswer input[type=text]").all():
        box.fill(box.locator("xpath=..").inner_text().strip().strip("()"))
    return submit


def wait_until_passed(page, *, timeout: int = 60_000):
    """Wait until the lesson page says the server took the pass; fail, naming what
    the page shows, if its last commit was refused or could not be saved, or if the
    pass never came (the page's state and the package's own results page then)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    player = page.locator(".scorm-player")
    with contextlib.suppress(PlaywrightTimeout):
        page.locator(
            ".scorm-player[data-passed=true], .scorm-status[data-state=failed]"
        ).first.wait_for(timeout=timeout)
    if player.get_attribute("data-passed") == "true":
        return
    state = page.locator(".scorm-status").get_attribute("data-state")
    shown = ""
    for frame in page.frames:
        if "/scorm-content/" in frame.url and "assessment" in frame.url:
            try:
                shown = frame.locator("body").inner_text(timeout=2_000)[:600]
            except Exception as error:  # noqa: BLE001 - a diagnosis, best effort
                shown = f"(unreadable: {error})"
    raise AssertionError(
        f"the lesson page shows no pass: status {state!r}, "
        f"data-passed={player.get_attribute('data-passed')!r}, "
        f"data-completed={player.get_attribute('data-completed')!r}; "
        f"frames: {[frame.url for frame in page.frames]}; the package's test page "
        f"says: {shown!r}"
    )


def knowledge_check_scored(frame, score: int = 100):
    """Wait until the golf sample's results replace its form, scored `score` (its
    SubmitAnswers writes "Score: N" and then records it with the LMS)."""
    frame.locator("#test h3", has_text=f"Score: {score}").wait_for()
