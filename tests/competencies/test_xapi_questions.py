"""`answered` statements for each question of a submitted attempt, stored in a real
LRS (Ralph): one per question, every kind of question as its xAPI interaction type,
the learner's response, success and score; ids from the event, so a resend or the
backfill stores nothing twice; the per-event switch."""

import copy
from decimal import Decimal

from django.core.management import call_command

import pytest

from competencies.xapi import services as xapi
from competencies.xapi.models import OutboxStatement
from courses.assessments.services import attempt_start, attempt_submit
from courses.models import Question, QuestionOption
from courses.services import enrolment_create
from tests.courses.assessment_helpers import (
    make_assessment,
    make_bank,
    right_answer,
    snapshots,
)
from tests.factories import competency
from tests.xapi_lrs import ralph_validate

pytestmark = pytest.mark.django_db

INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"


def _answered(lrs) -> list[dict]:
    return [s for s in lrs.statements() if s["verb"]["id"] == ANSWERED]


def _question(bank, comp, kind, external_id, options=(), **fields):
    question = Question.objects.create(
        bank=bank,
        external_id=external_id,
        kind=kind,
        competency=comp,
        level=comp.framework.scale.levels.get(rank=1),
        prompt=fields.pop("prompt", f"คำถาม {external_id}"),
        points=fields.pop("points", Decimal(2)),
        **fields,
    )
    for order, option in enumerate(options):
        QuestionOption.objects.create(question=question, sort_order=order, **option)
    return question


@pytest.fixture
def quiz(framework_academy, governance_course):
    """One question of each kind, all drawn into every attempt."""
    gov02 = competency(framework_academy, "ACD-GOV-02")
    bank = make_bank(framework_academy)
    _question(
        bank,
        gov02,
        "single",
        "single",
        [
            {"text": "ถูก", "is_correct": True},
            {"text": "ผิด"},
            {"text": "ผิดอีก"},
        ],
        prompt="หน่วยงานใดกำกับดูแลข้อมูลภาครัฐ " * 10,  # a long prompt
    )
    _question(
        bank,
        gov02,
        "multiple",
        "multiple",
        [
            {"text": "ก", "is_correct": True},
            {"text": "ข"},
            {"text": "ค", "is_correct": True},
        ],
    )
    _question(
        bank,
        gov02,
        "true_false",
        "true-false",
        [{"text": "จริง", "is_correct": True}, {"text": "เท็จ"}],
    )
    _question(
        bank,
        gov02,
        "matching",
        "matching",
        [
            {"text": "PDPA", "match": "ข้อมูลส่วนบุคคล"},
            {"text": "ก.พ.", "match": "บุคลากร"},
        ],
    )
    _question(
        bank,
        gov02,
        "ordering",
        "ordering",
        [{"text": "วางแผน"}, {"text": "ทำ"}, {"text": "ตรวจ"}],
    )
    _question(
        bank,
        gov02,
        "numeric",
        "numeric",
        numeric_answer=Decimal("2.5"),
        numeric_tolerance=Decimal("0.5"),
    )
    _question(
        bank,
        gov02,
        "short_text",
        "short-text",
        accepted_answers="สำนักงาน ก.พ.\nOCSC",
    )
    return make_assessment(
        course=governance_course, rules=[(bank, gov02, 7)], pass_mark_percent=50
    )


def _by_external_id(attempt) -> dict:
    ids = dict(
        Question.objects.filter(
            pk__in=[int(s.id) for s in snapshots(attempt)]
        ).values_list("pk", "external_id")
    )
    return {ids[int(s.id)]: s for s in snapshots(attempt)}


def _submitted(learner, quiz, capture, responses_for):
    with capture(execute=True):
        attempt = attempt_start(user=learner, assessment=quiz)
    drawn = _by_external_id(attempt)
    with capture(execute=True) as callbacks:
        attempt = attempt_submit(attempt=attempt, responses=responses_for(drawn))
    return attempt, drawn, callbacks


def _responses(drawn):
    """Right, wrong, partly right, malformed and unanswered, across the kinds."""
    single, multiple = drawn["single"], drawn["multiple"]
    matching, ordering = drawn["matching"], drawn["ordering"]
    first = matching.options[0].id
    return {
        single.id: right_answer(single),
        # One right and one wrong tick: no credit, (1 - 1) / 2.
        multiple.id: [multiple.options[0].id, multiple.options[1].id],
        drawn["true-false"].id: "false",
        # One of the two left items matched (rightly): half credit.
        matching.id: {first: dict(matching.key.pairs)[first]},
        ordering.id: list(reversed(ordering.key.order)),
        drawn["numeric"].id: "๒.๙",  # Thai digits, within the tolerance
        # short text: left unanswered
    }


def test_each_question_is_answered_once_in_the_lrs_and_conforms(
    lrs,
    learner,
    governance_course,
    quiz,
    django_capture_on_commit_callbacks,
):
    enrolment_create(user=learner, course=governance_course)
    attempt, drawn, callbacks = _submitted(
        learner, quiz, django_capture_on_commit_callbacks, _responses
    )
    rows = OutboxStatement.objects.filter(event="question_answered")
    assert rows.count() == 7
    assert {row.status for row in rows} == {OutboxStatement.Status.SENT}
    # Queued together by one callback, not one task per question.
    names = [c.__qualname__ for c in callbacks]
    assert names.count("sent_together.<locals>.<lambda>") == 1

    stored = {s["id"]: s for s in _answered(lrs)}
    assert set(stored) == {str(row.id) for row in rows}
    assert len(stored) == 7
    assert ralph_validate([row.statement for row in rows]) == [None] * 7
    assert ralph_validate(list(stored.values())) == [None] * 7

    def statement(external_id):
        snapshot = drawn[external_id]
        key = xapi.statement_id("question_answered", f"{attempt.pk}:{snapshot.id}")
        return stored[str(key)]

    submitted_id = str(xapi.statement_id("attempt_submitted", str(attempt.pk)))
    single = statement("single")
    assert single["verb"]["id"] == ANSWERED
    assert single["object"]["id"] == (
        f"http://testserver/xapi/activities/question/{drawn['single'].id}"
    )
    definition = single["object"]["definition"]
    assert definition["type"] == INTERACTION
    assert definition["interactionType"] == "choice"
    assert [c["id"] for c in definition["choices"]] == ["o1", "o2", "o3"]
    assert definition["choices"][0]["description"] == {"th": "ถูก"}
    assert definition["correctResponsesPattern"] == ["o1"]
    assert len(definition["name"]["th"]) <= 120
    assert definition["description"]["th"].startswith("หน่วยงานใดกำกับดูแล")
    assert single["result"]["response"] == "o1"
    assert single["result"]["success"] is True
    assert single["result"]["score"] == {
        "raw": 2.0,
        "min": 0,
        "max": 2.0,
        "scaled": 1.0,
    }
    assert single["context"]["statement"] == {
        "objectType": "StatementRef",
        "id": submitted_id,
    }
    activities = single["context"]["contextActivities"]
    assert activities["parent"][0]["id"].endswith(f"/assessment/{quiz.pk}")
    assert activities["grouping"][0]["id"].endswith(f"/course/{governance_course.pk}")

    multiple = statement("multiple")
    assert multiple["object"]["definition"]["correctResponsesPattern"] == ["o1[,]o3"]
    assert multiple["result"]["response"] == "o1[,]o2"
    assert multiple["result"]["success"] is False
    assert multiple["result"]["score"]["raw"] == 0.0

    true_false = statement("true-false")
    assert true_false["object"]["definition"]["interactionType"] == "true-false"
    assert true_false["object"]["definition"]["correctResponsesPattern"] == ["true"]
    assert "choices" not in true_false["object"]["definition"]
    assert true_false["result"]["response"] == "false"

    matching = statement("matching")
    definition = matching["object"]["definition"]
    assert definition["interactionType"] == "matching"
    assert [c["id"] for c in definition["source"]] == ["o1", "o2"]
    assert [c["description"]["th"] for c in definition["target"]] == [
        "ข้อมูลส่วนบุคคล",
        "บุคลากร",
    ]
    assert definition["correctResponsesPattern"] == ["o1[.]t1[,]o2[.]t2"]
    assert matching["result"]["response"] == "o1[.]t1"
    assert matching["result"]["score"]["raw"] == 1.0  # half of 2 points
    assert matching["result"]["success"] is False

    ordering = statement("ordering")
    assert ordering["object"]["definition"]["interactionType"] == "sequencing"
    assert ordering["object"]["definition"]["correctResponsesPattern"] == [
        "o1[,]o2[,]o3"
    ]
    assert ordering["result"]["response"] == "o3[,]o2[,]o1"

    numeric = statement("numeric")
    assert numeric["object"]["definition"]["correctResponsesPattern"] == ["2[:]3"]
    assert numeric["result"]["response"] == "2.9"
    assert numeric["result"]["success"] is True

    short_text = statement("short-text")
    assert short_text["object"]["definition"]["interactionType"] == "fill-in"
    assert short_text["object"]["definition"]["correctResponsesPattern"] == [
        "สำนักงาน ก.พ.",
        "OCSC",
    ]
    assert "response" not in short_text["result"]  # unanswered
    assert short_text["result"]["success"] is False


def test_ralphs_models_refuse_a_malformed_interaction():
    """The conformance check above can fail: Ralph knows the interaction types."""
    statement = {
        "id": "5f2c7a62-3c4f-5d1e-9a43-2f6b9c0d1e2f",
        "actor": {"account": {"homePage": "http://testserver", "name": "x"}},
        "verb": {"id": ANSWERED},
        "object": {
            "objectType": "Activity",
            "id": "http://testserver/xapi/activities/question/1",
            "definition": {"type": INTERACTION, "interactionType": "choice"},
        },
        "result": {"response": "o1"},
    }
    broken = copy.deepcopy(statement)
    broken["object"]["definition"]["interactionType"] = "essay"
    empty = copy.deepcopy(statement)
    empty["result"]["response"] = ""
    found = ralph_validate([statement, broken, empty])
    assert found[0] is None
    assert found[1] and found[2]


def test_the_same_question_is_the_same_activity_in_every_attempt(
    lrs,
    learner,
    governance_course,
    quiz,
    django_capture_on_commit_callbacks,
):
    """Option ids are random per attempt; the LRS sees the question's own ids."""
    enrolment_create(user=learner, course=governance_course)
    _first, drawn_first, _ = _submitted(
        learner, quiz, django_capture_on_commit_callbacks, _responses
    )
    _second, drawn_second, _ = _submitted(
        learner, quiz, django_capture_on_commit_callbacks, _responses
    )
    assert drawn_first["single"].options[0].id != drawn_second["single"].options[0].id
    objects = {}
    for row in OutboxStatement.objects.filter(event="question_answered"):
        objects.setdefault(row.statement["object"]["id"], []).append(
            row.statement["object"]
        )
    assert len(objects) == 7
    for seen in objects.values():
        assert all(item == seen[0] for item in seen)
    assert OutboxStatement.objects.filter(event="question_answered").count() == 14
    assert len(_answered(lrs)) == 14


def test_a_resend_and_the_backfill_give_the_same_ids_and_store_nothing_twice(
    lrs,
    learner,
    governance_course,
    quiz,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.ACADEMY_XAPI_ENDPOINT = ""  # submitted before an LRS was set
    enrolment_create(user=learner, course=governance_course)
    attempt, drawn, _ = _submitted(
        learner, quiz, django_capture_on_commit_callbacks, _responses
    )
    assert not OutboxStatement.objects.exists()

    settings.ACADEMY_XAPI_ENDPOINT = lrs.endpoint
    with django_capture_on_commit_callbacks(execute=True):
        call_command("xapi_backfill", "--event", "question_answered")
    expected = {
        xapi.statement_id("question_answered", f"{attempt.pk}:{snapshot.id}")
        for snapshot in drawn.values()
    }
    assert set(OutboxStatement.objects.values_list("id", flat=True)) == expected
    assert len(lrs.stored_lines()) == 7

    # As if a worker died after the LRS stored one and before the outbox said so.
    row = OutboxStatement.objects.first()
    OutboxStatement.objects.filter(pk=row.pk).update(
        status=OutboxStatement.Status.PENDING
    )
    assert xapi.statement_send(statement_id=row.id) == OutboxStatement.Status.SENT
    # The outbox lost: the backfill records the same ids again.
    OutboxStatement.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("xapi_backfill", "--event", "question_answered")
    assert set(OutboxStatement.objects.values_list("id", flat=True)) == expected
    assert len(_answered(lrs)) == 7
    assert len(lrs.stored_lines()) == 7


def test_the_switch_turns_the_answers_off_and_leaves_the_submission(
    lrs,
    settings,
    learner,
    governance_course,
    quiz,
    django_capture_on_commit_callbacks,
):
    settings.ACADEMY_XAPI_EVENTS_OFF = frozenset({"question_answered"})
    enrolment_create(user=learner, course=governance_course)
    _submitted(learner, quiz, django_capture_on_commit_callbacks, _responses)
    events = set(OutboxStatement.objects.values_list("event", flat=True))
    assert "attempt_submitted" in events
    assert "question_answered" not in events
