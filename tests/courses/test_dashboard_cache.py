"""The learner dashboard's per-learner cache (courses/dashboard_cache.py): a second
visit reads it, and every write the dashboard shows orphans it, for that learner
only."""

from datetime import date

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from competencies.models import Evidence
from competencies.services import evidence_record
from courses import dashboard_cache
from courses.models import CourseAssignment
from courses.selectors import lessons_of
from courses.services import enrolment_create, lesson_complete
from tests.courses.assessment_helpers import make_assessment, make_bank, single
from tests.factories import UserFactory, competency, course, level

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.ACADEMY_DASHBOARD_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def _key(user) -> str:
    return dashboard_cache.dashboard_key(user.pk)


def test_a_second_visit_reads_the_cache(client, cached, learner, governance_course):
    enrolment_create(user=learner, course=governance_course)
    client.force_login(learner)
    with CaptureQueriesContext(connection) as first:
        client.get("/dashboard/")
    with CaptureQueriesContext(connection) as second:
        response = client.get("/dashboard/")

    assert response.status_code == 200
    assert governance_course.title in response.content.decode()
    assert len(second) <= 3 < len(first)


def test_enrolling_shows_at_once(client, cached, learner, framework_academy):
    client.force_login(learner)
    client.get("/dashboard/")
    page = course("หลักสูตรใหม่ล่าสุด", slug="newest", lessons=1)
    enrolment_create(user=learner, course=page)

    assert "หลักสูตรใหม่ล่าสุด" in client.get("/dashboard/").content.decode()


def test_progress_and_completion_bump_the_learner(cached, learner, governance_course):
    enrolment_create(user=learner, course=governance_course)
    first, second = lessons_of(governance_course)
    before = _key(learner)
    lesson_complete(user=learner, lesson=first)
    after_progress = _key(learner)
    lesson_complete(user=learner, lesson=second)  # completes the course

    assert before != after_progress != _key(learner)


def test_evidence_bumps_the_learner(cached, learner, framework_academy):
    item = competency(framework_academy, "ACD-GOV-02")
    before = _key(learner)
    evidence_record(
        person=learner.person_record,
        competency=item,
        level=level(framework_academy, 2),
        source=Evidence.Source.ASSESSMENT,
        observed_on=date(2025, 1, 15),
    )

    assert _key(learner) != before


def test_placement_and_person_bump_the_learner(cached, learner):
    before = _key(learner)
    learner.person_record.placements.get().save()
    after_placement = _key(learner)
    learner.person_record.save()

    assert before != after_placement != _key(learner)


def test_an_attempt_bumps_the_learner(cached, learner, framework_academy):
    from courses.assessments.services import attempt_start

    gov02 = competency(framework_academy, "ACD-GOV-02")
    bank = make_bank(framework_academy)
    for n in range(3):
        single(bank, gov02, 1, f"Q{n}")
    placement = make_assessment(area=gov02.parent, rules=[(bank, gov02, 2)])
    before = _key(learner)
    attempt_start(user=learner, assessment=placement)

    assert _key(learner) != before


def test_an_assignment_bumps_every_dashboard(cached, learner, governance_course):
    from competencies.hr.selectors import hr_access
    from courses.assignments import selectors
    from courses.assignments.services import assignment_create
    from tests.factories import hr_officer

    unit = learner.person_record.placements.get().unit
    before = _key(learner)
    assignment = assignment_create(
        access=hr_access(hr_officer(unit)),
        course=governance_course,
        due_on=date.today().replace(year=date.today().year + 1),
        target=selectors.AssignmentTarget(unit=unit),
    )
    assert assignment.assignees.filter(person=learner.person_record).exists()

    assert _key(learner) != before
    before = _key(learner)
    CourseAssignment.objects.get(pk=assignment.pk).save()
    assert _key(learner) != before


def test_publishing_the_catalogue_bumps_every_dashboard(
    cached, learner, governance_course
):
    before = _key(learner)
    governance_course.save_revision().publish()

    assert _key(learner) != before


def test_another_learners_writes_leave_this_dashboard_cached(
    cached, learner, governance_course
):
    other = UserFactory(email="other@example.go.th")
    before = _key(learner)
    enrolment_create(user=other, course=governance_course)
    lesson_complete(user=other, lesson=lessons_of(governance_course)[0])

    assert _key(learner) == before


def test_the_key_holds_the_day_and_the_language(cached, learner, settings):
    from django.utils import translation

    with translation.override("th"):
        thai = _key(learner)
    with translation.override("en"):
        english = _key(learner)

    assert thai != english
    assert date.today().isoformat()[:4] in thai


def test_people_changed_in_bulk_bump_their_learners(cached, learner):
    from competencies.models import Person
    from competencies.signals import people_changed_in_bulk

    other = UserFactory(email="other@example.go.th")
    before, others_before = _key(learner), _key(other)
    people_changed_in_bulk.send(sender=Person, person_ids=[learner.person_record.pk])

    assert _key(learner) != before
    assert _key(other) == others_before


def test_moving_a_unit_bumps_the_learners_under_it(cached, learner):
    from tests.factories import org_unit

    unit = learner.person_record.placements.get().unit
    elsewhere = org_unit("ELSEWHERE", kind="ministry")
    before = _key(learner)
    unit.move(elsewhere, pos="last-child")

    assert _key(learner) != before


def test_assignees_added_in_bulk_bump_every_dashboard(
    cached, learner, governance_course
):
    """The daily run adds people who came to match an assignment without saving it."""
    from competencies.hr.selectors import hr_access
    from courses.assignments import selectors
    from courses.assignments.services import (
        assignment_create,
        assignments_add_new_members,
    )
    from tests.factories import PlacementFactory, hr_officer

    unit = learner.person_record.placements.get().unit
    assignment_create(
        access=hr_access(hr_officer(unit)),
        course=governance_course,
        due_on=date.today().replace(year=date.today().year + 1),
        target=selectors.AssignmentTarget(unit=unit),
        include_new_members=True,
    )
    newcomer = UserFactory(email="newcomer@example.go.th")
    PlacementFactory(unit=unit, person__user=newcomer)
    before = _key(newcomer)

    assert assignments_add_new_members() == 1
    assert _key(newcomer) != before


# ------------------------------------------------------------------------------
# The page's HTML, cached beside the data
# ------------------------------------------------------------------------------


def _rendered(monkeypatch) -> list[str]:
    """The dashboard's cached part's renders, by the view."""
    from courses import views

    renders = []
    original = views.render_to_string

    def counting(template, *args, **kwargs):
        renders.append(template)
        return original(template, *args, **kwargs)

    monkeypatch.setattr(views, "render_to_string", counting)
    return renders


def test_a_second_visit_renders_nothing_from_the_data(
    client, cached, learner, governance_course, monkeypatch
):
    enrolment_create(user=learner, course=governance_course)
    client.force_login(learner)
    renders = _rendered(monkeypatch)
    first = client.get("/dashboard/").content.decode()
    second = client.get("/dashboard/").content.decode()

    assert renders == ["courses/includes/dashboard_rest.html"]
    assert second == first
    assert governance_course.title in second


def test_the_cached_html_follows_the_learners_writes(
    client, cached, learner, governance_course, monkeypatch
):
    enrolment_create(user=learner, course=governance_course)
    client.force_login(learner)
    renders = _rendered(monkeypatch)
    before = client.get("/dashboard/").content.decode()
    lesson_complete(user=learner, lesson=lessons_of(governance_course)[0])
    after = client.get("/dashboard/").content.decode()

    assert len(renders) == 2
    assert "0 จาก 2 บทเรียน" in before or "0 of 2 lessons" in before
    assert "1 จาก 2 บทเรียน" in after or "1 of 2 lessons" in after


def test_the_cached_html_is_the_hosts(
    client, cached, learner, governance_course, monkeypatch, settings
):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    client.force_login(learner)
    renders = _rendered(monkeypatch)
    client.get("/dashboard/")
    client.get("/dashboard/", HTTP_HOST="other.example")
    client.get("/dashboard/", HTTP_HOST="other.example")

    assert len(renders) == 2


def test_one_learners_cached_html_is_never_anothers(
    client, cached, learner, monkeypatch
):
    """The cached page is the learner's own: a second learner, visiting after the
    first's page was cached, gets a page rendered for them, without the first's
    courses."""
    own = course("หลักสูตรเฉพาะของผู้เรียนคนแรก", lessons=1)
    enrolment_create(user=learner, course=own)
    other = UserFactory(email="other-learner@example.go.th")
    renders = _rendered(monkeypatch)
    client.force_login(learner)
    first = client.get("/dashboard/").content.decode()
    client.force_login(other)
    seen = client.get("/dashboard/").content.decode()

    assert own.title in first
    assert own.title not in seen
    assert len(renders) == 2


def test_an_assigned_courses_form_carries_this_requests_token(
    cached, learner, governance_course
):
    """The assigned courses (a form to start each) are rendered at every visit: a
    dashboard read from the cache after signing in again posts."""
    from django.test import Client
    from django.urls import reverse

    from competencies.hr.selectors import hr_access
    from courses.assignments import selectors
    from courses.assignments.services import assignment_create
    from courses.models import Enrolment
    from tests.factories import hr_officer

    unit = learner.person_record.placements.get().unit
    assignment_create(
        access=hr_access(hr_officer(unit)),
        course=governance_course,
        due_on=date.today().replace(year=date.today().year + 1),
        target=selectors.AssignmentTarget(unit=unit),
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    client.get("/dashboard/")  # cached now
    client.logout()
    client.force_login(learner)  # a new sign-in rotates the CSRF token
    page = client.get("/dashboard/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    enrol = reverse("courses:enrol", args=[governance_course.pk])

    assert enrol in page
    response = client.post(enrol, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Enrolment.objects.filter(user=learner, course=governance_course).exists()


# ------------------------------------------------------------------------------
# Mass deletes: each learner bumped once, not once per row
# ------------------------------------------------------------------------------


class _VersionWrites:
    """The shared cache as dashboard_cache sees it, counting writes of learners'
    versions by learner."""

    def __init__(self):
        self.by_key: dict[str, int] = {}

    def _count(self, keys) -> None:
        for key in keys:
            if key.startswith("academy:learner:"):
                self.by_key[key] = self.by_key.get(key, 0) + 1

    def set(self, key, *args, **kwargs):
        self._count([key])
        return cache.set(key, *args, **kwargs)

    def set_many(self, mapping, *args, **kwargs):
        self._count(mapping)
        return cache.set_many(mapping, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(cache, name)


@pytest.fixture
def version_writes(monkeypatch):
    writes = _VersionWrites()
    monkeypatch.setattr(dashboard_cache, "cache", writes)
    return writes


def _learners_with_progress(page, n, *, start=0):
    """n learners enrolled in `page`, each with its first lesson completed."""
    users = [UserFactory(email=f"mass{start + i}@example.go.th") for i in range(n)]
    first = lessons_of(page)[0]
    for user in users:
        enrolment_create(user=user, course=page)
        lesson_complete(user=user, lesson=first)
    return users


def _delete_counted(delete, version_writes, capture_commits):
    """(queries, version writes by key) of `delete()` and its commit."""
    version_writes.by_key.clear()
    with (
        CaptureQueriesContext(connection) as captured,
        capture_commits(execute=True),
    ):
        delete()
    return len(captured), dict(version_writes.by_key)


def test_deleting_a_course_bumps_each_learner_once(
    cached, framework_academy, version_writes, django_capture_on_commit_callbacks
):
    counts = {}
    for n in (1, 50):
        page = course(f"หลักสูตรที่จะลบ {n}", slug=f"deleted-{n}", lessons=2)
        users = _learners_with_progress(page, n, start=n)
        queries, writes = _delete_counted(
            page.delete, version_writes, django_capture_on_commit_callbacks
        )
        counts[n] = queries
        # Once at the first row, once when the deletion commits.
        assert writes == {
            dashboard_cache.LEARNER_VERSION_KEY.format(user_id=user.pk): 2
            for user in users
        }
    assert counts[1] == counts[50]


def test_a_queryset_delete_of_progress_bumps_each_learner_once(
    cached, governance_course, version_writes, django_capture_on_commit_callbacks
):
    from courses.models import LessonProgress

    counts = {}
    for n in (1, 50):
        users = _learners_with_progress(governance_course, n, start=100 + n)
        before = {user.pk: _key(user) for user in users}
        queries, writes = _delete_counted(
            LessonProgress.objects.filter(enrolment__user__in=users).delete,
            version_writes,
            django_capture_on_commit_callbacks,
        )
        counts[n] = queries
        # Resolved from the enrolments in one query when the deletion commits.
        assert writes == {
            dashboard_cache.LEARNER_VERSION_KEY.format(user_id=user.pk): 1
            for user in users
        }
        assert all(_key(user) != before[user.pk] for user in users)
    assert counts[1] == counts[50]


def test_a_learners_own_read_in_the_transaction_sees_the_deletion(
    cached, learner, governance_course
):
    """Progress deleted inside a transaction bumps its learner before this thread
    next reads their version, not only at the commit."""
    from django.db import transaction

    from courses.models import LessonProgress

    enrolment_create(user=learner, course=governance_course)
    lesson_complete(user=learner, lesson=lessons_of(governance_course)[0])
    before = _key(learner)
    with transaction.atomic():
        LessonProgress.objects.filter(enrolment__user=learner).delete()
        assert _key(learner) != before


def test_a_second_transaction_bumps_the_learner_again(
    cached, learner, governance_course
):
    """What a transaction bumped does not spare the next one its bumps."""
    from django.db import transaction

    from courses.models import LessonProgress

    enrolment = enrolment_create(user=learner, course=governance_course)
    first, second = lessons_of(governance_course)
    lesson_complete(user=learner, lesson=first)
    with transaction.atomic():
        LessonProgress.objects.filter(enrolment=enrolment).delete()
    between = _key(learner)
    LessonProgress.objects.bulk_create(  # no signal, no bump
        [LessonProgress(enrolment=enrolment, lesson=second)]
    )
    assert _key(learner) == between
    with transaction.atomic():
        LessonProgress.objects.filter(enrolment=enrolment).delete()
    assert _key(learner) != between
