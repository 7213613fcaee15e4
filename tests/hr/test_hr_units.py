"""Units that cannot be confused (code and parent path wherever one is shown or chosen,
a tree chooser) and heat map cells that open the people behind them."""

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from competencies.hr.selectors import (
    hr_access,
    scope_above_cache,
    unit_trails,
    units_in_scope,
)
from competencies.models import OrgUnit
from courses.models import CoursePage
from tests.factories import PlacementFactory, course, org_unit
from tests.queries import one_and_fifty, page_queries

pytestmark = pytest.mark.django_db

SAME_NAME = "กองบริหารทรัพยากรบุคคล"


@pytest.fixture
def three_same(hr_world):
    """Three units named กองบริหารทรัพยากรบุคคล: under D1, under V1 and under V2."""
    units = [
        org_unit("D1-HR", parent=hr_world.department, name=SAME_NAME),
        org_unit("V1-HR", parent=hr_world.unit, name=SAME_NAME),
        org_unit("V2-HR", parent=hr_world.sibling, name=SAME_NAME),
    ]
    people = [
        PlacementFactory(
            unit=unit, person__first_name_th=f"คนที่{k}", person__employee_number=f"H{k}"
        ).person
        for k, unit in enumerate(units)
    ]
    return units, people


def test_unit_trails_name_the_units_above_in_one_query(hr_world, three_same):
    units, _people = three_same
    units = list(OrgUnit.objects.filter(pk__in=[unit.pk for unit in units]))
    with CaptureQueriesContext(connection) as captured:
        unit_trails(units)
    assert len(captured) == 1
    trails = {unit.code: unit.trail for unit in units}
    assert trails == {
        "D1-HR": "กระทรวงดิจิทัลทดสอบ › กรมหนึ่ง",
        "V1-HR": "กระทรวงดิจิทัลทดสอบ › กรมหนึ่ง › กองหนึ่ง",
        "V2-HR": "กระทรวงดิจิทัลทดสอบ › กรมหนึ่ง › กองสอง",
    }
    root = OrgUnit.objects.get(code="M")
    assert unit_trails([root])[0].trail == ""


def test_unit_trails_read_the_units_above_once_a_request(hr_world, three_same):
    """With the officer's HRAccess, the units above are read once a request: the
    preview's rows and then the unit chooser, or any second list, ask no more; a
    tree of units names its own inner units. The next request asks again."""
    units, _people = three_same
    access = hr_access(hr_world.parent_officer)
    scope_above_cache.get(tuple(access.scope_paths))  # as a worker's first request
    first = list(OrgUnit.objects.filter(pk__in=[unit.pk for unit in units]))
    with CaptureQueriesContext(connection) as captured:
        unit_trails(first, access=access)
        again = list(OrgUnit.objects.filter(pk__in=[unit.pk for unit in units]))
        unit_trails(again, access=access)
    # The units inside the scope above them once, and the second list itself.
    assert len(captured) == 2
    assert [unit.trail for unit in again] == [unit.trail for unit in first]
    assert {unit.code: unit.trail for unit in again}["V2-HR"] == (
        "กระทรวงดิจิทัลทดสอบ › กรมหนึ่ง › กองสอง"
    )

    tree = list(units_in_scope(access))
    with CaptureQueriesContext(connection) as captured:
        unit_trails(tree, access=access)
    assert len(captured) == 0
    plain = unit_trails(list(units_in_scope(access)))
    assert [unit.trail for unit in tree] == [unit.trail for unit in plain]

    hr_world.parent_officer._hr_access = None  # as the next request's user object
    fresh = hr_access(hr_world.parent_officer)
    assert fresh.units_above == {}


def test_trails_of_the_scope_units_are_kept_with_the_scope(hr_world):
    """The units above an officer's scope come from a cache kept under the scope's
    version (scope_above_cache): a request showing the scope's own units with their
    trail reads nothing; renaming a unit above is seen at once."""
    hr_access(hr_world.officer)
    unit_trails(
        hr_access(hr_world.officer).scope_units, access=hr_access(hr_world.officer)
    )
    hr_world.officer._hr_access = None  # the next request
    access = hr_access(hr_world.officer)
    with CaptureQueriesContext(connection) as captured:
        unit_trails(access.scope_units, access=access)
    assert len(captured) == 0
    assert access.scope_units[0].trail == "กระทรวงดิจิทัลทดสอบ › กรมหนึ่ง"

    hr_world.department.name_th = "กรมใหม่"
    hr_world.department.save()
    hr_world.officer._hr_access = None
    access = hr_access(hr_world.officer)
    assert unit_trails(access.scope_units, access=access)[0].trail == (
        "กระทรวงดิจิทัลทดสอบ › กรมใหม่"
    )


def _radio_label(html: str, unit) -> str:
    """The text of the label of the unit's radio button, tags removed."""
    match = re.search(
        rf'<label for="id_unit_{unit.pk}"[^>]*>(.*?)</label>', html, flags=re.S
    )
    assert match, unit.code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_the_tree_chooser_tells_same_named_units_apart(client, hr_world, three_same):
    units, _people = three_same
    client.force_login(hr_world.parent_officer)
    html = client.get(reverse("hr:assignment_new")).content.decode()
    assert "data-unit-tree" in html and 'type="search"' in html
    labels = {unit.code: _radio_label(html, unit) for unit in units}
    assert len(set(labels.values())) == 3
    assert "V1-HR" in labels["V1-HR"] and "กองหนึ่ง" in labels["V1-HR"]
    assert "V2-HR" in labels["V2-HR"] and "กองสอง" in labels["V2-HR"]
    # Nested: V1-HR sits inside V1's list, not beside it.
    v1 = html.index(f'id="id_unit_{hr_world.unit.pk}"')
    v2 = html.index(f'id="id_unit_{hr_world.sibling.pk}"')
    assert v1 < html.index(f'id="id_unit_{units[1].pk}"') < v2
    # An officer of V2 is offered V2's units only.
    client.force_login(hr_world.sibling_officer)
    html = client.get(reverse("hr:assignment_new")).content.decode()
    assert f'id="id_unit_{units[2].pk}"' in html
    assert f'id="id_unit_{units[1].pk}"' not in html
    assert f'id="id_unit_{units[0].pk}"' not in html


def test_preview_names_who_is_reached_and_assigning_reaches_only_them(
    client, hr_world, three_same
):
    units, people = three_same
    page = course(
        "การบริหารทรัพยากรบุคคล",
        slug="hr-basics",
        lessons=1,
        enrolment_policy=CoursePage.EnrolmentPolicy.ASSIGNED,
    )
    client.force_login(hr_world.parent_officer)
    data = {
        "course": page.pk,
        "due_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "unit": units[1].pk,
        "preview": "1",
    }
    response = client.post(reverse("hr:assignment_new"), data)
    preview = response.context["preview"]
    assert preview.count == 1
    assert [placement.person_id for placement in preview.people] == [people[1].pk]
    html = response.content.decode()
    assert "คนที่1" in html and "V1-HR" in html
    assert "คนที่0" not in html and "คนที่2" not in html
    del data["preview"]
    response = client.post(reverse("hr:assignment_new"), data)
    assert response.status_code == 302
    assignment = page.assignments.get()
    assert set(assignment.assignees.values_list("person_id", flat=True)) == {
        people[1].pk
    }
    detail = client.get(response["Location"]).content.decode()
    assert "V1-HR" in detail and "กองหนึ่ง" in detail


def test_preview_lists_the_first_fifty_and_counts_all(client, hr_world):
    page = course("หลักสูตรทดสอบ", slug="c-many", lessons=1)
    unit = org_unit("MANY", parent=hr_world.department)
    for k in range(53):
        PlacementFactory(unit=unit, person__first_name_th=f"ก{k:03d}")
    client.force_login(hr_world.parent_officer)
    response = client.post(
        reverse("hr:assignment_new"),
        {
            "course": page.pk,
            "due_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
            "unit": unit.pk,
            "preview": "1",
        },
    )
    preview = response.context["preview"]
    assert preview.count == 53 and len(preview.people) == 50
    names = [placement.person.first_name_th for placement in preview.people]
    assert names == sorted(names) and names[0] == "ก000"
    assert "ก052" not in response.content.decode()


def test_preview_query_budget(client, hr_world):
    page = course("หลักสูตรงบ", slug="c-budget", lessons=1)
    counter = iter(range(1000))

    def grow(n):
        for _ in range(n):
            k = next(counter)
            unit = org_unit(f"B{k}", parent=hr_world.department, name=SAME_NAME)
            PlacementFactory(unit=unit)

    data = {
        "course": page.pk,
        "due_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "unit": hr_world.department.pk,
        "preview": "1",
    }
    client.force_login(hr_world.parent_officer)

    def count():
        client.post(reverse("hr:assignment_new"), data)  # fills the reference caches
        with CaptureQueriesContext(connection) as captured:
            response = client.post(reverse("hr:assignment_new"), data)
            assert response.status_code == 200
        return len(captured)

    one, fifty = one_and_fifty(grow, count)
    assert one == fifty <= 9


def test_units_show_code_and_path_on_the_hr_pages(client, hr_world, three_same):
    units, people = three_same
    client.force_login(hr_world.parent_officer)
    directory = client.get(reverse("hr:directory")).content.decode()
    for unit in units:
        assert unit.code in directory
    assert "กระทรวงดิจิทัลทดสอบ › กรมหนึ่ง › กองสอง" in directory
    person = client.get(reverse("hr:person", args=[people[2].pk])).content.decode()
    assert "V2-HR" in person and "กรมหนึ่ง › กองสอง" in person


def test_directory_unit_filter_uses_the_tree_and_direct_placements(
    client, hr_world, three_same
):
    units, people = three_same
    client.force_login(hr_world.parent_officer)
    response = client.get(reverse("hr:directory"), {"unit": hr_world.unit.pk})
    listed = {p.person_id for p in response.context["page"].object_list}
    assert people[1].pk in listed and people[2].pk not in listed
    response = client.get(
        reverse("hr:directory"), {"unit": hr_world.unit.pk, "direct": "on"}
    )
    listed = {p.person_id for p in response.context["page"].object_list}
    assert people[1].pk not in listed and hr_world.target.pk in listed
    # Another unit's officer cannot filter on a unit outside their scope.
    client.force_login(hr_world.sibling_officer)
    response = client.get(reverse("hr:directory"), {"unit": hr_world.unit.pk})
    listed = {p.person_id for p in response.context["page"].object_list}
    assert hr_world.target.pk not in listed and people[1].pk not in listed


# ------------------------------------------------------------------------------
# Heat map: cells open the people behind them, a total row
# ------------------------------------------------------------------------------


def _links(html: str) -> list[str]:
    return [
        link.replace("&amp;", "&")
        for link in re.findall(r'href="(/hr/people/\?[^"]+)"', html)
    ]


def test_heat_map_cells_open_who_meets_and_who_does_not(client, hr_world):
    from tests.hr.staff_helpers import staff

    staff(hr_world.unit, hr_world.framework, 6)
    staff(hr_world.sibling, hr_world.framework, 5, offset=6)
    client.force_login(hr_world.parent_officer)
    response = client.get(reverse("hr:heatmap"))
    heat = response.context["heat"]
    html = response.content.decode()
    links = _links(html)
    checked = 0
    for row in [*heat.rows, heat.total]:
        for item in row.heat_cells:
            if not item.cell:
                continue
            for meeting, expected in (
                ("yes", item.cell.meeting),
                ("no", item.not_meeting),
            ):
                url = (
                    f"/hr/people/?{row.people_query}"
                    f"&competency={item.competency.pk}&meeting={meeting}"
                )
                if expected:
                    assert url in links
                listed = client.get(url).context["page"].paginator.count
                assert listed == expected, (row.label, item.competency.code, meeting)
                checked += 1
    assert checked > 8


def test_heat_map_total_row_adds_up_the_rows(client, hr_world):
    from tests.hr.staff_helpers import staff

    staff(hr_world.unit, hr_world.framework, 4)
    staff(hr_world.sibling, hr_world.framework, 3, offset=4)
    client.force_login(hr_world.parent_officer)
    for by in ("child", "group"):
        heat = client.get(reverse("hr:heatmap"), {"by": by}).context["heat"]
        for index, (_competency, total, _band) in enumerate(heat.total.cells):
            cells = [row.cells[index][1] for row in heat.rows if row.cells[index][1]]
            if not cells:
                assert total is None
                continue
            assert total.staff == sum(cell.staff for cell in cells)
            assert total.meeting == sum(cell.meeting for cell in cells)
    html = client.get(reverse("hr:heatmap")).content.decode()
    assert "<tfoot>" in html and "รวม" in html


def test_heat_map_of_another_units_subtree_is_a_404(client, hr_world):
    client.force_login(hr_world.sibling_officer)
    response = client.get(reverse("hr:heatmap"), {"node": hr_world.unit.pk})
    assert response.status_code == 404


def test_heat_map_headers_name_the_competencies(client, hr_world):
    from tests.hr.staff_helpers import staff

    staff(hr_world.unit, hr_world.framework, 2)
    client.force_login(hr_world.officer)
    response = client.get(reverse("hr:heatmap"))
    html = response.content.decode()
    for competency in response.context["heat"].matrix.competencies:
        assert f'<abbr title="{competency.name}">{competency.code}</abbr>' in html


def test_heat_map_query_budget_with_links_and_total(client, hr_world):
    from tests.hr.staff_helpers import staff

    counter = iter(range(1000))

    def grow(n):
        for _ in range(n):
            unit = org_unit(f"Q{next(counter)}", parent=hr_world.department)
            staff(unit, hr_world.framework, 1)

    client.force_login(hr_world.parent_officer)
    one, fifty = one_and_fifty(
        grow, lambda: page_queries(client, reverse("hr:heatmap"))
    )
    assert one == fifty <= 8
