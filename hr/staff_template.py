"""The staff file's template: the columns the import reads and every value it accepts.

A workbook an HR officer fills in and saves as CSV (UTF-8): its first sheet holds the
header row the import reads, with drop-down lists on the columns that take a code
(units of the officer's organisation, position types, levels, lines of work); the other
sheets list every allowed value with the label the Academy shows, which the import
accepts as well as the code. A header-only CSV is offered too.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from competencies.hr.selectors import HRAccess, unit_trails, units_in_scope
from competencies.models import LineOfWork, PositionLevel, PositionType

from .staff_import.parsing import COLUMNS, HEADER_ALIASES, REQUIRED_COLUMNS

#: Rows of the first sheet that carry the drop-down lists.
TEMPLATE_ROWS = 2000


def column_notes() -> dict[str, str]:
    """What each column holds, in the reader's language."""
    return {
        "employee_number": _("The HR system's employee number; unique."),
        "national_id": _(
            "13 digits with a valid check digit; checked, then kept only masked."
        ),
        "first_name_th": _("First name in Thai."),
        "last_name_th": _("Last name in Thai."),
        "unit_code": _("Code of a unit of your organisation (sheet Units)."),
        "position_type": _(
            "Code or name of the position type, e.g. knowledge or ประเภทวิชาการ "
            "(sheet Positions)."
        ),
        "position_level": _(
            "Code or name of a level of that type, e.g. professional or "
            "ระดับชำนาญการ (sheet Positions)."
        ),
        "line_of_work": _(
            "Published code of the line of work, or its Thai name where it has no "
            "code (sheet Lines of work)."
        ),
        "start_date": _(
            "Date the position started: 2024-10-01, 01/10/2567 or 1 ต.ค. 2567 "
            "(Buddhist Era)."
        ),
        "title_th": _("Title in Thai, e.g. นาง, ว่าที่ร้อยตรี, ดร."),
        "title_en": _("Title in English."),
        "first_name_en": _("First name in English."),
        "last_name_en": _("Last name in English."),
        "email": _("Work email address."),
        "supervisor_employee_number": _(
            "Employee number of the supervisor: someone on record or in this file."
        ),
        "position_number": _("Position number (เลขที่ตำแหน่ง)."),
        "administrative_post": _(
            "Administrative post (ตำแหน่งในการบริหาร), e.g. ผู้อำนวยการกอง."
        ),
        "scheme": _(
            "Staff scheme: ข้าราชการพลเรือนสามัญ, พนักงานราชการ or ลูกจ้างประจำ (sheet "
            "Positions); empty: the position type's."
        ),
    }


def thai_header(column: str) -> str:
    """The Thai header the import also accepts for `column` (empty when none)."""
    for alias, name in HEADER_ALIASES.items():
        if name == column and not alias.isascii():
            return alias
    return ""


@dataclass
class TemplateValues:
    units: list  # OrgUnit with .trail
    levels: list  # PositionLevel with position_type
    lines: list  # LineOfWork with position_type


def template_values(access: HRAccess) -> TemplateValues:
    """Everything the template lists, in four queries."""
    units = unit_trails(units_in_scope(access))
    levels = list(
        PositionLevel.objects.select_related("position_type__scheme").order_by(
            "position_type__scheme__code",
            "position_type__sort_order",
            "position_type__code",
            "rank",
        )
    )
    lines = list(
        LineOfWork.objects.select_related("position_type", "scheme").order_by(
            "scheme__code", "position_type__sort_order", "code", "name_th"
        )
    )
    return TemplateValues(units=units, levels=levels, lines=lines)


def _type_label(position_type: PositionType) -> str:
    return _("%(name)s type") % {"name": position_type.name}


def _level_label(level: PositionLevel) -> str:
    return _("%(name)s level") % {"name": level.name}


def template_workbook(values: TemplateValues) -> Workbook:
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    workbook = Workbook()

    staff = workbook.active
    staff.title = _("Staff")[:31]
    staff.append(list(COLUMNS))
    for cell in staff[1]:
        cell.font = bold
    staff.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        staff.column_dimensions[staff.cell(1, index).column_letter].width = max(
            14, len(column) + 2
        )

    notes = workbook.create_sheet(_("Columns")[:31])
    notes.append(
        [_("Column"), _("Thai header also accepted"), _("Required"), _("What it holds")]
    )
    for cell in notes[1]:
        cell.font = bold
    descriptions = column_notes()
    for column in COLUMNS:
        notes.append(
            [
                column,
                thai_header(column),
                _("yes") if column in REQUIRED_COLUMNS else _("no"),
                descriptions.get(column, ""),
            ]
        )
    notes.append([])
    notes.append(
        [
            _(
                "Fill in the first sheet, one person a row, and save it as CSV UTF-8 "
                "to upload. A column left out of the file leaves that field as it is."
            )
        ]
    )
    for width, letter in ((28, "A"), (26, "B"), (10, "C"), (70, "D")):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        row[-1].alignment = wrap

    units = workbook.create_sheet(_("Units")[:31])
    units.append([_("Unit code"), _("Unit"), _("Part of")])
    for cell in units[1]:
        cell.font = bold
    for unit in values.units:
        units.append([unit.code, unit.name, unit.trail])
    for width, letter in ((16, "A"), (40, "B"), (70, "C")):
        units.column_dimensions[letter].width = width

    positions = workbook.create_sheet(_("Positions")[:31])
    positions.append(
        [
            _("Position type code"),
            _("Position type"),
            _("Level code"),
            _("Level"),
            _("Staff scheme"),
        ]
    )
    for cell in positions[1]:
        cell.font = bold
    seen_types: dict[int, PositionType] = {}
    for level in values.levels:
        seen_types.setdefault(level.position_type_id, level.position_type)
        positions.append(
            [
                level.position_type.code,
                _type_label(level.position_type),
                level.code,
                _level_label(level),
                level.position_type.scheme.name,
            ]
        )
    for width, letter in ((18, "A"), (24, "B"), (22, "C"), (24, "D"), (30, "E")):
        positions.column_dimensions[letter].width = width

    lines = workbook.create_sheet(_("Lines of work")[:31])
    lines.append(
        [
            _("Code (use it when there is one)"),
            _("Line of work"),
            _("Position type"),
            _("Staff scheme"),
        ]
    )
    for cell in lines[1]:
        cell.font = bold
    for line in values.lines:
        lines.append(
            [
                line.code,
                line.name,
                _type_label(line.position_type) if line.position_type else "",
                line.scheme.name,
            ]
        )
    for width, letter in ((30, "A"), (46, "B"), (24, "C"), (30, "D")):
        lines.column_dimensions[letter].width = width

    # Drop-down lists on the first sheet, from the lists above (typing a label the
    # import accepts is still allowed: the lists warn, they do not stop).
    def choose(column: str, sheet, letter: str, count: int) -> None:
        if not count:
            return
        target = staff.cell(1, COLUMNS.index(column) + 1).column_letter
        validation = DataValidation(
            type="list",
            formula1=f"'{sheet.title}'!${letter}$2:${letter}${count + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
        )
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS + 1}")
        staff.add_data_validation(validation)

    choose("unit_code", units, "A", len(values.units))
    choose("position_type", positions, "A", len(values.levels))
    choose("position_level", positions, "C", len(values.levels))
    return workbook
