"""Who gets what on the assignment, compliance and plan pages × every role, and their
query budgets (the same count for 1 and for 50 people or units).

200: shown; 302: done and sent on; 404: outside the scope (never 403); "login": sent
to sign in. The assignment reaches the target (V1) only.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest

from competencies.hr.selectors import hr_access
from courses.assignments.selectors import AssignmentTarget
from courses.assignments.services import assignment_create, plan_save
from courses.selectors import lessons_of
from courses.services import enrolment_create, lesson_complete
from tests.factories import PlacementFactory, UserFactory, course, org_unit
from tests.queries import page_queries

pytestmark = pytest.mark.django_db

ROLES = ("officer", "sibling", "parent", "supervisor", "learner", "anonymous")


def _users(world):
    return {
        "officer": world.officer,
        "sibling": world.sibling_officer,
        "parent": world.parent_officer,
        "supervisor": world.supervisor_user,
        "learner": world.learner_user,
        "anonymous": None,
    }


def _outcome(client, user, method, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url, {"year": ""} if method == "post" else {})
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


@pytest.fixture
def assigned(hr_world):
    page = course("หลักสูตรบังคับ", slug="mandatory", lessons=1)
    assignment = assignment_create(
        access=hr_access(hr_world.officer),
        course=page,
        due_on=timezone.localdate() + timedelta(days=14),
        target=AssignmentTarget(employee_numbers=["T0001"]),
    )
    plan_save(
        person=hr_world.target,
        year=2027,
        profile=None,
        competencies=[],
        courses=[page],
        note="",
    )
    return assignment


OFFICERS_ONLY = {
    "officer": 200,
    "sibling": 200,
    "parent": 200,
    "supervisor": 404,
    "learner": 404,
    "anonymous": "login",
}
OFFICERS_OF_V1 = dict(OFFICERS_ONLY, sibling=404)
CASES = {
    "assignment list": (
        "get",
        lambda w, a: reverse("hr:assignment_list"),
        OFFICERS_ONLY,
    ),
    "assignment form": (
        "get",
        lambda w, a: reverse("hr:assignment_new"),
        OFFICERS_ONLY,
    ),
    "assignment detail": (
        "get",
        lambda w, a: reverse("hr:assignment_detail", args=[a.pk]),
        OFFICERS_OF_V1,
    ),
    "assignment detail, drilled to V2": (
        "get",
        lambda w, a: (
            reverse("hr:assignment_detail", args=[a.pk]) + f"?node={w.sibling.pk}"
        ),
        dict(OFFICERS_OF_V1, officer=404),
    ),
    "compliance": (
        "get",
        lambda w, a: reverse("hr:compliance"),
        OFFICERS_ONLY,
    ),
    "compliance of V1": (
        "get",
        lambda w, a: reverse("hr:compliance") + f"?node={w.unit.pk}",
        OFFICERS_OF_V1,
    ),
    "compliance csv": (
        "get",
        lambda w, a: reverse("hr:compliance_export", args=["csv"]),
        OFFICERS_ONLY,
    ),
    "compliance xlsx of V1": (
        "get",
        lambda w, a: (
            reverse("hr:compliance_export", args=["xlsx"]) + f"?node={w.unit.pk}"
        ),
        OFFICERS_OF_V1,
    ),
    "target's plan (workspace)": (
        "get",
        lambda w, a: reverse("hr:plan_workspace", args=[w.target.pk]),
        dict(OFFICERS_OF_V1, supervisor=200),
    ),
    "target's plan agree (supervisor only)": (
        "post",
        lambda w, a: reverse("hr:plan_workspace_agree", args=[w.target.pk]),
        dict(OFFICERS_OF_V1, officer=404, parent=404, supervisor=302),
    ),
    "my plan": (
        "get",
        lambda w, a: reverse("assignments:plan_mine"),
        # Every user with a person record has a plan page; officers have none.
        {
            "officer": 404,
            "sibling": 404,
            "parent": 404,
            "supervisor": 200,
            "learner": 200,
            "anonymous": "login",
        },
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_access_matrix(client, hr_world, assigned, case):
    method, url_of, expected = CASES[case]
    url = url_of(hr_world, assigned)
    users = _users(hr_world)
    actual = {role: _outcome(client, users[role], method, url) for role in ROLES}
    assert actual == expected


def test_unknown_ids_and_formats_are_404(client, hr_world, assigned):
    client.force_login(hr_world.officer)
    assert client.get(reverse("hr:assignment_detail", args=[999999])).status_code == 404
    url = reverse("hr:compliance_export", args=["pdf"])
    assert client.get(url).status_code == 404
    url = reverse("hr:compliance") + "?node=999999"
    assert client.get(url).status_code == 404


def test_the_sibling_officer_does_not_see_the_assignment_listed(
    client, hr_world, assigned
):
    client.force_login(hr_world.sibling_officer)
    response = client.get(reverse("hr:assignment_list"))
    assert list(response.context["page"].object_list) == []
    client.force_login(hr_world.officer)
    response = client.get(reverse("hr:assignment_list"))
    assert list(response.context["page"].object_list) == [assigned]


def test_hr_nav_links_to_assignments_and_compliance(client, hr_world):
    client.force_login(hr_world.officer)
    page = client.get(reverse("hr:home")).content.decode()
    assert f'href="{reverse("hr:assignment_list")}"' in page
    assert f'href="{reverse("hr:compliance")}"' in page
    client.force_login(hr_world.supervisor_user)
    page = client.get(reverse("hr:home")).content.decode()
    assert reverse("hr:assignment_list") not in page


# ------------------------------------------------------------------------------
# Query budgets
# ------------------------------------------------------------------------------


_queries = page_queries


@pytest.fixture
def grown(hr_world):
    """grow(n): n more units under D1, a person in each (one in two has completed),
    and a fresh assignment of the course to all of D1."""
    page = course("หลักสูตรบังคับ", slug="mandatory", lessons=1)
    [lesson] = lessons_of(page)
    counter = iter(range(1000))
    access = hr_access(hr_world.parent_officer)

    def grow(n):
        for _ in range(n):
            k = next(counter)
            unit = org_unit(f"Q{k}", parent=hr_world.department)
            user = UserFactory()
            PlacementFactory(unit=unit, person__user=user)
            if k % 2:
                assignment_target = AssignmentTarget(unit=unit)
                assignment_create(
                    access=access,
                    course=page,
                    due_on=timezone.localdate() + timedelta(days=7),
                    target=assignment_target,
                )
                enrolment_create(user=user, course=page)
                lesson_complete(user=user, lesson=lesson)
        grow.assignment = assignment_create(
            access=access,
            course=page,
            due_on=timezone.localdate() + timedelta(days=7),
            target=AssignmentTarget(unit=hr_world.department),
        )

    return grow


@pytest.mark.parametrize(
    ("url_of", "ceiling"),
    [
        (lambda g: reverse("hr:assignment_list"), 7),
        (lambda g: reverse("hr:compliance"), 7),
        (lambda g: reverse("hr:assignment_detail", args=[g.assignment.pk]), 10),
        (lambda g: reverse("hr:compliance_export", args=["csv"]), 6),
        (lambda g: reverse("hr:assignment_new"), 7),
    ],
    ids=["list", "compliance", "detail", "export", "form"],
)
def test_hr_pages_query_budget(client, hr_world, grown, url_of, ceiling):
    client.force_login(hr_world.parent_officer)
    grown(1)
    one = _queries(client, url_of(grown))
    grown(49)
    fifty = _queries(client, url_of(grown))
    assert one == fifty <= ceiling


def test_learner_dashboard_query_budget_with_assignments(client, hr_world):
    learner = hr_world.learner_user
    access = hr_access(hr_world.officer)
    counter = iter(range(1000))

    def grow(n):
        for _ in range(n):
            k = next(counter)
            page = course(f"หลักสูตร {k}", slug=f"c{k}", lessons=1, revisions=False)
            assignment_create(
                access=access,
                course=page,
                due_on=timezone.localdate() + timedelta(days=k % 20),
                target=AssignmentTarget(
                    employee_numbers=[learner.person.employee_number]
                ),
            )
            if k % 2 == 0:
                enrolment_create(user=learner, course=page)

    client.force_login(learner)
    grow(1)
    one = _queries(client, "/dashboard/")
    grow(49)
    fifty = _queries(client, "/dashboard/")
    assert one == fifty <= 10
