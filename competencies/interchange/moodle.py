"""Moodle's framework CSV read without the database, so a file is judged whole.

Moodle writes one row for the framework ("Is framework" = 1) and one per competency,
linked by "Parent ID number". The Academy reads it as follows:

- The ID number is the competency's code; its CASE identifier is a UUID derived from
  the framework's and the competency's ID numbers, so importing the same Moodle
  framework again updates the same rows.
- Names and descriptions are Thai. Moodle's multi-language markup
  (``<span lang="en" class="multilang">…</span>`` or ``{mlang en}…{mlang}``) is split
  into the Thai and English fields. HTML descriptions (format 1) become plain text.
- The framework's "Scale values" become the proficiency levels, ranked in order; the
  lowest value marked proficient in "Scale configuration" is the proficient
  threshold. A competency's own scale is ignored with a warning: the Academy has one
  scale per framework.
- Rows keep Moodle's order among siblings; kinds come from "Taxonomy" ("domain",
  "competency") or from depth.
- Columns are found by their header names as Moodle versions write them (older
  "Parent id number", "Id number", "Shortname"; current "Parent ID number", "ID number",
  "Short name"; "(optional)" suffixes, case, spaces and hyphens ignored). Moodle's own
  importer ignores the header and reads its fourteen columns in a fixed order; a header
  the Academy does not recognise (a Moodle running in Thai or another language writes
  translated headers, and no Thai language pack was available to list them) is read the
  same way when the row has exactly those fourteen columns, with a warning. Rule and
  cross-reference columns are not imported.
- The delimiter is the one of comma, semicolon and tab that splits the header into the
  most columns (Moodle's import form offers all three, and Excel in many locales saves
  with a semicolon).
- ID numbers may be up to 100 characters, as in Moodle.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass

from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from academy.core.spreadsheet import is_unclosed_quote

from .package import (
    CODE_MAX_LENGTH,
    COMPETENCY_CODE_MAX_LENGTH,
    FrameworkImportError,
    FrameworkItem,
    FrameworkMeta,
    FrameworkPackage,
    ImportProblem,
    ItemKind,
    ScaleLevel,
    default_kind,
    derived_identifier,
    find_cycles,
    level_problems,
    split_long_name,
    tree_order,
)

PARENT = "parent id number"
IDNUMBER = "id number"
SHORTNAME = "short name"
DESCRIPTION = "description"
DESCRIPTION_FORMAT = "description format"
SCALE_VALUES = "scale values"
SCALE_CONFIGURATION = "scale configuration"
IS_FRAMEWORK = "is framework"
TAXONOMY = "taxonomy"
RULE_TYPE = "rule type"
RULE_OUTCOME = "rule outcome"
RULE_CONFIG = "rule config"
RELATED = "cross referenced competency id numbers"
EXPORT_ID = "exported id"

#: Moodle's fourteen columns in the order its importer reads them
#: (tool_lpimportcsv framework_importer::read_mapping_data), with the header its
#: English language pack writes today (lang/en/tool_lpimportcsv.php).
MOODLE_COLUMNS: tuple[tuple[str, str], ...] = (
    (PARENT, "Parent ID number"),
    (IDNUMBER, "ID number"),
    (SHORTNAME, "Short name"),
    (DESCRIPTION, "Description"),
    (DESCRIPTION_FORMAT, "Description format"),
    (SCALE_VALUES, "Scale values"),
    (SCALE_CONFIGURATION, "Scale configuration"),
    (RULE_TYPE, "Rule type (optional)"),
    (RULE_OUTCOME, "Rule outcome (optional)"),
    (RULE_CONFIG, "Rule config (optional)"),
    (RELATED, "Cross-referenced competency ID numbers"),
    (EXPORT_ID, "Exported ID (optional)"),
    (IS_FRAMEWORK, "Is framework"),
    (TAXONOMY, "Taxonomy"),
)
DELIMITERS = (",", ";", "\t")

#: Columns the Academy reads; the others of Moodle's fourteen may be absent.
REQUIRED_COLUMNS = (
    PARENT,
    IDNUMBER,
    SHORTNAME,
    DESCRIPTION,
    DESCRIPTION_FORMAT,
    SCALE_VALUES,
    SCALE_CONFIGURATION,
    IS_FRAMEWORK,
)
COLUMN_TITLES = {
    PARENT: "Parent ID number",
    IDNUMBER: "ID number",
    SHORTNAME: "Short name",
    DESCRIPTION: "Description",
    DESCRIPTION_FORMAT: "Description format",
    SCALE_VALUES: "Scale values",
    SCALE_CONFIGURATION: "Scale configuration",
    IS_FRAMEWORK: "Is framework",
}
FORMAT_HTML = "1"

TAXONOMY_KINDS = {"domain": ItemKind.AREA, "competency": ItemKind.COMPETENCY}

_MULTILANG_SPAN = re.compile(
    r'<span\s+lang="(?P<lang>[a-zA-Z_-]+)"\s+class="multilang"\s*>(?P<text>.*?)</span>'
    r'|<span\s+class="multilang"\s+lang="(?P<lang2>[a-zA-Z_-]+)"\s*>(?P<text2>.*?)</span>',
    re.DOTALL,
)
_MLANG = re.compile(
    r"\{mlang\s+(?P<lang>[a-zA-Z_-]+)\}(?P<text>.*?)\{mlang\}", re.DOTALL
)


def _squeezed(title: str) -> str:
    title = title.lower().replace("(optional)", "")
    return "".join(char for char in title if char.isalnum())


#: Every spelling of a column's header that Moodle has written, made comparable:
#: "Id number", "ID number", "idnumber"; "Shortname", "Short name";
#: "Cross referenced ..." and "Cross-referenced ..."; "Exported id (optional)".
_HEADER_KEYS = {_squeezed(column): column for column, _title in MOODLE_COLUMNS} | {
    _squeezed(title): column for column, title in MOODLE_COLUMNS
}


def _column_key(title: str) -> str:
    """The column a header names, or the header itself made comparable."""
    squeezed = _squeezed(title.lstrip("\ufeff"))
    return _HEADER_KEYS.get(squeezed, squeezed)


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one that splits the header into most columns."""
    first = next(csv.reader(io.StringIO(text, newline=""), strict=False), None)
    if first is None:
        return ","

    def width(delimiter: str) -> int:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            return len(next(reader, []))
        except csv.Error:
            return 0

    return max(DELIMITERS, key=lambda delimiter: (width(delimiter), delimiter == ","))


def _languages(text: str) -> tuple[str, str]:
    """Thai and English from Moodle multi-language markup; plain text is Thai."""
    found: dict[str, str] = {}
    for match in _MULTILANG_SPAN.finditer(text):
        language = (match.group("lang") or match.group("lang2")).lower()
        found.setdefault(language, match.group("text") or match.group("text2") or "")
    for match in _MLANG.finditer(text):
        found.setdefault(match.group("lang").lower(), match.group("text"))
    if not found:
        return text.strip(), ""
    thai = found.get("th") or found.get("other") or next(iter(found.values()))
    english = found.get("en", "")
    return thai.strip(), english.strip() if english != thai else ""


def _plain(text: str, description_format: str) -> str:
    if description_format.strip() == FORMAT_HTML:
        text = re.sub(r"(?i)<br\s*/?>|</p>", "\n", text)
        return html.unescape(strip_tags(text)).strip()
    return text.strip()


@dataclass
class _Row:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    @property
    def idnumber(self) -> str:
        return self.get(IDNUMBER).strip()

    @property
    def where(self) -> str:
        if self.idnumber:
            return pgettext("import location", "line %(line)d (%(idnumber)s)") % {
                "line": self.line,
                "idnumber": self.idnumber,
            }
        return pgettext("import location", "line %(line)d") % {"line": self.line}


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise FrameworkImportError(
            [
                ImportProblem(
                    pgettext("import location", "line %(line)d") % {"line": line},
                    _("The file is not UTF-8 text (byte %(position)d).")
                    % {"position": error.start + 1},
                )
            ]
        ) from error


def _read_rows(
    text: str, problems: list[ImportProblem], warnings: list[ImportProblem]
) -> list[_Row]:
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[_Row] = []
    header: list[str] | None = None
    columns: dict[str, int] = {}
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(
                ImportProblem(
                    pgettext("import location", "line %(line)d") % {"line": start},
                    _(
                        'A quotation mark (") opened on this line is not closed, so the '
                        "lines after it are read as part of one value."
                    )
                    if is_unclosed_quote(error, text, start, delimiter=delimiter)
                    else _("This is not valid CSV: %(reason)s.") % {"reason": error},
                )
            )
            break
        if header is None:
            header = record
            columns = {_column_key(title): index for index, title in enumerate(record)}
            missing = [
                COLUMN_TITLES[column]
                for column in REQUIRED_COLUMNS
                if column not in columns
            ]
            if missing and len(record) == len(MOODLE_COLUMNS):
                columns = {
                    column: index
                    for index, (column, _title) in enumerate(MOODLE_COLUMNS)
                }
                warnings.append(
                    ImportProblem(
                        pgettext("import location", "line %(line)d") % {"line": start},
                        _(
                            "The header %(header)s is not one the Academy knows; the "
                            "fourteen columns are read in Moodle's fixed order, as "
                            "Moodle's own importer does."
                        )
                        % {"header": " | ".join(record)},
                    )
                )
                continue
            if missing:
                problems.append(
                    ImportProblem(
                        pgettext("import location", "line %(line)d") % {"line": start},
                        _("Columns missing: %(columns)s.")
                        % {"columns": ", ".join(missing)},
                    )
                )
                return []
            continue
        if not any(value.strip() for value in record):
            continue
        if len(record) != len(header):
            problems.append(
                ImportProblem(
                    pgettext("import location", "line %(line)d") % {"line": start},
                    _("Expected %(expected)d fields, found %(found)d.")
                    % {"expected": len(header), "found": len(record)},
                )
            )
            continue
        rows.append(
            _Row(
                line=start,
                values={column: record[index] for column, index in columns.items()},
            )
        )
    if header is None:
        problems.append(
            ImportProblem(
                pgettext("import location", "line %(line)d") % {"line": 1},
                _("The file is empty."),
            )
        )
    return rows


def _scale(
    row: _Row, framework_idnumber: str, problems: list[ImportProblem]
) -> list[ScaleLevel]:
    values = [value.strip() for value in row.get(SCALE_VALUES).split(",")]
    if not any(values):
        problems.append(
            ImportProblem(row.where, _("The framework has no scale values."))
        )
        return []
    proficient: set[int] = set()
    configuration = row.get(SCALE_CONFIGURATION).strip()
    if configuration:
        try:
            entries = json.loads(configuration)
        except json.JSONDecodeError as error:
            problems.append(
                ImportProblem(
                    row.where,
                    _("The scale configuration is not valid JSON: %(reason)s.")
                    % {"reason": error.msg},
                )
            )
            entries = []
        if not isinstance(entries, list):
            problems.append(
                ImportProblem(row.where, _("The scale configuration must be a list."))
            )
            entries = []
        for entry in entries:
            if not isinstance(entry, dict) or "id" not in entry:
                continue  # The first entry names Moodle's scale id.
            try:
                position = int(entry["id"])
            except (TypeError, ValueError):
                position = 0
            if not 1 <= position <= len(values):
                problems.append(
                    ImportProblem(
                        row.where,
                        _(
                            "The scale configuration refers to value %(id)s; the scale has %(count)d values."
                        )
                        % {"id": entry["id"], "count": len(values)},
                    )
                )
                continue
            if str(entry.get("proficient", "0")).strip() not in ("", "0"):
                proficient.add(position)
    threshold = min(proficient) if proficient else None
    levels = []
    codes: set[str] = set()
    for rank, value in enumerate(values, start=1):
        name_th, name_en = _languages(value)
        code = slugify(name_en or name_th)[:CODE_MAX_LENGTH] or f"level-{rank}"
        if code in codes:
            code = f"level-{rank}"
        codes.add(code)
        levels.append(
            ScaleLevel(
                identifier=derived_identifier(
                    "moodle", framework_idnumber, "level", str(rank)
                ),
                rank=rank,
                code=code,
                name_th=name_th or str(rank),
                name_en=name_en,
                proficient=rank == threshold,
            )
        )
    problems += level_problems(levels, lambda level: f"{row.where} {level.name_th}")
    return levels


def parse_moodle_csv(content: bytes) -> FrameworkPackage:
    """Read Moodle's framework export; FrameworkImportError lists every bad line."""
    problems: list[ImportProblem] = []
    warnings: list[ImportProblem] = []
    rows = _read_rows(_decode(content), problems, warnings)
    framework_rows: list[_Row] = []
    competency_rows: list[_Row] = []
    for row in rows:
        is_framework = row.get(IS_FRAMEWORK).strip() not in ("", "0")
        (framework_rows if is_framework else competency_rows).append(row)
    if not framework_rows and not problems:
        problems.append(
            ImportProblem(
                pgettext("import location", "file"),
                _("No row has 'Is framework' set to 1."),
            )
        )
    for extra in framework_rows[1:]:
        problems.append(
            ImportProblem(
                extra.where,
                _("A second framework row; the first is on line %(line)d.")
                % {"line": framework_rows[0].line},
            )
        )
    framework_row = framework_rows[0] if framework_rows else None

    by_idnumber: dict[str, _Row] = {}
    for row in competency_rows:
        if not row.idnumber:
            problems.append(ImportProblem(row.where, _("The ID number is missing.")))
            continue
        if not row.get(SHORTNAME).strip():
            problems.append(ImportProblem(row.where, _("The short name is missing.")))
        if len(row.idnumber) > COMPETENCY_CODE_MAX_LENGTH:
            problems.append(
                ImportProblem(
                    row.where,
                    _("The ID number %(idnumber)s is longer than %(max)d characters.")
                    % {"idnumber": row.idnumber, "max": COMPETENCY_CODE_MAX_LENGTH},
                )
            )
        if row.idnumber in by_idnumber:
            problems.append(
                ImportProblem(
                    row.where,
                    _("The ID number %(idnumber)s is also on line %(line)d.")
                    % {
                        "idnumber": row.idnumber,
                        "line": by_idnumber[row.idnumber].line,
                    },
                )
            )
            continue
        by_idnumber[row.idnumber] = row
    parents: dict[str, str | None] = {}
    for idnumber, row in by_idnumber.items():
        parent = row.get(PARENT).strip() or None
        if parent is not None and parent not in by_idnumber:
            problems.append(
                ImportProblem(
                    row.where,
                    _("The parent ID number %(parent)s is not in the file.")
                    % {"parent": parent},
                )
            )
        parents[idnumber] = parent
    for cycle in find_cycles(parents):
        problems.append(
            ImportProblem(
                pgettext("import location", "lines %(lines)s")
                % {"lines": ", ".join(str(by_idnumber[key].line) for key in cycle)},
                _("These ID numbers are each other's ancestors (a cycle): %(cycle)s.")
                % {"cycle": " → ".join([*cycle, cycle[0]])},
            )
        )

    meta = None
    framework_idnumber = ""
    levels: list[ScaleLevel] = []
    taxonomy: list[str] = []
    if framework_row is not None:
        framework_idnumber = framework_row.idnumber
        if not framework_idnumber:
            problems.append(
                ImportProblem(
                    framework_row.where, _("The framework's ID number is missing.")
                )
            )
        if not framework_row.get(SHORTNAME).strip():
            problems.append(
                ImportProblem(
                    framework_row.where, _("The framework's short name is missing.")
                )
            )
        levels = _scale(framework_row, framework_idnumber, problems)
        meta = _framework_meta(framework_row)
        taxonomy = [
            term.strip().lower() for term in framework_row.get(TAXONOMY).split(",")
        ]
        scale_values = framework_row.get(SCALE_VALUES).strip()
        for row in by_idnumber.values():
            own_scale = row.get(SCALE_VALUES).strip()
            if own_scale and own_scale != scale_values:
                warnings.append(
                    ImportProblem(
                        row.where,
                        _(
                            "The competency's own scale is ignored; the framework's scale applies."
                        ),
                    )
                )
    if problems:
        raise FrameworkImportError(problems)
    assert meta is not None  # A missing framework row is one of the problems above.

    def identifier(idnumber: str) -> str:
        return derived_identifier("moodle", framework_idnumber, idnumber)

    depth, position = tree_order(parents, lambda key: by_idnumber[key].line)
    has_children = {parent for parent in parents.values() if parent is not None}
    items = []
    for idnumber in sorted(parents, key=position.__getitem__):
        row = by_idnumber[idnumber]
        name_th, name_en = _languages(row.get(SHORTNAME))
        description_th, description_en = _languages(
            _plain(row.get(DESCRIPTION), row.get(DESCRIPTION_FORMAT))
        )
        name_th, description_th = split_long_name(name_th, description_th)
        level = depth[idnumber]
        term = taxonomy[level] if level < len(taxonomy) else ""
        kind = TAXONOMY_KINDS.get(term) or default_kind(
            depth=level, has_children=idnumber in has_children
        )
        items.append(
            FrameworkItem(
                identifier=identifier(idnumber),
                code=idnumber,
                kind=str(kind),
                name_th=name_th,
                name_en=name_en,
                description_th=description_th,
                description_en=description_en,
                parent=identifier(parents[idnumber]) if parents[idnumber] else None,
                order=position[idnumber],
            )
        )
    return FrameworkPackage(
        framework=meta, levels=levels, items=items, warnings=warnings
    )


def _framework_meta(row: _Row) -> FrameworkMeta:
    name_th, name_en = _languages(row.get(SHORTNAME))
    description_th, description_en = _languages(
        _plain(row.get(DESCRIPTION), row.get(DESCRIPTION_FORMAT))
    )
    name_th, description_th = split_long_name(name_th, description_th)
    identifier = derived_identifier("moodle", row.idnumber)
    code = (
        slugify(row.idnumber)[:CODE_MAX_LENGTH].strip("-") or f"moodle-{identifier[:8]}"
    )
    return FrameworkMeta(
        identifier=identifier,
        code=code,
        name_th=name_th,
        name_en=name_en,
        description_th=description_th,
        description_en=description_en,
    )


# ------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------

#: Moodle's taxonomy term for each kind (core_competency's taxonomy constants).
KIND_TAXONOMY = {
    ItemKind.AREA: "domain",
    ItemKind.COMPETENCY: "competency",
    ItemKind.SUB_COMPETENCY: "skill",
}
#: Moodle's description formats: FORMAT_PLAIN.
FORMAT_PLAIN = "2"
#: Moodle shortens short names and ID numbers to 100 characters on import.
MOODLE_TEXT_MAX_LENGTH = 100


def _scale_configuration(levels: list[ScaleLevel]) -> str:
    """Moodle's scale configuration: the scale first, then default and proficient.

    Moodle's importer replaces the first entry's scaleid with the scale it finds or
    creates from the values, so any id serves. Every level at or above the Academy's
    proficient threshold is proficient in Moodle; the threshold is the default.
    """
    threshold = next((level.rank for level in levels if level.proficient), None)
    if threshold is None and levels:
        threshold = levels[-1].rank
    entries: list[dict] = [{"scaleid": "0"}]
    for position, level in enumerate(levels, start=1):
        if level.rank >= (threshold or 0):
            entries.append(
                {
                    "id": position,
                    "scaledefault": 1 if level.rank == threshold else 0,
                    "proficient": 1,
                }
            )
    return json.dumps(entries, separators=(",", ":"))


def build_moodle_csv(package: FrameworkPackage) -> bytes:
    """The framework as Moodle's competency framework CSV, for tool_lpimportcsv.

    The fourteen columns in Moodle's order with today's English headers (Moodle
    reads by position), UTF-8 without a byte order mark, comma separated: what
    Moodle's own export writes. Names and descriptions are the Thai ones (Moodle
    has one text per field); a comma inside a level name, which would split
    Moodle's comma-separated scale values, becomes a semicolon.
    """
    meta = package.framework
    levels = sorted(package.levels, key=lambda level: level.rank)
    scale_values = ",".join(level.name_th.replace(",", ";") for level in levels)
    by_identifier = {item.identifier: item for item in package.items}
    depth: dict[str, int] = {}
    for item in package.items:  # Parents come before their children.
        depth[item.identifier] = depth[item.parent] + 1 if item.parent else 0
    kinds_at: dict[int, list[str]] = {}
    for item in package.items:
        kinds_at.setdefault(depth[item.identifier], []).append(item.kind)
    taxonomy = [
        KIND_TAXONOMY.get(max(set(kinds), key=kinds.count), "competency")
        for _depth, kinds in sorted(kinds_at.items())
    ]
    output = io.StringIO(newline="")
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow([title for _column, title in MOODLE_COLUMNS])
    framework_idnumber = f"{meta.code}-{meta.version}" if meta.version else meta.code
    writer.writerow(
        [
            "",
            framework_idnumber[:MOODLE_TEXT_MAX_LENGTH],
            meta.name_th[:MOODLE_TEXT_MAX_LENGTH],
            meta.description_th,
            FORMAT_PLAIN,
            scale_values,
            _scale_configuration(levels),
            "",
            "",
            "",
            "",
            "",
            "1",
            ",".join(taxonomy),
        ]
    )
    for number, item in enumerate(package.items, start=1):
        parent = by_identifier[item.parent].code if item.parent else ""
        writer.writerow(
            [
                parent,
                item.code,
                item.name_th[:MOODLE_TEXT_MAX_LENGTH],
                item.description_th,
                FORMAT_PLAIN,
                "",
                "",
                "",
                "0",
                "null",
                "",
                str(number),
                "",
                "",
            ]
        )
    return output.getvalue().encode("utf-8")
