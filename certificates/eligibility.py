"""Which course completions earn a certificate, and why: the one home of the rule.

As Open edX's certificate generation handler does, issuing asks here first. The rule:
a completion earns a certificate when it is the recorded end of an enrolment that was
completed, which the courses app writes only once the course's completion rule was met
(every lesson, and under "lessons and assessments" a pass of each required assessment
in the same enrolment cycle: courses.selectors.enrolment_cycle_start). Each completion
earns its own certificate; a learner's newer completion of a course supersedes the
certificate of the older one (certificates.services), so a renewal is a new
certificate, not an extension.

The reasons are for the operators' logs and the tests, not shown to learners.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from courses.models import CourseCompletion, CoursePage, Enrolment


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[str, ...]  # why it is earned, or why not

    def __bool__(self) -> bool:
        return self.eligible


def certificate_eligibility(*, completion: CourseCompletion) -> Eligibility:
    """Whether the completion earns a certificate, with the reasons."""
    enrolment, course = completion.enrolment, completion.course
    if enrolment.status != Enrolment.Status.COMPLETED:
        return Eligibility(
            eligible=False,
            reasons=(
                f"enrolment {enrolment.pk} is {enrolment.status}, not completed: the "
                "course's completion rule was not met in it",
            ),
        )
    if course.completion_rule != CoursePage.CompletionRule.LESSONS_AND_ASSESSMENTS:
        rule = "every lesson done"
    elif course.attempts_carry_over:
        rule = "every lesson done and each required assessment passed"
    else:
        rule = (
            "every lesson done and each required assessment passed in this "
            "enrolment cycle"
        )
    validity = (
        f"valid for {course.certificate_validity_months} months"
        if course.certificate_validity_months
        else "does not expire"
    )
    return Eligibility(
        eligible=True,
        reasons=(
            f"completed {course.code or course.pk} on "
            f"{timezone.localdate(completion.completed_at).isoformat()}: {rule}",
            f"the certificate {validity}",
        ),
    )


def eligible_completions(
    completions: QuerySet[CourseCompletion],
) -> QuerySet[CourseCompletion]:
    """The same rule as certificate_eligibility, as a filter over many completions."""
    return completions.filter(enrolment__status=Enrolment.Status.COMPLETED)
