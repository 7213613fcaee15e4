"""Reading the runtime data a package commits (scorm-again's flattened CMI).

Pure code: `runtime_parse` turns the posted JSON into a RuntimeUpdate, or raises
RuntimeDataError naming the first bad element, so that a bad commit changes nothing.
Only the elements the Academy keeps are read (location, suspend data, statuses,
score, exit, session time, and the interactions and objectives a package records);
anything else the package wrote is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .package import VERSION_12, VERSION_2004

SESSION_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
LESSON_STATUSES_12 = {
    "passed",
    "completed",
    "failed",
    "incomplete",
    "browsed",
    "not attempted",
}
EXITS_12 = {"", "time-out", "suspend", "logout"}
COMPLETION_2004 = {"completed", "incomplete", "not attempted", "unknown"}
SUCCESS_2004 = {"passed", "failed", "unknown"}
EXITS_2004 = {"", "time-out", "suspend", "logout", "normal"}
# SCORM 1.2 allows 4096 characters of suspend data, 2004 64000; packages written for
# 1.2 often exceed it, and scorm-again accepts them, so both get the larger cap.
MAX_SUSPEND = 64000
MAX_LOCATION = {VERSION_12: 255, VERSION_2004: 1000}
_TIMESPAN_12 = re.compile(r"^(\d{2,4}):([0-5]?\d):([0-5]?\d)(\.\d{1,2})?$")
_DURATION_2004 = re.compile(
    r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?"
    r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,2})?)S)?)?$"
)


class RuntimeDataError(ValueError):
    """A commit the Academy refuses, naming the element."""


@dataclass(frozen=True)
class RuntimeUpdate:
    session_key: str
    location: str | None = None
    suspend_data: str | None = None
    lesson_status: str | None = None
    completion_status: str | None = None
    success_status: str | None = None
    score_raw: Decimal | None = None
    score_min: Decimal | None = None
    score_max: Decimal | None = None
    score_scaled: Decimal | None = None
    exit: str | None = None
    session_seconds: Decimal | None = None
    interactions: tuple[dict, ...] = ()
    objectives: tuple[dict, ...] = ()


#: SCORM 2004 asks an LMS to keep at least 250 interactions and 100 objectives.
MAX_INTERACTIONS = 500
MAX_OBJECTIVES = 250
#: Per field, in characters: identifiers 4000 (2004's long_identifier_type), responses
#: and patterns 4000 (SPM 4000), descriptions 250 (localized_string_type SPM).
_FIELD_LIMIT = 4000
_INDEXED = re.compile(r"^cmi\.(interactions|objectives)\.(\d{1,4})\.(.+)$")
#: What is kept of each, under the version's own names, to the Academy's names.
_INTERACTION_FIELDS = {
    "id": "id",
    "type": "type",
    "description": "description",
    "learner_response": "learner_response",
    "student_response": "learner_response",  # SCORM 1.2
    "result": "result",
    "weighting": "weighting",
    "latency": "latency",
    "timestamp": "timestamp",
    "time": "timestamp",  # SCORM 1.2
}
_OBJECTIVE_FIELDS = {
    "id": "id",
    "description": "description",
    "success_status": "success_status",
    "completion_status": "completion_status",
    "status": "status",  # SCORM 1.2
    "progress_measure": "progress_measure",
    "score.raw": "score_raw",
    "score.min": "score_min",
    "score.max": "score_max",
    "score.scaled": "score_scaled",
}
_PATTERN = re.compile(r"^correct_responses\.(\d{1,3})\.pattern$")
_LINKED_OBJECTIVE = re.compile(r"^objectives\.(\d{1,3})\.id$")


def _records(cmi: dict, collection: str, limit: int) -> tuple[dict, ...]:
    """cmi.<collection>.n.* as one dict per n, in order of n, with the fields the
    Academy keeps; a record without an id is dropped (the id must be set first)."""
    fields = _INTERACTION_FIELDS if collection == "interactions" else _OBJECTIVE_FIELDS
    by_index: dict[int, dict] = {}
    for key in cmi:
        match = _INDEXED.match(key) if isinstance(key, str) else None
        if match is None or match.group(1) != collection:
            continue
        index, name = int(match.group(2)), match.group(3)
        if index >= limit:
            raise RuntimeDataError(f"{key}: more than {limit} {collection}")
        if cmi[key] in ({}, [], ""):
            # What a full commit sends of elements never set: an empty value, or an
            # empty list inside a record (an interaction with no objectives).
            continue
        value = _string(cmi, key, limit=_FIELD_LIMIT)
        record = by_index.setdefault(index, {})
        if name in fields:
            record[fields[name]] = value
        elif collection == "interactions" and (found := _PATTERN.match(name)):
            record.setdefault("correct_responses", {})[int(found.group(1))] = value
        elif collection == "interactions" and (found := _LINKED_OBJECTIVE.match(name)):
            record.setdefault("objectives", {})[int(found.group(1))] = value
    records = []
    for index in sorted(by_index):
        record = by_index[index]
        if not record.get("id"):
            continue
        for listed in ("correct_responses", "objectives"):
            if listed in record:
                record[listed] = [record[listed][n] for n in sorted(record[listed])]
        records.append(record)
    return tuple(records)


def _string(cmi: dict, key: str, *, limit: int) -> str | None:
    if key not in cmi:
        return None
    value = cmi[key]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise RuntimeDataError(f"{key}: expected text")
    if len(value) > limit:
        raise RuntimeDataError(f"{key}: longer than {limit} characters")
    return value


def _choice(cmi: dict, key: str, allowed: set[str]) -> str | None:
    value = _string(cmi, key, limit=32)
    if value is not None and value not in allowed:
        raise RuntimeDataError(f"{key}: {value!r} is not one of {sorted(allowed)}")
    return value


def _number(cmi: dict, key: str, *, low=None, high=None) -> Decimal | None:
    value = _string(cmi, key, limit=32)
    if value is None or value == "":
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise RuntimeDataError(f"{key}: {value!r} is not a number") from None
    if not number.is_finite():
        raise RuntimeDataError(f"{key}: {value!r} is not a number")
    if (low is not None and number < low) or (high is not None and number > high):
        raise RuntimeDataError(f"{key}: {value} is out of range")
    return number


def timespan_seconds(value: str) -> Decimal:
    """SCORM 1.2 CMITimespan (HHHH:MM:SS.SS) in seconds."""
    match = _TIMESPAN_12.match(value)
    if not match:
        raise RuntimeDataError(f"cmi.core.session_time: {value!r} is not HHHH:MM:SS")
    hours, minutes, seconds, fraction = match.groups()
    return (
        Decimal(hours) * 3600
        + Decimal(minutes) * 60
        + Decimal(seconds)
        + (Decimal(fraction) if fraction else 0)
    )


def duration_seconds(value: str) -> Decimal:
    """SCORM 2004 timeinterval (ISO 8601 duration, PT1H2M3.5S) in seconds; a month
    counts 30 days and a year 365, as the data model's conformance tests do."""
    match = _DURATION_2004.match(value)
    if not match or value in ("P", "PT") or value.endswith("T"):
        raise RuntimeDataError(
            f"cmi.session_time: {value!r} is not an ISO 8601 duration"
        )
    years, months, days, hours, minutes, seconds = (
        Decimal(part) if part else Decimal(0) for part in match.groups()
    )
    return (
        years * 365 * 86400
        + months * 30 * 86400
        + days * 86400
        + hours * 3600
        + minutes * 60
        + seconds
    )


def seconds_as_timespan(seconds: Decimal) -> str:
    whole = int(seconds)
    hundredths = int((seconds - whole) * 100)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{min(hours, 9999):04d}:{minutes:02d}:{secs:02d}.{hundredths:02d}"


def seconds_as_duration(seconds: Decimal) -> str:
    whole = int(seconds)
    hundredths = int((seconds - whole) * 100)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"PT{hours}H{minutes}M{secs}.{hundredths:02d}S"


def runtime_parse(version: str, payload) -> RuntimeUpdate:
    """A commit body, {"session": key, "cmi": {flattened CMI}}, read and checked."""
    if not isinstance(payload, dict):
        raise RuntimeDataError("the body is not a JSON object")
    session_key = payload.get("session")
    if not isinstance(session_key, str) or not SESSION_KEY.match(session_key):
        raise RuntimeDataError("session: missing or malformed")
    cmi = payload.get("cmi")
    if not isinstance(cmi, dict):
        raise RuntimeDataError("cmi: expected an object of CMI elements")
    location_limit = MAX_LOCATION[version]
    if version == VERSION_12:
        session = _string(cmi, "cmi.core.session_time", limit=32)
        return RuntimeUpdate(
            session_key=session_key,
            location=_string(cmi, "cmi.core.lesson_location", limit=location_limit),
            suspend_data=_string(cmi, "cmi.suspend_data", limit=MAX_SUSPEND),
            lesson_status=_choice(cmi, "cmi.core.lesson_status", LESSON_STATUSES_12),
            score_raw=_number(cmi, "cmi.core.score.raw", low=0, high=100),
            score_min=_number(cmi, "cmi.core.score.min", low=0, high=100),
            score_max=_number(cmi, "cmi.core.score.max", low=0, high=100),
            exit=_choice(cmi, "cmi.core.exit", EXITS_12),
            session_seconds=timespan_seconds(session) if session else None,
            interactions=_records(cmi, "interactions", MAX_INTERACTIONS),
            objectives=_records(cmi, "objectives", MAX_OBJECTIVES),
        )
    session = _string(cmi, "cmi.session_time", limit=64)
    return RuntimeUpdate(
        session_key=session_key,
        location=_string(cmi, "cmi.location", limit=location_limit),
        suspend_data=_string(cmi, "cmi.suspend_data", limit=MAX_SUSPEND),
        completion_status=_choice(cmi, "cmi.completion_status", COMPLETION_2004),
        success_status=_choice(cmi, "cmi.success_status", SUCCESS_2004),
        score_raw=_number(cmi, "cmi.score.raw"),
        score_min=_number(cmi, "cmi.score.min"),
        score_max=_number(cmi, "cmi.score.max"),
        score_scaled=_number(cmi, "cmi.score.scaled", low=-1, high=1),
        exit=_choice(cmi, "cmi.exit", EXITS_2004),
        session_seconds=duration_seconds(session) if session else None,
        interactions=_records(cmi, "interactions", MAX_INTERACTIONS),
        objectives=_records(cmi, "objectives", MAX_OBJECTIVES),
    )


#: What is kept of each record, back to the version's own element names, in the
#: order a runtime takes them: the id first, and (2004 RTE 4.2.9) an interaction's
#: type before its response and patterns. SCORM 1.2 has no interaction description
#: and only `status` and the raw score on an objective.
_RESUMED_INTERACTION = {
    VERSION_12: {
        "id": "id",
        "type": "type",
        "timestamp": "time",
        "weighting": "weighting",
        "learner_response": "student_response",
        "result": "result",
        "latency": "latency",
    },
    VERSION_2004: {
        "id": "id",
        "type": "type",
        "description": "description",
        "timestamp": "timestamp",
        "weighting": "weighting",
        "learner_response": "learner_response",
        "result": "result",
        "latency": "latency",
    },
}
_RESUMED_OBJECTIVE = {
    VERSION_12: {
        "id": "id",
        "status": "status",
        "score_raw": "score.raw",
        "score_min": "score.min",
        "score_max": "score.max",
    },
    VERSION_2004: {
        "id": "id",
        "description": "description",
        "success_status": "success_status",
        "completion_status": "completion_status",
        "progress_measure": "progress_measure",
        "score_scaled": "score.scaled",
        "score_raw": "score.raw",
        "score_min": "score.min",
        "score_max": "score.max",
    },
}
#: Interaction fields a 2004 runtime refuses before the type is known.
_NEEDS_TYPE = {"learner_response", "correct_responses"}


def records_flatten(
    version: str, *, interactions: list | None, objectives: list | None
) -> dict[str, str]:
    """The interactions and objectives kept for one SCO as the flattened CMI it
    resumes with (cmi.interactions.n.*, cmi.objectives.n.*), under the version's
    names, at most MAX_INTERACTIONS and MAX_OBJECTIVES, in the order a runtime takes
    them. A record keeps its position n, so the SCO's _count and next index follow on
    from what it wrote before."""
    data: dict[str, str] = {}
    for index, record in enumerate((objectives or [])[:MAX_OBJECTIVES]):
        for name, element in _RESUMED_OBJECTIVE[version].items():
            if record.get(name):
                data[f"cmi.objectives.{index}.{element}"] = record[name]
    for index, record in enumerate((interactions or [])[:MAX_INTERACTIONS]):
        prefix = f"cmi.interactions.{index}"
        typed = version == VERSION_12 or bool(record.get("type"))
        for name, element in _RESUMED_INTERACTION[version].items():
            if record.get(name) and (typed or name not in _NEEDS_TYPE):
                data[f"{prefix}.{element}"] = record[name]
        if typed:
            for n, pattern in enumerate(record.get("correct_responses") or []):
                data[f"{prefix}.correct_responses.{n}.pattern"] = pattern
        for n, objective_id in enumerate(record.get("objectives") or []):
            if objective_id:
                data[f"{prefix}.objectives.{n}.id"] = objective_id
    return data


def records_merge(kept: list | None, committed: tuple[dict, ...], *, limit: int):
    """The records kept so far with a commit's: a record with a known id replaces it
    in place, a new id is added at the end. A new session starts its collections
    again from index 0, so records are matched by id, never by index."""
    merged = {record["id"]: record for record in kept or []}
    for record in committed:
        merged[record["id"]] = record
    return list(merged.values())[:limit]
