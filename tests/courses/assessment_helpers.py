"""Builders for assessment tests: banks, questions, assessments, and scripted answers."""

from decimal import Decimal

from courses.models import (
    Assessment,
    AssessmentRule,
    Question,
    QuestionBank,
    QuestionOption,
)
from courses.questions import (
    MatchingKey,
    MultipleKey,
    NumericKey,
    OrderingKey,
    QuestionSnapshot,
    ShortTextKey,
    SingleKey,
    TrueFalseKey,
)


def make_bank(framework, code: str = "gov-bank", owner=None) -> QuestionBank:
    return QuestionBank.objects.create(
        code=code, title=f"คลังข้อสอบ {code}", framework=framework, owner=owner
    )


def single(bank, competency, rank: int, external_id: str, *, points=1, options=3):
    """A single-choice question whose first option, "ข้อถูก <id>", is right."""
    question = Question.objects.create(
        bank=bank,
        external_id=external_id,
        kind="single",
        competency=competency,
        level=competency.framework.scale.levels.get(rank=rank),
        prompt=f"คำถาม {external_id}",
        explanation=f"คำอธิบาย {external_id}",
        points=Decimal(points),
    )
    QuestionOption.objects.create(
        question=question,
        sort_order=0,
        text=f"ข้อถูก {external_id}",
        is_correct=True,
        feedback=f"ถูกต้อง {external_id}",
    )
    for n in range(1, options):
        QuestionOption.objects.create(
            question=question,
            sort_order=n,
            text=f"ข้อผิด {n} {external_id}",
            feedback=f"ยังไม่ถูก {external_id}",
        )
    return question


def make_assessment(*, rules, course=None, area=None, **fields) -> Assessment:
    """rules: (bank, competency, count) triples."""
    fields.setdefault("title", "แบบทดสอบท้ายบท")
    fields.setdefault("is_published", True)
    # Most tests read the answers right after submitting; the model's default (after
    # the last attempt) has its own tests in test_quiz_integrity.py.
    fields.setdefault("feedback_policy", Assessment.FeedbackPolicy.AFTER_SUBMISSION)
    assessment = Assessment.objects.create(
        kind=Assessment.Kind.COURSE if course else Assessment.Kind.PLACEMENT,
        course=course,
        area=area,
        **fields,
    )
    for order, (bank, competency, count) in enumerate(rules):
        AssessmentRule.objects.create(
            assessment=assessment,
            bank=bank,
            competency=competency,
            count=count,
            sort_order=order,
        )
    return assessment


def right_answer(snapshot: QuestionSnapshot):
    """The full-credit response to a drawn question (tests know the key; browsers never)."""
    key = snapshot.key
    match key:
        case SingleKey():
            return key.correct
        case MultipleKey():
            return list(key.correct)
        case TrueFalseKey():
            return "true" if key.answer else "false"
        case MatchingKey():
            return dict(key.pairs)
        case OrderingKey():
            return list(key.order)
        case NumericKey():
            return str(key.answer)
        case ShortTextKey():
            return key.accepted[0]
    raise TypeError(key)


def wrong_answer(snapshot: QuestionSnapshot):
    """A zero-credit response to a single-choice question."""
    return next(o.id for o in snapshot.options if o.id != snapshot.key.correct)


def snapshots(attempt) -> list[QuestionSnapshot]:
    return [QuestionSnapshot.from_dict(data) for data in attempt.questions]


def answers(attempt, *, right: set[str] | None = None) -> dict:
    """Right answers to the questions in `right` (all if None), wrong to the others."""
    return {
        snapshot.id: (
            right_answer(snapshot)
            if right is None or snapshot.id in right
            else wrong_answer(snapshot)
        )
        for snapshot in snapshots(attempt)
    }
