"""Questions in and out as CSV, read whole and refused whole, so a bad file writes nothing.

The file is UTF-8 (a BOM is allowed; Excel's "CSV UTF-8" writes one), comma
separated, with a header row. Column names are case-insensitive, in any order:

=================  ==========================================================
bank               required; the question bank's code
external_id        required; unique within its bank (re-imports update by it)
kind               required; single, multiple, true_false, matching, ordering,
                   numeric or short_text
competency_code    required; the competency the question tests
level              required; the rank of the proficiency level tested, 1-99
prompt             required
option_1..8        choices (single, multiple); items in the right order
                   (ordering); pairs "left=>right" (matching; "=>right" is a
                   right choice that matches nothing). Empty for the others.
correct            single: the option number ("2"); multiple: option numbers
                   separated by ";" ("1;3"); true_false: TRUE or FALSE (also
                   จริง / เท็จ); numeric: the answer, optionally ± an absolute
                   tolerance ("42±0.5" or "42+-0.5"); short_text: accepted
                   answers separated by "|"; matching, ordering: empty
feedback_1..8      feedback on choosing that option (single, multiple);
                   true_false: feedback_1 on answering TRUE, feedback_2 FALSE
explanation        optional; shown with the correct answers
points             optional, default 1; above 0, at most 999.99, 2 decimals
case_sensitive     short_text only; TRUE/FALSE (also 1/0, yes/no), default FALSE
all_or_nothing     multiple, matching, ordering: no partial credit; default FALSE
=================  ==========================================================

Only bank, external_id, kind, competency_code, level, prompt and correct must be
in the header; numbers may be written in Thai digits. A cell that starts with =, +,
-, @, a tab or a carriage return is written with a leading apostrophe so that Excel
does not run it as a formula, and one such apostrophe is removed on reading.

Problems are messages for the person who uploaded the file, translated when they are
shown (lazily, so this module needs no Django settings until then).

Moodle GIFT is not read or written: its escaping rules make a partial reader a
source of quiet mistakes. Moodle question banks are read from Moodle XML instead
(courses/moodle_xml.py), which has no place for the competency and level either:
those questions arrive unmapped and wait for an instructor to set both.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from academy.core.spreadsheet import (
    BOM,
    csv_cell,
    formula_unescaped,
    is_unclosed_quote,
)
from competencies.interchange.package import COMPETENCY_CODE_MAX_LENGTH

from .questions import (
    KINDS_WITH_PARTIAL_CREDIT,
    MAX_LEVEL_RANK,
    MAX_POINTS,
    SCORE_QUANTUM,
    DraftOption,
    QuestionDraft,
    QuestionKind,
    normalise_text,
    parse_number,
)

OPTION_SLOTS = 8
MAX_CODE_LENGTH = 64
OPTION_COLUMNS = tuple(f"option_{number}" for number in range(1, OPTION_SLOTS + 1))
FEEDBACK_COLUMNS = tuple(f"feedback_{number}" for number in range(1, OPTION_SLOTS + 1))
COLUMNS = (
    "bank",
    "external_id",
    "kind",
    "competency_code",
    "level",
    "prompt",
    *OPTION_COLUMNS,
    "correct",
    *FEEDBACK_COLUMNS,
    "explanation",
    "points",
    "case_sensitive",
    "all_or_nothing",
)
REQUIRED_COLUMNS = (
    "bank",
    "external_id",
    "kind",
    "competency_code",
    "level",
    "prompt",
    "correct",
)

_TRUE_WORDS = frozenset({"true", "1", "yes", "y", "จริง", "ใช่", "ถูก"})
_FALSE_WORDS = frozenset({"false", "0", "no", "n", "เท็จ", "ไม่ใช่", "ผิด", ""})
_PAIR = "=>"
_TOLERANCE = re.compile(r"±|\+/-|\+-")
_KINDS_WITHOUT_OPTIONS = frozenset(
    {QuestionKind.TRUE_FALSE, QuestionKind.NUMERIC, QuestionKind.SHORT_TEXT}
)
_KINDS_WITH_FEEDBACK = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})


def _interpolate(template: Any, params: dict[str, Any]) -> str:
    return str(template) % params


_lazy_interpolate = lazy(_interpolate, str)


class QuestionImportProblem(NamedTuple):
    """A reason the file is refused: the line it starts on (1 is the header) and why."""

    line: int
    message: str


class QuestionImportError(Exception):
    """A file refused for every problem listed; no question was returned."""

    def __init__(self, problems: Iterable[QuestionImportProblem]) -> None:
        self.problems = list(problems)
        super().__init__(len(self.problems))

    def __str__(self) -> str:
        return "\n".join(
            str(_("Line %(line)d: %(message)s") % {"line": line, "message": message})
            for line, message in self.problems
        )


class _Row:
    """One CSV record and the problems found in it."""

    def __init__(self, line: int, cells: dict[str, str]) -> None:
        self.line = line
        self.cells = cells
        self.problems: list[QuestionImportProblem] = []

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")

    def problem(self, template: Any, **params: Any) -> None:
        message = _lazy_interpolate(template, params) if params else template
        self.problems.append(QuestionImportProblem(self.line, message))


def parse_questions_csv(content: bytes) -> list[QuestionDraft]:
    """Every question of the file, or QuestionImportError listing every bad line."""
    problems: list[QuestionImportProblem] = []
    records = _records(content, problems)
    drafts: list[QuestionDraft] = []
    first_line: dict[tuple[str, str], int] = {}
    for row in records:
        draft = _draft(row)
        identity = (row["bank"], row["external_id"])
        if all(identity) and identity in first_line:
            row.problem(
                _(
                    "external_id: “%(value)s” is also on line %(line)d in bank %(bank)s."
                ),
                value=row["external_id"],
                line=first_line[identity],
                bank=row["bank"],
            )
        elif all(identity):
            first_line[identity] = row.line
        problems.extend(row.problems)
        if draft is not None and not row.problems:
            drafts.append(draft)
    if not problems and not drafts:
        problems.append(QuestionImportProblem(1, _("The file has no questions.")))
    if problems:
        raise QuestionImportError(problems)
    return drafts


def _unescape(cell: str) -> str:
    return formula_unescaped(cell).strip()


def _records(content: bytes, problems: list[QuestionImportProblem]) -> list[_Row]:
    """The file's non-blank records, or [] with the reason in `problems`."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(
            QuestionImportProblem(
                content[: error.start].count(b"\n") + 1,
                _lazy_interpolate(
                    _(
                        "The file is not UTF-8 text (byte %(position)d). "
                        "In Excel, save it as “CSV UTF-8”."
                    ),
                    {"position": error.start + 1},
                ),
            )
        )
        return []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for fields in reader:
            records.append((line, fields))
            line = reader.line_num + 1
    except csv.Error as error:
        problems.append(
            QuestionImportProblem(
                line,
                _(
                    'A quotation mark (") opened on this line is not closed, so the '
                    "lines after it are read as part of one value."
                )
                if is_unclosed_quote(error, text, line)
                else _lazy_interpolate(
                    _("This is not valid CSV: %(reason)s."), {"reason": str(error)}
                ),
            )
        )
        return []
    if not records:
        problems.append(QuestionImportProblem(1, _("The file is empty.")))
        return []
    (header_line, header), *body = records
    names = [name.strip().lower() for name in header]
    header_problems = _header_problems(names)
    for message in header_problems:
        problems.append(QuestionImportProblem(header_line, message))
    if header_problems:
        return []
    rows = []
    for line, fields in body:
        if not any(field.strip() for field in fields):
            continue
        cells: dict[str, str] = {}
        row = _Row(line, cells)
        for index, field in enumerate(fields):
            name = names[index] if index < len(names) else ""
            if name:
                cells[name] = _unescape(field)
            elif field.strip():
                row.problem(_("A value is in a column without a header."))
        rows.append(row)
    return rows


def _header_problems(names: list[str]) -> list[Any]:
    problems: list[Any] = []
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        problems.append(
            _lazy_interpolate(
                _("Columns missing: %(columns)s."), {"columns": ", ".join(missing)}
            )
        )
    unknown = [name for name in names if name and name not in COLUMNS]
    if unknown:
        problems.append(
            _lazy_interpolate(
                _("Unknown columns: %(columns)s."), {"columns": ", ".join(unknown)}
            )
        )
    for name in sorted({name for name in names if name and names.count(name) > 1}):
        problems.append(
            _lazy_interpolate(
                _("The column %(column)s appears twice."), {"column": name}
            )
        )
    return problems


def _parse_bool(row: _Row, column: str) -> bool:
    value = row[column].casefold()
    if value in _TRUE_WORDS:
        return True
    if value not in _FALSE_WORDS:
        row.problem(
            _("%(column)s: “%(value)s” is not TRUE or FALSE."),
            column=column,
            value=row[column],
        )
    return False


def _parse_points(row: _Row) -> Decimal:
    if not row["points"]:
        return Decimal(1)
    points = parse_number(row["points"])
    if (
        points is None
        or not 0 < points <= MAX_POINTS
        or points != points.quantize(SCORE_QUANTUM)
    ):
        row.problem(
            _(
                "points: “%(value)s” is not a number above 0 and at most %(max)s, "
                "with at most two decimals."
            ),
            value=row["points"],
            max=MAX_POINTS,
        )
        return Decimal(1)
    return points


def _parse_level(row: _Row) -> int:
    level = parse_number(row["level"])
    if (
        level is None
        or level != level.to_integral_value()
        or not (1 <= level <= MAX_LEVEL_RANK)
    ):
        row.problem(
            _("level: “%(value)s” is not a whole number from 1 to %(max)d."),
            value=row["level"],
            max=MAX_LEVEL_RANK,
        )
        return 1
    return int(level)


def _draft(row: _Row) -> QuestionDraft | None:
    """The row's question, or None with its problems recorded on the row."""
    for column in ("bank", "external_id", "competency_code", "prompt"):
        if not row[column]:
            row.problem(_("%(column)s is empty."), column=column)
    for column, longest in (
        ("bank", MAX_CODE_LENGTH),
        ("external_id", MAX_CODE_LENGTH),
        ("competency_code", COMPETENCY_CODE_MAX_LENGTH),
    ):
        if len(row[column]) > longest:
            row.problem(
                _("%(column)s is longer than %(max)d characters."),
                column=column,
                max=longest,
            )
    level = _parse_level(row)
    points = _parse_points(row)
    case_sensitive = _parse_bool(row, "case_sensitive")
    all_or_nothing = _parse_bool(row, "all_or_nothing")
    try:
        kind = QuestionKind(row["kind"].lower())
    except ValueError:
        row.problem(
            _("kind: “%(value)s” is not one of %(kinds)s."),
            value=row["kind"],
            kinds=", ".join(QuestionKind),
        )
        return None
    if case_sensitive and kind is not QuestionKind.SHORT_TEXT:
        row.problem(
            _("%(column)s applies to %(kinds)s questions only."),
            column="case_sensitive",
            kinds=QuestionKind.SHORT_TEXT,
        )
    if all_or_nothing and kind not in KINDS_WITH_PARTIAL_CREDIT:
        row.problem(
            _("%(column)s applies to %(kinds)s questions only."),
            column="all_or_nothing",
            kinds=", ".join(sorted(KINDS_WITH_PARTIAL_CREDIT)),
        )
    texts = _option_texts(row, kind)
    kind_fields = _KIND_READERS[kind](row, texts)
    if row.problems:
        return None
    return QuestionDraft(
        bank=row["bank"],
        external_id=row["external_id"],
        kind=kind,
        competency_code=row["competency_code"],
        level=level,
        prompt=row["prompt"],
        case_sensitive=case_sensitive,
        all_or_nothing=all_or_nothing,
        explanation=row["explanation"],
        points=points,
        **kind_fields,
    )


def _option_texts(row: _Row, kind: QuestionKind) -> list[str]:
    """The option cells up to the last filled one; gaps and stray feedback reported."""
    texts = [row[column] for column in OPTION_COLUMNS]
    while texts and not texts[-1]:
        texts.pop()
    if kind in _KINDS_WITHOUT_OPTIONS:
        for column, text in zip(OPTION_COLUMNS, texts, strict=False):
            if text:
                row.problem(
                    _("%(column)s: a %(kind)s question has no options."),
                    column=column,
                    kind=kind,
                )
    else:
        for index, text in enumerate(texts):
            if not text:
                row.problem(
                    _("%(column)s is empty but %(later)s is not."),
                    column=OPTION_COLUMNS[index],
                    later=OPTION_COLUMNS[len(texts) - 1],
                )
    for index, column in enumerate(FEEDBACK_COLUMNS):
        if not row[column]:
            continue
        if kind is QuestionKind.TRUE_FALSE:
            if index >= 2:
                row.problem(
                    _(
                        "%(column)s: a true/false question has feedback_1 and feedback_2 only."
                    ),
                    column=column,
                )
        elif kind not in _KINDS_WITH_FEEDBACK:
            row.problem(
                _("%(column)s: a %(kind)s question has no per-option feedback."),
                column=column,
                kind=kind,
            )
        elif index >= len(texts) or not texts[index]:
            row.problem(_("%(column)s: feedback for an empty option."), column=column)
    return texts


#: What a kind's reader gives: the QuestionDraft fields particular to the kind.
_Read = dict[str, Any]


def _at_least_two(row: _Row, kind: QuestionKind, count: int) -> None:
    if count < 2:
        row.problem(
            _("option_1, option_2: a %(kind)s question needs at least two options."),
            kind=kind,
        )


def _no_repeats(row: _Row, values: list[str]) -> None:
    first: dict[str, int] = {}
    for index, value in enumerate(values):
        if not value:
            continue
        seen = first.setdefault(normalise_text(value), index)
        if seen != index:
            row.problem(
                _("%(column)s repeats %(other)s."),
                column=OPTION_COLUMNS[index],
                other=OPTION_COLUMNS[seen],
            )


def _must_be_empty_correct(row: _Row, kind: QuestionKind) -> None:
    if row["correct"]:
        row.problem(
            _(
                "correct: must be empty for a %(kind)s question; the options "
                "themselves give the answer."
            ),
            kind=kind,
        )


def _read_choice(row: _Row, texts: list[str], kind: QuestionKind) -> _Read:
    _at_least_two(row, kind, len(texts))
    _no_repeats(row, texts)
    numbers: list[int] = []
    pieces = [piece.strip() for piece in re.split(r"[;,]", row["correct"])]
    if not any(pieces):
        row.problem(_("correct: no correct option is given."))
    for piece in filter(None, pieces):
        number = parse_number(piece)
        if number is None or number != number.to_integral_value():
            row.problem(_("correct: “%(value)s” is not an option number."), value=piece)
        elif not 1 <= number <= len(texts):
            row.problem(
                _(
                    "correct: there is no option %(number)s (the question has %(count)d)."
                ),
                number=piece,
                count=len(texts),
            )
        elif int(number) in numbers:
            row.problem(_("correct: option %(number)s is given twice."), number=piece)
        else:
            numbers.append(int(number))
    if kind is QuestionKind.SINGLE and len(numbers) > 1:
        row.problem(
            _("correct: a single-choice question has exactly one correct option.")
        )
    options = tuple(
        DraftOption(
            text=text,
            feedback=row[FEEDBACK_COLUMNS[index]],
            is_correct=index + 1 in numbers,
        )
        for index, text in enumerate(texts)
    )
    return {"options": options}


def _read_single(row: _Row, texts: list[str]) -> _Read:
    return _read_choice(row, texts, QuestionKind.SINGLE)


def _read_multiple(row: _Row, texts: list[str]) -> _Read:
    return _read_choice(row, texts, QuestionKind.MULTIPLE)


def _read_true_false(row: _Row, texts: list[str]) -> _Read:
    value = row["correct"].casefold()
    if not value or value not in _TRUE_WORDS | _FALSE_WORDS:
        row.problem(
            _("correct: “%(value)s” is not TRUE or FALSE."), value=row["correct"]
        )
    answer = value in _TRUE_WORDS
    options = (
        DraftOption("", feedback=row["feedback_1"], is_correct=answer),
        DraftOption("", feedback=row["feedback_2"], is_correct=not answer),
    )
    return {"options": options}


def _read_matching(row: _Row, texts: list[str]) -> _Read:
    _must_be_empty_correct(row, QuestionKind.MATCHING)
    options = []
    for column, text in zip(OPTION_COLUMNS, texts, strict=False):
        if not text:
            continue
        left, separator, right = text.partition(_PAIR)
        left, right = left.strip(), right.strip()
        if not separator:
            row.problem(
                _("%(column)s: “%(value)s” is not a pair written left=>right."),
                column=column,
                value=text,
            )
        elif not right:
            row.problem(
                _("%(column)s: the right side of the pair is empty."), column=column
            )
        options.append(DraftOption(left, match=right))
    _at_least_two(
        row, QuestionKind.MATCHING, sum(bool(option.text) for option in options)
    )
    _no_repeats(row, [option.text for option in options])
    return {"options": tuple(options)}


def _read_ordering(row: _Row, texts: list[str]) -> _Read:
    _must_be_empty_correct(row, QuestionKind.ORDERING)
    _at_least_two(row, QuestionKind.ORDERING, len(texts))
    _no_repeats(row, texts)
    return {"options": tuple(DraftOption(text) for text in texts)}


def _read_numeric(row: _Row, texts: list[str]) -> _Read:
    answer_text, *tolerance_texts = _TOLERANCE.split(row["correct"], maxsplit=1)
    answer = parse_number(answer_text)
    tolerance = parse_number(tolerance_texts[0]) if tolerance_texts else Decimal(0)
    if not row["correct"]:
        row.problem(_("correct: no correct answer is given."))
    elif answer is None or tolerance is None:
        row.problem(
            _("correct: “%(value)s” is not a number, or a number±tolerance."),
            value=row["correct"],
        )
    elif tolerance < 0:
        row.problem(_("correct: the tolerance is negative."))
    return {"numeric_answer": answer, "numeric_tolerance": tolerance or Decimal(0)}


def _read_short_text(row: _Row, texts: list[str]) -> _Read:
    accepted = tuple(
        piece.strip() for piece in row["correct"].split("|") if normalise_text(piece)
    )
    if not accepted:
        row.problem(_("correct: no accepted answer is given."))
    return {"accepted_answers": accepted}


_KIND_READERS = {
    QuestionKind.SINGLE: _read_single,
    QuestionKind.MULTIPLE: _read_multiple,
    QuestionKind.TRUE_FALSE: _read_true_false,
    QuestionKind.MATCHING: _read_matching,
    QuestionKind.ORDERING: _read_ordering,
    QuestionKind.NUMERIC: _read_numeric,
    QuestionKind.SHORT_TEXT: _read_short_text,
}


# ------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------


def _plain(number: Decimal) -> str:
    """Without an exponent, which the reader (and most people) would not take."""
    return format(number, "f")


def _flag(value: bool) -> str:
    return "TRUE" if value else "FALSE"


def _cells(draft: QuestionDraft) -> dict[str, str]:
    kind = QuestionKind(draft.kind)
    cells = {
        "bank": draft.bank,
        "external_id": draft.external_id,
        "kind": str(kind),
        "competency_code": draft.competency_code,
        "level": "" if draft.level is None else str(draft.level),
        "prompt": draft.prompt,
        "explanation": draft.explanation,
        "points": _plain(draft.points),
        "case_sensitive": _flag(draft.case_sensitive),
        "all_or_nothing": _flag(draft.all_or_nothing),
    }
    if len(draft.options) > OPTION_SLOTS:
        raise ValueError(f"{draft.external_id}: more than {OPTION_SLOTS} options")
    for index, option in enumerate(draft.options):
        if kind is QuestionKind.MATCHING:
            if _PAIR in option.text:
                raise ValueError(f"{draft.external_id}: {_PAIR!r} in a left item")
            cells[OPTION_COLUMNS[index]] = f"{option.text}{_PAIR}{option.match}"
        elif kind is not QuestionKind.TRUE_FALSE:
            cells[OPTION_COLUMNS[index]] = option.text
        cells[FEEDBACK_COLUMNS[index]] = option.feedback
    match kind:
        case QuestionKind.SINGLE | QuestionKind.MULTIPLE:
            cells["correct"] = ";".join(
                str(index + 1)
                for index, option in enumerate(draft.options)
                if option.is_correct
            )
        case QuestionKind.TRUE_FALSE:
            cells["correct"] = _flag(draft.options[0].is_correct)
        case QuestionKind.NUMERIC:
            cells["correct"] = _plain(draft.numeric_answer)
            if draft.numeric_tolerance:
                cells["correct"] += "±" + _plain(draft.numeric_tolerance)
        case QuestionKind.SHORT_TEXT:
            if any("|" in text for text in draft.accepted_answers):
                raise ValueError(f"{draft.external_id}: '|' in an accepted answer")
            cells["correct"] = "|".join(draft.accepted_answers)
    return cells


def questions_to_csv(drafts: Iterable[QuestionDraft]) -> bytes:
    """All columns, UTF-8 with a BOM so that Excel shows Thai; `parse_questions_csv` reads it back.

    Raises ValueError for a draft the layout cannot hold (more than eight options,
    "=>" in a matching left item, "|" in an accepted answer).
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for draft in drafts:
        cells = _cells(draft)
        writer.writerow([csv_cell(cells.get(column, "")) for column in COLUMNS])
    return (BOM + buffer.getvalue()).encode("utf-8")


__all__ = [
    "COLUMNS",
    "REQUIRED_COLUMNS",
    "QuestionImportError",
    "QuestionImportProblem",
    "parse_questions_csv",
    "questions_to_csv",
]
