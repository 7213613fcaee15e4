"""Course assignments: who an assignment reaches, the learner's dashboard, enrolment
in an "assigned only" course, and compliance counted in SQL with its exports."""

import csv
import io
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from competencies.hr.selectors import hr_access
from courses.assignments import selectors
from courses.assignments.services import assignment_create
from courses.models import Assignee, Enrolment
from courses.selectors import lessons_of
from courses.services import EnrolmentError, enrolment_create, lesson_complete
from tests.factories import (
    PlacementFactory,
    course,
    line_of_work,
    org_unit,
    position,
)

pytestmark = pytest.mark.django_db


def _today() -> date:
    return timezone.localdate()


def _assign(officer, page, *, days: int = 30, **target):
    return assignment_create(
        access=hr_access(officer),
        course=page,
        due_on=_today() + timedelta(days=days),
        target=selectors.AssignmentTarget(**target),
    )


def _people(assignment) -> set[int]:
    return set(assignment.assignees.values_list("person_id", flat=True))


def _learner_person(world):
    return world.learner_user.person


# ------------------------------------------------------------------------------
# Who an assignment reaches
# ------------------------------------------------------------------------------


def test_assignment_by_unit_takes_the_subtree_and_nothing_outside(hr_world, mandatory):
    child = org_unit("V1C", parent=hr_world.unit)
    below = PlacementFactory(unit=child).person
    sibling = PlacementFactory(unit=hr_world.sibling).person
    assignment = _assign(hr_world.parent_officer, mandatory, unit=hr_world.unit)
    assert _people(assignment) == {
        hr_world.target.pk,
        _learner_person(hr_world).pk,
        below.pk,
    }
    assert sibling.pk not in _people(assignment)


def test_assignment_by_the_whole_scope_stays_in_the_scope(hr_world, mandatory):
    outside = PlacementFactory(unit=hr_world.sibling).person
    assignment = _assign(hr_world.officer, mandatory)
    assert outside.pk not in _people(assignment)
    assert hr_world.target.pk in _people(assignment)
    # The supervisor sits in D1, above the V1 officer's scope.
    assert hr_world.supervisor.pk not in _people(assignment)


def test_assignment_by_position_type_and_level(hr_world, mandatory):
    general, operational = position("general", "operational")
    clerk = PlacementFactory(
        unit=hr_world.unit,
        position_type=general,
        position_level=operational,
        line_of_work=line_of_work("เจ้าพนักงานธุรการ"),
    ).person
    by_type = _assign(hr_world.officer, mandatory, position_type=general)
    assert _people(by_type) == {clerk.pk}
    by_level = _assign(hr_world.officer, mandatory, position_level=operational)
    assert _people(by_level) == {clerk.pk}


def test_assignment_by_personnel_group_follows_the_group_rules(hr_world, mandatory):
    from competencies.selectors import person_profile

    group = person_profile(hr_world.target).frameworks[0].group
    assert group is not None
    assignment = _assign(hr_world.officer, mandatory, group=group)
    expected = {
        person.pk
        for person in (hr_world.target, _learner_person(hr_world))
        if person_profile(person).frameworks[0].group == group
    }
    assert _people(assignment) == expected


def test_assignment_by_list_refuses_numbers_outside_the_scope(hr_world, mandatory):
    outsider = PlacementFactory(unit=hr_world.sibling).person
    with pytest.raises(ValidationError) as raised:
        _assign(
            hr_world.officer,
            mandatory,
            employee_numbers=["T0001", outsider.employee_number, "NOPE"],
        )
    message = " ".join(raised.value.message_dict["employee_numbers"])
    assert outsider.employee_number in message and "NOPE" in message
    assert not Assignee.objects.exists()
    assignment = _assign(hr_world.officer, mandatory, employee_numbers=["T0001"])
    assert _people(assignment) == {hr_world.target.pk}
    assert assignment.by_list


def test_assignment_refuses_a_past_due_date_and_an_empty_choice(hr_world, mandatory):
    with pytest.raises(ValidationError) as raised:
        _assign(hr_world.officer, mandatory, days=-1)
    assert "due_on" in raised.value.message_dict
    general, _ = position("general", "operational")
    with pytest.raises(ValidationError):
        _assign(hr_world.officer, mandatory, position_type=general)


def test_the_form_assigns_and_is_csrf_protected(hr_world, mandatory):
    from django.test import Client

    due = (_today() + timedelta(days=20)).isoformat()
    data = {"course": mandatory.pk, "due_on": due, "unit": hr_world.unit.pk}
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(hr_world.officer)
    assert strict.post(reverse("hr:assignment_new"), data).status_code == 403
    client = Client()
    client.force_login(hr_world.officer)
    response = client.post(reverse("hr:assignment_new"), data)
    assert response.status_code == 302
    assert Assignee.objects.filter(person=hr_world.target).exists()


def test_the_form_names_the_bad_field(client, hr_world, mandatory):
    client.force_login(hr_world.officer)
    response = client.post(
        reverse("hr:assignment_new"),
        {"course": mandatory.pk, "due_on": "2001-01-01", "employee_numbers": "X1"},
    )
    assert response.status_code == 200
    assert "due_on" in response.context["form"].errors


# ------------------------------------------------------------------------------
# The learner
# ------------------------------------------------------------------------------


def test_assigned_courses_come_first_on_the_dashboard_with_thai_due_dates(
    client, hr_world, mandatory
):
    other = course("หลักสูตรที่เลือกเอง", slug="chosen", lessons=1)
    enrolment_create(user=hr_world.learner_user, course=other)
    assignment = _assign(hr_world.officer, mandatory, days=10, unit=hr_world.unit)
    client.force_login(hr_world.learner_user)
    page = client.get("/dashboard/").content.decode()
    assigned_at = page.index('id="assigned-h"')
    assert assigned_at < page.index(mandatory.title) < page.index('id="enrol-h"')
    assert assigned_at < page.index('id="me-h"')
    buddhist_year = str(assignment.due_on.year + 543)
    assert buddhist_year in page[assigned_at : page.index('id="enrol-h"')]
    assert "เกินกำหนด" not in page and "Overdue" not in page


def test_overdue_assignment_is_marked(client, hr_world, mandatory):
    assignment = _assign(hr_world.officer, mandatory, unit=hr_world.unit)
    type(assignment).objects.filter(pk=assignment.pk).update(
        due_on=_today() - timedelta(days=2)
    )
    client.force_login(hr_world.learner_user)
    dashboard = client.get("/dashboard/").context["dashboard"]
    [item] = dashboard.assignments
    assert item.overdue and item.days_left == -2
    assert 'class="card overdue"' in client.get("/dashboard/").content.decode()


def test_assignment_lets_the_learner_enrol_in_an_assigned_only_course(
    hr_world, mandatory
):
    with pytest.raises(EnrolmentError):
        enrolment_create(user=hr_world.learner_user, course=mandatory)
    _assign(hr_world.officer, mandatory, unit=hr_world.unit)
    enrolment = enrolment_create(user=hr_world.learner_user, course=mandatory)
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.source == Enrolment.Source.ASSIGNED


def test_course_page_offers_enrolment_once_assigned(client, hr_world, mandatory):
    client.force_login(hr_world.learner_user)
    enrol_url = reverse("courses:enrol", args=[mandatory.pk])
    assert enrol_url not in client.get(mandatory.url).content.decode()
    _assign(hr_world.officer, mandatory, unit=hr_world.unit)
    assert enrol_url in client.get(mandatory.url).content.decode()
    assert client.post(enrol_url).status_code == 302
    assert Enrolment.objects.get(user=hr_world.learner_user).source == "assigned"


def test_completed_assignment_leaves_the_assigned_list(client, hr_world, mandatory):
    _assign(hr_world.officer, mandatory, unit=hr_world.unit)
    learner = hr_world.learner_user
    enrolment_create(user=learner, course=mandatory)
    client.force_login(learner)
    [item] = client.get("/dashboard/").context["dashboard"].assignments
    assert item.started and item.summary.lessons_total == 2
    for lesson in lessons_of(mandatory):
        lesson_complete(user=learner, lesson=lesson)
    assert client.get("/dashboard/").context["dashboard"].assignments == []


# ------------------------------------------------------------------------------
# Compliance
# ------------------------------------------------------------------------------


def _block(access, node, assignment):
    report = selectors.compliance(access, node=node, assignments=[assignment])
    return report.blocks[0]


def test_compliance_counts_per_unit(hr_world, progress):
    assignment, _ = progress
    access = hr_access(hr_world.parent_officer)
    block = _block(access, hr_world.department, assignment)
    rows = {row.unit.code: row.tally for row in block.rows}
    # The supervisor works in D1 itself: a row of its own, first.
    assert [row.unit.code for row in block.rows] == ["D1", "V1", "V2"]
    assert block.rows[0].is_node and rows["D1"].assigned == 1
    v1, v2 = rows["V1"], rows["V2"]
    assert (v1.assigned, v1.completed, v1.in_progress, v1.not_started, v1.overdue) == (
        3,
        1,
        1,
        1,
        2,
    )
    assert (v2.assigned, v2.completed, v2.in_progress, v2.overdue) == (1, 0, 0, 1)
    assert block.total.assigned == 5 and block.total.completed == 1


def test_compliance_of_a_unit_officer_counts_only_their_unit(hr_world, progress):
    assignment, _ = progress
    access = hr_access(hr_world.officer)
    block = _block(access, hr_world.unit, assignment)
    assert block.total.assigned == 3
    assert [row.is_node for row in block.rows] == [True]
    sibling = hr_access(hr_world.sibling_officer)
    assert _block(sibling, hr_world.sibling, assignment).total.assigned == 1


def test_compliance_is_one_aggregate_query(
    hr_world, progress, django_assert_num_queries
):
    assignment, _ = progress
    access = hr_access(hr_world.parent_officer)
    with django_assert_num_queries(1):
        rows = list(
            selectors.compliance_counts(
                access, node=hr_world.department, assignment_ids=[assignment.pk]
            )
        )
    assert sum(row["assigned"] for row in rows) == 5


def test_someone_who_moved_out_is_counted_by_their_new_unit(hr_world, progress):
    from competencies.services import placement_start

    assignment, _ = progress
    placement = hr_world.target.placements.get()
    placement_start(
        person=hr_world.target,
        unit=hr_world.sibling,
        position_type=placement.position_type,
        position_level=placement.position_level,
        line_of_work=placement.line_of_work,
        starts_on=_today(),
    )
    v1 = _block(hr_access(hr_world.officer), hr_world.unit, assignment)
    v2 = _block(hr_access(hr_world.sibling_officer), hr_world.sibling, assignment)
    assert (v1.total.assigned, v2.total.assigned) == (2, 2)


def test_compliance_csv_export(client, hr_world, progress):
    client.force_login(hr_world.parent_officer)
    response = client.get(
        reverse("hr:compliance_export", args=["csv"])
        + f"?node={hr_world.department.pk}"
    )
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    by_unit = {row["unit_code"]: row for row in rows}
    assert by_unit["V1"]["completed"] == "1"
    assert by_unit["V1"]["overdue"] == "2"
    assert by_unit["V2"]["unit_name_th"] == "กองสอง"
    assert by_unit["V1"]["course_title"] == "ความมั่นคงปลอดภัยไซเบอร์สำหรับทุกคน"


def test_compliance_xlsx_export(client, hr_world, progress):
    client.force_login(hr_world.officer)
    response = client.get(reverse("hr:compliance_export", args=["xlsx"]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[1][0] == "assignment_id"
    assert [row[4] for row in rows[2:]] == ["V1"]
    assert rows[2][6] == 3


def test_compliance_page_drills_down(client, hr_world, progress):
    client.force_login(hr_world.parent_officer)
    page = client.get(reverse("hr:compliance")).content.decode()
    assert "กองหนึ่ง" in page and "กองสอง" in page
    page = client.get(
        reverse("hr:compliance") + f"?node={hr_world.unit.pk}"
    ).content.decode()
    assert "กองสอง" not in page


def test_assignment_detail_lists_people_with_their_state(client, hr_world, progress):
    assignment, _ = progress
    client.force_login(hr_world.officer)
    response = client.get(reverse("hr:assignment_detail", args=[assignment.pk]))
    people = {a.person_id: a for a in response.context["page"].object_list}
    # The V1 officer sees the three people of V1, not those of V2 or D1.
    assert len(people) == 3
    assert {hr_world.target.pk, hr_world.learner_user.person.pk} <= set(people)
    assert people[hr_world.learner_user.person.pk].done
    assert not people[hr_world.target.pk].started


def test_assignment_detail_names_units_with_the_units_above_them(
    client, hr_world, mandatory
):
    """The assignment's unit and each person's unit carry their trail (กระทรวง… ›
    กรม…), so same-named units can be told apart: both from one query."""
    assignment = assignment_create(
        access=hr_access(hr_world.parent_officer),
        course=mandatory,
        due_on=timezone.localdate() + timedelta(days=30),
        target=selectors.AssignmentTarget(unit=hr_world.unit),
    )
    client.force_login(hr_world.parent_officer)
    response = client.get(reverse("hr:assignment_detail", args=[assignment.pk]))
    assert response.context["assignment"].unit.trail == "กระทรวงดิจิทัลทดสอบ › กรมหนึ่ง"
    units = {a.unit_now.pk: a.unit_now for a in response.context["page"].object_list}
    assert units[hr_world.unit.pk].trail == "กระทรวงดิจิทัลทดสอบ › กรมหนึ่ง"
    assert "(กระทรวงดิจิทัลทดสอบ › กรมหนึ่ง)" in response.content.decode()
