"""Streaming CSV and write-only XLSX for the HR tables: bounded memory, Thai intact.

CSV is UTF-8 with a byte-order mark (so spreadsheet programs read Thai correctly),
yielded a few hundred rows at a time. XLSX goes through openpyxl's write-only workbook
into a temporary file that is unlinked as soon as it is reopened, then streamed from
disk. Cells that a spreadsheet would run as a formula are written as plain text.
Pure code: the rows come from the selectors as an iterator.
"""

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMATS = ("csv", "xlsx")
CSV_ROWS_PER_CHUNK = 500
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    """csv.writer's file: hands each written line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The BOM, the header and the rows, in chunks of CSV_ROWS_PER_CHUNK lines."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(name) for name in header])
    chunk = []
    for row in rows:
        chunk.append(writer.writerow([_csv_value(value) for value in row]))
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


def _xlsx_cell(sheet, value):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(sheet, value=value)
        if value.startswith("="):
            cell.data_type = "s"
        return cell
    return WriteOnlyCell(sheet, value=value)


def xlsx_write(path: str, *, title: str, header: Sequence[str], rows) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet")
    sheet.append([str(name) for name in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
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
