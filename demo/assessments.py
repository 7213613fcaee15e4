"""Demo assessments for `seed_demo`: a question bank, a placement test and course quizzes.

The plans are demo/data/assessments.yaml; the questions come from
demo/data/questions.csv through the same import an instructor uses
(courses.assessments.services.questions_import), so the demo file is also a worked
example of the CSV format. Everything here is idempotent: a second run updates the
questions by external id and finds the assessments already there.
"""

from dataclasses import dataclass

from django.db import transaction

from competencies.models import Competency, Framework
from courses.assessments.services import questions_import
from courses.models import Assessment, AssessmentRule, CoursePage, QuestionBank

from .content import QUESTIONS_CSV, assessment_plans

# The PDPA course: its quiz is required, and the demo learner is part-way through it.
QUIZ_COURSE = "GOV-201"


class DemoAssessmentsError(Exception):
    """The standards or the catalogue the demo assessments need are missing."""


@dataclass(frozen=True)
class Plan:
    title: str
    title_en: str
    instructions: str
    rules: tuple[tuple[str, int], ...]  # (competency code, questions drawn)
    time_limit_minutes: int
    attempts_allowed: int
    pass_mark_percent: int

    @classmethod
    def from_data(cls, data: dict, *, instructions: str = "") -> "Plan":
        numbers = {
            key: data[key]
            for key in ("time_limit_minutes", "attempts_allowed", "pass_mark_percent")
        }
        return cls(
            title=data["title"],
            title_en=data["title_en"],
            instructions=data.get("instructions") or instructions.format(**numbers),
            rules=tuple((code, count) for code, count in data["rules"]),
            **numbers,
        )


def quiz_plans() -> dict[str, Plan]:
    """The end-of-course quizzes by course code, QUIZ_COURSE first."""
    data = assessment_plans()
    plans = {
        code: Plan.from_data(plan, instructions=data["quiz_instructions"])
        for code, plan in data["quizzes"].items()
    }
    return {QUIZ_COURSE: plans.pop(QUIZ_COURSE), **plans}


@transaction.atomic
def assessments_seed(*, owner=None) -> str:
    """Load the demo bank and create the demo assessments; return a summary line."""
    data = assessment_plans()
    bank_data = data["bank"]
    framework = Framework.objects.filter(
        code=bank_data["framework"], status=Framework.Status.ACTIVE
    ).first()
    if framework is None:
        raise DemoAssessmentsError(
            f"The {bank_data['framework']} framework is not active: run "
            "load_standards first."
        )
    if not CoursePage.objects.filter(code=QUIZ_COURSE).exists():
        raise DemoAssessmentsError(
            f"The demo course {QUIZ_COURSE} is missing: seed the catalogue first."
        )
    competencies = {
        item.code: item for item in Competency.objects.filter(framework=framework)
    }
    bank, _ = QuestionBank.objects.get_or_create(
        code=bank_data["code"],
        defaults={
            "title": bank_data["title"],
            "description": bank_data["description"],
            "framework": framework,
            "owner": owner,
        },
    )
    summary = questions_import(bank=bank, content=QUESTIONS_CSV.read_bytes())
    area = data["placement"]["area"]
    created = [
        _assessment(
            Plan.from_data(data["placement"]),
            bank=bank,
            competencies=competencies,
            owner=owner,
            kind=Assessment.Kind.PLACEMENT,
            area=competencies[area],
        )
    ]
    quizzes = quiz_plans()
    for code, plan in quizzes.items():
        course = CoursePage.objects.filter(code=code).first()
        if course is None:  # only QUIZ_COURSE is required, checked above
            continue
        created.append(
            _assessment(
                plan,
                bank=bank,
                competencies=competencies,
                owner=owner,
                kind=Assessment.Kind.COURSE,
                course=course,
            )
        )
        _require_assessments(course, owner=owner)
    if not any(created) and not summary.created:
        return "Demo assessments: already there."
    others = [code for code in quizzes if code != QUIZ_COURSE]
    return (
        f"Demo assessments: {summary.created} questions in {bank.code}, a placement "
        f"test on {area} and the end-of-course quizzes of {QUIZ_COURSE} "
        f"and {', '.join(others)}."
    )


def _require_assessments(course: CoursePage, *, owner) -> None:
    """Completing `course` needs its required assessments passed, not only lessons."""
    if course.completion_rule != CoursePage.CompletionRule.LESSONS_AND_ASSESSMENTS:
        # Through a published revision, so a later publish of the page keeps the
        # rule; the seed publishes for the instructor, as in demo.catalogue.
        course.completion_rule = CoursePage.CompletionRule.LESSONS_AND_ASSESSMENTS
        course.save_revision(user=owner).publish(
            user=owner, skip_permission_checks=True
        )


def _assessment(plan: Plan, *, bank, competencies, owner, kind, **where) -> bool:
    """Create the planned assessment unless it exists; True if it was created."""
    if Assessment.objects.filter(kind=kind, title=plan.title, **where).exists():
        return False
    assessment = Assessment(
        kind=kind,
        title=plan.title,
        title_en=plan.title_en,
        instructions=plan.instructions,
        time_limit_minutes=plan.time_limit_minutes,
        attempts_allowed=plan.attempts_allowed,
        pass_mark_percent=plan.pass_mark_percent,
        feedback_policy=Assessment.FeedbackPolicy.AFTER_LAST_ATTEMPT,
        is_published=True,
        owner=owner,
        **where,
    )
    assessment.full_clean()
    assessment.save()
    for order, (code, count) in enumerate(plan.rules):
        AssessmentRule.objects.create(
            assessment=assessment,
            bank=bank,
            competency=competencies[code],
            count=count,
            sort_order=order,
        )
    return True
