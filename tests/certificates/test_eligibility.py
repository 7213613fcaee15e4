"""Certificate eligibility (certificates.eligibility): which completions earn a
certificate and why, asked by the issuing code and by the sweep for missing ones."""

import pytest

from certificates.eligibility import certificate_eligibility, eligible_completions
from certificates.models import Certificate
from certificates.selectors import completion_ids_without_certificate
from certificates.services import CertificateNotEarnedError, certificate_issue
from courses.models import CourseCompletion, CoursePage, Enrolment
from tests.certificates.certificate_helpers import backdate, complete_course

pytestmark = pytest.mark.django_db


def test_a_completed_course_earns_a_certificate_and_says_why(
    make_learner, recert_course
):
    completion = complete_course(make_learner(), recert_course)

    eligibility = certificate_eligibility(completion=completion)

    assert eligibility.eligible
    assert "every lesson done" in eligibility.reasons[0]
    assert eligibility.reasons[1] == "the certificate valid for 24 months"


def test_under_lessons_and_assessments_the_reason_names_the_enrolment_cycle(
    make_learner, recert_course
):
    completed = complete_course(make_learner(), recert_course)
    CoursePage.objects.filter(pk=recert_course.pk).update(
        completion_rule=CoursePage.CompletionRule.LESSONS_AND_ASSESSMENTS
    )
    completion = CourseCompletion.objects.get(pk=completed.pk)

    (reason, _validity) = certificate_eligibility(completion=completion).reasons

    assert reason.endswith("passed in this enrolment cycle")


def test_a_completion_whose_enrolment_is_not_completed_earns_none(
    make_learner, recert_course
):
    completion = backdate(complete_course(make_learner(), recert_course), days=1)
    Enrolment.objects.filter(pk=completion.enrolment_id).update(
        status=Enrolment.Status.ACTIVE
    )
    completion.refresh_from_db()

    eligibility = certificate_eligibility(completion=completion)
    assert not eligibility.eligible
    assert "not completed" in eligibility.reasons[0]
    with pytest.raises(CertificateNotEarnedError):
        certificate_issue(completion=completion)
    assert not Certificate.objects.exists()
    assert completion.pk not in completion_ids_without_certificate()


def test_the_filter_and_the_function_state_the_same_rule(make_learner, recert_course):
    earned = complete_course(make_learner(), recert_course)
    not_earned = complete_course(make_learner(), recert_course)
    Enrolment.objects.filter(pk=not_earned.enrolment_id).update(
        status=Enrolment.Status.ACTIVE
    )

    by_filter = set(
        eligible_completions(CourseCompletion.objects.all()).values_list(
            "pk", flat=True
        )
    )
    by_function = {
        completion.pk
        for completion in CourseCompletion.objects.select_related("enrolment", "course")
        if certificate_eligibility(completion=completion)
    }

    assert by_filter == by_function == {earned.pk}
