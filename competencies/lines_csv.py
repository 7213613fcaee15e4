"""Reading the OCSC list of lines of work (สายงาน) as CSV: pure code, no database.

The file is UTF-8 (a byte-order mark is accepted) with one header row. Columns, by
header name (case and spaces ignored; the Thai names in HEADER_ALIASES too):

    code, name_th, name_en, position_type, level_min, level_max, category, scheme

Required: name_th and position_type. `scheme` is the staff scheme's code or Thai name
(empty: the ordinary civil service), so that a ministry can also list the position
titles of its พนักงานราชการ and ลูกจ้างประจำ under their groups of work. `code` is the published code, or empty when
none is known (never invent one). Types and levels are given by their code
(e.g. knowledge, practitioner) or their Thai name (วิชาการ, ปฏิบัติการ).
"""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

COLUMNS = (
    "code",
    "name_th",
    "name_en",
    "position_type",
    "level_min",
    "level_max",
    "category",
    "scheme",
)
REQUIRED = ("name_th", "position_type")
HEADER_ALIASES = {
    "รหัสสายงาน": "code",
    "ชื่อสายงาน": "name_th",
    "ชื่อตำแหน่งในสายงาน": "name_th",
    "ประเภทตำแหน่ง": "position_type",
    "ระดับต่ำสุด": "level_min",
    "ระดับสูงสุด": "level_max",
    "ประเภทบุคลากร": "scheme",
}
MAX_LENGTH = {"code": 32, "name_th": 255, "name_en": 255, "scheme": 64}


@dataclass(frozen=True)
class LineRow:
    line: int
    code: str
    name_th: str
    name_en: str
    position_type: str
    level_min: str
    level_max: str
    category: str
    scheme: str = ""


@dataclass
class ParsedLines:
    rows: list[LineRow] = field(default_factory=list)
    #: (line number, message) for every line that cannot be read.
    errors: list[tuple[int, str]] = field(default_factory=list)


def _header_key(name: str) -> str:
    key = name.strip().lstrip("\ufeff").strip()
    return HEADER_ALIASES.get(key, key.lower().replace(" ", "_"))


def parse_lines_csv(content: bytes) -> ParsedLines:
    """Every row of the file, or the reason each bad line is refused."""
    parsed = ParsedLines()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        parsed.errors.append((1, _("The file is not UTF-8 text.")))
        return parsed
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        parsed.errors.append((1, _("The file is empty.")))
        return parsed
    keys = [_header_key(name) for name in header]
    missing = [name for name in REQUIRED if name not in keys]
    unknown = [name for name in keys if name and name not in COLUMNS]
    if missing or unknown:
        if missing:
            parsed.errors.append(
                (1, _("Missing columns: %(names)s.") % {"names": ", ".join(missing)})
            )
        if unknown:
            parsed.errors.append(
                (1, _("Unknown columns: %(names)s.") % {"names": ", ".join(unknown)})
            )
        return parsed
    seen: dict[tuple[str, str], int] = {}
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(keys):
                parsed.errors.append(
                    (
                        number,
                        _("%(cells)d cells where the header has %(columns)d.")
                        % {"cells": len(cells), "columns": len(keys)},
                    )
                )
                continue
            values = {key: cell.strip() for key, cell in zip(keys, cells, strict=True)}
            problems = [
                _("%(column)s is empty.") % {"column": name}
                for name in REQUIRED
                if not values[name]
            ]
            problems += [
                _("%(column)s is longer than %(limit)d characters.")
                % {"column": name, "limit": limit}
                for name, limit in MAX_LENGTH.items()
                if len(values.get(name, "")) > limit
            ]
            identity = (
                values.get("scheme", ""),
                values.get("code") or values["name_th"],
            )
            if identity[1] and identity in seen:
                problems.append(
                    _("%(line_of_work)s is already on line %(line)d.")
                    % {"line_of_work": identity[1], "line": seen[identity]}
                )
            if problems:
                parsed.errors.append((number, " ".join(problems)))
                continue
            seen[identity] = number
            parsed.rows.append(
                LineRow(line=number, **{name: values.get(name, "") for name in COLUMNS})
            )
    except csv.Error as error:
        parsed.errors.append(
            (reader.line_num, _("Unreadable CSV: %(error)s.") % {"error": error})
        )
    return parsed
