"""SCORM packages of several SCOs in one lesson (Rustici's "Sequencing Forced Order"
Golf Example): a table of contents, each SCO's data apart, resume at the SCO played
last, navigation as the manifest allows, and the lesson's status rolled up from its
SCOs; and the lesson's rule on whether completion waits for a pass."""

import io
import json
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from competencies.models import Evidence
from courses.models import (
    CourseCompletion,
    LessonProgress,
    ScormLessonPage,
    ScormRegistration,
)
from courses.scorm.services import package_create, registration_open
from courses.services import enrolment_create
from tests.courses.scorm_helpers import (
    CONTENT_ORIGIN,
    FORCED_ORDER_ITEMS,
    multi_sco_course,
    scorm_course,
)
from tests.factories import competency, course
from tests.queries import page_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _content_origin(settings):
    settings.ACADEMY_SCORM_CONTENT_ORIGIN = CONTENT_ORIGIN
    settings.ALLOWED_HOSTS = ["testserver", "scorm.testserver"]


@pytest.fixture
def forced(learner, framework_academy):
    page, lesson = multi_sco_course(
        competencies=[(competency(framework_academy, "ACD-GOV-02"), 3)]
    )
    enrolment_create(user=learner, course=page)
    return page, lesson


def commit(client, registration, cmi):
    return client.post(
        f"/learn/scorm/{registration.pk}/runtime/",
        data=json.dumps({"session": "session-one", "cmi": cmi}),
        content_type="application/json",
    )


def finish(client, registration, *, success="passed"):
    return commit(
        client,
        registration,
        {"cmi.completion_status": "completed", "cmi.success_status": success},
    )


def test_the_lesson_shows_the_packages_contents_and_plays_the_first_sco(
    client, learner, forced
):
    _page, lesson = forced
    client.force_login(learner)
    response = client.get(lesson.url)
    html = response.content.decode()
    for title in (
        "Playing the Game",
        "Etiquette",
        "Handicapping",
        "Having Fun",
        "Quiz",
    ):
        assert title in html
    assert '<strong aria-current="step">Playing the Game</strong>' in html
    assert f'href="{lesson.url}?sco=etuqiette_item"' in html  # choice
    assert 'rel="next"' in html and 'rel="prev"' not in html  # flow
    registration = ScormRegistration.objects.get(enrolment__user=learner)
    assert registration.item == "playing_item"


def test_each_sco_keeps_its_own_data_and_the_lesson_resumes_at_the_last(
    client, learner, forced
):
    _page, lesson = forced
    client.force_login(learner)
    client.get(lesson.url)
    first = ScormRegistration.objects.get(item="playing_item")
    commit(
        client,
        first,
        {"cmi.location": "3", "cmi.exit": "suspend", "cmi.success_status": "passed"},
    )
    client.get(lesson.url + "?sco=etuqiette_item")
    second = ScormRegistration.objects.get(item="etuqiette_item")
    commit(client, second, {"cmi.location": "1", "cmi.exit": "suspend"})
    assert ScormRegistration.objects.get(pk=first.pk).location == "3"
    assert ScormRegistration.objects.get(pk=second.pk).location == "1"
    # Coming back without asking for an item plays the one played last.
    html = client.get(lesson.url).content.decode()
    assert '<strong aria-current="step">Etiquette</strong>' in html
    assert ScormRegistration.objects.filter(enrolment__user=learner).count() == 2


def test_the_player_launches_the_chosen_scos_own_file(client, learner, forced):
    from courses.scorm.selectors import launch_token

    _page, lesson = forced
    client.force_login(learner)
    for item in FORCED_ORDER_ITEMS:  # each opens once the one before is passed
        client.get(f"{lesson.url}?sco={item}")
        finish(client, ScormRegistration.objects.get(item=item))
    client.get(lesson.url + "?sco=handicapping_item")
    registration = ScormRegistration.objects.get(item="handicapping_item")
    response = client.get(
        f"/scorm-player/{launch_token(registration)}/", HTTP_HOST="scorm.testserver"
    )
    config = response.context["config"]
    assert config["launch"].endswith("shared/launchpage.html?content=handicapping")


def test_without_choice_only_the_next_or_previous_sco_can_be_opened(learner, forced):
    _page, lesson = forced
    lesson.package.choice = False
    lesson.package.save()
    first = registration_open(user=learner, lesson=lesson)
    first.success_status = "passed"  # the next SCO's precondition
    first.save()
    refused = registration_open(user=learner, lesson=lesson, item="havingfun_item")
    assert refused.item == "playing_item"
    moved = registration_open(user=learner, lesson=lesson, item="etuqiette_item")
    assert moved.item == "etuqiette_item"


def test_the_lesson_completes_when_every_sco_is_completed_and_records_one_pass(
    client, learner, forced
):
    _page, lesson = forced
    client.force_login(learner)
    for item in FORCED_ORDER_ITEMS[:-1]:
        registration = registration_open(user=learner, lesson=lesson, item=item)
        assert registration.item == item
        assert finish(client, registration).json()["completed"] is False
    assert not LessonProgress.objects.filter(lesson=lesson, status="completed").exists()
    quiz = registration_open(user=learner, lesson=lesson, item="assessment_item")
    answer = finish(client, quiz).json()
    assert answer["completed"] is True and answer["passed"] is True
    assert LessonProgress.objects.get(lesson=lesson).status == "completed"
    assert CourseCompletion.objects.filter(user=learner).exists()
    assert Evidence.objects.filter(source=Evidence.Source.ASSESSMENT).count() == 1


def test_a_failed_sco_keeps_the_lesson_from_passing(client, learner, forced):
    _page, lesson = forced
    client.force_login(learner)
    for item in FORCED_ORDER_ITEMS[:-1]:
        finish(client, registration_open(user=learner, lesson=lesson, item=item))
    quiz = registration_open(user=learner, lesson=lesson, item="assessment_item")
    answer = commit(
        client,
        quiz,
        {"cmi.completion_status": "completed", "cmi.success_status": "failed"},
    ).json()
    assert answer == {
        "completed": False,
        "passed": False,
        "item_completed": False,
        "course_completed": False,
        "closed": [],  # the quiz was open: every SCO before it passed
    }
    html = client.get(lesson.url).content.decode()
    assert 'data-item="assessment_item" data-state="failed"' in html


def _asset_package() -> SimpleUploadedFile:
    items = "".join(
        f'<item identifier="page{n}" identifierref="r{n}"><title>Page {n}</title></item>'
        for n in (1, 2)
    )
    resources = "".join(
        f'<resource identifier="r{n}" type="webcontent" adlcp:scormType="asset" '
        f'href="page{n}.html"/>'
        for n in (1, 2)
    )
    manifest = (
        '<manifest identifier="assets" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
        'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"><metadata>'
        "<schema>ADL SCORM</schema><schemaversion>2004 3rd Edition</schemaversion>"
        f'</metadata><organizations default="o"><organization identifier="o">'
        f"<title>Pages</title>{items}</organization></organizations>"
        f"<resources>{resources}</resources></manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", manifest)
        for n in (1, 2):
            archive.writestr(f"page{n}.html", f"<p>{n}</p>")
    return SimpleUploadedFile("assets.zip", buffer.getvalue(), "application/zip")


def test_assets_are_completed_once_opened(learner):
    page = course()
    lesson = ScormLessonPage(
        title="หน้าอ่าน", slug="pages", package=package_create(upload=_asset_package())
    )
    page.add_child(instance=lesson)
    lesson.save_revision().publish()
    enrolment_create(user=learner, course=page)
    registration_open(user=learner, lesson=lesson)
    assert not LessonProgress.objects.filter(status="completed").exists()
    registration_open(user=learner, lesson=lesson, item="page2")
    assert LessonProgress.objects.get(lesson=lesson).status == "completed"


def test_the_lesson_page_costs_the_same_queries_for_one_sco_played_and_all(
    client, learner, forced
):
    _page, lesson = forced
    client.force_login(learner)
    one = page_queries(client, lesson.url)
    for item in FORCED_ORDER_ITEMS:
        client.get(f"{lesson.url}?sco={item}")
        if item != FORCED_ORDER_ITEMS[-1]:  # each opens the next; the lesson stays open
            commit(
                client,
                ScormRegistration.objects.get(item=item),
                {"cmi.success_status": "passed"},
            )
    assert ScormRegistration.objects.count() == len(FORCED_ORDER_ITEMS)
    every = page_queries(client, lesson.url)
    assert one == every
    assert every <= 50


# --- Completion before a pass ---------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "completed", "passed"),
    [
        (
            "2004",
            {"cmi.completion_status": "completed", "cmi.success_status": "unknown"},
            {"cmi.completion_status": "completed", "cmi.success_status": "passed"},
        ),
        (
            "1.2",
            {"cmi.core.lesson_status": "completed"},
            {"cmi.core.lesson_status": "passed"},
        ),
    ],
)
def test_a_lesson_that_requires_a_pass_waits_for_it(
    client, learner, standards, version, completed, passed
):
    page, lesson = scorm_course(version, completion_requires_pass=True)
    enrolment_create(user=learner, course=page)
    registration = registration_open(user=learner, lesson=lesson)
    client.force_login(learner)
    answer = commit(client, registration, completed).json()
    assert answer["item_completed"] is True and answer["completed"] is False
    assert not LessonProgress.objects.filter(lesson=lesson, status="completed").exists()
    answer = commit(client, registration, passed).json()
    assert answer["completed"] is True and answer["passed"] is True
    assert LessonProgress.objects.get(lesson=lesson).status == "completed"


def test_without_the_rule_completion_comes_first_and_the_pass_still_counts(
    client, learner, framework_academy
):
    page, lesson = scorm_course(
        "2004", competencies=[(competency(framework_academy, "ACD-GOV-02"), 3)]
    )
    enrolment_create(user=learner, course=page)
    registration = registration_open(user=learner, lesson=lesson)
    client.force_login(learner)
    commit(client, registration, {"cmi.completion_status": "completed"})
    assert LessonProgress.objects.get(lesson=lesson).status == "completed"
    assert not Evidence.objects.filter(source=Evidence.Source.ASSESSMENT).exists()
    commit(client, registration, {"cmi.success_status": "passed"})
    assert Evidence.objects.filter(source=Evidence.Source.ASSESSMENT).count() == 1
