"""Individual development plans: the learner writes, both agree, edits reset the
agreements, progress is measured, and the right people see and agree."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

import pytest

from academy.core.thaidate import fiscal_year
from competencies.models import OptionalChoice
from competencies.selectors import person_profile
from competencies.services import evidence_record
from courses.assignments import selectors
from courses.assignments.services import plan_agree, plan_save
from courses.models import DevelopmentPlan
from courses.selectors import lessons_of
from courses.services import enrolment_create, lesson_complete
from tests.factories import PlacementFactory, UserFactory, course, level

pytestmark = pytest.mark.django_db


@pytest.fixture
def employee(hr_world):
    """A learner in V1 with an account, reporting to the world's supervisor."""
    user = UserFactory(email="staff@example.go.th")
    PlacementFactory(
        unit=hr_world.unit, supervisor=hr_world.supervisor, person__user=user
    )
    return user


def _gap_rows(person):
    profile = person_profile(person).frameworks[0]
    return profile, [row for row in profile.rows if row.gap]


def _save(person, *, gaps=(), courses=(), note=""):
    profile, _rows = _gap_rows(person)
    return plan_save(
        person=person,
        year=fiscal_year(timezone.localdate()),
        profile=profile,
        competencies=list(gaps),
        courses=list(courses),
        note=note,
    )


def test_both_agreements_are_recorded_and_an_edit_resets_them(hr_world, employee):
    person = employee.person
    _profile, rows = _gap_rows(person)
    plan = _save(person, gaps=[rows[0].competency], note="เป้าหมาย")
    plan = plan_agree(plan=plan, actor=employee)
    plan = plan_agree(
        plan=plan, actor=hr_world.supervisor_user, as_supervisor=hr_world.supervisor
    )
    assert plan.person_agreed_at and plan.supervisor_agreed_at and plan.is_agreed
    assert plan.supervisor_agreed_by == hr_world.supervisor

    unchanged = _save(person, gaps=[rows[0].competency], note="เป้าหมาย")
    assert unchanged.is_agreed  # saving the same plan changes nothing

    edited = _save(
        person, gaps=[rows[0].competency, rows[1].competency], note="เป้าหมาย"
    )
    assert edited.person_agreed_at is None and edited.supervisor_agreed_at is None
    assert edited.supervisor_agreed_by is None


def test_a_plan_keeps_one_row_per_person_and_year(hr_world, employee):
    _save(employee.person, note="a")
    _save(employee.person, note="b")
    assert DevelopmentPlan.objects.filter(person=employee.person).count() == 1


def test_only_required_or_optional_competencies_can_be_chosen(hr_world, employee):
    profile = person_profile(employee.person, framework=hr_world.framework).frameworks[
        0
    ]
    not_applicable = [row.competency for row in profile.rows if not row.required_level]
    assert not_applicable, "some areas do not apply to a non-IT operational officer"
    with pytest.raises(ValidationError):
        plan_save(
            person=employee.person,
            year=fiscal_year(timezone.localdate()),
            profile=profile,
            competencies=[not_applicable[0]],
            courses=[],
            note="",
        )


def test_an_optional_unit_agreed_in_the_plan_counts_towards_gaps(hr_world, employee):
    profile, _rows = _gap_rows(employee.person)
    optional = next(row for row in profile.rows if row.is_optional)
    assert optional.gap == 0
    plan = _save(employee.person, gaps=[optional.competency])
    plan_agree(
        plan=plan, actor=hr_world.supervisor_user, as_supervisor=hr_world.supervisor
    )
    choice = OptionalChoice.objects.get(person=employee.person)
    assert choice.source == OptionalChoice.Source.PLAN
    profile, _rows = _gap_rows(employee.person)
    row = next(row for row in profile.rows if row.competency == optional.competency)
    assert row.is_required and row.gap == 1


def test_an_empty_plan_cannot_be_agreed(hr_world, employee):
    plan = _save(employee.person, note="ยังไม่ได้เลือก")
    with pytest.raises(ValidationError):
        plan_agree(plan=plan, actor=employee)


def test_progress_counts_courses_completed_and_gaps_closed(hr_world, employee):
    person = employee.person
    _profile, rows = _gap_rows(person)
    target_row = rows[0]
    page = course("หลักสูตรในแผน", slug="planned", lessons=1)
    other = course("อีกหลักสูตร", slug="planned-2", lessons=1)
    _save(person, gaps=[target_row.competency], courses=[page, other])

    view = selectors.plan_view(person)
    assert (view.courses_completed, view.gaps_closed) == (0, 0)

    enrolment_create(user=employee, course=page)
    for lesson in lessons_of(page):
        lesson_complete(user=employee, lesson=lesson)
    evidence_record(
        person=person,
        competency=target_row.competency,
        level=level(target_row.competency.framework, target_row.required_rank),
        source="assessment",
        observed_on=timezone.localdate(),
    )
    view = selectors.plan_view(person)
    assert (view.courses_completed, view.gaps_closed) == (1, 1)
    assert len(view.courses) == 2


def test_the_learner_edits_and_agrees_from_the_dashboard(client, hr_world, employee):
    _profile, rows = _gap_rows(employee.person)
    page = course(
        "หลักสูตรในแผน", slug="planned", lessons=1, competencies=[(rows[0].competency, 3)]
    )
    client.force_login(employee)
    assert (
        reverse("assignments:plan_mine") in client.get("/dashboard/").content.decode()
    )
    form_page = client.get(reverse("assignments:plan_mine"))
    assert page in form_page.context["form"].fields["courses"].queryset
    response = client.post(
        reverse("assignments:plan_mine"),
        {"gaps": [rows[0].competency.pk], "courses": [page.pk], "note": "พัฒนาทักษะ"},
    )
    assert response.status_code == 302
    plan = DevelopmentPlan.objects.get(person=employee.person)
    assert plan.courses.get().course == page
    client.post(reverse("assignments:plan_mine_agree"), {"year": plan.fiscal_year})
    plan.refresh_from_db()
    assert plan.person_agreed_at is not None
    text = client.get(reverse("assignments:plan_mine")).content.decode()
    assert str(plan.fiscal_year + 543) in text


def test_the_direct_supervisor_agrees_others_only_look(client, hr_world, employee):
    _profile, rows = _gap_rows(employee.person)
    plan = _save(employee.person, gaps=[rows[0].competency])
    url = reverse("hr:plan_workspace", args=[employee.person.pk])
    agree = reverse("hr:plan_workspace_agree", args=[employee.person.pk])

    client.force_login(hr_world.officer)
    assert client.get(url).status_code == 200
    assert agree not in client.get(url).content.decode()
    assert client.post(agree, {"year": plan.fiscal_year}).status_code == 404

    # An indirect supervisor (the supervisor's own boss) sees the plan, cannot agree.
    boss_user = UserFactory(email="boss@example.go.th")
    boss = PlacementFactory(unit=hr_world.department, person__user=boss_user).person
    hr_world.supervisor.placements.update(supervisor=boss)
    client.force_login(boss_user)
    assert client.get(url).status_code == 200
    assert client.post(agree, {"year": plan.fiscal_year}).status_code == 404

    client.force_login(hr_world.supervisor_user)
    assert agree in client.get(url).content.decode()
    assert client.post(agree, {"year": plan.fiscal_year}).status_code == 302
    plan.refresh_from_db()
    assert plan.supervisor_agreed_by == hr_world.supervisor


def test_plan_pages_query_budget(client, hr_world, employee):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = employee.person
    _profile, rows = _gap_rows(person)
    counter = iter(range(1000))
    planned = []

    def grow(n):
        for _ in range(n):
            k = next(counter)
            planned.append(
                course(
                    f"หลักสูตร {k}",
                    slug=f"p{k}",
                    lessons=1,
                    competencies=[(rows[k % len(rows)].competency, 3)],
                    revisions=False,  # live pages, cheaply: tests/factories.py
                )
            )
        _save(
            person,
            gaps=[row.competency for row in rows[: len(planned)]],
            courses=planned,
        )

    def count(user, url):
        client.force_login(user)
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    urls = [
        (employee, reverse("assignments:plan_mine")),
        (
            hr_world.supervisor_user,
            reverse("hr:plan_workspace", args=[person.pk]),
        ),
        (hr_world.officer, reverse("hr:plan_workspace", args=[person.pk])),
    ]
    grow(1)
    one = [count(user, url) for user, url in urls]
    grow(49)
    fifty = [count(user, url) for user, url in urls]
    assert one == fifty
    # The learner's own plan; the workspace for their supervisor and an officer:
    # sign-in and scope 3, the person 1, their current placements 1, the plan with
    # the year's hours by quarter 1, evidence 1, optional choices 1, gaps 1, courses
    # with their completion 1.
    assert fifty[0] <= 8
    assert max(fifty[1:]) <= 10
