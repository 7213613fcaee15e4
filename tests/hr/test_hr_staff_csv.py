"""The staff CSV parser: pure, no database."""

from datetime import date

import pytest

from hr.staff_import import parsing as staff_csv
from hr.staff_import.parsing import Reason
from tests.factories import thai_national_id

KEY = b"test-key"
HEADER = (
    "employee_number,national_id,title_th,first_name_th,last_name_th,first_name_en,"
    "last_name_en,email,unit_code,position_type,position_level,line_of_work,"
    "supervisor_employee_number,start_date\n"
)


def _line(number, national_id=None, **overrides):
    values = {
        "employee_number": f"E{number:05d}",
        "national_id": national_id or thai_national_id(number),
        "title_th": "นาย",
        "first_name_th": "สมชาย",
        "last_name_th": "ใจดี",
        "first_name_en": "Somchai",
        "last_name_en": "Jaidee",
        "email": f"e{number}@example.go.th",
        "unit_code": "V1",
        "position_type": "knowledge",
        "position_level": "practitioner",
        "line_of_work": "3-1-0012",
        "supervisor_employee_number": "",
        "start_date": "2024-10-01",
    }
    values.update(overrides)
    return ",".join(values.values()) + "\n"


def _codes(bad_row):
    return sorted(problem.code for problem in bad_row.problems)


def test_thai_national_id_check_digit():
    valid = thai_national_id(12345)
    assert staff_csv.national_id_is_valid(valid)
    assert staff_csv.national_id_is_valid(
        f"{valid[0]}-{valid[1:5]}-{valid[5:10]}-{valid[10:12]}-{valid[12]}"
    )
    wrong = valid[:12] + str((int(valid[12]) + 1) % 10)
    assert not staff_csv.national_id_is_valid(wrong)
    assert not staff_csv.national_id_is_valid(valid[:12])
    assert not staff_csv.national_id_is_valid("๑" * 13)


def test_known_national_id_passes_the_mod_11_rule():
    # 1-1017-00230-70-5: 1*13+1*12+0*11+1*10+7*9+0*8+0*7+2*6+3*5+0*4+7*3+0*2 = 146,
    # 146 mod 11 = 3, (11 - 3) mod 10 = 8.
    assert staff_csv.national_id_is_valid("1101700230708")
    assert not staff_csv.national_id_is_valid("1101700230705")


def test_national_id_is_masked_to_prefix_and_check_digit():
    assert staff_csv.national_id_mask("1234567890121") == "1-2345-xxxxx-xx-1"


def test_digest_is_keyed():
    national_id = thai_national_id(7)
    digest = staff_csv.national_id_digest(national_id, key=KEY)
    assert digest == staff_csv.national_id_digest(national_id, key=KEY)
    assert digest != staff_csv.national_id_digest(national_id, key=b"other")
    assert national_id not in digest


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-10-01", date(2024, 10, 1)),
        ("01/10/2567", date(2024, 10, 1)),
        ("1/4/2568", date(2025, 4, 1)),
    ],
)
def test_dates_are_iso_or_buddhist_era(text, expected):
    assert staff_csv.date_parse(text) == expected


@pytest.mark.parametrize("text", ["01/10/2024", "31/02/2567", "2024/10/01", "", "x"])
def test_ambiguous_or_impossible_dates_are_refused(text):
    with pytest.raises(ValueError):
        staff_csv.date_parse(text)


def test_every_parser_reason_is_reported_with_its_line():
    data = (
        HEADER
        + _line(1)
        + _line(2, national_id="1234567890123")  # bad check digit
        + _line(3, start_date="01/10/2024")  # C.E. year in d/m/y
        + _line(4, email="not-an-email")
        + _line(5, first_name_th="")  # missing required cell
        + _line(6, employee_number="E00099")
        + _line(7, employee_number="E00099")  # duplicate employee number
        + _line(8, national_id=thai_national_id(1))  # same ID as line 2's row 1
        + _line(9, last_name_en="x" * 151)
    ).encode()
    parsed = staff_csv.parse(data, key=KEY)
    bad = {row.line: _codes(row) for row in parsed.bad_rows}
    assert bad == {
        2: [Reason.DUPLICATE_NATIONAL_ID],
        3: [Reason.BAD_NATIONAL_ID],
        4: [Reason.BAD_DATE],
        5: [Reason.BAD_EMAIL],
        6: [Reason.MISSING_FIELD],
        7: [Reason.DUPLICATE_EMPLOYEE_NUMBER],
        8: [Reason.DUPLICATE_EMPLOYEE_NUMBER],
        9: [Reason.DUPLICATE_NATIONAL_ID],
        10: [Reason.TOO_LONG],
    }
    assert parsed.rows == []
    missing = next(row for row in parsed.bad_rows if row.line == 6)
    assert "first_name_th" in missing.problems[0].message


def test_a_good_row_keeps_only_digest_and_mask():
    national_id = thai_national_id(42)
    parsed = staff_csv.parse((HEADER + _line(42, national_id)).encode(), key=KEY)
    [row] = parsed.rows
    assert row.national_id_masked == staff_csv.national_id_mask(national_id)
    assert row.national_id_digest == staff_csv.national_id_digest(national_id, key=KEY)
    assert national_id not in repr(parsed)
    assert row.first_name_th == "สมชาย"
    assert row.start_date == date(2024, 10, 1)


def test_a_missing_required_column_refuses_the_whole_file():
    header = HEADER.replace("unit_code,", "")
    parsed = staff_csv.parse((header + "x\n").encode(), key=KEY)
    assert [problem.params["column"] for problem in parsed.header_problems] == [
        "unit_code"
    ]
    assert parsed.rows == [] and parsed.bad_rows == []


def test_bom_thai_windows_encoding_and_thai_headers_are_read():
    thai_header = (
        "เลขประจำตัวพนักงาน,เลขประจำตัวประชาชน,ชื่อ,นามสกุล,รหัสหน่วยงาน,"
        "ประเภทตำแหน่ง,ระดับตำแหน่ง,รหัสสายงาน,วันที่เริ่มดำรงตำแหน่ง\n"
    )
    line = f"E1,{thai_national_id(5)},สมหญิง,รักไทย,V1,general,operational,เจ้าพนักงานธุรการ,01/10/2567\n"
    for data in (
        ("\ufeff" + thai_header + line).encode("utf-8"),
        (thai_header + line).encode("cp874"),
    ):
        parsed = staff_csv.parse(data, key=KEY)
        assert [row.first_name_th for row in parsed.rows] == ["สมหญิง"]
        assert not parsed.has_column("email")


def test_row_count_estimate_for_choosing_the_background():
    assert staff_csv.count_rows(b"h\n1\n2\n") == 2
    assert staff_csv.count_rows(b"h\n1\n2") == 2
    assert staff_csv.count_rows(b"") == 0


def test_the_parsers_length_limits_are_the_models():
    """The real run writes rows in bulk without the model's clean_fields: the file's
    limits (staff_csv.MAX_LENGTHS) must be the fields' own."""
    from competencies.models import Person, Placement
    from hr.staff_import.parsing import MAX_LENGTHS

    for model in (Person, Placement):
        for field in model._meta.concrete_fields:
            if field.name in MAX_LENGTHS and getattr(field, "max_length", None):
                assert MAX_LENGTHS[field.name] == field.max_length, field.name
    assert {"first_name_th", "last_name_th", "email", "employee_number"} <= set(
        MAX_LENGTHS
    )


def test_parsed_rows_dumped_and_loaded_are_equal():
    valid = thai_national_id(1)
    wrong = valid[:12] + str((int(valid[12]) + 1) % 10)
    parsed = staff_csv.parse(
        HEADER
        + _line(1, supervisor_employee_number="E00002")
        + _line(2, start_date="01/10/2567")
        + _line(3, national_id=wrong, email="nope", unit_code="ไม่มี"),
        key=KEY,
    )
    assert len(parsed.rows) == 2 and len(parsed.bad_rows) == 1
    loaded = staff_csv.parsed_load(staff_csv.parsed_dump(parsed))
    assert len(list(staff_csv.parsed_dump(parsed))) == 1 + 3  # the header, a row each
    assert loaded.columns == parsed.columns
    assert loaded.rows == parsed.rows
    assert loaded.header_problems == parsed.header_problems
    assert [
        (bad.line, bad.employee_number, bad.problems) for bad in loaded.bad_rows
    ] == [(bad.line, bad.employee_number, bad.problems) for bad in parsed.bad_rows]
    assert loaded.bad_rows[0].values["unit_code"] == "ไม่มี"
    dumped = b"".join(staff_csv.parsed_dump(parsed)).decode()
    assert valid not in dumped and wrong not in dumped  # digests and masks only
