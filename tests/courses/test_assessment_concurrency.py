"""Submitting one attempt from several tabs at once, on PostgreSQL: graded once."""

import threading

from django.db import connection, connections

import pytest

from competencies.models import Evidence
from courses.assessments.services import attempt_start, attempt_submit
from courses.models import Attempt
from courses.services import enrolment_create
from tests.courses.assessment_helpers import answers, make_assessment, make_bank, single
from tests.factories import PlacementFactory, UserFactory, competency, course, org_unit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrency needs PostgreSQL row locks (SQLite serialises writers, so "
            "threads would only test its lock timeout): run with "
            "DATABASE_URL=postgres://..."
        )


def _in_threads(work, count):
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(position):
        try:
            barrier.wait(timeout=30)
            results[position] = work()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    if errors:
        raise errors[0]
    return results


def test_concurrent_submissions_of_one_attempt_grade_it_once(standards):
    framework = standards["acd-digital"]
    gov02 = competency(framework, "ACD-GOV-02")
    user = UserFactory()
    PlacementFactory(unit=org_unit("M01", kind="ministry"), person__user=user)
    page = course("หลักสูตร", slug="c", competencies=[(gov02, 2)])
    bank = make_bank(framework)
    for n in range(4):
        single(bank, gov02, 2, f"C{n}")
    quiz = make_assessment(course=page, rules=[(bank, gov02, 4)])
    enrolment_create(user=user, course=page)
    attempt = attempt_start(user=user, assessment=quiz)
    responses = answers(attempt)

    graded = _in_threads(
        lambda: attempt_submit(
            attempt=Attempt.objects.get(pk=attempt.pk), responses=responses
        ),
        8,
    )

    assert {item.submitted_at for item in graded} == {graded[0].submitted_at}
    assert all(item.passed for item in graded)
    assert Evidence.objects.filter(reference=f"attempt:{attempt.pk}").count() == 1
    assert Attempt.objects.get().status == Attempt.Status.SUBMITTED


def test_concurrent_starts_make_one_attempt(standards):
    framework = standards["acd-digital"]
    gov02 = competency(framework, "ACD-GOV-02")
    user = UserFactory()
    bank = make_bank(framework)
    for n in range(3):
        single(bank, gov02, 1, f"S{n}")
    quiz = make_assessment(area=gov02.parent, rules=[(bank, gov02, 3)])

    started = _in_threads(lambda: attempt_start(user=user, assessment=quiz), 6)

    assert len({attempt.pk for attempt in started}) == 1
    assert Attempt.objects.count() == 1
