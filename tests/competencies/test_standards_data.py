"""The shipped standards data checked against the reference files read from public
sources (tests/data/outside/standards-sources): codes, names, groups, provenance."""

import json
import re
from pathlib import Path

import pytest

from competencies import standards_data

REFERENCE = Path(__file__).resolve().parents[1] / "data/outside/standards-sources"
PROVENANCE = {"published", "derived", "to_confirm"}


def _reference(name: str) -> dict:
    return json.loads((REFERENCE / name).read_text(encoding="utf-8"))


def _framework(code: str) -> dict:
    for path in standards_data.FRAMEWORK_FILES:
        data = standards_data.read(path)
        if data["framework"]["code"] == code:
            return data
    raise LookupError(code)


def _walk(items, parent=None):
    for item in items:
        yield item, parent
        yield from _walk(item.get("children", []), item)


def _units(code: str) -> dict[str, tuple[dict, dict | None]]:
    return {
        item["code"]: (item, parent)
        for item, parent in _walk(_framework(code)["competencies"])
        if item.get("kind") != "area"
    }


def _cells(code: str) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for cell in _framework(code)["requirements"].get("cells", []):
        groups.setdefault(cell["competency"], set()).add(cell["group"])
    return groups


def _all_shipped_records():
    for path in standards_data.FRAMEWORK_FILES:
        data = standards_data.read(path)
        yield path.name, "framework", data["framework"]
        for item, _parent in _walk(data["competencies"]):
            yield path.name, item["code"], item
        for group in data["groups"]:
            yield path.name, group["code"], group
        for cell in data["requirements"].get("cells", []):
            yield path.name, f"{cell['group']}/{cell['competency']}", cell
        for coverage in data["schemes"]:
            yield path.name, f"scheme {coverage['scheme']}", coverage
    structure = standards_data.read(standards_data.POSITION_STRUCTURE_FILE)
    for line in structure["lines_of_work"]:
        yield "position_structure.json", line["code"] or line["name_th"], line
    schemes = standards_data.read(standards_data.STAFF_SCHEMES_FILE)
    for scheme in schemes["schemes"]:
        for position_type in scheme["position_types"]:
            provenance = position_type.get("provenance") or scheme.get(
                "position_types_provenance"
            )
            yield (
                "staff_schemes.json",
                position_type["code"],
                {"provenance": provenance},
            )


@pytest.mark.parametrize("source", ["units", "units_cio_standard"])
def test_2561_units_have_their_published_code_name_and_groups(source):
    framework = {"units": "th-dg-2018", "units_cio_standard": "th-gcio-2561"}[source]
    shipped, cells = _units(framework), _cells(framework)
    reference = _reference("units-2561.json")[source]
    assert set(shipped) == {unit["code"] for unit in reference}
    for unit in reference:
        item, parent = shipped[unit["code"]]
        assert item["name_th"] == unit["name_th"], unit["code"]
        assert parent is None, "no source gives the 2561 units an area"
        assert item["provenance"]["source_url"] == unit["source_url"]
        listed = {key.lower() for key, on in unit["applies_to"].items() if on}
        assert cells[unit["code"]] == listed, unit["code"]


def test_2561_group_names_are_the_labels_tpqi_prints():
    labels = [
        group["label_as_printed"]
        for group in _reference("units-2561.json")["group_vocabulary"]["groups"]
    ]
    for framework in ("th-dg-2018", "th-gcio-2561"):
        shipped = [
            f"{group['name_th']} ({group['name_en']})"
            for group in _framework(framework)["groups"]
        ]
        assert shipped == labels


def test_2018_framework_cites_the_ocsc_letter_in_full():
    citation = _reference("units-2561.json")["governing_document"]["ref"]
    meta = _framework("th-dg-2018")["framework"]
    assert citation in meta["description_th"]
    assert meta["adopted_on"] == "2018-05-18"
    assert meta["provenance"]["revision"] == "นร 1013/ว 6 ลงวันที่ 18 พฤษภาคม 2561"


def test_2567_units_have_their_published_code_and_name_and_an_inferred_area():
    reference = _reference("units-2567.json")
    shipped = _units("th-dg-2024")
    assert set(shipped) == {unit["code"] for unit in reference["units"]}
    for unit in reference["units"]:
        item, parent = shipped[unit["code"]]
        assert item["name_th"] == unit["name_th"], unit["code"]
        if unit["area_inferred"]:
            assert parent["name_en"] == unit["area_inferred"]
            assert item["area_is_inferred"]
            assert "to confirm" in item["provenance"]["note"]
        else:
            assert parent is None
    assert "DG-ANJQ-024" not in shipped, "an unconfirmed lead is not loaded"


def test_2024_areas_are_the_seven_published_three_of_them_core():
    vocabulary = _reference("units-2567.json")["area_vocabulary"]
    areas = [
        item
        for item in _framework("th-dg-2024")["competencies"]
        if item["kind"] == "area"
    ]
    assert [area["name_en"] for area in areas] == vocabulary
    assert [area["name_en"] for area in areas if area["core"]] == vocabulary[:3]


def test_2024_requirements_are_required_only_in_core_areas():
    data = _framework("th-dg-2024")
    core_units = {
        item["code"]
        for item, parent in _walk(data["competencies"])
        if parent is not None and parent["core"]
    }
    for cell in data["requirements"]["cells"]:
        expected = "required" if cell["competency"] in core_units else "optional"
        assert cell["applicability"] == expected, cell


def test_no_two_shipped_competencies_share_a_code():
    codes = [
        item["code"]
        for path in standards_data.FRAMEWORK_FILES
        for item, _parent in _walk(standards_data.read(path)["competencies"])
    ]
    assert len(codes) == len(set(codes))


def test_every_code_is_either_published_or_visibly_local():
    published = {
        unit["code"]
        for name, key in (
            ("units-2561.json", "units"),
            ("units-2561.json", "units_cio_standard"),
            ("units-2567.json", "units"),
        )
        for unit in _reference(name)[key]
    }
    for path in standards_data.FRAMEWORK_FILES:
        for item, _parent in _walk(standards_data.read(path)["competencies"]):
            assert item["code"] in published or item["code"].startswith("ACD-"), item


def test_every_shipped_record_says_where_it_comes_from():
    for file_name, key, record in _all_shipped_records():
        provenance = record.get("provenance") or {}
        assert provenance.get("status") in PROVENANCE, (file_name, key)
        if provenance["status"] == "published":
            assert provenance.get("source_url", "").startswith("http"), (file_name, key)
        if provenance["status"] == "derived":
            assert provenance.get("note"), (file_name, key)


def test_lines_of_work_codes_are_only_the_published_ones():
    reference = {
        row["code"]: row for row in _reference("lines-of-work.json")["lines_of_work"]
    }
    structure = standards_data.read(standards_data.POSITION_STRUCTURE_FILE)
    levels = {
        level["code"]: level["name_th"]
        for position_type in structure["position_types"]
        for level in position_type["levels"]
    }
    coded = [line for line in structure["lines_of_work"] if line["code"]]
    assert {line["code"] for line in coded} == set(reference)
    for line in coded:
        row = reference[line["code"]]
        assert line["name_th"] == row["position_title_th"]
        assert levels.get(line["level_min"]) == row["level_min"]
        assert levels.get(line["level_max"]) == row["level_max"]
    for line in structure["lines_of_work"]:
        if not line["code"]:
            assert line["provenance"]["status"] == "to_confirm"
            assert not re.match(r"\d-\d-\d", line["name_th"])


def test_every_line_of_works_levels_are_levels_of_its_type():
    structure = standards_data.read(standards_data.POSITION_STRUCTURE_FILE)
    types = {
        position_type["code"]: [level["code"] for level in position_type["levels"]]
        for position_type in structure["position_types"]
    }
    for line in structure["lines_of_work"]:
        allowed = types[line["position_type"]]
        for bound in ("level_min", "level_max"):
            assert line[bound] is None or line[bound] in allowed, line
        if line["level_min"] and line["level_max"]:
            assert allowed.index(line["level_min"]) <= allowed.index(line["level_max"])


def test_position_types_and_levels_are_those_of_the_act():
    reference = _reference("lines-of-work.json")["position_types"]
    structure = standards_data.read(standards_data.POSITION_STRUCTURE_FILE)
    assert [t["name_th"] for t in structure["position_types"]] == reference["types_th"]
    for position_type in structure["position_types"]:
        assert [level["name_th"] for level in position_type["levels"]] == (
            reference["levels_by_type"][position_type["name_th"]]
        )
        assert "s.45" in position_type["provenance"]["note"]
        for level in position_type["levels"]:
            assert "s.46" in level["provenance"]["note"]
