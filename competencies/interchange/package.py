"""A framework as plain data, so the CASE and Moodle readers share one importer."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

#: Names and codes longer than the Academy's columns are refused or shortened.
NAME_MAX_LENGTH = 255
#: Slugs (framework and scale codes) and level codes.
CODE_MAX_LENGTH = 64
#: Competency codes: Moodle allows ID numbers of up to 100 characters.
COMPETENCY_CODE_MAX_LENGTH = 100

#: Namespace of the identifiers the Academy derives (Moodle rows, associations, levels).
ACADEMY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:academy:competency-interchange")


def derived_identifier(*parts: str) -> str:
    """A stable UUID for something the source format names without a UUID."""
    return str(uuid.uuid5(ACADEMY_NAMESPACE, "\x1f".join(parts)))


class ItemKind(StrEnum):
    """The same values as Competency.Kind, without importing the models."""

    AREA = "area"
    COMPETENCY = "competency"
    SUB_COMPETENCY = "sub"


def default_kind(*, depth: int, has_children: bool) -> ItemKind:
    """Formats that do not say what an item is get one from where it sits."""
    if depth == 0:
        return ItemKind.AREA if has_children else ItemKind.COMPETENCY
    if depth == 1:
        return ItemKind.COMPETENCY
    return ItemKind.SUB_COMPETENCY


@dataclass(frozen=True)
class ImportProblem:
    """One reason a file is refused: where (identifier, line) and what is wrong."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class FrameworkImportError(Exception):
    """A file refused for every problem listed; nothing has been written."""

    def __init__(self, problems: Iterable[ImportProblem]) -> None:
        self.problems: list[ImportProblem] = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass
class FrameworkMeta:
    """The framework itself.

    None means the format does not carry the value: a new framework gets the
    default ("1" for the version, blank otherwise) and an existing one keeps its own.
    """

    identifier: str
    code: str
    name_th: str
    name_en: str = ""
    description_th: str = ""
    description_en: str = ""
    version: str | None = None
    publisher: str | None = None
    licence: str | None = None
    source_url: str | None = None
    adopted_on: date | None = None
    #: What the file said beyond these fields (CASE: the CFDocument, definitions and
    #: associations the Academy does not use), written back by the export.
    source: dict | None = field(default=None, compare=False)

    def values(self) -> dict:
        """The Academy's own fields, as JSON, to tell later edits from what was read."""
        values = asdict(self)
        values.pop("source")
        values["adopted_on"] = self.adopted_on.isoformat() if self.adopted_on else None
        return values


@dataclass
class ScaleLevel:
    """One level of the framework's proficiency scale; rank 1 is the lowest."""

    identifier: str
    rank: int
    code: str
    name_th: str
    name_en: str = ""
    descriptor_th: str = ""
    descriptor_en: str = ""
    proficient: bool = False
    #: The CASE record read (CFItem and its hasSkillLevel association), if any.
    source: dict | None = field(default=None, compare=False)

    def values(self) -> dict:
        values = asdict(self)
        values.pop("source")
        return values


@dataclass
class FrameworkItem:
    """An area, competency or sub-competency; `parent` is the parent's identifier."""

    identifier: str
    code: str
    kind: str
    name_th: str
    name_en: str = ""
    description_th: str = ""
    description_en: str = ""
    parent: str | None = None
    order: int = 0
    uri: str = ""
    #: The CASE record read (CFItem and its isChildOf association), if any.
    source: dict | None = field(default=None, compare=False)

    def values(self) -> dict:
        values = asdict(self)
        values.pop("source")
        return values


@dataclass
class FrameworkPackage:
    """Everything one file says about one framework, parents before children."""

    framework: FrameworkMeta
    levels: list[ScaleLevel] = field(default_factory=list)
    items: list[FrameworkItem] = field(default_factory=list)
    #: Things read but not imported (an ignored scale, association types); not errors.
    warnings: list[ImportProblem] = field(default_factory=list, compare=False)


# ------------------------------------------------------------------------------
# Checks shared by the readers and the importer
# ------------------------------------------------------------------------------


def find_cycles(parents: dict[str, str | None]) -> list[list[str]]:
    """Each cycle in a child -> parent map once, in walking order.

    Parents missing from the map end a walk: they are dangling, reported elsewhere.
    """
    done: set[str] = set()
    cycles: list[list[str]] = []
    for start in parents:
        path: list[str] = []
        position: dict[str, int] = {}
        node: str | None = start
        while node is not None and node in parents and node not in done:
            if node in position:
                cycles.append(path[position[node] :])
                break
            position[node] = len(path)
            path.append(node)
            node = parents[node]
        done.update(path)
    return cycles


def tree_order(
    parents: dict[str, str | None], sibling_key: Callable[[str], tuple]
) -> tuple[dict[str, int], dict[str, int]]:
    """Depth and depth-first position (1-based) of every node of an acyclic tree."""
    children: dict[str | None, list[str]] = {}
    for node, parent in parents.items():
        children.setdefault(parent if parent in parents else None, []).append(node)
    for siblings in children.values():
        siblings.sort(key=sibling_key)
    depth: dict[str, int] = {}
    position: dict[str, int] = {}
    stack = [(node, 0) for node in reversed(children.get(None, []))]
    while stack:
        node, level = stack.pop()
        if node in position:
            continue
        depth[node] = level
        position[node] = len(position) + 1
        stack.extend((child, level + 1) for child in reversed(children.get(node, [])))
    return depth, position


def item_problems(
    items: list[FrameworkItem], where: Callable[[FrameworkItem], str]
) -> list[ImportProblem]:
    """Codes the Academy needs unique and short, checked before anything is written."""
    problems = []
    seen: dict[str, FrameworkItem] = {}
    for item in items:
        if not item.code:
            problems.append(ImportProblem(where(item), _("The code is missing.")))
            continue
        if len(item.code) > COMPETENCY_CODE_MAX_LENGTH:
            problems.append(
                ImportProblem(
                    where(item),
                    _("The code %(code)s is longer than %(max)d characters.")
                    % {"code": item.code, "max": COMPETENCY_CODE_MAX_LENGTH},
                )
            )
        if item.code in seen:
            problems.append(
                ImportProblem(
                    where(item),
                    _("The code %(code)s is also used by %(other)s.")
                    % {"code": item.code, "other": where(seen[item.code])},
                )
            )
        else:
            seen[item.code] = item
    return problems


def level_problems(
    levels: list[ScaleLevel], where: Callable[[ScaleLevel], str]
) -> list[ImportProblem]:
    """A scale needs distinct ranks and codes and at most one proficient threshold."""
    problems = []
    ranks: dict[int, ScaleLevel] = {}
    codes: dict[str, ScaleLevel] = {}
    for level in levels:
        if level.rank < 1:
            problems.append(
                ImportProblem(where(level), _("A level's rank must be 1 or more."))
            )
        if level.rank in ranks:
            problems.append(
                ImportProblem(
                    where(level),
                    _("The rank %(rank)d is also used by %(other)s.")
                    % {"rank": level.rank, "other": where(ranks[level.rank])},
                )
            )
        ranks.setdefault(level.rank, level)
        if level.code in codes:
            problems.append(
                ImportProblem(
                    where(level),
                    _("The level code %(code)s is also used by %(other)s.")
                    % {"code": level.code, "other": where(codes[level.code])},
                )
            )
        codes.setdefault(level.code, level)
    proficient = [level for level in levels if level.proficient]
    if len(proficient) > 1:
        problems.append(
            ImportProblem(
                ", ".join(where(level) for level in proficient),
                _("Only one level can be the proficient threshold."),
            )
        )
    return problems


def package_problems(package: FrameworkPackage) -> list[ImportProblem]:
    """Every structural problem of a package, whatever format it was read from."""

    def where_item(item: FrameworkItem) -> str:
        return f"{item.code} [{item.identifier}]" if item.code else item.identifier

    def where_level(level: ScaleLevel) -> str:
        return pgettext("import location", "level %(code)s") % {
            "code": level.code or level.identifier
        }

    problems = []
    meta = package.framework
    if not meta.identifier:
        problems.append(
            ImportProblem(
                pgettext("import location", "framework"),
                _("The identifier is missing."),
            )
        )
    if not meta.name_th:
        problems.append(
            ImportProblem(
                pgettext("import location", "framework"), _("The name is missing.")
            )
        )
    identifiers: dict[str, FrameworkItem] = {}
    for item in package.items:
        if not item.identifier:
            problems.append(
                ImportProblem(where_item(item), _("The identifier is missing."))
            )
        elif item.identifier in identifiers:
            problems.append(
                ImportProblem(
                    item.identifier, _("The identifier appears more than once.")
                )
            )
        identifiers.setdefault(item.identifier, item)
        if not item.name_th:
            problems.append(ImportProblem(where_item(item), _("The name is missing.")))
    for item in package.items:
        if item.parent is not None and item.parent not in identifiers:
            problems.append(
                ImportProblem(
                    where_item(item),
                    _("The parent %(parent)s is not in the file.")
                    % {"parent": item.parent},
                )
            )
    for cycle in find_cycles({item.identifier: item.parent for item in package.items}):
        problems.append(
            ImportProblem(
                " → ".join([*cycle, cycle[0]]),
                _("These items are each other's ancestors (a cycle)."),
            )
        )
    problems += item_problems(package.items, where_item)
    problems += level_problems(package.levels, where_level)
    return problems


def split_long_name(name: str, description: str) -> tuple[str, str]:
    """Statements longer than a name column keep their full text in the description."""
    if len(name) <= NAME_MAX_LENGTH:
        return name, description
    short = name[: NAME_MAX_LENGTH - 1].rstrip() + "…"
    return short, (f"{name}\n\n{description}" if description else name)
