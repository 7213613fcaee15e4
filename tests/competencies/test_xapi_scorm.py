"""A SCORM package's completion reaches the LRS as the lesson's (and the course's)
xAPI statements, through the same lesson_complete service as any lesson."""

import json
from collections import Counter

import pytest

from competencies.xapi.models import OutboxStatement
from courses.scorm.services import registration_open
from courses.services import enrolment_create
from tests.courses.scorm_helpers import CONTENT_ORIGIN, scorm_course
from tests.factories import competency

pytestmark = pytest.mark.django_db


def test_a_passed_scorm_package_sends_lesson_evidence_and_course_statements(
    lrs,
    settings,
    client,
    learner,
    framework_academy,
    django_capture_on_commit_callbacks,
):
    settings.ACADEMY_SCORM_CONTENT_ORIGIN = CONTENT_ORIGIN
    settings.ALLOWED_HOSTS = ["testserver", "scorm.testserver"]
    page, lesson = scorm_course(
        "1.2", competencies=[(competency(framework_academy, "ACD-GOV-02"), 3)]
    )
    enrolment_create(user=learner, course=page)
    registration = registration_open(user=learner, lesson=lesson)
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/learn/scorm/{registration.pk}/runtime/",
            data=json.dumps(
                {
                    "session": "session-one",
                    "cmi": {
                        "cmi.core.lesson_status": "passed",
                        "cmi.core.score.raw": "85",
                        "cmi.core.score.min": "0",
                        "cmi.core.score.max": "100",
                    },
                }
            ),
            content_type="application/json",
        )
    assert response.json()["course_completed"] is True

    completed = OutboxStatement.objects.get(event="lesson_completed")
    assert completed.statement["object"]["id"] == (
        f"http://testserver/xapi/activities/lesson/{lesson.pk}"
    )
    events = Counter(
        OutboxStatement.objects.exclude(event="enrolled").values_list(
            "event", flat=True
        )
    )
    # The package's score is assessment evidence, the course's completion more.
    assert (events["lesson_completed"], events["course_completed"]) == (1, 1)
    assert events["evidence_recorded"] >= 1
    stored = {s["id"] for s in lrs.statements()}
    assert str(completed.id) in stored
    sent = OutboxStatement.objects.exclude(event="enrolled")  # enrolled before
    assert {str(i) for i in sent.values_list("id", flat=True)} <= stored
