"""The shape of the fictional ministry: departments, divisions and units, sized by staff.

No database: `blueprint(staff)` says which nodes to build, with Thai and English names,
stable codes and each division's focus (which lines of work it employs), from the
departments, divisions and units listed in demo/data/blueprint.yaml.
The organisation grows with the staff count so that a 60-person test ministry and a
100,000-person benchmark ministry both look like a Thai ministry, only bigger or smaller.
"""

from dataclasses import dataclass

from .content import MinistryShape, ministry_shape

MINISTRY_CODE = "MDGD"
MINISTRY_NAME_TH = "กระทรวงพัฒนารัฐบาลดิจิทัล"
MINISTRY_NAME_EN = "Ministry of Digital Government Development"


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name_th: str
    name_en: str


@dataclass(frozen=True)
class DivisionSpec:
    key: str
    code: str
    name_th: str
    name_en: str
    focus: str
    director_title_th: str
    director_level_rank: int  # 1 อำนวยการต้น, 2 อำนวยการสูง
    size: float  # relative head count
    units: tuple[UnitSpec, ...]


@dataclass(frozen=True)
class DepartmentSpec:
    key: str
    code: str
    name_th: str
    name_en: str
    head_title_th: str
    deputy_title_th: str
    divisions: tuple[DivisionSpec, ...]


@dataclass(frozen=True)
class MinistrySpec:
    code: str
    name_th: str
    name_en: str
    departments: tuple[DepartmentSpec, ...]

    @property
    def divisions(self) -> list[DivisionSpec]:
        return [div for dept in self.departments for div in dept.divisions]

    @property
    def units(self) -> list[UnitSpec]:
        return [unit for div in self.divisions for unit in div.units]


# (key, Thai, English, focus); the key becomes the last part of the division's code.
_LineDivision = tuple[str, str, str, str]


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def blueprint(staff: int) -> MinistrySpec:
    """The ministry for `staff` people: about 650 nodes at 100,000, a dozen at 60."""
    shape = ministry_shape()
    root = staff**0.25
    department_count = _clamp(root / 1.6, 2, len(shape.departments))
    divisions_per_department = _clamp(root * 0.9, 2, 16)
    units_per_division = _clamp(root / 4, 1, 4)
    departments = []
    for template in shape.departments[:department_count]:
        department_code = f"{MINISTRY_CODE}-{template['key']}"
        name_th, name_en = template["name"]
        divisions = []
        for key, division_th, division_en, focus in _division_templates(
            shape, template, divisions_per_department
        ):
            code = f"{department_code}-{key}"
            unit_count = min(units_per_division, shape.max_units.get(key, 4))
            units = tuple(
                UnitSpec(code=f"{code}-{number:02d}", name_th=unit_th, name_en=unit_en)
                for number, (unit_th, unit_en) in enumerate(
                    shape.unit_names[focus][:unit_count], start=1
                )
            )
            regional = key.startswith("R")
            divisions.append(
                DivisionSpec(
                    key=key,
                    code=code,
                    name_th=division_th,
                    name_en=division_en,
                    focus=focus,
                    director_title_th=_director_title(shape, key, division_th),
                    director_level_rank=1
                    if division_th.startswith(("ศูนย์", "กลุ่ม"))
                    else 2,
                    size=shape.focus_size[focus]
                    * (shape.regional_size if regional else 1.0),
                    units=units,
                )
            )
        departments.append(
            DepartmentSpec(
                key=template["key"],
                code=department_code,
                name_th=name_th,
                name_en=name_en,
                head_title_th=template.get("head", "อธิบดี" + name_th),
                deputy_title_th=template.get("deputy", "รองอธิบดี" + name_th),
                divisions=tuple(divisions),
            )
        )
    return MinistrySpec(
        code=MINISTRY_CODE,
        name_th=MINISTRY_NAME_TH,
        name_en=MINISTRY_NAME_EN,
        departments=tuple(departments),
    )


def _division_templates(
    shape: MinistryShape, template: dict, count: int
) -> list[_LineDivision]:
    """The first `count` divisions of a department, then regional offices."""
    is_ops = template["key"] == "OPS"
    chosen: list[_LineDivision] = []
    for slot in shape.division_order:
        if len(chosen) == count:
            return chosen
        if slot.startswith("#"):
            chosen.append(tuple(template["lines"][int(slot[1:])]))
        elif is_ops and slot == "PLN":
            continue
        elif is_ops and slot == "SEC":
            chosen.append((slot, *shape.ops_secretariat))
        else:
            chosen.append((slot, *shape.support_divisions[slot]))
    regional = template["regional"]
    name_th, name_en = regional["name"]
    places = shape.provinces if regional["places"] == "provinces" else shape.regions
    for number, (place_th, place_en) in enumerate(places, start=1):
        if len(chosen) == count:
            break
        chosen.append(
            (
                f"R{number:02d}",
                name_th.format(place_th=place_th),
                name_en.format(place_en=place_en),
                regional["focus"],
            )
        )
    return chosen


def _director_title(shape: MinistryShape, key: str, name_th: str) -> str:
    if key == "SEC" and name_th == shape.support_divisions["SEC"][0]:
        return "เลขานุการกรม"
    return "ผู้อำนวยการ" + name_th
