"""Reads the demo content from the data files under demo/data/, checking their shape.

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
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

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
        raise DemoContentError(f"{path.relative_to(DATA_DIR)}: {error}") from error


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
