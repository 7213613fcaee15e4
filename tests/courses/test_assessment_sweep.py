"""The Celery beat sweep that grades timed attempts abandoned mid-way."""

from datetime import timedelta
from unittest import mock

from django.utils import timezone

import pytest

from competencies.models import Evidence
from courses.assessments import services
from courses.assessments.services import (
    LATE_GRACE,
    attempt_save_answers,
    attempt_start,
    attempts_close_expired,
)
from courses.assessments.tasks import attempts_close_expired as sweep_task
from courses.models import Attempt
from tests.courses.assessment_helpers import answers, make_assessment, make_bank, single
from tests.factories import PlacementFactory, UserFactory, competency, org_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def gov02(framework_academy):
    return competency(framework_academy, "ACD-GOV-02")


@pytest.fixture
def placement_test(framework_academy, gov02):
    bank = make_bank(framework_academy)
    for n in range(4):
        single(bank, gov02, 2, f"Q{n}")
    return make_assessment(
        area=gov02.parent, rules=[(bank, gov02, 4)], time_limit_minutes=10
    )


def _learner(n: int):
    user = UserFactory(email=f"away{n}@example.go.th")
    PlacementFactory(unit=org_unit(f"AWAY{n}", kind="ministry"), person__user=user)
    return user


def test_an_abandoned_attempt_is_graded_with_its_saved_answers(placement_test):
    learner = _learner(1)
    start = timezone.now() - timedelta(minutes=30)
    attempt = attempt_start(user=learner, assessment=placement_test, now=start)
    attempt_save_answers(attempt=attempt, responses=answers(attempt), now=start)

    report = attempts_close_expired()

    attempt.refresh_from_db()
    assert (report.closed, report.failed) == (1, 0)
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.auto_submitted
    assert attempt.percent == 100 and attempt.passed
    assert Evidence.objects.filter(
        person__user=learner, source=Evidence.Source.ASSESSMENT
    ).exists()
    # Nothing left to do: a second sweep changes nothing.
    assert attempts_close_expired().closed == 0
    assert Evidence.objects.filter(person__user=learner).count() == 1


def test_attempts_still_in_time_or_untimed_are_left_alone(placement_test, gov02):
    in_time = attempt_start(user=_learner(1), assessment=placement_test)
    # Past the deadline but inside the grace a late submission still gets.
    now = timezone.now()
    in_grace = attempt_start(
        user=_learner(2),
        assessment=placement_test,
        now=now - timedelta(minutes=10) - LATE_GRACE / 2,
    )
    untimed_test = make_assessment(
        area=gov02.parent,
        rules=[(placement_test.rules.get().bank, gov02, 2)],
        title="ไม่จำกัดเวลา",
    )
    untimed = attempt_start(
        user=_learner(3), assessment=untimed_test, now=now - timedelta(days=30)
    )

    assert attempts_close_expired(now=now).closed == 0
    for attempt in (in_time, in_grace, untimed):
        attempt.refresh_from_db()
        assert attempt.status == Attempt.Status.IN_PROGRESS


def test_one_failure_does_not_stop_the_sweep(placement_test):
    start = timezone.now() - timedelta(hours=1)
    first = attempt_start(user=_learner(1), assessment=placement_test, now=start)
    second = attempt_start(user=_learner(2), assessment=placement_test, now=start)
    real = services.attempt_close_if_expired

    def flaky(*, attempt, now=None):
        if attempt.pk == first.pk:
            raise RuntimeError("grading failed")
        return real(attempt=attempt, now=now)

    with mock.patch.object(services, "attempt_close_if_expired", flaky):
        report = attempts_close_expired()
    assert (report.closed, report.failed) == (1, 1)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Attempt.Status.IN_PROGRESS
    assert second.status == Attempt.Status.SUBMITTED


def test_the_sweep_takes_the_oldest_first_and_stops_at_its_limit(placement_test):
    now = timezone.now()
    attempts = [
        attempt_start(
            user=_learner(n), assessment=placement_test, now=now - timedelta(hours=n)
        )
        for n in (1, 2, 3)
    ]
    assert attempts_close_expired(now=now, limit=2).closed == 2
    statuses = [Attempt.objects.get(pk=a.pk).status for a in attempts]
    assert statuses == ["in_progress", "submitted", "submitted"]


def test_the_task_reports_what_it_did(placement_test):
    attempt_start(
        user=_learner(1),
        assessment=placement_test,
        now=timezone.now() - timedelta(hours=1),
    )
    assert sweep_task.apply().get() == {"closed": 1, "failed": 0}
