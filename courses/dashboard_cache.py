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
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

from academy.core.pagecache import content_version

LEARNER_VERSION_KEY = "academy:learner:{user_id}:version"
ASSIGNMENTS_VERSION_KEY = "academy:assignments:version"
DASHBOARD_KEY = "academy:dashboard:{user_id}:{parts}"


def ttl() -> int:
    return int(getattr(settings, "ACADEMY_DASHBOARD_CACHE_SECONDS", 0) or 0)


def _version(key: str) -> str:
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key)
    return version


def _bump(key: str) -> None:
    def bump():
        cache.set(key, uuid.uuid4().hex, timeout=None)

    bump()
    transaction.on_commit(bump)  # again once the change is visible to others


def learner_version(user_id: int) -> str:
    return _version(LEARNER_VERSION_KEY.format(user_id=user_id))


def learner_version_bump(user_id: int | None) -> None:
    if user_id is not None:
        _bump(LEARNER_VERSION_KEY.format(user_id=user_id))


def learner_versions_bump(user_ids) -> None:
    """Many learners at once (one round trip to the shared cache), now and on commit."""
    keys = [LEARNER_VERSION_KEY.format(user_id=pk) for pk in set(user_ids) if pk]
    if not keys:
        return

    def bump():
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)

    bump()
    transaction.on_commit(bump)


def assignments_version_bump() -> None:
    _bump(ASSIGNMENTS_VERSION_KEY)


def dashboard_key(user_id: int) -> str:
    parts = ":".join(
        [
            learner_version(user_id),
            content_version(),
            _version(ASSIGNMENTS_VERSION_KEY),
            timezone.localdate().isoformat(),
            translation.get_language() or settings.LANGUAGE_CODE,
        ]
    )
    return DASHBOARD_KEY.format(user_id=user_id, parts=parts)


def dashboard_data(*, user) -> tuple:
    """(dashboard_for_user, dashboard_assessments) for `user`, from the cache when
    nothing they show has changed."""
    from .assessments.selectors import dashboard_assessments
    from .selectors import dashboard_for_user

    def compute():
        return (
            dashboard_for_user(user=user),
            dashboard_assessments(user=user),
        )

    if ttl() <= 0:
        return compute()
    key = dashboard_key(user.pk)
    cached = cache.get(key)
    if cached is not None:
        return cached
    data = compute()
    cache.set(key, data, timeout=ttl())
    return data


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
    from .models import Enrolment

    enrolment = (
        instance._state.fields_cache.get("enrolment")
        if hasattr(instance._state, "fields_cache")
        else None
    )
    user_id = (
        enrolment.user_id
        if enrolment is not None
        else Enrolment.objects.filter(pk=instance.enrolment_id)
        .values_list("user_id", flat=True)
        .first()
    )
    learner_version_bump(user_id)


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
