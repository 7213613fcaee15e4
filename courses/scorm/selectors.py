"""Reads for SCORM: what the lesson page shows, and the data a package starts from."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.core import signing
from django.urls import reverse

from ..models import Enrolment, ScormLessonPage, ScormPackage, ScormRegistration
from .origin import PLAYER_PREFIX, content_origin
from .package import VERSION_12
from .rollup import item_choose, navigator
from .runtime import records_flatten, seconds_as_duration, seconds_as_timespan

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


PREVIEW_NAMESPACE = "courses.scorm.preview"


def preview_token(package, index: int) -> str:
    """A launch address for an instructor's preview of the package's index-th item."""
    return signing.TimestampSigner(salt=PREVIEW_NAMESPACE, sep=".").sign(
        f"{package.pk}-{index}"
    )


def preview_read(token: str):
    """(package, item) a preview token names, or None when forged or expired."""
    try:
        value = signing.TimestampSigner(salt=PREVIEW_NAMESPACE, sep=".").unsign(
            token, max_age=TOKEN_MAX_AGE
        )
    except signing.BadSignature:
        return None
    package_id, _, index = value.partition("-")
    package = ScormPackage.objects.filter(pk=package_id).first()
    if package is None or not index.isdigit():
        return None
    items = package.launchable
    return (package, items[int(index)]) if int(index) < len(items) else None


def preview_cmi(package, item: dict) -> dict[str, str]:
    """What a previewed package starts from: browse mode, no credit, no learner."""
    if package.version == VERSION_12:
        data = {
            "cmi.core.student_id": "preview",
            "cmi.core.student_name": "Preview",
            "cmi.core.lesson_mode": "browse",
            "cmi.core.credit": "no-credit",
            "cmi.core.entry": "ab-initio",
            "cmi.launch_data": item["launch_data"],
        }
    else:
        data = {
            "cmi.learner_id": "preview",
            "cmi.learner_name": "Preview",
            "cmi.mode": "browse",
            "cmi.credit": "no-credit",
            "cmi.entry": "ab-initio",
            "cmi.launch_data": item["launch_data"],
        }
    return {key: value for key, value in data.items() if value != ""}


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
    toc: tuple[TocEntry, ...] = ()
    previous_url: str = ""
    next_url: str = ""
    # Why the part asked for (?sco=) was not opened, "" when it was.
    refusal: str = ""


@dataclass(frozen=True)
class TocEntry:
    """A line of a multi-item package's table of contents."""

    identifier: str
    title: str
    depth: int
    url: str = ""  # "" for a heading, the item playing, or one the manifest keeps
    launchable: bool = False
    current: bool = False
    state: str = ""  # "", "incomplete", "completed", "passed", "failed"
    # A precondition of the package keeps it closed (disabled) or out of the
    # contents' choices (hiddenFromChoice), as things stand.
    disabled: bool = False
    hidden: bool = False


def _item_state(registration) -> str:
    if registration is None:
        return ""
    if registration.passed_at is not None:
        return "passed"
    if (
        registration.lesson_status == "failed"
        or registration.success_status == "failed"
    ):
        return "failed"
    if registration.completed_at is not None:
        return "completed"
    return "incomplete"


def _table_of_contents(
    *, package, registrations, current: str, lesson_url: str
) -> tuple[tuple[TocEntry, ...], str, str]:
    """The package's items with the learner's state of each and the links the
    manifest's sequencing allows (courses/scorm/sequencing.py): an item is a link
    when choosing it would be accepted; flow gives the previous and next parts."""
    if len(package.launchable) < 2:
        return (), "", ""
    by_item = {registration.item: registration for registration in registrations}
    navigation = navigator(package=package, registrations=registrations)

    def url(identifier: str) -> str:
        return f"{lesson_url}?{urlencode({'sco': identifier})}"

    entries = []
    for item in package.toc:
        identifier = item["identifier"]
        launchable = bool(item["launch"])
        is_current = launchable and identifier == current
        refusal = (
            navigation.choice_refusal(current, identifier)
            if launchable and not is_current
            else "-"
        )
        disabled = launchable and navigation.disabled(identifier)
        # A part closed only by a precondition stays a link (marked disabled): the
        # part playing may open it before the page is loaded again, and the server
        # decides when it is followed.
        open_to_choice = not refusal or (
            disabled and refusal == navigation.flow_refusal(current, identifier)
        )
        entries.append(
            TocEntry(
                identifier=identifier,
                title=item["title"],
                depth=item["depth"],
                launchable=launchable,
                current=is_current,
                url=url(identifier) if open_to_choice else "",
                state=_item_state(by_item.get(identifier)),
                disabled=disabled,
                hidden=launchable and navigation.hidden(identifier),
            )
        )
    previous, following = navigation.neighbours(current)
    return (
        tuple(entries),
        url(previous) if previous is not None else "",
        url(following) if following is not None else "",
    )


def scorm_player_for_learner(
    *, lesson: ScormLessonPage, user, detail, requested_item: str | None = None
) -> ScormPlayer:
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
    registrations = list(
        ScormRegistration.objects.select_related("package").filter(
            enrolment=enrolment, lesson=lesson, package_id=lesson.package_id
        )
    )
    if not registrations:
        return ScormPlayer(problem=_("This lesson's package cannot be played yet."))
    package = registrations[0].package
    latest = max(registrations, key=lambda r: r.updated_at)
    # The same choice registration_open made when the page was served.
    decision = item_choose(
        package=package,
        registrations=registrations,
        current=latest.item,
        requested=requested_item,
    )
    registration = next((r for r in registrations if r.item == decision.item), latest)
    toc, previous_url, next_url = _table_of_contents(
        package=package,
        registrations=registrations,
        current=registration.item,
        lesson_url=lesson.url,
    )
    return ScormPlayer(
        registration=registration,
        player_url=f"{origin}{PLAYER_PREFIX}{launch_token(registration)}/",
        content_origin=origin,
        runtime_url=reverse("courses:scorm_runtime", args=[registration.pk]),
        session_key=secrets.token_urlsafe(16),
        toc=toc,
        previous_url=previous_url,
        next_url=next_url,
        refusal=decision.refusal,
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
    item = package.item(registration.item) or package.toc[0]
    user = registration.enrolment.user
    resumed = registration.exit == "suspend"
    first = registration.commits == 0

    def number(value) -> str:
        return "" if value is None else format(Decimal(value).normalize(), "f")

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
            "cmi.launch_data": item["launch_data"],
            "cmi.student_data.mastery_score": number(item["mastery_score"]),
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
            "cmi.launch_data": item["launch_data"],
            "cmi.scaled_passing_score": number(item["scaled_passing_score"]),
        }
    # This SCO's objectives: the manifest's first (SCORM 2004 RTE 4.2.17: the LMS
    # initialises cmi.objectives.n.id), with what the SCO recorded of them, then any
    # other it recorded; and its interactions, so that a resumed SCO finds its
    # answers and counts on from them.
    recorded = {record["id"]: record for record in registration.objectives or []}
    objectives = [
        recorded.pop(objective_id, {"id": objective_id})
        for objective_id in dict.fromkeys(item.get("objectives") or [])
    ]
    data.update(
        records_flatten(
            package.version,
            interactions=registration.interactions,
            objectives=objectives + list(recorded.values()),
        )
    )
    return {key: value for key, value in data.items() if value != ""}


@dataclass(frozen=True)
class QuestionSummary:
    """One interaction (question) across the learners who answered it."""

    identifier: str
    description: str
    kind: str
    answered: int
    correct: int


@dataclass(frozen=True)
class ScormResults:
    registrations: list
    item_titles: dict
    questions: list


def _objective_shown(objective: dict) -> dict:
    status = objective.get("success_status") or objective.get("status") or ""
    if objective.get("completion_status"):
        status = f"{status} / {objective['completion_status']}".strip(" /")
    if objective.get("score_scaled"):
        score = objective["score_scaled"]
    elif objective.get("score_raw"):
        score = objective["score_raw"] + (
            f" / {objective['score_max']}" if objective.get("score_max") else ""
        )
    else:
        score = ""
    return {
        "label": objective.get("description") or objective["id"],
        "status": status,
        "score": score,
    }


def scorm_lesson_results(*, lesson: ScormLessonPage) -> ScormResults:
    """Every learner's data on the lesson's current package, for its instructors:
    status, score and time per item, and the interactions and objectives recorded.
    Two queries, whatever the number of learners."""
    registrations = list(
        ScormRegistration.objects.filter(lesson=lesson, package_id=lesson.package_id)
        .select_related("enrolment__user", "package")
        .order_by("enrolment__user__last_name", "enrolment__user__first_name", "pk")
    )
    package = lesson.package
    titles = {item["identifier"]: item["title"] for item in package.launchable}
    questions: dict[str, dict] = {}
    for registration in registrations:
        registration.item_title = titles.get(registration.item, registration.item)
        registration.shown_interactions = [
            {
                "label": interaction.get("description") or interaction["id"],
                "type": interaction.get("type", ""),
                "learner_response": interaction.get("learner_response", ""),
                "correct_responses": " | ".join(
                    interaction.get("correct_responses", [])
                ),
                "result": interaction.get("result", ""),
            }
            for interaction in registration.interactions or []
        ]
        registration.shown_objectives = [
            _objective_shown(objective) for objective in registration.objectives or []
        ]
        for interaction in registration.interactions or []:
            key = (registration.item, interaction["id"])
            entry = questions.setdefault(
                key,
                {
                    "identifier": interaction["id"],
                    "description": interaction.get("description") or "",
                    "kind": interaction.get("type") or "",
                    "answered": 0,
                    "correct": 0,
                },
            )
            entry["answered"] += 1
            entry["correct"] += interaction.get("result") == "correct"
    return ScormResults(
        registrations=registrations,
        item_titles=titles,
        questions=[QuestionSummary(**entry) for entry in questions.values()],
    )


def packages_for_author(user):
    """The packages an instructor may see, choose, replace on a lesson or delete:
    the ones they uploaded (administrators: all)."""
    from academy.accounts.authz import can

    packages = ScormPackage.objects.select_related("uploaded_by")
    if can(user, "courses.author_all"):
        return packages
    return packages.filter(uploaded_by=user)


# ------------------------------------------------------------------------------
# A course made from a package
# ------------------------------------------------------------------------------


def catalogue_for_author(user):
    """The catalogue page under which `user` may add a course (Wagtail's page
    permissions: instructors and administrators hold "add" there), or None."""
    from ..models import CatalogPage, CoursePage

    for catalogue in CatalogPage.objects.order_by("path"):
        if (
            CoursePage.can_create_at(catalogue)
            and catalogue.permissions_for_user(user).can_add_subpage()
        ):
            return catalogue
    return None


def package_metadata(package: ScormPackage):
    """The title, language and description the package's manifest gives, read from
    its stored files (the package was checked at upload and never changes)."""
    import posixpath

    from academy.core.storage import private_storage

    from .origin import limits
    from .package import MANIFEST, ManifestMetadata, manifest_metadata

    storage = private_storage()
    cap = limits().max_manifest_bytes

    def read(name: str) -> bytes | None:
        if name not in (package.files or {}):
            return None
        with storage.open(posixpath.join(package.storage_prefix, name), "rb") as file:
            return file.read(cap + 1)[:cap]

    content = read(MANIFEST)
    if not content:
        return ManifestMetadata(title=package.title)
    metadata = manifest_metadata(content, read)
    if not metadata.title:
        metadata = ManifestMetadata(
            title=package.title,
            language=metadata.language,
            description=metadata.description,
            typical_learning_time=metadata.typical_learning_time,
        )
    return metadata


@dataclass(frozen=True)
class CoursePlan:
    """The draft course `services.course_from_package` makes of a package."""

    title: str
    title_en: str
    summary: str
    summary_en: str
    description: str  # one paragraph of rich text, or ""
    description_en: str
    language: str
    lesson_title: str
    item_titles: tuple[str, ...]
    # From the metadata's typical learning time; None: the course's defaults.
    learning_hours: Decimal | None = None
    estimated_minutes: int | None = None


def _typical_seconds(value: str) -> Decimal | None:
    """Seconds of a typical learning time, or None when absent, unreadable or 0."""
    from .runtime import RuntimeDataError, duration_seconds, timespan_seconds

    value = value.strip().upper()
    if not value:
        return None
    try:
        seconds = (
            duration_seconds(value)
            if value.startswith("P")
            else timespan_seconds(value)
        )
    except RuntimeDataError:
        return None
    return seconds if seconds > 0 else None


def course_plan_for_package(package: ScormPackage) -> CoursePlan:
    """What the course will hold: the manifest's organization title, its
    description in the summary and description, in the Thai fields unless the
    metadata says the package is in English (the Thai title then starts as the
    English one, and the Thai summary says what the package holds, for the
    instructor to translate). One SCORM lesson plays the whole package."""
    from django.utils import translation
    from django.utils.html import escape
    from django.utils.translation import gettext as _

    metadata = package_metadata(package)
    titles = tuple(item["title"] or package.title for item in package.launchable)
    with translation.override("th"):  # it fills the Thai summary
        made_of = _("A course from the SCORM package “%(title)s”: %(items)s.") % {
            "title": metadata.title,
            "items": ", ".join(titles),
        }
    english = metadata.language.startswith("en")
    paragraph = f"<p>{escape(metadata.description)}</p>" if metadata.description else ""
    summary = metadata.description if not english else ""
    seconds = _typical_seconds(metadata.typical_learning_time)
    minutes = hours = None
    if seconds is not None:
        minutes = min(max(math.ceil(seconds / 60), 1), 32767)
        hours = min(
            max((seconds / 3600).quantize(Decimal("0.1")), Decimal("0.1")),
            Decimal("9999.9"),
        )
    return CoursePlan(
        title=metadata.title,
        title_en=metadata.title if english else "",
        summary=(summary or made_of)[:600],
        summary_en=metadata.description[:600] if english else "",
        description="" if english else paragraph,
        description_en=paragraph if english else "",
        language=metadata.language,
        lesson_title=metadata.title,
        item_titles=titles,
        learning_hours=hours,
        estimated_minutes=minutes,
    )


def course_of_package(package: ScormPackage):
    """The course a lesson playing the package belongs to (the course made from it),
    or None."""
    from ..models import CoursePage

    lesson = ScormLessonPage.objects.filter(package=package).order_by("path").first()
    if lesson is None:
        return None
    return CoursePage.objects.filter(
        path=lesson.path[: -ScormLessonPage.steplen]
    ).first()
