"""The HR person page's learning and results sections (hr.sections_courses)."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

import pytest

from competencies.hr.selectors import hr_access
from courses.assessments.services import attempt_start, attempt_submit
from courses.assignments.selectors import AssignmentTarget
from courses.assignments.services import assignment_create
from courses.models import CourseCompletion
from courses.selectors import lessons_of, person_learning
from courses.services import enrolment_create, lesson_complete
from hr.sections_courses import RECENT_RESULTS
from tests.courses.assessment_helpers import answers, make_assessment, make_bank, single
from tests.factories import UserFactory, competency, course
from tests.queries import page_queries

pytestmark = pytest.mark.django_db

BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def target_user(hr_world):
    """The HR world's target, given an account so they can learn."""
    user = UserFactory(email="somsri@example.go.th")
    hr_world.target.user = user
    hr_world.target.save(update_fields=["user"])
    return user


def _page(client, viewer, person) -> str:
    client.force_login(viewer)
    response = client.get(reverse("hr:person", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _results_assessment(framework, attempts_allowed=None):
    item = competency(framework, "ACD-GOV-02")
    bank = make_bank(framework)
    single(bank, item, 2, "q1")
    return make_assessment(
        area=item.parent,
        rules=[(bank, item, 1)],
        title="แบบทดสอบธรรมาภิบาลข้อมูล",
        attempts_allowed=attempts_allowed,
    )


def test_learning_section_shows_enrolments_progress_and_fiscal_year_hours(
    client, hr_world, target_user
):
    governance = course("การกำกับดูแลข้อมูลภาครัฐ", lessons=2, learning_hours=6)
    security = course("ความมั่นคงปลอดภัยไซเบอร์", lessons=4, learning_hours=3)
    enrolment_create(user=target_user, course=governance)
    for lesson in lessons_of(governance):
        lesson_complete(user=target_user, lesson=lesson)
    enrolment_create(user=target_user, course=security)
    lesson_complete(user=target_user, lesson=lessons_of(security)[0])
    # Completed in November 2025: fiscal year 2026 (B.E. 2569).
    CourseCompletion.objects.filter(user=target_user).update(
        completed_at=datetime(2025, 11, 3, 10, tzinfo=BANGKOK)
    )

    learning = person_learning(hr_world.target)
    progress = {s.enrolment.course_id: s.percent for s in learning.enrolments}
    assert progress == {governance.pk: 100, security.pk: 25}
    assert [(year, float(hours), n) for year, hours, n in learning.hours_by_year] == [
        (2026, 6.0, 1)
    ]

    mandatory = course("จริยธรรมข้อมูล", slug="data-ethics", lessons=1)
    assignment_create(
        access=hr_access(hr_world.officer),
        course=mandatory,
        due_on=timezone.localdate() + timedelta(days=9),
        target=AssignmentTarget(unit=hr_world.unit),
    )
    assert [a.course.pk for a in person_learning(hr_world.target).assignments] == [
        mandatory.pk
    ]

    html = _page(client, hr_world.officer, hr_world.target)
    assert "จริยธรรมข้อมูล" in html
    assert "ความมั่นคงปลอดภัยไซเบอร์" in html
    assert "การกำกับดูแลข้อมูลภาครัฐ" in html
    assert 'value="25"' in html
    assert "2569" in html  # the fiscal year in the Buddhist Era


def test_a_person_without_an_account_has_no_learning(client, hr_world):
    assert person_learning(hr_world.target).enrolments == []
    html = _page(client, hr_world.officer, hr_world.target)
    assert "This person has no account yet" in html or "ยังไม่มีบัญชี" in html


def test_officer_sees_results_and_supervisor_does_not(client, hr_world, target_user):
    assessment = _results_assessment(hr_world.framework)
    attempt = attempt_start(user=target_user, assessment=assessment)
    attempt_submit(attempt=attempt, responses=answers(attempt))

    officer_html = _page(client, hr_world.officer, hr_world.target)
    assert "แบบทดสอบธรรมาภิบาลข้อมูล" in officer_html
    assert "100%" in officer_html

    supervisor_html = _page(client, hr_world.supervisor_user, hr_world.target)
    assert "section-coursesresults-h" not in supervisor_html
    assert 'class="hr-results"' not in supervisor_html
    # The supervisor still sees the learning section (read-only).
    assert "section-courseslearning-h" in supervisor_html


def test_an_officer_reading_results_is_audited_a_supervisor_not(
    client, hr_world, target_user
):
    from academy.accounts.audit import AuditAction
    from academy.accounts.models import AuditEntry

    _page(client, hr_world.officer, hr_world.target)
    assert not AuditEntry.objects.filter(action=AuditAction.RESULTS_VIEW).exists()

    assessment = _results_assessment(hr_world.framework)
    attempt = attempt_start(user=target_user, assessment=assessment)
    attempt_submit(attempt=attempt, responses=answers(attempt))
    _page(client, hr_world.supervisor_user, hr_world.target)
    assert not AuditEntry.objects.filter(action=AuditAction.RESULTS_VIEW).exists()

    _page(client, hr_world.officer, hr_world.target)
    entry = AuditEntry.objects.get(action=AuditAction.RESULTS_VIEW)
    assert entry.actor == hr_world.officer
    assert entry.subject_person_id == hr_world.target.pk
    assert entry.detail == {"section": "courses.results", "attempts": [attempt.pk]}


def test_results_list_the_latest_and_link_to_the_rest(client, hr_world, target_user):
    assessment = _results_assessment(hr_world.framework)
    for _ in range(RECENT_RESULTS + 1):
        attempt = attempt_start(user=target_user, assessment=assessment)
        attempt_submit(attempt=attempt, responses=answers(attempt, right=set()))
    html = _page(client, hr_world.officer, hr_world.target)
    link = reverse("hr:assessments") + f"?person={hr_world.target.pk}"
    assert link in html
    section = html.split('id="section-coursesresults-h"')[1].split("</section>")[0]
    numbers = re.findall(r"<tr>\s*<td>[^<]*</td>\s*<td>(\d+)</td>", section)
    # The latest first; the oldest attempt is behind the link.
    assert numbers == [str(n) for n in range(RECENT_RESULTS + 1, 1, -1)]


_queries = page_queries


def test_person_page_query_budget_with_1_and_50_enrolments_and_results(
    client, hr_world, target_user
):
    assessment = _results_assessment(hr_world.framework)
    counter = iter(range(100))

    def grow(n):
        for _ in range(n):
            k = next(counter)
            item = course(
                f"หลักสูตรทดสอบ {k}", slug=f"budget-{k}", lessons=2, revisions=False
            )
            enrolment_create(user=target_user, course=item)
            lesson_complete(user=target_user, lesson=lessons_of(item)[0])
            attempt = attempt_start(user=target_user, assessment=assessment)
            attempt_submit(attempt=attempt, responses=answers(attempt))

    client.force_login(hr_world.officer)
    url = reverse("hr:person", args=[hr_world.target.pk])
    grow(1)
    _queries(client, url)  # warm per-process caches
    one = _queries(client, url)
    grow(49)
    fifty = _queries(client, url)
    # 10 reads (sign-in and scope 3, the person with their placements 1, evidence
    # 1, optional choices 1, the learning section 2: enrolments with their lessons
    # done and completions, assignments; results 1, certificates 1) and the view's
    # audit entries in one INSERT.
    assert one == fifty <= 11
