"""Reads the demo's data files under demo/data/, checking their shape as it reads them.

The teaching content is data, not code, so instructors can read and correct it
without reading Python. `demo/data/catalogue.yaml` lists the courses in catalogue
order; each course is `demo/data/courses/<code>.yaml`:

- title, title_en, summary, summary_en; description: paragraphs of plain text;
  outcomes: what a learner can do afterwards;
- hours, mode (a delivery mode), policy (an enrolment policy), validity_months
  (optional: how long its certificate stays valid);
- competencies: [framework code, competency code, level rank] on an active framework;
  groups: [framework code, personnel group code];
- requires_courses: codes of courses to complete first; requires_competencies: like
  competencies, the level the learner must already have;
- lessons: title, title_en, minutes and a body, a list of blocks, each a mapping with
  one key naming the block: heading: text, paragraph: text, list: [items],
  steps: [items], quote: text, callout: {kind: info|tip|warning, title, text},
  code: {language, source}, video: {url, caption}.
  Text is plain: the writer escapes it and builds the rich-text HTML.

Videos are third-party talks in English, linked for discussion; each lesson that shows
one summarises it in Thai so that nobody needs the video to follow the course.

`demo/data/assessments.yaml` holds the demo's placement test and end-of-course
quizzes; their questions are `demo/data/questions.csv`, in the instructors' import
format.

`demo/data/users.yaml` holds the demo accounts `seed_demo` creates and the learner's
evidence; `demo/data/blueprint.yaml` the shape of the generated ministry;
`demo/data/population.yaml` the shares and weights its staff and their evidence are
drawn with; `demo/data/names.yaml` the Thai names they are given.
Each file says its own shape in its opening comment. A malformed entry stops the seed
with a DemoContentError naming the file and the entry.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from academy.accounts.roles import Role
from competencies.models import Evidence

DATA_DIR = Path(__file__).resolve().parent / "data"
COURSES_DIR = DATA_DIR / "courses"
QUESTIONS_CSV = DATA_DIR / "questions.csv"

COURSE_KEYS = {
    "title",
    "title_en",
    "summary",
    "summary_en",
    "description",
    "outcomes",
    "hours",
    "mode",
    "policy",
    "validity_months",
    "groups",
    "competencies",
    "requires_courses",
    "requires_competencies",
    "lessons",
}
REFERENCE_KEYS = ("competencies", "groups", "requires_competencies")
REQUIRED_COURSE_KEYS = {"title", "summary", "hours", "mode", "policy", "lessons"}
LESSON_KEYS = {"title", "title_en", "minutes", "body"}
BLOCK_KINDS = {
    "heading",
    "paragraph",
    "list",
    "steps",
    "quote",
    "callout",
    "code",
    "video",
}


class DemoContentError(Exception):
    """A demo data file is malformed; the message names the file and the place."""


@dataclass(frozen=True)
class Catalogue:
    outcomes_heading: str
    courses: tuple[dict, ...]  # in catalogue order, each with its "code"


def read_yaml(path: Path):
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.load(stream, Loader=yaml.CSafeLoader)  # noqa: S506 - safe loader
    except (OSError, yaml.YAMLError) as error:
        raise DemoContentError(f"{_shown(path)}: {error}") from error


def _shown(path: Path) -> str:
    """The file as messages name it: relative to demo/data/ when it is in there."""
    return (
        str(path.relative_to(DATA_DIR)) if path.is_relative_to(DATA_DIR) else str(path)
    )


@cache
def catalogue() -> Catalogue:
    """The demo catalogue, read once per process (the files do not change)."""
    index = read_yaml(DATA_DIR / "catalogue.yaml")
    codes = list(index["courses"])
    on_disk = {path.stem for path in COURSES_DIR.glob("*.yaml")}
    problems = [
        f"courses/{code}.yaml is listed in catalogue.yaml but missing."
        for code in codes
        if code not in on_disk
    ] + [
        f"courses/{code}.yaml is not listed in catalogue.yaml."
        for code in sorted(on_disk - set(codes))
    ]
    if len(set(codes)) != len(codes):
        problems.append("catalogue.yaml lists a course twice.")
    if problems:
        raise DemoContentError("\n".join(problems))
    courses = []
    for code in codes:
        course = read_yaml(COURSES_DIR / f"{code}.yaml")
        _check_course(code, course)
        for key in REFERENCE_KEYS:  # (framework, code[, rank]): hashable, as keys
            if key in course:
                course[key] = [tuple(reference) for reference in course[key]]
        courses.append({"code": code, **course})
    return Catalogue(outcomes_heading=index["outcomes_heading"], courses=tuple(courses))


def _check_course(code: str, course: dict) -> None:
    where = f"courses/{code}.yaml"
    if not isinstance(course, dict):
        raise DemoContentError(f"{where}: a course is a mapping.")
    unknown = set(course) - COURSE_KEYS
    missing = REQUIRED_COURSE_KEYS - set(course)
    if unknown or missing:
        raise DemoContentError(
            f"{where}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}."
        )
    for number, lesson in enumerate(course["lessons"], start=1):
        unknown = set(lesson) - LESSON_KEYS
        if unknown or "title" not in lesson or "body" not in lesson:
            raise DemoContentError(
                f"{where}, lesson {number}: a lesson has a title and a body "
                f"(unknown keys {sorted(unknown)})."
            )
        for block in lesson["body"]:
            if not (
                isinstance(block, dict)
                and len(block) == 1
                and set(block) <= BLOCK_KINDS
            ):
                raise DemoContentError(
                    f"{where}, lesson {number}: a block is one of "
                    f"{', '.join(sorted(BLOCK_KINDS))}, not {block!r}."
                )


@cache
def assessment_plans() -> dict:
    """The demo assessments' plans (demo/data/assessments.yaml)."""
    return read_yaml(DATA_DIR / "assessments.yaml")


# ------------------------------------------------------------------------------
# Shapes: what a value in a data file must be, said in words and tested
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    says: str  # completes "... must be ..."
    test: Callable[[object], bool]
    each: "Shape | None" = (
        None  # a list's items or a mapping's values, checked one by one
    )


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


TEXT = Shape("a text", lambda value: isinstance(value, str) and bool(value.strip()))
PAIR = Shape(
    "[Thai, English], two texts",
    lambda value: (
        isinstance(value, list)
        and len(value) == 2
        and all(TEXT.test(item) for item in value)
    ),
)
RANK = Shape("a whole number from 1", lambda value: _is_whole(value) and value >= 1)
DAYS = Shape("a whole number of days", lambda value: _is_whole(value) and value >= 0)
DAYS_OR_NONE = Shape(
    "a whole number of days or null", lambda value: value is None or DAYS.test(value)
)
ENTRIES = Shape(
    "a list of entries", lambda value: isinstance(value, list) and bool(value)
)
FLAG = Shape("true or false", lambda value: isinstance(value, bool))
SHARE = Shape(
    "a number from 0 to 1", lambda value: _is_number(value) and 0 <= value <= 1
)
WEIGHT = Shape("a positive number", lambda value: _is_number(value) and value > 0)


def one_of(values) -> Shape:
    values = tuple(values)
    return Shape(f"one of {', '.join(values)}", lambda value: value in values)


def list_of(each: Shape) -> Shape:
    return Shape(
        "a list that is not empty",
        lambda value: isinstance(value, list) and bool(value),
        each,
    )


def mapping_of(each: Shape) -> Shape:
    return Shape(
        "a mapping of names",
        lambda value: (
            isinstance(value, dict)
            and bool(value)
            and all(TEXT.test(key) for key in value)
        ),
        each,
    )


def _check_value(where: str, value, shape: Shape) -> None:
    if not shape.test(value):
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        raise DemoContentError(f"{where} must be {shape.says}, not {shown}.")
    if shape.each is not None:
        items = value.items() if isinstance(value, dict) else enumerate(value, start=1)
        for key, item in items:
            label = f"entry {key}" if isinstance(key, int) else key
            _check_value(f"{where}, {label}", item, shape.each)


def _check_entry(
    where: str, entry, fields: dict[str, Shape], optional: frozenset[str] = frozenset()
) -> dict:
    """The entry, if it is a mapping with the fields' keys whose values fit their shapes."""
    if not isinstance(entry, dict):
        raise DemoContentError(f"{where}: a mapping of {', '.join(fields)}.")
    unknown = set(entry) - set(fields)
    missing = set(fields) - set(entry) - optional
    if unknown or missing:
        raise DemoContentError(
            f"{where}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}."
        )
    for key, value in entry.items():
        _check_value(f"{where}: {key}", value, fields[key])
    return entry


# ------------------------------------------------------------------------------
# The demo accounts (users.yaml)
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    """One demo account and the civil servant behind it."""

    email: str
    role: Role
    employee_number: str
    title: tuple[str, str]
    first_name: tuple[str, str]
    last_name: tuple[str, str]
    unit_codes: tuple[str, ...]  # the first that exists is used
    position_type: str
    level_rank: int
    line_of_work: str
    is_superuser: bool = False


@dataclass(frozen=True)
class DemoEvidence:
    """One evidence record of the demo learner, dated from the day of the seed."""

    framework: str
    competency: str
    level_rank: int
    source: Evidence.Source
    observed_days_ago: int
    valid_days: int | None


@dataclass(frozen=True)
class DemoAccounts:
    users: tuple[DemoUser, ...]  # the learner first
    learner_evidence: tuple[DemoEvidence, ...]

    @property
    def learner(self) -> DemoUser:
        return self.users[0]

    def first_with(self, role: Role) -> DemoUser:
        return next(user for user in self.users if user.role == role)


USER_FIELDS = {
    "email": TEXT,
    "role": one_of(Role.values),
    "employee_number": TEXT,
    "title": PAIR,
    "first_name": PAIR,
    "last_name": PAIR,
    "units": list_of(TEXT),
    "position_type": TEXT,
    "level_rank": RANK,
    "line_of_work": TEXT,
    "superuser": FLAG,
}
EVIDENCE_FIELDS = {
    "framework": TEXT,
    "competency": TEXT,
    "level": RANK,
    "source": one_of(Evidence.Source.values),
    "observed_days_ago": DAYS,
    "valid_days": DAYS_OR_NONE,
}


@cache
def demo_accounts(path: Path = DATA_DIR / "users.yaml") -> DemoAccounts:
    """The demo accounts and the learner's evidence, read once per process."""
    name = _shown(path)
    document = _check_entry(
        name,
        read_yaml(path),
        {"users": ENTRIES, "learner_evidence": ENTRIES},
    )
    users = []
    for number, entry in enumerate(document["users"], start=1):
        label = entry.get("email", "") if isinstance(entry, dict) else ""
        where = f"{name}, users entry {number}" + (f" ({label})" if label else "")
        _check_entry(where, entry, USER_FIELDS, optional=frozenset({"superuser"}))
        users.append(
            DemoUser(
                email=entry["email"],
                role=Role(entry["role"]),
                employee_number=entry["employee_number"],
                title=tuple(entry["title"]),
                first_name=tuple(entry["first_name"]),
                last_name=tuple(entry["last_name"]),
                unit_codes=tuple(entry["units"]),
                position_type=entry["position_type"],
                level_rank=entry["level_rank"],
                line_of_work=entry["line_of_work"],
                is_superuser=entry.get("superuser", False),
            )
        )
    evidence = []
    for number, entry in enumerate(document["learner_evidence"], start=1):
        where = f"{name}, learner_evidence entry {number}"
        _check_entry(where, entry, EVIDENCE_FIELDS)
        evidence.append(
            DemoEvidence(
                framework=entry["framework"],
                competency=entry["competency"],
                level_rank=entry["level"],
                source=Evidence.Source(entry["source"]),
                observed_days_ago=entry["observed_days_ago"],
                valid_days=entry["valid_days"],
            )
        )
    problems = []
    for field_name in ("email", "employee_number"):
        values = [getattr(user, field_name) for user in users]
        problems += [
            f"{name}: {field_name} {value} is given twice."
            for value in sorted({value for value in values if values.count(value) > 1})
        ]
    if users[0].role != Role.LEARNER:
        problems.append(f"{name}: the first user is the learner the demo shows.")
    missing = [role for role in Role.values if role not in {u.role for u in users}]
    if missing:
        problems.append(f"{name}: no user with the role {', '.join(missing)}.")
    if problems:
        raise DemoContentError("\n".join(problems))
    return DemoAccounts(users=tuple(users), learner_evidence=tuple(evidence))


# ------------------------------------------------------------------------------
# The generated ministry (population.yaml, names.yaml)
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PopulationTuning:
    """The shares and weights the population generator draws with."""

    knowledge_level_weights: tuple[float, ...]  # by rank, lowest first
    general_level_weights: tuple[float, ...]
    knowledge_share: dict[str, float]  # by division focus
    default_knowledge_share: float
    previous_placement_share: float
    line_weights: dict[str, float]  # by line of work (Thai name)
    focus_line_boost: dict[str, dict[str, float]]  # focus -> line -> factor
    assessment_share: float
    assessment_valid_days: int
    course_count_weights: tuple[float, ...]  # P(0 courses), P(1), ...
    self_assessment_share: float
    manual_rating_share: float
    prior_learning_share: float
    import_share: float
    import_valid_days: int
    old_assessment_share: float


POPULATION_FIELDS = {
    "knowledge_level_weights": list_of(WEIGHT),
    "general_level_weights": list_of(WEIGHT),
    "knowledge_share": mapping_of(SHARE),
    "default_knowledge_share": SHARE,
    "previous_placement_share": SHARE,
    "line_weights": mapping_of(WEIGHT),
    "focus_line_boost": mapping_of(mapping_of(WEIGHT)),
    "assessment_share": SHARE,
    "assessment_valid_days": DAYS,
    "course_count_weights": list_of(WEIGHT),
    "self_assessment_share": SHARE,
    "manual_rating_share": SHARE,
    "prior_learning_share": SHARE,
    "import_share": SHARE,
    "import_valid_days": DAYS,
    "old_assessment_share": SHARE,
}


@cache
def population_tuning(path: Path = DATA_DIR / "population.yaml") -> PopulationTuning:
    entry = _check_entry(_shown(path), read_yaml(path), POPULATION_FIELDS)
    return PopulationTuning(
        **{
            key: tuple(value) if isinstance(value, list) else value
            for key, value in entry.items()
        }
    )


@dataclass(frozen=True)
class ThaiNames:
    """Titles, given names and surnames, each (Thai, English)."""

    titles: dict[str, tuple[str, str]]  # mr, mrs, miss, doctor, acting_sub_lieutenant
    male_first_names: tuple[tuple[str, str], ...]
    female_first_names: tuple[tuple[str, str], ...]
    surnames: tuple[tuple[str, str], ...]


TITLE_KEYS = ("mr", "mrs", "miss", "doctor", "acting_sub_lieutenant")
NAMES_FIELDS = {
    "titles": mapping_of(PAIR),
    "male_first_names": list_of(PAIR),
    "female_first_names": list_of(PAIR),
    "surnames": list_of(PAIR),
}


@cache
def thai_names(path: Path = DATA_DIR / "names.yaml") -> ThaiNames:
    name = _shown(path)
    entry = _check_entry(name, read_yaml(path), NAMES_FIELDS)
    _check_entry(f"{name}: titles", entry["titles"], dict.fromkeys(TITLE_KEYS, PAIR))
    return ThaiNames(
        titles={key: tuple(pair) for key, pair in entry["titles"].items()},
        **{
            key: tuple(tuple(pair) for pair in entry[key])
            for key in ("male_first_names", "female_first_names", "surnames")
        },
    )


def demo_data_check() -> None:
    """Read every demo data file, so that a malformed one stops the seed before it
    writes anything (each is read once per process: this costs nothing later)."""
    catalogue()
    assessment_plans()
    demo_accounts()
    population_tuning()
    thai_names()
    ministry_shape()


# ------------------------------------------------------------------------------
# The ministry's shape (blueprint.yaml)
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MinistryShape:
    """The departments, divisions and units blueprint(staff) picks from, in order."""

    departments: tuple[dict, ...]  # key, name, head?, deputy?, lines, regional
    support_divisions: dict[str, tuple[str, str, str]]  # key -> Thai, English, focus
    ops_secretariat: tuple[str, str, str]
    division_order: tuple[str, ...]  # "#n": the n-th line division; else a support key
    regions: tuple[tuple[str, str], ...]
    provinces: tuple[tuple[str, str], ...]
    unit_names: dict[str, tuple[tuple[str, str], ...]]  # by focus
    focus_size: dict[str, float]
    regional_size: float
    max_units: dict[str, int]  # by division key


def _texts(count: int, says: str) -> Shape:
    return Shape(
        says,
        lambda value: (
            isinstance(value, list)
            and len(value) == count
            and all(TEXT.test(item) for item in value)
        ),
    )


DIVISION = _texts(3, "[Thai, English, focus]")
LINE_DIVISION = _texts(4, "[key, Thai, English, focus]")
SHAPE_FIELDS = {
    "departments": ENTRIES,
    "support_divisions": mapping_of(DIVISION),
    "ops_secretariat": DIVISION,
    "division_order": list_of(TEXT),
    "regions": list_of(PAIR),
    "provinces": list_of(PAIR),
    "unit_names": mapping_of(list_of(PAIR)),
    "focus_size": mapping_of(WEIGHT),
    "regional_size": WEIGHT,
    "max_units": mapping_of(RANK),
}
DEPARTMENT_FIELDS = {
    "key": TEXT,
    "name": PAIR,
    "head": TEXT,
    "deputy": TEXT,
    "lines": list_of(LINE_DIVISION),
    "regional": Shape("a mapping", lambda value: isinstance(value, dict)),
}
REGIONAL_FIELDS = {
    "name": PAIR,
    "focus": TEXT,
    "places": one_of(("regions", "provinces")),
}


@cache
def ministry_shape(path: Path = DATA_DIR / "blueprint.yaml") -> MinistryShape:
    name = _shown(path)
    entry = _check_entry(name, read_yaml(path), SHAPE_FIELDS)
    focuses = set(entry["focus_size"])
    problems = [
        f"{name}: unit_names has no units for the focus {focus}."
        for focus in sorted(focuses - set(entry["unit_names"]))
    ]
    used = [
        (f"support_divisions, {key}", row[2])
        for key, row in entry["support_divisions"].items()
    ]
    used.append(("ops_secretariat", entry["ops_secretariat"][2]))
    departments = []
    for number, department in enumerate(entry["departments"], start=1):
        key = department.get("key", "") if isinstance(department, dict) else ""
        where = f"{name}, departments entry {number}" + (f" ({key})" if key else "")
        _check_entry(
            where, department, DEPARTMENT_FIELDS, optional=frozenset({"head", "deputy"})
        )
        _check_entry(f"{where}: regional", department["regional"], REGIONAL_FIELDS)
        used += [(f"{where}: lines, {row[0]}", row[3]) for row in department["lines"]]
        used.append((f"{where}: regional", department["regional"]["focus"]))
        for slot in entry["division_order"]:
            if slot.startswith("#") and not (
                slot[1:].isdigit() and int(slot[1:]) < len(department["lines"])
            ):
                problems.append(f"{where}: no line division {slot} (division_order).")
        departments.append(department)
    problems += [
        f"{where}: the focus {focus} is not in focus_size."
        for where, focus in used
        if focus not in focuses
    ]
    problems += [
        f"{name}: division_order names {slot}, not a support division."
        for slot in entry["division_order"]
        if not slot.startswith("#") and slot not in entry["support_divisions"]
    ]
    if problems:
        raise DemoContentError("\n".join(problems))
    return MinistryShape(
        departments=tuple(departments),
        support_divisions={
            key: tuple(row) for key, row in entry["support_divisions"].items()
        },
        ops_secretariat=tuple(entry["ops_secretariat"]),
        division_order=tuple(entry["division_order"]),
        regions=tuple(tuple(pair) for pair in entry["regions"]),
        provinces=tuple(tuple(pair) for pair in entry["provinces"]),
        unit_names={
            focus: tuple(tuple(pair) for pair in pairs)
            for focus, pairs in entry["unit_names"].items()
        },
        focus_size=entry["focus_size"],
        regional_size=entry["regional_size"],
        max_units=entry["max_units"],
    )
