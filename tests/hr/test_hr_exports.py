"""Exports of the HR tables: CSV with BOM and XLSX, Thai intact, scoped, audited."""

import csv
import io
from datetime import date

from django.http import StreamingHttpResponse
from django.urls import reverse

import pytest
from openpyxl import load_workbook

from academy.accounts.models import AuditEntry
from academy.core.spreadsheet import csv_cell, formula_unescaped
from competencies.selectors import framework_list_active
from hr.exports import csv_lines, xlsx_write
from tests.factories import PlacementFactory

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx(response) -> list[tuple]:
    body = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    return [tuple(row) for row in workbook.active.iter_rows(values_only=True)]


def test_directory_csv_keeps_thai_and_follows_the_scope(client, hr_world):
    PlacementFactory(unit=hr_world.sibling, person__first_name_th="นอกขอบเขต")
    client.force_login(hr_world.officer)
    rows = _csv(client.get(reverse("hr:directory_export", args=["csv"])))
    header, body = rows[0], rows[1:]
    assert header[:5] == [
        "employee_number",
        "national_id_masked",
        "title_th",
        "first_name_th",
        "last_name_th",
    ]
    assert header[-1] == f"group_{framework_list_active()[0].code}"
    by_number = {row[0]: row for row in body}
    target = by_number["T0001"]
    assert target[3:5] == ["สมศรี", "มีสุข"]
    assert target[1] == "1-1017-xxxxx-xx-8"
    assert target[9] == "กองหนึ่ง"
    assert target[header.index("supervisor_employee_number")] == "S0001"
    assert target[header.index("unit_parents_th")] == "กระทรวงดิจิทัลทดสอบ › กรมหนึ่ง"
    assert target[-1]  # a personnel group code
    assert not any("นอกขอบเขต" in cell for row in body for cell in row)
    entry = AuditEntry.objects.get(action="export")
    assert entry.detail["table"] == "directory" and entry.detail["format"] == "csv"


def test_directory_export_applies_the_filters(client, hr_world):
    client.force_login(hr_world.parent_officer)
    response = client.get(
        reverse("hr:directory_export", args=["csv"]), {"unit": hr_world.unit.pk}
    )
    numbers = {row[0] for row in _csv(response)[1:]}
    assert "T0001" in numbers and "S0001" not in numbers


def test_directory_xlsx_keeps_thai(client, hr_world):
    client.force_login(hr_world.officer)
    response = client.get(reverse("hr:directory_export", args=["xlsx"]))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    rows = _xlsx(response)
    assert rows[1][0] == "employee_number"
    target = next(row for row in rows if row[0] == "T0001")
    assert target[3:5] == ("สมศรี", "มีสุข")


def test_person_evidence_exports(client, hr_world):
    client.force_login(hr_world.officer)
    rows = _csv(
        client.get(
            reverse("hr:person_evidence_export", args=[hr_world.target.pk, "csv"])
        )
    )
    assert rows[1][:2] == [hr_world.framework.code, "ACD-LIT-01"]
    assert rows[1][4] == "2" and rows[1][6] == "manual"
    assert rows[1][11] == "ประเมินโดยหัวหน้างาน" and rows[1][12] == "rating.pdf"
    sheet = _xlsx(
        client.get(
            reverse("hr:person_evidence_export", args=[hr_world.target.pk, "xlsx"])
        )
    )
    assert sheet[2][11] == "ประเมินโดยหัวหน้างาน"
    entry = AuditEntry.objects.filter(action="export").first()
    assert entry.subject_person_id == hr_world.target.pk


def test_heat_map_export_matches_the_page(client, hr_world):
    client.force_login(hr_world.parent_officer)
    page = client.get(reverse("hr:heatmap"))
    expected = {
        (row.unit.code, competency.code, cell.staff, cell.meeting)
        for row in page.context["heat"].rows
        for competency, cell, _band in row.cells
        if cell
    }
    rows = _csv(client.get(reverse("hr:heatmap_export", args=["csv"])))
    assert rows[0][:4] == [
        "row_code",
        "row_name",
        "competency_code",
        "competency_name_th",
    ]
    assert {(r[0], r[2], int(r[4]), int(r[5])) for r in rows[1:]} == expected
    assert expected
    assert any(r[1] == "กองหนึ่ง" for r in rows[1:])


def test_cells_that_look_like_formulas_are_written_as_text(tmp_path):
    lines = "".join(csv_lines(["name"], [["=HYPERLINK(1)"], ["-1+2"], ["ปกติ"]]))
    assert "'=HYPERLINK(1)" in lines and "'-1+2" in lines and "\nปกติ" in lines
    path = tmp_path / "x.xlsx"
    xlsx_write(str(path), title="t", header=["name"], rows=[["=1+1"]])
    sheet = load_workbook(path).active
    assert sheet["A3"].data_type == "s" and sheet["A3"].value == "=1+1"


def test_csv_is_streamed_in_chunks():
    chunks = list(csv_lines(["n"], ([n] for n in range(1200))))
    assert len(chunks) == 4  # header, 500, 500, 200


def test_xlsx_has_a_thai_header_row_above_the_column_names(client, hr_world):
    client.force_login(hr_world.officer)
    response = client.get(
        reverse("hr:directory_export", args=["xlsx"]), HTTP_ACCEPT_LANGUAGE="th"
    )

    rows = _xlsx(response)

    assert rows[0][0] == "เลขประจำตัว"
    assert rows[1][0] == "employee_number"


def test_xlsx_freezes_both_header_rows(tmp_path):
    path = tmp_path / "x.xlsx"
    xlsx_write(str(path), title="t", header=["employee_number"], rows=[["T0001"]])

    assert load_workbook(path).active.freeze_panes == "A3"


def test_xlsx_writes_dates_and_numbers_as_formatted_values(tmp_path):
    path = tmp_path / "x.xlsx"
    header = ["start_date", "staff", "mean_gap", "share_meeting"]
    xlsx_write(
        str(path), title="t", header=header, rows=[[date(2026, 1, 2), 1200, 0.5, 0.25]]
    )

    sheet = load_workbook(path).active
    cells = [sheet.cell(row=3, column=column) for column in range(1, 5)]
    assert cells[0].is_date and cells[0].number_format == "yyyy-mm-dd"
    assert [cell.number_format for cell in cells[1:]] == ["#,##0", "#,##0.00", "0.0%"]
    assert [cell.value for cell in cells[1:]] == [1200, 0.5, 0.25]


@pytest.mark.parametrize(
    "text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "'=already", "''+two", "ปกติ"]
)
def test_csv_formula_escaping_reads_back_exactly(text):
    assert formula_unescaped(csv_cell(text)) == text


def test_csv_cell_makes_formulas_text_and_leaves_other_text_alone():
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_cell("ปกติ") == "ปกติ"
    assert csv_cell(None) == ""
    assert csv_cell(date(2026, 1, 2)) == "2026-01-02"


def test_xlsx_round_trips_markup_booleans_and_times(tmp_path):
    from datetime import datetime

    path = tmp_path / "x.xlsx"
    when = datetime(2026, 3, 4, 5, 6)
    xlsx_write(
        str(path),
        title='กอง "หนึ่ง" & <สอง>',
        header=["note", "done", "at", "empty"],
        rows=[['a < b & "c" \x01 ', True, when, None]],
    )

    workbook = load_workbook(path)
    sheet = workbook.active
    assert sheet.title == 'กอง "หนึ่ง" & <สอง>'
    assert [sheet.cell(row=3, column=n).value for n in range(1, 5)] == [
        'a < b & "c"  ',
        True,
        when,
        None,
    ]
    assert sheet.cell(row=3, column=3).number_format == "yyyy-mm-dd hh:mm"
    assert sheet["A1"].font.b and not sheet["A2"].font.b


def test_xlsx_keeps_text_that_looks_like_xlsxwriter_rich_text_escaped(tmp_path):
    # XlsxWriter copies an inline string of the form <r>...</r> into the sheet as
    # raw XML; a note written like that must not break the file or inject markup.
    path = tmp_path / "x.xlsx"
    text = '<r><t>x</t></r> & <b "c">ข</r>'
    rows = [["<r>a & b</r>"], [f"<r>{text}"], ["<r></r>"]]
    xlsx_write(str(path), title="t", header=["note"], rows=rows)

    sheet = load_workbook(path).active
    assert [sheet.cell(row=n, column=1).value for n in (3, 4, 5)] == [
        "<r>a & b</r>",
        f"<r>{text}",
        "<r></r>",
    ]


def test_xlsx_sheet_name_drops_characters_excel_refuses(tmp_path):
    path = tmp_path / "x.xlsx"
    xlsx_write(str(path), title="'กอง [1]/2: ก*?\\'", header=["note"], rows=[])

    assert load_workbook(path).active.title == "กอง 12 ก"
