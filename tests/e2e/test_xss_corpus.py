"""Stored XSS: a payload corpus in every field an instructor controls, rendered in
Chromium with the Content Security Policy switched off, must execute nothing.

The CSP would block inline script anyway; bypassing it here proves the second line
on its own: templates escape text, and rich text passes through Wagtail's editor
conversion (its whitelist and its URL check), the only way an instructor's rich text
reaches the database. Every payload calls window.__xss(tag); the hook records calls.
"""

import json

import pytest

from tests.factories import PlacementFactory, UserFactory, competency, course, org_unit

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOADS = [
    "<script>window.__xss('script')</script>",
    "<img src=x onerror=\"window.__xss('img')\">",
    "<svg onload=window.__xss('svg')>",
    "\"><script>window.__xss('attr')</script>",
    "'><img src=x onerror=window.__xss('quote')>",
    "</textarea><script>window.__xss('textarea')</script>",
    "<iframe srcdoc=\"<script>parent.__xss('srcdoc')</script>\"></iframe>",
    "<details open ontoggle=\"window.__xss('details')\">x</details>",
    "<a href=\"javascript:window.__xss('href')\">link</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss('mxss')>",
    "{{ 7|add:7 }}{% now 'Y' %}",
    "<body onload=\"window.__xss('body')\">",
    "<input autofocus onfocus=\"window.__xss('focus')\">",
]
CORPUS = " ".join(PAYLOADS)
JS_URL = "javascript:window.__xss('link-entity')"


def _rich_text(features) -> str:
    """The corpus as the Draftail editor would submit it: every payload as text, and a
    link whose URL is a javascript: URL, converted as the admin form converts it."""
    from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

    blocks = [
        {
            "key": f"k{n}",
            "type": "unstyled",
            "depth": 0,
            "text": payload,
            "inlineStyleRanges": [],
            "entityRanges": [],
            "data": {},
        }
        for n, payload in enumerate(PAYLOADS)
    ]
    blocks.append(
        {
            "key": "link",
            "type": "unstyled",
            "depth": 0,
            "text": "click me",
            "inlineStyleRanges": [],
            "entityRanges": [{"offset": 0, "length": 8, "key": 0}],
            "data": {},
        }
    )
    contentstate = {
        "blocks": blocks,
        "entityMap": {
            "0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": JS_URL}}
        },
    }
    return ContentstateConverter(features).to_database_format(json.dumps(contentstate))


@pytest.fixture
def poisoned(standards):
    from courses.blocks import RICH_TEXT_FEATURES
    from courses.models import LessonPage

    framework = standards["acd-digital"]
    gov01 = competency(framework, "ACD-GOV-01")
    rich = _rich_text(RICH_TEXT_FEATURES)
    page = course(
        "หลักสูตร " + PAYLOADS[0],
        lessons=1,
        competencies=[(gov01, 2)],
        title_en=PAYLOADS[1],
        summary=CORPUS[:590],
        summary_en=PAYLOADS[3],
        description=rich,
        description_en=rich,
        slug="xss-course",
    )
    lesson = LessonPage.objects.child_of(page).get().specific
    lesson.title = "บทเรียน " + PAYLOADS[2]
    lesson.body = [
        ("heading", CORPUS[:250]),
        ("paragraph", rich),
        (
            "video",
            {
                "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                "caption": PAYLOADS[4],
                "transcript": CORPUS,
            },
        ),
        ("code", {"language": "python", "code": CORPUS}),
        ("callout", {"kind": "note", "title": PAYLOADS[5], "text": rich}),
        ("quote", CORPUS),
    ]
    lesson.save_revision().publish()

    user = UserFactory(email="xss-learner@example.go.th")
    PlacementFactory(unit=org_unit("XSS", kind="ministry"), person__user=user)
    assessment = _poisoned_assessment(framework, gov01)
    return user, page, lesson.specific, assessment


def _poisoned_assessment(framework, gov01):
    """Question prompt, explanation, options and feedback, if assessments exist."""
    try:
        from tests.courses.assessment_helpers import make_assessment, make_bank
    except ImportError:  # pragma: no cover - assessments not built yet
        return None
    from courses.models import Question, QuestionOption

    bank = make_bank(framework, code="xss-bank")
    for n in range(2):
        question = Question.objects.create(
            bank=bank,
            external_id=f"X{n}",
            kind="single",
            competency=gov01,
            level=framework.scale.levels.get(rank=1),
            prompt=CORPUS,
            explanation=CORPUS,
        )
        for order, correct in enumerate((True, False)):
            QuestionOption.objects.create(
                question=question,
                sort_order=order,
                text=PAYLOADS[order + 6],
                is_correct=correct,
                feedback=CORPUS,
            )
    return make_assessment(
        area=gov01.parent,
        rules=[(bank, gov01, 2)],
        title="แบบวัด " + PAYLOADS[7],
        instructions=CORPUS,
    )


@pytest.fixture
def watched(browser, live_server):
    """A page whose window.__xss records every call, with the CSP bypassed."""
    calls: list[str] = []
    context = browser.new_context(
        base_url=live_server.url, locale="th-TH", bypass_csp=True
    )
    context.set_default_timeout(15_000)
    context.expose_function("__xss", lambda tag="?": calls.append(str(tag)))
    page = context.new_page()
    page.on("dialog", lambda dialog: calls.append("dialog") or dialog.dismiss())
    yield page, calls
    context.close()


def _visit(page, path):
    page.goto(path)
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # let onerror/onload/ontoggle handlers fire
    assert page.locator("a[href^='javascript:']").count() == 0, path


def test_instructor_content_executes_nothing(watched, sign_in, poisoned, shot):
    page, calls = watched
    user, course_page, lesson, assessment = poisoned
    sign_in(page, user.email)
    for path in (
        "/courses/",
        course_page.url,
        lesson.url,
        "/search/?q=%E0%B8%AB%E0%B8%A5%E0%B8%B1%E0%B8%81%E0%B8%AA%E0%B8%B9%E0%B8%95%E0%B8%A3",
        "/dashboard/",
    ):
        _visit(page, path)
    shot(page, "dashboard")
    page.goto(course_page.url)
    enrol = page.locator("form[action$='/enrol/'] button")
    if enrol.count():
        enrol.first.click()
        page.wait_for_load_state("load")
        _visit(page, lesson.url)
        _visit(page, "/dashboard/")
    if assessment is not None:
        link = page.get_by_role("link", name=assessment.title)
        assert link.count() == 1  # the title shows as text, escaped
        link.click()
        page.wait_for_load_state("load")
        page.locator("form[action$='/start/'] button").click()
        page.wait_for_url("**/learn/attempts/*/")
        page.wait_for_timeout(300)
        shot(page, "attempt")
        assert "<script>" in page.locator("main").inner_text()  # shown as text
    assert calls == []


def test_the_corpus_would_run_if_it_were_not_escaped(watched, live_server):
    """The hook works: the same payload in a page that does not escape it fires."""
    page, calls = watched
    page.set_content(f"<html><body>{PAYLOADS[1]}</body></html>")
    page.wait_for_timeout(300)
    assert calls == ["img"]
