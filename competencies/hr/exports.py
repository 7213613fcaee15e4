"""Streaming CSV and write-only XLSX for the HR tables: bounded memory, Thai intact.

CSV is UTF-8 with a byte-order mark (so spreadsheet programs read Thai correctly),
yielded a few hundred rows at a time, with the columns' machine names as its header
(for scripts) and formulas made text by academy.core.spreadsheet. XLSX is what people
open: two header rows, the column's name in the reader's language (Thai first) and its
machine name, both frozen; dates as dates, numbers as numbers with a display format.
It goes through openpyxl's write-only workbook into a temporary file that is unlinked
as soon as it is reopened, then streamed from disk. Pure code: the rows come from the
selectors as an iterator.
"""

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from academy.core.spreadsheet import BOM, csv_cell

FORMATS = ("csv", "xlsx")
CSV_ROWS_PER_CHUNK = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DATE_FORMAT = "yyyy-mm-dd"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_INTEGER_FORMAT = "#,##0"
XLSX_DECIMAL_FORMAT = "#,##0.00"
XLSX_SHARE_FORMAT = "0.0%"

#: The name people read above each machine column name in XLSX exports.
COLUMN_LABELS = {
    "employee_number": _("Employee number"),
    "national_id_masked": _("National ID (masked)"),
    "title_th": _("Title (Thai)"),
    "first_name_th": _("First name (Thai)"),
    "last_name_th": _("Last name (Thai)"),
    "first_name_en": _("First name (English)"),
    "last_name_en": _("Last name (English)"),
    "email": _("Email"),
    "unit_code": _("Unit code"),
    "unit_name_th": _("Unit (Thai)"),
    "position_type": _("Position type"),
    "position_level": _("Position level"),
    "line_of_work": _("Line of work"),
    "supervisor_employee_number": _("Supervisor's employee number"),
    "start_date": _("Start date"),
    "framework": _("Framework"),
    "competency_code": _("Competency code"),
    "competency_name_th": _("Competency (Thai)"),
    "competency_name_en": _("Competency (English)"),
    "level": _("Level"),
    "level_name_th": _("Level name (Thai)"),
    "source": _("Source"),
    "observed_on": _("Observed on"),
    "expires_on": _("Expires on"),
    "recorded_by": _("Recorded by"),
    "reference": _("Reference"),
    "note": _("Note"),
    "attachment": _("Attachment"),
    "row_code": _("Row code"),
    "row_name": _("Row"),
    "staff": _("Staff"),
    "meeting": _("Meeting the requirement"),
    "share_meeting": _("Share meeting the requirement"),
    "mean_gap": _("Mean gap"),
    "assignment_id": _("Assignment"),
    "course_code": _("Course code"),
    "course_title": _("Course"),
    "due_on": _("Due on"),
    "assigned": _("Assigned"),
    "completed": _("Completed"),
    "in_progress": _("In progress"),
    "not_started": _("Not started"),
    "overdue": _("Overdue"),
}
#: Columns whose numbers are shares of one, shown as percentages.
SHARE_COLUMNS = frozenset({"share_meeting"})


def column_label(name: str) -> str:
    if name in COLUMN_LABELS:
        return str(COLUMN_LABELS[name])
    if name.startswith("group_"):
        return str(_("Personnel group (%(framework)s)") % {"framework": name[6:]})
    return name


class _Echo:
    """csv.writer's file: hands each written line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The BOM, the header and the rows, in chunks of CSV_ROWS_PER_CHUNK lines."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([str(name) for name in header])
    chunk = []
    for row in rows:
        chunk.append(writer.writerow([csv_cell(value) for value in row]))
        if len(chunk) >= CSV_ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence]
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{filename}.csv"
    )
    response["Cache-Control"] = "no-store"
    return response


def _xlsx_cell(sheet, value, column: str):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(sheet, value=value)
        if value.startswith("="):
            cell.data_type = "s"
        return cell
    if isinstance(value, Decimal):
        value = float(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            cell.value = value.replace(tzinfo=None)
        cell.number_format = XLSX_DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = XLSX_DATE_FORMAT
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int):
        cell.number_format = XLSX_INTEGER_FORMAT
    elif isinstance(value, float):
        cell.number_format = (
            XLSX_SHARE_FORMAT if column in SHARE_COLUMNS else XLSX_DECIMAL_FORMAT
        )
    return cell


def xlsx_write(path: str, *, title: str, header: Sequence[str], rows) -> None:
    """Two frozen header rows (the label people read, the machine name), then rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31] or "Sheet")
    sheet.freeze_panes = "A3"
    names = [str(name) for name in header]
    bold = Font(bold=True)
    labels = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=column_label(name))
        cell.font = bold
        labels.append(cell)
    sheet.append(labels)
    sheet.append(names)
    for row in rows:
        sheet.append(
            [
                _xlsx_cell(sheet, value, name)
                for value, name in zip(row, names, strict=False)
            ]
        )
    workbook.save(path)


def xlsx_response(
    *, filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence]
) -> FileResponse:
    descriptor, path = tempfile.mkstemp(prefix="academy-export-", suffix=".xlsx")
    os.close(descriptor)
    try:
        xlsx_write(path, title=title, header=header, rows=rows)
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    finally:
        os.unlink(path)
    response = FileResponse(
        handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE
    )
    response["Cache-Control"] = "no-store"
    return response


def export_response(
    fmt: str, *, filename: str, title: str, header: Sequence[str], rows
) -> StreamingHttpResponse | FileResponse:
    if fmt == "xlsx":
        return xlsx_response(filename=filename, title=title, header=header, rows=rows)
    return csv_response(filename=filename, header=header, rows=rows)
