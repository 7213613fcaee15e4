"""Taking an assessment: draw stored, time limit, attempts limit, grading once, evidence."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

import pytest

from competencies.models import Evidence
from competencies.selectors import person_profile
from courses.assessments.services import (
    LATE_GRACE,
    AssessmentError,
    AttemptClosed,
    attempt_close_if_expired,
    attempt_save_answers,
    attempt_start,
    attempt_submit,
)
from courses.models import Attempt, CourseCompletion, Enrolment
from courses.selectors import lessons_of
from courses.services import enrolment_create, lesson_complete
from tests.courses.assessment_helpers import (
    answers,
    make_assessment,
    make_bank,
    single,
    snapshots,
)
from tests.factories import competency

pytestmark = pytest.mark.django_db


@pytest.fixture
def gov02(framework_academy):
    return competency(framework_academy, "ACD-GOV-02")


@pytest.fixture
def bank(framework_academy, gov02):
    bank = make_bank(framework_academy)
    for rank in (1, 2, 3):
        for n in range(4):
            single(bank, gov02, rank, f"G{rank}-{n}")
    return bank


@pytest.fixture
def quiz(bank, gov02, governance_course, learner):
    enrolment_create(user=learner, course=governance_course)
    return make_assessment(course=governance_course, rules=[(bank, gov02, 6)])


def test_start_draws_and_stores_the_questions(learner, quiz):
    attempt = attempt_start(user=learner, assessment=quiz)
    assert len(attempt.questions) == 6
    assert set(attempt.option_orders) == {q["id"] for q in attempt.questions}
    assert attempt.competency_ids == {"ACD-GOV-02": quiz.rules.get().competency_id}
    again = attempt_start(user=learner, assessment=quiz)
    assert again.pk == attempt.pk
    assert again.questions == attempt.questions
    assert again.option_orders == attempt.option_orders


def test_editing_a_question_does_not_change_a_started_attempt(learner, quiz, bank):
    attempt = attempt_start(user=learner, assessment=quiz)
    question = bank.questions.get(pk=int(attempt.questions[0]["id"]))
    question.prompt = "แก้ไขแล้ว"
    question.save()
    attempt.refresh_from_db()
    assert attempt.questions[0]["prompt"] != "แก้ไขแล้ว"


def test_a_course_assessment_needs_an_enrolment(
    learner, bank, gov02, framework_academy
):
    from tests.factories import course

    other = course("หลักสูตรอื่น", slug="other")
    quiz = make_assessment(course=other, rules=[(bank, gov02, 2)])
    with pytest.raises(AssessmentError):
        attempt_start(user=learner, assessment=quiz)


def test_an_unpublished_assessment_cannot_be_started(learner, quiz):
    quiz.is_published = False
    quiz.save()
    with pytest.raises(AssessmentError):
        attempt_start(user=learner, assessment=quiz)


def test_a_short_bank_is_refused_with_the_competency_named(learner, quiz):
    rule = quiz.rules.get()
    rule.count = 50
    rule.save()
    with translation.override("en"), pytest.raises(AssessmentError, match="ACD-GOV-02"):
        attempt_start(user=learner, assessment=quiz)
    assert not Attempt.objects.exists()


def test_attempts_beyond_the_allowance_are_refused(learner, quiz):
    quiz.attempts_allowed = 2
    quiz.save()
    for _ in range(2):
        attempt_submit(attempt=attempt_start(user=learner, assessment=quiz))
    with (
        translation.override("en"),
        pytest.raises(AssessmentError, match="all your attempts"),
    ):
        attempt_start(user=learner, assessment=quiz)
    assert Attempt.objects.count() == 2
    assert sorted(Attempt.objects.values_list("number", flat=True)) == [1, 2]


def test_submitting_twice_grades_once(learner, quiz):
    attempt = attempt_start(user=learner, assessment=quiz)
    first = attempt_submit(attempt=attempt, responses=answers(attempt))
    second = attempt_submit(attempt=attempt, responses={})
    assert first.passed and second.passed
    assert second.submitted_at == first.submitted_at
    assert second.score == first.score
    assert Evidence.objects.filter(reference=f"attempt:{attempt.pk}").count() == 1


def test_saving_after_submission_is_refused(learner, quiz):
    attempt = attempt_start(user=learner, assessment=quiz)
    attempt_submit(attempt=attempt)
    with pytest.raises(AttemptClosed):
        attempt_save_answers(attempt=attempt, responses=answers(attempt))
    attempt.refresh_from_db()
    assert attempt.responses == {}


def test_answers_after_the_time_limit_are_refused_and_the_attempt_graded(learner, quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    start = timezone.now()
    attempt = attempt_start(user=learner, assessment=quiz, now=start)
    assert attempt.deadline == start + timedelta(minutes=10)
    ids = [s.id for s in snapshots(attempt)]
    in_time = answers(attempt, right={ids[0]})
    attempt_save_answers(
        attempt=attempt, responses={ids[0]: in_time[ids[0]]}, now=start
    )
    late = start + timedelta(minutes=10) + LATE_GRACE + timedelta(seconds=1)
    with pytest.raises(AttemptClosed):
        attempt_save_answers(attempt=attempt, responses=answers(attempt), now=late)
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.auto_submitted
    assert set(attempt.responses) == {ids[0]}
    assert attempt.score == 1


def test_a_late_submission_grades_only_answers_saved_in_time(learner, quiz):
    quiz.time_limit_minutes = 5
    quiz.save()
    start = timezone.now()
    attempt = attempt_start(user=learner, assessment=quiz, now=start)
    late = start + timedelta(minutes=5) + LATE_GRACE + timedelta(seconds=1)
    graded = attempt_submit(attempt=attempt, responses=answers(attempt), now=late)
    assert graded.score == 0 and not graded.passed and graded.auto_submitted


def test_a_submission_within_the_grace_counts(learner, quiz):
    quiz.time_limit_minutes = 5
    quiz.save()
    start = timezone.now()
    attempt = attempt_start(user=learner, assessment=quiz, now=start)
    graded = attempt_submit(
        attempt=attempt,
        responses=answers(attempt),
        now=start + timedelta(minutes=5, seconds=5),
    )
    assert graded.passed and not graded.auto_submitted


def test_an_expired_attempt_is_graded_on_the_next_touch(learner, quiz):
    quiz.time_limit_minutes = 1
    quiz.save()
    start = timezone.now() - timedelta(hours=1)
    attempt = attempt_start(user=learner, assessment=quiz, now=start)
    attempt = attempt_close_if_expired(attempt=attempt)
    assert attempt.is_submitted and attempt.auto_submitted
    assert Attempt.objects.get().status == Attempt.Status.SUBMITTED


def test_starting_again_after_expiry_grades_the_old_attempt_first(learner, quiz):
    quiz.time_limit_minutes = 1
    quiz.save()
    old = attempt_start(
        user=learner, assessment=quiz, now=timezone.now() - timedelta(hours=1)
    )
    new = attempt_start(user=learner, assessment=quiz)
    old.refresh_from_db()
    assert old.is_submitted and new.number == 2 and not new.is_submitted


def test_evidence_is_recorded_at_the_level_reached(
    learner, governance_course, framework_academy, gov02
):
    bank = make_bank(framework_academy, code="levels")
    for rank in (1, 2, 3):
        for n in range(2):
            single(bank, gov02, rank, f"L{rank}-{n}")
    quiz = make_assessment(
        course=governance_course, rules=[(bank, gov02, 6)], pass_mark_percent=80
    )
    enrolment_create(user=learner, course=governance_course)
    attempt = attempt_start(user=learner, assessment=quiz)
    # Right on ranks 1 and 2, wrong on rank 3: 4/6 = 67% up to rank 3, under 80%.
    right = {s.id for s in snapshots(attempt) if s.level_rank < 3}
    attempt = attempt_submit(attempt=attempt, responses=answers(attempt, right=right))
    evidence = Evidence.objects.get(reference=f"attempt:{attempt.pk}")
    assert not attempt.passed
    assert evidence.competency == gov02
    assert evidence.level.rank == 2
    assert evidence.source == Evidence.Source.ASSESSMENT
    assert attempt.result["evidence"] == {"ACD-GOV-02": 2}


def test_no_evidence_when_no_level_is_reached(learner, quiz):
    attempt = attempt_start(user=learner, assessment=quiz)
    attempt = attempt_submit(attempt=attempt, responses=answers(attempt, right=set()))
    assert not attempt.passed
    assert not Evidence.objects.exists()
    assert attempt.result["evidence"] == {}


def test_passing_counts_towards_the_course_completion_rule(
    learner, quiz, governance_course
):
    governance_course.completion_rule = "lessons_assessments"
    governance_course.save()
    for lesson in lessons_of(governance_course):
        lesson_complete(user=learner, lesson=lesson)
    assert not CourseCompletion.objects.exists()  # the assessment is still due
    failed = attempt_start(user=learner, assessment=quiz)
    attempt_submit(attempt=failed, responses=answers(failed, right=set()))
    assert not CourseCompletion.objects.exists()
    passed = attempt_start(user=learner, assessment=quiz)
    attempt_submit(attempt=passed, responses=answers(passed))
    assert CourseCompletion.objects.filter(user=learner).count() == 1
    assert Enrolment.objects.get(user=learner).status == Enrolment.Status.COMPLETED


def test_lessons_only_rule_ignores_assessments(learner, quiz, governance_course):
    for lesson in lessons_of(governance_course):
        lesson_complete(user=learner, lesson=lesson)
    assert CourseCompletion.objects.filter(user=learner).count() == 1


def test_placement_assessment_raises_the_attained_level(learner, framework_academy):
    area = competency(framework_academy, "ACD-GOV-02").parent
    lit = competency(framework_academy, "ACD-GOV-01")
    bank = make_bank(framework_academy, code="placement")
    for rank in (1, 2):
        for n in range(2):
            single(bank, lit, rank, f"P{rank}{n}")
    placement = make_assessment(area=area, rules=[(bank, lit, 4)])
    attempt = attempt_start(user=learner, assessment=placement)
    attempt_submit(attempt=attempt, responses=answers(attempt))
    profile = person_profile(learner.person, framework=framework_academy)
    row = next(
        row for row in profile.frameworks[0].rows if row.competency.code == "ACD-GOV-01"
    )
    assert row.attained_rank == 2


def test_starting_an_attempt_costs_the_same_queries_for_one_rule_and_fifty(
    learner, framework_academy, gov02, governance_course
):
    """The questions of every rule are read together, not a query per rule."""
    enrolment_create(user=learner, course=governance_course)

    def queries(rules: int) -> int:
        banks = [
            make_bank(framework_academy, code=f"rules{rules}-{n}") for n in range(rules)
        ]
        for bank in banks:
            single(bank, gov02, 1, f"{bank.code}-Q")
            single(bank, gov02, 2, f"{bank.code}-R", options=2)
        quiz = make_assessment(
            course=governance_course,
            rules=[(bank, gov02, 2) for bank in banks],
            title=f"แบบทดสอบ {rules} กฎ",
        )
        with CaptureQueriesContext(connection) as captured:
            attempt = attempt_start(user=learner, assessment=quiz)
        assert len(attempt.questions) == 2 * rules
        drawn = {int(question["id"]) for question in attempt.questions}
        assert drawn == set(
            quiz.rules.values_list("bank__questions", flat=True)
        )  # every rule's own questions, each once
        return len(captured)

    one, fifty = queries(1), queries(50)
    assert one == fifty <= 11
