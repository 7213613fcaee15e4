"""A SCO resumed finds the interactions and objectives it saved: handed back in the
runtime data the player starts scorm-again from (cmi.interactions.n.*,
cmi.objectives.n.*), under each version's names, within the caps, per SCO.

The round trips run the Academy's own player frame (courses/static/courses/scorm/
frame.js) with the vendored scorm-again in Node (tests/interop/scorm-again/frame.js):
what a SCO reads after Initialize, and what the next commit carries back."""

import json
import shutil
import subprocess
from pathlib import Path

from django.contrib.staticfiles import finders

import pytest

from courses.models import ScormRegistration
from courses.scorm.package import VERSION_12, VERSION_2004
from courses.scorm.runtime import MAX_INTERACTIONS, records_flatten
from courses.scorm.selectors import launch_cmi, launch_token
from courses.scorm.services import registration_open
from courses.services import enrolment_create
from tests.courses.scorm_helpers import (
    CONTENT_ORIGIN,
    FORCED_ORDER_ITEMS,
    multi_sco_course,
    scorm_course,
)

pytestmark = pytest.mark.django_db
CONTENT_HOST = "scorm.testserver"
HARNESS = Path(__file__).resolve().parents[1] / "interop" / "scorm-again" / "frame.js"
NODE = shutil.which("node")


@pytest.fixture(autouse=True)
def _content_origin(settings):
    settings.ACADEMY_SCORM_CONTENT_ORIGIN = CONTENT_ORIGIN
    settings.ALLOWED_HOSTS = ["testserver", CONTENT_HOST]


def commit(client, registration, cmi, *, session="session-one"):
    response = client.post(
        f"/learn/scorm/{registration.pk}/runtime/",
        data=json.dumps({"session": session, "cmi": cmi}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response


def player_config(client, registration) -> dict:
    """What the player page on the packages' origin starts scorm-again from."""
    response = client.get(
        f"/scorm-player/{launch_token(registration)}/", HTTP_HOST=CONTENT_HOST
    )
    assert response.status_code == 200
    return response.context["config"]


def play(config: dict, *, get=(), set=()) -> dict:
    """The player frame and scorm-again in Node: the values read after Initialize
    ([value, error code]) and the commits sent to the lesson page."""
    if NODE is None:
        pytest.skip("Node.js is not installed: cannot run scorm-again")
    runtime = "scorm12.min.js" if config["version"] == "1.2" else "scorm2004.min.js"
    done = subprocess.run(
        [NODE, str(HARNESS)],
        input=json.dumps(
            {
                "runtime": finders.find(f"vendor/scorm-again-3.4.3/{runtime}"),
                "frame": finders.find("courses/scorm/frame.js"),
                "config": config,
                "get": list(get),
                "set": [list(pair) for pair in set],
            }
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


#: As scorm-again flattens what the Golf "Run-time Advanced Calls" quiz sets (2004).
ANSWERS_2004 = {
    "cmi.location": "quiz",
    "cmi.exit": "suspend",
    "cmi.objectives.0.id": "obj_playing",
    "cmi.objectives.0.success_status": "passed",
    "cmi.objectives.0.completion_status": "completed",
    "cmi.objectives.0.score.scaled": "1",
    "cmi.objectives.0.score.raw": "2",
    "cmi.objectives.0.score.max": "2",
    "cmi.objectives.1.id": "obj_etiquette",
    "cmi.objectives.1.success_status": "failed",
    "cmi.interactions.0.id": "com.scorm.golfsamples.interactions.playing_1",
    "cmi.interactions.0.type": "choice",
    "cmi.interactions.0.description": "The rules of golf are maintained by?",
    "cmi.interactions.0.objectives.0.id": "obj_playing",
    "cmi.interactions.0.learner_response": "The_R_and_A",
    "cmi.interactions.0.correct_responses.0.pattern": "The_R_and_A",
    "cmi.interactions.0.result": "correct",
    "cmi.interactions.0.weighting": "1",
    "cmi.interactions.0.timestamp": "2026-12-07T09:30:00",
    "cmi.interactions.1.id": "com.scorm.golfsamples.interactions.etiquette_1",
    "cmi.interactions.1.type": "true-false",
    "cmi.interactions.1.learner_response": "false",
    "cmi.interactions.1.correct_responses.0.pattern": "true",
    "cmi.interactions.1.result": "incorrect",
    "cmi.interactions.1.latency": "PT12S",
}


@pytest.fixture
def golf_2004(learner, standards):
    page, lesson = scorm_course("2004")
    enrolment_create(user=learner, course=page)
    return lesson, registration_open(user=learner, lesson=lesson)


def test_the_kept_records_are_flattened_under_each_versions_names():
    interactions = [
        {
            "id": "q1",
            "type": "choice",
            "description": "Which?",
            "learner_response": "a",
            "correct_responses": ["b"],
            "objectives": ["o1"],
            "result": "wrong",
            "timestamp": "10:01:02",
        }
    ]
    objectives = [
        {"id": "o1", "status": "passed", "score_raw": "80", "success_status": "x"}
    ]
    assert records_flatten(
        VERSION_12, interactions=interactions, objectives=objectives
    ) == {
        "cmi.objectives.0.id": "o1",
        "cmi.objectives.0.status": "passed",
        "cmi.objectives.0.score.raw": "80",
        "cmi.interactions.0.id": "q1",
        "cmi.interactions.0.type": "choice",
        "cmi.interactions.0.time": "10:01:02",
        "cmi.interactions.0.student_response": "a",
        "cmi.interactions.0.result": "wrong",
        "cmi.interactions.0.correct_responses.0.pattern": "b",
        "cmi.interactions.0.objectives.0.id": "o1",
    }
    flattened = records_flatten(
        VERSION_2004, interactions=interactions, objectives=objectives
    )
    assert flattened["cmi.interactions.0.learner_response"] == "a"
    assert flattened["cmi.interactions.0.description"] == "Which?"
    assert flattened["cmi.interactions.0.timestamp"] == "10:01:02"
    assert "cmi.objectives.0.status" not in flattened
    # Keys in the order a runtime takes them: each record's id, then its type.
    keys = [key for key in flattened if key.startswith("cmi.interactions.0.")]
    assert keys[:2] == ["cmi.interactions.0.id", "cmi.interactions.0.type"]


def test_a_2004_interaction_without_a_type_comes_back_without_its_response():
    flattened = records_flatten(
        VERSION_2004,
        interactions=[
            {"id": "q1", "learner_response": "a", "correct_responses": ["a"]}
        ],
        objectives=[],
    )
    assert flattened == {"cmi.interactions.0.id": "q1"}


def test_a_resumed_2004_sco_reads_its_answers_and_objectives_and_counts_on(
    client, learner, golf_2004
):
    _lesson, registration = golf_2004
    client.force_login(learner)
    commit(client, registration, ANSWERS_2004)

    config = player_config(client, registration)
    assert config["cmi"]["cmi.interactions.1.learner_response"] == "false"
    played = play(
        config,
        get=[
            "cmi.entry",
            "cmi.location",
            "cmi.interactions._count",
            "cmi.interactions.0.id",
            "cmi.interactions.0.learner_response",
            "cmi.interactions.0.correct_responses.0.pattern",
            "cmi.interactions.0.objectives.0.id",
            "cmi.interactions.0.description",
            "cmi.interactions.1.result",
            "cmi.interactions.1.latency",
            "cmi.objectives._count",
            "cmi.objectives.0.success_status",
            "cmi.objectives.0.score.scaled",
            "cmi.objectives.1.success_status",
        ],
        # The SCO answers one more question where the count says the next one goes.
        set=[
            ("cmi.interactions.2.id", "com.scorm.golfsamples.interactions.fun_1"),
            ("cmi.interactions.2.type", "true-false"),
            ("cmi.interactions.2.learner_response", "true"),
            ("cmi.interactions.2.result", "correct"),
        ],
    )
    values = {key: value for key, (value, _error) in played["values"].items()}
    assert {
        key: error for key, (_v, error) in played["values"].items()
    } == dict.fromkeys(values, "0")
    assert values == {
        "cmi.entry": "resume",
        "cmi.location": "quiz",
        "cmi.interactions._count": "2",
        "cmi.interactions.0.id": "com.scorm.golfsamples.interactions.playing_1",
        "cmi.interactions.0.learner_response": "The_R_and_A",
        "cmi.interactions.0.correct_responses.0.pattern": "The_R_and_A",
        "cmi.interactions.0.objectives.0.id": "obj_playing",
        "cmi.interactions.0.description": "The rules of golf are maintained by?",
        "cmi.interactions.1.result": "incorrect",
        "cmi.interactions.1.latency": "PT12S",
        "cmi.objectives._count": "2",
        "cmi.objectives.0.success_status": "passed",
        "cmi.objectives.0.score.scaled": "1",
        "cmi.objectives.1.success_status": "failed",
    }

    # The next session's commit carries all three back; nothing is lost or doubled.
    before = ScormRegistration.objects.get(pk=registration.pk).interactions
    commit(client, registration, played["commits"][-1], session="session-two")
    after = ScormRegistration.objects.get(pk=registration.pk)
    assert after.interactions[:2] == before
    assert [record["id"] for record in after.interactions] == [
        "com.scorm.golfsamples.interactions.playing_1",
        "com.scorm.golfsamples.interactions.etiquette_1",
        "com.scorm.golfsamples.interactions.fun_1",
    ]
    assert after.objectives[0]["score_scaled"] == "1"


def test_a_resumed_12_sco_gets_its_objectives_and_its_interactions_back(
    client, learner, standards
):
    page, lesson = scorm_course("1.2")
    enrolment_create(user=learner, course=page)
    registration = registration_open(user=learner, lesson=lesson)
    client.force_login(learner)
    commit(
        client,
        registration,
        {
            "cmi.core.lesson_location": "quiz",
            "cmi.core.exit": "suspend",
            "cmi.objectives.0.id": "obj_playing",
            "cmi.objectives.0.status": "passed",
            "cmi.objectives.0.score.raw": "80",
            "cmi.interactions.0.id": "playing_1",
            "cmi.interactions.0.type": "choice",
            "cmi.interactions.0.student_response": "b",
            "cmi.interactions.0.correct_responses.0.pattern": "b",
            "cmi.interactions.0.result": "correct",
            "cmi.interactions.0.time": "09:30:00",
        },
    )
    config = player_config(client, registration)
    played = play(
        config,
        get=[
            "cmi.core.entry",
            "cmi.objectives._count",
            "cmi.objectives.0.id",
            "cmi.objectives.0.status",
            "cmi.objectives.0.score.raw",
            "cmi.interactions._count",
        ],
        set=[
            ("cmi.interactions.1.id", "playing_2"),
            ("cmi.interactions.1.student_response", "a"),
        ],
    )
    assert played["values"] == {
        "cmi.core.entry": ["resume", "0"],
        "cmi.objectives._count": ["1", "0"],
        "cmi.objectives.0.id": ["obj_playing", "0"],
        "cmi.objectives.0.status": ["passed", "0"],
        "cmi.objectives.0.score.raw": ["80", "0"],
        "cmi.interactions._count": ["1", "0"],
    }
    # SCORM 1.2 keeps interactions write-only for the SCO; they are still there,
    # and the next commit sends them back as they were, with the new one.
    commit(client, registration, played["commits"][-1], session="session-two")
    interactions = ScormRegistration.objects.get(pk=registration.pk).interactions
    assert interactions == [
        {
            "id": "playing_1",
            "type": "choice",
            "learner_response": "b",
            "correct_responses": ["b"],
            "result": "correct",
            "timestamp": "09:30:00",
        },
        {"id": "playing_2", "learner_response": "a"},
    ]


def test_each_sco_of_a_package_gets_back_only_its_own_records(client, learner):
    page, lesson = multi_sco_course()
    enrolment_create(user=learner, course=page)
    client.force_login(learner)
    client.get(lesson.url)
    first = ScormRegistration.objects.get(item="playing_item")
    commit(
        client,
        first,
        {
            "cmi.interactions.0.id": "playing_q",
            "cmi.interactions.0.type": "true-false",
            "cmi.interactions.0.learner_response": "true",
            "cmi.objectives.0.id": "playing_obj",
            "cmi.objectives.0.success_status": "passed",
            "cmi.success_status": "passed",  # opens the next SCO
        },
    )
    for item in FORCED_ORDER_ITEMS[1:-1]:
        client.get(f"{lesson.url}?sco={item}")
        commit(
            client,
            ScormRegistration.objects.get(item=item),
            {"cmi.success_status": "passed"},
        )
    client.get(lesson.url + "?sco=assessment_item")
    quiz = ScormRegistration.objects.get(item="assessment_item")
    commit(
        client,
        quiz,
        {
            "cmi.interactions.0.id": "quiz_q",
            "cmi.interactions.0.type": "numeric",
            "cmi.interactions.0.learner_response": "4",
        },
    )
    quiz_cmi = player_config(client, quiz)["cmi"]
    assert quiz_cmi["cmi.interactions.0.id"] == "quiz_q"
    assert "cmi.interactions.1.id" not in quiz_cmi
    assert "playing_q" not in json.dumps(quiz_cmi)
    assert "playing_obj" not in json.dumps(quiz_cmi)
    first_cmi = player_config(client, first)["cmi"]
    assert first_cmi["cmi.interactions.0.id"] == "playing_q"
    assert "quiz_q" not in json.dumps(first_cmi)
    objective_ids = [
        value
        for key, value in first_cmi.items()
        if key.startswith("cmi.objectives.") and key.endswith(".id")
    ]
    index = objective_ids.index("playing_obj")
    assert first_cmi[f"cmi.objectives.{index}.success_status"] == "passed"


def test_what_is_handed_back_stays_within_the_caps(golf_2004):
    _lesson, registration = golf_2004
    registration.interactions = [
        {"id": f"q{n}", "type": "true-false", "learner_response": "true"}
        for n in range(MAX_INTERACTIONS + 20)
    ]
    cmi = launch_cmi(registration)
    ids = [
        key
        for key in cmi
        if key.startswith("cmi.interactions.") and key.endswith(".id")
    ]
    assert len(ids) == MAX_INTERACTIONS
    assert f"cmi.interactions.{MAX_INTERACTIONS - 1}.id" in cmi


def test_a_value_the_runtime_refuses_loses_that_element_not_the_resume(
    client, learner, golf_2004
):
    _lesson, registration = golf_2004
    ScormRegistration.objects.filter(pk=registration.pk).update(
        location="page-4",
        exit="suspend",
        commits=1,
        interactions=[
            {"id": "q1", "type": "true-false", "learner_response": "perhaps"},
            {"id": "q2", "type": "true-false", "learner_response": "true"},
        ],
    )
    client.force_login(learner)
    played = play(
        player_config(client, registration),
        get=[
            "cmi.location",
            "cmi.interactions._count",
            "cmi.interactions.1.learner_response",
        ],
    )
    assert played["values"] == {
        "cmi.location": ["page-4", "0"],
        "cmi.interactions._count": ["2", "0"],
        "cmi.interactions.1.learner_response": ["true", "0"],
    }


def test_a_full_commit_with_empty_lists_inside_a_record_is_read():
    """scorm-again's full commit renders an interaction's empty objectives and
    patterns as {}: they are nothing to keep, not a reason to refuse the commit."""
    from courses.scorm.runtime import runtime_parse

    update = runtime_parse(
        VERSION_2004,
        {
            "session": "session-one",
            "cmi": {
                "cmi.interactions.0.id": "q1",
                "cmi.interactions.0.objectives": {},
                "cmi.interactions.0.correct_responses": {},
                "cmi.interactions.0.latency": "",
                "cmi.comments_from_learner": {},
            },
        },
    )
    assert update.interactions == ({"id": "q1"},)
