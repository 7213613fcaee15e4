"""Assessment pages: nothing secret before submission, own attempts only, CSRF, budgets."""

import json
import re
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone

import pytest

from courses.assessments.services import attempt_start, attempt_submit
from courses.models import Attempt, Question, QuestionOption
from courses.services import enrolment_create
from tests.courses.assessment_helpers import (
    answers,
    make_assessment,
    make_bank,
    single,
    snapshots,
)
from tests.factories import UserFactory, competency, hr_officer, org_unit
from tests.queries import one_and_fifty, page_queries

pytestmark = pytest.mark.django_db

SECRET_ACCEPTED = "คำตอบลับสุดยอด"
SECRET_NUMBER = "4242.5"


@pytest.fixture
def gov02(framework_academy):
    return competency(framework_academy, "ACD-GOV-02")


def _question(bank, gov02, external_id, kind, **fields):
    return Question.objects.create(
        bank=bank,
        external_id=external_id,
        kind=kind,
        competency=gov02,
        level=gov02.framework.scale.levels.get(rank=2),
        prompt=f"ข้อ {external_id}",
        explanation=f"เฉลยลับ {external_id}",
        **fields,
    )


@pytest.fixture
def mixed_quiz(framework_academy, gov02, governance_course, learner):
    """One question of every kind, all drawn, with secrets to look for."""
    bank = make_bank(framework_academy)
    single(bank, gov02, 2, "S1")
    multiple = _question(bank, gov02, "M1", "multiple")
    for n, correct in enumerate([True, True, False]):
        QuestionOption.objects.create(
            question=multiple,
            sort_order=n,
            text=f"ตัวเลือก {n}",
            is_correct=correct,
            feedback=f"ความเห็นลับ M1-{n}",
        )
    truth = _question(bank, gov02, "T1", "true_false")
    QuestionOption.objects.create(
        question=truth, sort_order=0, is_correct=True, feedback="ความเห็นลับ จริง"
    )
    QuestionOption.objects.create(
        question=truth, sort_order=1, feedback="ความเห็นลับ เท็จ"
    )
    matching = _question(bank, gov02, "X1", "matching")
    for n, (left, right) in enumerate([("ก", "หนึ่ง"), ("ข", "สอง"), ("", "สาม")]):
        QuestionOption.objects.create(
            question=matching, sort_order=n, text=left, match=right
        )
    ordering = _question(bank, gov02, "O1", "ordering")
    for n, text in enumerate(["ขั้นแรก", "ขั้นสอง", "ขั้นสาม", "ขั้นสี่"]):
        QuestionOption.objects.create(question=ordering, sort_order=n, text=text)
    _question(bank, gov02, "N1", "numeric", numeric_answer=Decimal(SECRET_NUMBER))
    _question(bank, gov02, "T2", "short_text", accepted_answers=SECRET_ACCEPTED)
    enrolment_create(user=learner, course=governance_course)
    return make_assessment(course=governance_course, rules=[(bank, gov02, 7)])


def _secrets(attempt) -> list[str]:
    """Everything a learner must not receive before submitting."""
    found = []
    for data in attempt.questions:
        found.append(data["explanation"])
        found.extend(o["feedback"] for o in data["options"] if o["feedback"])
        found.append(json.dumps(data["key"], ensure_ascii=False))
    found += [SECRET_ACCEPTED, SECRET_NUMBER, "is_correct", '"key"', "correct"]
    return [text for text in found if text]


def test_attempt_pages_never_contain_answer_keys(client, learner, mixed_quiz):
    client.force_login(learner)
    detail = client.get(f"/learn/assessments/{mixed_quiz.pk}/")
    response = client.post(f"/learn/assessments/{mixed_quiz.pk}/start/")
    attempt = Attempt.objects.get()
    assert response["Location"] == f"/learn/attempts/{attempt.pk}/"
    page = client.get(f"/learn/attempts/{attempt.pk}/")
    saved = client.post(
        f"/learn/attempts/{attempt.pk}/save/",
        {"shown": [s.id for s in snapshots(attempt)]},
        headers={"X-Requested-With": "fetch"},
    )
    assert saved["Content-Type"] == "application/json"
    bodies = [detail.content.decode(), page.content.decode(), saved.content.decode()]
    secrets = _secrets(attempt)
    for body in bodies:
        for secret in secrets:
            assert secret not in body, secret
    html = bodies[1]
    # every question is on the page, with its options but no feedback
    assert html.count('name="shown"') == 7
    for data in attempt.questions:
        assert data["prompt"] in html


def test_ordering_items_are_not_shown_in_the_right_order(client, learner, mixed_quiz):
    client.force_login(learner)
    client.post(f"/learn/assessments/{mixed_quiz.pk}/start/")
    attempt = Attempt.objects.get()
    html = client.get(f"/learn/attempts/{attempt.pk}/").content.decode()
    shown = re.findall(r"<span>(ขั้น\S+)</span>", html)
    assert sorted(shown) == sorted(["ขั้นแรก", "ขั้นสอง", "ขั้นสาม", "ขั้นสี่"])
    assert shown != ["ขั้นแรก", "ขั้นสอง", "ขั้นสาม", "ขั้นสี่"]


def test_the_drawn_questions_are_stable_on_reload(client, learner, mixed_quiz):
    client.force_login(learner)
    client.post(f"/learn/assessments/{mixed_quiz.pk}/start/")
    attempt = Attempt.objects.get()
    first = client.get(f"/learn/attempts/{attempt.pk}/").content.decode()
    client.post(f"/learn/assessments/{mixed_quiz.pk}/start/")  # a second tab
    second = client.get(f"/learn/attempts/{attempt.pk}/").content.decode()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", first) == strip.sub("", second)
    assert Attempt.objects.count() == 1


def test_the_form_saves_and_submits_without_javascript(client, learner, mixed_quiz):
    client.force_login(learner)
    client.post(f"/learn/assessments/{mixed_quiz.pk}/start/")
    attempt = Attempt.objects.get()
    form = {"shown": [], "save": "1"}
    for snapshot in snapshots(attempt):
        form["shown"].append(snapshot.id)
        name = f"q-{snapshot.id}"
        right = answers(attempt)[snapshot.id] if snapshot.kind == "single" else None
        match snapshot.kind:
            case "single":
                form[name] = right
            case "multiple":
                form[name] = list(snapshot.key.correct)
            case "true_false":
                form[name] = "true"
            case "matching":
                for left, target in snapshot.key.pairs:
                    form[f"{name}-{left}"] = target
            case "ordering":
                for position, item in enumerate(snapshot.key.order, start=1):
                    form[f"{name}-{item}"] = str(position)
            case "numeric":
                form[name] = "๔,๒๔๒.๕"  # Thai digits and a thousands separator
            case "short_text":
                form[name] = f"  {SECRET_ACCEPTED} "
    response = client.post(f"/learn/attempts/{attempt.pk}/save/", form)
    assert response["Location"] == f"/learn/attempts/{attempt.pk}/"
    attempt.refresh_from_db()
    assert len(attempt.responses) == 7
    html = client.get(f"/learn/attempts/{attempt.pk}/").content.decode()
    assert "checked" in html and "selected" in html  # the saved answers come back
    response = client.post(f"/learn/attempts/{attempt.pk}/submit/", {})
    assert response["Location"] == f"/learn/attempts/{attempt.pk}/result/"
    attempt.refresh_from_db()
    assert attempt.score == attempt.max_score == 7
    result = client.get(response["Location"]).content.decode()
    assert "100%" in result
    assert "คำอธิบาย S1" in result  # explanations after submission, per the policy


def test_unticking_every_box_clears_a_saved_answer(client, learner, mixed_quiz):
    client.force_login(learner)
    client.post(f"/learn/assessments/{mixed_quiz.pk}/start/")
    attempt = Attempt.objects.get()
    multiple = next(s for s in snapshots(attempt) if s.kind == "multiple")
    url = f"/learn/attempts/{attempt.pk}/save/"
    client.post(url, {"shown": [multiple.id], f"q-{multiple.id}": multiple.key.correct})
    attempt.refresh_from_db()
    assert attempt.responses[multiple.id] == list(multiple.key.correct)
    client.post(url, {"shown": [multiple.id]})
    attempt.refresh_from_db()
    assert multiple.id not in attempt.responses


def test_feedback_waits_for_the_last_attempt(client, learner, mixed_quiz):
    mixed_quiz.feedback_policy = "after_last_attempt"
    mixed_quiz.attempts_allowed = 2
    mixed_quiz.save()
    client.force_login(learner)
    first = attempt_submit(attempt=attempt_start(user=learner, assessment=mixed_quiz))
    page = client.get(f"/learn/attempts/{first.pk}/result/").content.decode()
    assert "เฉลยลับ" not in page and "ความเห็นลับ" not in page
    assert "result-summary" in page  # the score is shown; the answers are not
    attempt_submit(attempt=attempt_start(user=learner, assessment=mixed_quiz))
    page = client.get(f"/learn/attempts/{first.pk}/result/").content.decode()
    assert "เฉลยลับ" in page


def test_feedback_after_a_date(client, learner, mixed_quiz):
    mixed_quiz.feedback_policy = "after_date"
    mixed_quiz.feedback_from = timezone.now() + timedelta(days=1)
    mixed_quiz.save()
    client.force_login(learner)
    attempt = attempt_submit(attempt=attempt_start(user=learner, assessment=mixed_quiz))
    page = client.get(f"/learn/attempts/{attempt.pk}/result/").content.decode()
    assert "เฉลยลับ" not in page
    mixed_quiz.feedback_from = timezone.now() - timedelta(minutes=1)
    mixed_quiz.save()
    page = client.get(f"/learn/attempts/{attempt.pk}/result/").content.decode()
    assert "เฉลยลับ" in page


def test_a_result_page_redirects_while_in_progress(client, learner, mixed_quiz):
    client.force_login(learner)
    attempt = attempt_start(user=learner, assessment=mixed_quiz)
    response = client.get(f"/learn/attempts/{attempt.pk}/result/")
    assert response["Location"] == f"/learn/attempts/{attempt.pk}/"


@pytest.mark.parametrize("suffix", ["", "save/", "submit/", "result/"])
def test_another_learners_attempt_is_not_found(client, learner, mixed_quiz, suffix):
    attempt = attempt_start(user=learner, assessment=mixed_quiz)
    client.force_login(UserFactory())
    url = f"/learn/attempts/{attempt.pk}/{suffix}"
    response = client.post(url) if suffix in ("save/", "submit/") else client.get(url)
    assert response.status_code == 404
    attempt.refresh_from_db()
    assert not attempt.is_submitted


def test_attempt_writes_are_csrf_protected(learner, mixed_quiz):
    attempt = attempt_start(user=learner, assessment=mixed_quiz)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    for path in ("save/", "submit/"):
        assert client.post(f"/learn/attempts/{attempt.pk}/{path}").status_code == 403
    assert client.post(f"/learn/assessments/{mixed_quiz.pk}/start/").status_code == 403
    attempt.refresh_from_db()
    assert not attempt.is_submitted


def test_unpublished_assessment_is_not_found(client, learner, mixed_quiz):
    mixed_quiz.is_published = False
    mixed_quiz.save()
    client.force_login(learner)
    assert client.get(f"/learn/assessments/{mixed_quiz.pk}/").status_code == 404


def test_expired_autosave_answers_json_with_the_result(client, learner, mixed_quiz):
    mixed_quiz.time_limit_minutes = 1
    mixed_quiz.save()
    attempt = attempt_start(
        user=learner, assessment=mixed_quiz, now=timezone.now() - timedelta(hours=1)
    )
    client.force_login(learner)
    response = client.post(
        f"/learn/attempts/{attempt.pk}/save/",
        {"shown": []},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 409
    assert response.json()["redirect"] == f"/learn/attempts/{attempt.pk}/result/"


def test_assessment_page_grades_an_attempt_out_of_time_and_shows_it_graded(
    client, learner, placement_quiz
):
    placement_quiz.time_limit_minutes = 1
    placement_quiz.save()
    attempt = attempt_start(
        user=learner,
        assessment=placement_quiz,
        now=timezone.now() - timedelta(hours=1),
    )
    client.force_login(learner)
    page = client.get(f"/learn/assessments/{placement_quiz.pk}/")
    overview = page.context["overview"]
    assert overview.in_progress is None
    assert [shown.pk for shown in overview.attempts] == [attempt.pk]
    assert overview.attempts[0].is_submitted and overview.attempts[0].auto_submitted


def test_course_page_and_dashboard_show_assessments_and_evidence(
    client, learner, mixed_quiz, governance_course
):
    client.force_login(learner)
    course_page = client.get(governance_course.url).content.decode()
    assert f"/learn/assessments/{mixed_quiz.pk}/" in course_page
    attempt = attempt_start(user=learner, assessment=mixed_quiz)
    attempt_submit(attempt=attempt, responses=answers_for_all(attempt))
    dashboard = client.get("/dashboard/").content.decode()
    assert mixed_quiz.title in dashboard
    assert (
        "ACD-GOV-02" in dashboard
        and f"/learn/attempts/{attempt.pk}/result/" in dashboard
    )


def answers_for_all(attempt):
    return answers(attempt)


# ------------------------------------------------------------------------------
# HR officers
# ------------------------------------------------------------------------------


def _staff_with_results(n, unit, quiz_factory, *, start=0):
    from tests.factories import PlacementFactory

    people = []
    for i in range(start, start + n):
        user = UserFactory(email=f"staff-{unit.code}-{i}@example.go.th")
        placement = PlacementFactory(
            unit=unit, person__user=user, person__email=user.email
        )
        attempt_submit(attempt=attempt_start(user=user, assessment=quiz_factory))
        people.append(placement.person)
    return people


@pytest.fixture
def placement_quiz(framework_academy, gov02):
    bank = make_bank(framework_academy, code="hr")
    for n in range(3):
        single(bank, gov02, 1, f"H{n}")
    return make_assessment(area=gov02.parent, rules=[(bank, gov02, 3)])


def test_hr_officer_sees_staff_results_in_scope_only(client, standards, placement_quiz):
    ministry = org_unit("M1", kind="ministry")
    inside = org_unit("D1", parent=ministry, kind="department")
    outside = org_unit("M2", kind="ministry")
    mine = _staff_with_results(1, inside, placement_quiz)[0]
    theirs = _staff_with_results(1, outside, placement_quiz)[0]
    client.force_login(hr_officer(ministry))
    page = client.get("/hr/assessments/").content.decode()
    assert mine.full_name in page and theirs.full_name not in page
    assert "/hr/assessments/" in client.get("/hr/").content.decode()  # in the nav
    assert client.get(f"/hr/assessments/?person={mine.pk}").status_code == 200
    assert client.get(f"/hr/assessments/?person={theirs.pk}").status_code == 404


def test_hr_results_pages_are_audited_but_not_an_officers_own(
    client, standards, placement_quiz
):
    from academy.accounts.audit import AuditAction
    from academy.accounts.models import AuditEntry
    from tests.factories import PlacementFactory

    ministry = org_unit("M1", kind="ministry")
    staff = _staff_with_results(1, ministry, placement_quiz)[0]
    officer = hr_officer(ministry, email="officer@example.go.th")
    own = PlacementFactory(
        unit=ministry, person__user=officer, person__email=officer.email
    ).person
    own_attempt = attempt_start(user=officer, assessment=placement_quiz)
    attempt_submit(attempt=own_attempt)
    client.force_login(officer)

    assert client.get(f"/hr/assessments/?person={own.pk}").status_code == 200
    assert not AuditEntry.objects.filter(action=AuditAction.RESULTS_VIEW).exists()

    client.get("/hr/assessments/")
    listing = AuditEntry.objects.get(action=AuditAction.RESULTS_VIEW)
    theirs = Attempt.objects.get(user=staff.user)
    assert listing.detail == {"attempts": [theirs.pk]}
    assert listing.subject_person_id is None

    client.get(f"/hr/assessments/?person={staff.pk}")
    one = AuditEntry.objects.filter(action=AuditAction.RESULTS_VIEW).latest("pk")
    assert one.subject_person_id == staff.pk
    assert one.detail == {"attempts": [theirs.pk]}


def test_hr_results_are_not_found_for_learners(client, learner):
    client.force_login(learner)
    assert client.get("/hr/assessments/").status_code == 404


# ------------------------------------------------------------------------------
# Query budgets: the same number of queries for 1 row and for 50
# ------------------------------------------------------------------------------


@pytest.fixture
def sized_quiz(framework_academy, gov02, governance_course, learner):
    def build(n):
        bank = make_bank(framework_academy, code=f"size{n}")
        for i in range(n):
            single(bank, gov02, 1 + i % 3, f"Q{i}")
        enrolment_create(user=learner, course=governance_course)
        return make_assessment(course=governance_course, rules=[(bank, gov02, n)])

    return build


def test_attempt_page_query_budget(client, learner, sized_quiz):
    def queries(n):
        attempt = attempt_start(user=learner, assessment=sized_quiz(n))
        return page_queries(client, f"/learn/attempts/{attempt.pk}/")

    client.force_login(learner)
    one, fifty = queries(1), queries(50)
    assert one == fifty <= 8


def test_result_page_query_budget(client, learner, sized_quiz):
    def queries(n):
        attempt = attempt_start(user=learner, assessment=sized_quiz(n))
        attempt_submit(attempt=attempt, responses=answers(attempt))
        return page_queries(client, f"/learn/attempts/{attempt.pk}/result/")

    client.force_login(learner)
    one, fifty = queries(1), queries(50)
    # 6: the user, the attempt, the enrolment cycle (courses.selectors.
    # enrolment_cycle_start) and the attempts that count in it, read once for the
    # overview and the feedback policy, the rules, the latest completion; the
    # competencies and levels from the standards snapshot.
    assert one == fifty <= 6


def test_assessment_page_query_budget(client, learner, sized_quiz):
    quiz = sized_quiz(2)
    quiz.attempts_allowed = None
    quiz.save()

    def grow(n):
        for _ in range(n):
            attempt_submit(attempt=attempt_start(user=learner, assessment=quiz))

    client.force_login(learner)
    one, fifty = one_and_fifty(
        grow, lambda: page_queries(client, f"/learn/assessments/{quiz.pk}/")
    )
    assert one == fifty <= 10


def test_assessment_page_reads_the_attempts_once_with_one_in_progress(
    client, learner, sized_quiz
):
    """An attempt in progress and in time is shown as read, not read again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    quiz = sized_quiz(2)
    attempt_start(user=learner, assessment=quiz)
    client.force_login(learner)
    client.get(f"/learn/assessments/{quiz.pk}/")
    with CaptureQueriesContext(connection) as captured:
        page = client.get(f"/learn/assessments/{quiz.pk}/")
    assert page.status_code == 200
    assert page.context["overview"].in_progress is not None
    reads = [q for q in captured if 'FROM "courses_attempt"' in q["sql"]]
    assert len(reads) == 1


def test_dashboard_with_assessments_query_budget(
    client, learner, framework_academy, gov02
):
    bank = make_bank(framework_academy, code="dash")
    single(bank, gov02, 1, "D0")
    titles = (f"วัดระดับ {i}" for i in range(100))

    def grow(n):
        for _ in range(n):
            quiz = make_assessment(
                area=gov02.parent, rules=[(bank, gov02, 1)], title=next(titles)
            )
            attempt = attempt_start(user=learner, assessment=quiz)
            attempt_submit(attempt=attempt, responses=answers(attempt))

    client.force_login(learner)
    one, fifty = one_and_fifty(grow, lambda: page_queries(client, "/dashboard/"))
    assert one == fifty <= 10


def test_hr_results_query_budget(client, standards, placement_quiz):
    ministry = org_unit("M1", kind="ministry")
    people = []

    def grow(n):
        people.extend(
            _staff_with_results(n, ministry, placement_quiz, start=len(people))
        )

    client.force_login(hr_officer(ministry))
    one, fifty = one_and_fifty(grow, lambda: page_queries(client, "/hr/assessments/"))
    assert one == fifty <= 14
