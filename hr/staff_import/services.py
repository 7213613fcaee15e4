"""The staff import: an HR officer's staff file, checked in a dry run that lists every
change and every problem, then applied once confirmed (in a Celery worker when the file
is large). Each write that touches someone's personal record is audited, in the same
transaction as the write (academy.accounts.audit).
"""

import hashlib
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from academy.accounts.audit import AuditAction, audit_record
from academy.core.bulk import rows_insert, values_insert
from competencies.hr.selectors import HRAccess, hr_access
from competencies.models import (
    ImportJob,
    LineOfWork,
    OrgUnit,
    Person,
    Placement,
    PositionLevel,
    PositionType,
    StaffColumnMap,
    StaffScheme,
)
from competencies.national_id import pii_key
from competencies.rollups import matrix_maintenance_paused
from competencies.selectors import today
from competencies.signals import people_changed_in_bulk

from . import parsing, tasks
from .parsing import Problem, Reason, StaffRow

#: Files with more data rows than this are checked and applied by a Celery worker.
BACKGROUND_ROWS = 2000
#: Largest staff file accepted (100,000 rows are about 20 MB).
MAX_IMPORT_BYTES = 64 * 1024 * 1024
#: How many changed and bad rows a job's report lists (the counts are always exact).
REPORT_LIMIT = 500
BAD_REPORT_LIMIT = 5000
LOOKUP_CHUNK = 1000
WRITE_BATCH = 2000
PROGRESS_EVERY = 1000
#: A dry run not applied within this long is discarded with its upload.
STALE_AFTER = timedelta(days=1)


# ------------------------------------------------------------------------------
# Staff import: the plan
# ------------------------------------------------------------------------------


class Action:
    CREATE = "create"
    UPDATE = "update"
    MOVE = "move"
    UNCHANGED = "unchanged"
    BAD = "bad"
    ALL = (CREATE, UPDATE, MOVE, UNCHANGED, BAD)


PERSON_FIELDS = (
    "employee_number",
    "national_id_digest",
    "national_id_masked",
    "title_th",
    "first_name_th",
    "last_name_th",
    "title_en",
    "first_name_en",
    "last_name_en",
    "email",
)
OPTIONAL_PERSON_FIELDS = {
    "title_th",
    "title_en",
    "first_name_en",
    "last_name_en",
    "email",
}


@dataclass
class PlannedRow:
    line: int
    employee_number: str
    action: str
    row: StaffRow | None = None
    problems: list[Problem] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    person_id: int | None = None
    placement_id: int | None = None
    unit_id: int | None = None
    position_type_id: int | None = None
    position_level_id: int | None = None
    line_of_work_id: int | None = None
    scheme: str = ""

    def fingerprint_line(self) -> str:
        problems = ",".join(sorted(problem.code for problem in self.problems))
        return (
            f"{self.line}|{self.employee_number}|{self.action}|{self.person_id}|"
            f"{self.placement_id}|{','.join(self.changes)}|{problems}"
        )


@dataclass
class StaffImportPlan:
    columns: tuple[str, ...]
    rows: list[PlannedRow]
    header_problems: list[Problem]

    def of(self, action: str) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == action]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(Action.ALL, 0)
        for row in self.rows:
            counts[row.action] += 1
        counts["total"] = len(self.rows)
        counts["changes"] = counts["create"] + counts["update"] + counts["move"]
        return counts

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for problem in self.header_problems:
            digest.update(f"header|{problem.code}|{problem.params}\n".encode())
        for row in self.rows:
            digest.update(row.fingerprint_line().encode() + b"\n")
        return digest.hexdigest()

    def report(self) -> dict:
        """What the job keeps to show: every bad row (up to a cap), samples of changes."""

        def problems(items):
            return [{"code": p.code, "params": p.params} for p in items]

        bad = self.of(Action.BAD)
        changes = {}
        for action in (Action.CREATE, Action.MOVE, Action.UPDATE):
            changes[action] = [
                {
                    "line": planned.line,
                    "employee_number": planned.employee_number,
                    "name": f"{planned.row.first_name_th} {planned.row.last_name_th}",
                    "unit": planned.row.unit_code,
                    "changes": planned.changes,
                }
                for planned in self.of(action)[:REPORT_LIMIT]
            ]
        return {
            "header_errors": problems(self.header_problems),
            "bad": [
                {
                    "line": planned.line,
                    "employee_number": planned.employee_number,
                    "problems": problems(planned.problems),
                }
                for planned in bad[:BAD_REPORT_LIMIT]
            ],
            "changes": changes,
        }


def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _Lookups:
    """Everything the plan compares against, read in a bounded number of queries."""

    units: dict[str, tuple[int, str]]
    #: Staff schemes by code or name (label_key) -> code.
    schemes: dict[str, str]
    #: A position type by its label across schemes (the civil service's first) and
    #: by (scheme code, label); lines of work the same way.
    position_types: dict[str, int]
    scheme_types: dict[tuple[str, str], int]
    levels: dict[tuple[int, str], int]
    lines: dict[str, int]
    scheme_lines: dict[tuple[str, str], int]
    #: Every type, line of work and level by id, to check the position standard.
    type_records: dict[int, PositionType]
    line_records: dict[int, LineOfWork]
    level_records: dict[int, PositionLevel]
    people_by_number: dict[str, dict]
    people_by_digest: dict[str, dict]
    current: dict[int, dict]
    #: Each person's latest placement (current, future or ended): starts_on, path.
    latest: dict[int, dict]
    known_numbers: dict[str, int]


PERSON_VALUES = ("pk", "left_on", *PERSON_FIELDS)


def _lookups(
    rows: list[StaffRow], *, on: date, more_unit_codes: set[str] = frozenset()
) -> _Lookups:
    unit_codes = sorted({row.unit_code for row in rows} | set(more_unit_codes))
    units = {}
    for chunk in _chunks(unit_codes):
        for code, pk, path in OrgUnit.objects.filter(code__in=chunk).values_list(
            "code", "pk", "path"
        ):
            units[code] = (pk, path)
    # A position type or level by its code or by the name the UI shows, Thai or
    # English, with or without ประเภท / ระดับ (parsing.label_key).
    schemes = {}
    for scheme in StaffScheme.objects.all():
        for name in (scheme.name_en, scheme.name_th, scheme.code):
            if name:
                schemes[parsing.label_key(name)] = scheme.code
    position_types, scheme_types = {}, {}
    type_records = {}
    for position_type in PositionType.objects.select_related("scheme").order_by(
        "-scheme__code"
    ):
        type_records[position_type.pk] = position_type
        for name in (position_type.name_en, position_type.name_th, position_type.code):
            if name:
                key = parsing.label_key(name)
                position_types[key] = position_type.pk
                scheme_types[(position_type.scheme.code, key)] = position_type.pk
    levels = {}
    level_records = {level.pk: level for level in PositionLevel.objects.all()}
    for level in level_records.values():
        for name in (level.name_en, level.name_th, level.code):
            if name:
                levels[(level.position_type_id, parsing.label_key(name))] = level.pk
    # A line of work by its published code, or by its Thai name where it has none
    # (a code is never invented for it).
    lines, scheme_lines = {}, {}
    line_records = {}
    for line in LineOfWork.objects.select_related(
        "scheme", "position_type", "level_min", "level_max"
    ).order_by("-scheme__code"):
        line_records[line.pk] = line
        for key in {line.name_th, " ".join(line.name_th.split()), line.code} - {""}:
            lines[key] = line.pk
            scheme_lines[(line.scheme.code, key)] = line.pk

    numbers = sorted({row.employee_number for row in rows})
    people_by_number: dict[str, dict] = {}
    for chunk in _chunks(numbers):
        for values in Person.objects.filter(employee_number__in=chunk).values(
            *PERSON_VALUES
        ):
            people_by_number[values["employee_number"]] = values
    digests = sorted({row.national_id_digest for row in rows})
    people_by_digest: dict[str, dict] = {}
    for chunk in _chunks(digests):
        for values in Person.objects.filter(national_id_digest__in=chunk).values(
            *PERSON_VALUES
        ):
            people_by_digest[values["national_id_digest"]] = values
    supervisor_numbers = sorted(
        {
            row.supervisor_employee_number
            for row in rows
            if row.supervisor_employee_number
        }
        - set(people_by_number)
    )
    known_numbers = {
        number: values["pk"] for number, values in people_by_number.items()
    }
    for chunk in _chunks(supervisor_numbers):
        known_numbers.update(
            Person.objects.filter(employee_number__in=chunk).values_list(
                "employee_number", "pk"
            )
        )
    person_ids = sorted(
        {values["pk"] for values in people_by_number.values()}
        | {values["pk"] for values in people_by_digest.values()}
    )
    current: dict[int, dict] = {}
    latest: dict[int, dict] = {}
    for chunk in _chunks(person_ids):
        for values in (
            Placement.objects.current(on)
            .filter(person_id__in=chunk)
            .order_by("person_id", "starts_on", "pk")
            .values(
                "pk",
                "person_id",
                "unit_id",
                "unit__path",
                "position_type_id",
                "position_level_id",
                "line_of_work_id",
                "scheme_id",
                "supervisor_id",
                "starts_on",
                "position_number",
                "administrative_post",
            )
        ):
            current[values["person_id"]] = values  # the latest current one wins
        for values in (
            Placement.objects.filter(person_id__in=chunk)
            .order_by("person_id", "starts_on", "pk")
            .values("person_id", "starts_on", "unit__path")
        ):
            latest[values["person_id"]] = values  # ordered: the last one wins
    return _Lookups(
        units=units,
        schemes=schemes,
        position_types=position_types,
        scheme_types=scheme_types,
        levels=levels,
        lines=lines,
        scheme_lines=scheme_lines,
        type_records=type_records,
        line_records=line_records,
        level_records=level_records,
        people_by_number=people_by_number,
        people_by_digest=people_by_digest,
        current=current,
        latest=latest,
        known_numbers=known_numbers,
    )


def _resolve_codes(
    planned: PlannedRow, values, lookups: _Lookups, access: HRAccess
) -> None:
    """Unit, position type, level and line of work of a row (`values`: a StaffRow,
    or the dict of cells of a row already bad) against the records."""
    problems = planned.problems

    def cell(name: str) -> str:
        if isinstance(values, dict):
            value = values.get(name, "")
            return value if isinstance(value, str) else ""
        return getattr(values, name)

    unit_code = cell("unit_code")
    unit = lookups.units.get(unit_code) if unit_code else None
    if unit_code and unit is None:
        problems.append(Problem(Reason.UNKNOWN_UNIT, {"value": unit_code}))
    elif unit is not None and not any(
        unit[1].startswith(path) for path in access.scope_paths
    ):
        problems.append(Problem(Reason.UNIT_OUT_OF_SCOPE, {"value": unit_code}))
    elif unit is not None:
        planned.unit_id = unit[0]
    scheme = cell("scheme")
    scheme_code = lookups.schemes.get(parsing.label_key(scheme)) if scheme else None
    if scheme and scheme_code is None:
        problems.append(Problem(Reason.UNKNOWN_SCHEME, {"value": scheme}))
        return
    position_type, position_level = cell("position_type"), cell("position_level")
    type_key = parsing.label_key(position_type)
    type_id = (
        lookups.scheme_types.get((scheme_code, type_key))
        if scheme_code
        else lookups.position_types.get(type_key)
    )
    if type_id is not None:
        # Without a scheme column, the position type's (the civil service's first).
        scheme_code = lookups.type_records[type_id].scheme.code
        planned.scheme = scheme_code
    if position_type and type_id is None:
        problems.append(Problem(Reason.UNKNOWN_POSITION_TYPE, {"value": position_type}))
    elif type_id is not None and position_level:
        planned.position_type_id = type_id
        planned.position_level_id = lookups.levels.get(
            (type_id, parsing.label_key(position_level))
        )
        if planned.position_level_id is None:
            problems.append(
                Problem(
                    Reason.UNKNOWN_LEVEL,
                    {"value": position_level, "type": position_type},
                )
            )
    line = cell("line_of_work")
    if scheme_code:
        planned.line_of_work_id = lookups.scheme_lines.get(
            (scheme_code, line)
        ) or lookups.scheme_lines.get((scheme_code, " ".join(line.split())))
    else:
        planned.line_of_work_id = lookups.lines.get(line) or lookups.lines.get(
            " ".join(line.split())
        )
    if line and planned.line_of_work_id is None:
        problems.append(Problem(Reason.UNKNOWN_LINE_OF_WORK, {"value": line}))
    if planned.line_of_work_id is not None and type_id is not None:
        _check_position_standard(planned, lookups, type_id)


def _check_position_standard(
    planned: PlannedRow, lookups: _Lookups, type_id: int
) -> None:
    """The line of work must allow the row's position type and level (LineOfWork.
    refusal, the rule the model applies too)."""
    line = lookups.line_records[planned.line_of_work_id]
    level = lookups.level_records.get(planned.position_level_id)
    refusal = line.refusal(type_id, level)
    if refusal == LineOfWork.TYPE:
        planned.problems.append(
            Problem(
                Reason.LINE_OF_WORK_TYPE,
                {
                    "line": f"{line.code} {line.name_th}".strip(),
                    "allowed": line.position_type.name_th,
                    "type": lookups.type_records[type_id].name_th,
                },
            )
        )
    elif refusal == LineOfWork.LEVEL:
        planned.problems.append(
            Problem(
                Reason.LINE_OF_WORK_LEVEL,
                {
                    "line": f"{line.code} {line.name_th}".strip(),
                    "level": level.name_th,
                    "low": line.level_min.name_th if line.level_min else "—",
                    "high": line.level_max.name_th if line.level_max else "—",
                },
            )
        )


def _resolve(row: StaffRow, lookups: _Lookups, access: HRAccess) -> PlannedRow:
    planned = PlannedRow(
        line=row.line, employee_number=row.employee_number, action=Action.BAD, row=row
    )
    problems = planned.problems
    _resolve_codes(planned, row, lookups, access)
    if row.supervisor_employee_number == row.employee_number:
        problems.append(Problem(Reason.SELF_SUPERVISOR))

    person = lookups.people_by_number.get(row.employee_number)
    by_digest = lookups.people_by_digest.get(row.national_id_digest)
    # One answer, whatever the reason, for a row the officer may not touch: the
    # message never tells whether the national ID belongs to someone elsewhere.
    not_yours = Problem(Reason.PERSON_OUT_OF_SCOPE, {"value": row.employee_number})
    if person is not None and by_digest is not None and by_digest["pk"] != person["pk"]:
        problems.append(not_yours)
        return planned
    person = person or by_digest
    if person is not None:
        planned.person_id = person["pk"]
        current = lookups.current.get(person["pk"])
        latest = lookups.latest.get(person["pk"])
        left = person["left_on"] is not None and person["left_on"] <= today()
        # Scope holds on the latest placement too (one that starts in the future,
        # or the last one of someone between placements), not only today's.
        if any(
            placement is not None
            and not any(
                placement["unit__path"].startswith(path) for path in access.scope_paths
            )
            for placement in (current, latest)
        ):
            problems.append(not_yours)
        elif left:
            problems.append(Problem(Reason.PERSON_LEFT, {"value": row.employee_number}))
        planned.placement_id = current["pk"] if current else None
    return planned


def _compare(planned: PlannedRow, lookups: _Lookups, columns: set[str]) -> None:
    """Set the action and the list of changed fields of a row without problems."""
    row = planned.row
    if planned.person_id is None:
        planned.action = Action.CREATE
        planned.changes = ["person", "placement"]
        return
    person = (
        lookups.people_by_number.get(row.employee_number)
        or (lookups.people_by_digest[row.national_id_digest])
    )
    changes = [
        name
        for name in PERSON_FIELDS
        if (name not in OPTIONAL_PERSON_FIELDS or name in columns)
        and (person[name] or "") != getattr(row, name)
    ]
    current = lookups.current.get(planned.person_id)
    supervisor_id = lookups.known_numbers.get(row.supervisor_employee_number)
    moved = current is None or (
        current["unit_id"] != planned.unit_id
        or current["position_type_id"] != planned.position_type_id
        or current["position_level_id"] != planned.position_level_id
        or current["line_of_work_id"] != planned.line_of_work_id
        or current["scheme_id"] != planned.scheme
    )
    if moved:
        latest = lookups.latest.get(planned.person_id)
        if latest is not None and row.start_date <= latest["starts_on"]:
            planned.problems.append(
                Problem(
                    Reason.START_NOT_AFTER_CURRENT,
                    {"value": latest["starts_on"].isoformat()},
                )
            )
            planned.action = Action.BAD
            return
        changes.append("placement")
    else:
        if "supervisor_employee_number" in columns and (
            current["supervisor_id"]
            != (supervisor_id if row.supervisor_employee_number else None)
        ):
            changes.append("supervisor")
        # Position number and administrative post: a correction of the placement.
        changes.extend(
            name
            for name in parsing.PLACEMENT_COLUMNS
            if name in columns and (current[name] or "") != getattr(row, name)
        )
    planned.changes = changes
    if moved:
        planned.action = Action.MOVE
    elif changes:
        planned.action = Action.UPDATE
    else:
        planned.action = Action.UNCHANGED


def staff_import_plan(
    *, access: HRAccess, parsed: parsing.ParsedFile, on: date | None = None
) -> StaffImportPlan:
    """What importing the file would do, row by row; writes nothing.

    A supervisor may be a person on record or any good row of the same file, before
    or after the row that names them; a row whose supervisor's own row is bad is bad.
    """
    on = on or today()
    columns = set(parsed.columns)
    if parsed.header_problems:
        return StaffImportPlan(parsed.columns, [], parsed.header_problems)
    lookups = _lookups(
        parsed.rows,
        on=on,
        more_unit_codes={bad.values.get("unit_code", "") for bad in parsed.bad_rows}
        - {""},
    )
    planned_rows = [_resolve(row, lookups, access) for row in parsed.rows]

    # Supervisors named in the file must be good rows; bad rows spread down the chain.
    good_numbers = {
        planned.employee_number for planned in planned_rows if not planned.problems
    }
    changed = True
    while changed:
        changed = False
        for planned in planned_rows:
            number = planned.row.supervisor_employee_number
            if planned.problems or not number:
                continue
            if number in good_numbers or number in lookups.known_numbers:
                continue
            planned.problems.append(
                Problem(Reason.UNKNOWN_SUPERVISOR, {"value": number})
            )
            good_numbers.discard(planned.employee_number)
            changed = True

    for planned in planned_rows:
        if not planned.problems:
            _compare(planned, lookups, columns)
    # A row already bad in the file gets its codes checked too: every error of
    # every row is reported in one pass.
    bad_rows = []
    for bad in parsed.bad_rows:
        planned = PlannedRow(
            line=bad.line,
            employee_number=bad.employee_number,
            action=Action.BAD,
            problems=list(bad.problems),
        )
        _resolve_codes(planned, bad.values, lookups, access)
        bad_rows.append(planned)
    everything = [*planned_rows, *bad_rows]
    everything.sort(key=lambda planned: planned.line)
    return StaffImportPlan(parsed.columns, everything, [])


# ------------------------------------------------------------------------------
# Staff import: jobs, dry run and real run
# ------------------------------------------------------------------------------


class StaleImportPlan(Exception):
    """The records changed between the dry run and the real run."""


def _progress_key(job_id: int) -> str:
    return f"hr:import:{job_id}:progress"


def import_progress_set(job_id: int, *, phase: str, done: int, total: int) -> None:
    cache.set(
        _progress_key(job_id), {"phase": phase, "done": done, "total": total}, 3600
    )


def import_progress_get(job_id: int) -> dict | None:
    return cache.get(_progress_key(job_id))


def _source(job: ImportJob) -> bytes:
    data = ImportJob.objects.filter(pk=job.pk).values_list("source", flat=True).get()
    if not data:
        raise ValidationError(
            _("The uploaded file is no longer kept; upload it again.")
        )
    data = zlib.decompress(bytes(data))
    if hashlib.sha256(data).hexdigest() != job.source_sha256:
        raise ValidationError(
            _("The uploaded file changed since the dry run; upload it again.")
        )
    return data


# The rows the dry run read are kept on the job, signed with the job, the file's
# SHA-256 and the time of the dry run: the real run checks them against the records
# as they are then (the same plan, or nothing is written) without decoding, parsing
# and hashing the national IDs of the file again, and refuses rows altered in the
# database, rows of another file or another job, or a dry run older than STALE_AFTER.
PARSED_ROWS_SALT = "hr.staff_import.parsed_rows"


def _parsed_rows_mac(job: ImportJob, stamp: str, rows: bytes) -> str:
    message = f"{job.pk}:{job.source_sha256}:{stamp}:".encode()
    return salted_hmac(
        PARSED_ROWS_SALT,
        message + hashlib.sha256(rows).digest(),
        algorithm="sha256",
    ).hexdigest()


def parsed_rows_seal(job: ImportJob, parsed: parsing.ParsedFile) -> bytes:
    # Level 1: a third of level 6's time for 100,000 rows (0.5 s against 1.7 s) for
    # 9 MB instead of 7, kept a day at most.
    compressor = zlib.compressobj(1)
    rows = b"".join(
        [
            *(compressor.compress(line) for line in parsing.parsed_dump(parsed)),
            compressor.flush(),
        ]
    )
    stamp = str(int(timezone.now().timestamp()))
    return f"{stamp}:{_parsed_rows_mac(job, stamp, rows)}:".encode() + rows


def _decompressed_lines(data: bytes, piece: int = 1 << 16):
    """The lines of zlib-compressed `data`, decompressed a piece at a time."""
    decompressor = zlib.decompressobj()
    rest = b""
    for start in range(0, len(data), piece):
        rest += decompressor.decompress(data[start : start + piece])
        *lines, rest = rest.split(b"\n")
        yield from lines
    rest += decompressor.flush()
    if not decompressor.eof:
        raise zlib.error("truncated rows")
    yield from (line for line in rest.split(b"\n") if line)


def parsed_rows_open(job: ImportJob, sealed: bytes) -> parsing.ParsedFile:
    """The rows the dry run of `job` read; ValidationError if they are not exactly
    those (altered, of another job or file) or the dry run is too old."""
    refused = ValidationError(
        _("The dry run's rows cannot be verified; upload the file again.")
    )
    try:
        stamp, mac, rows = bytes(sealed).split(b":", 2)
        stamp, mac = stamp.decode("ascii"), mac.decode("ascii")
    except (ValueError, UnicodeDecodeError):
        raise refused from None
    if not constant_time_compare(mac, _parsed_rows_mac(job, stamp, rows)):
        raise refused
    age = timezone.now().timestamp() - int(stamp)
    if age > STALE_AFTER.total_seconds():
        raise ValidationError(_("The dry run has expired; upload the file again."))
    return parsing.parsed_load(_decompressed_lines(rows))


def _parse_job(job: ImportJob) -> parsing.ParsedFile:
    data = _source(job)
    total = max(job.rows_total, 1)

    def progress(done: int) -> None:
        import_progress_set(job.pk, phase="check", done=done, total=total)

    return parsing.parse(
        data, key=pii_key(), progress=progress, column_map=job.column_map or None
    )


def _parsed_rows_of(job: ImportJob) -> parsing.ParsedFile:
    """For the real run: the dry run's rows, verified, once the file is checked
    unchanged; a job checked before rows were kept has its file read again."""
    sealed = (
        ImportJob.objects.filter(pk=job.pk).values_list("parsed_rows", flat=True).get()
    )
    if sealed is None:
        return _parse_job(job)
    _source(job)  # still there, and the file the dry run read
    return parsed_rows_open(job, sealed)


def staff_column_map_save(
    *,
    user,
    name: str,
    source: str,
    mapping: dict,
    note: str = "",
    column_map: StaffColumnMap | None = None,
    unit: OrgUnit | None = None,
) -> StaffColumnMap:
    """Create or change a saved column map, owned by `unit` (None: shared, kept by
    administrators); a bad map changes nothing. The caller has asked
    hr.change_column_map of the map and of its new owner."""
    problems = parsing.column_map_problems(mapping)
    if not mapping:
        problems.append(_("Name at least one column."))
    if problems:
        raise ValidationError({"mapping": problems})
    column_map = column_map or StaffColumnMap(created_by=user)
    column_map.name, column_map.source = name, source
    column_map.mapping, column_map.note = mapping, note
    column_map.unit = unit
    column_map.full_clean()
    column_map.save()
    return column_map


def staff_import_start(
    *, user, upload, request=None, column_map: StaffColumnMap | None = None
) -> ImportJob:
    """Keep the upload, then check it now (small files) or in a worker (large ones).

    With a column map, the file's headers are read through it (the map is copied
    onto the job, so that the real run reads the file as the dry run did).

    Older checked-but-not-applied jobs of the same officer are discarded, and their
    files dropped: only the latest dry run can be applied.
    """
    data = upload.read()
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": "The file is larger than 64 MB."})
    rows = parsing.count_rows(data)
    with transaction.atomic():
        ImportJob.objects.filter(
            created_by=user,
            status__in=[ImportJob.Status.PLANNED, ImportJob.Status.FAILED],
        ).update(status=ImportJob.Status.DISCARDED, source=None, parsed_rows=None)
        job = ImportJob.objects.create(
            created_by=user,
            file_name=(upload.name or "staff.csv").rsplit("/", 1)[-1][:255],
            source=zlib.compress(data, 6),
            source_sha256=hashlib.sha256(data).hexdigest(),
            rows_total=rows,
            in_background=rows > BACKGROUND_ROWS,
            column_map=dict(column_map.mapping) if column_map is not None else None,
        )
        audit_record(
            actor=user,
            action=AuditAction.STAFF_IMPORT_PLAN,
            obj=job,
            request=request,
            detail={
                "file": job.file_name,
                "rows": rows,
                "column_map": column_map.name if column_map is not None else "",
            },
        )
        if job.in_background:
            transaction.on_commit(lambda: tasks.staff_import_check.delay(job.pk))
    if not job.in_background:
        staff_import_check(job_id=job.pk)
        job.refresh_from_db()
    return job


def staff_import_check(*, job_id: int) -> ImportJob:
    """The dry run: compute and keep the plan of a job."""
    job = (
        ImportJob.objects.select_related("created_by")
        .defer("source", "parsed_rows")
        .get(pk=job_id)
    )
    if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.PLANNING):
        return job
    job.status = ImportJob.Status.PLANNING
    job.save(update_fields=["status"])
    try:
        parsed = _parse_job(job)
    except (ValidationError, zlib.error, UnicodeDecodeError) as error:
        job.status = ImportJob.Status.FAILED
        job.error = _error_text(error)
        job.save(update_fields=["status", "error"])
        return job
    plan = staff_import_plan(access=hr_access(job.created_by), parsed=parsed)
    _keep_plan(job, plan)
    job.parsed_rows = parsed_rows_seal(job, parsed)
    del parsed
    job.status = ImportJob.Status.PLANNED
    job.planned_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "planned_at",
            "counts",
            "report",
            "plan_fingerprint",
            "parsed_rows",
            "error",
        ]
    )
    job.parsed_rows = None  # kept in the database, not in this object
    return job


def staff_imports_discard_stale(*, older_than: timedelta = STALE_AFTER) -> int:
    """Drop the uploads of dry runs nobody applied: they hold national IDs in clear.

    Jobs keep their report (counts and bad rows, no national IDs); their file goes.
    Meant for a daily beat task; returns the number of jobs discarded.
    """
    return ImportJob.objects.filter(
        status__in=[ImportJob.Status.PLANNED, ImportJob.Status.FAILED],
        created_at__lt=timezone.now() - older_than,
    ).update(status=ImportJob.Status.DISCARDED, source=None, parsed_rows=None)


def _keep_plan(job: ImportJob, plan: StaffImportPlan) -> None:
    job.counts = plan.counts
    job.report = plan.report()
    job.plan_fingerprint = plan.fingerprint
    job.error = ""


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error)


def staff_import_apply_start(*, job: ImportJob, user, request=None) -> ImportJob:
    """Queue (large files) or run (small ones) the real run of a checked job."""
    with transaction.atomic():
        locked = (
            ImportJob.objects.select_for_update()
            .defer("source", "parsed_rows")
            .get(pk=job.pk)
        )
        if locked.created_by_id != user.pk or not locked.can_apply:
            raise ValidationError("This import cannot be applied now.")
        locked.status = ImportJob.Status.APPLYING
        locked.save(update_fields=["status"])
        if locked.in_background:
            transaction.on_commit(lambda: tasks.staff_import_apply.delay(locked.pk))
    if not locked.in_background:
        staff_import_apply(job_id=locked.pk, request=request)
    locked.refresh_from_db()
    return locked


def staff_import_apply(*, job_id: int, request=None) -> ImportJob:
    """The real run: recompute the plan, insist it is the dry run's, write it all.

    One transaction: either every good row is written or nothing is. If the records
    changed since the dry run, nothing is written and the job shows the new plan to
    be confirmed again. Bad rows are skipped (the dry run listed each of them).
    """
    job = (
        ImportJob.objects.select_related("created_by")
        .defer("source", "parsed_rows")
        .get(pk=job_id)
    )
    if job.status != ImportJob.Status.APPLYING:
        return job
    try:
        with transaction.atomic():
            plan = staff_import_plan(
                access=hr_access(job.created_by), parsed=_parsed_rows_of(job)
            )
            if plan.fingerprint != job.plan_fingerprint:
                raise StaleImportPlan
            # Bulk writes: the matrix's figures are marked stale and rebuilt on
            # commit (competencies.rollups), not refreshed person by person.
            with matrix_maintenance_paused() as pause:
                _apply(plan, job=job)
                pause.changed = bool(plan.counts["changes"])
            audit_record(
                actor=job.created_by,
                action=AuditAction.STAFF_IMPORT_APPLY,
                obj=job,
                request=request,
                detail={"file": job.file_name, **plan.counts},
            )
            job.status = ImportJob.Status.APPLIED
            job.applied_at = timezone.now()
            job.source = job.parsed_rows = None
            job.error = ""
            job.save(
                update_fields=[
                    "status",
                    "applied_at",
                    "source",
                    "parsed_rows",
                    "error",
                ]
            )
    except StaleImportPlan:
        _keep_plan(job, plan)
        job.status = ImportJob.Status.PLANNED
        job.error = "stale"
        job.save(
            update_fields=["status", "counts", "report", "plan_fingerprint", "error"]
        )
    except (ValidationError, zlib.error) as error:
        job.status = ImportJob.Status.FAILED
        job.error = _error_text(error)
        job.save(update_fields=["status", "error"])
    return job


def _person_from(row: StaffRow, *, pk: int | None = None) -> Person:
    return Person(
        pk=pk,
        employee_number=row.employee_number,
        national_id_digest=row.national_id_digest,
        national_id_masked=row.national_id_masked,
        title_th=row.title_th,
        first_name_th=row.first_name_th,
        last_name_th=row.last_name_th,
        title_en=row.title_en,
        first_name_en=row.first_name_en,
        last_name_en=row.last_name_en,
        email=row.email,
    )


#: The fields of a new person's placement, in the order _apply gives them.
NEW_PLACEMENT_FIELDS = (
    "person_id",
    "unit_id",
    "position_type_id",
    "position_level_id",
    "line_of_work_id",
    "scheme_id",
    "supervisor_id",
    "starts_on",
    "position_number",
    "administrative_post",
)


def _apply(plan: StaffImportPlan, *, job: ImportJob) -> None:
    total = max(plan.counts["changes"], 1)
    done = 0

    def step(count: int = 1) -> None:
        nonlocal done
        before = done // PROGRESS_EVERY
        done += count
        if done // PROGRESS_EVERY != before:
            import_progress_set(job.pk, phase="apply", done=done, total=total)

    # 1. People: new ones in bulk (COPY on PostgreSQL), changed ones in bulk.
    # Each row was validated as the model would (parsing.parse: required columns,
    # MAX_LENGTHS, which tests hold equal to the fields', the email): not again here.
    # New rows are written from their values, in batches, without a model instance
    # each: at 100,000 rows the instances cost more than the insert.
    creates = plan.of(Action.CREATE)
    ids: dict[str, int] = {}
    for batch in _chunks(creates, WRITE_BATCH):
        new_ids = values_insert(
            Person,
            PERSON_FIELDS,
            [
                [getattr(planned.row, name) for name in PERSON_FIELDS]
                for planned in batch
            ],
        )
        ids.update(
            zip((planned.employee_number for planned in batch), new_ids, strict=True)
        )
        step(len(batch))
    now = timezone.now()
    changed_people = []
    person_fields: set[str] = set()
    for planned in plan.of(Action.UPDATE) + plan.of(Action.MOVE):
        fields = [name for name in planned.changes if name in PERSON_FIELDS]
        if fields:
            person_fields.update(fields)
            person = _person_from(planned.row, pk=planned.person_id)
            person.updated_at = now
            changed_people.append(person)
    if changed_people:
        # Every field changed on anyone is written for everyone changed: the others
        # get the value they already have (their row matched it).
        Person.objects.bulk_update(
            changed_people,
            [*sorted(person_fields), "updated_at"],
            batch_size=WRITE_BATCH // 2,
        )

    # 2. Everyone's id by employee number, for supervisors named in the file: the
    # new people's from step 1, the others' read.
    wanted = sorted(
        {
            planned.row.supervisor_employee_number
            for planned in plan.rows
            if planned.row is not None
            and planned.action != Action.BAD
            and planned.row.supervisor_employee_number
        }
        - set(ids)
    )
    for chunk in _chunks(wanted):
        ids.update(
            Person.objects.filter(employee_number__in=chunk).values_list(
                "employee_number", "pk"
            )
        )

    def supervisor_of(row: StaffRow) -> int | None:
        if not row.supervisor_employee_number:
            return None
        return ids[row.supervisor_employee_number]

    # 3. Placements of new people, in bulk, from their values as well.
    for batch in _chunks(creates, WRITE_BATCH):
        values_insert(
            Placement,
            NEW_PLACEMENT_FIELDS,
            [
                [
                    ids[planned.employee_number],
                    planned.unit_id,
                    planned.position_type_id,
                    planned.position_level_id,
                    planned.line_of_work_id,
                    planned.scheme,
                    supervisor_of(planned.row),
                    planned.row.start_date,
                    planned.row.position_number,
                    planned.row.administrative_post,
                ]
                for planned in batch
            ],
        )
        step(len(batch))

    # 4. Moves, in bulk, as placement_start makes each: the new placement checked
    # as it does, the person's open placement (and any ending on or after the new
    # start) ended the day before.
    moves = plan.of(Action.MOVE)
    if moves:
        _moves_apply(moves, supervisor_of=supervisor_of)
        step(len(moves))

    # 5. A new supervisor, position number or administrative post on an unchanged
    # position is a correction of the placement.
    corrections: dict[str, list[Placement]] = defaultdict(list)
    for planned in plan.of(Action.UPDATE):
        for name in ("supervisor", *parsing.PLACEMENT_COLUMNS):
            if name not in planned.changes:
                continue
            value = (
                supervisor_of(planned.row)
                if name == "supervisor"
                else getattr(planned.row, name)
            )
            attribute = "supervisor_id" if name == "supervisor" else name
            corrections[name].append(
                Placement(pk=planned.placement_id, **{attribute: value})
            )
    for name, corrected in corrections.items():
        Placement.objects.bulk_update(corrected, [name], batch_size=WRITE_BATCH // 2)
    # Nothing above sent a model signal: tell the apps that keep per-person caches.
    changed = [
        planned.person_id
        for planned in plan.rows
        if planned.person_id is not None
        and planned.action in (Action.UPDATE, Action.MOVE)
    ]
    if changed:
        people_changed_in_bulk.send(sender=Person, person_ids=changed)
    import_progress_set(job.pk, phase="apply", done=total, total=total)


#: A moved placement's related records, read in bulk (their existence is known).
MOVE_RELATED = (
    "person",
    "unit",
    "position_type",
    "position_level",
    "line_of_work",
    "supervisor",
    "scheme",
)


def _moves_apply(moves: list[PlannedRow], *, supervisor_of) -> None:
    units = OrgUnit.objects.in_bulk({planned.unit_id for planned in moves})
    types = PositionType.objects.select_related("scheme").in_bulk(
        {planned.position_type_id for planned in moves}
    )
    levels = PositionLevel.objects.in_bulk(
        {planned.position_level_id for planned in moves}
    )
    lines = LineOfWork.objects.in_bulk(
        {planned.line_of_work_id for planned in moves}
    ).copy()
    ranges = {
        level.pk: level
        for level in PositionLevel.objects.filter(
            pk__in={
                pk
                for line in lines.values()
                for pk in (line.level_min_id, line.level_max_id)
                if pk
            }
        )
    }
    for line in lines.values():
        line.level_min = ranges.get(line.level_min_id)
        line.level_max = ranges.get(line.level_max_id)
    new_placements = []
    starts = {}
    for planned in moves:
        row = planned.row
        placement = Placement(
            person_id=planned.person_id,
            unit=units[planned.unit_id],
            position_type=types[planned.position_type_id],
            position_level=levels[planned.position_level_id],
            line_of_work=lines[planned.line_of_work_id],
            scheme_id=planned.scheme,
            supervisor_id=supervisor_of(row),
            position_number=row.position_number,
            administrative_post=row.administrative_post,
            starts_on=row.start_date,
        )
        # placement_start's full_clean, without a query per row: the fields, the
        # model's rules (level of the type, within the line's range, not one's own
        # supervisor); its one constraint holds for a placement with no end.
        placement.clean_fields(exclude=[*MOVE_RELATED])
        placement.clean()
        new_placements.append(placement)
        starts[planned.person_id] = row.start_date
    ended = []
    for chunk in _chunks(sorted(starts)):
        for placement in Placement.objects.filter(person_id__in=chunk).only(
            "pk", "person_id", "starts_on", "ends_on"
        ):
            start = starts[placement.person_id]
            if placement.ends_on is None or placement.ends_on >= start:
                placement.ends_on = start - timedelta(days=1)
                ended.append(placement)
    Placement.objects.bulk_update(ended, ["ends_on"], batch_size=WRITE_BATCH // 2)
    for batch in _chunks(new_placements, WRITE_BATCH):
        rows_insert(Placement, batch)


def staff_column_map_delete(*, column_map: StaffColumnMap) -> None:
    """Delete a saved map; the caller has asked hr.change_column_map. Jobs already
    checked keep the copy of the map they were read with (ImportJob.column_map)."""
    column_map.delete()
