"""Development outside the Academy: learners submit, HR officers of their unit decide,
approved hours count, a rating becomes verified evidence, and nobody else gets in."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest

from academy.accounts.models import AuditEntry
from competencies.development.services import (
    development_record_approve,
    development_record_reject,
    development_record_submit,
)
from competencies.models import DevelopmentRecord, Evidence
from competencies.selectors import person_profile
from courses.development.selectors import development_hours
from courses.models import CourseCompletion
from courses.selectors import lessons_of
from courses.services import enrolment_create, lesson_complete
from tests.factories import PlacementFactory, UserFactory, course, hr_officer, level
from tests.queries import one_and_fifty, page_queries

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name="certificate.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def _submit(user, *, hours="6", starts=date(2026, 11, 2), ends=None, **fields):
    return development_record_submit(
        person=user.person,
        actor=user,
        kind=fields.pop("kind", DevelopmentRecord.Kind.TRAINING),
        title=fields.pop("title", "อบรมการวิเคราะห์ข้อมูล"),
        provider=fields.pop("provider", "สำนักงาน ก.พ."),
        starts_on=starts,
        ends_on=ends or starts,
        hours=Decimal(hours),
        evidence_file=fields.pop("evidence_file", None),
    )


def _form(**overrides):
    data = {
        "kind": "training",
        "title": "ศึกษาดูงานศูนย์ข้อมูล",
        "provider": "กรมการปกครอง",
        "starts_on": "2026-11-02",
        "ends_on": "2026-11-03",
        "hours": "12",
    }
    data.update(overrides)
    return data


# ------------------------------------------------------------------------------
# Submitting
# ------------------------------------------------------------------------------


def test_a_learner_submits_a_record_with_evidence_from_their_page(client, hr_world):
    client.force_login(hr_world.learner_user)
    url = reverse("development:mine")
    response = client.post(url, {**_form(), "evidence_file": _pdf()})
    assert response.status_code == 302
    record = DevelopmentRecord.objects.get()
    assert record.person.user == hr_world.learner_user
    assert record.status == DevelopmentRecord.Status.SUBMITTED
    assert record.evidence_content_type == "application/pdf"
    assert record.evidence_file.read() == PDF
    assert AuditEntry.objects.filter(action="development_record.submit").exists()
    page = client.get(url).content.decode()
    assert "ศึกษาดูงานศูนย์ข้อมูล" in page and "รออนุมัติ" in page


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": "2026-11-01"}, "ends_on"),  # before the start
        ({"hours": "0"}, "hours"),
        ({"hours": "-3"}, "hours"),
        ({"hours": "30"}, "hours"),  # 30 hours in 2 days: more than 12 a day
        ({"hours": "2500", "ends_on": "2027-09-30"}, "hours"),  # above the ceiling
    ],
)
def test_bad_dates_and_hours_are_refused_naming_the_field(
    client, hr_world, overrides, field
):
    client.force_login(hr_world.learner_user)
    response = client.post(reverse("development:mine"), _form(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not DevelopmentRecord.objects.exists()


def test_a_file_that_is_not_what_it_claims_is_refused(client, hr_world):
    client.force_login(hr_world.learner_user)
    fake = SimpleUploadedFile(
        "certificate.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"
    )
    response = client.post(
        reverse("development:mine"), {**_form(), "evidence_file": fake}
    )
    assert "evidence_file" in response.context["form"].errors
    assert not DevelopmentRecord.objects.exists()


def test_the_service_refuses_bad_dates_and_a_record_for_someone_else(hr_world):
    with pytest.raises(ValidationError) as error:
        _submit(hr_world.learner_user, starts=date(2026, 11, 5), ends=date(2026, 11, 4))
    assert "ends_on" in error.value.message_dict
    other = UserFactory(email="other@example.go.th")
    PlacementFactory(unit=hr_world.unit, person__user=other)
    with pytest.raises(ValidationError):
        development_record_submit(
            person=hr_world.learner_user.person,
            actor=other,
            kind="coaching",
            title="x",
            provider="y",
            starts_on=date(2026, 11, 2),
            ends_on=date(2026, 11, 2),
            hours=Decimal("1"),
        )


# ------------------------------------------------------------------------------
# Deciding
# ------------------------------------------------------------------------------


def test_an_officer_approves_and_the_hours_count(client, hr_world):
    record = _submit(hr_world.learner_user, hours="7.5")
    client.force_login(hr_world.officer)
    url = reverse("hr:development_detail", args=[record.pk])
    assert "อบรมการวิเคราะห์ข้อมูล" in client.get(url).content.decode()
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == DevelopmentRecord.Status.APPROVED
    assert record.decided_by == hr_world.officer and record.decided_at
    assert AuditEntry.objects.filter(
        action="development_record.approve", subject_person_id=record.person_id
    ).exists()
    hours = development_hours(record.person, date(2026, 10, 1), date(2027, 9, 30))
    assert (hours.course, hours.external, hours.total) == (
        0,
        Decimal("7.5"),
        Decimal("7.5"),
    )


def test_a_rating_records_verified_evidence_that_raises_the_level(hr_world):
    person = hr_world.learner_user.person
    profile = person_profile(person, framework=hr_world.framework).frameworks[0]
    row = next(row for row in profile.rows if row.gap)
    record = _submit(hr_world.learner_user)
    development_record_approve(
        record=record,
        actor=hr_world.officer,
        competency=row.competency,
        level=level(hr_world.framework, row.required_rank),
    )
    record.refresh_from_db()
    evidence = record.competency_evidence
    assert evidence.source == Evidence.Source.PRIOR_LEARNING
    assert evidence.reference == f"development:{record.pk}"
    assert evidence.recorded_by == hr_world.officer
    assert Evidence.objects.verified().filter(pk=evidence.pk).exists()
    after = person_profile(person, framework=hr_world.framework).frameworks[0]
    assert next(r for r in after.rows if r.competency == row.competency).gap == 0


def test_a_rejection_needs_a_reason_the_learner_reads(client, hr_world):
    record = _submit(hr_world.learner_user)
    client.force_login(hr_world.officer)
    url = reverse("hr:development_detail", args=[record.pk])
    response = client.post(url, {"decision": "reject", "reason": ""})
    assert "reason" in response.context["form"].errors
    client.post(url, {"decision": "reject", "reason": "ไม่มีหลักฐานการเข้าอบรม"})
    record.refresh_from_db()
    assert record.status == DevelopmentRecord.Status.REJECTED
    client.force_login(hr_world.learner_user)
    assert (
        "ไม่มีหลักฐานการเข้าอบรม"
        in client.get(reverse("development:mine")).content.decode()
    )
    assert (
        development_hours(record.person, date(2026, 10, 1), date(2027, 9, 30)).total
        == 0
    )


def test_a_record_is_decided_once(hr_world):
    record = _submit(hr_world.learner_user)
    development_record_reject(record=record, actor=hr_world.officer, reason="ซ้ำ")
    with pytest.raises(ValidationError):
        development_record_approve(record=record, actor=hr_world.parent_officer)


# ------------------------------------------------------------------------------
# Who may
# ------------------------------------------------------------------------------


def test_another_organisations_officer_gets_404_everywhere(client, hr_world):
    record = _submit(hr_world.learner_user, evidence_file=_pdf())
    client.force_login(hr_world.sibling_officer)
    for name in ("hr:development_detail", "hr:development_file"):
        assert client.get(reverse(name, args=[record.pk])).status_code == 404
    response = client.post(
        reverse("hr:development_detail", args=[record.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    listing = client.get(reverse("hr:development_list") + "?status=all")
    assert "อบรมการวิเคราะห์ข้อมูล" not in listing.content.decode()
    with pytest.raises(ValidationError):
        development_record_approve(record=record, actor=hr_world.sibling_officer)
    record.refresh_from_db()
    assert record.status == DevelopmentRecord.Status.SUBMITTED


def test_a_learner_cannot_approve_their_own_record(client, hr_world):
    record = _submit(hr_world.learner_user)
    client.force_login(hr_world.learner_user)
    url = reverse("hr:development_detail", args=[record.pk])
    assert client.post(url, {"decision": "approve"}).status_code in (403, 404)
    with pytest.raises(ValidationError):
        development_record_approve(record=record, actor=hr_world.learner_user)
    record.refresh_from_db()
    assert record.status == DevelopmentRecord.Status.SUBMITTED


def test_an_officer_cannot_approve_their_own_record(client, hr_world):
    officer = hr_officer(hr_world.unit, email="hr-self@example.go.th")
    PlacementFactory(unit=hr_world.unit, person__user=officer)
    record = _submit(officer)
    client.force_login(officer)
    url = reverse("hr:development_detail", args=[record.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(url, {"decision": "approve"}).status_code == 403
    with pytest.raises(ValidationError):
        development_record_approve(record=record, actor=officer)
    development_record_approve(record=record, actor=hr_world.officer)  # another may


def test_the_evidence_file_reaches_only_its_owner_and_officers_in_scope(
    client, hr_world
):
    record = _submit(hr_world.learner_user, evidence_file=_pdf())
    mine = reverse("development:file_mine", args=[record.pk])
    client.force_login(hr_world.learner_user)
    response = client.get(mine)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "no-store"

    other = UserFactory(email="nosy@example.go.th")
    PlacementFactory(unit=hr_world.unit, person__user=other)
    client.force_login(other)
    assert client.get(mine).status_code == 404

    client.force_login(hr_world.parent_officer)
    assert (
        client.get(reverse("hr:development_file", args=[record.pk])).status_code == 200
    )
    client.force_login(hr_world.supervisor_user)  # a supervisor is no HR officer
    assert (
        client.get(reverse("hr:development_file", args=[record.pk])).status_code == 404
    )


# ------------------------------------------------------------------------------
# Hours
# ------------------------------------------------------------------------------


def test_development_hours_add_courses_and_approved_records_in_the_period(hr_world):
    user = hr_world.learner_user
    page = course("หลักสูตรในสถาบัน", slug="academy-course", lessons=1, learning_hours=3)
    enrolment_create(user=user, course=page)
    for lesson in lessons_of(page):
        lesson_complete(user=user, lesson=lesson)
    completed = CourseCompletion.objects.get(user=user)
    today = timezone.localdate(completed.completed_at)

    inside = _submit(user, hours="5", starts=today - timedelta(days=3), ends=today)
    development_record_approve(record=inside, actor=hr_world.officer)
    before = _submit(
        user,
        hours="8",
        starts=today - timedelta(days=40),
        ends=today - timedelta(days=30),
    )
    development_record_approve(record=before, actor=hr_world.officer)
    _submit(user, hours="9", starts=today, ends=today)  # submitted: does not count
    rejected = _submit(user, hours="4", starts=today, ends=today)
    development_record_reject(record=rejected, actor=hr_world.officer, reason="ซ้ำ")

    hours = development_hours(user.person, today - timedelta(days=7), today)
    assert hours.course == completed.learning_hours == Decimal("3")
    assert hours.external == Decimal("5")
    assert hours.total == Decimal("8")
    wide = development_hours(user.person, today - timedelta(days=60), today)
    assert wide.external == Decimal("13")


def test_development_hours_is_one_query(hr_world, django_assert_num_queries):
    with django_assert_num_queries(1):
        development_hours(hr_world.target, date(2026, 10, 1), date(2027, 9, 30))


# ------------------------------------------------------------------------------
# Query budgets
# ------------------------------------------------------------------------------


def test_development_pages_cost_the_same_for_1_and_50_records(client, hr_world):
    user = hr_world.learner_user
    made = []

    def grow(n):
        for _ in range(n):
            record = _submit(user, evidence_file=_pdf() if len(made) % 2 else None)
            made.append(record)
            if len(made) % 3 == 0:
                development_record_approve(record=record, actor=hr_world.officer)

    def count():
        counts = []
        client.force_login(user)
        counts.append(page_queries(client, reverse("development:mine")))
        client.force_login(hr_world.officer)
        counts.append(page_queries(client, reverse("hr:development_list")))
        counts.append(
            page_queries(client, reverse("hr:development_list") + "?status=all")
        )
        counts.append(
            page_queries(client, reverse("hr:development_detail", args=[made[0].pk]))
        )
        return counts

    one, fifty = one_and_fifty(grow, count)
    assert one == fifty
    assert max(fifty) <= 8
