"""Demo assessments for `seed_demo`: a question bank, a placement test and a course quiz.

The questions come from courses/data/demo_questions.csv through the same import an
instructor uses (courses.assessments.services.questions_import), so the demo file is
also a worked example of the CSV format. Everything here is idempotent: a second run
updates the questions by external id and finds the assessments already there.
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from competencies.models import Competency, Framework

from .assessments.services import questions_import
from .models import Assessment, AssessmentRule, CoursePage, QuestionBank

QUESTIONS_CSV = Path(__file__).resolve().parent / "data" / "demo_questions.csv"
BANK_CODE = "demo-gov-2567"
FRAMEWORK_CODE = "acd-digital"
PLACEMENT_AREA = "ACD-GOV"
QUIZ_COURSE = "GOV-201"
# Courses staff are told to take (DGA-100 is mandatory for newcomers, DGA-103 is the
# demo's assignment): each requires its end-of-course quiz to be passed.
MANDATORY_QUIZ_COURSES = ("DGA-100", "DGA-103")


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


PLACEMENT = Plan(
    title="แบบวัดระดับก่อนเรียน: การกำกับดูแลดิจิทัล",
    title_en="Placement test: digital governance",
    instructions=(
        "ตอบคำถามด้านกฎหมายดิจิทัลและธรรมาภิบาลข้อมูล เพื่อบันทึกระดับสมรรถนะที่วัดได้ "
        "โดยไม่ต้องลงเรียนหลักสูตร คำตอบจะถูกบันทึกระหว่างทำ"
    ),
    rules=(("ACD-GOV-01", 4), ("ACD-GOV-02", 4)),
    time_limit_minutes=20,
    attempts_allowed=2,
    pass_mark_percent=60,
)
QUIZ = Plan(
    title="แบบทดสอบท้ายหลักสูตร: การคุ้มครองข้อมูลส่วนบุคคล",
    title_en="End-of-course quiz: personal data protection",
    instructions="ต้องผ่านร้อยละ 70 จึงจะสำเร็จหลักสูตร ทำได้ 3 ครั้ง",
    rules=(("ACD-GOV-01", 5),),
    time_limit_minutes=15,
    attempts_allowed=3,
    pass_mark_percent=70,
)

# Three questions an attempt, two attempts, from pools of six: each attempt can draw
# questions the other did not (no pool-size warning in the authoring screens).
MANDATORY_QUIZZES = {
    "DGA-100": Plan(
        title="แบบทดสอบท้ายหลักสูตร: ปฐมนิเทศดิจิทัล",
        title_en="End-of-course quiz: digital induction",
        instructions="ต้องผ่านร้อยละ 60 จึงจะสำเร็จหลักสูตร ทำได้ 2 ครั้ง",
        rules=(("ACD-LIT-01", 3),),
        time_limit_minutes=10,
        attempts_allowed=2,
        pass_mark_percent=60,
    ),
    "DGA-103": Plan(
        title="แบบทดสอบท้ายหลักสูตร: สุขอนามัยไซเบอร์",
        title_en="End-of-course quiz: cyber hygiene",
        instructions="ต้องผ่านร้อยละ 60 จึงจะสำเร็จหลักสูตร ทำได้ 2 ครั้ง",
        rules=(("ACD-CYBER-01", 3),),
        time_limit_minutes=10,
        attempts_allowed=2,
        pass_mark_percent=60,
    ),
}


@transaction.atomic
def assessments_seed(*, owner=None) -> str:
    """Load the demo bank and create the two demo assessments; return a summary line."""
    framework = Framework.objects.filter(
        code=FRAMEWORK_CODE, status=Framework.Status.ACTIVE
    ).first()
    if framework is None:
        raise DemoAssessmentsError(
            f"The {FRAMEWORK_CODE} framework is not active: run load_standards first."
        )
    course = CoursePage.objects.filter(code=QUIZ_COURSE).first()
    if course is None:
        raise DemoAssessmentsError(
            f"The demo course {QUIZ_COURSE} is missing: seed the catalogue first."
        )
    competencies = {
        item.code: item for item in Competency.objects.filter(framework=framework)
    }
    bank, _ = QuestionBank.objects.get_or_create(
        code=BANK_CODE,
        defaults={
            "title": "คลังข้อสอบตัวอย่าง: การกำกับดูแลดิจิทัล",
            "description": "คำถามตัวอย่างด้านกฎหมายดิจิทัลและธรรมาภิบาลข้อมูล",
            "framework": framework,
            "owner": owner,
        },
    )
    summary = questions_import(bank=bank, content=QUESTIONS_CSV.read_bytes())
    created = [
        _assessment(
            PLACEMENT,
            bank=bank,
            competencies=competencies,
            owner=owner,
            kind=Assessment.Kind.PLACEMENT,
            area=competencies[PLACEMENT_AREA],
        ),
        _assessment(
            QUIZ,
            bank=bank,
            competencies=competencies,
            owner=owner,
            kind=Assessment.Kind.COURSE,
            course=course,
        ),
    ]
    _require_assessments(course, owner=owner)
    for code, plan in MANDATORY_QUIZZES.items():
        mandatory = CoursePage.objects.filter(code=code).first()
        if mandatory is None:
            continue
        created.append(
            _assessment(
                plan,
                bank=bank,
                competencies=competencies,
                owner=owner,
                kind=Assessment.Kind.COURSE,
                course=mandatory,
            )
        )
        _require_assessments(mandatory, owner=owner)
    if not any(created) and not summary.created:
        return "Demo assessments: already there."
    return (
        f"Demo assessments: {summary.created} questions in {bank.code}, a placement "
        f"test on {PLACEMENT_AREA} and the end-of-course quizzes of {QUIZ_COURSE} "
        f"and {', '.join(MANDATORY_QUIZZES)}."
    )


def _require_assessments(course: CoursePage, *, owner) -> None:
    """Completing `course` needs its required assessments passed, not only lessons."""
    if course.completion_rule != CoursePage.CompletionRule.LESSONS_AND_ASSESSMENTS:
        # Through a published revision, so a later publish of the page keeps the
        # rule; the seed publishes for the instructor, as in courses.demo.
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
