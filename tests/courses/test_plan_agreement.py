"""Agreeing development plans: only real gaps and optional areas, a supervisor returns
with a comment, HR records a paper agreement with the signed form, supervisors see
only their staff's plans, HR invites a supervisor, and progress is shown by quarter."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

import pytest

from academy.accounts.models import AuditEntry
from academy.core.thaidate import fiscal_quarters, fiscal_year
from competencies.development.services import (
    development_record_approve,
    development_record_submit,
)
from competencies.models import Placement
from competencies.selectors import person_profile
from competencies.services import evidence_record
from courses.assignments.selectors import plan_view
from courses.assignments.services import plan_agree, plan_return, plan_save
from courses.development.selectors import (
    development_hours_by_quarter,
    plans_awaiting_supervisor,
)
from courses.models import CourseCompletion, DevelopmentPlan, PlanCourse
from tests.factories import PlacementFactory, UserFactory, level
from tests.queries import one_and_fifty, page_queries

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
YEAR = fiscal_year(timezone.localdate())


@pytest.fixture
def employee(hr_world):
    """A learner in V1 with an account, reporting to the world's supervisor."""
    user = UserFactory(email="staff@example.go.th")
    PlacementFactory(
        unit=hr_world.unit, supervisor=hr_world.supervisor, person__user=user
    )
    return user


def _profile(person):
    return person_profile(person).frameworks[0]


def _plan(person, competencies=None):
    profile = _profile(person)
    if competencies is None:
        competencies = [next(row for row in profile.rows if row.gap).competency]
    return plan_save(
        person=person,
        year=YEAR,
        profile=profile,
        competencies=list(competencies),
        courses=[],
        note="",
    )


def _pdf(name="signed.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


# ------------------------------------------------------------------------------
# Only real gaps and optional areas
# ------------------------------------------------------------------------------


def test_a_requirement_already_met_cannot_be_planned(hr_world, employee):
    person = employee.person
    row = next(row for row in _profile(person).rows if row.gap)
    evidence_record(
        person=person,
        competency=row.competency,
        level=level(row.competency.framework, row.required_rank),
        source="assessment",
        observed_on=timezone.localdate(),
    )
    met = next(r for r in _profile(person).rows if r.competency == row.competency)
    assert met.is_required and met.gap == 0
    with pytest.raises(ValidationError) as error:
        _plan(person, [met.competency])
    assert "gaps" in error.value.message_dict


def test_a_gap_closed_after_planning_stays_in_the_plan(hr_world, employee):
    person = employee.person
    row = next(row for row in _profile(person).rows if row.gap)
    _plan(person, [row.competency])
    evidence_record(
        person=person,
        competency=row.competency,
        level=level(row.competency.framework, row.required_rank),
        source="assessment",
        observed_on=timezone.localdate(),
    )
    plan = _plan(person, [row.competency])  # saved again unchanged: no refusal
    assert plan.gaps.get().competency == row.competency


def test_the_learner_form_offers_only_gaps_and_optional_areas(client, employee):
    client.force_login(employee)
    form = client.get(reverse("assignments:plan_mine")).context["form"]
    offered = set(form.fields["gaps"].queryset.values_list("pk", flat=True))
    rows = _profile(employee.person).rows
    expected = {
        row.competency.pk
        for row in rows
        if row.required_level is not None
        and (row.gap > 0 or (row.is_optional and not row.chosen))
    }
    assert offered == expected
    assert offered


# ------------------------------------------------------------------------------
# The supervisor returns a plan
# ------------------------------------------------------------------------------


def test_the_direct_supervisor_returns_a_plan_with_a_comment(
    client, hr_world, employee
):
    plan = _plan(employee.person)
    plan.person_agreed_at = timezone.now()
    plan.save()
    url = reverse("hr:plan_return", args=[employee.person.pk])

    client.force_login(hr_world.supervisor_user)
    client.post(url, {"year": YEAR, "comment": ""})
    plan.refresh_from_db()
    assert plan.returned_at is None  # a return needs a comment

    client.post(url, {"year": YEAR, "comment": "เพิ่มหลักสูตรด้านข้อมูล"})
    plan.refresh_from_db()
    assert plan.returned_by == hr_world.supervisor
    assert plan.return_comment == "เพิ่มหลักสูตรด้านข้อมูล"
    assert plan.person_agreed_at is None
    assert AuditEntry.objects.filter(action="development_plan.return").exists()

    client.force_login(employee)
    page = client.get(reverse("assignments:plan_mine")).content.decode()
    assert "เพิ่มหลักสูตรด้านข้อมูล" in page and "ส่งคืน" in page

    # Agreeing afterwards clears the return.
    client.force_login(hr_world.supervisor_user)
    client.post(
        reverse("hr:plan_workspace_agree", args=[employee.person.pk]),
        {"year": YEAR},
    )
    plan.refresh_from_db()
    assert plan.supervisor_agreed_at and plan.returned_at is None


def test_only_the_direct_supervisor_may_return(client, hr_world, employee):
    _plan(employee.person)
    url = reverse("hr:plan_return", args=[employee.person.pk])
    for user in (hr_world.officer, hr_world.sibling_officer, employee):
        client.force_login(user)
        assert client.post(url, {"year": YEAR, "comment": "x"}).status_code == 404
    assert not DevelopmentPlan.objects.filter(returned_at__isnull=False).exists()


# ------------------------------------------------------------------------------
# HR records a paper agreement
# ------------------------------------------------------------------------------


def test_hr_records_the_agreement_with_the_signed_form(client, hr_world, employee):
    plan = _plan(employee.person)
    url = reverse("hr:plan_agreement_record", args=[employee.person.pk])
    client.force_login(hr_world.officer)
    workspace = reverse("hr:plan_workspace", args=[employee.person.pk])
    assert url in client.get(workspace).content.decode()
    response = client.post(url, {"year": YEAR, "signed_form": _pdf()})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.supervisor_agreed_by == hr_world.supervisor
    assert plan.agreement_recorded_by == hr_world.officer
    assert plan.agreement_form_type == "application/pdf"
    assert AuditEntry.objects.filter(
        action="development_plan.agree", detail__as="hr_recorded"
    ).exists()

    form_url = (
        reverse("hr:plan_agreement_form", args=[employee.person.pk]) + f"?year={YEAR}"
    )
    assert b"".join(client.get(form_url).streaming_content) == PDF
    client.force_login(hr_world.supervisor_user)
    assert client.get(form_url).status_code == 200
    client.force_login(employee)
    mine = reverse("development:plan_agreement_form_mine") + f"?year={YEAR}"
    assert client.get(mine).status_code == 200
    client.force_login(hr_world.sibling_officer)
    assert client.get(form_url).status_code == 404
    client.force_login(hr_world.learner_user)
    assert client.get(form_url).status_code == 404
    assert client.get(mine).status_code == 404  # they have no plan of their own


def test_a_paper_agreement_is_refused_without_a_good_form_or_a_supervisor(
    client, hr_world, employee
):
    plan = _plan(employee.person)
    url = reverse("hr:plan_agreement_record", args=[employee.person.pk])
    client.force_login(hr_world.officer)
    fake = SimpleUploadedFile("signed.pdf", b"GIF89a not a pdf", "application/pdf")
    client.post(url, {"year": YEAR, "signed_form": fake})
    plan.refresh_from_db()
    assert plan.supervisor_agreed_at is None

    Placement.objects.filter(person=employee.person).update(supervisor=None)
    client.post(url, {"year": YEAR, "signed_form": _pdf()})
    plan.refresh_from_db()
    assert plan.supervisor_agreed_at is None


def test_only_officers_of_the_unit_record_a_paper_agreement(client, hr_world, employee):
    _plan(employee.person)
    url = reverse("hr:plan_agreement_record", args=[employee.person.pk])
    for user in (hr_world.sibling_officer, hr_world.supervisor_user, employee):
        client.force_login(user)
        response = client.post(url, {"year": YEAR, "signed_form": _pdf()})
        assert response.status_code == 404
    assert not DevelopmentPlan.objects.filter(supervisor_agreed_at__isnull=False)


# ------------------------------------------------------------------------------
# Supervisors' list
# ------------------------------------------------------------------------------


def test_a_supervisor_sees_only_their_staff(client, hr_world, employee):
    _plan(employee.person)
    outsider = UserFactory(email="outsider@example.go.th")
    PlacementFactory(unit=hr_world.unit, person__user=outsider)
    client.force_login(hr_world.supervisor_user)
    response = client.get(reverse("hr:supervisor_plans"))
    people = {person.pk for person in response.context["page"].object_list}
    assert employee.person.pk in people and hr_world.target.pk in people
    assert outsider.person.pk not in people
    # The employee has not agreed their plan yet: nothing waits for the supervisor.
    assert "รอความเห็นชอบจากท่าน" not in response.content.decode()
    assert "บุคลากรยังไม่ได้ให้ความเห็นชอบ" in response.content.decode()

    for user in (outsider, hr_world.officer):
        client.force_login(user)
        assert client.get(reverse("hr:supervisor_plans")).status_code == 404


def test_supervisor_plans_cost_the_same_for_1_and_50_people(client, hr_world):
    def grow(n):
        for _ in range(n):
            user = UserFactory()
            PlacementFactory(
                unit=hr_world.unit, supervisor=hr_world.supervisor, person__user=user
            )
            _plan(user.person)

    def count():
        client.force_login(hr_world.supervisor_user)
        return page_queries(client, reverse("hr:supervisor_plans"))

    one, fifty = one_and_fifty(grow, count)
    assert one == fifty <= 5


def test_plan_pages_with_quarters_cost_the_same_for_1_and_50_records(
    client, hr_world, employee
):
    plan = _plan(employee.person)
    today = timezone.localdate()

    def grow(n):
        for _ in range(n):
            record = development_record_submit(
                person=employee.person,
                actor=employee,
                kind="coaching",
                title="การสอนงาน",
                provider="หัวหน้ากลุ่มงาน",
                starts_on=today,
                ends_on=today,
                hours=Decimal("1"),
            )
            development_record_approve(record=record, actor=hr_world.officer)

    def count():
        counts = []
        client.force_login(employee)
        counts.append(page_queries(client, reverse("assignments:plan_mine")))
        client.force_login(hr_world.supervisor_user)
        counts.append(
            page_queries(
                client,
                reverse("hr:plan_workspace", args=[plan.person_id]),
            )
        )
        return counts

    one, fifty = one_and_fifty(grow, count)
    assert one == fifty
    assert fifty[0] <= 7 and fifty[1] <= 10


# ------------------------------------------------------------------------------
# HR invites a supervisor
# ------------------------------------------------------------------------------


@override_settings(ACADEMY_PUBLIC_BASE_URL="https://academy.example.go.th")
def test_hr_invites_a_supervisor_who_then_agrees(
    client, hr_world, employee, mailoutbox, django_capture_on_commit_callbacks
):
    boss = PlacementFactory(
        unit=hr_world.unit,
        person__email="boss@example.go.th",
        person__employee_number="B0001",
    ).person
    employee.person.employee_number = "E0001"
    employee.person.save()
    url = reverse("hr:supervisor_invite", args=[boss.pk])
    client.force_login(hr_world.officer)
    assert url in client.get(reverse("hr:person", args=[boss.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"staff": "E0001"})
    assert response.status_code == 302
    boss.refresh_from_db()
    assert boss.user is not None and boss.user.email == "boss@example.go.th"
    assert not boss.user.has_usable_password()
    assert Placement.objects.get(person=employee.person).supervisor == boss
    assert AuditEntry.objects.filter(action="supervisor.invite").exists()
    message = mailoutbox[-1]
    assert message.to == ["boss@example.go.th"]
    assert "https://academy.example.go.th/accounts/password/reset/key/" in message.body
    assert "/hr/plans/" in message.body

    plan = _plan(employee.person)
    client.force_login(boss.user)
    listing = client.get(reverse("hr:supervisor_plans"))
    assert employee.person.full_name in listing.content.decode()
    client.post(
        reverse("hr:plan_workspace_agree", args=[employee.person.pk]),
        {"year": YEAR},
    )
    plan.refresh_from_db()
    assert plan.supervisor_agreed_by == boss


def test_an_invitation_is_refused_outside_the_scope_or_for_unknown_staff(
    client, hr_world, employee, mailoutbox
):
    boss = PlacementFactory(
        unit=hr_world.unit, person__email="boss2@example.go.th"
    ).person
    url = reverse("hr:supervisor_invite", args=[boss.pk])
    client.force_login(hr_world.sibling_officer)
    assert client.get(url).status_code == 404
    assert client.post(url, {"staff": ""}).status_code == 404
    client.force_login(hr_world.learner_user)
    assert client.post(url, {"staff": ""}).status_code == 404

    client.force_login(hr_world.officer)
    response = client.post(url, {"staff": "NOPE-1"})
    assert "staff" in response.context["form"].errors
    boss.refresh_from_db()
    assert boss.user is None and not mailoutbox


# ------------------------------------------------------------------------------
# Quarters
# ------------------------------------------------------------------------------


def test_fiscal_quarters_run_october_to_september():
    quarters = fiscal_quarters(2027)
    assert quarters[0] == (1, date(2026, 10, 1), date(2026, 12, 31))
    assert quarters[1] == (2, date(2027, 1, 1), date(2027, 3, 31))
    assert quarters[3] == (4, date(2027, 7, 1), date(2027, 9, 30))


def test_hours_by_quarter_put_each_hour_in_its_quarter(hr_world, employee):
    person = employee.person
    for ends_on, hours in ((date(2026, 11, 20), "6"), (date(2027, 5, 2), "3.5")):
        record = development_record_submit(
            person=person,
            actor=employee,
            kind="study_visit",
            title="ศึกษาดูงาน",
            provider="กรมหนึ่ง",
            starts_on=ends_on,
            ends_on=ends_on,
            hours=Decimal(hours),
        )
        development_record_approve(record=record, actor=hr_world.officer)
    from tests.factories import course

    page = course("หลักสูตรไตรมาส", slug="quarter", lessons=1)
    from courses.services import enrolment_create

    enrolment = enrolment_create(user=employee, course=page)
    CourseCompletion.objects.create(
        enrolment=enrolment,
        user=employee,
        course=page,
        completed_at=timezone.make_aware(datetime(2027, 2, 10, 10)),
        learning_hours=Decimal("4"),
    )
    quarters = development_hours_by_quarter(person, 2027)
    assert [q.hours.external for q in quarters] == [
        Decimal("6"),
        Decimal("0"),
        Decimal("3.5"),
        Decimal("0"),
    ]
    assert [q.hours.course for q in quarters] == [0, Decimal("4"), 0, 0]

    # The plan page reads the same figures on its plan row (plan_view), and each
    # planned course's completion on the course's row.
    plan = _plan(person)
    plan.fiscal_year = 2027
    plan.save()
    PlanCourse.objects.create(plan=plan, course=page)
    view = plan_view(person, year=2027)
    assert [q.hours for q in view.quarters] == [q.hours for q in quarters]
    assert [row.completed_on for row in view.courses] == [date(2027, 2, 10)]
    assert [q.courses_completed for q in view.quarters] == [0, 1, 0, 0]


# ------------------------------------------------------------------------------
# The supervisor's way in from the dashboard
# ------------------------------------------------------------------------------


def _agreed_by_person(person, year=YEAR):
    plan = _plan(person)
    plan.fiscal_year = year
    plan.person_agreed_at = timezone.now()
    plan.save()
    return plan


def _waiting_link(client) -> str | None:
    body = client.get(reverse("courses:dashboard")).content.decode()
    if 'id="plans-waiting"' not in body:
        return None
    return body.split('id="plans-waiting"')[1].split("</p>")[0]


def test_the_dashboard_links_a_supervisor_to_the_plans_awaiting_them(
    client, hr_world, employee
):
    client.force_login(hr_world.supervisor_user)
    assert _waiting_link(client) is None  # nobody's plan yet
    plan = _plan(employee.person)
    assert _waiting_link(client) is None  # not yet agreed by the person
    plan.person_agreed_at = timezone.now()
    plan.save()
    link = _waiting_link(client)
    assert f"{reverse('hr:supervisor_plans')}?year={YEAR}" in link
    assert "แผนพัฒนารายบุคคลของผู้ใต้บังคับบัญชา 1 แผนรอความเห็นชอบจากท่าน" in link

    other = UserFactory(email="other-staff@example.go.th")
    PlacementFactory(
        unit=hr_world.unit, supervisor=hr_world.supervisor, person__user=other
    )
    _agreed_by_person(other.person)
    _agreed_by_person(hr_world.target, year=YEAR - 1)  # last year's: not counted
    someone_elses = UserFactory(email="elsewhere@example.go.th")
    PlacementFactory(
        unit=hr_world.unit, supervisor=employee.person, person__user=someone_elses
    )
    _agreed_by_person(someone_elses.person)  # reports to the employee, not to them
    assert " 2 แผน" in _waiting_link(client)

    client.post(
        reverse("hr:plan_workspace_agree", args=[employee.person.pk]), {"year": YEAR}
    )
    assert " 1 แผน" in _waiting_link(client)
    client.post(
        reverse("hr:plan_return", args=[other.person.pk]),
        {"year": YEAR, "comment": "เพิ่มหลักสูตร"},
    )
    assert _waiting_link(client) is None  # agreed or returned: nothing waits

    # The employee supervises someone too: their own dashboard shows their one plan;
    # a learner who supervises nobody never sees the link.
    client.force_login(employee)
    assert " 1 แผน" in _waiting_link(client)
    client.force_login(hr_world.learner_user)
    assert _waiting_link(client) is None


def test_the_supervisor_dashboard_costs_the_same_for_1_and_50_plans(client, hr_world):
    def grow(n):
        for _ in range(n):
            user = UserFactory()
            PlacementFactory(
                unit=hr_world.unit, supervisor=hr_world.supervisor, person__user=user
            )
            _agreed_by_person(user.person)

    client.force_login(hr_world.supervisor_user)
    one, fifty = one_and_fifty(
        grow, lambda: page_queries(client, reverse("courses:dashboard"))
    )
    assert one == fifty <= 10
    assert " 50 แผน" in _waiting_link(client)


def test_the_list_badge_and_the_dashboard_count_are_one_rule(
    client, hr_world, employee
):
    """/hr/plans/ marks "Awaiting your agreement" on exactly the plans the dashboard
    counts (DevelopmentPlan.objects.awaiting_supervisor): agreed by the person and not
    yet by the supervisor; a returned plan waits again once the person agrees again."""
    supervisor = hr_world.supervisor_user

    def seen() -> tuple[int, int, str]:
        client.force_login(supervisor)
        body = client.get(reverse("hr:supervisor_plans")).content.decode()
        rows = body.split("<tbody>")[1].split("</tbody>")[0]
        row = rows.split(employee.person.full_name)[1].split("</tr>")[0]
        badges = rows.count("รอความเห็นชอบจากท่าน")
        assert "รอความเห็นชอบจากผู้บังคับบัญชา" in rows  # the one reporting below
        assert badges == plans_awaiting_supervisor(supervisor, year=YEAR)
        link = _waiting_link(client)
        assert (link is not None) == bool(badges)
        if link:
            assert f" {badges} แผน" in link
        return badges, row

    # Someone reporting to the employee agreed theirs: not for this supervisor.
    below = UserFactory(email="below@example.go.th")
    PlacementFactory(unit=hr_world.unit, supervisor=employee.person, person__user=below)
    _agreed_by_person(below.person)

    plan = _plan(employee.person)
    badges, row = seen()
    assert badges == 0 and "บุคลากรยังไม่ได้ให้ความเห็นชอบ" in row
    plan = plan_agree(plan=plan, actor=employee)
    badges, row = seen()
    assert badges == 1 and "รอความเห็นชอบจากท่าน" in row
    plan = plan_return(
        plan=plan,
        actor=supervisor,
        as_supervisor=hr_world.supervisor,
        comment="เพิ่มหลักสูตร",
    )
    badges, row = seen()
    assert badges == 0 and "ส่งคืนพร้อมความเห็น" in row
    plan = plan_agree(plan=plan, actor=employee)  # agreed again, unchanged
    badges, row = seen()
    assert badges == 1 and "รอความเห็นชอบจากท่าน" in row
    plan_agree(plan=plan, actor=supervisor, as_supervisor=hr_world.supervisor)
    badges, row = seen()
    assert badges == 0 and "✓" in row
