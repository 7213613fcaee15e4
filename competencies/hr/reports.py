"""Exports that read as reports: what an HR office prints and files.

Unlike the raw exports (competencies.hr.exports: machine names, codes, fractions, for
analysts and scripts), a report workbook has one sheet per table, each opening with a
title row that states the table, the organisation (its code and the units above it),
the framework and the date (in the Buddhist Era in Thai); column headers in the
reader's language; labels rather than codes; shares as percentages; and a page set up
for printing (A4 landscape, one page wide, the title and header rows repeated on every
page, page numbers in the footer). Reports are small (a row per unit or group), so the
workbook is built in memory with openpyxl.
"""

import io
from dataclasses import dataclass, field
from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from academy.core.thaidate import format_date

TEXT, INTEGER, PERCENT, DECIMAL = "text", "integer", "percent", "decimal"
FORMATS = {INTEGER: "#,##0", PERCENT: "0.0%", DECIMAL: "#,##0.00"}
WIDTHS = {TEXT: 28, INTEGER: 11, PERCENT: 11, DECIMAL: 11}


@dataclass
class Column:
    label: str
    kind: str = TEXT
    width: int | None = None


@dataclass
class ReportSheet:
    """One table: its name (the sheet tab), its title row and its rows."""

    name: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    #: Rows drawn as totals (bold, a rule above), after the others.
    totals: list[list] = field(default_factory=list)
    note: str = ""


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


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def report_workbook(sheets: list[ReportSheet]) -> bytes:
    """The workbook of `sheets`, as the bytes of an .xlsx file."""
    bold = Font(bold=True)
    title_font = Font(bold=True, size=14)
    header_fill = PatternFill("solid", fgColor="DDE3EA")
    rule = Border(top=Side(style="thin"), bottom=Side(style="double"))
    wrap = Alignment(wrap_text=True, vertical="top")
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for spec in sheets:
        sheet = workbook.create_sheet(_sheet_name(spec.name, used))
        width = max(len(spec.columns), 1)
        sheet.append([spec.title])
        sheet.cell(1, 1).font = title_font
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        header_row = 2
        if spec.note:
            sheet.append([spec.note])
            sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
            sheet.cell(2, 1).alignment = wrap
            header_row = 3
        sheet.append([column.label for column in spec.columns])
        for cell in sheet[header_row]:
            cell.font = bold
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for values in spec.rows + spec.totals:
            sheet.append(list(values))
        last = sheet.max_row
        first_total = last - len(spec.totals) + 1
        for index, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = column.width or WIDTHS[column.kind]
            number_format = FORMATS.get(column.kind)
            for row in range(header_row + 1, last + 1):
                cell = sheet.cell(row, index)
                if number_format:
                    cell.number_format = number_format
                if row >= first_total and spec.totals:
                    cell.font = bold
                    if row == first_total:
                        cell.border = rule
        sheet.freeze_panes = sheet.cell(header_row + 1, 2)
        # Print: A4 landscape, one page wide, title and header on every page.
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = f"1:{header_row}"
        sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        sheet.print_options.gridLines = True
        sheet.oddFooter.center.text = _("Page &P of &N")
        sheet.oddFooter.left.text = spec.name
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
