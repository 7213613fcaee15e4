"""Issuing: once per completion, numbered, snapshotted, dated, superseded on retake."""

import json
from datetime import UTC, datetime
from decimal import Decimal

from django.utils import timezone

import pytest

from certificates import conf, services, tasks
from certificates.models import Certificate, CertificateNumberCounter, StatusList
from certificates.services import add_months, certificate_issue
from courses.models import CourseCompletion
from courses.signals import course_completed
from tests.certificates.certificate_helpers import (
    complete_course,
    due_for_renewal,
    issue,
    set_completed_at,
)

pytestmark = pytest.mark.django_db


def test_certificate_issue_is_idempotent(learner, governance_course):
    completion = complete_course(learner, governance_course)

    first = certificate_issue(completion=completion)
    again = certificate_issue(completion=completion)

    assert again.pk == first.pk
    assert Certificate.objects.count() == 1
    assert CertificateNumberCounter.objects.get().last_value == 1


def test_completing_a_course_issues_its_certificate_after_commit(
    learner, governance_course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        completion = complete_course(learner, governance_course)
        assert not Certificate.objects.exists()  # nothing before commit

    assert callbacks  # the courses app's signal, then our task, on commit
    certificate = Certificate.objects.get(completion=completion)
    assert certificate.status == Certificate.Status.VALID
    assert certificate.pdf and certificate.credential_json


def test_repeated_signals_issue_one_certificate(
    learner, governance_course, django_capture_on_commit_callbacks
):
    completion = complete_course(learner, governance_course)

    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            course_completed.send(sender=CourseCompletion, completion=completion)

    assert Certificate.objects.filter(completion=completion).count() == 1
    assert CertificateNumberCounter.objects.get().last_value == 1


def test_repeated_task_deliveries_issue_one_certificate(learner, governance_course):
    completion = complete_course(learner, governance_course)

    numbers = {
        tasks.certificate_issue.apply(args=[completion.pk]).get() for _ in range(3)
    }

    assert len(numbers) == 1
    assert Certificate.objects.count() == 1


def test_issue_task_survives_worker_loss_by_configuration():
    task = tasks.certificate_issue
    assert task.name == "certificates.tasks.certificate_issue"
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert task.autoretry_for


def test_number_has_prefix_buddhist_year_and_sequence(learner, governance_course):
    completion = set_completed_at(
        complete_course(learner, governance_course),
        datetime(2026, 11, 22, 3, 0, tzinfo=UTC),
    )

    certificate = certificate_issue(completion=completion)

    assert certificate.number == "DGA-2569-000001"
    assert certificate.issued_on.isoformat() == "2026-11-22"


def test_numbers_follow_on_without_gaps(make_learner, governance_course):
    numbers = [issue(make_learner(), governance_course).number for _ in range(4)]

    assert [int(number.rsplit("-", 1)[1]) for number in numbers] == [1, 2, 3, 4]


def test_public_id_is_random_uuid4(learner, governance_course):
    certificate = issue(learner, governance_course)

    assert certificate.public_id.version == 4
    assert str(certificate.public_id) not in certificate.number


def test_certificate_keeps_the_learner_and_course_as_issued(
    make_learner, governance_course
):
    user = make_learner(first_th="ญาณิศา", last_th="ศรีสุข")
    certificate = issue(user, governance_course)

    user.person.first_name_th = "เปลี่ยนชื่อ"
    user.person.save()
    governance_course.title = "ชื่อใหม่"
    governance_course.save()
    certificate.refresh_from_db()

    assert certificate.name_th == "นางสาวญาณิศา ศรีสุข"
    assert certificate.name_en == "Ms Yanisa Srisuk"
    assert certificate.position_th == "นักวิชาการคอมพิวเตอร์ชำนาญการ"
    assert certificate.organisation_th == "กระทรวงดิจิทัลทดสอบ"
    assert certificate.course_title_th == "การกำกับดูแลข้อมูลภาครัฐ"
    assert certificate.learning_hours == Decimal("6.0")
    assert [item["code"] for item in certificate.competencies] == ["ACD-GOV-02"]
    assert certificate.competencies[0]["level_rank"] == 3


def test_validity_runs_for_the_course_months(learner, recert_course):
    completion = set_completed_at(
        complete_course(learner, recert_course),
        datetime(2026, 1, 31, 3, 0, tzinfo=UTC),
    )

    certificate = certificate_issue(completion=completion)

    assert certificate.valid_from == completion.completed_at
    assert certificate.valid_until == datetime(2028, 1, 31, 3, 0, tzinfo=UTC)


def test_certificate_without_validity_does_not_expire(learner, governance_course):
    certificate = issue(learner, governance_course)

    assert certificate.valid_until is None
    assert certificate.verification_state == "valid"


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (datetime(2026, 1, 31), 1, datetime(2026, 2, 28)),
        (datetime(2027, 12, 31), 2, datetime(2028, 2, 29)),
        (datetime(2026, 11, 22), 24, datetime(2028, 11, 22)),
    ],
)
def test_add_months_keeps_the_day_or_ends_the_month(start, months, end):
    assert add_months(start, months) == end


def test_recertification_supersedes_the_older_certificate(learner, recert_course):
    old = issue(learner, recert_course)
    due_for_renewal(learner, recert_course)

    new = issue(learner, recert_course)
    old.refresh_from_db()

    assert new.status == Certificate.Status.VALID
    assert old.status == Certificate.Status.SUPERSEDED
    assert old.superseded_by == new
    assert old.verification_state == "superseded"


def test_older_completion_issued_late_is_superseded_at_once(learner, recert_course):
    first_completion = complete_course(learner, recert_course)
    due_for_renewal(learner, recert_course)
    second_completion = complete_course(learner, recert_course)
    newer = certificate_issue(completion=second_completion)

    older = certificate_issue(completion=first_completion)
    newer.refresh_from_db()

    assert newer.status == Certificate.Status.VALID
    assert older.status == Certificate.Status.SUPERSEDED
    assert older.superseded_by == newer


def test_a_reserved_certificate_is_finished_by_the_next_attempt(
    learner, governance_course
):
    # As after a worker died between reserving and storing the certificate.
    completion = complete_course(learner, governance_course)
    reserved = services._certificate_reserve(completion=completion)
    assert reserved.status == Certificate.Status.PENDING

    finished = certificate_issue(completion=completion)

    assert finished.pk == reserved.pk
    assert finished.number == reserved.number
    assert finished.status == Certificate.Status.VALID
    assert CertificateNumberCounter.objects.get().last_value == 1


def test_status_list_indexes_are_distinct(make_learner, governance_course):
    certificates = [issue(make_learner(), governance_course) for _ in range(3)]

    indexes = {c.status_list_index for c in certificates}
    status_list = StatusList.objects.get()
    assert len(indexes) == 3
    assert all(0 <= index < status_list.size for index in indexes)
    assert status_list.next_index == 3  # indexes given out
    assert status_list.size >= 131_072


def test_status_list_indexes_are_random_not_in_issue_order(
    client, make_learner, governance_course
):
    certificates = [issue(make_learner(), governance_course) for _ in range(3)]

    published = [
        json.loads(client.get(f"/credentials/{c.public_id}.json").content)[
            "credentialStatus"
        ]
        for c in certificates
    ]
    indexes = [int(status["statusListIndex"]) for status in published]
    # In issue order they were 0, 1, 2; at random, that is a 1 in ~10^15 chance.
    assert indexes != [0, 1, 2]
    assert len(set(indexes)) == 3


def test_a_taken_status_index_is_never_given_twice(
    make_learner, governance_course, monkeypatch
):
    from certificates import services

    first = issue(make_learner(), governance_course)
    picks = iter([first.status_list_index, first.status_list_index, 7])
    monkeypatch.setattr(services.secrets, "randbelow", lambda n: next(picks))

    second = issue(make_learner(), governance_course)

    assert second.status_list_index == 7


def test_a_nearly_full_list_still_finds_a_free_index(
    make_learner, governance_course, monkeypatch
):
    from certificates import services

    first = issue(make_learner(), governance_course)
    monkeypatch.setattr(
        services.secrets, "randbelow", lambda n: first.status_list_index
    )

    second = issue(make_learner(), governance_course)

    assert second.status_list_index != first.status_list_index


def test_a_full_status_list_opens_the_next(make_learner, governance_course):
    issue(make_learner(), governance_course)
    StatusList.objects.update(next_index=131_072)

    certificate = issue(make_learner(), governance_course)

    assert StatusList.objects.count() == 2
    assert certificate.status_list_id == StatusList.objects.last().pk
    assert 0 <= certificate.status_list_index < StatusList.objects.last().size


def test_production_without_a_signing_key_refuses_to_issue(
    learner, governance_course, monkeypatch
):
    monkeypatch.setattr(conf, "is_dev_or_test", lambda: False)
    completion = complete_course(learner, governance_course)

    with pytest.raises(services.SigningKeyMissingError, match="issuer_keys generate"):
        certificate_issue(completion=completion)


def test_test_delay_hook_is_ignored_outside_test_settings(monkeypatch):
    monkeypatch.setenv(conf.ISSUE_DELAY_ENV, "30")
    monkeypatch.setattr(conf, "test_hooks_enabled", lambda: False)
    started = timezone.now()

    services._test_delay()

    assert (timezone.now() - started).total_seconds() < 1
