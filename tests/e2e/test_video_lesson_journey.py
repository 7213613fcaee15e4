"""'Mark complete' on a lesson with an embedded video.

The cause of the failure seen in headless Chromium: the player's iframe was part of
the page, so where the video provider cannot be reached and the connection hangs (a
machine without internet, a ministry network that drops YouTube), the lesson page
never finished loading and every navigation from it waited on the provider. The
video is now a link that becomes the player when the learner presses it; this test
makes the provider hang and completes the lesson all the same.
"""

import pytest

from courses.models import LessonPage, LessonProgress
from courses.services import enrolment_create
from tests.factories import PlacementFactory, UserFactory, course, org_unit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(standards):
    user = UserFactory(email="somsri@example.go.th", first_name="สมศรี", last_name="มีสุข")
    PlacementFactory(unit=org_unit("M01", kind="ministry"), person__user=user)
    page = course("ข้อมูลเปิดภาครัฐ", slug="open-data", lessons=2)
    lesson = LessonPage.objects.child_of(page).order_by("path").first().specific
    lesson.body = [
        ("paragraph", "<p>ชมวิดีโอแล้วสรุปประเด็นสำคัญ</p>"),
        (
            "video",
            {
                "url": "https://www.youtube.com/watch?v=OM6XIICm_qo",
                "caption": "เว็บแห่งข้อมูลที่เชื่อมโยงกัน",
                "transcript": "",
            },
        ),
    ]
    lesson.save_revision().publish()
    enrolment_create(user=user, course=page)
    return user, lesson


def test_mark_complete_works_when_the_video_provider_hangs(page, sign_in, shot, scene):
    user, lesson = scene
    # Requests to the provider are never answered, as on a network that drops them.
    page.context.route("**/*youtube*/**", lambda route: None)
    sign_in(page, user.email)

    page.goto(lesson.url)  # waits for the load event
    shot(page, "video-lesson")
    page.locator(".lesson-actions form button").click()
    page.wait_for_url("**/lesson-2/")

    progress = LessonProgress.objects.get(enrolment__user=user, lesson=lesson)
    assert progress.status == LessonProgress.Status.COMPLETED


def test_the_player_loads_when_the_learner_presses_play(page, sign_in, scene):
    user, lesson = scene
    page.context.route("**/*youtube*/**", lambda route: route.abort())
    sign_in(page, user.email)
    page.goto(lesson.url)
    assert page.locator(".block-video iframe").count() == 0

    page.locator(".video-play").click()

    player = page.locator(".block-video iframe")
    assert player.get_attribute("src").startswith(
        "https://www.youtube-nocookie.com/embed/OM6XIICm_qo"
    )
