"""Streaming CSV and write-only XLSX for the HR tables: bounded memory, Thai intact.

CSV is UTF-8 with a byte-order mark (so spreadsheet programs read Thai correctly),
yielded a few hundred rows at a time, with the columns' machine names as its header
(for scripts) and formulas made text by academy.core.spreadsheet. XLSX is what people
open: two header rows, the column's name in the reader's language (Thai first) and its
machine name, both frozen; dates as dates, numbers as numbers with a display format.
It is written row by row by XlsxWriter (constant_memory) into a temporary file (see
xlsx_write) that is unlinked as soon as it is reopened, then streamed from disk. Pure code: the rows come from the
selectors as an iterator.
"""

import csv
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter import Workbook
from xlsxwriter.worksheet import Worksheet

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
    "unit_parents_th": _("Part of (Thai)"),
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
    "in_progress": pgettext_lazy("learning", "In progress"),
    "not_started": pgettext_lazy("learning", "Not started"),
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


# XlsxWriter in constant_memory mode: each row is flushed to a temporary file as soon
# as the next one starts, strings are inline (no shared-string table), so memory stays
# bounded whatever the number of rows or distinct names. Strings are always written
# with write_string, so they never become formulas or links. The exports are read back
# with openpyxl in tests.
_WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    # The wall-clock time the value carries, as before: Excel has no time zones.
    "remove_timezone": True,
}
# Characters XlsxWriter refuses in a worksheet name.
_SHEET_NAME_INVALID_RE = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str) -> str:
    name = _SHEET_NAME_INVALID_RE.sub("", ILLEGAL_CHARACTERS_RE.sub("", str(title)))
    name = name.strip("'")[:31].strip("'")
    return name if name and name.casefold() != "history" else "Sheet"


class _RowWriter:
    """Writes one row's cells with the number format that fits each value's type."""

    def __init__(self, workbook: Workbook, sheet: Worksheet, names: list[str]):
        self.sheet = sheet
        self.plain = workbook.add_format()
        self.date = workbook.add_format({"num_format": XLSX_DATE_FORMAT})
        self.datetime = workbook.add_format({"num_format": XLSX_DATETIME_FORMAT})
        self.integer = workbook.add_format({"num_format": XLSX_INTEGER_FORMAT})
        decimal = workbook.add_format({"num_format": XLSX_DECIMAL_FORMAT})
        share = workbook.add_format({"num_format": XLSX_SHARE_FORMAT})
        self.fractions = [share if name in SHARE_COLUMNS else decimal for name in names]

    def string(self, row: int, column: int, value: str, cell_format=None) -> None:
        if ILLEGAL_CHARACTERS_RE.search(value):  # rare: skip the costlier sub
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("<r>") and value.endswith("</r>"):
            # XlsxWriter copies such an inline string into the sheet unescaped (it
            # takes it for its own rich-text runs); as two plain runs it is escaped
            # and reads back as the same text.
            runs = [value[:1], self.plain, value[1:]]
            if cell_format is not None:
                runs.append(cell_format)  # a trailing format is the cell's own
            self.sheet.write_rich_string(row, column, *runs)
        else:
            self.sheet.write_string(row, column, value, cell_format)

    def write(self, row: int, values: Iterable) -> None:
        sheet = self.sheet
        for column, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, str):
                self.string(row, column, value)
            elif isinstance(value, bool):
                sheet.write_boolean(row, column, value)
            elif isinstance(value, int):
                sheet.write_number(row, column, value, self.integer)
            elif isinstance(value, float | Decimal):
                if column < len(self.fractions):
                    sheet.write_number(
                        row, column, float(value), self.fractions[column]
                    )
                else:
                    sheet.write_number(row, column, float(value))
            elif isinstance(value, datetime):
                sheet.write_datetime(row, column, value, self.datetime)
            elif isinstance(value, date):
                sheet.write_datetime(row, column, value, self.date)
            else:
                self.string(row, column, str(value))


def xlsx_write(path: str, *, title: str, header: Sequence[str], rows) -> None:
    """Two frozen header rows (the label people read, the machine name), then rows."""
    names = [str(name) for name in header]
    workbook = Workbook(path, _WORKBOOK_OPTIONS)
    try:
        sheet = workbook.add_worksheet(_sheet_name(title))
        sheet.freeze_panes(2, 0)
        writer = _RowWriter(workbook, sheet, names)
        bold = workbook.add_format({"bold": True})
        for column, name in enumerate(names):
            writer.string(0, column, column_label(name), bold)
        writer.write(1, names)
        for number, row in enumerate(rows, start=2):
            writer.write(number, row)
    finally:
        workbook.close()


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
