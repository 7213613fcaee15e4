"""Exports that read as reports: the heat map report (title row with scope, framework
and B.E. date, Thai headers, labels, percentages, a total row, print setup)."""

import io

from django.urls import reverse
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from tests.factories import org_unit
from tests.hr.staff_helpers import staff
from tests.queries import one_and_fifty

pytestmark = pytest.mark.django_db


def _book(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_heat_map_report_reads_as_a_report(client, hr_world):
    staff(hr_world.unit, hr_world.framework, 5)
    staff(hr_world.sibling, hr_world.framework, 4, offset=5)
    client.force_login(hr_world.parent_officer)
    page = client.get(reverse("hr:heatmap"))
    heat = page.context["heat"]
    assert reverse("hr:heatmap_report") in page.content.decode()
    book = _book(client.get(reverse("hr:heatmap_report")))
    share, figures = book.worksheets
    assert share.title == "ร้อยละผู้ผ่านเกณฑ์"
    title = share["A1"].value
    year = timezone.localdate().year + 543
    assert "D1" in title and "กรมหนึ่ง" in title and str(year) in title
    assert heat.framework.name in title
    headers = [cell.value for cell in share[3]]
    assert headers[:3] == ["รหัส", "หน่วยงาน", "บุคลากร"]
    for competency in heat.matrix.competencies:
        assert f"{competency.code} {competency.name}" in headers
    rows = {row[0]: row for row in share.iter_rows(min_row=4, values_only=True)}
    assert rows["V1"][1] == "กองหนึ่ง"
    # Percentages, not fractions: stored as shares, shown with a % format.
    v1 = next(row for row in heat.rows if row.unit and row.unit.code == "V1")
    index = next(i for i, (_c, cell, _b) in enumerate(v1.cells) if cell)
    assert rows["V1"][3 + index] == pytest.approx(v1.cells[index][1].share_meeting)
    assert share.cell(4, 4 + index).number_format == "0.0%"
    total = share.cell(share.max_row, 2)
    assert total.value == "รวม" and total.font.b
    # Print setup.
    assert share.page_setup.orientation == "landscape"
    assert share.sheet_properties.pageSetUpPr.fitToPage
    # One page wide (1, the default, is left out of the file), any number tall.
    assert (share.page_setup.fitToWidth or 1) == 1
    assert share.page_setup.fitToHeight == 0
    assert share.print_title_rows == "$1:$3"
    detail = list(figures.iter_rows(min_row=2, values_only=True))
    assert detail[0][:4] == ("รหัส", "หน่วยงาน", "รหัสสมรรถนะ", "สมรรถนะ")
    assert any(row[1] == "กองหนึ่ง" for row in detail[1:])


def test_heat_map_report_in_english(client, hr_world):
    staff(hr_world.unit, hr_world.framework, 2)
    client.force_login(hr_world.officer)
    client.cookies["django_language"] = "en"
    book = _book(client.get(reverse("hr:heatmap_report"), HTTP_ACCEPT_LANGUAGE="en"))
    share = book.worksheets[0]
    assert share.title == "Share meeting"
    assert [cell.value for cell in share[3]][:3] == [
        "Code",
        "Organisation unit",
        "Staff",
    ]
    assert str(timezone.localdate().year) in share["A1"].value


def test_heat_map_report_scope(client, hr_world):
    client.force_login(hr_world.sibling_officer)
    response = client.get(reverse("hr:heatmap_report"), {"node": hr_world.unit.pk})
    assert response.status_code == 404
    client.force_login(hr_world.learner_user)
    assert client.get(reverse("hr:heatmap_report")).status_code in (403, 404)


def test_heat_map_report_query_budget(client, hr_world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counter = iter(range(1000))

    def grow(n):
        for _ in range(n):
            unit = org_unit(f"R{next(counter)}", parent=hr_world.department)
            staff(unit, hr_world.framework, 1)

    client.force_login(hr_world.parent_officer)
    url = reverse("hr:heatmap_report")

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one, fifty = one_and_fifty(grow, count)
    # 8 reads (the heat map's) and one write: the export's audit entry.
    assert one == fifty <= 9
