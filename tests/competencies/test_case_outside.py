"""CASE against packages and the schema that nobody on this project wrote.

The files are under tests/data/outside/case/ (see SOURCE.md there): the official
1EdTech CASE 1.1 CFPackage JSON schema, OpenSALT's sample and test frameworks, and
two Smarter Balanced packages (item types Claim, Target, ...; educationLevel,
subject, adoptionStatus, notes; repeated humanCodingScheme values).
"""

import json
from pathlib import Path

from django.utils import translation

import jsonschema
import pytest

from competencies.interchange import (
    FrameworkImportError,
    build_case,
    export_case_json,
    framework_import,
    parse_case,
)
from competencies.models import Competency, Framework

OUTSIDE = Path(__file__).parents[1] / "data" / "outside" / "case"
SCHEMA = json.loads((OUTSIDE / "case_v1p1_cfpackage-jsonschema1.json").read_text())
PACKAGES = sorted(
    path.name for path in OUTSIDE.glob("*.json") if "jsonschema" not in path.name
)
VALIDATOR = jsonschema.Draft201909Validator(
    SCHEMA, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def outside(name: str) -> dict:
    return json.loads((OUTSIDE / name).read_text(encoding="utf-8"))


def schema_errors(document: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message[:200]}"
        for error in VALIDATOR.iter_errors(document)
    ]


def imported(name: str) -> Framework:
    package = parse_case((OUTSIDE / name).read_bytes())
    return framework_import(package=package).framework


def exported(framework: Framework) -> dict:
    framework.refresh_from_db()
    return json.loads(export_case_json(framework=framework))


def by_identifier(nodes: list[dict]) -> dict[str, dict]:
    return {node["identifier"]: node for node in nodes}


def test_the_schema_refuses_what_the_old_export_wrote():
    """The check is not vacuous: CFDocumentURI on an item is outside the schema."""
    package = outside("opensalt-what-standards-could-be.json")

    assert any("CFDocumentURI" in error for error in schema_errors(package))


@pytest.mark.django_db
def test_export_of_the_academy_standards_validates(framework_2024):
    assert schema_errors(exported(framework_2024)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", PACKAGES)
def test_export_of_an_outside_package_validates(name):
    assert schema_errors(exported(imported(name))) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", PACKAGES)
def test_outside_package_import_export_import_is_stable(name):
    framework = imported(name)
    first = exported(framework)

    result = framework_import(package=parse_case(json.dumps(first).encode()))

    assert not result.created
    assert not result.updated
    assert exported(framework) == first


@pytest.mark.django_db
def test_abbreviated_statement_full_statement_and_notes_are_written_back():
    original = by_identifier(outside("opensalt-Ordering.json")["CFItems"])
    written = by_identifier(exported(imported("opensalt-Ordering.json"))["CFItems"])

    abbreviated = [
        key for key, node in original.items() if "abbreviatedStatement" in node
    ]
    assert abbreviated
    for key in abbreviated:
        for field in ("abbreviatedStatement", "fullStatement", "notes"):
            assert written[key].get(field) == original[key].get(field)


@pytest.mark.django_db
def test_item_types_education_level_and_identity_fields_are_written_back():
    name = "smarterbalanced-math-hs-claim2.json"
    original = by_identifier(outside(name)["CFItems"])
    written = by_identifier(exported(imported(name))["CFItems"])

    claims = [
        key for key, node in original.items() if node.get("CFItemType") == "Claim"
    ]
    assert claims
    for key, node in original.items():
        for field in (
            "CFItemType",
            "CFItemTypeURI",
            "educationLevel",
            "uri",
            "lastChangeDateTime",
            "humanCodingScheme",
        ):
            assert written[key].get(field) == node.get(field), (key, field)


@pytest.mark.django_db
def test_document_subject_adoption_status_notes_and_creator_are_written_back():
    name = "smarterbalanced-math-hs-claim2.json"
    original = outside(name)["CFDocument"]
    document = exported(imported(name))["CFDocument"]

    for field in (
        "subject",
        "subjectURI",
        "adoptionStatus",
        "notes",
        "creator",
        "publisher",
        "uri",
        "officialSourceURL",
        "lastChangeDateTime",
    ):
        assert document.get(field) == original.get(field), field
    assert "CFPackageURI" not in document


@pytest.mark.django_db
def test_language_is_the_packages_own_not_thai():
    name = "opensalt-what-standards-could-be.json"
    original = by_identifier(outside(name)["CFItems"])
    package = exported(imported(name))

    assert "language" not in package["CFDocument"]
    for node in package["CFItems"]:
        assert node.get("language") == original[node["identifier"]].get("language")


@pytest.mark.django_db
def test_academy_frameworks_are_written_in_thai(framework_2024):
    package = exported(framework_2024)

    assert package["CFDocument"]["language"] == "th"
    assert {node["language"] for node in package["CFItems"]} == {"th"}


@pytest.mark.django_db
def test_human_coding_scheme_is_written_only_where_the_source_had_one():
    package = exported(imported("opensalt-SmartLevelFramework.json"))

    assert package["CFItems"]
    assert all("humanCodingScheme" not in node for node in package["CFItems"])


@pytest.mark.django_db
def test_association_identifiers_are_written_back():
    name = "smarterbalanced-math-hs-claim2.json"
    original = {node["identifier"] for node in outside(name)["CFAssociations"]}
    written = {
        node["identifier"] for node in exported(imported(name))["CFAssociations"]
    }

    assert written == original


@pytest.mark.django_db
def test_repeated_human_coding_scheme_is_kept_and_warned_about():
    name = "smarterbalanced-ela-grade5-pt.json"
    package = parse_case((OUTSIDE / name).read_bytes())

    result = framework_import(package=package)

    repeated = [
        node
        for node in outside(name)["CFItems"]
        if node.get("humanCodingScheme") == "E.G5.C2WN.T2.W.5.8"
    ]
    assert len(repeated) == 4
    assert any(
        "The humanCodingScheme E.G5.C2WN.T2.W.5.8 is used by 4 items" in str(warning)
        for warning in result.warnings
    )
    codes = set(
        Competency.objects.filter(
            identifier__in=[node["identifier"] for node in repeated]
        ).values_list("code", flat=True)
    )
    assert len(codes) == 4
    written = by_identifier(exported(result.framework)["CFItems"])
    assert {written[node["identifier"]]["humanCodingScheme"] for node in repeated} == {
        "E.G5.C2WN.T2.W.5.8"
    }


@pytest.mark.django_db
def test_single_label_host_uris_are_imported():
    framework = imported("opensalt-SmartLevelFramework.json")

    uris = set(framework.competencies.values_list("uri", flat=True))

    assert (
        "https://server/ims/case/v1p0/CFItems/00000000-0000-0000-0000-000000000001"
        in uris
    )


@pytest.mark.django_db
def test_uris_longer_than_two_hundred_characters_are_imported():
    document = outside("opensalt-SequenceNumberFramework.json")
    long_uri = document["CFItems"][0]["uri"] + "/" + "segment-" * 30
    document["CFItems"][0]["uri"] = long_uri

    framework_import(package=parse_case(json.dumps(document).encode()))

    assert len(long_uri) > 200
    assert Competency.objects.filter(uri=long_uri).exists()


def test_an_item_uri_that_is_not_a_uri_is_refused_in_thai_naming_it():
    document = outside("opensalt-SequenceNumberFramework.json")
    document["CFItems"][0]["uri"] = "not a uri"

    with translation.override("th"), pytest.raises(FrameworkImportError) as caught:
        parse_case(json.dumps(document).encode())

    message = str(caught.value)
    assert "not a uri" in message
    assert "URI" in message and "ไม่ใช่" in message


@pytest.mark.django_db
def test_a_name_edited_after_import_is_written_as_the_abbreviation():
    framework = imported("opensalt-Ordering.json")
    original = by_identifier(outside("opensalt-Ordering.json")["CFItems"])
    key = next(k for k, node in original.items() if "abbreviatedStatement" in node)
    competency = framework.competencies.get(identifier=key)
    competency.name_th = "ชื่อย่อใหม่"
    competency.save()

    node = by_identifier(exported(framework)["CFItems"])[key]

    assert node["abbreviatedStatement"] == "ชื่อย่อใหม่"
    assert node["fullStatement"] == original[key]["fullStatement"]
    assert node["lastChangeDateTime"] != original[key]["lastChangeDateTime"]


def test_build_case_of_a_package_without_sources_validates():
    package = parse_case((OUTSIDE / "opensalt-Ordering.json").read_bytes())
    for item in package.items:
        item.source = None
    package.framework.source = None

    assert schema_errors(build_case(package)) == []
