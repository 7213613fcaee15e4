"""CASE JSON: reading, writing, and importing packages by identifier."""

import json
from datetime import UTC, date, datetime
from pathlib import Path

from django.utils import translation

import pytest

from competencies.interchange import (
    FrameworkImportError,
    FrameworkItem,
    FrameworkMeta,
    FrameworkPackage,
    ScaleLevel,
    build_case,
    framework_export,
    framework_import,
    parse_case,
)
from competencies.models import (
    Competency,
    Framework,
    ProficiencyLevel,
    ProficiencyScale,
)

DATA = Path(__file__).parent / "data"
DOCUMENT = "d0c00000-0000-4000-8000-000000000001"


def item_id(number: int) -> str:
    return f"1e000000-0000-4000-8000-{number:012d}"


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English; Thai is the default language."""
    with translation.override("en"):
        yield


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def case_dict(name: str) -> dict:
    return json.loads(read(name))


def encode(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def refusal(content: bytes) -> str:
    with pytest.raises(FrameworkImportError) as caught:
        parse_case(content)
    return "\n".join(str(problem) for problem in caught.value.problems)


def row_counts() -> tuple[int, int, int, int]:
    return (
        Framework.objects.count(),
        ProficiencyScale.objects.count(),
        ProficiencyLevel.objects.count(),
        Competency.objects.count(),
    )


def sample_package() -> FrameworkPackage:
    return FrameworkPackage(
        framework=FrameworkMeta(
            identifier="0f000000-0000-4000-8000-000000000001",
            code="sample",
            name_th="กรอบตัวอย่าง",
            name_en="Sample framework",
            description_th="คำอธิบาย",
            description_en="Description",
            version="2026",
            publisher="สำนักงาน ก.พ.",
            licence="CC BY 4.0",
            source_url="https://www.example.go.th/sample",
            adopted_on=date(2026, 1, 1),
        ),
        levels=[
            ScaleLevel("0f000000-0000-4000-8000-0000000000a1", 1, "basic", "พื้นฐาน"),
            ScaleLevel(
                "0f000000-0000-4000-8000-0000000000a2",
                2,
                "good",
                "ดี",
                "Good",
                "ทำได้เอง",
                "Works alone",
                proficient=True,
            ),
        ],
        items=[
            FrameworkItem(
                "0f000000-0000-4000-8000-000000000011",
                "A",
                "area",
                "ด้าน",
                "Area",
                order=1,
            ),
            FrameworkItem(
                "0f000000-0000-4000-8000-000000000012",
                "A-1",
                "competency",
                "สมรรถนะ",
                "",
                "อธิบาย",
                "Explained",
                parent="0f000000-0000-4000-8000-000000000011",
                order=2,
                uri="https://case.example.go.th/uri/a-1",
            ),
            FrameworkItem(
                "0f000000-0000-4000-8000-000000000013",
                "A-1.1",
                "sub",
                "ย่อย",
                "Sub",
                parent="0f000000-0000-4000-8000-000000000012",
                order=3,
            ),
        ],
    )


# ------------------------------------------------------------------------------
# Reading
# ------------------------------------------------------------------------------


def test_case_parse_reads_tree_codes_kinds_and_order():
    package = parse_case(read("case_levels.json"))

    assert [
        (item.code, item.kind, item.parent, item.order) for item in package.items
    ] == [
        ("DL", "area", None, 1),
        ("DL-01", "competency", item_id(1), 2),
        ("DL-01.1", "sub", item_id(2), 3),
        ("DL-02", "competency", item_id(1), 4),
        ("CS", "area", None, 5),
        ("CS-01", "competency", item_id(5), 6),
    ]


def test_case_parse_reads_english_from_extension_or_alternative_label():
    items = {item.code: item for item in parse_case(read("case_levels.json")).items}

    assert (items["DL-01"].name_th, items["DL-01"].name_en) == (
        "การใช้เครื่องมือดิจิทัล",
        "Using digital tools",
    )
    assert items["DL-01"].description_th == "เลือกและใช้เครื่องมือในงานประจำวัน"
    assert items["DL-01"].description_en == "Choosing and using everyday tools."
    assert items["DL"].name_en == "Digital literacy"


def test_case_parse_reads_levels_from_has_skill_level_items():
    package = parse_case(read("case_levels.json"))

    assert [
        (level.rank, level.code, level.name_th, level.name_en, level.proficient)
        for level in package.levels
    ] == [
        (1, "basic", "พื้นฐาน", "Basic", False),
        (2, "intermediate", "ปานกลาง", "Intermediate", True),
        (3, "advanced", "ก้าวหน้า", "Advanced", False),
    ]
    assert package.levels[1].descriptor_en == "Works independently."
    assert "advanced" not in {item.code for item in package.items}


def test_case_parse_reads_framework_fields():
    meta = parse_case(read("case_levels.json")).framework

    assert meta == FrameworkMeta(
        identifier=DOCUMENT,
        code="test-dg",
        name_th="กรอบสมรรถนะดิจิทัลสำหรับการทดสอบ",
        name_en="Digital competency framework for testing",
        description_th="กรอบตัวอย่างสำหรับการทดสอบการนำเข้า",
        description_en="A sample framework for import tests.",
        version="2025",
        publisher="สำนักงานทดสอบดิจิทัล",
        licence="CC BY 4.0",
        source_url="https://www.example.go.th/standards/test-dg",
        adopted_on=date(2025, 1, 1),
    )


def test_case_parse_skips_other_association_types_with_a_warning():
    package = parse_case(read("case_levels.json"))

    assert [str(warning) for warning in package.warnings] == [
        "CFAssociations: Associations the Academy does not use, kept as they are "
        "for export: 1 exactMatchOf."
    ]


def test_case_parse_takes_levels_from_rubric_criteria_by_score():
    package = parse_case(read("case_rubric.json"))

    assert [
        (level.rank, level.name_th, level.descriptor_th) for level in package.levels
    ] == [
        (1, "เริ่มต้น", "ทำได้เมื่อมีผู้แนะนำ"),
        (2, "ชำนาญ", ""),
        (3, "เชี่ยวชาญ", "สอนผู้อื่นได้"),
    ]
    assert any("ชำนาญ" in str(warning) for warning in package.warnings)


def test_case_parse_without_types_or_sequence_uses_depth_and_file_order():
    package = parse_case(read("case_rubric.json"))

    assert [(item.code, item.kind, item.order) for item in package.items] == [
        ("R1", "area", 1),
        ("R1.1", "competency", 2),
        ("R1.2", "competency", 3),
    ]


def test_case_parse_uses_abbreviated_statement_as_name_and_keeps_the_statement():
    document = case_dict("case_levels.json")
    document["CFItems"][1]["abbreviatedStatement"] = "เครื่องมือ"

    item = parse_case(encode(document)).items[1]

    assert item.name_th == "เครื่องมือ"
    assert item.description_th.startswith("การใช้เครื่องมือดิจิทัล\n\n")


def test_case_parse_shortens_a_statement_longer_than_a_name():
    document = case_dict("case_levels.json")
    statement = "ก" * 400
    document["CFItems"][0]["fullStatement"] = statement

    item = parse_case(encode(document)).items[0]

    assert len(item.name_th) == 255
    assert item.description_th == statement


def test_case_parse_derives_a_code_when_the_academy_extension_is_absent():
    document = case_dict("case_levels.json")
    del document["CFDocument"]["extensions"]

    assert parse_case(encode(document)).framework.code == f"case-{DOCUMENT[:8]}"


def test_case_parse_accepts_a_byte_order_mark():
    package = parse_case(b"\xef\xbb\xbf" + read("case_levels.json"))

    assert package.framework.identifier == DOCUMENT


def test_case_parse_refuses_invalid_json_with_line_and_column():
    assert "line 5, column 5" in refusal(read("case_invalid.json"))


def test_case_parse_refuses_json_that_is_not_a_package():
    assert "JSON object" in refusal(b"[1, 2]")


def test_case_parse_refuses_dangling_references_listing_each():
    problems = refusal(read("case_dangling.json"))

    assert "deadbeef-0000-4000-8000-000000000001" in problems  # unknown parent
    assert "deadbeef-0000-4000-8000-000000000002" in problems  # unknown child
    assert "deadbeef-0000-4000-8000-000000000003" in problems  # hasSkillLevel target
    assert "deadbeef-0000-4000-8000-000000000004" in problems  # rubric criterion item


def test_case_parse_refuses_a_cycle_and_an_item_with_two_parents():
    problems = refusal(read("case_cycle.json"))

    assert f"{item_id(41)} → {item_id(42)} → {item_id(41)}" in problems
    assert f"{item_id(44)}: The item has two parents" in problems


def test_case_parse_refuses_duplicate_identifiers():
    problems = refusal(read("case_duplicate.json"))

    assert f"{item_id(52)}: The identifier appears more than once" in problems


def test_case_parse_refuses_missing_required_fields_listing_each():
    problems = refusal(read("case_missing_field.json"))

    assert "d0c00000-0000-4000-8000-000000000006: The title is missing." in problems
    assert "CFItems[1]: The identifier is missing." in problems
    assert f"{item_id(62)}: The fullStatement is missing." in problems


def test_case_parse_refuses_a_file_without_cf_document():
    document = case_dict("case_levels.json")
    del document["CFDocument"]

    assert "CFDocument: The CFDocument is missing." in refusal(encode(document))


# ------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------


def test_case_build_then_parse_gives_the_package_back():
    package = sample_package()

    assert parse_case(encode(build_case(package))) == package


def test_case_build_then_parse_gives_a_read_package_back():
    package = parse_case(read("case_levels.json"))

    assert parse_case(encode(build_case(package))) == package


def test_case_build_writes_levels_as_items_joined_by_has_skill_level():
    document = build_case(sample_package(), changed_at=datetime(2026, 1, 2, tzinfo=UTC))

    levels = [
        item
        for item in document["CFItems"]
        if item["CFItemType"] == "Proficiency Level"
    ]
    skill_links = [
        association
        for association in document["CFAssociations"]
        if association["associationType"] == "hasSkillLevel"
    ]
    assert [level["humanCodingScheme"] for level in levels] == ["basic", "good"]
    assert {link["destinationNodeURI"]["identifier"] for link in skill_links} == {
        level["identifier"] for level in levels
    }
    assert {link["originNodeURI"]["identifier"] for link in skill_links} == {
        document["CFDocument"]["identifier"]
    }


def test_case_build_writes_a_case_1_1_document():
    document = build_case(sample_package(), changed_at=datetime(2026, 1, 2, tzinfo=UTC))

    cf_document = document["CFDocument"]
    assert cf_document["caseVersion"] == "1.1"
    assert cf_document["lastChangeDateTime"] == "2026-01-02T00:00:00+00:00"
    assert cf_document["extensions"]["academy"]["code"] == "sample"
    titles = {kind["title"] for kind in document["CFDefinitions"]["CFItemTypes"]}
    assert {"Area", "Competency", "Sub-competency", "Proficiency Level"} <= titles
    root = next(
        association
        for association in document["CFAssociations"]
        if association["originNodeURI"]["identifier"]
        == "0f000000-0000-4000-8000-000000000011"
    )
    assert root["associationType"] == "isChildOf"
    assert root["destinationNodeURI"]["identifier"] == cf_document["identifier"]


def test_case_build_is_stable_for_the_same_package():
    moment = datetime(2026, 1, 2, tzinfo=UTC)

    assert build_case(sample_package(), changed_at=moment) == build_case(
        sample_package(), changed_at=moment
    )


# ------------------------------------------------------------------------------
# Importing
# ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_case_import_creates_a_draft_framework_with_its_scale_and_tree():
    result = framework_import(package=parse_case(read("case_levels.json")))

    framework = Framework.objects.get(identifier=DOCUMENT)
    assert result.framework_created
    assert framework.status == Framework.Status.DRAFT
    assert (framework.code, framework.version) == ("test-dg", "2025")
    assert list(framework.scale.levels.values_list("code", flat=True)) == [
        "basic",
        "intermediate",
        "advanced",
    ]
    assert framework.scale.proficient_level.code == "intermediate"
    sub = framework.competencies.get(code="DL-01.1")
    assert (sub.kind, sub.parent.code, sub.identifier) == ("sub", "DL-01", item_id(3))
    assert result.created == {"framework": 1, "scale": 1, "level": 3, "competency": 6}


@pytest.mark.django_db
def test_case_import_refuses_dangling_reference_and_writes_nothing():
    before = row_counts()

    with pytest.raises(FrameworkImportError):
        framework_import(package=parse_case(read("case_dangling.json")))

    assert row_counts() == before


@pytest.mark.django_db
def test_case_reimport_updates_by_identifier_without_duplicates():
    framework_import(package=parse_case(read("case_levels.json")))
    competency = Competency.objects.get(identifier=item_id(2))
    document = case_dict("case_levels.json")
    document["CFItems"][1]["fullStatement"] = "การใช้เครื่องมือดิจิทัลในงาน"

    result = framework_import(package=parse_case(encode(document)))

    competency.refresh_from_db()
    assert competency.name_th == "การใช้เครื่องมือดิจิทัลในงาน"
    assert Competency.objects.filter(framework__identifier=DOCUMENT).count() == 6
    assert Framework.objects.filter(identifier=DOCUMENT).count() == 1
    assert result.updated == {"competency": 1}
    assert result.unchanged == {"framework": 1, "level": 3, "competency": 5}


@pytest.mark.django_db
def test_case_reimport_moves_an_item_to_a_new_parent():
    framework_import(package=parse_case(read("case_levels.json")))
    document = case_dict("case_levels.json")
    move = next(
        association
        for association in document["CFAssociations"]
        if association["originNodeURI"]["identifier"] == item_id(4)
    )
    move["destinationNodeURI"] = {"identifier": item_id(5), "title": "CS", "uri": "x"}

    framework_import(package=parse_case(encode(document)))

    assert Competency.objects.get(identifier=item_id(4)).parent.code == "CS"


@pytest.mark.django_db
def test_case_reimport_can_renumber_codes_that_swap():
    framework_import(package=parse_case(read("case_levels.json")))
    document = case_dict("case_levels.json")
    document["CFItems"][1]["humanCodingScheme"] = "DL-02"
    document["CFItems"][3]["humanCodingScheme"] = "DL-01"

    framework_import(package=parse_case(encode(document)))

    assert Competency.objects.get(identifier=item_id(2)).code == "DL-02"
    assert Competency.objects.get(identifier=item_id(4)).code == "DL-01"


@pytest.mark.django_db
def test_case_reimport_leaves_items_missing_from_the_file_and_reports_them():
    framework_import(package=parse_case(read("case_levels.json")))
    document = case_dict("case_levels.json")
    document["CFItems"] = [
        item for item in document["CFItems"] if item["identifier"] != item_id(6)
    ]
    document["CFAssociations"] = [
        association
        for association in document["CFAssociations"]
        if item_id(6)
        not in (
            association["originNodeURI"]["identifier"],
            association["destinationNodeURI"]["identifier"],
        )
    ]

    result = framework_import(package=parse_case(encode(document)))

    assert [c.code for c in result.competencies_not_in_file] == ["CS-01"]
    assert Competency.objects.filter(identifier=item_id(6)).exists()


@pytest.mark.django_db
def test_case_reimport_updates_levels_by_identifier():
    framework_import(package=parse_case(read("case_levels.json")))
    document = case_dict("case_levels.json")
    level = next(
        item for item in document["CFItems"] if item["identifier"] == item_id(13)
    )
    level["fullStatement"] = "ขั้นสูง"

    result = framework_import(package=parse_case(encode(document)))

    assert ProficiencyLevel.objects.get(identifier=item_id(13)).name_th == "ขั้นสูง"
    assert result.updated == {"level": 1}


@pytest.mark.django_db
def test_case_import_turns_model_validation_errors_into_problems_and_writes_nothing():
    package = parse_case(read("case_levels.json"))
    package.framework.code = "not a slug!"
    package.items[0].name_en = "E" * 300
    before = row_counts()

    with pytest.raises(FrameworkImportError) as caught:
        framework_import(package=package)

    problems = [str(problem) for problem in caught.value.problems]
    assert any(
        problem.startswith(f"framework {DOCUMENT}: code") for problem in problems
    )
    assert any(
        problem.startswith(f"DL [{item_id(1)}]: name (English)") for problem in problems
    )
    assert row_counts() == before


@pytest.mark.django_db
def test_case_import_dry_run_counts_but_writes_nothing():
    before = row_counts()

    result = framework_import(
        package=parse_case(read("case_levels.json")), dry_run=True
    )

    assert result.created["competency"] == 6
    assert row_counts() == before


@pytest.mark.django_db
def test_case_import_refuses_a_new_framework_with_an_existing_code_and_version(
    framework_academy,
):
    package = framework_export(framework=framework_academy)
    package.framework.identifier = "0f000000-0000-4000-8000-00000000ffff"
    before = row_counts()

    with pytest.raises(FrameworkImportError) as caught:
        framework_import(package=package)

    assert "0f000000-0000-4000-8000-00000000ffff" in str(caught.value)
    assert row_counts() == before


@pytest.mark.django_db
def test_case_reimport_refuses_to_change_a_scale_other_frameworks_share(
    framework_2024,
):
    package = framework_export(framework=framework_2024)
    package.levels[0].name_th = "ผ่านแล้ว"

    with pytest.raises(FrameworkImportError) as caught:
        framework_import(package=package)

    assert "scale tpqi-pass" in str(caught.value)
    assert "th-dg-2018" in str(caught.value)
    assert framework_2024.scale.levels.get(rank=1).name_th == "ผ่าน"
