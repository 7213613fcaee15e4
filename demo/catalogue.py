"""Writes the demo catalogue (demo/data/, read by `demo.content`) as published pages.

Idempotent by course code: a course whose code already exists is left exactly as it
is (an administrator may have edited it), so running the seed again creates nothing
and changes nothing. Everything is checked before anything is written, and the
writes run in one transaction.

Competency links, target groups and prerequisites are set on the page before its
first revision is saved, so the published revision holds them: relations written
after publishing would vanish the next time an editor published the page.
"""

from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import TextIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from wagtail.rich_text import RichText

from competencies.models import Competency, Framework, PersonnelGroup, ProficiencyLevel
from courses.blocks import LessonBodyBlock
from courses.models import (
    CatalogPage,
    CourseCompetency,
    CoursePage,
    CoursePrerequisite,
    LessonPage,
)

from .content import catalogue as demo_catalogue


class CatalogueSeedError(Exception):
    """The demo catalogue cannot be written; the message names every problem."""


# ------------------------------------------------------------------------------
# From the compact data to rich text and stream blocks
# ------------------------------------------------------------------------------


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def _items(tag: str, items: list[str]) -> str:
    return (
        f"<{tag}>" + "".join(f"<li>{escape(item)}</li>" for item in items) + f"</{tag}>"
    )


def description_html(course: dict) -> str:
    html = "".join(_p(text) for text in course.get("description", []))
    if course.get("outcomes"):
        heading = demo_catalogue().outcomes_heading
        html += f"<h3>{escape(heading)}</h3>" + _items("ul", course["outcomes"])
    return html


def lesson_blocks(body: list[dict]) -> list[tuple[str, object]]:
    """Stream data for `LessonBodyBlock` from a lesson body of the data files."""
    blocks: list[tuple[str, object]] = []
    for block in body:
        ((kind, value),) = block.items()
        if kind in {"heading", "quote"}:
            blocks.append((kind, value))
        elif kind == "paragraph":
            blocks.append(("paragraph", RichText(_p(value))))
        elif kind in {"list", "steps"}:
            tag = "ul" if kind == "list" else "ol"
            blocks.append(("paragraph", RichText(_items(tag, value))))
        elif kind == "callout":
            blocks.append(
                (
                    "callout",
                    {
                        "kind": value["kind"],
                        "title": value["title"],
                        "text": RichText(_p(value["text"])),
                    },
                )
            )
        elif kind == "code":
            blocks.append(
                ("code", {"language": value["language"], "code": value["source"]})
            )
        elif kind == "video":
            blocks.append(
                (
                    "video",
                    {
                        "url": value["url"],
                        "caption": value["caption"],
                        "transcript": "",
                    },
                )
            )
        else:
            raise CatalogueSeedError(f"Unknown lesson block “{kind}”.")
    return blocks


# ------------------------------------------------------------------------------
# References to the standards, resolved and checked before writing
# ------------------------------------------------------------------------------


@dataclass
class _Standards:
    competencies: dict[tuple[str, str], Competency]
    levels: dict[tuple[str, int], ProficiencyLevel]
    groups: dict[tuple[str, str], PersonnelGroup]

    @classmethod
    def load(cls) -> "_Standards":
        frameworks = list(
            Framework.objects.filter(status=Framework.Status.ACTIVE).select_related(
                "scale"
            )
        )
        code_of = {framework.pk: framework.code for framework in frameworks}
        competencies = {
            (code_of[item.framework_id], item.code): item
            for item in Competency.objects.filter(
                framework__in=frameworks
            ).select_related("framework")
        }
        levels_by_scale: dict[int, dict[int, ProficiencyLevel]] = {}
        for level in ProficiencyLevel.objects.filter(
            scale__in={framework.scale_id for framework in frameworks}
        ):
            levels_by_scale.setdefault(level.scale_id, {})[level.rank] = level
        levels = {
            (framework.code, rank): level
            for framework in frameworks
            for rank, level in levels_by_scale.get(framework.scale_id, {}).items()
        }
        groups = {
            (code_of[group.framework_id], group.code): group
            for group in PersonnelGroup.objects.filter(framework__in=frameworks)
        }
        return cls(competencies=competencies, levels=levels, groups=groups)

    def problems(self, course: dict, known_codes: set[str]) -> list[str]:
        code = course["code"]
        problems = []
        for framework, competency, rank in [
            *course.get("competencies", []),
            *course.get("requires_competencies", []),
        ]:
            if (framework, competency) not in self.competencies:
                problems.append(
                    f"{code}: competency {competency} is not on an active framework "
                    f"{framework}."
                )
            if (framework, rank) not in self.levels:
                problems.append(f"{code}: {framework} has no level {rank}.")
        for framework, group in course.get("groups", []):
            if (framework, group) not in self.groups:
                problems.append(
                    f"{code}: personnel group {group} is not on an active framework "
                    f"{framework}."
                )
        for required in course.get("requires_courses", []):
            if required not in known_codes:
                problems.append(f"{code}: prerequisite course {required} is unknown.")
        if not course.get("competencies"):
            problems.append(f"{code}: a course must develop at least one competency.")
        if not 3 <= len(course.get("lessons", [])) <= 6:
            problems.append(f"{code}: a demo course has 3 to 6 lessons.")
        return problems


def _creation_order(courses: list[dict], existing: set[str]) -> list[dict]:
    """New courses, each after the courses it requires (which may already exist)."""
    pending = [course for course in courses if course["code"] not in existing]
    ready = set(existing)
    ordered: list[dict] = []
    while pending:
        placeable = [
            course
            for course in pending
            if set(course.get("requires_courses", [])) <= ready
        ]
        if not placeable:
            codes = ", ".join(course["code"] for course in pending)
            raise CatalogueSeedError(f"Prerequisites form a cycle among: {codes}.")
        for course in placeable:
            ordered.append(course)
            ready.add(course["code"])
        pending = [course for course in pending if course["code"] not in ready]
    return ordered


def _unique_slug(wanted: str, taken: set[str], fallback: str) -> str:
    slug = wanted or fallback
    if slug in taken:
        slug = f"{fallback}-{slug}" if wanted else f"{fallback}-{len(taken) + 1}"
    taken.add(slug)
    return slug


# ------------------------------------------------------------------------------
# The seed
# ------------------------------------------------------------------------------


@transaction.atomic
def catalogue_seed(*, owner=None, stdout: TextIO | None = None) -> int:
    """Create the demo courses that do not exist yet; return how many were created."""

    def say(line: str) -> None:
        if stdout is not None:
            stdout.write(line + "\n")

    catalogue = CatalogPage.objects.first()
    if catalogue is None:
        raise CatalogueSeedError(
            "There is no course catalogue page: run `python manage.py migrate` first."
        )
    courses = list(demo_catalogue().courses)
    all_codes = [course["code"] for course in courses]
    existing = set(
        CoursePage.objects.filter(code__in=all_codes).values_list("code", flat=True)
    )
    standards = _Standards.load()
    known_codes = set(all_codes) | set(
        CoursePage.objects.exclude(code=None).values_list("code", flat=True)
    )
    to_create = _creation_order(courses, existing)
    body_block = LessonBodyBlock()
    problems = []
    for course in to_create:
        problems += standards.problems(course, known_codes)
        for lesson in course["lessons"]:
            try:
                body_block.clean(body_block.normalize(lesson_blocks(lesson["body"])))
            except ValidationError as error:
                problems.append(f"{course['code']} / {lesson['title']}: {error}")
    if problems:
        raise CatalogueSeedError(
            "The demo catalogue was not written (run `python manage.py "
            "load_standards` if frameworks are missing):\n" + "\n".join(problems)
        )

    taken_slugs = set(catalogue.get_children().values_list("slug", flat=True))
    by_code = {
        page.code: page for page in CoursePage.objects.filter(code__in=all_codes)
    }
    for course in to_create:
        page = _course_create(
            course,
            catalogue=catalogue,
            standards=standards,
            by_code=by_code,
            slug=_unique_slug(
                slugify(course.get("title_en", "")), taken_slugs, course["code"].lower()
            ),
            owner=owner,
        )
        by_code[course["code"]] = page
        say(
            f"  + {course['code']} {course['title']} ({len(course['lessons'])} lessons)"
        )
    say(
        f"Demo catalogue: {len(to_create)} course(s) created, "
        f"{len(existing)} already present."
    )
    return len(to_create)


def _course_create(
    course: dict,
    *,
    catalogue: CatalogPage,
    standards: _Standards,
    by_code: dict[str, CoursePage],
    slug: str,
    owner,
) -> CoursePage:
    page = CoursePage(
        title=course["title"],
        title_en=course.get("title_en", ""),
        slug=slug,
        code=course["code"],
        summary=course["summary"],
        summary_en=course.get("summary_en", ""),
        description=description_html(course),
        learning_hours=Decimal(str(course["hours"])),
        delivery_mode=course["mode"],
        enrolment_policy=course["policy"],
        certificate_validity_months=course.get("validity_months"),
        owner=owner,
        live=False,
    )
    for order, (framework, code, rank) in enumerate(course["competencies"]):
        page.competency_links.add(
            CourseCompetency(
                competency=standards.competencies[(framework, code)],
                level=standards.levels[(framework, rank)],
                sort_order=order,
            )
        )
    order = 0
    for required in course.get("requires_courses", []):
        page.prerequisites.add(
            CoursePrerequisite(required_course=by_code[required], sort_order=order)
        )
        order += 1
    for framework, code, rank in course.get("requires_competencies", []):
        page.prerequisites.add(
            CoursePrerequisite(
                competency=standards.competencies[(framework, code)],
                level=standards.levels[(framework, rank)],
                sort_order=order,
            )
        )
        order += 1
    page.target_groups.set([standards.groups[key] for key in course.get("groups", [])])
    catalogue.add_child(instance=page)
    # The demo courses stand for work that has already passed review: the owner (an
    # instructor, who may not publish) authored the revision; publishing skips the
    # check an administrator's approval would have satisfied.
    page.save_revision(user=owner).publish(user=owner, skip_permission_checks=True)

    lesson_slugs: set[str] = set()
    for number, lesson in enumerate(course["lessons"], start=1):
        lesson_page = LessonPage(
            title=lesson["title"],
            title_en=lesson.get("title_en", ""),
            slug=_unique_slug(
                slugify(lesson.get("title_en", "")), lesson_slugs, f"lesson-{number}"
            ),
            estimated_minutes=lesson.get("minutes", 15),
            body=lesson_blocks(lesson["body"]),
            owner=owner,
            live=False,
        )
        page.add_child(instance=lesson_page)
        lesson_page.save_revision(user=owner).publish(
            user=owner, skip_permission_checks=True
        )
    return page
