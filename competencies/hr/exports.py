"""Streaming CSV and write-only XLSX for the HR tables: bounded memory, Thai intact.

CSV is UTF-8 with a byte-order mark (so spreadsheet programs read Thai correctly),
yielded a few hundred rows at a time, with the columns' machine names as its header
(for scripts) and formulas made text by academy.core.spreadsheet. XLSX is what people
open: two header rows, the column's name in the reader's language (Thai first) and its
machine name, both frozen; dates as dates, numbers as numbers with a display format.
It is written row by row as SpreadsheetML into a temporary file (see xlsx_write) that
is unlinked as soon as it is reopened, then streamed from disk. Pure code: the rows come from the
selectors as an iterator.
"""

import csv
import os
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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


# The workbook is written as SpreadsheetML by hand, streamed row by row into the zip:
# openpyxl builds a cell object per value (about 70 µs a cell, two minutes for
# 100,000 staff), where a row here is one f-string per cell. Strings are inline
# (t="inlineStr"), so memory stays bounded whatever the number of distinct names, and
# never formulas. The exports are read back with openpyxl in tests.
_STYLE_BOLD, _STYLE_DATE, _STYLE_DATETIME, _STYLE_INTEGER = 1, 2, 3, 4
_STYLE_DECIMAL, _STYLE_SHARE = 5, 6
_XLSX_ROWS_PER_WRITE = 500
_EXCEL_EPOCH = datetime(1899, 12, 30)
_XML_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""
_ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG_REL_NS}">\
<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>\
</Relationships>"""
_WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG_REL_NS}">\
<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/>\
</Relationships>"""
# cellXfs in the order of the _STYLE_ constants: normal, bold, date, date and time,
# integer (built-in format 3), decimal (built-in 4), share.
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_XML_NS}">\
<numFmts count="3"><numFmt numFmtId="164" formatCode="{XLSX_DATE_FORMAT}"/>\
<numFmt numFmtId="165" formatCode="{XLSX_DATETIME_FORMAT}"/>\
<numFmt numFmtId="166" formatCode="{XLSX_SHARE_FORMAT}"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>\
</cellStyles></styleSheet>"""


def _column_letters(count: int) -> list[str]:
    letters = []
    for number in range(1, count + 1):
        name = ""
        while number:
            number, remainder = divmod(number - 1, 26)
            name = chr(65 + remainder) + name
        letters.append(name)
    return letters


def _xml_text(value: str) -> str:
    return escape(ILLEGAL_CHARACTERS_RE.sub("", value))


def _xlsx_row(number: int, values, columns: list[str], shares: list[bool]) -> str:
    cells = []
    for value, column, share in zip(values, columns, shares, strict=False):
        ref = f"{column}{number}"
        if value is None:
            continue
        if isinstance(value, str):
            cells.append(
                f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">'
                f"{_xml_text(value)}</t></is></c>"
            )
        elif isinstance(value, bool):
            cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, int):
            cells.append(f'<c r="{ref}" s="{_STYLE_INTEGER}"><v>{value}</v></c>')
        elif isinstance(value, float | Decimal):
            style = _STYLE_SHARE if share else _STYLE_DECIMAL
            cells.append(f'<c r="{ref}" s="{style}"><v>{float(value)!r}</v></c>')
        elif isinstance(value, datetime):
            serial = (value.replace(tzinfo=None) - _EXCEL_EPOCH).total_seconds() / 86400
            cells.append(f'<c r="{ref}" s="{_STYLE_DATETIME}"><v>{serial!r}</v></c>')
        elif isinstance(value, date):
            serial = (value - _EXCEL_EPOCH.date()).days
            cells.append(f'<c r="{ref}" s="{_STYLE_DATE}"><v>{serial}</v></c>')
        else:
            cells.append(
                f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">'
                f"{_xml_text(str(value))}</t></is></c>"
            )
    return f'<row r="{number}">{"".join(cells)}</row>'


def xlsx_write(path: str, *, title: str, header: Sequence[str], rows) -> None:
    """Two frozen header rows (the label people read, the machine name), then rows."""
    names = [str(name) for name in header]
    columns = _column_letters(max(len(names), 1))
    shares = [name in SHARE_COLUMNS for name in names]
    sheet_name = escape(
        ILLEGAL_CHARACTERS_RE.sub("", str(title))[:31] or "Sheet", {'"': "&quot;"}
    )
    labels = "".join(
        f'<c r="{column}1" t="inlineStr" s="{_STYLE_BOLD}"><is><t xml:space="preserve">'
        f"{_xml_text(column_label(name))}</t></is></c>"
        for name, column in zip(names, columns, strict=False)
    )
    with zipfile.ZipFile(
        path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
    ) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _ROOT_RELS)
        package.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{_XML_NS}" xmlns:r="{_REL_NS}"><sheets>'
            f'<sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        package.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        package.writestr("xl/styles.xml", _STYLES)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                (
                    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    f'<worksheet xmlns="{_XML_NS}" xmlns:r="{_REL_NS}">'
                    '<sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" '
                    'state="frozen"/><selection pane="bottomLeft" activeCell="A3" '
                    'sqref="A3"/></sheetView></sheetViews><sheetData>'
                    f'<row r="1">{labels}</row>' + _xlsx_row(2, names, columns, shares)
                ).encode("utf-8")
            )
            chunk = []
            for number, row in enumerate(rows, start=3):
                chunk.append(_xlsx_row(number, row, columns, shares))
                if len(chunk) >= _XLSX_ROWS_PER_WRITE:
                    sheet.write("".join(chunk).encode("utf-8"))
                    chunk = []
            chunk.append("</sheetData></worksheet>")
            sheet.write("".join(chunk).encode("utf-8"))


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
