"""Issuing under concurrency, on PostgreSQL: one certificate, unique gap-free numbers."""

import threading

from django.db import connection, connections

import pytest

from certificates.models import Certificate, CertificateNumberCounter
from certificates.services import certificate_issue
from tests.certificates.certificate_helpers import complete_course, due_for_renewal
from tests.site import site_tree

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
]


@pytest.fixture(autouse=True)
def _postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrency needs PostgreSQL row locks (SQLite serialises writers, so "
            "threads would only test its lock timeout): run with "
            "DATABASE_URL=postgres://..."
        )
    site_tree()


def _in_threads(work, items):
    """Run work(item) for every item at once; return results or raise the first error."""
    barrier = threading.Barrier(len(items))
    results, errors = [None] * len(items), []

    def run(position, item):
        try:
            barrier.wait(timeout=30)
            results[position] = work(item)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(position, item))
        for position, item in enumerate(items)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    if errors:
        raise errors[0]
    return results


def test_concurrent_issues_of_one_completion_give_one_certificate(
    learner, governance_course
):
    completion = complete_course(learner, governance_course)

    certificates = _in_threads(
        lambda _: certificate_issue(completion=completion), range(6)
    )

    assert len({c.pk for c in certificates}) == 1
    assert Certificate.objects.count() == 1
    assert Certificate.objects.get().status == Certificate.Status.VALID
    assert CertificateNumberCounter.objects.get().last_value == 1


def test_concurrent_issues_give_unique_gap_free_numbers(
    make_learner, governance_course
):
    completions = [
        complete_course(make_learner(), governance_course) for _ in range(10)
    ]

    _in_threads(
        lambda completion: certificate_issue(completion=completion), completions
    )

    numbers = list(Certificate.objects.values_list("number", flat=True))
    assert sorted(int(number.rsplit("-", 1)[1]) for number in numbers) == list(
        range(1, 11)
    )
    indexes = list(Certificate.objects.values_list("status_list_index", flat=True))
    assert len(set(indexes)) == 10  # distinct, though chosen at random
    assert CertificateNumberCounter.objects.get().last_value == 10


def test_two_concurrent_completions_of_a_course_leave_one_valid_certificate(
    learner, recert_course
):
    first = complete_course(learner, recert_course)
    due_for_renewal(learner, recert_course)
    second = complete_course(learner, recert_course)

    _in_threads(
        lambda completion: certificate_issue(completion=completion), [first, second]
    )

    older = Certificate.objects.get(completion=first)
    newer = Certificate.objects.get(completion=second)
    assert newer.status == Certificate.Status.VALID
    assert older.status == Certificate.Status.SUPERSEDED
    assert older.superseded_by_id == newer.pk
