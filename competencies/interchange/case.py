"""CASE 1.0/1.1 JSON read and written without the database, so a file is judged whole.

How the Academy maps its data onto CASE:

- Thai is the first language. Thai text goes in CASE's own fields (`title` and
  `description` of the CFDocument; `fullStatement` and `notes` of a CFItem) with
  `language: "th"`. English goes in a language-tagged extension mirroring those field
  names, ``"extensions": {"academy": {"translations": {"en": {"fullStatement": ...}}}}``,
  and an item's English name also in `alternativeLabel`, which every CASE tool shows.
  Reading a file without the extension, `alternativeLabel` is taken as the English
  name. An `abbreviatedStatement`, when present, is the name and the `fullStatement`
  goes to the description; a name longer than 255 characters is shortened and kept
  whole in the description.
- The tree comes from `isChildOf` (origin is the child; the destination is the parent
  item or the CFDocument). Siblings are ordered by the association's `sequenceNumber`,
  then by their place in `CFItems`. The Academy writes its own global order as the
  sequence number and reads it back unchanged when every item has a distinct one;
  otherwise items are numbered depth first.
- Kinds come from `CFItemType` ("Area", "Competency", "Sub-competency"), or from depth.
- Proficiency levels are CFItems of type "Proficiency Level" joined to the CFDocument
  by `hasSkillLevel` (destination is the level), ranked by `listEnumeration`; the
  proficient threshold is ``extensions.academy.proficient``. A file without
  `hasSkillLevel` levels takes its scale from the levels of its `CFRubrics` criteria,
  one level per distinct score.
- The framework code, which CASE has no field for, is ``extensions.academy.code`` on
  the CFDocument; `version`, `publisher`, `officialSourceURL`, `statusStartDate`
  (adoption date) and the licence (`licenseURI` to a `CFLicense`) map to their fields.
- Associations of other types (exactMatchOf, isRelatedTo, ...) may point outside the
  package by design; they are not imported and not checked, but kept for export.
- Export writes back what import read. Each record read (CFDocument, CFItem, the
  isChildOf or hasSkillLevel association that placed it, definitions, other
  associations, rubrics) is kept, reduced to what a CASE 1.1 package may hold, in
  the row's `case_source`, with the Academy's values as they were read. Export starts
  from that record and rewrites only the fields whose Academy value changed since,
  so abbreviatedStatement, CFItemType, language, a missing humanCodingScheme,
  educationLevel, subject, adoptionStatus, notes, creator, uri, lastChangeDateTime
  and association identifiers come back as they were. Records the Academy would
  write the same way anyway keep no source.
- humanCodingScheme need not be unique in CASE; the Academy's code must be. A
  repeated one is kept in the item and the Academy's code gets a "~2" suffix, with
  a warning. Item `uri`s are checked as absolute URIs (RFC 3986), not as web
  addresses: single-label hosts and URNs occur in real packages.
- Exports follow 1EdTech's CFPackage JSON schema for CASE 1.1, which has no
  CFPackageURI on the document and no CFDocumentURI on items and associations.
"""

from __future__ import annotations

import copy
import json
import math
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..validators import is_uri
from .case_shape import conform, conform_definitions, conform_rubrics, timestamp
from .package import (
    CODE_MAX_LENGTH,
    COMPETENCY_CODE_MAX_LENGTH,
    FrameworkImportError,
    FrameworkItem,
    FrameworkMeta,
    FrameworkPackage,
    ImportProblem,
    ItemKind,
    ScaleLevel,
    default_kind,
    derived_identifier,
    find_cycles,
    item_problems,
    level_problems,
    split_long_name,
    tree_order,
)

CASE_VERSION = "1.1"
IS_CHILD_OF = "isChildOf"
HAS_SKILL_LEVEL = "hasSkillLevel"
EXTENSION = "academy"
LEVEL_TYPE = "level"

#: CFItemType titles the Academy writes, with their hierarchy codes.
ITEM_TYPES: dict[str, tuple[str, str]] = {
    ItemKind.AREA: ("Area", "1"),
    ItemKind.COMPETENCY: ("Competency", "2"),
    ItemKind.SUB_COMPETENCY: ("Sub-competency", "3"),
    LEVEL_TYPE: ("Proficiency Level", "4"),
}

#: CFItemType names read from other publishers' files, lower-cased.
ITEM_TYPE_NAMES: dict[str, str] = {
    "area": ItemKind.AREA,
    "domain": ItemKind.AREA,
    "competency area": ItemKind.AREA,
    "competency": ItemKind.COMPETENCY,
    "skill": ItemKind.COMPETENCY,
    "sub-competency": ItemKind.SUB_COMPETENCY,
    "subcompetency": ItemKind.SUB_COMPETENCY,
    "sub competency": ItemKind.SUB_COMPETENCY,
    "sub": ItemKind.SUB_COMPETENCY,
}

_MISSING = object()


# ------------------------------------------------------------------------------
# Small readers for untrusted JSON values
# ------------------------------------------------------------------------------


def _string(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _positive_int(value: Any) -> int | None:
    number = _number(value)
    if number is None or number < 1 or number != int(number):
        return None
    return int(number)


def _objects(container: dict, key: str, problems: list[ImportProblem]) -> list[Any]:
    value = container.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(ImportProblem(key, _("This must be a list.")))
        return []
    return value


def _link(value: Any) -> str:
    """The identifier of a LinkURI (or, leniently, a bare identifier string)."""
    if isinstance(value, dict):
        return _string(value.get("identifier"))
    return _string(value)


def _academy(node: dict) -> dict:
    extensions = node.get("extensions")
    if not isinstance(extensions, dict):
        return {}
    academy = extensions.get(EXTENSION)
    return academy if isinstance(academy, dict) else {}


def _english(node: dict) -> dict:
    translations = _academy(node).get("translations")
    english = translations.get("en") if isinstance(translations, dict) else None
    return english if isinstance(english, dict) else {}


def _texts(node: dict, *, statement: str, notes: str) -> tuple[str, str, str, str]:
    """Thai name, English name, Thai description, English description of a node."""
    full = _string(node.get(statement))
    short = _string(node.get("abbreviatedStatement"))
    description = _string(node.get(notes))
    if short and short != full:
        name = short
        description = "\n\n".join(part for part in (full, description) if part)
    else:
        name = full
    name, description = split_long_name(name, description)
    english = _english(node)
    name_en = _string(english.get(statement))
    if not name_en and statement == "fullStatement":
        name_en = _string(node.get("alternativeLabel"))
    name_en, description_en = split_long_name(name_en, _string(english.get(notes)))
    return name, name_en, description, description_en


# ------------------------------------------------------------------------------
# Reading
# ------------------------------------------------------------------------------


def _load_json(content: bytes) -> Any:
    try:
        return json.loads(content)
    except json.JSONDecodeError as error:
        raise FrameworkImportError(
            [
                ImportProblem(
                    pgettext("import location", "line %(line)d, column %(column)d")
                    % {"line": error.lineno, "column": error.colno},
                    _("This is not valid JSON: %(reason)s.") % {"reason": error.msg},
                )
            ]
        ) from error
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise FrameworkImportError(
            [
                ImportProblem(
                    pgettext("import location", "line %(line)d") % {"line": line},
                    _("The file is not UTF-8 text."),
                )
            ]
        ) from error


def parse_case(content: bytes) -> FrameworkPackage:
    """Read a CASE package; FrameworkImportError lists every problem found."""
    root = _load_json(content)
    if isinstance(root, dict) and isinstance(root.get("CFPackage"), dict):
        root = root["CFPackage"]
    if not isinstance(root, dict):
        raise FrameworkImportError(
            [
                ImportProblem(
                    pgettext("import location", "file"),
                    _("A CASE package must be a JSON object."),
                )
            ]
        )
    package = _CaseReader(root).read()
    _drop_plain_sources(package)
    return package


def _same(written: dict | None, read: dict | None) -> bool:
    def plain(node: dict | None) -> dict | None:
        if node is None:
            return None
        return {
            key: value for key, value in node.items() if key != "lastChangeDateTime"
        }

    return plain(written) == plain(read)


def _drop_plain_sources(package: FrameworkPackage) -> None:
    """Forget the source of records the Academy would write the same way anyway.

    A package the Academy exported comes back with nothing worth keeping beyond its
    own fields; keeping it would only make the next import look like a change.
    """
    plain = FrameworkPackage(
        framework=replace(package.framework, source=None),
        levels=[replace(level, source=None) for level in package.levels],
        items=[replace(item, source=None) for item in package.items],
    )
    written = build_case(plain, changed_at=datetime(2000, 1, 1, tzinfo=UTC))
    nodes = {node["identifier"]: node for node in written["CFItems"]}
    placed_by: dict[str, dict] = {}
    for association in written["CFAssociations"]:
        if association["associationType"] == IS_CHILD_OF:
            placed_by[association["originNodeURI"]["identifier"]] = association
        else:
            placed_by[association["destinationNodeURI"]["identifier"]] = association
    for record in [*package.items, *package.levels]:
        source = record.source or {}
        if _same(nodes.get(record.identifier), source.get("node")) and _same(
            placed_by.get(record.identifier), source.get("association")
        ):
            record.source = None
    source = package.framework.source or {}
    definitions = {
        kind: [_same_key(entry) for entry in entries]
        for kind, entries in (source.get("definitions") or {}).items()
    }
    written_definitions = {
        kind: [_same_key(entry) for entry in entries]
        for kind, entries in (written.get("CFDefinitions") or {}).items()
    }
    if (
        _same(written["CFDocument"], source.get("node"))
        and not source.get("associations")
        and not source.get("rubrics")
        and all(
            entry in written_definitions.get(kind, [])
            for kind, entries in definitions.items()
            for entry in entries
        )
    ):
        package.framework.source = None


def _same_key(entry: dict) -> dict:
    return {key: value for key, value in entry.items() if key != "lastChangeDateTime"}


class _CaseReader:
    """One pass over a package, collecting every problem instead of stopping."""

    def __init__(self, root: dict) -> None:
        self.root = root
        self.problems: list[ImportProblem] = []
        self.warnings: list[ImportProblem] = []
        self.document_id = ""
        self.nodes: dict[str, dict] = {}
        self.positions: dict[str, int] = {}
        self.parent_of: dict[str, str | None] = {}
        self.sequence: dict[str, float] = {}
        self.level_sequence: dict[str, float] = {}
        #: The association that placed each item (isChildOf) or level (hasSkillLevel).
        self.placed_by: dict[str, dict] = {}
        #: Associations of other types, kept to be written back.
        self.other_associations: list[dict] = []
        self.dropped: Counter[str] = Counter()

    def problem(self, location: str, message: str) -> None:
        self.problems.append(ImportProblem(location, message))

    def read(self) -> FrameworkPackage:
        document = self.root.get("CFDocument")
        if not isinstance(document, dict):
            self.problem("CFDocument", _("The CFDocument is missing."))
            document = {}
        else:
            self.document_id = _string(document.get("identifier"))
            if not self.document_id:
                self.problem("CFDocument", _("The identifier is missing."))
            if not _string(document.get("title")):
                self.problem(
                    self.document_id or "CFDocument", _("The title is missing.")
                )
        self._read_items()
        self._read_associations()
        level_ids = list(self.level_sequence)
        self._check_levels_outside_tree(level_ids)
        rubric_levels = self._read_rubrics(use_levels=not level_ids)
        item_ids = [key for key in self.nodes if key not in self.level_sequence]
        parents = {key: self.parent_of.get(key) for key in item_ids}
        for cycle in find_cycles(parents):
            self.problem(
                " → ".join([*cycle, cycle[0]]),
                _(
                    "These items are each other's ancestors through isChildOf (a cycle)."
                ),
            )
        items = self._items(parents)
        levels = self._levels(level_ids) if level_ids else rubric_levels
        framework = self._framework(document)
        if self.dropped:
            self.warnings.append(
                ImportProblem(
                    pgettext("import location", "file"),
                    _(
                        "Fields that a CASE 1.1 package does not have, or values of "
                        "the wrong type, are not kept: %(fields)s."
                    )
                    % {
                        "fields": ", ".join(
                            f"{name} ({count})"
                            for name, count in sorted(self.dropped.items())
                        )
                    },
                )
            )
        self.problems += item_problems(items, lambda item: item.identifier)
        self.problems += level_problems(levels, lambda level: level.identifier)
        if self.problems:
            raise FrameworkImportError(self.problems)
        return FrameworkPackage(
            framework=framework, levels=levels, items=items, warnings=self.warnings
        )

    def _read_items(self) -> None:
        for index, node in enumerate(_objects(self.root, "CFItems", self.problems)):
            where = f"CFItems[{index}]"
            if not isinstance(node, dict):
                self.problem(where, _("A CFItem must be a JSON object."))
                continue
            identifier = _string(node.get("identifier"))
            if not identifier:
                self.problem(where, _("The identifier is missing."))
            if not _string(node.get("fullStatement")):
                self.problem(identifier or where, _("The fullStatement is missing."))
            if not identifier:
                continue
            if identifier in self.nodes or identifier == self.document_id:
                first = (
                    "CFDocument"
                    if identifier == self.document_id
                    else f"CFItems[{self.positions[identifier]}]"
                )
                self.problem(
                    identifier,
                    _(
                        "The identifier appears more than once (%(first)s and %(again)s)."
                    )
                    % {"first": first, "again": where},
                )
                continue
            self.nodes[identifier] = node
            self.positions[identifier] = index

    def _read_associations(self) -> None:
        seen: dict[str, int] = {}
        ignored: Counter[str] = Counter()
        associations = _objects(self.root, "CFAssociations", self.problems)
        for index, association in enumerate(associations):
            where = f"CFAssociations[{index}]"
            if not isinstance(association, dict):
                self.problem(where, _("A CFAssociation must be a JSON object."))
                continue
            identifier = _string(association.get("identifier"))
            if not identifier:
                self.problem(where, _("The identifier is missing."))
            elif identifier in seen:
                self.problem(
                    identifier,
                    _(
                        "The identifier appears more than once (%(first)s and %(again)s)."
                    )
                    % {"first": f"CFAssociations[{seen[identifier]}]", "again": where},
                )
            else:
                seen[identifier] = index
            where = identifier or where
            kind = _string(association.get("associationType"))
            origin = _link(association.get("originNodeURI"))
            destination = _link(association.get("destinationNodeURI"))
            if not kind:
                self.problem(where, _("The associationType is missing."))
            if not origin:
                self.problem(where, _("The originNodeURI is missing."))
            if not destination:
                self.problem(where, _("The destinationNodeURI is missing."))
            if not (kind and origin and destination):
                continue
            sequence = _number(association.get("sequenceNumber"))
            if kind == IS_CHILD_OF:
                if self._child_of(where, origin, destination, sequence):
                    self.placed_by.setdefault(origin, association)
            elif kind == HAS_SKILL_LEVEL:
                if self._skill_level(where, origin, destination, sequence):
                    self.placed_by.setdefault(destination, association)
            else:
                ignored[kind] += 1
                self.other_associations.append(association)
        if ignored:
            self.warnings.append(
                ImportProblem(
                    "CFAssociations",
                    _(
                        "Associations the Academy does not use, kept as they are "
                        "for export: %(counts)s."
                    )
                    % {
                        "counts": ", ".join(
                            f"{count} {kind}" for kind, count in sorted(ignored.items())
                        )
                    },
                )
            )

    def _dangling(self, where: str, end: str, identifier: str) -> None:
        self.problem(
            where,
            _("The %(end)s refers to %(identifier)s, which is not in the package.")
            % {"end": end, "identifier": identifier},
        )

    def _child_of(
        self, where: str, origin: str, destination: str, sequence: float | None
    ) -> bool:
        known = True
        if origin not in self.nodes:
            self._dangling(where, "originNodeURI", origin)
            known = False
        if destination != self.document_id and destination not in self.nodes:
            self._dangling(where, "destinationNodeURI", destination)
            known = False
        if not known:
            return False
        parent = None if destination == self.document_id else destination
        current = self.parent_of.get(origin, _MISSING)
        if current is not _MISSING and current != parent:
            self.problem(
                origin,
                _("The item has two parents: %(first)s and %(second)s.")
                % {
                    "first": current or self.document_id,
                    "second": parent or self.document_id,
                },
            )
            return False
        self.parent_of[origin] = parent
        if sequence is not None:
            self.sequence[origin] = sequence
        return current is _MISSING

    def _skill_level(
        self, where: str, origin: str, destination: str, sequence: float | None
    ) -> bool:
        known = True
        if origin != self.document_id and origin not in self.nodes:
            self._dangling(where, "originNodeURI", origin)
            known = False
        if destination not in self.nodes:
            self.problem(
                where,
                _(
                    "hasSkillLevel points at %(identifier)s, which is not in the package."
                )
                % {"identifier": destination},
            )
            known = False
        if not known:
            return False
        previous = self.level_sequence.get(destination, _MISSING)
        self.level_sequence[destination] = min(
            math.inf if previous is _MISSING else previous,
            sequence if sequence is not None else math.inf,
        )
        return previous is _MISSING

    def _check_levels_outside_tree(self, level_ids: list[str]) -> None:
        levels = set(level_ids)
        for identifier, parent in self.parent_of.items():
            if parent in levels and identifier not in levels:
                self.problem(
                    identifier,
                    _("The item is a child of %(level)s, which is a proficiency level.")
                    % {"level": parent},
                )

    def _read_rubrics(self, *, use_levels: bool) -> list[ScaleLevel]:
        """Check every criterion's item; when wanted, one scale level per score."""
        merged: dict[Any, dict] = {}
        for rubric_index, rubric in enumerate(
            _objects(self.root, "CFRubrics", self.problems)
        ):
            if not isinstance(rubric, dict):
                self.problem(
                    f"CFRubrics[{rubric_index}]", _("A CFRubric must be a JSON object.")
                )
                continue
            for criterion_index, criterion in enumerate(
                _objects(rubric, "CFRubricCriteria", self.problems)
            ):
                where = f"CFRubrics[{rubric_index}].CFRubricCriteria[{criterion_index}]"
                if not isinstance(criterion, dict):
                    self.problem(where, _("A rubric criterion must be a JSON object."))
                    continue
                where = _string(criterion.get("identifier")) or where
                if "CFItemURI" in criterion:
                    item = _link(criterion.get("CFItemURI"))
                    if not item:
                        self.problem(where, _("The CFItemURI has no identifier."))
                    elif item not in self.nodes and item != self.document_id:
                        self._dangling(where, "CFItemURI", item)
                levels = _objects(criterion, "CFRubricCriterionLevels", self.problems)
                for level_index, level in enumerate(levels):
                    if not isinstance(level, dict):
                        self.problem(
                            f"{where}.CFRubricCriterionLevels[{level_index}]",
                            _("A rubric criterion level must be a JSON object."),
                        )
                        continue
                    if use_levels:
                        self._merge_rubric_level(merged, level, level_index)
        return self._rubric_scale(merged) if use_levels else []

    @staticmethod
    def _merge_rubric_level(merged: dict, level: dict, index: int) -> None:
        score = _number(level.get("score"))
        position = _number(level.get("position"))
        quality = _string(level.get("quality"))
        key = (
            ("score", score)
            if score is not None
            else ("position", position)
            if position is not None
            else ("quality", quality or str(index))
        )
        entry = merged.setdefault(
            key,
            {
                "identifier": _string(level.get("identifier")),
                "quality": quality,
                "score": score,
                "position": position,
                "order": len(merged),
                "descriptions": set(),
                "proficient": False,
            },
        )
        entry["descriptions"].add(_string(level.get("description")))
        entry["proficient"] |= bool(_academy(level).get("proficient"))

    def _rubric_scale(self, merged: dict) -> list[ScaleLevel]:
        ordered = sorted(
            merged.values(),
            key=lambda entry: (
                entry["score"] if entry["score"] is not None else math.inf,
                entry["position"] if entry["position"] is not None else math.inf,
                entry["order"],
            ),
        )
        levels = []
        codes: set[str] = set()
        for rank, entry in enumerate(ordered, start=1):
            score = entry["score"]
            name = entry["quality"] or (
                f"{score:g}" if score is not None else str(rank)
            )
            code = slugify(entry["quality"])[:CODE_MAX_LENGTH] or f"level-{rank}"
            if code in codes:
                code = f"level-{rank}"
            codes.add(code)
            descriptions = entry["descriptions"] - {""}
            if len(descriptions) > 1:
                self.warnings.append(
                    ImportProblem(
                        name,
                        _(
                            "Rubric criteria describe this level differently; "
                            "its descriptor is left blank."
                        ),
                    )
                )
            name, descriptor = split_long_name(
                name, descriptions.pop() if len(descriptions) == 1 else ""
            )
            levels.append(
                ScaleLevel(
                    identifier=entry["identifier"]
                    or derived_identifier("rubric-level", self.document_id, str(rank)),
                    rank=rank,
                    code=code,
                    name_th=name,
                    descriptor_th=descriptor,
                    proficient=entry["proficient"],
                )
            )
        return levels

    def _kind(self, node: dict) -> str | None:
        type_id = _link(node.get("CFItemTypeURI"))
        for definition in self._item_types():
            if _string(definition.get("identifier")) == type_id and type_id:
                code = _string(definition.get("typeCode")).lower()
                if code in ITEM_TYPE_NAMES:
                    return ITEM_TYPE_NAMES[code]
        return ITEM_TYPE_NAMES.get(_string(node.get("CFItemType")).lower())

    def _item_types(self) -> list[dict]:
        definitions = self.root.get("CFDefinitions")
        if not isinstance(definitions, dict):
            return []
        types = definitions.get("CFItemTypes")
        if not isinstance(types, list):
            return []
        return [entry for entry in types if isinstance(entry, dict)]

    def _items(self, parents: dict[str, str | None]) -> list[FrameworkItem]:
        def sibling_key(identifier: str) -> tuple:
            return (self.sequence.get(identifier, math.inf), self.positions[identifier])

        depth, position = tree_order(parents, sibling_key)
        sequences = [self.sequence.get(identifier) for identifier in parents]
        keep_sequence = (
            None not in sequences
            and len(set(sequences)) == len(sequences)
            and all(_positive_int(value) for value in sequences)
        )
        has_children = {parent for parent in parents.values() if parent is not None}
        ordered = sorted(parents, key=lambda key: position.get(key, math.inf))
        codes = self._codes(ordered)
        items = []
        for identifier in ordered:
            node = self.nodes[identifier]
            name_th, name_en, description_th, description_en = _texts(
                node, statement="fullStatement", notes="notes"
            )
            kind = self._kind(node) or default_kind(
                depth=depth.get(identifier, 0),
                has_children=identifier in has_children,
            )
            uri = _string(node.get("uri"))
            if uri == _uri(identifier):
                uri = ""  # What the Academy writes for an item without a URI.
            if uri and not is_uri(uri):
                self.problem(
                    identifier,
                    _("The uri %(value)s is not an absolute URI.") % {"value": uri},
                )
            item = FrameworkItem(
                identifier=identifier,
                code=codes[identifier],
                kind=str(kind),
                name_th=name_th,
                name_en=name_en,
                description_th=description_th,
                description_en=description_en,
                parent=parents[identifier],
                order=int(self.sequence[identifier])
                if keep_sequence
                else position.get(identifier, 0),
                uri=uri,
            )
            item.source = self._source(identifier, "CFItem", item.values())
            items.append(item)
        return items

    def _source(self, identifier: str, kind: str, read: dict) -> dict:
        """What export needs to write the record back: itself, how it was placed."""
        source = {"node": conform(kind, self.nodes[identifier], self.dropped)}
        placed_by = self.placed_by.get(identifier)
        if placed_by is not None:
            source["association"] = conform("CFAssociation", placed_by, self.dropped)
        source["read"] = read
        return source

    def _codes(self, ordered: list[str]) -> dict[str, str]:
        """The Academy's unique code for each item, from its humanCodingScheme.

        CASE does not require humanCodingScheme to be unique or short; the Academy's
        code must be both. A repeated or long one is kept in the item as it is and
        the Academy's code gets a suffix, with a warning naming it.
        """
        wanted = {
            key: _string(self.nodes[key].get("humanCodingScheme"))
            or key[:COMPETENCY_CODE_MAX_LENGTH]
            for key in ordered
        }
        taken = Counter(wanted.values())
        codes: dict[str, str] = {}
        used: set[str] = set()
        repeated: dict[str, list[str]] = {}
        for key in ordered:
            code = wanted[key]
            if len(code) > COMPETENCY_CODE_MAX_LENGTH:
                self.warnings.append(
                    ImportProblem(
                        key,
                        _(
                            "The humanCodingScheme %(code)s is longer than %(max)d "
                            "characters; the Academy's code is shortened and the "
                            "item keeps it whole."
                        )
                        % {"code": code, "max": COMPETENCY_CODE_MAX_LENGTH},
                    )
                )
            candidate, number = code[:COMPETENCY_CODE_MAX_LENGTH], 1
            if taken[code] > 1:
                repeated.setdefault(code, []).append(key)
            while candidate in used or (candidate != code and candidate in taken):
                number += 1
                suffix = f"~{number}"
                candidate = code[: COMPETENCY_CODE_MAX_LENGTH - len(suffix)] + suffix
            used.add(candidate)
            codes[key] = candidate
        for code, keys in repeated.items():
            self.warnings.append(
                ImportProblem(
                    code,
                    _(
                        "The humanCodingScheme %(code)s is used by %(count)d items "
                        "(%(identifiers)s); CASE allows it, so each item keeps it, and "
                        "the Academy's codes for them are %(codes)s."
                    )
                    % {
                        "code": code,
                        "count": len(keys),
                        "identifiers": ", ".join(keys),
                        "codes": ", ".join(codes[key] for key in keys),
                    },
                )
            )
        return codes

    def _levels(self, level_ids: list[str]) -> list[ScaleLevel]:
        enumerations = {
            key: _positive_int(self.nodes[key].get("listEnumeration"))
            for key in level_ids
        }
        ordered = sorted(
            level_ids,
            key=lambda key: (
                enumerations[key] or math.inf,
                self.level_sequence[key],
                self.positions[key],
            ),
        )
        values = list(enumerations.values())
        keep = None not in values and len(set(values)) == len(values)
        levels = []
        for rank, identifier in enumerate(ordered, start=1):
            node = self.nodes[identifier]
            level_rank = enumerations[identifier] if keep else rank
            name_th, name_en, descriptor_th, descriptor_en = _texts(
                node, statement="fullStatement", notes="notes"
            )
            levels.append(
                level := ScaleLevel(
                    identifier=identifier,
                    rank=level_rank,
                    code=_string(node.get("humanCodingScheme"))
                    or f"level-{level_rank}",
                    name_th=name_th,
                    name_en=name_en,
                    descriptor_th=descriptor_th,
                    descriptor_en=descriptor_en,
                    proficient=bool(_academy(node).get("proficient")),
                )
            )
            level.source = self._source(identifier, "CFItem", level.values())
        return levels

    def _framework(self, document: dict) -> FrameworkMeta:
        name_th, name_en, description_th, description_en = _texts(
            document, statement="title", notes="description"
        )
        code = _string(_academy(document).get("code"))
        if not code:
            slug = slugify(_string(document.get("title")))
            has_letter = any(char.isalpha() for char in slug)
            code = (slug if has_letter else "")[:CODE_MAX_LENGTH].strip("-") or (
                f"case-{self.document_id[:8]}"
            )
        adopted_on = None
        start = _string(document.get("statusStartDate"))
        if start:
            try:
                adopted_on = date.fromisoformat(start[:10])
            except ValueError:
                self.problem(
                    self.document_id or "CFDocument",
                    _("The statusStartDate %(value)s is not a date.")
                    % {"value": start},
                )
        if "publisher" in document:
            publisher = _string(document.get("publisher"))
        else:
            publisher = _string(document.get("creator"))
        meta = FrameworkMeta(
            identifier=self.document_id,
            code=code,
            name_th=name_th,
            name_en=name_en,
            description_th=description_th,
            description_en=description_en,
            version=_string(document.get("version")) or None,
            publisher=publisher,
            licence=self._licence(document),
            source_url=_string(document.get("officialSourceURL")),
            adopted_on=adopted_on,
        )
        read = meta.values()
        # A new framework without a version gets "1"; that is no change to write back.
        read["version"] = read["version"] or "1"
        # What is kept is a CASE 1.1 record, whichever version the file was.
        node = conform("CFDocument", document, self.dropped) | {
            "caseVersion": CASE_VERSION
        }
        source: dict[str, Any] = {"node": node, "read": read}
        definitions = conform_definitions(self.root.get("CFDefinitions"), self.dropped)
        if definitions:
            source["definitions"] = definitions
        associations = [
            conform("CFAssociation", association, self.dropped)
            for association in self.other_associations
        ]
        if associations:
            source["associations"] = associations
        rubrics = self.root.get("CFRubrics")
        if isinstance(rubrics, list) and rubrics and not self.level_sequence:
            source["rubrics"] = conform_rubrics(rubrics, self.dropped)
        meta.source = source
        return meta

    def _licence(self, document: dict) -> str:
        link = document.get("licenseURI")
        if not isinstance(link, dict):
            return ""
        identifier = _string(link.get("identifier"))
        definitions = self.root.get("CFDefinitions")
        licences = (
            definitions.get("CFLicenses") if isinstance(definitions, dict) else None
        )
        for licence in licences if isinstance(licences, list) else []:
            if (
                isinstance(licence, dict)
                and _string(licence.get("identifier")) == identifier
            ):
                return _string(licence.get("title"))
        return _string(link.get("title"))


# ------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------


def _uri(identifier: str) -> str:
    return f"urn:uuid:{identifier}"


def _set_extension(node: dict, **values: Any) -> None:
    """Write the Academy's extension into `node`, leaving other publishers' alone."""
    english = {key: value for key, value in values.pop("en", {}).items() if value}
    academy = {
        key: value for key, value in values.items() if value not in ("", None, False)
    }
    if english:
        academy["translations"] = {"en": english}
    extensions = dict(node.get("extensions") or {})
    if academy:
        extensions[EXTENSION] = academy
    else:
        extensions.pop(EXTENSION, None)
    if extensions:
        node["extensions"] = extensions
    else:
        node.pop("extensions", None)


def _set_texts(
    node: dict, read_node: dict, *, name: str, name_en: str, notes: str, notes_en: str
) -> None:
    """Write the Academy's texts so that reading them back gives the same texts.

    A record read with an abbreviatedStatement keeps one: the Academy's name is the
    abbreviation and the first paragraph of its description the fullStatement.
    """
    abbreviated = _string(read_node.get("abbreviatedStatement"))
    full = _string(read_node.get("fullStatement"))
    for key in ("fullStatement", "abbreviatedStatement", "notes", "alternativeLabel"):
        node.pop(key, None)
    if abbreviated and abbreviated != full:
        head, _separator, rest = notes.partition("\n\n")
        node["abbreviatedStatement"] = name
        node["fullStatement"] = head or name
        if rest:
            node["notes"] = rest
    else:
        node["fullStatement"] = name
        if notes:
            node["notes"] = notes
    if name_en:
        node["alternativeLabel"] = name_en


class _Record:
    """A record as read (if it was) and which of the Academy's fields changed since."""

    def __init__(self, source: dict | None, current: dict) -> None:
        self.source = source or {}
        self.read = self.source.get("read") or {}
        self.current = current
        self.node: dict = copy.deepcopy(self.source.get("node") or {})
        self.read_node: dict = self.source.get("node") or {}
        self.dirty = not self.source

    def changed(self, *names: str) -> bool:
        if not self.source:
            return True
        changed = any(self.read.get(name) != self.current[name] for name in names)
        self.dirty |= changed
        return changed

    def finish(self, stamp: str) -> dict:
        if self.dirty or "lastChangeDateTime" not in self.node:
            self.node["lastChangeDateTime"] = stamp
        return self.node


def build_case(
    package: FrameworkPackage, *, changed_at: datetime | None = None
) -> dict[str, Any]:
    """A CASE 1.1 package for `package`; parse_case(json of it) gives it back.

    Records that were imported from CASE are written back as they were read, with
    only the fields the Academy changed since rewritten. The output follows the
    official CFPackage schema, which has no CFPackageURI or CFDocumentURI.
    """
    stamp = timestamp(changed_at or datetime.now(UTC))
    meta = package.framework
    document = _Record(meta.source, meta.values())
    framework_source = document.source
    language = _string(document.read_node.get("language")) or "th"
    definitions: dict[str, list] = copy.deepcopy(
        framework_source.get("definitions") or {}
    )
    for entries in definitions.values():
        for entry in entries:
            entry.setdefault("lastChangeDateTime", stamp)
    academy_types: set[str] = set()

    def item_type(kind: str) -> dict:
        title, hierarchy = ITEM_TYPES[kind]
        identifier = derived_identifier("case-item-type", kind)
        return {
            "identifier": identifier,
            "uri": _uri(identifier),
            "title": title,
            "description": title,
            "hierarchyCode": hierarchy,
            "typeCode": str(kind),
            "lastChangeDateTime": stamp,
        }

    def set_type(node: dict, kind: str) -> None:
        definition = item_type(kind)
        academy_types.add(kind)
        node["CFItemType"] = definition["title"]
        node["CFItemTypeURI"] = {
            "title": definition["title"],
            "identifier": definition["identifier"],
            "uri": definition["uri"],
        }

    doc = _document_node(document, meta, stamp, definitions)
    document_link = {
        "title": doc["title"],
        "identifier": meta.identifier,
        "uri": doc["uri"],
    }

    links: dict[str, dict] = {}
    cf_items = []
    for item in package.items:
        record = _Record(item.source, item.values())
        node = record.node
        node["identifier"] = item.identifier
        if record.changed("name_th", "name_en", "description_th", "description_en"):
            _set_texts(
                node,
                record.read_node,
                name=item.name_th,
                name_en=item.name_en,
                notes=item.description_th,
                notes_en=item.description_en,
            )
            _set_extension(
                node, en={"fullStatement": item.name_en, "notes": item.description_en}
            )
        if record.changed("code"):
            node["humanCodingScheme"] = item.code
        if record.changed("kind"):
            set_type(node, item.kind)
        if record.changed("uri") or not node.get("uri"):
            node["uri"] = item.uri or _uri(item.identifier)
        if not record.source:
            node["language"] = language
        cf_items.append(record.finish(stamp))
        links[item.identifier] = {
            "title": node["fullStatement"],
            "identifier": item.identifier,
            "uri": node["uri"],
        }

    rubrics = framework_source.get("rubrics")
    levels = [] if rubrics else package.levels
    level_records: dict[str, _Record] = {}
    for level in levels:
        record = _Record(level.source, level.values())
        level_records[level.identifier] = record
        node = record.node
        node["identifier"] = level.identifier
        texts = record.changed("name_th", "name_en", "descriptor_th", "descriptor_en")
        if texts:
            _set_texts(
                node,
                record.read_node,
                name=level.name_th,
                name_en=level.name_en,
                notes=level.descriptor_th,
                notes_en=level.descriptor_en,
            )
        if record.changed("proficient") or texts:
            _set_extension(
                node,
                proficient=level.proficient,
                en={"fullStatement": level.name_en, "notes": level.descriptor_en},
            )
        if record.changed("code"):
            node["humanCodingScheme"] = level.code
        if record.changed("rank"):
            node["listEnumeration"] = str(level.rank)
        if not record.source:
            set_type(node, LEVEL_TYPE)
            node["language"] = language
        node.setdefault("uri", _uri(level.identifier))
        cf_items.append(record.finish(stamp))
        links[level.identifier] = {
            "title": node["fullStatement"],
            "identifier": level.identifier,
            "uri": node["uri"],
        }

    def association(kind: str, origin: dict, destination: dict, sequence: int) -> dict:
        identifier = derived_identifier(
            "case-association", kind, origin["identifier"], destination["identifier"]
        )
        return {
            "identifier": identifier,
            "uri": _uri(identifier),
            "associationType": kind,
            "sequenceNumber": sequence,
            "originNodeURI": origin,
            "destinationNodeURI": destination,
            "lastChangeDateTime": stamp,
        }

    def kept(record: _Record, *names: str) -> dict | None:
        stored = record.source.get("association")
        if stored is None or any(
            record.read.get(name) != record.current[name] for name in names
        ):
            return None
        return copy.deepcopy(stored)

    associations = [
        kept(_Record(item.source, item.values()), "parent", "order")
        or association(
            IS_CHILD_OF,
            links[item.identifier],
            links[item.parent] if item.parent else document_link,
            item.order,
        )
        for item in package.items
    ] + [
        kept(level_records[level.identifier], "rank")
        or association(
            HAS_SKILL_LEVEL, document_link, links[level.identifier], level.rank
        )
        for level in levels
    ]
    associations += copy.deepcopy(framework_source.get("associations") or [])
    for entry in associations:
        entry.setdefault("uri", _uri(entry["identifier"]))
        entry.setdefault("lastChangeDateTime", stamp)

    if academy_types:
        types = definitions.setdefault("CFItemTypes", [])
        known = {entry["identifier"] for entry in types}
        for kind in ITEM_TYPES:
            definition = item_type(kind)
            if kind in academy_types and definition["identifier"] not in known:
                types.append(definition)
    package_document: dict[str, Any] = {
        "CFDocument": doc,
        "CFItems": cf_items,
        "CFAssociations": associations,
    }
    if definitions:
        package_document["CFDefinitions"] = definitions
    if rubrics:
        package_document["CFRubrics"] = copy.deepcopy(rubrics)
    return package_document


def _document_node(
    document: _Record, meta: FrameworkMeta, stamp: str, definitions: dict
) -> dict:
    node = document.node
    node["identifier"] = meta.identifier
    node.setdefault("uri", _uri(meta.identifier))
    if document.changed("name_th", "name_en", "description_th", "description_en"):
        node["title"] = meta.name_th
        if meta.description_th:
            node["description"] = meta.description_th
        else:
            node.pop("description", None)
    if document.changed(
        "name_th", "name_en", "description_th", "description_en", "code"
    ):
        _set_extension(
            node,
            code=meta.code,
            en={"title": meta.name_en, "description": meta.description_en},
        )
    if document.changed("publisher") and meta.publisher is not None:
        node["publisher"] = meta.publisher
    if not node.get("creator"):
        node["creator"] = meta.publisher or meta.name_th
    if document.changed("version") and meta.version is not None:
        node["version"] = meta.version
    if document.changed("source_url"):
        if meta.source_url:
            node["officialSourceURL"] = meta.source_url
        else:
            node.pop("officialSourceURL", None)
    if document.changed("adopted_on"):
        if meta.adopted_on:
            node["statusStartDate"] = meta.adopted_on.isoformat()
        else:
            node.pop("statusStartDate", None)
    if document.changed("licence"):
        node.pop("licenseURI", None)
        if meta.licence:
            licence_id = derived_identifier("case-licence", meta.identifier)
            licences = definitions.setdefault("CFLicenses", [])
            licences[:] = [
                entry for entry in licences if entry["identifier"] != licence_id
            ]
            licences.append(
                {
                    "identifier": licence_id,
                    "uri": _uri(licence_id),
                    "title": meta.licence,
                    "licenseText": meta.licence,
                    "lastChangeDateTime": stamp,
                }
            )
            node["licenseURI"] = {
                "title": meta.licence,
                "identifier": licence_id,
                "uri": _uri(licence_id),
            }
    if not document.source:
        node["language"] = "th"
    node["caseVersion"] = CASE_VERSION
    return document.finish(stamp)
