"""Instructors in the admin: own banks only, CSV import all-or-nothing, results."""

from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

import pytest

from academy.accounts.roles import Role
from courses.assessments.selectors import assessment_results
from courses.assessments.services import attempt_start, attempt_submit
from courses.models import Question, QuestionBank
from tests.courses.assessment_helpers import (
    answers,
    make_assessment,
    make_bank,
    single,
    snapshots,
)
from tests.factories import UserFactory, competency
from tests.queries import one_and_fifty, page_queries

pytestmark = pytest.mark.django_db

HEADER = (
    "bank,external_id,kind,competency_code,level,prompt,option_1,option_2,correct\n"
)


@pytest.fixture
def instructor(standards):
    return UserFactory(email="teacher@example.go.th", roles=[Role.INSTRUCTOR])


@pytest.fixture
def own_bank(instructor, framework_academy):
    return make_bank(framework_academy, code="mine", owner=instructor)


@pytest.fixture
def other_bank(framework_academy):
    other = UserFactory(email="other@example.go.th", roles=[Role.INSTRUCTOR])
    return make_bank(framework_academy, code="theirs", owner=other)


def test_instructor_lists_only_own_banks(client, instructor, own_bank, other_bank):
    client.force_login(instructor)
    page = client.get("/admin/assessments/banks/").content.decode()
    assert own_bank.title in page and other_bank.title not in page
    assert (
        client.get(f"/admin/assessments/banks/edit/{own_bank.pk}/").status_code == 200
    )
    assert (
        client.get(f"/admin/assessments/banks/edit/{other_bank.pk}/").status_code == 404
    )
    assert (
        client.get(f"/admin/assessments/banks/{other_bank.pk}/export/").status_code
        == 404
    )


def test_instructor_creates_a_bank_they_own(client, instructor, framework_academy):
    client.force_login(instructor)
    response = client.post(
        "/admin/assessments/banks/new/",
        {
            "title": "คลังใหม่",
            "code": "new-bank",
            "framework": framework_academy.pk,
            "description": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert QuestionBank.objects.get(code="new-bank").owner == instructor


def _csv(content: bytes, name: str = "q.csv"):
    return SimpleUploadedFile(name, content, "text/csv")


def _import_url(bank) -> str:
    return f"/admin/assessments/banks/{bank.pk}/import/"


def _imported(client, bank, content: bytes):
    """Upload → dry run → confirm; returns (dry run page, confirmation response)."""
    preview = client.post(_import_url(bank), {"file": _csv(content)})
    assert preview.status_code == 200
    token = preview.context["token"]
    return preview, client.post(
        _import_url(bank), {"action": "confirm", "token": token}
    )


GOOD = (HEADER + "mine,Q1,single,ACD-GOV-02,2,ข้อดี,ก,ข,2\n").encode()


def test_a_bad_csv_writes_nothing_and_names_every_line(client, instructor, own_bank):
    client.force_login(instructor)
    content = (
        HEADER
        + "mine,Q1,single,ACD-GOV-02,2,ข้อดี,ก,ข,1\n"
        + "mine,Q2,single,NOPE-99,2,ข้อเสีย,ก,ข,1\n"
        + "other,Q3,single,ACD-GOV-02,9,ข้อผิด,ก,ข,1\n"
    ).encode()

    response = client.post(_import_url(own_bank), {"file": _csv(content)})

    page = response.content.decode()
    assert response.status_code == 200
    assert not Question.objects.exists()
    assert "token" not in response.context  # nothing waits for a confirmation
    # Every problem of every line: line 3's competency, line 4's bank and level.
    assert [
        (p.line, str(p.message).split(":")[0]) for p in response.context["problems"]
    ] == [(3, "competency_code"), (4, "bank"), (4, "level")]
    assert "NOPE-99" in page and "<td>3</td>" in page and "<td>4</td>" in page
    assert "“q.csv”" in page  # the heading names the file not imported


def test_the_dry_run_writes_nothing_and_lists_what_would_change(
    client, instructor, own_bank, framework_academy
):
    existing = single(own_bank, competency(framework_academy, "ACD-GOV-02"), 2, "Q2")
    client.force_login(instructor)
    content = (
        HEADER
        + "mine,Q1,single,ACD-GOV-02,2,ข้อดี,ก,ข,2\n"
        + "mine,Q2,single,ACD-GOV-02,2,ข้อแก้,ก,ข,1\n"
    ).encode()

    preview = client.post(_import_url(own_bank), {"file": _csv(content)})

    assert preview.status_code == 200
    summary = preview.context["summary"]
    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 0)
    assert [(c.line, c.external_id, c.is_new) for c in summary.changes] == [
        (2, "Q1", True),
        (3, "Q2", False),
    ]
    page = preview.content.decode()
    assert "<td>Q1</td>" in page and "<td>Q2</td>" in page
    assert preview.context["token"] in page
    assert list(Question.objects.values_list("external_id", "prompt")) == [
        ("Q2", existing.prompt)
    ]


def test_a_good_csv_imports_on_confirm_and_exports_round_trip(
    client, instructor, own_bank
):
    client.force_login(instructor)
    _preview, response = _imported(client, own_bank, GOOD)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/assessments/banks/edit/{own_bank.pk}/"
    question = Question.objects.get()
    assert [o.is_correct for o in question.options.order_by("sort_order")] == [
        False,
        True,
    ]
    exported = client.get(f"/admin/assessments/banks/{own_bank.pk}/export/")
    assert exported["Content-Type"].startswith("text/csv")
    # Importing the export again changes nothing.
    preview, response = _imported(client, own_bank, exported.content)
    assert preview.context["summary"].unchanged == 1
    assert response.status_code == 302
    assert Question.objects.count() == 1


def test_confirming_twice_imports_once(client, instructor, own_bank):
    client.force_login(instructor)
    preview, done = _imported(client, own_bank, GOOD)
    assert done.status_code == 302
    again = client.post(
        _import_url(own_bank), {"action": "confirm", "token": preview.context["token"]}
    )
    assert again.status_code == 302
    assert again["Location"] == _import_url(own_bank)  # the file is gone: upload again
    assert Question.objects.count() == 1
    assert Question.objects.get().options.count() == 2


@pytest.mark.parametrize("token", ["", "forged-token-0123456789"])
def test_an_unknown_token_confirms_nothing(client, instructor, own_bank, token):
    client.force_login(instructor)
    client.post(_import_url(own_bank), {"file": _csv(GOOD)})  # a real one waits
    response = client.post(_import_url(own_bank), {"action": "confirm", "token": token})
    assert response.status_code == 302
    assert response["Location"] == _import_url(own_bank)
    assert not Question.objects.exists()


def test_an_expired_or_altered_file_confirms_nothing(client, instructor, own_bank):
    """The kept file gone from storage (expired) or changed since the dry run."""
    from academy.core.storage import private_storage

    client.force_login(instructor)
    tokens = []
    for _ in range(2):
        preview = client.post(_import_url(own_bank), {"file": _csv(GOOD)})
        tokens.append(preview.context["token"])
    entries = client.session["courses_pending_question_imports"]
    private_storage().delete(entries[tokens[0]]["path"])
    altered = entries[tokens[1]]["path"]
    private_storage().delete(altered)
    private_storage().save(altered, ContentFile(GOOD.replace(b"2\n", b"1\n")))

    for token in tokens:
        response = client.post(
            _import_url(own_bank), {"action": "confirm", "token": token}
        )
        assert response.status_code == 302
        assert response["Location"] == _import_url(own_bank)
    assert not Question.objects.exists()
    assert client.session["courses_pending_question_imports"] == {}


def test_another_instructors_bank_is_a_404(client, instructor, other_bank):
    client.force_login(instructor)
    url = _import_url(other_bank)
    content = (HEADER + "theirs,Q1,single,ACD-GOV-02,2,ข้อดี,ก,ข,2\n").encode()
    assert client.get(url).status_code == 404
    assert client.post(url, {"file": _csv(content)}).status_code == 404
    # Nor can a token from the instructor's own session confirm into it.
    assert client.post(url, {"action": "confirm", "token": "x"}).status_code == 404
    assert not Question.objects.exists()


MOODLE_TRUEFALSE = (
    Path(__file__).resolve().parents[1]
    / "data/outside/moodle-xml/qtype_truefalse_testquestion.moodle.xml"
)


@pytest.mark.parametrize(
    "page, name, content",
    [
        ("import/", "q.csv", GOOD),
        ("import-moodle/", "q.xml", MOODLE_TRUEFALSE.read_bytes()),
    ],
)
def test_a_dry_run_of_ones_own_bank_confirms_nothing_into_another_instructors(
    client, instructor, own_bank, other_bank, page, name, content
):
    """Both question imports look the bank up for the user before reading the
    token: a file checked against their own bank cannot be written into a bank
    they do not author."""
    client.force_login(instructor)
    preview = client.post(
        f"/admin/assessments/banks/{own_bank.pk}/{page}",
        {"file": SimpleUploadedFile(name, content)},
    )
    token = preview.context["token"]
    response = client.post(
        f"/admin/assessments/banks/{other_bank.pk}/{page}",
        {"action": "confirm", "token": token},
    )
    assert response.status_code == 404
    assert not Question.objects.exists()


def test_the_import_needs_the_csrf_token(instructor, own_bank):
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)
    assert client.post(_import_url(own_bank), {"file": _csv(GOOD)}).status_code == 403
    form = client.get(_import_url(own_bank))
    csrf = form.cookies["csrftoken"].value
    preview = client.post(
        _import_url(own_bank), {"file": _csv(GOOD), "csrfmiddlewaretoken": csrf}
    )
    assert preview.status_code == 200
    token = preview.context["token"]
    refused = client.post(_import_url(own_bank), {"action": "confirm", "token": token})
    assert refused.status_code == 403
    assert not Question.objects.exists()
    done = client.post(
        _import_url(own_bank),
        {"action": "confirm", "token": token, "csrfmiddlewaretoken": csrf},
    )
    assert done.status_code == 302
    assert Question.objects.count() == 1


def test_a_question_that_cannot_be_drawn_is_refused(
    client, instructor, own_bank, framework_academy
):
    client.force_login(instructor)
    gov = competency(framework_academy, "ACD-GOV-02")
    data = {
        "bank": own_bank.pk,
        "external_id": "X1",
        "kind": "single",
        "competency": gov.pk,
        "level": gov.framework.scale.levels.get(rank=2).pk,
        "prompt": "ไม่มีข้อถูก",
        "points": "1",
        "numeric_tolerance": "0",
        "is_active": "on",
        "options-TOTAL_FORMS": "2",
        "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "1000",
        "options-0-text": "ก",
        "options-0-ORDER": "1",
        "options-1-text": "ข",
        "options-1-ORDER": "2",
    }
    with translation.override("en"):
        response = client.post("/admin/assessments/questions/new/", data)
    assert response.status_code == 200
    assert not response.context["form"].is_valid()
    assert not Question.objects.exists()
    data["options-1-is_correct"] = "on"
    response = client.post("/admin/assessments/questions/new/", data)
    assert response.status_code == 302
    assert Question.objects.get().options.filter(is_correct=True).get().text == "ข"


def test_item_analysis_on_a_known_data_set(framework_academy):
    gov = competency(framework_academy, "ACD-GOV-02")
    bank = make_bank(framework_academy)
    questions = [single(bank, gov, 1, f"K{n}") for n in range(3)]
    quiz = make_assessment(area=gov.parent, rules=[(bank, gov, 3)])
    # Learners get the first 3, 2, 1 and 0 questions right.
    for right_count in (3, 2, 1, 0):
        user = UserFactory()
        attempt = attempt_start(user=user, assessment=quiz)
        right = {str(q.pk) for q in questions[:right_count]}
        attempt_submit(attempt=attempt, responses=answers(attempt, right=right))
    results = assessment_results(assessment=quiz)
    by_id = {item.question_id: item.statistics for item in results.items}
    first, second, third = (by_id[str(q.pk)] for q in questions)
    assert (first.facility, second.facility, third.facility) == (0.75, 0.5, 0.25)
    # corrected item-total correlation, worked by hand: .375 / sqrt(.75 * .6875)
    assert first.discrimination == pytest.approx(0.5222, abs=1e-4)
    assert first.n == 4
    assert results.distribution.bins[10 - 1] == 1  # the 100% attempt
    assert results.distribution.bins[0] == 1  # the 0% attempt
    assert results.pass_count == 2  # 100% and 67% pass the 60% mark


def test_results_page_is_for_the_assessments_author_only(
    client, instructor, own_bank, framework_academy
):
    gov = competency(framework_academy, "ACD-GOV-02")
    single(own_bank, gov, 1, "R1")
    mine = make_assessment(
        area=gov.parent, rules=[(own_bank, gov, 1)], owner=instructor
    )
    theirs = make_assessment(area=gov.parent, rules=[(own_bank, gov, 1)])
    learner = UserFactory()
    attempt = attempt_start(user=learner, assessment=mine)
    attempt_submit(attempt=attempt, responses=answers(attempt))
    client.force_login(instructor)
    page = client.get(f"/admin/assessments/assessments/{mine.pk}/results/")
    assert page.status_code == 200
    assert "R1" in snapshots(attempt)[0].prompt
    assert "คำถาม R1" in page.content.decode()
    assert (
        client.get(f"/admin/assessments/assessments/{theirs.pk}/results/").status_code
        == 404
    )


def test_results_page_query_budget(client, instructor, own_bank, framework_academy):
    gov = competency(framework_academy, "ACD-GOV-02")
    single(own_bank, gov, 1, "B1")
    quiz = make_assessment(
        area=gov.parent, rules=[(own_bank, gov, 1)], owner=instructor
    )

    def grow(n):
        for _ in range(n):
            attempt_submit(attempt=attempt_start(user=UserFactory(), assessment=quiz))

    client.force_login(instructor)
    one, fifty = one_and_fifty(
        grow,
        lambda: page_queries(
            client, f"/admin/assessments/assessments/{quiz.pk}/results/"
        ),
    )
    assert one == fifty <= 25


def test_the_results_page_is_audited_when_it_shows_other_learners(
    client, instructor, own_bank, framework_academy
):
    from academy.accounts.audit import AuditAction
    from academy.accounts.models import AuditEntry

    gov = competency(framework_academy, "ACD-GOV-02")
    single(own_bank, gov, 1, "A1")
    quiz = make_assessment(
        area=gov.parent, rules=[(own_bank, gov, 1)], owner=instructor
    )
    url = f"/admin/assessments/assessments/{quiz.pk}/results/"
    client.force_login(instructor)

    assert client.get(url).status_code == 200
    assert not AuditEntry.objects.filter(action=AuditAction.RESULTS_VIEW).exists()

    own = attempt_start(user=instructor, assessment=quiz)
    attempt_submit(attempt=own, responses=answers(own))
    client.get(url)
    assert not AuditEntry.objects.filter(action=AuditAction.RESULTS_VIEW).exists()

    theirs = attempt_start(user=UserFactory(), assessment=quiz)
    attempt_submit(attempt=theirs, responses=answers(theirs))
    client.get(url)
    entry = AuditEntry.objects.get(action=AuditAction.RESULTS_VIEW)
    assert entry.actor == instructor
    assert (entry.object_type, entry.object_id) == ("courses.assessment", str(quiz.pk))
    assert entry.detail == {"learners": 1, "attempts": 2}


def test_import_export_and_results_are_reachable_from_the_admin(
    client, instructor, own_bank, framework_academy
):
    """Nobody should need to know these URLs: listing rows and edit headers link them."""
    gov = competency(framework_academy, "ACD-GOV-02")
    single(own_bank, gov, 1, "L1")
    quiz = make_assessment(
        area=gov.parent, rules=[(own_bank, gov, 1)], owner=instructor
    )
    client.force_login(instructor)
    bank_links = (
        f"/admin/assessments/banks/{own_bank.pk}/import/",
        f"/admin/assessments/banks/{own_bank.pk}/export/",
    )
    for page in (
        "/admin/assessments/banks/",
        f"/admin/assessments/banks/edit/{own_bank.pk}/",
    ):
        html = client.get(page).content.decode()
        for link in bank_links:
            assert link in html, (page, link)
    results = f"/admin/assessments/assessments/{quiz.pk}/results/"
    for page in (
        "/admin/assessments/assessments/",
        f"/admin/assessments/assessments/edit/{quiz.pk}/",
    ):
        assert results in client.get(page).content.decode(), page
    for link in (*bank_links, results):
        assert client.get(link).status_code == 200, link


def test_reimporting_the_same_questions_counts_them_as_unchanged(own_bank):
    from courses.assessments.services import questions_export, questions_import

    content = (HEADER + "mine,Q1,single,ACD-GOV-02,2,ข้อดี,ก,ข,2\n").encode()
    first = questions_import(bank=own_bank, content=content)

    again = questions_import(bank=own_bank, content=questions_export(bank=own_bank))

    assert (first.created, first.updated, first.unchanged) == (1, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_a_changed_question_is_counted_as_updated(own_bank):
    from courses.assessments.services import questions_import

    questions_import(
        bank=own_bank,
        content=(HEADER + "mine,Q1,single,ACD-GOV-02,2,ข้อดี,ก,ข,2\n").encode(),
    )

    summary = questions_import(
        bank=own_bank,
        content=(HEADER + "mine,Q1,single,ACD-GOV-02,2,ข้อดี,ก,ข,1\n").encode(),
    )

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 0)
