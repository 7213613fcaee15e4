import logging
from io import StringIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from wagtail.models import Revision

import pytest

from certificates.models import Certificate
from competencies.models import (
    Evidence,
    Framework,
    HRScope,
    LineOfWork,
    OrgUnit,
    Person,
    Placement,
)
from competencies.selectors import person_profile
from courses.assessments.selectors import dashboard_assessments
from courses.assessments.services import attempt_start, attempt_submit
from courses.models import (
    Assessment,
    Assignee,
    CourseAssignment,
    CourseCompletion,
    CoursePage,
    Enrolment,
    LessonPage,
    Question,
)
from courses.selectors import dashboard_for_user, lessons_of
from courses.services import lesson_complete
from demo.management.commands.seed_demo import CHATTY_LOGGERS
from tests.courses.assessment_helpers import answers

# One process runs this module's tests in a row (pytest-xdist, --dist loadgroup), so
# TestSeededDemo seeds the demo once for all its tests.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("seed_demo")]

ROLES = {
    "learner@academy.example": "learner",
    "instructor@academy.example": "instructor",
    "hr@academy.example": "hr_officer",
    "admin@academy.example": "academy_admin",
}


def _seed(monkeypatch=None, password: str | None = None) -> str:
    if monkeypatch is not None:
        if password is None:
            monkeypatch.delenv("ACADEMY_DEMO_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("ACADEMY_DEMO_PASSWORD", password)
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


class _Records(logging.Handler):
    """The log records at INFO and above, as pytest's caplog.at_level(INFO) keeps them."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo seeded once for a class (password "demo-password-1"), in a
    transaction rolled back after it; each test's own transaction is a savepoint
    inside it, so every test sees the demo as the seed left it. Its files (the
    certificates' PDFs) go to a temporary folder, as every test's do.

    Returns the log records the seed wrote at INFO and above: seeding costs seconds,
    so the test of a first seed reads this one rather than seeding again."""
    files = tmp_path_factory.mktemp("seeded")
    root = logging.getLogger()
    records = _Records()
    with (
        override_settings(
            MEDIA_ROOT=files / "media", ACADEMY_PRIVATE_MEDIA_ROOT=files / "private"
        ),
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as monkeypatch,
        transaction.atomic(),
    ):
        level = root.level
        root.addHandler(records)
        root.setLevel(logging.INFO)
        try:
            _seed(monkeypatch, "demo-password-1")
        finally:
            root.setLevel(level)
            root.removeHandler(records)
        yield records.records
        transaction.set_rollback(True)


def _counts() -> dict[str, int]:
    User = get_user_model()
    return {
        "users": User.objects.count(),
        "memberships": User.groups.through.objects.count(),
        "groups": Group.objects.count(),
        "frameworks": Framework.objects.count(),
        "org units": OrgUnit.objects.count(),
        "people": Person.objects.count(),
        "placements": Placement.objects.count(),
        "evidence": Evidence.objects.count(),
        "hr scopes": HRScope.objects.count(),
        "courses": CoursePage.objects.count(),
        "lessons": LessonPage.objects.count(),
        "certificates": Certificate.objects.count(),
        "questions": Question.objects.count(),
        "assessments": Assessment.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "revisions": Revision.objects.count(),
        "assignments": CourseAssignment.objects.count(),
        "assignees": Assignee.objects.count(),
    }


@pytest.mark.usefixtures("seeded")
class TestSeededDemo:
    """Tests that read the demo, or run the command again over it."""

    def test_seed_demo_creates_one_user_per_role(self, seeded):
        # Publishing two dozen pages and running their tasks logs nothing at INFO:
        # the accounts and password stay the last thing a newcomer reads.
        chatty = [r for r in seeded if r.name.split(".")[0] in CHATTY_LOGGERS]
        assert [r.getMessage() for r in chatty if r.levelno < logging.WARNING] == []
        assert {logging.getLogger(name).level for name in CHATTY_LOGGERS} == {
            logging.NOTSET
        }, "the loggers are restored after the command"
        User = get_user_model()
        for email, role in ROLES.items():
            user = User.objects.get(email=email)
            assert set(user.groups.values_list("name", flat=True)) == {role}
            assert user.is_superuser == (role == "academy_admin")
            assert Placement.objects.current().filter(person__user=user).count() == 1

    def test_seed_demo_twice_changes_no_counts(self, monkeypatch):
        first = _counts()
        _seed(monkeypatch, "demo-password-1")
        assert _counts() == first
        assert first["people"] > 300
        assert first["frameworks"] >= 2
        assert first["courses"] >= 20
        assert first["lessons"] > first["courses"]
        assert first["certificates"] >= 3
        assert first["hr scopes"] == 1
        assert first["questions"] == 24
        # Mandatory courses (DGA-100, and DGA-103 the demo assigns) need a passed
        # end-of-course quiz to complete, drawn from pools big enough for retakes.
        from courses.assessments.selectors import assessment_pool_warnings

        for code in ("DGA-100", "DGA-103"):
            course = CoursePage.objects.get(code=code)
            assert (
                course.completion_rule
                == CoursePage.CompletionRule.LESSONS_AND_ASSESSMENTS
            )
            quiz = Assessment.objects.get(course=course)
            assert quiz.required_for_completion and quiz.is_published
            assert quiz.feedback_policy == "after_last_attempt"
            assert assessment_pool_warnings(quiz) == []
        assert first["assessments"] == 4
        assert first["assignments"] == 1

    def test_demo_users_reach_their_pages(self, client):
        client.force_login(
            get_user_model().objects.get(email="learner@academy.example")
        )
        assert client.get("/dashboard/").status_code == 200
        assert client.get("/courses/").status_code == 200
        client.force_login(get_user_model().objects.get(email="hr@academy.example"))
        response = client.get("/hr/people/")
        assert response.status_code == 200
        assert response.context["page"].paginator.count > 300

    def test_learner_has_a_group_in_each_active_framework_and_gaps(self):
        learner = Person.objects.get(user__email="learner@academy.example")
        profile = person_profile(learner)
        active = Framework.objects.filter(status=Framework.Status.ACTIVE).count()
        assert profile.placement.position_type.code == "knowledge"
        assert profile.placement.position_level.rank == 1
        assert profile.placement.line_of_work.category != LineOfWork.Category.DIGITAL
        assert profile.placement.unit.kind in ("division", "unit")
        assert len(profile.frameworks) == active
        for framework_profile in profile.frameworks:
            assert framework_profile.group is not None
            # A framework that only offers optional units to the group asks nothing.
            assert (
                framework_profile.total_gap > 0 or not framework_profile.required_rows
            )
        assert profile.frameworks[0].total_gap > 0
        assert any(row.attained_level for fp in profile.frameworks for row in fp.rows)

    def test_password_from_the_environment_signs_in_and_is_not_printed(
        self, monkeypatch, client
    ):
        output = _seed(monkeypatch, "demo-password-2")
        assert "demo-password-2" not in output
        assert "learner@academy.example" in output
        assert client.login(email="learner@academy.example", password="demo-password-2")

    def test_rerun_prints_a_new_password_that_works(self, monkeypatch, client):
        output = _seed(monkeypatch)
        printed = output.split("password: ", 1)[1].split()[0]
        assert printed != "demo-password-1"
        for email in ROLES:
            assert client.login(email=email, password=printed)
            client.logout()

    def test_demo_learner_is_mid_course_with_a_placement_test_and_a_quiz_to_pass(self):
        learner = get_user_model().objects.get(email="learner@academy.example")
        dashboard = dashboard_for_user(user=learner)
        [summary] = dashboard.enrolments
        course = summary.enrolment.course
        assert course.code == "GOV-201"
        assert 0 < summary.percent < 100
        # The HR officer's assignment comes first on the dashboard.
        assert [item.course.code for item in dashboard.assignments] == ["DGA-103"]
        placements = dashboard_assessments(user=learner).placements
        assert [state.assessment.area.code for state in placements] == ["ACD-GOV"]

        # The course's completion now needs its quiz: lessons alone do not complete it.
        assert (
            course.completion_rule == CoursePage.CompletionRule.LESSONS_AND_ASSESSMENTS
        )
        for lesson in lessons_of(course):
            lesson_complete(user=learner, lesson=lesson)
        assert not CourseCompletion.objects.filter(user=learner, course=course).exists()
        quiz = Assessment.objects.get(course=course)
        attempt = attempt_start(user=learner, assessment=quiz)
        assert len(attempt.questions) == 5
        attempt = attempt_submit(attempt=attempt, responses=answers(attempt))
        assert attempt.passed
        assert CourseCompletion.objects.filter(user=learner, course=course).exists()
