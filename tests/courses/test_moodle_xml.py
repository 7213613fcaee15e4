"""Moodle XML question banks: Moodle's own fixture files, read whole, written whole or
not at all, unmapped questions kept out of attempts until an instructor maps them."""

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

import pytest

from academy.accounts.roles import Role
from courses.assessments.services import (
    AssessmentError,
    attempt_start,
    moodle_questions_import,
)
from courses.models import Question
from courses.moodle_xml import parse_moodle_xml
from courses.question_io import QuestionImportError
from courses.questions import QuestionKind
from tests.courses.assessment_helpers import make_assessment, make_bank, single
from tests.factories import UserFactory, competency

OUTSIDE = Path(__file__).resolve().parents[1] / "data" / "outside" / "moodle-xml"


def outside(name: str) -> bytes:
    return (OUTSIDE / name).read_bytes()


def messages(error: QuestionImportError) -> list[str]:
    with translation.override("en"):
        return [f"{line}: {message}" for line, message in error.problems]


# ------------------------------------------------------------------------------
# Reading Moodle's own files
# ------------------------------------------------------------------------------


def test_moodles_multichoice_fixture_reads_as_multiple_choice():
    (question,) = parse_moodle_xml(
        outside("qtype_multichoice_testquestion.moodle.xml")
    ).questions
    draft = question.draft
    assert draft.kind is QuestionKind.MULTIPLE
    assert draft.prompt == "Find the capital cities in Europe."
    assert [o.text for o in draft.options if o.is_correct] == ["London", "Paris"]
    assert len(draft.options) == 5
    assert draft.explanation == "Berlin, Paris and London"
    assert question.category == "Default for C1"
    # Unmapped: Moodle XML has no place for the competency and level.
    assert draft.competency_code == "" and draft.level is None


def test_moodles_truefalse_match_and_shortanswer_fixtures():
    (truefalse,) = parse_moodle_xml(
        outside("qtype_truefalse_testquestion.moodle.xml")
    ).questions
    assert truefalse.draft.kind is QuestionKind.TRUE_FALSE
    true, false = truefalse.draft.options
    assert true.is_correct and not false.is_correct
    assert true.feedback == "This is the right answer."

    (matching,) = parse_moodle_xml(
        outside("qtype_match_testquestion.moodle.xml")
    ).questions
    pairs = [(o.text, o.match) for o in matching.draft.options]
    assert pairs == [
        ("frog", "amphibian"),
        ("cat", "mammal"),
        ("newt", "amphibian"),
        ("", "insect"),  # Moodle's extra wrong answer: a distractor
    ]
    with pytest.raises(ValueError, match="no competency and level"):
        matching.draft.to_snapshot("m")
    mapped = replace(matching.draft, competency_code="ACD-X", level=1)
    assert len(mapped.to_snapshot("m").targets) == 3  # amphibian, mammal, insect

    (short,) = parse_moodle_xml(
        outside("qtype_shortanswer_testquestion.moodle.xml")
    ).questions
    assert short.draft.kind is QuestionKind.SHORT_TEXT
    assert short.draft.accepted_answers == ("frog",)
    assert not short.draft.case_sensitive
    with translation.override("en"):
        (warning,) = [str(w) for w in short.warnings]
    assert "toad" in warning and "80%" in warning


def test_nested_categories_become_labels_and_an_essay_is_skipped_with_the_reason():
    bank = parse_moodle_xml(outside("nested_categories_with_questions.xml"))
    assert [(q.name, q.category) for q in bank.questions] == [
        ("Iota Question", "Iota"),
        ("Kappa Question", "Iota / Kappa"),
        ("Lambda Question", "Iota / Kappa / Lambda"),
        ("Mu Question", "Iota / Mu"),
    ]
    (skipped,) = bank.skipped
    assert (skipped.name, skipped.moodle_type, skipped.line) == (
        "Kappa Essay Question",
        "essay",
        55,
    )
    with translation.override("en"):
        assert "marked by hand" in str(skipped.reason)
    with translation.override("th"):
        assert "ตรวจ" in str(skipped.reason)
    # Identifiers without a Moodle ID number are stable: the same file, the same ids.
    again = parse_moodle_xml(outside("nested_categories_with_questions.xml"))
    assert [q.draft.external_id for q in again.questions] == [
        q.draft.external_id for q in bank.questions
    ]


def test_a_category_given_after_its_questions_and_entities_in_id_numbers():
    bank = parse_moodle_xml(outside("categories_reverse_order.xml"))
    assert [(q.name, q.category) for q in bank.questions] == [
        ("Sigma Question", "Sigma")
    ]
    assert [s.name for s in bank.skipped] == ["Tau Question"]
    (question,) = parse_moodle_xml(outside("html_chars_in_idnumbers.xml")).questions
    assert question.draft.external_id == "T & F"


def test_moodles_invalid_grades_fixture_is_refused_naming_the_question_and_line():
    with pytest.raises(QuestionImportError) as refused:
        parse_moodle_xml(outside("error_invalid_grades.xml"))
    (message,) = messages(refused.value)
    assert message.startswith("4: ")
    assert "invalid grades : x > 1 & x < 2" in message
    assert "99.66666%" in message


QUIZ = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
{body}
</quiz>
"""


def _tf(name: str, *, right: str = "true", extra: str = "") -> str:
    wrong = "false" if right == "true" else "true"
    return f"""  <question type="truefalse">
    <name><text>{name}</text></name>
    <questiontext format="html"><text>{name}?</text></questiontext>
    {extra}
    <answer fraction="100"><text>{right}</text></answer>
    <answer fraction="0"><text>{wrong}</text></answer>
  </question>"""


def test_every_problem_of_every_question_in_one_pass():
    body = "\n".join(
        [
            _tf("ดี"),
            """  <question type="multichoice">
    <name><text>ไม่มีข้อถูก</text></name>
    <questiontext format="html"><text>เลือก</text></questiontext>
    <single>true</single>
    <answer fraction="0"><text>ก</text></answer>
    <answer fraction="0"><text>ข</text></answer>
  </question>""",
            """  <question type="shortanswer">
    <name><text>คะแนนศูนย์</text></name>
    <questiontext format="html"><text></text></questiontext>
    <defaultgrade>0</defaultgrade>
    <answer fraction="100"><text>ตอบ</text></answer>
  </question>""",
            _tf("ระดับผิด", extra="<tags><tag><text>level:abc</text></tag></tags>"),
        ]
    )
    with pytest.raises(QuestionImportError) as refused:
        parse_moodle_xml(QUIZ.format(body=body).encode())
    found = messages(refused.value)
    assert len(found) == 4, found
    assert any("ไม่มีข้อถูก" in m and "no answer gives 100%" in m for m in found)
    assert any("คะแนนศูนย์" in m and "question text is empty" in m for m in found)
    assert any("คะแนนศูนย์" in m and "default mark “0”" in m for m in found)
    assert any("level:abc" in m for m in found)


def test_bank_level_problems_are_reported_with_their_line():
    with pytest.raises(QuestionImportError) as refused:
        parse_moodle_xml(b'<?xml version="1.0"?>\n<quiz>\n<question type="x">\n</quiz>')
    (message,) = messages(refused.value)
    assert message.startswith("4: ") and "not well-formed XML" in message

    with pytest.raises(QuestionImportError) as refused:
        parse_moodle_xml(b"<html><body/></html>")
    assert "not a Moodle XML question file" in messages(refused.value)[0]

    with pytest.raises(QuestionImportError) as refused:
        parse_moodle_xml(b"<quiz></quiz>")
    assert "no questions" in messages(refused.value)[0]

    with pytest.raises(QuestionImportError) as refused:
        parse_moodle_xml(QUIZ.format(body=_tf("หนึ่ง") + _tf("หนึ่ง")).encode())
    assert "is also used by the question on line 3" in messages(refused.value)[0]


def test_entities_are_refused_not_expanded():
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<quiz>&b;</quiz>'
    )
    with pytest.raises(QuestionImportError) as refused:
        parse_moodle_xml(bomb)
    assert "DTD or entities" in messages(refused.value)[0]


def test_a_question_with_an_image_is_skipped_not_half_imported():
    image = _tf(
        "รูป",
        extra='<generalfeedback format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/logo.png">]]></text>'
        '<file name="logo.png" encoding="base64">iVBORw0KGgo=</file></generalfeedback>',
    )
    bank = parse_moodle_xml(QUIZ.format(body=image + _tf("ไม่มีรูป")).encode())
    assert [q.name for q in bank.questions] == ["ไม่มีรูป"]
    with translation.override("en"):
        assert "logo.png" in str(bank.skipped[0].reason)


def test_html_is_read_as_plain_text_with_paragraphs():
    body = _tf("x").replace(
        "<text>x?</text>",
        "<text><![CDATA[<p>บรรทัด <b>หนึ่ง</b></p><p>สอง&nbsp;&amp; สาม<br>สี่</p>]]></text>",
    )
    (question,) = parse_moodle_xml(QUIZ.format(body=body).encode()).questions
    assert question.draft.prompt == "บรรทัด หนึ่ง\nสอง & สาม\nสี่"


# ------------------------------------------------------------------------------
# Importing into a bank
# ------------------------------------------------------------------------------


@pytest.fixture
def bank(db, standards, framework_academy):
    return make_bank(framework_academy, code="moodle")


@pytest.mark.django_db
def test_dry_run_writes_nothing_then_the_import_writes_unmapped_questions(bank):
    content = outside("nested_categories_with_questions.xml")
    dry = moodle_questions_import(bank=bank, content=content, dry_run=True)
    assert (dry.created, dry.unmapped, len(dry.skipped)) == (4, 4, 1)
    assert not Question.objects.exists()

    done = moodle_questions_import(bank=bank, content=content, dry_run=False)
    assert (done.created, done.updated, done.unchanged) == (4, 0, 0)
    questions = Question.objects.order_by("category")
    assert all(q.is_unmapped for q in questions)
    assert [q.category for q in questions][0] == "Iota"

    again = moodle_questions_import(bank=bank, content=content, dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


@pytest.mark.django_db
def test_a_mapping_set_by_the_instructor_survives_a_reimport(bank, framework_academy):
    content = outside("qtype_truefalse_testquestion.moodle.xml")
    moodle_questions_import(bank=bank, content=content, dry_run=False)
    question = Question.objects.get()
    gov = competency(framework_academy, "ACD-GOV-02")
    question.competency = gov
    question.level = gov.framework.scale.levels.get(rank=2)
    question.save()
    again = moodle_questions_import(bank=bank, content=content, dry_run=False)
    assert again.unchanged == 1 and again.unmapped == 0
    question.refresh_from_db()
    assert question.competency == gov and question.level.rank == 2


@pytest.mark.django_db
def test_tags_map_to_a_competency_and_level_or_are_refused(bank, framework_academy):
    competency(framework_academy, "ACD-GOV-02")
    tags = "<tags><tag><text>competency:ACD-GOV-02</text></tag><tag><text>level:2</text></tag><tag><text>ทดลอง</text></tag></tags>"
    content = QUIZ.format(body=_tf("แมป", extra=tags)).encode()
    result = moodle_questions_import(bank=bank, content=content, dry_run=False)
    assert result.unmapped == 0
    question = Question.objects.get()
    assert (question.competency.code, question.level.rank) == ("ACD-GOV-02", 2)
    assert question.tag_list == ["competency:ACD-GOV-02", "level:2", "ทดลอง"]

    wrong = QUIZ.format(
        body=_tf(
            "ผิด",
            extra="<tags><tag><text>competency:NOPE</text></tag><tag><text>level:98</text></tag></tags>",
        )
    ).encode()
    with pytest.raises(QuestionImportError) as refused:
        moodle_questions_import(bank=bank, content=wrong, dry_run=False)
    found = messages(refused.value)
    assert len(found) == 2 and "NOPE" in found[0] and "level:98" in found[1]
    assert Question.objects.count() == 1


@pytest.mark.django_db
def test_unmapped_questions_are_never_drawn(bank, framework_academy):
    gov = competency(framework_academy, "ACD-GOV-02")
    single(bank, gov, 1, "READY")
    moodle_questions_import(
        bank=bank,
        content=outside("qtype_truefalse_testquestion.moodle.xml"),
        dry_run=False,
    )
    # Mapped to the competency but not yet to a level: still not drawable.
    Question.objects.filter(level__isnull=True).update(competency=gov)
    learner = UserFactory()
    quiz = make_assessment(area=gov.parent, rules=[(bank, gov, 2)])
    with pytest.raises(AssessmentError):
        attempt_start(user=learner, assessment=quiz)
    Question.objects.filter(level__isnull=True).update(
        level=gov.framework.scale.levels.get(rank=1)
    )
    attempt = attempt_start(user=learner, assessment=quiz)
    assert len(attempt.questions) == 2


# ------------------------------------------------------------------------------
# The instructor's screen
# ------------------------------------------------------------------------------


@pytest.fixture
def instructor(standards):
    return UserFactory(email="teacher@example.go.th", roles=[Role.INSTRUCTOR])


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "text/xml")


@pytest.mark.django_db
def test_instructor_uploads_checks_and_confirms(client, instructor, framework_academy):
    own = make_bank(framework_academy, code="mine", owner=instructor)
    url = f"/admin/assessments/banks/{own.pk}/import-moodle/"
    client.force_login(instructor)
    page = client.get(url)
    assert page.status_code == 200
    assert "Moodle XML" in page.content.decode()

    preview = client.post(
        url,
        {
            "action": "preview",
            "file": _upload(
                "bank.xml", outside("nested_categories_with_questions.xml")
            ),
        },
    )
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Kappa Essay Question" in html  # listed as skipped, with its reason
    assert not Question.objects.exists()
    token = preview.context["token"]

    done = client.post(url, {"action": "confirm", "token": token})
    assert done.status_code == 302
    assert "unmapped=true" in done["Location"]
    assert Question.objects.filter(bank=own).count() == 4
    # The kept file is gone: a second confirmation imports nothing.
    again = client.post(url, {"action": "confirm", "token": token})
    assert again.status_code == 302
    assert again["Location"] == url  # back to this bank's upload form
    assert Question.objects.count() == 4

    listing = client.get(done["Location"])
    assert listing.status_code == 200
    assert "Iota Question" in listing.content.decode()


def _previewed(client, instructor, framework) -> tuple[str, str]:
    """A true/false file dry-run into the instructor's own bank: the import page's
    URL and the token its confirmation sends back."""
    own = make_bank(framework, code="mine", owner=instructor)
    url = f"/admin/assessments/banks/{own.pk}/import-moodle/"
    client.force_login(instructor)
    preview = client.post(
        url,
        {"file": _upload("b.xml", outside("qtype_truefalse_testquestion.moodle.xml"))},
    )
    return url, preview.context["token"]


@pytest.mark.django_db
def test_cancelling_discards_the_file_and_returns_to_the_banks_form(
    client, instructor, framework_academy
):
    url, token = _previewed(client, instructor, framework_academy)
    cancelled = client.post(url, {"action": "cancel", "token": token})
    assert cancelled.status_code == 302
    assert cancelled["Location"] == url
    assert client.post(url, {"action": "confirm", "token": token})["Location"] == url
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_a_bad_file_on_screen_writes_nothing_and_lists_every_problem(
    client, instructor, framework_academy
):
    own = make_bank(framework_academy, code="mine", owner=instructor)
    client.force_login(instructor)
    with translation.override("th"):
        response = client.post(
            f"/admin/assessments/banks/{own.pk}/import-moodle/",
            {"file": _upload("bad.xml", outside("error_invalid_grades.xml"))},
            HTTP_ACCEPT_LANGUAGE="th",
        )
    assert response.status_code == 200
    assert len(response.context["problems"]) == 1
    assert "token" not in response.context
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_only_the_banks_author_reaches_its_moodle_import(
    client, instructor, framework_academy
):
    other = UserFactory(email="other@example.go.th", roles=[Role.INSTRUCTOR])
    theirs = make_bank(framework_academy, code="theirs", owner=other)
    client.force_login(instructor)
    url = f"/admin/assessments/banks/{theirs.pk}/import-moodle/"
    assert client.get(url).status_code == 404
    assert (
        client.post(
            url,
            {
                "file": _upload(
                    "b.xml", outside("qtype_truefalse_testquestion.moodle.xml")
                )
            },
        ).status_code
        == 404
    )
    assert not Question.objects.exists()
    learner = UserFactory(email="learner@example.go.th")
    client.force_login(learner)
    assert client.get(url).status_code in (302, 403)


@pytest.mark.django_db
def test_another_sessions_token_confirms_nothing(client, instructor, framework_academy):
    url, token = _previewed(client, instructor, framework_academy)
    client.logout()
    client.force_login(instructor)  # a fresh session
    client.post(url, {"action": "confirm", "token": token})
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_publishing_an_assessment_needs_enough_mapped_questions(
    client, instructor, framework_academy
):
    gov = competency(framework_academy, "ACD-GOV-02")
    own = make_bank(framework_academy, code="mine", owner=instructor)
    moodle_questions_import(
        bank=own,
        content=outside("nested_categories_with_questions.xml"),
        dry_run=False,
    )
    quiz = make_assessment(area=gov.parent, rules=[(own, gov, 2)], is_published=False)
    client.force_login(instructor)
    quiz.owner = instructor
    quiz.save()
    edit = client.get(f"/admin/assessments/assessments/edit/{quiz.pk}/")
    assert edit.status_code == 200
    form = edit.context["form"]
    data = {key: value for key, value in _form_data(form).items() if value is not None}
    data["is_published"] = "on"
    response = client.post(f"/admin/assessments/assessments/edit/{quiz.pk}/", data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("is_published", []))
    assert "ACD-GOV-02 0 ข้อ" in errors
    assert "4 ข้อที่ต้องกำหนดสมรรถนะและระดับ" in errors
    quiz.refresh_from_db()
    assert not quiz.is_published


def _form_data(form) -> dict:
    """The POST a browser would send for an unchanged Wagtail admin form."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        if value is None:
            continue
        data[name] = value if not isinstance(value, Decimal) else str(value)
    for prefix, formset in form.formsets.items():
        data[f"{prefix}-TOTAL_FORMS"] = str(len(formset.forms))
        data[f"{prefix}-INITIAL_FORMS"] = str(formset.initial_form_count())
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for index, sub in enumerate(formset.forms):
            for name, field in sub.fields.items():
                value = sub.initial.get(name, field.initial)
                if hasattr(value, "pk"):
                    value = value.pk
                if value is None or value is False:
                    continue
                data[f"{prefix}-{index}-{name}"] = value
            data[f"{prefix}-{index}-ORDER"] = str(index + 1)
    return data
