"""Recording learning events as xAPI statements, and sending them (docs/xapi.md).

`statement_record` is the one entry point for every emitter: it is called inside the
transaction that records the event, writes the statement to the outbox there, and
queues the sending after commit. The learner never waits for the LRS.
"""

import contextlib
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from academy.core.environment import test_hooks_enabled
from academy.core.public import public_base_url
from competencies.models import Person

from . import vocabulary
from .lrs import Lrs, LrsRejected
from .models import Actor, OutboxStatement
from .tasks import statements_send

logger = logging.getLogger(__name__)

EVENTS = (
    "enrolled",
    "lesson_viewed",
    "lesson_completed",
    "attempt_started",
    "attempt_submitted",
    "question_answered",
    "course_completed",
    "certificate_issued",
    "assignment_given",
    "evidence_recorded",
)
SEND_CHUNK = 20
SEND_DELAY_ENV = "ACADEMY_TEST_XAPI_SEND_DELAY"


# ------------------------------------------------------------------------------
# Configuration
# ------------------------------------------------------------------------------


def lrs_configured() -> bool:
    return bool(getattr(settings, "ACADEMY_XAPI_ENDPOINT", ""))


def event_enabled(event: str) -> bool:
    """An LRS is configured and this kind of event is switched on."""
    if event not in EVENTS:
        raise ValueError(f"unknown xAPI event {event!r}; known: {', '.join(EVENTS)}")
    return lrs_configured() and event not in settings.ACADEMY_XAPI_EVENTS_OFF


def lrs() -> Lrs:
    return Lrs(
        endpoint=settings.ACADEMY_XAPI_ENDPOINT,
        username=settings.ACADEMY_XAPI_USERNAME,
        password=settings.ACADEMY_XAPI_PASSWORD,
        timeout=settings.ACADEMY_XAPI_TIMEOUT,
    )


# ------------------------------------------------------------------------------
# Identities: statements, activities, actors
# ------------------------------------------------------------------------------


def statement_id(event: str, key: str) -> uuid.UUID:
    """The statement's id, the same every time for the same event (UUID version 5)."""
    return uuid.uuid5(
        uuid.NAMESPACE_URL, f"{public_base_url()}/xapi/statements/{event}/{key}"
    )


def registration(enrolment_pk: int) -> str:
    """The enrolment as an xAPI registration (a UUID), shared by its statements."""
    return str(
        uuid.uuid5(
            uuid.NAMESPACE_URL, f"{public_base_url()}/xapi/enrolments/{enrolment_pk}"
        )
    )


def activity_id(kind: str, key) -> str:
    """A stable IRI under the Academy's public base URL (survives slug changes)."""
    return f"{public_base_url()}/xapi/activities/{kind}/{key}"


def activity(
    *,
    id: str,
    type: str,
    name_th: str,
    name_en: str = "",
    more_info: str = "",
    extensions: dict | None = None,
    description_th: str = "",
    interaction: dict | None = None,
) -> dict:
    """An Activity; `interaction` adds an interaction's definition (interactionType,
    correctResponsesPattern, choices…) to a cmi.interaction activity."""
    name = {"th": name_th}
    if name_en:
        name["en"] = name_en
    definition = {"type": type, "name": name}
    if description_th:
        definition["description"] = {"th": description_th}
    if more_info:
        definition["moreInfo"] = more_info
    if extensions:
        definition["extensions"] = extensions
    if interaction:
        definition.update(interaction)
    return {"objectType": "Activity", "id": id, "definition": definition}


def extension(name: str) -> str:
    return f"{public_base_url()}/xapi/extensions/{name}"


def timestamp(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as LRSs store it."""
    value = value.astimezone(UTC) if timezone.is_aware(value) else value
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def duration(seconds: float) -> str:
    """An ISO 8601 duration (xAPI keeps 0.01 s precision)."""
    return f"PT{max(seconds, 0):.2f}S"


def _anonymised(user, person) -> bool:
    return bool(user is not None and getattr(user, "anonymised_at", None))


def actor_for(*, user=None, person: Person | None = None) -> Actor | None:
    """The learner's Actor (made on first need), or None for an anonymised person.

    A learner may first appear through their account or through their person record
    (HR assigns people who have not signed in yet); once the two are linked, both
    lead to the one Actor found first.
    """
    if person is None and user is not None:
        person = Person.objects.filter(user=user).first()
    if user is None and person is not None and person.user_id:
        user = person.user
    if user is None and person is None:
        raise ValueError("an xAPI actor needs an account or a person record")
    if _anonymised(user, person):
        return None
    match = Q(pk__in=[])
    if user is not None:
        match |= Q(user=user)
    if person is not None:
        match |= Q(person=person)
    found = sorted(Actor.objects.filter(match), key=lambda a: a.user_id is None)
    if found:
        actor = found[0]
        if actor.anonymised_at:
            return None
        changed = []
        if user is not None and actor.user_id is None:
            actor.user = user
            changed.append("user")
        if person is not None and actor.person_id is None and len(found) == 1:
            actor.person = person
            changed.append("person")
        if changed:
            actor.save(update_fields=changed)
        return actor
    try:
        with transaction.atomic():
            return Actor.objects.create(user=user, person=person)
    except IntegrityError:  # made meanwhile by a concurrent event
        return Actor.objects.filter(match).first()


def agent(actor: Actor) -> dict:
    """The learner as an xAPI Agent: an account on the Academy's public base URL.

    ACADEMY_XAPI_IDENTIFY_BY = "email" (the administrator's choice) sends the
    account's email as `mbox` instead, when there is one; never a national ID.
    """
    if settings.ACADEMY_XAPI_IDENTIFY_BY == "email":
        email = ""
        if actor.user_id:
            email = actor.user.email
        elif actor.person_id:
            email = actor.person.email
        if email:
            return {"objectType": "Agent", "mbox": f"mailto:{email}"}
    return {
        "objectType": "Agent",
        "account": {"homePage": public_base_url(), "name": str(actor.name)},
    }


def academy_agent() -> dict:
    """The Academy itself, for statements no person made (automatic assignment,
    voiding on anonymisation)."""
    return {
        "objectType": "Agent",
        "name": "Academy",
        "account": {"homePage": public_base_url(), "name": "academy"},
    }


# ------------------------------------------------------------------------------
# Recording
# ------------------------------------------------------------------------------

_deferred: ContextVar[list | None] = ContextVar("xapi_deferred", default=None)


@contextlib.contextmanager
def sending_deferred() -> Iterator[list]:
    """Collect the ids recorded inside, instead of queueing each after its commit;
    the caller queues them in chunks (`enqueue`), for bulk events and the backfill."""
    ids: list = []
    token = _deferred.set(ids)
    try:
        yield ids
    finally:
        _deferred.reset(token)


def enqueue(ids: Iterable) -> None:
    """Queue the sending of these statements, in chunks, on the xAPI task queue."""
    ids = [str(value) for value in ids]
    for start in range(0, len(ids), SEND_CHUNK):
        statements_send.delay(ids[start : start + SEND_CHUNK])


@contextlib.contextmanager
def sent_together() -> Iterator[None]:
    """Statements recorded inside (one event's several: an assignment's assignees,
    an attempt's answers) are queued together after commit, in chunks, rather than a
    task each; inside a backfill or another such block, with theirs."""
    if _deferred.get() is not None:
        yield
        return
    with sending_deferred() as ids:
        yield
    transaction.on_commit(lambda: enqueue(ids), robust=True)


def statement_record(
    *,
    event: str,
    key: str,
    actor: Actor | None,
    verb: vocabulary.Verb,
    object: dict,
    at: datetime,
    result: dict | None = None,
    context: dict | None = None,
    actor_agent: dict | None = None,
) -> OutboxStatement | None:
    """Write one statement to the outbox, once per (event, key); queue it after commit.

    Callable for any learning event (a SCORM lesson's completion included): `key`
    names the event's identity (for example the LessonProgress's primary key), so
    the statement id is the same whenever the same event is recorded again.
    Returns None when nothing is to be sent (switched off, anonymised, or recorded
    before).
    """
    if not event_enabled(event) or actor is None or actor.anonymised_at:
        return None
    statement_uuid = statement_id(event, key)
    if OutboxStatement.objects.filter(pk=statement_uuid).exists():
        return None
    statement = {
        "id": str(statement_uuid),
        "actor": actor_agent or agent(actor),
        "verb": verb.as_dict(),
        "object": object,
        "timestamp": timestamp(at),
        "context": {
            "platform": "Academy",
            "language": "th",
            **(context or {}),
        },
        "version": vocabulary.XAPI_VERSION,
    }
    if result:
        statement["result"] = result
    row = OutboxStatement(
        id=statement_uuid, event=event, actor=actor, statement=statement
    )
    # One INSERT … ON CONFLICT DO NOTHING: the same event recorded concurrently by
    # two requests keeps one row, and sending one id twice stores nothing twice.
    OutboxStatement.objects.bulk_create([row], ignore_conflicts=True)
    deferred = _deferred.get()
    if deferred is not None:
        deferred.append(statement_uuid)
    else:
        transaction.on_commit(lambda: enqueue([statement_uuid]), robust=True)
    return row


def learner_record(
    event: str, *, key, user=None, person: Person | None = None, **statement
) -> OutboxStatement | None:
    """`statement_record` for the learner behind an account or a person record, the
    one builder of the apps' `xapi_events`: nothing is looked up while the event is
    switched off; `key` is the event's identity (a primary key, say)."""
    if not event_enabled(event):
        return None
    return statement_record(
        event=event,
        key=str(key),
        actor=actor_for(user=user, person=person),
        **statement,
    )


# ------------------------------------------------------------------------------
# Sending
# ------------------------------------------------------------------------------


def _test_delay() -> None:
    """ACADEMY_TEST_XAPI_SEND_DELAY seconds after the LRS stored a statement and
    before the outbox says so, under test hooks only: the worker-kill test kills
    the worker here."""
    delay = os.environ.get(SEND_DELAY_ENV)
    if delay and test_hooks_enabled():
        logger.warning("xapi: test delay of %s s after sending", delay)
        time.sleep(float(delay))


def statement_send(*, statement_id: uuid.UUID | str) -> str:
    """Send one pending statement; returns its status afterwards.

    Raises LrsUnavailable (the caller retries); a refusal (400, 422) marks it
    rejected for good.
    The LRS keeps one statement per id, so a send repeated after a crash anywhere
    here stores nothing twice.
    """
    row = (
        OutboxStatement.objects.select_related("actor").filter(pk=statement_id).first()
    )
    if row is None or row.status != OutboxStatement.Status.PENDING:
        return row.status if row else "missing"
    if row.actor is not None and row.actor.anonymised_at:
        OutboxStatement.objects.filter(pk=row.pk).update(
            status=OutboxStatement.Status.CANCELLED, statement=None
        )
        return OutboxStatement.Status.CANCELLED
    OutboxStatement.objects.filter(pk=row.pk).update(tries=row.tries + 1)
    try:
        code = lrs().put_statement(row.statement)
    except LrsRejected as error:
        logger.error("xapi: the LRS refused statement %s: %s", row.pk, error)
        OutboxStatement.objects.filter(pk=row.pk).update(
            status=OutboxStatement.Status.REJECTED, last_error=str(error)
        )
        return OutboxStatement.Status.REJECTED
    except Exception as error:
        OutboxStatement.objects.filter(pk=row.pk).update(last_error=str(error)[:2000])
        raise
    if code == 409:
        logger.warning(
            "xapi: the LRS already holds a different statement under %s", row.pk
        )
    _test_delay()
    OutboxStatement.objects.filter(
        pk=row.pk, status=OutboxStatement.Status.PENDING
    ).update(status=OutboxStatement.Status.SENT, sent_at=timezone.now(), last_error="")
    return OutboxStatement.Status.SENT


@dataclass
class SweepReport:
    queued: int = 0
    emptied: int = 0


def outbox_sweep(*, now: datetime | None = None) -> SweepReport:
    """Queue again what is still pending after a while (a lost message, a broker
    outage, retries exhausted), and empty the bodies of statements sent long ago."""
    now = now or timezone.now()
    report = SweepReport()
    if lrs_configured():
        stale = OutboxStatement.objects.filter(
            status=OutboxStatement.Status.PENDING,
            created_at__lt=now
            - timedelta(minutes=settings.ACADEMY_XAPI_RESEND_AFTER_MINUTES),
        ).order_by("created_at")
        ids = list(
            stale.values_list("pk", flat=True)[: settings.ACADEMY_XAPI_SWEEP_LIMIT]
        )
        enqueue(ids)
        report.queued = len(ids)
    report.emptied = OutboxStatement.objects.filter(
        status=OutboxStatement.Status.SENT,
        sent_at__lt=now - timedelta(days=settings.ACADEMY_XAPI_OUTBOX_KEEP_DAYS),
        statement__isnull=False,
    ).update(statement=None)
    return report


# ------------------------------------------------------------------------------
# Anonymisation (PDPA)
# ------------------------------------------------------------------------------


@transaction.atomic
def actor_anonymise(*, user=None, person_id: int | None = None) -> int:
    """Send nothing more about this person; void what was sent if so configured.

    Pending statements are cancelled and their bodies dropped. With
    ACADEMY_XAPI_VOID_ON_ANONYMISE, each statement already sent is voided (xAPI's
    "voided" verb, by the Academy): the LRS then leaves it out of its answers.
    The Actor keeps its random name, which points at no one any more once the
    account and the person record are anonymised. Returns how many were voided.
    """
    match = Q(pk__in=[])
    if user is not None:
        match |= Q(user=user)
    if person_id is not None:
        match |= Q(person_id=person_id)
    voided = 0
    now = timezone.now()
    actors = list(Actor.objects.select_for_update().filter(match))
    if not actors:
        # Never sent about: a tombstone, so that nothing ever will be (backfill).
        Actor.objects.create(user=user, person_id=person_id, anonymised_at=now)
    for actor in actors:
        actor.anonymised_at = actor.anonymised_at or now
        actor.save(update_fields=["anonymised_at"])
        OutboxStatement.objects.filter(
            actor=actor, status=OutboxStatement.Status.PENDING
        ).update(status=OutboxStatement.Status.CANCELLED, statement=None)
        if not (settings.ACADEMY_XAPI_VOID_ON_ANONYMISE and lrs_configured()):
            continue
        sent = OutboxStatement.objects.filter(
            actor=actor, status=OutboxStatement.Status.SENT, voids__isnull=True
        ).values_list("pk", flat=True)
        voiding = []
        for original in sent:
            void_id = statement_id("voided", str(original))
            voiding.append(
                OutboxStatement(
                    id=void_id,
                    event="voided",
                    actor=None,
                    voids=original,
                    statement={
                        "id": str(void_id),
                        "actor": academy_agent(),
                        "verb": vocabulary.VOIDED.as_dict(),
                        "object": {"objectType": "StatementRef", "id": str(original)},
                        "timestamp": timestamp(now),
                        "version": vocabulary.XAPI_VERSION,
                    },
                )
            )
        OutboxStatement.objects.bulk_create(voiding, ignore_conflicts=True)
        ids = [row.id for row in voiding]
        transaction.on_commit(lambda ids=ids: enqueue(ids), robust=True)
        voided += len(voiding)
    return voided


# ------------------------------------------------------------------------------
# Backfill
# ------------------------------------------------------------------------------

_backfill_sources: dict[str, Callable[[], Iterable[None]]] = {}


def backfill_source(event: str):
    """Register the function that records every past `event` (through the same
    builder as the live event, so the ids match); it yields once per chunk done."""
    if event not in EVENTS:
        raise ValueError(f"unknown xAPI event {event!r}")

    def register(function):
        _backfill_sources[event] = function
        return function

    return register


def backfill_each(event: str, rows, record: Callable[[object], None]) -> None:
    """Register the backfill of `event` as `record(row)` (the live event's builder)
    for every row of the queryset `rows`, a batch of 500 per transaction."""

    @backfill_source(event)
    def source():
        for batch in in_batches(rows):
            for row in batch:
                record(row)
            yield


@dataclass
class BackfillReport:
    recorded: dict[str, int] = field(default_factory=dict)


def backfill(*, events: Iterable[str] | None = None) -> BackfillReport:
    """Record every past event of the given kinds (all switched on by default) that
    the outbox does not hold yet, and queue them. Idempotent: same ids."""
    report = BackfillReport()
    chosen = list(events) if events else [e for e in EVENTS if event_enabled(e)]
    for event in chosen:
        if not event_enabled(event):
            raise ValueError(f"xAPI event {event!r} is switched off or no LRS is set")
        total = 0
        source = _backfill_sources[event]
        generator = iter(source())
        while True:
            with sending_deferred() as ids, transaction.atomic():
                try:
                    next(generator)
                    more = True
                except StopIteration:
                    more = False
                transaction.on_commit(lambda ids=list(ids): enqueue(ids), robust=True)
                total += len(ids)
            if not more:
                break
        report.recorded[event] = total
    return report


def in_batches(queryset, size: int = 500) -> Iterator[list]:
    """The queryset's rows by primary key, a list at a time (each read when asked,
    so that every batch of a backfill runs in a transaction of its own)."""
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(page[:size])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def outbox_retry(*, statement_ids: Iterable) -> int:
    """Send refused statements again: back to pending with their tries reset, queued
    once the transaction commits. Only refused ones move; returns how many did."""
    with transaction.atomic():
        ids = list(
            OutboxStatement.objects.select_for_update()
            .filter(pk__in=list(statement_ids), status=OutboxStatement.Status.REJECTED)
            .values_list("pk", flat=True)
        )
        OutboxStatement.objects.filter(pk__in=ids).update(
            status=OutboxStatement.Status.PENDING, tries=0, last_error=""
        )
        if ids:
            transaction.on_commit(lambda: enqueue(ids))
    return len(ids)
