"""What courses holds about a learner, for their download (see academy/accounts/privacy.py).

Enrolments, progress, completions and attempts name no one by themselves: they point
at the account, which retention anonymises. They stay, so that course statistics and
item analysis keep their numbers; nothing here needs anonymising.
"""

from django.apps import apps

from academy.accounts.privacy import DataSubject, export_section


def _iso(value):
    return value.isoformat() if value else None


@export_section("enrolments")
def enrolments_section(subject: DataSubject) -> list[dict]:
    Enrolment = apps.get_model("courses", "Enrolment")
    LessonProgress = apps.get_model("courses", "LessonProgress")
    enrolments = (
        Enrolment.objects.filter(user=subject.user)
        .select_related("course")
        .order_by("enrolled_at", "pk")
    )
    progress: dict[int, list[dict]] = {}
    for row in (
        LessonProgress.objects.filter(enrolment__user=subject.user)
        .select_related("lesson")
        .order_by("first_viewed_at", "pk")
    ):
        progress.setdefault(row.enrolment_id, []).append(
            {
                "lesson": row.lesson.title,
                "status": row.status,
                "first_viewed_at": _iso(row.first_viewed_at),
                "completed_at": _iso(row.completed_at),
            }
        )
    return [
        {
            "course": enrolment.course.title,
            "status": enrolment.status,
            "source": enrolment.source,
            "enrolled_at": _iso(enrolment.enrolled_at),
            "completed_at": _iso(enrolment.completed_at),
            "withdrawn_at": _iso(enrolment.withdrawn_at),
            "lessons": progress.get(enrolment.pk, []),
        }
        for enrolment in enrolments
    ]


@export_section("attempts")
def attempts_section(subject: DataSubject) -> list[dict]:
    try:
        Attempt = apps.get_model("courses", "Attempt")
    except LookupError:  # assessments not installed
        return []
    attempts = (
        Attempt.objects.filter(user=subject.user)
        .select_related("assessment")
        .order_by("started_at", "pk")
    )
    return [
        {
            "assessment": attempt.assessment.title,
            "number": attempt.number,
            "status": attempt.status,
            "started_at": _iso(attempt.started_at),
            "submitted_at": _iso(attempt.submitted_at),
            "score": str(attempt.score) if attempt.score is not None else None,
            "max_score": str(attempt.max_score)
            if attempt.max_score is not None
            else None,
            "percent": str(attempt.percent) if attempt.percent is not None else None,
            "passed": attempt.passed,
            "responses": attempt.responses,
        }
        for attempt in attempts
    ]
