"""Reads for SCORM: what the lesson page shows, and the data a package starts from."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from ..models import Enrolment, ScormLessonPage, ScormRegistration
from .origin import PLAYER_PREFIX, content_origin
from .package import VERSION_12
from .runtime import seconds_as_duration, seconds_as_timespan

LAUNCH_NAMESPACE = "courses.scorm.player"
#: A launch address works for a working day, as long as a session does.
TOKEN_MAX_AGE = 60 * 60 * 8


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=LAUNCH_NAMESPACE, sep=".")


def launch_token(registration: ScormRegistration) -> str:
    return _signer().sign(str(registration.pk))


def launch_token_read(token: str) -> int | None:
    """The registration a launch token names, or None when forged or expired."""
    try:
        value = _signer().unsign(token, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def registration_for_content(token: str) -> ScormRegistration | None:
    """The registration behind a launch token, only while its enrolment may play."""
    from .services import PLAYABLE

    registration_id = launch_token_read(token)
    if registration_id is None:
        return None
    return (
        ScormRegistration.objects.select_related("package", "enrolment__user", "lesson")
        .filter(pk=registration_id, enrolment__status__in=PLAYABLE)
        .first()
    )


@dataclass(frozen=True)
class ScormPlayer:
    """What the lesson page needs; `problem` says why there is no player."""

    problem: str = ""
    registration: ScormRegistration | None = None
    player_url: str = ""
    content_origin: str = ""
    runtime_url: str = ""
    session_key: str = ""


def scorm_player_for_learner(*, lesson: ScormLessonPage, user, detail) -> ScormPlayer:
    from django.utils.translation import gettext as _

    if not user.is_authenticated:
        return ScormPlayer(problem="signin")
    enrolment = detail.course_detail.enrolment
    if enrolment is None or enrolment.status not in (
        Enrolment.Status.ACTIVE,
        Enrolment.Status.COMPLETED,
    ):
        return ScormPlayer(problem="enrol")
    origin = content_origin()
    if not origin or lesson.package_id is None:
        return ScormPlayer(problem=_("This lesson's package cannot be played yet."))
    registration = (
        ScormRegistration.objects.select_related("package")
        .filter(enrolment=enrolment, lesson=lesson, package_id=lesson.package_id)
        .first()
    )
    if registration is None:
        return ScormPlayer(problem=_("This lesson's package cannot be played yet."))
    return ScormPlayer(
        registration=registration,
        player_url=f"{origin}{PLAYER_PREFIX}{launch_token(registration)}/",
        content_origin=origin,
        runtime_url=reverse("courses:scorm_runtime", args=[registration.pk]),
        session_key=secrets.token_urlsafe(16),
    )


def _learner_name(user) -> str:
    """SCORM's "Last, First" form."""
    if user.last_name and user.first_name:
        return f"{user.last_name}, {user.first_name}"
    return user.get_full_name() or f"learner {user.pk}"


def launch_cmi(registration: ScormRegistration) -> dict[str, str]:
    """The flattened CMI the package starts from: the learner (by an Academy id, never
    a national ID or an email), what was saved, and the manifest's values."""
    package = registration.package
    user = registration.enrolment.user
    resumed = registration.exit == "suspend"
    first = registration.commits == 0

    def number(value) -> str:
        return "" if value is None else format(value.normalize(), "f")

    if package.version == VERSION_12:
        data = {
            "cmi.core.student_id": f"academy-{user.pk}",
            "cmi.core.student_name": _learner_name(user),
            "cmi.core.lesson_location": registration.location,
            "cmi.core.lesson_status": registration.lesson_status or "not attempted",
            "cmi.core.entry": "resume" if resumed else ("ab-initio" if first else ""),
            "cmi.core.credit": "credit",
            "cmi.core.lesson_mode": "normal",
            "cmi.core.score.raw": number(registration.score_raw),
            "cmi.core.score.min": number(registration.score_min),
            "cmi.core.score.max": number(registration.score_max),
            "cmi.core.total_time": seconds_as_timespan(registration.time_seconds),
            "cmi.suspend_data": registration.suspend_data,
            "cmi.launch_data": package.launch_data,
            "cmi.student_data.mastery_score": number(package.mastery_score),
        }
    else:
        data = {
            "cmi.learner_id": f"academy-{user.pk}",
            "cmi.learner_name": _learner_name(user),
            "cmi.location": registration.location,
            "cmi.completion_status": registration.completion_status or "unknown",
            "cmi.success_status": registration.success_status or "unknown",
            "cmi.entry": "resume" if resumed else ("ab-initio" if first else ""),
            "cmi.credit": "credit",
            "cmi.mode": "normal",
            "cmi.score.scaled": number(registration.score_scaled),
            "cmi.score.raw": number(registration.score_raw),
            "cmi.score.min": number(registration.score_min),
            "cmi.score.max": number(registration.score_max),
            "cmi.total_time": seconds_as_duration(registration.time_seconds),
            "cmi.suspend_data": registration.suspend_data,
            "cmi.launch_data": package.launch_data,
            "cmi.scaled_passing_score": number(package.scaled_passing_score),
        }
    return {key: value for key, value in data.items() if value != ""}
