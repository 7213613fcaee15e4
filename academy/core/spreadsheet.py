"""Cells that spreadsheets open safely: the one definition of formula escaping.

A CSV cell that starts with =, +, -, @, a tab or a carriage return is run as a
formula by Excel and LibreOffice ("CSV injection"). Such a cell is written with a
leading apostrophe, which spreadsheets show as text; a cell that already starts with
apostrophes before one of those characters gets one more, so that removing one on
reading gives back exactly what was written. Every CSV the Academy writes for people
to open goes through `csv_cell`, and every CSV it reads back through
`formula_unescaped`.

CSV files for people are UTF-8 with a byte order mark (`BOM`), which Excel and
LibreOffice need to read Thai as Thai. Excel splits a CSV on the list separator of
the computer's region, so where that is not a comma the XLSX export is the one to
open (see docs/exports.md).
"""

import csv
import io
import re
from datetime import date, datetime

BOM = "\ufeff"
FORMULA = re.compile(r"'*[=+\-@\t\r]")


def formula_escaped(text: str) -> str:
    return "'" + text if FORMULA.match(text) else text


def formula_unescaped(text: str) -> str:
    return text[1:] if text.startswith("'") and FORMULA.match(text) else text


def is_unclosed_quote(
    error: csv.Error, text: str, line: int, *, delimiter: str = ","
) -> bool:
    """True when a strict csv.reader failed because a quote opened on `line` stays open.

    A quote that is opened and never closed makes the following lines part of one
    value: a lenient reader says nothing, a strict one fails at the end of the file
    or at the next quotation mark, which then closes a value in the wrong place.
    Either way the record's first line holds a quote it does not close.
    """
    if "unexpected end of data" in str(error):
        return True
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return False
    reader = csv.reader(io.StringIO(lines[line - 1]), delimiter=delimiter, strict=True)
    try:
        list(reader)
    except csv.Error as alone:
        return "unexpected end of data" in str(alone)
    return False


def csv_cell(value) -> str | int | float:
    """A value as a CSV cell: blank for None, ISO dates, formulas made text."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return formula_escaped(value)
    return value
