"""The learner dashboard's data, cached per learner and versioned.

The dashboard reads the learner's profile against the standards, enrolments with
progress, completions, recommendations, assignments and placement results: about
two dozen queries. Kept in the shared cache under

    the learner's version · the content version (catalogue, standards:
    academy.core.pagecache) · the assignments version · today · the language

for ACADEMY_DASHBOARD_CACHE_SECONDS at most (the backstop; 0 turns it off). The
learner's version is bumped by any save or deletion of their enrolments, lesson
progress, completions, evidence, placements, person record, assignments (as an
assignee) and assessment attempts; the assignments version by any change to a course
assignment (which may reach many learners). Bulk writes send no model signal: the
staff import says which people it changed (competencies.signals.people_changed_in_bulk)
and their learners' versions are bumped together; adding assignees in bulk bumps the
assignments version.

The page's HTML of that data (all of it but the assigned courses, whose form carries
a CSRF token) is kept beside it under the same key and the host it was written for
(dashboard_page): it shows nothing the data does not hold, so whatever orphans the
one orphans the other, and a visit from the cache reads both in one round trip and
renders neither.
"""

from __future__ import annotations

import threading
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone, translation

from academy.core.pagecache import content_version
from academy.core.refcache import shared_version

LEARNER_VERSION_KEY = "academy:learner:{user_id}:version"
ASSIGNMENTS_VERSION_KEY = "academy:assignments:version"
DASHBOARD_KEY = "academy:dashboard:{user_id}:{parts}"


def ttl() -> int:
    return int(getattr(settings, "ACADEMY_DASHBOARD_CACHE_SECONDS", 0) or 0)


def _bump(key: str) -> None:  # a version shared by every learner
    def bump():
        cache.set(key, uuid.uuid4().hex, timeout=None)

    bump()
    transaction.on_commit(bump)  # again once the change is visible to others


def learner_version(user_id: int) -> str:
    _pending_resolve()  # this thread's writes are seen by its own reads at once
    return shared_version(LEARNER_VERSION_KEY.format(user_id=user_id))


def _set_learner_versions(user_ids) -> None:
    keys = [LEARNER_VERSION_KEY.format(user_id=pk) for pk in user_ids]
    if keys:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)


def learner_version_bump(user_id: int | None) -> None:
    learner_versions_bump([user_id])


def learner_versions_bump(user_ids) -> None:
    """Learners' versions, now and on commit, one round trip each. Inside a
    transaction each learner is bumped once, however many of their rows it writes or
    deletes (a course deleted with its enrolments, a QuerySet.delete()): once at the
    first write, once more when the transaction commits (_Pending)."""
    ids = {pk for pk in user_ids if pk}
    if not ids:
        return
    pending = _pending()
    if pending is None:
        _set_learner_versions(ids)
        transaction.on_commit(lambda: _set_learner_versions(ids))
        return
    fresh = ids - pending.users
    if fresh:
        pending.users |= fresh
        _set_learner_versions(fresh)


def _enrolment_changed(enrolment_id: int | None) -> None:
    """A row of the enrolment changed: its learner's version, resolved in one query
    for every enrolment a transaction touched (when it commits, or before this
    thread reads a learner's version), not one per row."""
    if enrolment_id is None:
        return
    pending = _pending()
    if pending is None:
        learner_version_bump(_user_of_enrolment(enrolment_id))
        return
    if enrolment_id not in pending.enrolments_seen:
        pending.enrolments_seen.add(enrolment_id)
        pending.enrolments.add(enrolment_id)


class _Pending:
    """The learners bumped in one open transaction, and the enrolments whose learner
    is still to be bumped. It belongs to the transaction's outermost block (that
    block object and its savepoint: a test's own wrapping transaction does not
    count, as in academy.core.refcache.in_transaction) while its `flush` waits in
    the connection's on-commit callbacks; a commit runs it, a rollback drops it."""

    def __init__(self, block, savepoint):
        self.block, self.savepoint = block, savepoint
        self.users: set[int] = set()
        self.enrolments: set[int] = set()
        self.enrolments_seen: set[int] = set()
        self.committed = False

    def resolve(self) -> None:
        if self.enrolments:
            ids, self.enrolments = self.enrolments, set()
            learner_versions_bump(_users_of_enrolments(ids))

    def flush(self) -> None:
        self.committed = True
        if _local.__dict__.get("pending") is self:
            _local.pending = None
        users = set(self.users)
        if self.enrolments:
            users |= _users_of_enrolments(self.enrolments)
        _set_learner_versions(users)


_local = threading.local()


def _outermost_block():
    """(block, savepoint id) of the outermost atomic block that is not a test case's
    own, or None outside any."""
    blocks = connection.atomic_blocks
    for index, block in enumerate(blocks):
        if not getattr(block, "_from_testcase", False):
            savepoint = connection.savepoint_ids[index - 1] if index else None
            return block, savepoint
    return None


def _pending() -> _Pending | None:
    """This thread's pending bumps for the open transaction (made on first use), or
    None outside a transaction."""
    outermost = _outermost_block()
    if outermost is None:
        return None
    pending = getattr(_local, "pending", None)
    if (
        pending is None
        or pending.committed
        or pending.block is not outermost[0]
        or pending.savepoint != outermost[1]
        or not any(item[1] == pending.flush for item in connection.run_on_commit)
    ):
        pending = _local.pending = _Pending(*outermost)
        transaction.on_commit(pending.flush)
    return pending


def _pending_resolve() -> None:
    pending = getattr(_local, "pending", None)
    if pending is not None and not pending.committed and pending.enrolments:
        pending.resolve()


def _user_of_enrolment(enrolment_id: int) -> int | None:
    from .models import Enrolment

    return (
        Enrolment.objects.filter(pk=enrolment_id)
        .values_list("user_id", flat=True)
        .first()
    )


def _users_of_enrolments(enrolment_ids) -> set[int]:
    """Their learners (an enrolment deleted meanwhile bumped its own learner)."""
    from .models import Enrolment

    ids = sorted(enrolment_ids)
    users: set[int] = set()
    for start in range(0, len(ids), 1000):
        users.update(
            Enrolment.objects.filter(pk__in=ids[start : start + 1000]).values_list(
                "user_id", flat=True
            )
        )
    return users


def assignments_version_bump() -> None:
    _bump(ASSIGNMENTS_VERSION_KEY)


def dashboard_key(user_id: int) -> str:
    parts = ":".join(
        [
            learner_version(user_id),
            content_version(),
            shared_version(ASSIGNMENTS_VERSION_KEY),
            timezone.localdate().isoformat(),
            translation.get_language() or settings.LANGUAGE_CODE,
        ]
    )
    return DASHBOARD_KEY.format(user_id=user_id, parts=parts)


def _compute(user) -> tuple:
    from .assessments.selectors import dashboard_assessments
    from .selectors import dashboard_for_user

    return (dashboard_for_user(user=user), dashboard_assessments(user=user))


def dashboard_page(*, user, host: str, render) -> tuple:
    """(dashboard_for_user, dashboard_assessments, HTML) for `user`: the HTML is
    `render(dashboard, assessments)`, a part of the page that shows that data and
    nothing else a request brings but the host its links are written for. Both from
    the cache when nothing they show has changed, in one round trip."""
    if ttl() <= 0:
        data = _compute(user)
        return (*data, render(*data))
    data_key = dashboard_key(user.pk)
    html_key = f"{data_key}:html:{host}"
    found = cache.get_many([data_key, html_key])
    data = found.get(data_key)
    if data is None:
        data = _compute(user)
        cache.set(data_key, data, timeout=ttl())
    html = found.get(html_key)
    if html is None:
        html = str(render(*data))
        cache.set(html_key, html, timeout=ttl())
    return (*data, html)


# ------------------------------------------------------------------------------
# What bumps the versions
# ------------------------------------------------------------------------------


def _user_of_person(person_id: int | None) -> int | None:
    from competencies.models import Person

    if person_id is None:
        return None
    return Person.objects.filter(pk=person_id).values_list("user_id", flat=True).first()


def _by_user(sender, instance, **kwargs) -> None:
    learner_version_bump(instance.user_id)


def _by_person(sender, instance, **kwargs) -> None:
    learner_version_bump(_user_of_person(instance.person_id))


def _by_person_itself(sender, instance, **kwargs) -> None:
    learner_version_bump(instance.user_id)


def _by_enrolment(sender, instance, **kwargs) -> None:
    enrolment = (
        instance._state.fields_cache.get("enrolment")
        if hasattr(instance._state, "fields_cache")
        else None
    )
    if enrolment is not None:
        learner_version_bump(enrolment.user_id)
    else:
        _enrolment_changed(instance.enrolment_id)


def _assignments_changed(sender, instance, **kwargs) -> None:
    assignments_version_bump()


def _people_changed_in_bulk(sender, person_ids, **kwargs) -> None:
    from competencies.models import Person

    user_ids = []
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), 1000):
        user_ids += Person.objects.filter(
            pk__in=ids[start : start + 1000], user__isnull=False
        ).values_list("user_id", flat=True)
    learner_versions_bump(user_ids)


def _unit_moved(sender, unit_id, **kwargs) -> None:
    """Everyone placed under the unit: the units above them changed."""
    from competencies.models import OrgUnit, Placement

    path = OrgUnit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
    if path is None:
        return
    learner_versions_bump(
        Placement.objects.current()
        .filter(unit__path__startswith=path, person__user__isnull=False)
        .values_list("person__user_id", flat=True)
    )


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from competencies.models import Evidence, Person, Placement
    from competencies.signals import org_unit_moved, people_changed_in_bulk

    from .models import (
        Assignee,
        Attempt,
        CourseAssignment,
        CourseCompletion,
        Enrolment,
        LessonProgress,
    )

    receivers = [
        (Enrolment, _by_user),
        (CourseCompletion, _by_user),
        (Attempt, _by_user),
        (LessonProgress, _by_enrolment),
        (Evidence, _by_person),
        (Placement, _by_person),
        (Assignee, _by_person),
        (Person, _by_person_itself),
        (CourseAssignment, _assignments_changed),
    ]
    for model, receiver in receivers:
        for signal in (post_save, post_delete):
            signal.connect(
                receiver,
                sender=model,
                dispatch_uid=f"academy-dashboard-{model._meta.label_lower}-"
                f"{signal is post_save}",
            )
    people_changed_in_bulk.connect(
        _people_changed_in_bulk, dispatch_uid="academy-dashboard-people-in-bulk"
    )
    org_unit_moved.connect(_unit_moved, dispatch_uid="academy-dashboard-unit-moved")
