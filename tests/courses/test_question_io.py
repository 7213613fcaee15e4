"""Question CSV: reading every kind, refusing a file for every bad line, round trips."""

import csv
import io
from decimal import Decimal

from django.utils import translation

import pytest

from courses.question_io import (
    COLUMNS,
    QuestionImportError,
    parse_questions_csv,
    questions_to_csv,
)
from courses.questions import DraftOption, QuestionDraft, QuestionKind

HEADER = [
    "bank",
    "external_id",
    "kind",
    "competency_code",
    "level",
    "prompt",
    "option_1",
    "option_2",
    "option_3",
    "option_4",
    "correct",
    "feedback_1",
    "feedback_2",
    "feedback_3",
    "explanation",
    "points",
    "case_sensitive",
    "all_or_nothing",
]


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English; Thai is the default language."""
    with translation.override("en"):
        yield


def _csv(rows, header=HEADER, encoding="utf-8-sig"):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return buffer.getvalue().encode(encoding)


def _row(external_id, kind, **cells):
    return {
        "bank": "DG-BANK",
        "external_id": external_id,
        "kind": kind,
        "competency_code": "ACD-GOV-02",
        "level": "2",
        "prompt": f"คำถาม {external_id}",
        **cells,
    }


VALID_ROWS = [
    _row(
        "S1",
        "single",
        option_1="พ.ร.บ. คุ้มครองข้อมูลส่วนบุคคล",
        option_2="พ.ร.บ. ข้อมูลข่าวสารของราชการ",
        option_3="พ.ร.บ. คอมพิวเตอร์",
        correct="1",
        feedback_1="ถูกต้อง",
        feedback_2="กฎหมายนี้ว่าด้วยการเปิดเผยข้อมูลของรัฐ",
        explanation="PDPA คุ้มครองข้อมูลส่วนบุคคล",
        points="2",
    ),
    _row(
        "M1",
        "multiple",
        option_1="ชื่อ",
        option_2="เลขประจำตัวประชาชน",
        option_3="ราคาน้ำมัน",
        correct="1;2",
        all_or_nothing="TRUE",
        level="๓",
    ),
    _row("T1", "true_false", correct="จริง", feedback_1="ใช่", feedback_2="ไม่ใช่"),
    _row(
        "X1",
        "matching",
        option_1="PDPA=>ข้อมูลส่วนบุคคล",
        option_2="OIA => ข้อมูลข่าวสารของราชการ",
        option_3="=>ภาษี",
    ),
    _row("O1", "ordering", option_1="วางแผน", option_2="ดำเนินการ", option_3="ประเมินผล"),
    _row("N1", "numeric", correct="๑,๒๐๐±๐.๕", points="1.5"),
    _row("N2", "numeric", correct="-5+-1"),
    _row(
        "W1", "short_text", correct="รัฐบาลดิจิทัล | Digital Government", case_sensitive="1"
    ),
]


def test_every_kind_is_read_into_a_draft():
    drafts = {
        draft.external_id: draft for draft in parse_questions_csv(_csv(VALID_ROWS))
    }

    assert list(drafts) == ["S1", "M1", "T1", "X1", "O1", "N1", "N2", "W1"]
    single = drafts["S1"]
    assert (single.kind, single.level, single.points) == (QuestionKind.SINGLE, 2, 2)
    assert [option.is_correct for option in single.options] == [True, False, False]
    assert [option.feedback for option in single.options][0] == "ถูกต้อง"
    assert single.explanation == "PDPA คุ้มครองข้อมูลส่วนบุคคล"
    assert drafts["M1"].level == 3
    assert drafts["M1"].all_or_nothing
    assert [option.is_correct for option in drafts["M1"].options] == [True, True, False]
    assert drafts["T1"].options == (
        DraftOption("", "ใช่", is_correct=True),
        DraftOption("", "ไม่ใช่", is_correct=False),
    )
    assert drafts["X1"].options == (
        DraftOption("PDPA", match="ข้อมูลส่วนบุคคล"),
        DraftOption("OIA", match="ข้อมูลข่าวสารของราชการ"),
        DraftOption("", match="ภาษี"),
    )
    assert [option.text for option in drafts["O1"].options] == [
        "วางแผน",
        "ดำเนินการ",
        "ประเมินผล",
    ]
    assert (drafts["N1"].numeric_answer, drafts["N1"].numeric_tolerance) == (
        1200,
        Decimal("0.5"),
    )
    assert drafts["N1"].points == Decimal("1.5")
    assert (drafts["N2"].numeric_answer, drafts["N2"].numeric_tolerance) == (-5, 1)
    assert drafts["W1"].accepted_answers == ("รัฐบาลดิจิทัล", "Digital Government")
    assert drafts["W1"].case_sensitive


def test_drafts_read_from_csv_become_snapshots():
    for number, draft in enumerate(parse_questions_csv(_csv(VALID_ROWS))):
        snapshot = draft.to_snapshot(str(number))
        assert snapshot.kind == draft.kind


def test_every_bad_line_is_listed_and_nothing_is_returned():
    rows = [
        _row("OK1", "single", option_1="ก", option_2="ข", correct="2"),  # line 2
        _row("B1", "essay"),  # line 3
        _row("B2", "single", option_1="ก", option_2="ข", correct="1", prompt=""),
        _row("B3", "single", option_1="ก", option_2="ข", correct=""),
        _row("B4", "single", option_1="ก", option_2="ข", option_3="ค", correct="5"),
        _row("B5", "numeric", correct="ประมาณสิบ"),
        _row("OK1", "true_false", correct="TRUE"),  # line 8: duplicate
        _row("B7", "ordering", option_1="ก", option_2="ข", level="0"),
        _row("B8", "matching", option_1="ก=>ข", option_2="ค-ง"),
        _row("B9", "multiple", option_1="ก", option_3="ค", correct="1;3"),
        _row("B10", "true_false", correct="maybe", option_1="ก"),
        _row("B11", "single", option_1="ก", option_2="ข", correct="1", points="-1"),
    ]

    with pytest.raises(QuestionImportError) as caught:
        parse_questions_csv(_csv(rows))

    problems = [(line, str(message)) for line, message in caught.value.problems]
    assert problems == [
        (
            3,
            "kind: “essay” is not one of single, multiple, true_false, matching, "
            "ordering, numeric, short_text.",
        ),
        (4, "prompt is empty."),
        (5, "correct: no correct option is given."),
        (6, "correct: there is no option 5 (the question has 3)."),
        (7, "correct: “ประมาณสิบ” is not a number, or a number±tolerance."),
        (8, "external_id: “OK1” is also on line 2 in bank DG-BANK."),
        (9, "level: “0” is not a whole number from 1 to 99."),
        (10, "option_2: “ค-ง” is not a pair written left=>right."),
        (11, "option_2 is empty but option_3 is not."),
        (12, "option_1: a true_false question has no options."),
        (12, "correct: “maybe” is not TRUE or FALSE."),
        (
            13,
            "points: “-1” is not a number above 0 and at most 999.99, with at most "
            "two decimals.",
        ),
    ]
    assert "Line 3: kind:" in str(caught.value)


def test_line_numbers_count_the_lines_of_multi_line_cells():
    rows = [
        _row("P1", "short_text", prompt="บรรทัดแรก\nบรรทัดที่สอง\nบรรทัดที่สาม", correct="ก"),
        _row("P2", "short_text", correct=""),
    ]

    with pytest.raises(QuestionImportError) as caught:
        parse_questions_csv(_csv(rows))

    assert [line for line, _message in caught.value.problems] == [5]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"correct": "1;1"}, "correct: option 1 is given twice."),
        (
            {"correct": "1;2"},
            "correct: a single-choice question has exactly one correct option.",
        ),
        ({"correct": "ก"}, "correct: “ก” is not an option number."),
        (
            {"option_2": ""},
            "option_1, option_2: a single question needs at least two options.",
        ),
        ({"option_2": " ก "}, "option_2 repeats option_1."),
        ({"feedback_3": "x"}, "feedback_3: feedback for an empty option."),
        (
            {"case_sensitive": "TRUE"},
            "case_sensitive applies to short_text questions only.",
        ),
        (
            {"all_or_nothing": "perhaps"},
            "all_or_nothing: “perhaps” is not TRUE or FALSE.",
        ),
        ({"level": "2.5"}, "level: “2.5” is not a whole number from 1 to 99."),
        (
            {"points": "1.255"},
            "points: “1.255” is not a number above 0 and at most 999.99, with at most two decimals.",
        ),
        ({"competency_code": ""}, "competency_code is empty."),
        ({"external_id": "x" * 65}, "external_id is longer than 64 characters."),
    ],
)
def test_each_problem_of_a_choice_question_is_named(cells, message):
    row = _row("C1", "single", option_1="ก", option_2="ข", correct="1")
    row.update(cells)

    with pytest.raises(QuestionImportError) as caught:
        parse_questions_csv(_csv([row]))

    assert [str(message) for _line, message in caught.value.problems] == [message]


@pytest.mark.parametrize(
    ("kind", "cells", "message"),
    [
        ("numeric", {"correct": "10±-1"}, "correct: the tolerance is negative."),
        ("numeric", {"correct": ""}, "correct: no correct answer is given."),
        ("short_text", {"correct": " | "}, "correct: no accepted answer is given."),
        (
            "ordering",
            {"option_1": "ก", "option_2": "ข", "correct": "1;2"},
            "correct: must be empty for a ordering question; the options themselves "
            "give the answer.",
        ),
        (
            "matching",
            {"option_1": "ก=>", "option_2": "ค=>ง"},
            "option_1: the right side of the pair is empty.",
        ),
        (
            "matching",
            {"option_1": "ก=>ข", "option_2": "=>ง"},
            "option_1, option_2: a matching question needs at least two options.",
        ),
        (
            "matching",
            {"option_1": "ก=>ข", "option_2": "ค=>ง", "feedback_1": "x"},
            "feedback_1: a matching question has no per-option feedback.",
        ),
    ],
)
def test_each_problem_of_other_kinds_is_named(kind, cells, message):
    with pytest.raises(QuestionImportError) as caught:
        parse_questions_csv(_csv([_row("K1", kind, **cells)]))

    assert [str(message) for _line, message in caught.value.problems] == [message]


def test_a_file_not_in_utf8_is_refused_at_its_first_bad_line():
    content = _csv(VALID_ROWS[:1], encoding="utf-8")
    thai_windows = content.decode("utf-8").encode("cp874")

    with pytest.raises(QuestionImportError) as caught:
        parse_questions_csv(thai_windows)

    [(line, message)] = caught.value.problems
    assert line == 2
    assert "not UTF-8" in str(message)
    assert "CSV UTF-8" in str(message)


def test_missing_unknown_and_repeated_columns_are_named():
    header = ["bank", "external_id", "kind", "prompt", "opton_1", "prompt", "correct"]

    with pytest.raises(QuestionImportError) as caught:
        parse_questions_csv(_csv([], header=header))

    assert [(line, str(message)) for line, message in caught.value.problems] == [
        (1, "Columns missing: competency_code, level."),
        (1, "Unknown columns: opton_1."),
        (1, "The column prompt appears twice."),
    ]


def test_an_empty_file_and_a_file_without_questions_are_refused():
    for content, message in [
        (b"", "The file is empty."),
        (_csv([]), "The file has no questions."),
        (_csv([{}, {}]), "The file has no questions."),  # blank rows are skipped
    ]:
        with pytest.raises(QuestionImportError) as caught:
            parse_questions_csv(content)
        assert [str(problem.message) for problem in caught.value.problems] == [message]


def test_a_value_under_no_header_is_refused():
    content = (
        _csv([_row("S1", "short_text", correct="ก")]).rstrip(b"\r\n") + b",stray\r\n"
    )

    with pytest.raises(QuestionImportError) as caught:
        parse_questions_csv(content)

    assert [str(message) for _line, message in caught.value.problems] == [
        "A value is in a column without a header."
    ]


def test_export_then_import_gives_the_same_questions():
    drafts = parse_questions_csv(_csv(VALID_ROWS))

    assert parse_questions_csv(questions_to_csv(drafts)) == drafts


def test_export_is_utf8_with_a_bom_and_every_column():
    content = questions_to_csv(parse_questions_csv(_csv(VALID_ROWS[:1])))

    assert content.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert header == list(COLUMNS)
    assert "พ.ร.บ. คุ้มครองข้อมูลส่วนบุคคล".encode() in content


def test_export_keeps_excel_from_running_cells_as_formulas_and_round_trips_them():
    draft = QuestionDraft(
        bank="DG-BANK",
        external_id="F1",
        kind=QuestionKind.MATCHING,
        competency_code="ACD-GOV-02",
        level=1,
        prompt='=HYPERLINK("http://example.com")',
        options=(
            DraftOption("+66", match="โทรศัพท์"),
            DraftOption("@dga", match="'=already quoted"),
            DraftOption("", match="-ตัวลวง"),
        ),
        explanation="บรรทัดแรก\r\nบรรทัดที่สอง",
    )
    numeric = QuestionDraft(
        bank="DG-BANK",
        external_id="F2",
        kind=QuestionKind.NUMERIC,
        competency_code="ACD-GOV-02",
        level=1,
        prompt="อุณหภูมิ",
        numeric_answer=Decimal("-5"),
        numeric_tolerance=Decimal("0.5"),
    )

    content = questions_to_csv([draft, numeric])
    cells = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))

    assert all(
        not cell.startswith(("=", "+", "-", "@")) for row in cells for cell in row
    )
    assert parse_questions_csv(content) == [draft, numeric]


def test_export_refuses_what_the_layout_cannot_hold():
    draft = QuestionDraft(
        bank="DG-BANK",
        external_id="W1",
        kind=QuestionKind.SHORT_TEXT,
        competency_code="ACD-GOV-02",
        level=1,
        prompt="?",
        accepted_answers=("a|b",),
    )

    with pytest.raises(ValueError, match="W1"):
        questions_to_csv([draft])


def test_an_unclosed_quote_is_reported_as_such_on_its_line():
    content = (
        "bank,external_id,kind,competency_code,level,prompt,correct\r\n"
        "DG-BANK,T1,true_false,GOV-02,2,ข้อแรก,TRUE\r\n"
        'DG-BANK,T2,true_false,GOV-02,2,"ข้อที่ไม่ปิดเครื่องหมายคำพูด,TRUE\r\n'
        "DG-BANK,T3,true_false,GOV-02,2,ข้อสาม,FALSE\r\n"
    ).encode()

    with pytest.raises(QuestionImportError) as caught:
        parse_questions_csv(content)

    assert [
        (problem.line, str(problem.message)) for problem in caught.value.problems
    ] == [
        (
            3,
            'A quotation mark (") opened on this line is not closed, so the lines '
            "after it are read as part of one value.",
        )
    ]
