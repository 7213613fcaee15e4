"""Exports that read as reports: what an HR office prints and files.

Unlike the raw exports (hr.exports: machine names, codes, fractions, for
analysts and scripts), a report workbook has one sheet per table, each opening with a
title row that states the table, the organisation (its code and the units above it),
the framework and the date (in the Buddhist Era in Thai); column headers in the
reader's language; labels rather than codes; shares as percentages; dates as the
reader writes them (7 ธ.ค. 2569 in Thai, as text, since spreadsheet programs do not
agree on a Buddhist-Era date format; real dates in English); and a page set up for
printing (A4 landscape, one page wide, the title and header rows repeated on every
page, page numbers in the footer).

Some reports run to one row per person (the staff directory at 100,000 people), so
the workbook is written by XlsxWriter in constant_memory mode, row by row from the
selectors' iterators, into a temporary file streamed from disk (as the raw exports).
"""

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse
from django.utils import translation
from django.utils.translation import gettext as _

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter import Workbook

from academy.core.thaidate import format_date

TEXT, INTEGER, PERCENT, DECIMAL, DATE = "text", "integer", "percent", "decimal", "date"
FORMATS = {INTEGER: "#,##0", PERCENT: "0.0%", DECIMAL: "#,##0.00", DATE: "d mmm yyyy"}
WIDTHS = {TEXT: 28, INTEGER: 11, PERCENT: 11, DECIMAL: 11, DATE: 14}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "remove_timezone": True,
}


@dataclass
class Column:
    label: str
    kind: str = TEXT
    width: int | None = None


@dataclass
class ReportSheet:
    """One table: its name (the sheet tab), its title row and its rows.

    `rows` may be any iterable (a selector's stream): it is read once, in order.
    """

    name: str
    title: str
    columns: list[Column]
    rows: Iterable = field(default_factory=list)
    #: Rows drawn as totals (bold, a rule above), after the others.
    totals: list[list] = field(default_factory=list)
    note: str = ""


def _thai() -> bool:
    return (translation.get_language() or "th").startswith("th")


def report_date(on: date) -> str:
    """The date as the reader writes it: 7 ธันวาคม 2569 in Thai."""
    return format_date(on, translation.get_language() or "th")


def report_title(title: str, *, scope: str, framework: str = "", on: date) -> str:
    """ "Table — organisation · framework · as of date", in the reader's language."""
    parts = [scope]
    if framework:
        parts.append(framework)
    parts.append(_("as of %(date)s") % {"date": report_date(on)})
    return f"{title} — {' · '.join(parts)}"


def unit_scope(unit) -> str:
    """An organisation as a title names it: its name, code and the units above it
    (unit_trails sets `trail`), so that same-named units cannot be confused."""
    scope = f"{unit.name} ({unit.code})"
    trail = getattr(unit, "trail", "")
    return f"{scope}, {trail}" if trail else scope


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in name)
    clean = ILLEGAL_CHARACTERS_RE.sub("", clean).strip("'")[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate.casefold() in used or candidate.casefold() == "history":
        suffix = f" ({n})"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.casefold())
    return candidate


class _Formats:
    """The cell formats of one workbook: per column kind, plain and as totals."""

    def __init__(self, workbook: Workbook):
        self.workbook = workbook
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.note = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.header = workbook.add_format(
            {
                "bold": True,
                "bg_color": "#DDE3EA",
                "text_wrap": True,
                "valign": "vcenter",
                "border": 1,
            }
        )
        self._cache: dict[tuple[str, int], object] = {}

    def cell(self, kind: str, total: int = 0):
        """total: 0 a body row, 1 the first total row (rule above), 2 later totals."""
        key = (kind, total)
        if key not in self._cache:
            spec: dict = {"border": 1, "valign": "top"}
            if kind == TEXT:
                spec["text_wrap"] = True
            if kind in FORMATS:
                spec["num_format"] = FORMATS[kind]
            if total:
                spec["bold"] = True
            if total == 1:
                spec["top"] = 6  # double rule
            self._cache[key] = self.workbook.add_format(spec)
        return self._cache[key]


def _write_row(sheet, formats: _Formats, row: int, columns, values, total=0) -> None:
    thai = _thai()
    for index, value in enumerate(values):
        kind = columns[index].kind if index < len(columns) else TEXT
        cell_format = formats.cell(kind, total)
        if value is None or value == "":
            sheet.write_blank(row, index, None, cell_format)
        elif isinstance(value, str):
            sheet.write_string(
                row, index, ILLEGAL_CHARACTERS_RE.sub("", value), cell_format
            )
        elif isinstance(value, bool):
            sheet.write_boolean(row, index, value, cell_format)
        elif isinstance(value, int | float | Decimal):
            sheet.write_number(row, index, float(value), cell_format)
        elif isinstance(value, datetime | date):
            if thai:
                text = format_date(value, "th", short=True)
                sheet.write_string(row, index, text, formats.cell(TEXT, total))
            else:
                sheet.write_datetime(row, index, value, cell_format)
        else:
            sheet.write_string(row, index, str(value), cell_format)


def report_write(path: str, sheets: list[ReportSheet]) -> None:
    """Write the workbook of `sheets` to `path`, each sheet's rows streamed in order."""
    workbook = Workbook(path, _WORKBOOK_OPTIONS)
    try:
        formats = _Formats(workbook)
        used: set[str] = set()
        for spec in sheets:
            sheet = workbook.add_worksheet(_sheet_name(spec.name, used))
            columns = spec.columns
            last_column = max(len(columns), 1) - 1
            for index, column in enumerate(columns):
                sheet.set_column(index, index, column.width or WIDTHS[column.kind])
            if last_column:
                sheet.merge_range(0, 0, 0, last_column, spec.title, formats.title)
            else:
                sheet.write_string(0, 0, spec.title, formats.title)
            sheet.set_row(0, 24)
            header_row = 1
            if spec.note:
                if last_column:
                    sheet.merge_range(1, 0, 1, last_column, spec.note, formats.note)
                else:
                    sheet.write_string(1, 0, spec.note, formats.note)
                sheet.set_row(1, 45)
                header_row = 2
            for index, column in enumerate(columns):
                sheet.write_string(header_row, index, column.label, formats.header)
            row = header_row + 1
            for values in spec.rows:
                _write_row(sheet, formats, row, columns, values)
                row += 1
            for number, values in enumerate(spec.totals):
                _write_row(
                    sheet, formats, row, columns, values, 1 if number == 0 else 2
                )
                row += 1
            sheet.freeze_panes(header_row + 1, 1 if len(columns) > 1 else 0)
            # Print: A4 landscape, one page wide, title and header on every page.
            sheet.set_landscape()
            sheet.set_paper(9)
            sheet.fit_to_pages(1, 0)
            sheet.repeat_rows(0, header_row)
            sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
            footer_name = spec.name.replace("&", "&&")
            sheet.set_footer(f"&L{footer_name}&C" + _("Page &P of &N"))
    finally:
        workbook.close()


def report_response(*, filename: str, sheets: list[ReportSheet]) -> FileResponse:
    """The report as an .xlsx download, written to a temporary file then streamed."""
    descriptor, path = tempfile.mkstemp(prefix="academy-report-", suffix=".xlsx")
    os.close(descriptor)
    try:
        report_write(path, sheets)
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    finally:
        os.unlink(path)
    response = FileResponse(
        handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE
    )
    response["Cache-Control"] = "no-store"
    return response
