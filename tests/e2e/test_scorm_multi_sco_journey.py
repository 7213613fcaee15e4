"""A real multi-SCO package in Chromium: Rustici's "Sequencing Forced Order" Golf
Example (five SCOs, SCORM 2004 3rd edition) plays as a table of contents inside one
lesson. The learner works through the first SCO, comes back and resumes at the SCO
played last, moves on with the lesson's "next part" link and from the contents,
passes the quiz SCO, and the lesson's rollup completes the course."""

import pytest

from courses.models import CourseCompletion, LessonProgress, ScormRegistration
from courses.services import enrolment_create
from tests.courses.scorm_helpers import (
    FORCED_ORDER_ITEMS,
    knowledge_check_answered,
    knowledge_check_scored,
    multi_sco_course,
    wait_until_passed,
)
from tests.e2e.live import recorded
from tests.factories import PlacementFactory, UserFactory, org_unit
from tests.site import site_tree

pytestmark = pytest.mark.django_db(transaction=True)

#: Pages of each SCO's launch page, in the manifest's order.
PAGES = {
    "playing_item": 5,
    "etuqiette_item": 3,
    "handicapping_item": 4,
    "havingfun_item": 2,
}


def _open(page, url: str):
    """Go to a page of the Academy away from the lesson. A SCO that unloads sends
    its last commit as the next page is asked for (the lesson's own links wait for
    it, lesson.js); the live server's in-memory SQLite refuses one of two
    such concurrent writes ("database table is locked", a 500) where PostgreSQL
    would wait, so a 500 is asked again after a pause."""
    for _ in range(4):
        response = page.goto(url)
        if response is None or response.status < 500:
            return
        page.wait_for_timeout(1000)
    raise AssertionError(f"{url} kept failing")


def _through(page, pages: int):
    """Click through a SCO to its last page, which reports completed and passed."""
    sco = page.frame_locator("iframe.scorm-frame").frame_locator("#scorm-content")
    sco.locator("#butNext").wait_for()
    for _ in range(pages - 1):
        sco.locator("#butNext").click()
    page.locator(".scorm-player[data-item-completed=true]").wait_for(timeout=60_000)


def test_a_multi_sco_package_plays_as_contents_and_rolls_up(
    page,
    sign_in,
    shot,
    standards,
    scorm_origins,
):
    site_tree()
    user = UserFactory(email="pim@example.go.th", first_name="พิม", last_name="ดี")
    PlacementFactory(unit=org_unit("M07", kind="ministry"), person__user=user)
    course_page, lesson = multi_sco_course(
        title="กอล์ฟทีละบท", slug="golf-parts", learning_hours=2
    )
    enrolment_create(user=user, course=course_page)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, user.email)

    page.goto(lesson.url)
    toc = page.locator("nav.scorm-toc")
    assert toc.locator("li[data-item]").count() == 5
    assert toc.locator("[aria-current=step]").inner_text() == "Playing the Game"
    _through(page, PAGES["playing_item"])
    shot(page, "scorm-multi-first-sco")

    # On to the second SCO with the lesson's own "next" link.
    page.locator("a[rel=next]").click()
    page.wait_for_url("**?sco=etuqiette_item")
    assert toc.locator("[aria-current=step]").inner_text() == "Etiquette"
    assert (
        toc.locator("li[data-item=playing_item]").get_attribute("data-state")
        == "passed"
    )
    sco = page.frame_locator("iframe.scorm-frame").frame_locator("#scorm-content")
    sco.locator("#butNext").wait_for()

    # Leaving and coming back resumes at the SCO played last.
    _open(page, "/dashboard/")
    _open(page, lesson.url)
    assert toc.locator("[aria-current=step]").inner_text() == "Etiquette"
    _through(page, PAGES["etuqiette_item"])

    # The rest, chosen from the contents.
    for item in ("handicapping_item", "havingfun_item"):
        toc.locator(f"li[data-item={item}] a").click()
        page.wait_for_url(f"**?sco={item}")
        _through(page, PAGES[item])
    assert not LessonProgress.objects.filter(status="completed").exists()

    toc.locator("li[data-item=assessment_item] a").click()
    page.wait_for_url("**?sco=assessment_item")
    quiz = sco.frame_locator("#contentFrame")
    knowledge_check_answered(quiz).click()
    knowledge_check_scored(quiz)
    wait_until_passed(page)
    page.locator(".scorm-status[data-state=course_completed]").wait_for()
    shot(page, "scorm-multi-passed")

    registrations = recorded(
        lambda: (
            len(rows := list(ScormRegistration.objects.filter(enrolment__user=user)))
            == 5
            and rows
        )
    )
    assert sorted(r.item for r in registrations) == sorted(FORCED_ORDER_ITEMS)
    assert all(r.passed_at for r in registrations)
    assert recorded(lambda: CourseCompletion.objects.filter(user=user).exists())
