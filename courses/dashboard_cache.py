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
assignment (which may reach many learners). Bulk `QuerySet.update()` calls send no
signal: what they change shows when the backstop expires.
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
    _bump(ASSIGNMENTS_VERSION_KEY)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from competencies.models import Evidence, Person, Placement

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
