"""Monthly matrix snapshots: the beat task, its idempotence, and the trend chart."""

from datetime import date

from django.urls import reverse

import pytest

from competencies.hr.services import matrix_snapshots_take
from competencies.models import MatrixSnapshot
from competencies.selectors import org_matrix
from competencies.tasks import matrix_snapshots_take as matrix_snapshots_task
from hr.charts import share_line_chart
from tests.factories import PlacementFactory, competency, level

pytestmark = pytest.mark.django_db


def test_snapshot_sums_the_matrix_of_each_scope_node(hr_world):
    on = date(2026, 11, 22)
    report = matrix_snapshots_take(on=on)
    assert report.month == date(2026, 11, 1)
    framework = hr_world.framework
    for root in (hr_world.unit, hr_world.sibling, hr_world.department):
        matrix = org_matrix(root, framework=framework, by="child", on=on)
        expected = {}
        for (_row, competency_id), cell in matrix.cells.items():
            staff, meeting = expected.get(competency_id, (0, 0))
            expected[competency_id] = (staff + cell.staff, meeting + cell.meeting)
        taken = {
            s.competency_id: (s.staff, s.meeting)
            for s in MatrixSnapshot.objects.filter(root=root, framework=framework)
        }
        assert taken == expected
    assert MatrixSnapshot.objects.filter(root=hr_world.unit).exists()


def test_taking_snapshots_twice_in_a_month_changes_nothing(hr_world):
    first = matrix_snapshots_take(on=date(2026, 11, 1))
    rows = list(MatrixSnapshot.objects.order_by("pk").values_list("pk", "meeting"))
    # Evidence recorded later in the month does not rewrite the month's snapshot.
    from competencies.services import evidence_record

    evidence_record(
        person=hr_world.target,
        competency=competency(hr_world.framework, "ACD-GOV-01"),
        level=level(hr_world.framework, 4),
        source="assessment",
        observed_on=date(2026, 11, 10),
    )
    second = matrix_snapshots_take(on=date(2026, 11, 28))
    assert first.created > 0 and second.created == 0
    taken_pairs = MatrixSnapshot.objects.values("root", "framework").distinct()
    assert second.skipped == taken_pairs.count() > 0
    assert (
        list(MatrixSnapshot.objects.order_by("pk").values_list("pk", "meeting")) == rows
    )
    assert matrix_snapshots_take(on=date(2026, 12, 1)).created == first.created


def test_the_beat_task_calls_the_service(hr_world):
    result = matrix_snapshots_task.delay().get()
    assert result["created"] == MatrixSnapshot.objects.count() > 0
    assert matrix_snapshots_task.delay().get()["created"] == 0


def test_trend_is_drawn_on_the_heat_map(client, hr_world):
    matrix_snapshots_take(on=date(2026, 9, 1))
    PlacementFactory(unit=hr_world.unit)  # one more person, so the share moves
    matrix_snapshots_take(on=date(2026, 10, 1))
    client.force_login(hr_world.officer)
    response = client.get(reverse("hr:heatmap"))
    trend = response.context["heat"].trend
    assert [point.month for point in trend] == [date(2026, 9, 1), date(2026, 10, 1)]
    html = response.content.decode()
    assert "<polyline" in html and "ก.ย. 69" in html and "ต.ค. 69" in html


def test_chart_geometry_maps_shares_to_the_plot():
    chart = share_line_chart([("a", 0.0), ("b", 0.5), ("c", 1.0)])
    ys = [point.y for point in chart.points]
    assert ys[0] == chart.baseline and ys[2] == 16 and ys[1] == (ys[0] + ys[2]) / 2
    assert chart.points[0].x == chart.left and chart.points[-1].x == chart.right_edge
    assert chart.points[1].value_text == "50%"
    many = share_line_chart([(str(n), 0.5) for n in range(24)])
    assert many.x_labels[0] is many.points[0] and many.x_labels[-1] is many.points[-1]
    assert len(many.x_labels) <= 9
