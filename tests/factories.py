"""factory_boy factories for the Academy's models."""

from contextlib import contextmanager
from datetime import date

from django.contrib.auth import get_user_model

import factory

from competencies.models import (
    Competency,
    Evidence,
    LineOfWork,
    OrgUnit,
    Person,
    Placement,
    PositionLevel,
    PositionType,
    ProficiencyLevel,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.go.th")
    first_name = "สมชาย"
    last_name = "ใจดี"
    password = factory.django.Password("correct-horse-42")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        from academy.accounts.services import user_grant_roles

        user_grant_roles(user=self, roles=tuple(extracted))


def org_unit(
    code: str, *, parent: OrgUnit | None = None, kind: str = "unit", name=None
):
    """Create an organisation unit through the tree API (treebeard needs add_child)."""
    from competencies.services import org_unit_create

    return org_unit_create(
        code=code,
        name_th=name or f"หน่วยงาน {code}",
        name_en=f"Unit {code}",
        kind=kind,
        parent=parent,
    )


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    employee_number = factory.Sequence(lambda n: f"E{n:06d}")
    title_th = "นาย"
    first_name_th = factory.Sequence(lambda n: f"สมชาย{n}")
    last_name_th = "ใจดี"
    first_name_en = factory.Sequence(lambda n: f"Somchai{n}")
    last_name_en = "Jaidee"
    email = factory.Sequence(lambda n: f"person{n}@example.go.th")


def line_of_work(key: str) -> LineOfWork:
    """A line of work by its published code, or by its Thai name where it has none."""
    if key[:1].isdigit():
        return LineOfWork.objects.get(code=key)
    return LineOfWork.objects.get(name_th=key)


def position(type_code: str, level_code: str) -> tuple[PositionType, PositionLevel]:
    position_type = PositionType.objects.get(code=type_code)
    return position_type, position_type.levels.get(code=level_code)


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    person = factory.SubFactory(PersonFactory)
    position_type = factory.LazyFunction(
        lambda: PositionType.objects.get(code="knowledge")
    )
    position_level = factory.LazyAttribute(
        lambda o: o.position_type.levels.order_by("rank").first()
    )
    line_of_work = factory.LazyFunction(lambda: line_of_work("3-1-0012"))
    scheme = factory.LazyAttribute(lambda o: o.position_type.scheme)
    starts_on = date(2020, 10, 1)


def level(framework, rank: int) -> ProficiencyLevel:
    return framework.scale.levels.get(rank=rank)


def competency(framework, code: str) -> Competency:
    return framework.competencies.get(code=code)


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    person = factory.SubFactory(PersonFactory)
    source = Evidence.Source.ASSESSMENT
    observed_on = date(2026, 1, 15)


@contextmanager
def _receiver_held(signal, receiver, senders):
    """Within the block, `signal` sent by one of `senders` does not reach `receiver`;
    afterwards its connections are back where they were in the receivers' order."""
    from django.dispatch.dispatcher import _make_id

    held_keys = {(_make_id(receiver), _make_id(sender)) for sender in senders}
    with signal.lock:
        held = [
            (index, entry)
            for index, entry in enumerate(signal.receivers)
            if entry[0] in held_keys
        ]
        signal.receivers = [e for e in signal.receivers if e[0] not in held_keys]
        signal.sender_receivers_cache.clear()
    try:
        yield
    finally:
        with signal.lock:
            for index, entry in held:
                signal.receivers.insert(index, entry)
            signal.sender_receivers_cache.clear()


@contextmanager
def _index_updates_deferred():
    """Within the block, saving or publishing a course or a lesson writes neither
    Wagtail's search index nor its reference index, nor the Academy's course search
    index (courses.search): _indexes_written writes them once afterwards."""
    from django.db.models.signals import post_save

    from wagtail.signal_handlers import disable_reference_index_auto_update
    from wagtail.signals import page_published

    from modelsearch.signal_handlers import post_save_signal_handler

    from courses.models import CoursePage, LessonPage
    from courses.search.handlers import page_changed

    senders = (CoursePage, LessonPage)
    with (
        _receiver_held(post_save, post_save_signal_handler, senders),
        _receiver_held(page_published, page_changed, senders),
        disable_reference_index_auto_update(),
    ):
        yield


def _indexes_written(course_page, *lessons, course_published: bool) -> None:
    """What the receivers _index_updates_deferred held back would have left after the
    last save: each page's search and reference index entries, as their tasks write
    them, and the course's search entries when it was published."""
    from wagtail.tasks import update_reference_index_task

    from modelsearch.tasks import insert_or_update_object_task

    from courses.search.services import search_index_update

    for page in (course_page, *lessons):
        meta = page._meta
        insert_or_update_object_task.enqueue(
            meta.app_label, meta.model_name, str(page.pk)
        )
        update_reference_index_task.enqueue(
            meta.app_label, meta.model_name, str(page.pk)
        )
    if course_published:
        search_index_update(course_id=course_page.pk)


def course(
    title: str = "การกำกับดูแลข้อมูลภาครัฐ",
    *,
    lessons: int = 2,
    competencies: list[tuple[Competency, int]] = (),
    publish: bool = True,
    revisions: bool = True,
    owner=None,
    **fields,
):
    """A live course under the catalogue with `lessons` live lessons.

    competencies: (competency, level rank) pairs the course develops.

    revisions=False makes the pages live as publishing leaves them (live, no unpublished
    changes, published dates; `page_published` sent, so the search index and the page
    cache follow) without the revision rows, log entries and repeated saves that
    publishing each page costs: about a quarter of the time. For growing many courses
    in query-budget tests, which read the pages as the site serves them, not their
    history.
    """
    from django.utils import timezone
    from django.utils.text import slugify

    from wagtail.signals import page_published

    from courses.models import CatalogPage, CourseCompetency, CoursePage, LessonPage

    catalogue = CatalogPage.objects.get()
    fields.setdefault("summary", f"สรุปหลักสูตร {title}")
    # Without revisions the pages are saved once, already in their published state.
    published_now = publish and not revisions
    if published_now:
        now = timezone.now()
        live_state = {
            "has_unpublished_changes": False,
            "first_published_at": now,
            "last_published_at": now,
        }
    else:
        live_state = {}
    page = CoursePage(
        title=title,
        slug=fields.pop("slug", None)
        or slugify(fields.get("title_en") or title, allow_unicode=True)
        or "course",
        owner=owner,
        live=publish,
        **live_state,
        **fields,
    )
    for rank_order, (item, rank) in enumerate(competencies):
        page.competency_links.add(
            CourseCompetency(
                competency=item,
                # Capped at the scale's top: a pass / not-yet scale has one level.
                level=item.framework.scale.levels.filter(rank__lte=rank)
                .order_by("-rank")
                .first(),
                sort_order=rank_order,
            )
        )
    lessons_made = []
    # Each page is saved three times (added, its revision saved, published): the
    # search and reference indexes are written once, for the pages as they end.
    with _index_updates_deferred():
        catalogue.add_child(instance=page)
        if publish and revisions:
            page.save_revision().publish()
        for n in range(1, lessons + 1):
            lesson = LessonPage(
                title=f"บทที่ {n}",
                slug=f"lesson-{n}",
                body=[("paragraph", f"<p>เนื้อหาบทที่ {n}</p>")],
                live=publish,
                **live_state,
            )
            page.add_child(instance=lesson)
            if publish and revisions:
                lesson.save_revision().publish()
            lessons_made.append(lesson)
    _indexes_written(page, *lessons_made, course_published=publish and revisions)
    if published_now:
        # What publishing tells the apps; the course's receivers read its lessons too.
        page_published.send(sender=CoursePage, instance=page, revision=None)
    return CoursePage.objects.get(pk=page.pk)


# ------------------------------------------------------------------------------
# The HR workspace
# ------------------------------------------------------------------------------


def hr_officer(*units: OrgUnit, **fields):
    """A user with the HR officer role whose scope is `units`' subtrees."""
    from academy.accounts.roles import Role
    from competencies.hr.services import hr_scope_assign

    user = UserFactory(roles=[Role.HR_OFFICER], **fields)
    for unit in units:
        hr_scope_assign(user=user, unit=unit)
    return user


def thai_national_id(number: int) -> str:
    """A valid 13-digit Thai national ID (mod-11 check digit) made from `number`."""
    body = f"1{number % 10**11:011d}"
    total = sum(int(digit) * (13 - index) for index, digit in enumerate(body))
    return body + str((11 - total % 11) % 10)


STAFF_CSV_HEADER = (
    "employee_number,national_id,title_th,first_name_th,last_name_th,first_name_en,"
    "last_name_en,email,unit_code,position_type,position_level,line_of_work,"
    "supervisor_employee_number,start_date\n"
)


def staff_csv_line(number: int, **overrides) -> str:
    """One line of the HR system's staff file (see STAFF_CSV_HEADER), valid by default."""
    values = {
        "employee_number": f"H{number:06d}",
        "national_id": thai_national_id(number),
        "title_th": "นางสาว",
        "first_name_th": f"ทดสอบ{number}",
        "last_name_th": "นำเข้า",
        "first_name_en": f"Test{number}",
        "last_name_en": "Import",
        "email": f"e{number}@example.go.th",
        "unit_code": "V1",
        "position_type": "knowledge",
        "position_level": "practitioner",
        "line_of_work": "3-1-0012",
        "supervisor_employee_number": "",
        "start_date": "2024-10-01",
    }
    values.update(overrides)
    return ",".join(str(value) for value in values.values()) + "\n"
