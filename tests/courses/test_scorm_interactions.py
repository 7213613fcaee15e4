"""Interactions and objectives a SCORM package records: read from the commit, kept
on the server across sessions (matched by id), and shown to the course's instructors
on the lesson's results, to no one else."""

import json

import pytest

from academy.accounts.roles import Role
from courses.models import ScormRegistration
from courses.scorm.package import VERSION_12, VERSION_2004
from courses.scorm.runtime import RuntimeDataError, records_merge, runtime_parse
from courses.scorm.services import registration_open
from courses.services import enrolment_create
from tests.courses.scorm_helpers import CONTENT_ORIGIN, scorm_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

#: As scorm-again flattens what the Golf "Run-time Advanced Calls" quiz sets.
QUESTION = {
    "cmi.interactions.0.id": "com.scorm.golfsamples.interactions.playing_1",
    "cmi.interactions.0.description": "The rules of golf are maintained by?",
    "cmi.interactions.0.objectives.0.id": "obj_playing",
    "cmi.interactions.0.type": "choice",
    "cmi.interactions.0.learner_response": "The_R_and_A",
    "cmi.interactions.0.correct_responses.0.pattern": "The_R_and_A",
    "cmi.interactions.0.result": "correct",
    "cmi.objectives.0.id": "obj_playing",
    "cmi.objectives.0.success_status": "passed",
    "cmi.objectives.0.score.scaled": "1",
}


def test_interactions_and_objectives_are_read_from_a_2004_commit():
    update = runtime_parse(VERSION_2004, {"session": "session-one", "cmi": QUESTION})
    assert update.interactions == (
        {
            "id": "com.scorm.golfsamples.interactions.playing_1",
            "description": "The rules of golf are maintained by?",
            "objectives": ["obj_playing"],
            "type": "choice",
            "learner_response": "The_R_and_A",
            "correct_responses": ["The_R_and_A"],
            "result": "correct",
        },
    )
    assert update.objectives == (
        {"id": "obj_playing", "success_status": "passed", "score_scaled": "1"},
    )


def test_scorm_12_names_are_read_under_the_same_fields():
    cmi = {
        "cmi.interactions.0.id": "q1",
        "cmi.interactions.0.student_response": "a",
        "cmi.interactions.0.time": "10:01:02",
        "cmi.objectives.0.id": "o1",
        "cmi.objectives.0.status": "passed",
    }
    update = runtime_parse(VERSION_12, {"session": "session-one", "cmi": cmi})
    assert update.interactions == (
        {"id": "q1", "learner_response": "a", "timestamp": "10:01:02"},
    )
    assert update.objectives == ({"id": "o1", "status": "passed"},)


@pytest.mark.parametrize(
    "cmi",
    [
        {"cmi.interactions.500.id": "too-many"},
        {
            "cmi.interactions.0.id": "q",
            "cmi.interactions.0.learner_response": "x" * 4001,
        },
        {"cmi.objectives.0.id": ["not", "text"]},
    ],
)
def test_bad_interactions_are_refused(cmi):
    with pytest.raises(RuntimeDataError):
        runtime_parse(VERSION_2004, {"session": "session-one", "cmi": cmi})


def test_a_new_session_adds_to_the_records_by_id_not_by_index():
    kept = [{"id": "q1", "result": "incorrect"}, {"id": "q2", "result": "correct"}]
    merged = records_merge(
        kept, ({"id": "q1", "result": "correct"}, {"id": "q3"}), limit=500
    )
    assert merged == [
        {"id": "q1", "result": "correct"},
        {"id": "q2", "result": "correct"},
        {"id": "q3"},
    ]


@pytest.fixture
def played(client, settings, learner, standards):
    settings.ACADEMY_SCORM_CONTENT_ORIGIN = CONTENT_ORIGIN
    settings.ALLOWED_HOSTS = ["testserver", "scorm.testserver"]
    owner = UserFactory(email="teacher@example.go.th", roles=[Role.INSTRUCTOR])
    page, lesson = scorm_course("2004", owner=owner)
    enrolment_create(user=learner, course=page)
    registration = registration_open(user=learner, lesson=lesson)
    client.force_login(learner)
    response = client.post(
        f"/learn/scorm/{registration.pk}/runtime/",
        data=json.dumps({"session": "session-one", "cmi": QUESTION}),
        content_type="application/json",
    )
    assert response.status_code == 200
    client.logout()
    return owner, lesson, registration


def test_a_commit_keeps_the_interactions_and_objectives(played):
    _owner, _lesson, registration = played
    saved = ScormRegistration.objects.get(pk=registration.pk)
    assert saved.interactions[0]["learner_response"] == "The_R_and_A"
    assert saved.objectives[0]["success_status"] == "passed"


def test_the_courses_instructor_sees_each_answer_on_the_lessons_results(client, played):
    owner, lesson, _registration = played
    client.force_login(owner)
    response = client.get(f"/admin/courses/scorm-lessons/{lesson.pk}/results/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The rules of golf are maintained by?" in html
    assert "The_R_and_A" in html
    assert "obj_playing" in html


def test_the_lessons_results_are_audited(client, played):
    from academy.accounts.audit import AuditAction
    from academy.accounts.models import AuditEntry

    owner, lesson, _registration = played
    client.force_login(owner)
    client.get(f"/admin/courses/scorm-lessons/{lesson.pk}/results/")
    entry = AuditEntry.objects.get(action=AuditAction.RESULTS_VIEW)
    assert entry.actor == owner
    assert entry.object_id == str(lesson.pk)
    assert entry.detail["learners"] == 1


def test_other_instructors_and_learners_do_not_see_the_results(client, played, learner):
    _owner, lesson, _registration = played
    url = f"/admin/courses/scorm-lessons/{lesson.pk}/results/"
    other = UserFactory(email="other@example.go.th", roles=[Role.INSTRUCTOR])
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(learner)
    assert client.get(url).status_code in (302, 403, 404)


def test_the_lessons_edit_page_links_to_its_results(client, played):
    owner, lesson, _registration = played
    client.force_login(owner)
    html = client.get(f"/admin/pages/{lesson.pk}/edit/").content.decode()
    assert f"/admin/courses/scorm-lessons/{lesson.pk}/results/" in html


def test_a_sco_starts_with_its_manifests_objectives_and_those_it_recorded(
    learner, standards
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from courses.models import ScormLessonPage
    from courses.scorm.selectors import launch_cmi
    from courses.scorm.services import package_create
    from tests.courses.scorm_helpers import OUTSIDE
    from tests.factories import course

    path = OUTSIDE / "RunTimeAdvancedCalls_SCORM20043rdEdition.zip"
    upload = SimpleUploadedFile(path.name, path.read_bytes(), "application/zip")
    page = course(lessons=0)
    lesson = ScormLessonPage(
        title="ขั้นสูง", slug="advanced", package=package_create(upload=upload)
    )
    page.add_child(instance=lesson)
    lesson.save_revision().publish()
    enrolment_create(user=learner, course=page)
    registration = registration_open(user=learner, lesson=lesson)
    registration.objectives = [{"id": "recorded-later"}]
    cmi = launch_cmi(registration)
    ids = [cmi[f"cmi.objectives.{n}.id"] for n in range(6)]
    assert ids == [
        "PRIMARYOBJ",
        "obj_etiquette",
        "obj_handicapping",
        "obj_havingfun",
        "obj_playing",
        "recorded-later",
    ]
