"""Moodle's framework CSV: reading, refusing bad lines, importing by ID number."""

import json
from pathlib import Path

from django.utils import translation

import pytest

from competencies.interchange import (
    FrameworkImportError,
    build_case,
    framework_import,
    parse_case,
    parse_moodle_csv,
)
from competencies.models import (
    Competency,
    Framework,
    ProficiencyLevel,
    ProficiencyScale,
)

DATA = Path(__file__).parent / "data"
HEADER = (
    '"Parent ID number","ID number","Short name","Description","Description format",'
    '"Scale values","Scale configuration","Rule type (optional)",'
    '"Rule outcome (optional)","Rule config (optional)",'
    '"Cross-referenced competency ID numbers","Exported ID (optional)",'
    '"Is framework","Taxonomy"'
)
FRAMEWORK_ROW = ',FW,"กรอบ",,1,"ไม่ผ่าน,ผ่าน",,,,,,1,1,'


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English; Thai is the default language."""
    with translation.override("en"):
        yield


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def refusal(content: bytes) -> list[str]:
    with pytest.raises(FrameworkImportError) as caught:
        parse_moodle_csv(content)
    return [str(problem) for problem in caught.value.problems]


def row_counts() -> tuple[int, int, int, int]:
    return (
        Framework.objects.count(),
        ProficiencyScale.objects.count(),
        ProficiencyLevel.objects.count(),
        Competency.objects.count(),
    )


# ------------------------------------------------------------------------------
# Reading
# ------------------------------------------------------------------------------


def test_moodle_parse_reads_the_framework_row():
    meta = parse_moodle_csv(read("moodle_framework.csv")).framework

    assert (meta.code, meta.name_th, meta.name_en) == (
        "mdl-dg",
        "กรอบทักษะดิจิทัล Moodle",
        "Moodle digital skills",
    )
    assert meta.description_th == "กรอบทดสอบ & ตัวอย่าง"
    assert meta.version is None


def test_moodle_parse_builds_the_tree_in_row_order_with_kinds_from_taxonomy():
    package = parse_moodle_csv(read("moodle_framework.csv"))

    codes = {item.identifier: item.code for item in package.items}
    assert [
        (item.code, item.kind, codes.get(item.parent), item.order)
        for item in package.items
    ] == [
        ("D1", "area", None, 1),
        ("D1-C1", "competency", "D1", 2),
        ("D1-C1-B1", "sub", "D1-C1", 3),
        ("D1-C2", "competency", "D1", 4),
        ("D2", "area", None, 5),
        ("D2-C1", "competency", "D2", 6),
        ("D2-C2", "competency", "D2", 7),
    ]


def test_moodle_parse_reads_scale_values_with_the_lowest_proficient_as_threshold():
    levels = parse_moodle_csv(read("moodle_framework.csv")).levels

    assert [(level.rank, level.name_th, level.proficient) for level in levels] == [
        (1, "ยังไม่ผ่าน", False),
        (2, "ผ่าน", True),
        (3, "ดีเยี่ยม", False),
    ]


def test_moodle_parse_splits_multilang_names_and_strips_html_descriptions():
    items = {
        item.code: item for item in parse_moodle_csv(read("moodle_framework.csv")).items
    }

    assert (items["D1-C2"].name_th, items["D1-C2"].name_en) == (
        "ประชุมออนไลน์",
        "Online meetings",
    )
    assert items["D1-C1"].description_th == "ใช้อีเมลในงาน"
    assert items["D2-C1"].description_th == "อ่านตาราง\nและสรุปผล"


def test_moodle_parse_warns_that_a_competency_scale_is_ignored():
    warnings = parse_moodle_csv(read("moodle_framework.csv")).warnings

    assert [warning.location for warning in warnings] == ["line 6 (D1-C2)"]


def test_moodle_parse_accepts_utf8_without_a_byte_order_mark():
    with_bom = read("moodle_framework.csv")
    assert with_bom.startswith(b"\xef\xbb\xbf")

    assert parse_moodle_csv(with_bom[3:]) == parse_moodle_csv(with_bom)


def test_moodle_parse_derives_the_same_identifiers_each_time():
    first = parse_moodle_csv(read("moodle_framework.csv"))
    second = parse_moodle_csv(read("moodle_framework.csv"))

    assert [item.identifier for item in first.items] == [
        item.identifier for item in second.items
    ]
    assert first.framework.identifier == second.framework.identifier


def test_moodle_package_round_trips_through_case():
    package = parse_moodle_csv(read("moodle_framework.csv"))
    case_package = parse_case(json.dumps(build_case(package)).encode())

    assert case_package.items == package.items
    assert case_package.levels == package.levels


def test_moodle_parse_refuses_a_file_that_is_not_utf8_naming_the_line():
    content = csv_bytes(HEADER, FRAMEWORK_ROW) + ',X1,"caf\xe9",,1,,,,,,,2,,\n'.encode(
        "latin-1"
    )
    position = content.index(b"\xe9") + 1

    assert refusal(content) == [
        f"line 3: The file is not UTF-8 text (byte {position})."
    ]


def test_moodle_parse_refuses_missing_columns():
    problems = refusal(csv_bytes('"ID number","Description"', ",FW,x"))

    assert len(problems) == 1
    assert problems[0].startswith(
        "line 1: Columns missing: Parent ID number, Short name"
    )
    assert "Is framework" in problems[0]


def test_moodle_parse_refuses_malformed_csv_listing_each_line():
    problems = refusal(read("moodle_malformed.csv"))

    assert problems[0] == "line 3: Expected 14 fields, found 3."
    assert problems[1].startswith(
        'line 4: A quotation mark (") opened on this line is not closed'
    )


def test_moodle_parse_refuses_missing_duplicate_unknown_parent_and_cycle_by_line():
    problems = refusal(read("moodle_problems.csv"))

    assert problems == [
        "line 3: The ID number is missing.",
        "line 5 (P1): The ID number P1 is also on line 4.",
        "line 6 (P2): The parent ID number NOPE is not in the file.",
        "lines 7, 8: These ID numbers are each other's ancestors (a cycle): "
        "P3 → P4 → P3.",
    ]


def test_moodle_parse_counts_lines_across_quoted_line_breaks():
    content = csv_bytes(
        HEADER,
        FRAMEWORK_ROW,
        ',A,"หนึ่ง","บรรทัดแรก\nบรรทัดสอง",2,,,,,,,2,,',
        'MISSING,B,"สอง",,1,,,,,,,3,,',
    )

    assert refusal(content) == [
        "line 5 (B): The parent ID number MISSING is not in the file."
    ]


def test_moodle_parse_refuses_a_file_without_a_framework_row():
    problems = refusal(csv_bytes(HEADER, ',A,"หนึ่ง",,1,,,,,,,2,,'))

    assert problems == ["file: No row has 'Is framework' set to 1."]


def test_moodle_parse_refuses_bad_scale_configuration():
    row = ',FW,"กรอบ",,1,"ไม่ผ่าน,ผ่าน","[{""id"":5,""proficient"":1}]",,,,,1,1,'

    problems = refusal(csv_bytes(HEADER, row))

    assert problems == [
        "line 2 (FW): The scale configuration refers to value 5; "
        "the scale has 2 values."
    ]


# ------------------------------------------------------------------------------
# Importing
# ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_moodle_import_uses_id_numbers_as_codes():
    framework_import(package=parse_moodle_csv(read("moodle_framework.csv")))

    framework = Framework.objects.get(code="mdl-dg")
    assert framework.version == "1"
    assert framework.status == Framework.Status.DRAFT
    assert framework.competencies.get(code="D1-C1-B1").parent.code == "D1-C1"
    assert framework.scale.proficient_level.name_th == "ผ่าน"


@pytest.mark.django_db
def test_moodle_reimport_updates_the_same_rows():
    framework_import(package=parse_moodle_csv(read("moodle_framework.csv")))
    competency = Competency.objects.get(code="D2-C2")
    changed = read("moodle_framework.csv").replace(
        "การแสดงผลข้อมูล".encode(), "การนำเสนอข้อมูล".encode()
    )

    result = framework_import(package=parse_moodle_csv(changed))

    competency.refresh_from_db()
    assert competency.name_th == "การนำเสนอข้อมูล"
    assert Competency.objects.filter(code="D2-C2").count() == 1
    assert result.updated == {"competency": 1}


@pytest.mark.django_db
def test_moodle_import_refuses_a_bad_file_and_writes_nothing():
    before = row_counts()

    with pytest.raises(FrameworkImportError):
        framework_import(package=parse_moodle_csv(read("moodle_problems.csv")))

    assert row_counts() == before
