"""The organisation matrix's maintained figures (models.rollups): build, keep, sweep.

- `matrix_rollup_build(framework)`: the full rebuild, every entry and aggregate
  rewritten from the matrix's SQL (competencies.selectors.matrix_ctes). The nightly
  task, `manage.py matrix_rebuild` and the rebuild after a stale mark call it.
- `matrix_people_refresh(person_ids)`: recompute the entries of a few people and add
  the difference to the aggregates. Called in the writer's transaction (receivers
  below) when evidence is recorded or removed, a placement starts, changes or ends, a
  person leaves, or an optional choice is made for a person.
- `matrix_stale_mark(framework)`: for a change that touches many people at once (a
  requirement, a group rule, a unit's optional choice, a staff import, a framework's
  scale): the figures are marked stale in the same transaction, so the matrix is
  computed live until the rebuild task, queued on commit, has run.
- `matrix_sweep(on)`: the daily move to a new day: only the people whose evidence
  expired or took effect, whose placements started or ended, or who left in between
  are recomputed.

Nothing is maintained for a framework until its first build (no MatrixRollupRun).
A writer takes a share lock on the framework row and a rebuild an exclusive one, so
a rebuild sees every refresh committed before it and no refresh runs during one.
"""

import threading
import time
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from . import tasks
from .models import (
    Competency,
    Evidence,
    Framework,
    MatrixEntry,
    MatrixRollup,
    MatrixRollupRun,
    Person,
    Placement,
)
from .selectors import gap_sql, matrix_ctes, meets_sql

#: People refreshed per statement.
CHUNK = 2_000
#: The sweep rebuilds instead when the figures are older than this.
SWEEP_MAX_DAYS = 31


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _lock_framework(framework_id: int, *, exclusive: bool) -> None:
    """Rebuilds exclude each other and every writer; writers share (PostgreSQL; SQLite
    serialises writing transactions anyway)."""
    if connection.vendor != "postgresql":
        return
    mode = "UPDATE" if exclusive else "SHARE"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {_table(Framework)} WHERE id = %s FOR {mode}",  # noqa: S608
            [framework_id],
        )


def _entries_insert(framework: Framework, on: date, person_ids=None) -> None:
    ctes, params = matrix_ctes("", framework=framework, on=on, person_ids=person_ids)
    columns = (
        "framework_id, person_id, unit_id, group_id, competency_id, "
        "required_rank, attained_rank"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {_table(MatrixEntry)} ({columns})
            WITH {ctes}
            SELECT %s, q.person_id, q.unit_id, q.group_id, q.competency_id,
                   q.required_rank, COALESCE(a.rank, 0)
            FROM counted q
            LEFT JOIN attained a
                   ON a.person_id = q.person_id AND a.competency_id = q.competency_id
            """,  # noqa: S608 - table names and fixed SQL only
            [*params, framework.pk],
        )


def _entry_sums(framework_id: int, person_ids: list[int]) -> dict[tuple, list[int]]:
    """(unit, group, competency) → [staff, meeting, gap sum] of these people's entries."""
    marks = ", ".join(str(int(pk)) for pk in person_ids)
    meets = meets_sql("m.required_rank", "m.attained_rank")
    gap = gap_sql("m.required_rank", "m.attained_rank")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT m.unit_id, m.group_id, m.competency_id, COUNT(*),
                   SUM({meets}), SUM({gap})
            FROM {_table(MatrixEntry)} m
            WHERE m.framework_id = %s AND m.person_id IN ({marks})
            GROUP BY m.unit_id, m.group_id, m.competency_id
            """,  # noqa: S608 - integer ids only
            [framework_id],
        )
        return {
            (unit, group, competency): [int(staff), int(meeting), int(gap_sum)]
            for unit, group, competency, staff, meeting, gap_sum in cursor.fetchall()
        }


def _rollup_apply(framework_id: int, before: dict, after: dict) -> None:
    """Add after - before to the aggregates; drop the cells nobody is counted in."""
    deltas = []
    for key in before.keys() | after.keys():
        old = before.get(key, [0, 0, 0])
        new = after.get(key, [0, 0, 0])
        change = [new[i] - old[i] for i in range(3)]
        if any(change):
            deltas.append((framework_id, *key, *change))
    if not deltas:
        return
    table = _table(MatrixRollup)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"""
            INSERT INTO {table}
                (framework_id, unit_id, group_id, competency_id, staff, meeting, gap_sum)
            VALUES (%s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (framework_id, unit_id, group_id, competency_id) DO UPDATE SET
                staff = {table}.staff + excluded.staff,
                meeting = {table}.meeting + excluded.meeting,
                gap_sum = {table}.gap_sum + excluded.gap_sum
            """,  # noqa: S608 - table name only
            deltas,
        )
        cursor.execute(
            f"DELETE FROM {table} WHERE framework_id = %s AND staff = 0",  # noqa: S608
            [framework_id],
        )


def _refresh(
    framework: Framework, on: date, person_ids: list[int], *, forget: bool = False
) -> None:
    for start in range(0, len(person_ids), CHUNK):
        chunk = person_ids[start : start + CHUNK]
        before = _entry_sums(framework.pk, chunk)
        MatrixEntry.objects.filter(framework=framework, person_id__in=chunk).delete()
        if forget:
            _rollup_apply(framework.pk, before, {})
            continue
        _entries_insert(framework, on, chunk)
        _rollup_apply(framework.pk, before, _entry_sums(framework.pk, chunk))


def _runs(framework_ids: Iterable[int] | None = None) -> list[MatrixRollupRun]:
    runs = MatrixRollupRun.objects.select_related("framework")
    if framework_ids is not None:
        runs = runs.filter(framework_id__in=list(framework_ids))
    return list(runs.order_by("framework_id"))


def matrix_people_refresh(
    person_ids: Iterable[int],
    *,
    framework_ids: Iterable[int] | None = None,
    forget: bool = False,
) -> None:
    """Recompute these people's maintained figures (every maintained framework, or
    those of `framework_ids`), in the caller's transaction; with `forget`, take them
    out (a person about to be deleted). No-op where nothing is maintained yet; a
    stale framework waits for its rebuild."""
    person_ids = sorted({int(pk) for pk in person_ids if pk is not None})
    if not person_ids:
        return
    with transaction.atomic():
        for run in _runs(framework_ids):
            _lock_framework(run.framework_id, exclusive=False)
            run = MatrixRollupRun.objects.filter(pk=run.pk).first()
            if run is None or run.stale:
                continue
            # One refresh at a time per person: the entries read are those replaced.
            list(
                Person.objects.select_for_update()
                .filter(pk__in=person_ids)
                .values_list("pk", flat=True)
            )
            _refresh(run.framework, run.built_for, person_ids, forget=forget)


def matrix_stale_mark(framework_ids: Iterable[int] | None = None) -> None:
    """Mark maintained figures stale now and queue their rebuild on commit."""
    runs = _runs(framework_ids)
    ids = []
    for run in runs:
        _lock_framework(run.framework_id, exclusive=False)
        ids.append(run.framework_id)
    if not ids:
        return
    MatrixRollupRun.objects.filter(framework_id__in=ids).update(stale=True)

    def queue():
        for framework_id in ids:
            tasks.matrix_rollup_rebuild.delay(framework_id)

    transaction.on_commit(queue)


@transaction.atomic
def matrix_rollup_build(*, framework: Framework, on: date | None = None) -> int:
    """Rewrite `framework`'s maintained figures for date `on` (today): the entries
    from the matrix's SQL, then the aggregates from the entries. Returns the number of
    aggregate rows. Readers see the old figures until this transaction commits."""
    started = time.perf_counter()
    on = on or timezone.localdate()
    _lock_framework(framework.pk, exclusive=True)
    MatrixRollup.objects.filter(framework=framework).delete()
    MatrixEntry.objects.filter(framework=framework).delete()
    _entries_insert(framework, on)
    meets = meets_sql("m.required_rank", "m.attained_rank")
    gap = gap_sql("m.required_rank", "m.attained_rank")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {_table(MatrixRollup)}
                (framework_id, unit_id, group_id, competency_id, staff, meeting, gap_sum)
            SELECT m.framework_id, m.unit_id, m.group_id, m.competency_id, COUNT(*),
                   SUM({meets}), SUM({gap})
            FROM {_table(MatrixEntry)} m
            WHERE m.framework_id = %s
            GROUP BY m.framework_id, m.unit_id, m.group_id, m.competency_id
            """,  # noqa: S608 - table names and fixed SQL only
            [framework.pk],
        )
    rows = MatrixRollup.objects.filter(framework=framework).count()
    MatrixRollupRun.objects.update_or_create(
        framework=framework,
        defaults={
            "built_for": on,
            "finished_at": timezone.now(),
            "rows": rows,
            "seconds": time.perf_counter() - started,
            "stale": False,
        },
    )
    return rows


def matrix_rollups_build(*, on: date | None = None) -> dict[str, int]:
    """Every active framework's figures, rebuilt."""
    return {
        framework.code: matrix_rollup_build(framework=framework, on=on)
        for framework in Framework.objects.filter(status=Framework.Status.ACTIVE)
    }


def _changed_people(framework: Framework, since: date, on: date) -> set[int]:
    """People whose figures may differ between `since` and `on` (later): evidence
    observed in (since, on] or expiring in [since, on), placements starting in
    (since, on] or ending in [since, on), people leaving in (since, on]."""
    evidence = Evidence.objects.filter(competency__framework=framework).filter(
        Q(observed_on__gt=since, observed_on__lte=on)
        | Q(expires_on__gte=since, expires_on__lt=on)
    )
    placements = Placement.objects.filter(
        Q(starts_on__gt=since, starts_on__lte=on)
        | Q(ends_on__gte=since, ends_on__lt=on)
    )
    leavers = Person.objects.filter(left_on__gt=since, left_on__lte=on)
    return (
        set(evidence.values_list("person_id", flat=True))
        | set(placements.values_list("person_id", flat=True))
        | set(leavers.values_list("pk", flat=True))
    )


def matrix_sweep(*, on: date | None = None) -> dict[str, int]:
    """The daily sweep: move every maintained framework on to `on` (today),
    recomputing only the people a date boundary touched. Idempotent; a framework whose
    figures are stale, or older than SWEEP_MAX_DAYS, is rebuilt instead, and an active
    framework with none is built. Returns the people recomputed (-1: rebuilt) per
    framework."""
    on = on or timezone.localdate()
    done: dict[str, int] = {}
    for framework in Framework.objects.filter(
        status=Framework.Status.ACTIVE, matrix_rollup_run__isnull=True
    ):
        matrix_rollup_build(framework=framework, on=on)
        done[framework.code] = -1
    for run in _runs():
        if run.framework.code in done:
            continue
        with transaction.atomic():
            _lock_framework(run.framework_id, exclusive=True)
            run = MatrixRollupRun.objects.select_related("framework").get(pk=run.pk)
            framework = run.framework
            if run.built_for == on and not run.stale:
                done[framework.code] = 0
                continue
            if (
                run.stale
                or run.built_for > on
                or on - run.built_for > timedelta(days=SWEEP_MAX_DAYS)
            ):
                matrix_rollup_build(framework=framework, on=on)
                done[framework.code] = -1
                continue
            people = sorted(_changed_people(framework, run.built_for, on))
            _refresh(framework, on, people)
            run.built_for = on
            run.save(update_fields=["built_for"])
            done[framework.code] = len(people)
    return done


def frameworks_of_competency(competency_id: int) -> list[int]:
    return list(
        Competency.objects.filter(pk=competency_id).values_list(
            "framework_id", flat=True
        )
    )


# ------------------------------------------------------------------------------
# Following the writes (connected in CompetenciesConfig.ready)
# ------------------------------------------------------------------------------

_paused = threading.local()


@contextmanager
def matrix_maintenance_paused():
    """For bulk writes (a staff import, deleting thousands of people): the receivers
    stand aside and every maintained framework is marked stale instead (rebuilt on
    commit by the task) unless the block sets `.changed = False` on what it yields.
    Use inside the writer's transaction."""
    depth = getattr(_paused, "depth", 0)
    _paused.depth = depth + 1
    pause = _Pause()
    try:
        yield pause
    finally:
        _paused.depth = depth
    if pause.changed:
        matrix_stale_mark()


class _Pause:
    #: Set False when the bulk write turned out to change nothing.
    changed = True


def _active() -> bool:
    return not getattr(_paused, "depth", 0)


def _on_evidence(sender, instance, **kwargs):
    if _active():
        matrix_people_refresh(
            [instance.person_id],
            framework_ids=frameworks_of_competency(instance.competency_id),
        )


def _on_placement(sender, instance, **kwargs):
    if _active():
        matrix_people_refresh([instance.person_id])


def _person_loaded(sender, instance, **kwargs):
    instance._matrix_left_on = instance.left_on


def _on_person_saved(sender, instance, created, **kwargs):
    if (
        _active()
        and not created
        and instance.left_on != getattr(instance, "_matrix_left_on", None)
    ):
        matrix_people_refresh([instance.pk])
    instance._matrix_left_on = instance.left_on


def _on_person_deleting(sender, instance, **kwargs):
    if _active():
        matrix_people_refresh([instance.pk], forget=True)


def _on_choice(sender, instance, **kwargs):
    if not _active():
        return
    frameworks = frameworks_of_competency(instance.competency_id)
    if instance.person_id:
        matrix_people_refresh([instance.person_id], framework_ids=frameworks)
    else:
        matrix_stale_mark(frameworks)


def _on_requirement(sender, instance, **kwargs):
    if _active():
        matrix_stale_mark(frameworks_of_competency(instance.competency_id))


def _on_framework_part(sender, instance, **kwargs):
    """A group rule, a competency (its area, its framework), a framework (its
    scale) or the schemes it covers changed."""
    if _active():
        framework_id = instance.pk if sender is Framework else instance.framework_id
        matrix_stale_mark([framework_id])


def _on_scale_changed(sender, **kwargs):
    if _active():
        matrix_stale_mark()


def _on_unit_moved(sender, unit_id, **kwargs):
    """The units above its people changed, and with them the optional choices made
    for a unit that count for them: every framework's figures."""
    if _active():
        matrix_stale_mark()


def connect() -> None:
    from django.db.models import signals

    from .models import GroupRule, OptionalChoice, Requirement, SchemeCoverage
    from .signals import competency_scale_changed, org_unit_moved

    for model, receiver in (
        (Evidence, _on_evidence),
        (Placement, _on_placement),
        (OptionalChoice, _on_choice),
        (Requirement, _on_requirement),
        (GroupRule, _on_framework_part),
        (SchemeCoverage, _on_framework_part),
        (Competency, _on_framework_part),
        (Framework, _on_framework_part),
    ):
        signals.post_save.connect(
            receiver, sender=model, dispatch_uid=f"matrix-{model.__name__}-save"
        )
        signals.post_delete.connect(
            receiver, sender=model, dispatch_uid=f"matrix-{model.__name__}-delete"
        )
    signals.post_init.connect(
        _person_loaded, sender=Person, dispatch_uid="matrix-person-init"
    )
    signals.post_save.connect(
        _on_person_saved, sender=Person, dispatch_uid="matrix-person-save"
    )
    signals.pre_delete.connect(
        _on_person_deleting, sender=Person, dispatch_uid="matrix-person-delete"
    )
    competency_scale_changed.connect(_on_scale_changed, dispatch_uid="matrix-scale")
    org_unit_moved.connect(_on_unit_moved, dispatch_uid="matrix-unit-moved")
