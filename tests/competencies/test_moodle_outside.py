"""Moodle's competency framework CSV both ways, against Moodle's own fixture.

tests/data/outside/moodle/lpimportcsv-example-excerpt.csv is the beginning of
Moodle's admin/tool/lpimportcsv/tests/fixtures/example.csv (see SOURCE.md): older
headers ("Parent id number", "Id number", "Shortname"), HTML descriptions, and a
scale with its configuration.
"""

import csv
import io
import json
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.utils import translation

import pytest

from competencies.interchange import (
    FrameworkImportError,
    export_moodle_csv,
    framework_import,
    parse_moodle_csv,
)
from competencies.models import Competency

OUTSIDE = Path(__file__).parents[1] / "data" / "outside" / "moodle"
EXAMPLE = (OUTSIDE / "lpimportcsv-example-excerpt.csv").read_bytes()

#: The headers of Moodle's English language pack today (lang/en/tool_lpimportcsv.php),
#: in the order framework_importer::list_required_headers() gives them.
MOODLE_HEADERS = [
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def rows(content: bytes, delimiter: str = ",") -> list[list[str]]:
    return list(
        csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter)
    )


def rewritten(records: list[list[str]], delimiter: str) -> bytes:
    output = io.StringIO()
    csv.writer(output, delimiter=delimiter).writerows(records)
    return output.getvalue().encode("utf-8")


def refusal(content: bytes) -> str:
    with pytest.raises(FrameworkImportError) as caught:
        parse_moodle_csv(content)
    return str(caught.value)


def test_moodles_fixture_with_its_older_headers_is_read():
    package = parse_moodle_csv(EXAMPLE)

    assert package.framework.name_th == "OECD"
    assert [(level.name_th, level.proficient) for level in package.levels] == [
        ("Not yet competent", False),
        ("Competent", True),
    ]
    codes = {item.code: item for item in package.items}
    assert len(codes) == len(rows(EXAMPLE)) - 2
    parent = {item.identifier: item.code for item in package.items}
    assert parent[codes["DR-AT1"].parent] == "analytical-thinking"


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files_are_read(delimiter):
    content = rewritten(rows(EXAMPLE), delimiter)

    package = parse_moodle_csv(content)

    assert [item.code for item in package.items] == [
        item.code for item in parse_moodle_csv(EXAMPLE).items
    ]


def test_an_unknown_header_is_read_in_moodles_fixed_column_order_with_a_warning():
    records = rows(EXAMPLE)
    # A translated header (these labels are made up: no Thai language pack of
    # tool_lpimportcsv was available): Moodle itself reads columns by position.
    records[0] = [f"คอลัมน์ {number}" for number in range(1, 15)]

    package = parse_moodle_csv(rewritten(records, ","))

    assert [item.code for item in package.items] == [
        item.code for item in parse_moodle_csv(EXAMPLE).items
    ]
    assert any("Moodle's fixed order" in str(warning) for warning in package.warnings)


def test_an_unknown_header_of_another_width_is_refused_naming_the_columns():
    records = [row[:8] for row in rows(EXAMPLE)]
    records[0] = [f"column {number}" for number in range(1, 9)]

    assert "Columns missing: Parent ID number, ID number" in refusal(
        rewritten(records, ",")
    )


def test_id_numbers_of_a_hundred_characters_are_accepted():
    records = rows(EXAMPLE)
    long_id = "DR-AT1-" + "x" * 93
    for record in records:
        record[:2] = [long_id if value == "DR-AT1" else value for value in record[:2]]

    package = parse_moodle_csv(rewritten(records, ","))

    assert len(long_id) == 100
    assert long_id in {item.code for item in package.items}


@pytest.mark.django_db
def test_a_competency_with_a_hundred_character_code_is_saved():
    records = rows(EXAMPLE)
    long_id = "DR-AT1-" + "x" * 93
    for record in records:
        record[:2] = [long_id if value == "DR-AT1" else value for value in record[:2]]

    framework_import(package=parse_moodle_csv(rewritten(records, ",")))

    assert Competency.objects.filter(code=long_id).exists()


def test_an_id_number_over_a_hundred_characters_is_refused_naming_it():
    records = rows(EXAMPLE)
    long_id = "DR-AT1-" + "x" * 94
    for record in records:
        record[:2] = [long_id if value == "DR-AT1" else value for value in record[:2]]

    assert f"The ID number {long_id} is longer than 100 characters." in refusal(
        rewritten(records, ",")
    )


# ------------------------------------------------------------------------------
# Export for Moodle
# ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_moodle_export_writes_moodles_fourteen_columns_in_order(framework_2024):
    records = rows(export_moodle_csv(framework=framework_2024))

    assert records[0] == MOODLE_HEADERS
    assert {len(record) for record in records} == {14}
    assert len(rows(EXAMPLE)[0]) == 14


@pytest.mark.django_db
def test_moodle_export_is_utf8_without_a_byte_order_mark(framework_2024):
    content = export_moodle_csv(framework=framework_2024)

    assert not content.startswith(b"\xef\xbb\xbf")
    assert framework_2024.name_th in content.decode("utf-8")


@pytest.mark.django_db
def test_moodle_export_framework_row_is_what_moodles_importer_needs(framework_2024):
    framework_row = rows(export_moodle_csv(framework=framework_2024))[1]
    levels = list(framework_2024.scale.levels.order_by("rank"))

    assert framework_row[12] == "1"
    assert framework_row[5].split(",") == [level.name_th for level in levels]
    configuration = json.loads(framework_row[6])
    # framework_importer::get_scale_configuration() sets the first entry's scaleid;
    # competency_framework::validate_scaleconfiguration() wants one default and a
    # proficient value among the scale's values.
    assert "scaleid" in configuration[0]
    values = configuration[1:]
    assert sum(entry["scaledefault"] for entry in values) == 1
    assert any(entry["proficient"] for entry in values)
    assert {entry["id"] for entry in values} <= set(range(1, len(levels) + 1))


@pytest.mark.django_db
def test_moodle_export_reads_back_with_the_same_tree_and_threshold(framework_2024):
    package = parse_moodle_csv(export_moodle_csv(framework=framework_2024))

    competencies = list(framework_2024.competencies.select_related("parent"))
    assert {(item.code, item.name_th) for item in package.items} == {
        (c.code, c.name_th) for c in competencies
    }
    parent_code = {item.identifier: item.code for item in package.items}
    assert {(item.code, parent_code.get(item.parent)) for item in package.items} == {
        (c.code, c.parent.code if c.parent else None) for c in competencies
    }
    threshold = framework_2024.scale.levels.get(is_proficient_threshold=True)
    assert [level.rank for level in package.levels if level.proficient] == [
        threshold.rank
    ]


@pytest.mark.django_db
def test_export_framework_command_writes_the_moodle_format(framework_2024, tmp_path):
    target = tmp_path / "framework.csv"

    call_command(
        "export_framework",
        "th-dg-2024",
        output=str(target),
        file_format="moodle",
        stdout=StringIO(),
        stderr=StringIO(),
    )

    assert target.read_bytes() == export_moodle_csv(framework=framework_2024)


def test_an_unclosed_quote_is_reported_as_such_on_its_line():
    lines = EXAMPLE.decode("utf-8").split("\n")
    content = "\n".join([lines[0], ',broken,"Unclosed,,1,,,,0,null,,1,,', *lines[1:]])

    assert 'line 2: A quotation mark (") opened on this line is not closed' in refusal(
        content.encode("utf-8")
    )
