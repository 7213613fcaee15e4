"""The shape of each CASE 1.1 package class, to keep what a package may hold.

The official package schema (case_v1p1_cfpackage-jsonschema1.json) allows no
property beyond its own on any class. Packages in use carry more (CASE 1.0 API
links such as CFDocumentURI on items, misspellings such as educationalLevel) and
looser values (null for a string, timestamps without a time zone). A record read
from a file is reduced to this shape before it is kept, so that what the Academy
writes back validates; what was left out is counted for a warning.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

STRING = "string"
STRINGS = "strings"
DATE = "date"
DATETIME = "datetime"
INTEGER = "integer"
NUMBER = "number"
LINK = "link"
LINKS = "links"
OBJECT = "object"

_LINK_KEYS = ("title", "identifier", "uri")

SHAPES: dict[str, dict[str, str]] = {
    "CFDocument": {
        "identifier": STRING,
        "uri": STRING,
        "frameworkType": STRING,
        "caseVersion": STRING,
        "creator": STRING,
        "title": STRING,
        "lastChangeDateTime": DATETIME,
        "officialSourceURL": STRING,
        "publisher": STRING,
        "description": STRING,
        "subject": STRINGS,
        "subjectURI": LINKS,
        "language": STRING,
        "version": STRING,
        "adoptionStatus": STRING,
        "statusStartDate": DATE,
        "statusEndDate": DATE,
        "licenseURI": LINK,
        "notes": STRING,
        "extensions": OBJECT,
    },
    "CFItem": {
        "identifier": STRING,
        "fullStatement": STRING,
        "alternativeLabel": STRING,
        "CFItemType": STRING,
        "uri": STRING,
        "humanCodingScheme": STRING,
        "listEnumeration": STRING,
        "abbreviatedStatement": STRING,
        "conceptKeywords": STRINGS,
        "conceptKeywordsURI": LINK,
        "notes": STRING,
        "subject": STRINGS,
        "subjectURI": LINKS,
        "language": STRING,
        "educationLevel": STRINGS,
        "CFItemTypeURI": LINK,
        "licenseURI": LINK,
        "statusStartDate": DATE,
        "statusEndDate": DATE,
        "lastChangeDateTime": DATETIME,
        "extensions": OBJECT,
    },
    "CFAssociation": {
        "identifier": STRING,
        "associationType": STRING,
        "sequenceNumber": INTEGER,
        "uri": STRING,
        "originNodeURI": LINK,
        "destinationNodeURI": LINK,
        "CFAssociationGroupingURI": LINK,
        "lastChangeDateTime": DATETIME,
        "notes": STRING,
        "extensions": OBJECT,
    },
    "CFRubric": {
        "identifier": STRING,
        "uri": STRING,
        "title": STRING,
        "description": STRING,
        "lastChangeDateTime": DATETIME,
        "extensions": OBJECT,
    },
    "CFRubricCriterion": {
        "identifier": STRING,
        "uri": STRING,
        "category": STRING,
        "description": STRING,
        "CFItemURI": LINK,
        "weight": NUMBER,
        "position": INTEGER,
        "rubricId": STRING,
        "lastChangeDateTime": DATETIME,
        "extensions": OBJECT,
    },
    "CFRubricCriterionLevel": {
        "identifier": STRING,
        "uri": STRING,
        "description": STRING,
        "quality": STRING,
        "score": NUMBER,
        "feedback": STRING,
        "position": INTEGER,
        "rubricCriterionId": STRING,
        "lastChangeDateTime": DATETIME,
        "extensions": OBJECT,
    },
    "CFItemTypes": {
        "identifier": STRING,
        "uri": STRING,
        "title": STRING,
        "description": STRING,
        "hierarchyCode": STRING,
        "typeCode": STRING,
        "lastChangeDateTime": DATETIME,
        "extensions": OBJECT,
    },
    "CFLicenses": {
        "identifier": STRING,
        "uri": STRING,
        "title": STRING,
        "description": STRING,
        "licenseText": STRING,
        "lastChangeDateTime": DATETIME,
        "extensions": OBJECT,
    },
    "CFSubjects": {
        "identifier": STRING,
        "uri": STRING,
        "title": STRING,
        "hierarchyCode": STRING,
        "description": STRING,
        "lastChangeDateTime": DATETIME,
        "extensions": OBJECT,
    },
    "CFConcepts": {
        "identifier": STRING,
        "uri": STRING,
        "title": STRING,
        "keywords": STRING,
        "hierarchyCode": STRING,
        "description": STRING,
        "lastChangeDateTime": DATETIME,
        "extensions": OBJECT,
    },
    "CFAssociationGroupings": {
        "identifier": STRING,
        "uri": STRING,
        "title": STRING,
        "description": STRING,
        "lastChangeDateTime": DATETIME,
        "extensions": OBJECT,
    },
}

#: Properties each definition must have, and where a missing one is taken from.
DEFINITION_REQUIRED: dict[str, dict[str, str]] = {
    # Rubrics must carry every property their shape names.
    **{
        name: SHAPES[name]
        for name in ("CFRubric", "CFRubricCriterion", "CFRubricCriterionLevel")
    },
    "CFItemTypes": {"description": "title", "hierarchyCode": "typeCode"},
    "CFLicenses": {"licenseText": "title"},
    "CFSubjects": {"hierarchyCode": "title"},
    "CFConcepts": {"hierarchyCode": "title"},
    "CFAssociationGroupings": {},
}

#: Links to the enclosing record that a package does not repeat: left out silently.
REDUNDANT = {"CFDocumentURI", "CFPackageURI", "CFItemAssociationURI"}


def timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _datetime(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None and "T" in text:
        return text  # Already RFC 3339 with an offset: kept as written.
    return timestamp(moment)


def _date(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return None


def _link(value: Any) -> dict | None:
    if not isinstance(value, dict):
        return None
    link = {
        key: value[key].strip()
        for key in _LINK_KEYS
        if isinstance(value.get(key), str) and value[key].strip()
    }
    if "identifier" not in link:
        return None
    link.setdefault("title", link["identifier"])
    link.setdefault("uri", f"urn:uuid:{link['identifier']}")
    if isinstance(value.get("targetType"), str) and value["targetType"]:
        link["targetType"] = value["targetType"]
    return link


def _conform_value(kind: str, value: Any) -> Any:
    if kind == STRING:
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return None
    if kind == STRINGS:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return None
        strings = [entry for entry in value if isinstance(entry, str)]
        return strings or None
    if kind == DATE:
        return _date(value)
    if kind == DATETIME:
        return _datetime(value)
    if kind == INTEGER:
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return int(number) if number.is_integer() else None
    if kind == NUMBER:
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            return value
        try:
            return float(value)
        except (TypeError, ValueError):
            return None
    if kind == LINK:
        return _link(value)
    if kind == LINKS:
        if not isinstance(value, list):
            return None
        links = [link for link in map(_link, value) if link]
        return links or None
    if kind == OBJECT:
        return value if isinstance(value, dict) and value else None
    raise ValueError(kind)


def conform(kind: str, node: dict, dropped: Counter[str]) -> dict:
    """`node` reduced to the properties and value types CASE 1.1 allows for `kind`."""
    shape = SHAPES[kind]
    conformed = {}
    for key, value in node.items():
        if value is None:
            continue
        if key not in shape:
            if key not in REDUNDANT:
                dropped[key] += 1
            continue
        kept = _conform_value(shape[key], value)
        if kept is None:
            dropped[key] += 1
            continue
        conformed[key] = kept
    return conformed


def conform_definitions(definitions: Any, dropped: Counter[str]) -> dict:
    """The CFDefinitions lists, each entry conformed and completed."""
    if not isinstance(definitions, dict):
        return {}
    conformed: dict[str, list] = {}
    for kind, required in DEFINITION_REQUIRED.items():
        entries = definitions.get(kind)
        if not isinstance(entries, list):
            continue
        kept = []
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            entry = conform(kind, entry, dropped)
            if not entry.get("identifier") or not entry.get("title"):
                dropped[f"{kind}[]"] += 1
                continue
            entry.setdefault("uri", f"urn:uuid:{entry['identifier']}")
            for key, fallback in required.items():
                entry.setdefault(key, entry.get(fallback) or entry["title"])
            kept.append(entry)
        if kept:
            conformed[kind] = kept
    return conformed


def conform_rubrics(rubrics: list, dropped: Counter[str]) -> list[dict]:
    """CFRubrics with their criteria and levels, each conformed."""
    conformed = []
    for rubric in rubrics:
        if not isinstance(rubric, dict):
            continue
        kept = conform(
            "CFRubric",
            {key: value for key, value in rubric.items() if key != "CFRubricCriteria"},
            dropped,
        )
        criteria = []
        for criterion in rubric.get("CFRubricCriteria") or []:
            if not isinstance(criterion, dict):
                continue
            entry = conform(
                "CFRubricCriterion",
                {
                    key: value
                    for key, value in criterion.items()
                    if key != "CFRubricCriterionLevels"
                },
                dropped,
            )
            levels = [
                conform("CFRubricCriterionLevel", level, dropped)
                for level in criterion.get("CFRubricCriterionLevels") or []
                if isinstance(level, dict)
            ]
            if levels:
                entry["CFRubricCriterionLevels"] = levels
            criteria.append(entry)
        if criteria:
            kept["CFRubricCriteria"] = criteria
        conformed.append(kept)
    return conformed
