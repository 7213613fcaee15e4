"""Reading the HR system's staff CSV: pure code, no database.

The file is UTF-8 (with or without a byte-order mark; Thai Windows' TIS-620/cp874 is
accepted too) with one header row. Columns, by header name (case and spaces ignored;
the Thai names in HEADER_ALIASES are accepted as well):

    employee_number, national_id, title_th, first_name_th, last_name_th, title_en,
    first_name_en, last_name_en, email, unit_code, position_type, position_level,
    line_of_work, supervisor_employee_number, start_date, position_number,
    administrative_post, scheme

Position types and levels are matched by code or by the name the Academy shows, Thai
or English, with or without ประเภท / ระดับ (label_key); lines of work by published
code or Thai name. position_number and administrative_post belong to the placement:
a change on an unchanged position corrects it in place. scheme is the staff scheme
(ข้าราชการพลเรือนสามัญ, พนักงานราชการ, ลูกจ้างประจำ, by name or code); left out or
empty, it is the position type's (the civil service's where names are shared).

Required columns (and cells): employee_number, national_id, first_name_th,
last_name_th, unit_code, position_type, position_level, line_of_work, start_date.
An optional column left out of the file leaves that field as it is; an optional cell
left empty clears it.

Dates are ISO (2024-10-01, or 2567-10-01 in the Buddhist Era), Thai day/month/year in
the Buddhist Era (01/10/2567), or with the Thai month (1 ต.ค. 2567, 1 ตุลาคม 2567);
a day/month/year date whose year is not a Buddhist-Era year is refused rather than
guessed (see date_parse). A bad row keeps its cells (BadRow.values) so that the
import also checks its codes: every error of every row in one pass.

The national ID is checked (13 digits, mod-11 check digit) and then dropped: a row
keeps only its keyed HMAC-SHA256 digest, to match people, and its masked form, to show.
Nothing here logs, and no message repeats an ID.
"""

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from competencies.national_id import (
    national_id_digest,
    national_id_is_valid,
    national_id_mask,
)

BUDDHIST_ERA_OFFSET = 543

REQUIRED_COLUMNS = (
    "employee_number",
    "national_id",
    "first_name_th",
    "last_name_th",
    "unit_code",
    "position_type",
    "position_level",
    "line_of_work",
    "start_date",
)
OPTIONAL_COLUMNS = (
    "title_th",
    "title_en",
    "first_name_en",
    "last_name_en",
    "email",
    "supervisor_employee_number",
    "position_number",
    "administrative_post",
    "scheme",
)
#: Columns of the placement, not of the person: an optional one left out of the file
#: leaves the current placement's value as it is.
PLACEMENT_COLUMNS = ("position_number", "administrative_post")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
HEADER_ALIASES = {
    "เลขประจำตัวพนักงาน": "employee_number",
    "เลขประจำตัวประชาชน": "national_id",
    "คำนำหน้า": "title_th",
    "ชื่อ": "first_name_th",
    "นามสกุล": "last_name_th",
    "อีเมล": "email",
    "รหัสหน่วยงาน": "unit_code",
    "ประเภทตำแหน่ง": "position_type",
    "ระดับตำแหน่ง": "position_level",
    "รหัสสายงาน": "line_of_work",
    "เลขประจำตัวผู้บังคับบัญชา": "supervisor_employee_number",
    "วันที่เริ่มดำรงตำแหน่ง": "start_date",
    "เลขที่ตำแหน่ง": "position_number",
    "ตำแหน่งในการบริหาร": "administrative_post",
    "ประเภทบุคลากร": "scheme",
    "staff_scheme": "scheme",
    "คำนำหน้า (อังกฤษ)": "title_en",
    "ชื่อ (อังกฤษ)": "first_name_en",
    "นามสกุล (อังกฤษ)": "last_name_en",
    "สายงาน": "line_of_work",
    "position_no": "position_number",
    "level": "position_level",
    "line_of_work_code": "line_of_work",
    "supervisor": "supervisor_employee_number",
}
MAX_LENGTHS = {
    "employee_number": 32,
    "title_th": 64,
    "title_en": 64,
    "first_name_th": 150,
    "last_name_th": 150,
    "first_name_en": 150,
    "last_name_en": 150,
    "email": 254,
    "unit_code": 64,
    "position_type": 64,
    "position_level": 64,
    "line_of_work": 128,
    "supervisor_employee_number": 32,
    "position_number": 32,
    "administrative_post": 255,
    "scheme": 64,
}


# ------------------------------------------------------------------------------
# Reasons a row is refused
# ------------------------------------------------------------------------------


class Reason:
    """Stable codes for every kind of bad row (tests and reports key on them)."""

    MISSING_FIELD = "missing_field"
    TOO_LONG = "too_long"
    BAD_NATIONAL_ID = "bad_national_id"
    BAD_EMAIL = "bad_email"
    BAD_DATE = "bad_date"
    DUPLICATE_EMPLOYEE_NUMBER = "duplicate_employee_number"
    DUPLICATE_NATIONAL_ID = "duplicate_national_id"
    # Found against the database by the import service:
    UNKNOWN_UNIT = "unknown_unit"
    UNIT_OUT_OF_SCOPE = "unit_out_of_scope"
    UNKNOWN_POSITION_TYPE = "unknown_position_type"
    UNKNOWN_SCHEME = "unknown_scheme"
    UNKNOWN_LEVEL = "unknown_level"
    UNKNOWN_LINE_OF_WORK = "unknown_line_of_work"
    #: The line of work's position standard (s.48) does not allow the type or level.
    LINE_OF_WORK_TYPE = "line_of_work_type"
    LINE_OF_WORK_LEVEL = "line_of_work_level"
    UNKNOWN_SUPERVISOR = "unknown_supervisor"
    SELF_SUPERVISOR = "self_supervisor"
    #: The person is (or will be, or was last) placed outside the officer's scope, or
    #: the row's national ID is another person's: one reason, one message.
    PERSON_OUT_OF_SCOPE = "person_out_of_scope"
    PERSON_LEFT = "person_left"
    NATIONAL_ID_CONFLICT = "national_id_conflict"
    START_NOT_AFTER_CURRENT = "start_not_after_current"


def reason_message(code: str, params: dict) -> str:
    """The reader's sentence for a reason, in the active language."""
    not_yours = _(
        "Employee %(value)s cannot be imported by you: the employee number or the "
        "national ID does not belong to a person of your organisation. An "
        "administrator can check the record."
    )
    messages = {
        Reason.MISSING_FIELD: _("%(column)s is missing."),
        Reason.TOO_LONG: _("%(column)s is longer than %(limit)s characters."),
        Reason.BAD_NATIONAL_ID: _(
            "The national ID is not 13 digits with a valid check digit."
        ),
        Reason.BAD_EMAIL: _("The email address is not valid."),
        Reason.BAD_DATE: _(
            "start_date %(value)s is not a date: use 2024-10-01, or 01/10/2567 "
            "or 1 ต.ค. 2567 (Buddhist Era)."
        ),
        Reason.DUPLICATE_EMPLOYEE_NUMBER: _(
            "Employee number %(value)s appears more than once (lines %(lines)s)."
        ),
        Reason.DUPLICATE_NATIONAL_ID: _(
            "The same national ID appears on more than one row (lines %(lines)s)."
        ),
        Reason.UNKNOWN_UNIT: _("Unit code %(value)s does not exist."),
        Reason.UNIT_OUT_OF_SCOPE: _("Unit %(value)s is outside your organisation."),
        Reason.UNKNOWN_POSITION_TYPE: _("Position type %(value)s does not exist."),
        Reason.UNKNOWN_SCHEME: _(
            "Staff scheme %(value)s does not exist: use ข้าราชการพลเรือนสามัญ, "
            "พนักงานราชการ, ลูกจ้างประจำ or a scheme's code."
        ),
        Reason.UNKNOWN_LEVEL: _(
            "Level %(value)s is not a level of position type %(type)s."
        ),
        Reason.UNKNOWN_LINE_OF_WORK: _("Line of work %(value)s does not exist."),
        Reason.LINE_OF_WORK_TYPE: _(
            "Line of work %(line)s is a position of the %(allowed)s type, not %(type)s."
        ),
        Reason.LINE_OF_WORK_LEVEL: _(
            "Line of work %(line)s allows levels %(low)s to %(high)s only, not "
            "%(level)s (position standard, Civil Service Act s.48)."
        ),
        Reason.UNKNOWN_SUPERVISOR: _(
            "Supervisor %(value)s is neither on record nor a valid row of this file."
        ),
        Reason.SELF_SUPERVISOR: _("A person cannot be their own supervisor."),
        Reason.PERSON_OUT_OF_SCOPE: not_yours,
        Reason.PERSON_LEFT: _("Employee %(value)s is recorded as having left."),
        # No longer given (it told whether a national ID was someone else's); kept
        # so that reports of older dry runs read the same as the reason that replaced it.
        Reason.NATIONAL_ID_CONFLICT: not_yours,
        Reason.START_NOT_AFTER_CURRENT: _(
            "The new position must start after the current one (started %(value)s)."
        ),
    }
    template = messages.get(code)
    if template is None:
        return code
    return template % defaultdict(str, params)


@dataclass(frozen=True)
class Problem:
    code: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return reason_message(self.code, self.params)


# ------------------------------------------------------------------------------
# Dates
# ------------------------------------------------------------------------------

ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
THAI_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
THAI_WORDS_DATE = re.compile(
    r"^(\d{1,2})\s*([\u0e00-\u0e7f.]+?)\s*(?:พ\.\s*ศ\.\s*)?(\d{4})$"
)
THAI_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("มกราคม", "ม.ค."),
            ("กุมภาพันธ์", "ก.พ."),
            ("มีนาคม", "มี.ค."),
            ("เมษายน", "เม.ย."),
            ("พฤษภาคม", "พ.ค."),
            ("มิถุนายน", "มิ.ย."),
            ("กรกฎาคม", "ก.ค."),
            ("สิงหาคม", "ส.ค."),
            ("กันยายน", "ก.ย."),
            ("ตุลาคม", "ต.ค."),
            ("พฤศจิกายน", "พ.ย."),
            ("ธันวาคม", "ธ.ค."),
        ),
        start=1,
    )
    for name in (*names, names[1].replace(".", ""))
}


def _buddhist(year: int) -> int:
    if not 2400 <= year <= 2800:
        raise ValueError("day/month/year dates must be in the Buddhist Era")
    return year - BUDDHIST_ERA_OFFSET


def date_parse(value: str) -> date:
    """A date as Thai HR systems write it; ValueError otherwise.

    - ISO 8601, 2024-10-01; the same shape with a Buddhist-Era year (2567-10-01) is
      read as B.E. (no Gregorian year that large is plausible);
    - day/month/year in the Buddhist Era: 01/10/2567, 1.10.2567, 1-10-2567;
    - with the Thai month: 1 ตุลาคม 2567, 1 ต.ค. 2567, 1 ต.ค. พ.ศ. 2567.

    A day/month/year date whose year is not a Buddhist-Era year is refused rather
    than guessed (01/10/2024 could be either calendar's mistake).
    """
    value = " ".join((value or "").split())
    match = ISO_DATE.match(value)
    if match:
        year, month, day = (int(part) for part in match.groups())
        if year >= 2400:
            year = _buddhist(year)
        return date(year, month, day)
    match = THAI_DATE.match(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(_buddhist(year), month, day)
    match = THAI_WORDS_DATE.match(value)
    if match:
        day, month_name, year = match.groups()
        month = THAI_MONTHS.get(month_name.replace(" ", ""))
        if month is None:
            raise ValueError("not a Thai month")
        return date(_buddhist(int(year)), month, int(day))
    raise ValueError("not a date")


LABEL_PREFIXES = ("ประเภท", "ระดับ")


def label_key(value: str) -> str:
    """How a position type or level is matched: its code, or its name as the UI shows
    it, with or without the word ประเภท / ระดับ, spaces and case ignored
    ("ประเภทวิชาการ", "วิชาการ", "knowledge", "ระดับ ชำนาญการ")."""
    key = "".join((value or "").split()).lower()
    for prefix in LABEL_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


# ------------------------------------------------------------------------------
# Rows
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffRow:
    """One valid line of the file, national ID reduced to digest and mask."""

    line: int
    employee_number: str
    national_id_digest: str
    national_id_masked: str
    first_name_th: str
    last_name_th: str
    unit_code: str
    position_type: str
    position_level: str
    line_of_work: str
    start_date: date
    title_th: str = ""
    title_en: str = ""
    first_name_en: str = ""
    last_name_en: str = ""
    email: str = ""
    supervisor_employee_number: str = ""
    position_number: str = ""
    administrative_post: str = ""
    scheme: str = ""


@dataclass(frozen=True)
class BadRow:
    line: int
    employee_number: str
    problems: tuple[Problem, ...]
    #: The cells read (national ID left out), so that the import can also check the
    #: codes of a bad row and report every error of every row in one pass.
    values: dict = field(default_factory=dict, compare=False)


@dataclass
class ParsedFile:
    columns: tuple[str, ...]
    rows: list[StaffRow]
    bad_rows: list[BadRow]
    header_problems: list[Problem]

    @property
    def total(self) -> int:
        return len(self.rows) + len(self.bad_rows)

    def has_column(self, name: str) -> bool:
        return name in self.columns


def count_rows(data: bytes) -> int:
    """A fast estimate of data rows (lines after the header) to choose sync or Celery."""
    lines = data.count(b"\n") + (0 if not data or data.endswith(b"\n") else 1)
    return max(lines - 1, 0)


def _header_name(raw: str, column_map: dict | None = None) -> str:
    name = raw.strip().lstrip("\ufeff")
    if column_map and name in column_map:
        return column_map[name]
    if name in HEADER_ALIASES:
        return HEADER_ALIASES[name]
    name = re.sub(r"[\s\-]+", "_", name.lower())
    return HEADER_ALIASES.get(name, name)


def column_map_problems(mapping: dict) -> list[str]:
    """Why a column map ({a source header: an Academy column}) cannot be saved."""
    problems = []
    seen: dict[str, str] = {}
    for header, column in mapping.items():
        if not header.strip():
            problems.append(_("A source header is empty."))
        if column not in COLUMNS:
            problems.append(
                _("%(column)s is not a column of the staff file.") % {"column": column}
            )
        elif column in seen:
            problems.append(
                _("%(column)s is given by both %(first)s and %(second)s.")
                % {"column": column, "first": seen[column], "second": header}
            )
        seen.setdefault(column, header)
    return problems


def parse(
    data: bytes | str, *, key: bytes, progress=None, column_map: dict | None = None
) -> ParsedFile:
    """Parse a whole file. Every bad row is reported with every reason found.

    `column_map` ({a source header: an Academy column}) reads another system's
    export: its headers are tried first, then the Academy's own names and aliases.
    """
    if isinstance(data, str):
        return _parse(io.StringIO(data, newline=""), key, progress, column_map)
    # Decoded as it is read, not into one string first: UTF-8 (BOM or not); failing
    # that, the Thai Windows code page, from the start again.
    try:
        return _parse(_text(data, "utf-8-sig"), key, progress, column_map)
    except UnicodeDecodeError:
        return _parse(_text(data, "cp874"), key, progress, column_map)


def _text(data: bytes, encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")


def _parse(text, key: bytes, progress, column_map: dict | None) -> ParsedFile:
    reader = csv.reader(text)
    header = next(reader, None)
    if header is None:
        return ParsedFile((), [], [], [Problem(Reason.MISSING_FIELD, {"column": "*"})])
    columns = tuple(_header_name(name, column_map) for name in header)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        return ParsedFile(
            columns,
            [],
            [],
            [Problem(Reason.MISSING_FIELD, {"column": name}) for name in missing],
        )
    index = {name: position for position, name in enumerate(columns) if name}

    candidates: list[tuple[int, dict, list[Problem], str]] = []
    lines_by_number: dict[str, list[int]] = defaultdict(list)
    lines_by_digest: dict[str, list[int]] = defaultdict(list)
    for number, record in enumerate(reader, start=2):
        if progress is not None and number % 1000 == 0:
            progress(number)
        if not any(cell.strip() for cell in record):
            continue
        values = {
            name: (record[position].strip() if position < len(record) else "")
            for name, position in index.items()
            if name in COLUMNS
        }
        problems: list[Problem] = []
        for name in REQUIRED_COLUMNS:
            if not values.get(name):
                problems.append(Problem(Reason.MISSING_FIELD, {"column": name}))
        for name, limit in MAX_LENGTHS.items():
            if len(values.get(name, "")) > limit:
                problems.append(
                    Problem(Reason.TOO_LONG, {"column": name, "limit": limit})
                )
        national_id = values.pop("national_id", "")
        digest = ""
        if national_id:
            if national_id_is_valid(national_id):
                digest = national_id_digest(national_id, key=key)
                values["national_id_digest"] = digest
                values["national_id_masked"] = national_id_mask(national_id)
                lines_by_digest[digest].append(number)
            else:
                problems.append(Problem(Reason.BAD_NATIONAL_ID))
        if values.get("email"):
            try:
                validate_email(values["email"])
            except ValidationError:
                problems.append(Problem(Reason.BAD_EMAIL))
        if values.get("start_date"):
            try:
                values["start_date"] = date_parse(values["start_date"])
            except ValueError:
                problems.append(
                    Problem(Reason.BAD_DATE, {"value": values["start_date"]})
                )
        employee_number = values.get("employee_number", "")
        if employee_number:
            lines_by_number[employee_number].append(number)
        candidates.append((number, values, problems, digest))

    rows, bad_rows = [], []
    for position, candidate in enumerate(candidates):
        candidates[position] = None  # each row's cells go once it is made
        number, values, problems, digest = candidate
        employee_number = values.get("employee_number", "")
        same_number = lines_by_number.get(employee_number, [])
        if len(same_number) > 1:
            problems.append(
                Problem(
                    Reason.DUPLICATE_EMPLOYEE_NUMBER,
                    {
                        "value": employee_number,
                        "lines": ", ".join(map(str, same_number)),
                    },
                )
            )
        if digest and len(lines_by_digest[digest]) > 1:
            problems.append(
                Problem(
                    Reason.DUPLICATE_NATIONAL_ID,
                    {"lines": ", ".join(map(str, lines_by_digest[digest]))},
                )
            )
        if problems:
            bad_rows.append(BadRow(number, employee_number, tuple(problems), values))
            continue
        rows.append(
            StaffRow(line=number, **{k: v for k, v in values.items() if v != ""})
        )
    return ParsedFile(columns, rows, bad_rows, [])


# ------------------------------------------------------------------------------
# The rows read, kept between the dry run and the real run
# ------------------------------------------------------------------------------

STAFF_ROW_FIELDS = tuple(item.name for item in fields(StaffRow))


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _json_line(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def parsed_dump(parsed: ParsedFile) -> Iterator[bytes]:
    """The parsed file as lines of JSON, the header's then one per row (no national
    ID in them: rows hold its digest and mask), for parsed_load to give back equal.
    Lines, so that neither side holds the whole text at once."""
    yield _json_line(
        {
            "columns": list(parsed.columns),
            "header_problems": [
                [problem.code, problem.params] for problem in parsed.header_problems
            ],
        }
    )
    for row in parsed.rows:
        yield _json_line(
            ["row", [_plain(getattr(row, name)) for name in STAFF_ROW_FIELDS]]
        )
    for bad in parsed.bad_rows:
        yield _json_line(
            [
                "bad",
                [
                    bad.line,
                    bad.employee_number,
                    [[problem.code, problem.params] for problem in bad.problems],
                    {name: _plain(value) for name, value in bad.values.items()},
                ],
            ]
        )


def parsed_load(lines: Iterable[bytes]) -> ParsedFile:
    lines = iter(lines)
    head = json.loads(next(lines))
    start = STAFF_ROW_FIELDS.index("start_date")
    rows, bad_rows = [], []
    for line in lines:
        kind, values = json.loads(line)
        if kind == "row":
            values[start] = date.fromisoformat(values[start])
            rows.append(StaffRow(*values))
        else:
            line_number, employee_number, problems, cells = values
            bad_rows.append(
                BadRow(
                    line_number,
                    employee_number,
                    tuple(Problem(code, params) for code, params in problems),
                    cells,
                )
            )
    return ParsedFile(
        columns=tuple(head["columns"]),
        rows=rows,
        bad_rows=bad_rows,
        header_problems=[
            Problem(code, params) for code, params in head["header_problems"]
        ],
    )
