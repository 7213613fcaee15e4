"""Writes for SCORM: storing a checked package, opening a registration, saving runtime data."""

from __future__ import annotations

import logging
import secrets
import tempfile
import zipfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.core.storage import private_storage
from competencies.models import Evidence
from competencies.services import evidence_record, person_ensure_for_user

from ..models import Enrolment, ScormLessonPage, ScormPackage, ScormRegistration
from .origin import limits
from .package import (
    MANIFEST,
    VERSION_12,
    PackageError,
    manifest_parse,
    package_inspect,
    package_members,
)
from .rollup import item_choose, lesson_rollup, navigator
from .runtime import (
    MAX_INTERACTIONS,
    MAX_OBJECTIVES,
    records_merge,
    runtime_parse,
)

logger = logging.getLogger(__name__)

#: Enrolments whose learner may play a package and save its data (a completed
#: course's lessons stay open for review; their saves change no completion).
PLAYABLE = (Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED)


class ScormError(Exception):
    def __init__(self, message: str, *, status: int = 409):
        super().__init__(message)
        self.message = message
        self.status = status


def package_create(*, upload, uploaded_by=None, title: str = "") -> ScormPackage:
    """Check an uploaded zip, copy its files to the private storage, record it.

    Nothing is recorded when the package is refused (PackageError); files already
    copied when a later check fails are deleted again.
    """
    caps = limits()
    upload.seek(0)
    info = package_inspect(upload, size=upload.size, limits=caps)
    prefix = f"scorm/{secrets.token_urlsafe(18)}"
    storage = private_storage()
    stored: list[str] = []
    try:
        upload.seek(0)
        for name, chunks in package_members(upload, limits=caps):
            with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as buffer:
                for chunk in chunks:
                    buffer.write(chunk)
                buffer.seek(0)
                wanted = f"{prefix}/{name}"
                saved = storage.save(wanted, File(buffer, name=name))
                stored.append(saved)
                if saved != wanted:
                    raise PackageError(
                        _(
                            "The package holds a file name the storage cannot keep: %(name)s."
                        )
                        % {"name": name}
                    )
        with transaction.atomic():
            package = ScormPackage(
                title=(title or info.title or getattr(upload, "name", ""))[:255],
                version=info.version,
                edition=info.edition[:64],
                identifier=info.identifier,
                launch=info.launch[:1024],
                storage_prefix=prefix,
                files=info.files,
                total_bytes=info.total_bytes,
                mastery_score=info.mastery_score,
                scaled_passing_score=info.scaled_passing_score,
                launch_data=info.launch_data,
                items=[item.as_json() for item in info.items],
                choice=info.choice,
                flow=info.flow,
                sequencing=info.sequencing,
                original_name=(getattr(upload, "name", "") or "")[:255],
                uploaded_by=uploaded_by,
            )
            package.full_clean()
            package.save()
    except BaseException:
        for name in stored:
            storage.delete(name)
        raise
    if info.sequencing.get("unsupported"):
        logger.warning(
            "SCORM package %s: sequencing not honoured (plays without it): %s",
            package.pk,
            "; ".join(info.sequencing["unsupported"]),
        )
    return package


def package_sequencing_refresh(package: ScormPackage) -> bool:
    """Read a stored package's manifest again for its items and their sequencing
    (packages uploaded before the sequencing was read play with choice and flow
    only); True when something changed. The files never change, so the items are
    the same ones: only what is read of them is added."""
    members = {}
    for name, size in (package.files or {}).items():
        info = zipfile.ZipInfo(name)
        info.file_size = size
        members[name] = info
    with private_storage().open(f"{package.storage_prefix}/{MANIFEST}") as handle:
        content = handle.read()
    info = manifest_parse(content, members)
    items = [item.as_json() for item in info.items]
    if [item["identifier"] for item in items] != [
        item["identifier"] for item in package.toc
    ] and package.items:
        raise PackageError(_("The package's manifest no longer matches its items."))
    changed = (
        (bool(package.items) and package.items != items)
        or package.sequencing != info.sequencing
        or (package.choice, package.flow) != (info.choice, info.flow)
    )
    if changed:
        if package.items:
            package.items = items
        package.sequencing = info.sequencing
        package.choice, package.flow = info.choice, info.flow
        package.save(update_fields=["items", "sequencing", "choice", "flow"])
        if info.sequencing.get("unsupported"):
            logger.warning(
                "SCORM package %s: sequencing not honoured (plays without it): %s",
                package.pk,
                "; ".join(info.sequencing["unsupported"]),
            )
    return changed


def _current_item(registrations) -> str | None:
    """The item the learner played last (resume there)."""
    latest = max(registrations, key=lambda r: r.updated_at, default=None)
    return latest.item if latest is not None else None


@transaction.atomic
def registration_open(
    *, user, lesson: ScormLessonPage, item: str | None = None
) -> ScormRegistration | None:
    """The learner's registration for the item of the lesson's package they open
    (asked for by `item`, as the manifest's navigation allows; else the one played
    last, else the first), created on first launch; None when they have no
    enrolment in progress or the lesson has no package.

    An asset is completed as soon as it is opened (SCORM 2004 CAM: an asset does not
    talk to the LMS), which may complete the lesson.
    """
    if lesson.package_id is None:
        return None
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(
            user=user, course_id=lesson.get_parent().pk, status=Enrolment.Status.ACTIVE
        )
        .order_by("-enrolled_at")
        .first()
    )
    if enrolment is None:
        return None
    package = lesson.package
    # The instructor replaced the package: its data would not fit the new one. The
    # lesson's progress, kept apart, stays as it was.
    ScormRegistration.objects.filter(enrolment=enrolment, lesson=lesson).exclude(
        package_id=package.pk
    ).delete()
    registrations = list(
        ScormRegistration.objects.filter(enrolment=enrolment, lesson=lesson)
    )
    chosen = item_choose(
        package=package,
        registrations=registrations,
        current=_current_item(registrations),
        requested=item,
    ).item
    registration = next((r for r in registrations if r.item == chosen), None)
    if registration is None:
        registration = ScormRegistration.objects.create(
            enrolment=enrolment, lesson=lesson, package=package, item=chosen
        )
        registrations.append(registration)
    else:
        registration.save(update_fields=["updated_at"])  # the item played last
    if package.item(chosen)["kind"] == "asset" and registration.completed_at is None:
        before = lesson_rollup(
            items=package.launchable,
            registrations=registrations,
            requires_pass=lesson.completion_requires_pass,
        )
        registration.completed_at = timezone.now()
        if package.version == VERSION_12:
            registration.lesson_status = "completed"
        else:
            registration.completion_status = "completed"
        registration.save()
        _rollup_apply(
            registration=registration,
            registrations=registrations,
            before=before,
            now=registration.completed_at,
        )
    return registration


def _passed(registration: ScormRegistration) -> bool:
    if registration.package.version == VERSION_12:
        return registration.lesson_status == "passed"
    return registration.success_status == "passed"


def _completed(registration: ScormRegistration) -> bool:
    """Completed and not failed: a package that reports failure is taken again."""
    if registration.package.version == VERSION_12:
        return registration.lesson_status in ("passed", "completed")
    if registration.success_status == "failed":
        return False
    return (
        registration.completion_status == "completed"
        or registration.success_status == "passed"
    )


def _evidence_record(registration: ScormRegistration, *, now) -> int:
    """Assessment evidence of the course's competencies at the course's levels, as a
    passed assessment would give; returns how many pieces were recorded."""
    course = registration.enrolment.course
    person = person_ensure_for_user(user=registration.enrolment.user)
    score = registration.score_raw
    note = registration.lesson.title + (f" ({score})" if score is not None else "")
    count = 0
    for link in course.competency_links.select_related("competency", "level"):
        evidence_record(
            person=person,
            competency=link.competency,
            level=link.level,
            source=Evidence.Source.ASSESSMENT,
            observed_on=timezone.localdate(now),
            reference=f"scorm:{registration.pk}",
            note=note[:255],
        )
        count += 1
    return count


@transaction.atomic
def runtime_save(*, user, registration_id: int, payload) -> ScormRegistration:
    """Save a commit of the learner's own registration, then feed lesson completion
    and evidence from the rollup over the lesson's items (`lesson_rollup` is set on
    the registration returned). RuntimeDataError (bad data) and ScormError change
    nothing."""
    registration = (
        ScormRegistration.objects.select_for_update()
        .select_related("enrolment__course", "enrolment__user", "package", "lesson")
        .filter(pk=registration_id, enrolment__user=user)
        .first()
    )
    if registration is None:
        raise ScormError(_("This SCORM session does not exist."), status=404)
    if registration.enrolment.status not in PLAYABLE:
        raise ScormError(_("Your enrolment in this course is not in progress."))
    if registration.package_id != registration.lesson.package_id:
        raise ScormError(_("The lesson's package was replaced; open the lesson again."))
    update = runtime_parse(registration.package.version, payload)
    for name in (
        "location",
        "suspend_data",
        "lesson_status",
        "completion_status",
        "success_status",
        "score_raw",
        "score_min",
        "score_max",
        "score_scaled",
        "exit",
    ):
        value = getattr(update, name)
        if value is not None:
            setattr(registration, name, value)
    if update.interactions:
        registration.interactions = records_merge(
            registration.interactions, update.interactions, limit=MAX_INTERACTIONS
        )
    if update.objectives:
        registration.objectives = records_merge(
            registration.objectives, update.objectives, limit=MAX_OBJECTIVES
        )
    if update.session_key != registration.session_key:
        registration.total_seconds += registration.session_seconds
        registration.session_key = update.session_key
        registration.session_seconds = 0
    if update.session_seconds is not None:
        registration.session_seconds = update.session_seconds
    registration.commits += 1
    now = timezone.now()
    newly_passed = _passed(registration) and registration.passed_at is None
    newly_completed = _completed(registration) and registration.completed_at is None
    if newly_passed:
        registration.passed_at = now
    if newly_completed:
        registration.completed_at = now
    registration.full_clean(exclude=["enrolment", "lesson", "package"])
    siblings = _siblings(registration)  # as saved before this commit
    before = lesson_rollup(
        items=registration.package.launchable,
        registrations=siblings,
        requires_pass=registration.lesson.completion_requires_pass,
    )
    registration.save()
    after_commit = [
        registration if sibling.pk == registration.pk else sibling
        for sibling in siblings
    ]
    # The items the package's preconditions keep closed now (the lesson page opens
    # the others in its contents without being loaded again).
    navigation = navigator(package=registration.package, registrations=after_commit)
    registration.items_closed = [
        item["identifier"]
        for item in registration.package.launchable
        if navigation.disabled(item["identifier"])
    ]
    if newly_passed or newly_completed:
        return _rollup_apply(
            registration=registration,
            registrations=after_commit,
            before=before,
            now=now,
        )
    registration.lesson_rollup = before
    return registration


def _siblings(registration: ScormRegistration) -> list[ScormRegistration]:
    """The learner's registrations for the lesson's items, the given one included."""
    return list(
        ScormRegistration.objects.filter(
            enrolment_id=registration.enrolment_id,
            lesson_id=registration.lesson_id,
            package_id=registration.package_id,
        )
    )


def _rollup_apply(
    *, registration: ScormRegistration, registrations, before, now
) -> ScormRegistration:
    """Feed the lesson's completion and evidence when the rollup over its items has
    just become completed or passed."""
    from ..services import lesson_complete

    lesson = registration.lesson
    after = lesson_rollup(
        items=registration.package.launchable,
        registrations=registrations,
        requires_pass=lesson.completion_requires_pass,
    )
    registration.lesson_rollup = after
    if after.passed and not before.passed and lesson.score_is_evidence:
        _evidence_record(registration, now=now)
    enrolment = registration.enrolment
    if (
        after.completed
        and not before.completed
        and enrolment.status == Enrolment.Status.ACTIVE
    ):
        lesson_complete(user=enrolment.user, lesson=lesson)
    return registration


#: Tree fields add_child sets; the rest of a new page is checked before it is added.
_TREE_FIELDS = ["path", "depth", "numchild", "url_path"]


def _draft_add(*, parent, page, user) -> None:
    """Check `page` as the admin's editor would, add it under `parent` as a draft
    owned by `user`, and record its first revision (logged as Wagtail's editor
    logs it). A ValidationError adds nothing."""
    page.owner = user
    page.live = False
    page._cached_parent_obj = parent  # the slug is made unique among its siblings
    page.full_clean(exclude=_TREE_FIELDS)
    parent.add_child(instance=page)
    page.save_revision(user=user, log_action=True)


@transaction.atomic
def course_from_package(*, package: ScormPackage, user):
    """A draft course made of the package, for `user` to complete (competencies)
    and submit for review: its course page under the catalogue where `user` may add
    courses, with one SCORM lesson that plays the whole package (all its SCOs, in
    the manifest's order and navigation). Returns (course, created).

    The caller has checked `courses.create_course_from_package`. Idempotent: a
    package that already plays in a course gives that course back (created False),
    so that a form sent twice makes one course; the package row is locked while the
    course is made, so two concurrent submissions wait for each other. All or
    nothing: a refusal (ScormError) leaves no page behind.
    """
    from django.core.exceptions import ValidationError

    from ..models import CoursePage
    from ..page_permissions import forget_authored_courses
    from .selectors import (
        catalogue_for_author,
        course_of_package,
        course_plan_for_package,
    )

    locked = ScormPackage.objects.select_for_update().get(pk=package.pk)
    existing = course_of_package(locked)
    if existing is not None:
        return existing, False
    catalogue = catalogue_for_author(user)
    if catalogue is None:
        raise ScormError(_("You may not add a course to the catalogue."), status=403)
    plan = course_plan_for_package(locked)
    course = CoursePage(
        title=plan.title,
        title_en=plan.title_en,
        summary=plan.summary,
        summary_en=plan.summary_en,
        description=plan.description,
        description_en=plan.description_en,
    )
    if plan.learning_hours is not None:
        course.learning_hours = plan.learning_hours
    lesson = ScormLessonPage(
        title=plan.lesson_title, title_en=plan.title_en, package=locked
    )
    if plan.estimated_minutes is not None:
        lesson.estimated_minutes = plan.estimated_minutes
    try:
        _draft_add(parent=catalogue, page=course, user=user)
        _draft_add(parent=course, page=lesson, user=user)
    except ValidationError as error:
        raise ScormError(
            _("The course cannot be made from this package: %(problem)s")
            % {"problem": " ".join(error.messages)}
        ) from None
    forget_authored_courses(user)
    return CoursePage.objects.get(pk=course.pk), True
