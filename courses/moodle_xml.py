"""Moodle XML question banks read whole: every problem of every question in one pass.

Moodle XML ("Export questions → Moodle XML format") is the question format Moodle
users actually have. It has no place for the competency and the level that an
Academy question tests, so questions read from it come out *unmapped* (an empty
competency code and no level) unless their tags say otherwise:

- a tag ``competency:CODE`` (or ``สมรรถนะ:CODE``) names the competency;
- a tag ``level:N`` (or ``ระดับ:N``) names the level's rank.

`courses.assessments.services.moodle_questions_import` checks those against the
bank's framework; an unmapped question is stored but never drawn into an attempt
until an instructor sets both.

What is read, by Moodle question type:

=============  =================================================================
multichoice    ``<single>true</single>``: single choice, the 100% answer right
               (partial credit on the others is dropped, with a warning);
               otherwise multiple choice, every answer above 0% right (the
               positive grades must add up to 100%, as Moodle itself requires)
truefalse      true / false, the 100% answer right
shortanswer    the 100% answers accepted (``usecase`` → case-sensitive); a ``*``
               catch-all at 0% is left out; answers with partial credit are
               dropped with a warning; a wildcard in a credited answer skips the
               question (the Academy has no wildcards)
numerical      the 100% answer and its tolerance (units are not read)
matching       each subquestion a pair; an empty subquestion a distractor
ordering       the answers in the order of their ``fraction`` (qtype_ordering)
=============  =================================================================

Every other type (essay, cloze, description, calculated, drag and drop, random …)
is skipped with the reason; so is a question carrying images or other files, which
the Academy does not store with questions. Moodle categories become the question's
``category`` label (the ``$course$/`` and ``top/`` prefixes dropped); tags are kept.
HTML is read as plain text (paragraphs and line breaks kept as new lines). The
identifier is Moodle's ``idnumber`` when there is one; otherwise one derived from the
category and the question's name, so that importing the same file again updates
rather than duplicates.

The XML is parsed with defusedxml: a DTD, entity declarations or external references
are refused, not resolved.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

from django.utils.translation import gettext_lazy as _

from bs4 import BeautifulSoup
from defusedxml import DefusedXmlException
from defusedxml.sax import parseString

from .question_io import (
    MAX_CODE_LENGTH,
    QuestionImportError,
    QuestionImportProblem,
    _lazy_interpolate,
)
from .questions import (
    MAX_LEVEL_RANK,
    MAX_POINTS,
    SCORE_QUANTUM,
    DraftOption,
    QuestionDraft,
    QuestionKind,
    normalise_text,
)

#: A Moodle bank with images embedded in base64 runs to megabytes; refuse beyond this.
MAX_BYTES = 20 * 1024 * 1024
CATEGORY_MAX_LENGTH = 255
_COMPETENCY_TAG = re.compile(r"^(?:competency|สมรรถนะ)\s*:\s*(.+)$", re.IGNORECASE)
_LEVEL_TAG = re.compile(r"^(?:level|ระดับ)\s*:\s*(.+)$", re.IGNORECASE)
_CONTEXT_PREFIX = re.compile(r"^\$[a-z0-9]+\$/?")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

#: Why a Moodle question type is not read (types not listed: "no such questions").
_SKIPPED_TYPES = {
    "essay": _(
        "an essay is marked by hand; Academy assessments are marked automatically"
    ),
    "cloze": _("the Academy has no embedded-answers (cloze) questions"),
    "multianswer": _("the Academy has no embedded-answers (cloze) questions"),
    "description": _("a description is text, not a question"),
    "random": _("a random question is a rule of a Moodle quiz, not a question"),
    "randomsamatch": _("a random question is a rule of a Moodle quiz, not a question"),
    "calculated": _("the Academy has no calculated questions"),
    "calculatedsimple": _("the Academy has no calculated questions"),
    "calculatedmulti": _("the Academy has no calculated questions"),
}


# ------------------------------------------------------------------------------
# A small element tree that remembers lines (ElementTree does not)
# ------------------------------------------------------------------------------


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Node] = field(default_factory=list)
    text: str = ""

    def child(self, tag: str) -> _Node | None:
        return next((node for node in self.children if node.tag == tag), None)

    def all(self, tag: str) -> list[_Node]:
        return [node for node in self.children if node.tag == tag]

    def find(self, path: str) -> _Node | None:
        node: _Node | None = self
        for tag in path.split("/"):
            node = node.child(tag) if node else None
        return node

    def value(self, path: str) -> str:
        """The text of the element at `path` ("" when it is not there)."""
        node = self.find(path)
        return node.text.strip() if node else ""

    def walk(self):
        yield self
        for node in self.children:
            yield from node.walk()


class _TreeBuilder(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.root: _Node | None = None
        self._stack: list[_Node] = []
        self._locator = None

    def setDocumentLocator(self, locator) -> None:  # noqa: N802 (SAX's name)
        self._locator = locator

    def startElement(self, name, attrs) -> None:  # noqa: N802
        line = self._locator.getLineNumber() if self._locator else 0
        node = _Node(name, dict(attrs.items()), line)
        if self._stack:
            self._stack[-1].children.append(node)
        else:
            self.root = node
        self._stack.append(node)

    def endElement(self, name) -> None:  # noqa: N802
        self._stack.pop()

    def characters(self, content) -> None:
        if self._stack:
            self._stack[-1].text += content


# ------------------------------------------------------------------------------
# What the reader gives
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoodleQuestion:
    """A question read from the file: an Academy draft (unmapped unless tagged)."""

    line: int
    name: str
    moodle_type: str
    draft: QuestionDraft
    category: str
    tags: tuple[str, ...]
    is_active: bool
    #: From the tags: the competency code and the level rank, as written.
    competency_tag: str = ""
    level_tag: str = ""
    warnings: tuple[Any, ...] = ()


@dataclass(frozen=True)
class SkippedQuestion:
    line: int
    name: str
    moodle_type: str
    reason: Any


@dataclass(frozen=True)
class MoodleBank:
    questions: list[MoodleQuestion]
    skipped: list[SkippedQuestion]


class _Question:
    """One <question> being read and the problems and warnings found in it."""

    def __init__(self, node: _Node, name: str) -> None:
        self.node = node
        self.name = name
        self.problems: list[QuestionImportProblem] = []
        self.warnings: list[Any] = []
        self.skip_reason: Any = None

    def _message(self, template: Any, params: dict[str, Any]) -> Any:
        message = _lazy_interpolate(template, params) if params else template
        return _lazy_interpolate(
            _("Question “%(name)s”: %(message)s"),
            {"name": self.name or "?", "message": message},
        )

    def problem(self, template: Any, *, line: int | None = None, **params: Any):
        self.problems.append(
            QuestionImportProblem(
                line or self.node.line, self._message(template, params)
            )
        )

    def warn(self, template: Any, **params: Any) -> None:
        self.warnings.append(self._message(template, params))

    def skip(self, reason: Any) -> None:
        if self.skip_reason is None:
            self.skip_reason = reason


# ------------------------------------------------------------------------------
# Reading
# ------------------------------------------------------------------------------


def parse_moodle_xml(content: bytes) -> MoodleBank:
    """Every question of the file, or QuestionImportError listing every problem.

    Lines in problems are the lines of the XML file. Questions of types the Academy
    does not have are returned as skipped, with the reason, not as problems.
    """
    root = _parse(content)
    problems: list[QuestionImportProblem] = []
    questions: list[MoodleQuestion] = []
    skipped: list[SkippedQuestion] = []
    category = ""
    first_line: dict[str, int] = {}
    for node in root.all("question"):
        kind = node.attrs.get("type", "").strip().lower()
        if kind == "category":
            category = _category(node.value("category/text"))
            if len(category) > CATEGORY_MAX_LENGTH:
                problems.append(
                    QuestionImportProblem(
                        node.line,
                        _lazy_interpolate(
                            _(
                                "The category “%(value)s” is longer than %(max)d characters."
                            ),
                            {"value": category[:60] + "…", "max": CATEGORY_MAX_LENGTH},
                        ),
                    )
                )
            continue
        name = _plain(node.value("name/text"))
        question = _Question(node, name)
        result = _read(question, kind, category)
        if question.skip_reason is not None:
            skipped.append(SkippedQuestion(node.line, name, kind, question.skip_reason))
            continue
        if result is not None and not question.problems:
            external_id = result.draft.external_id
            if external_id in first_line:
                question.problem(
                    _(
                        "the identifier “%(value)s” is also used by the question on "
                        "line %(other)d; give one of them another Moodle ID number."
                    ),
                    value=external_id,
                    other=first_line[external_id],
                )
            else:
                first_line[external_id] = node.line
        problems.extend(question.problems)
        if result is not None and not question.problems:
            questions.append(result)
    if not problems and not questions and not skipped:
        problems.append(
            QuestionImportProblem(root.line, _("The file has no questions."))
        )
    if problems:
        raise QuestionImportError(sorted(problems, key=lambda problem: problem.line))
    return MoodleBank(questions=questions, skipped=skipped)


def _parse(content: bytes) -> _Node:
    def refuse(line: int, template: Any, **params: Any):
        message = _lazy_interpolate(template, params) if params else template
        raise QuestionImportError([QuestionImportProblem(line, message)])

    if len(content) > MAX_BYTES:
        refuse(
            1,
            _("The file is %(size)s MB; the limit is %(max)d MB."),
            size=f"{len(content) / 1024 / 1024:.1f}",
            max=MAX_BYTES // 1024 // 1024,
        )
    if not content.strip():
        refuse(1, _("The file is empty."))
    builder = _TreeBuilder()
    try:
        parseString(content, builder)
    except DefusedXmlException:
        refuse(
            1,
            _(
                "The file declares a DTD or entities, which are refused for safety; "
                "export it from Moodle again."
            ),
        )
    except SAXParseException as error:
        refuse(
            error.getLineNumber() or 1,
            _(
                "This is not well-formed XML (column %(column)d: %(reason)s); a Moodle "
                "XML file may have been cut short or edited by hand."
            ),
            column=(error.getColumnNumber() or 0) + 1,
            reason=error.getMessage(),
        )
    root = builder.root
    if root is None or root.tag != "quiz":
        refuse(
            root.line if root else 1,
            _(
                "This is XML but not a Moodle XML question file (its root is "
                "<%(tag)s>, not <quiz>)."
            ),
            tag=root.tag if root else "",
        )
    return root


def _category(path: str) -> str:
    path = _CONTEXT_PREFIX.sub("", path.strip())
    parts = [part.strip() for part in path.split("/") if part.strip()]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return " / ".join(parts)


def _plain(html: str) -> str:
    """Moodle's HTML as the plain text the Academy stores (paragraphs kept)."""
    if "<" not in html and "&" not in html:
        return html.strip()
    soup = BeautifulSoup(html, "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(["p", "div", "li", "tr", "h1", "h2", "h3", "h4"]):
        block.insert_after("\n")
    lines = [" ".join(line.split()) for line in soup.get_text().splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _has_files(node: _Node) -> str:
    """The name of a file the question carries or points to, or ""."""
    for item in node.walk():
        if item.tag == "file":
            return item.attrs.get("name", "?")
        if "@@PLUGINFILE@@" in item.text or "<img" in item.text.lower():
            match = re.search(r"@@PLUGINFILE@@/([^\"'\s>]+)", item.text)
            return match.group(1) if match else "img"
    return ""


def _fraction(question: _Question, answer: _Node) -> Decimal | None:
    raw = answer.attrs.get("fraction", "0").strip() or "0"
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        question.problem(
            _("the grade “%(value)s” of an answer is not a number."),
            line=answer.line,
            value=raw,
        )
        return None
    return value


def _read(question: _Question, kind: str, category: str) -> MoodleQuestion | None:
    node = question.node
    if kind in _SKIPPED_TYPES:
        question.skip(_SKIPPED_TYPES[kind])
        return None
    if kind not in _READERS:
        question.skip(
            _lazy_interpolate(
                _("the Academy has no questions of the Moodle type “%(type)s”"),
                {"type": kind or "?"},
            )
        )
        return None
    embedded = _has_files(node)
    if embedded:
        question.skip(
            _lazy_interpolate(
                _(
                    "it carries the file “%(file)s” (an image or other file); the "
                    "Academy does not store files with questions"
                ),
                {"file": embedded},
            )
        )
        return None
    prompt = _plain(node.value("questiontext/text"))
    if not prompt:
        question.problem(_("the question text is empty."))
    if not question.name and prompt:
        question.name = prompt[:40]
    if not question.name:
        question.problem(_("the question has no name."))
    points = _points(question)
    tags = tuple(
        dict.fromkeys(
            _plain(tag.value("text"))
            for tag in (node.child("tags").all("tag") if node.child("tags") else [])
            if _plain(tag.value("text"))
        )
    )
    competency_tag = level_tag = ""
    for tag in tags:
        if match := _COMPETENCY_TAG.match(tag):
            competency_tag = match.group(1).strip()
        elif match := _LEVEL_TAG.match(tag):
            level_tag = match.group(1).strip()
    level = None
    if level_tag:
        translated = level_tag.translate(_THAI_DIGITS)
        if translated.isdigit() and 1 <= int(translated) <= MAX_LEVEL_RANK:
            level = int(translated)
        else:
            question.problem(
                _("the tag “level:%(value)s” is not a whole number from 1 to %(max)d."),
                value=level_tag,
                max=MAX_LEVEL_RANK,
            )
    external_id = _identifier(question, category)
    fields = _READERS[kind](question)
    if fields is None or question.problems or question.skip_reason is not None:
        return None
    kind_value = fields.pop("kind")
    draft = QuestionDraft(
        bank="",
        external_id=external_id,
        kind=kind_value,
        competency_code=competency_tag,
        level=level,
        prompt=prompt,
        explanation=_plain(node.value("generalfeedback/text")),
        points=points,
        **fields,
    )
    return MoodleQuestion(
        line=node.line,
        name=question.name,
        moodle_type=kind,
        draft=draft,
        category=category,
        tags=tags,
        is_active=node.value("hidden") not in {"1", "true"},
        competency_tag=competency_tag,
        level_tag=level_tag,
        warnings=tuple(question.warnings),
    )


def _identifier(question: _Question, category: str) -> str:
    idnumber = question.node.value("idnumber")
    if idnumber:
        if len(idnumber) > MAX_CODE_LENGTH:
            question.problem(
                _("the ID number “%(value)s” is longer than %(max)d characters."),
                value=idnumber,
                max=MAX_CODE_LENGTH,
            )
        return idnumber
    digest = hashlib.sha256(f"{category}\x1f{question.name}".encode()).hexdigest()
    return f"moodle-{digest[:16]}"


def _points(question: _Question) -> Decimal:
    raw = question.node.value("defaultgrade") or "1"
    try:
        points = Decimal(raw)
    except InvalidOperation:
        points = None
    if points is None or not points.is_finite() or not 0 < points <= MAX_POINTS:
        question.problem(
            _(
                "the default mark “%(value)s” is not a number above 0 and at most %(max)s."
            ),
            value=raw,
            max=MAX_POINTS,
        )
        return Decimal(1)
    rounded = points.quantize(SCORE_QUANTUM, rounding=ROUND_HALF_UP)
    if rounded != points:
        question.warn(
            _("the default mark %(value)s is rounded to %(rounded)s."),
            value=raw,
            rounded=rounded,
        )
    if rounded <= 0:
        question.problem(_("the default mark “%(value)s” rounds to 0."), value=raw)
        return Decimal(1)
    return rounded


def _answers(question: _Question) -> list[tuple[_Node, str, Decimal, str]]:
    """(node, text, fraction, feedback) of each answer with text, in file order."""
    answers = []
    for answer in question.node.all("answer"):
        text = _plain(answer.value("text"))
        fraction = _fraction(question, answer)
        if not text or fraction is None:
            continue
        answers.append((answer, text, fraction, _plain(answer.value("feedback/text"))))
    return answers


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _read_multichoice(question: _Question) -> dict[str, Any] | None:
    single = question.node.value("single").lower() not in {"false", "0"}
    answers = _answers(question)
    if len(answers) < 2:
        question.problem(_("a choice question needs at least two answers."))
        return None
    seen: dict[str, str] = {}
    for _node, text, _fraction_value, _feedback in answers:
        key = normalise_text(text)
        if key in seen:
            question.problem(_("the answer “%(value)s” is given twice."), value=text)
        seen[key] = text
    if single:
        full = [answer for answer in answers if answer[2] >= 100]
        if not full:
            question.problem(_("no answer gives 100%, so no answer would be right."))
            return None
        if len(full) > 1:
            question.skip(
                _(
                    "several answers give 100%; an Academy single-choice question has "
                    "one right answer"
                )
            )
            return None
        for _node, text, fraction, _feedback in answers:
            if 0 < fraction < 100:
                question.warn(
                    _("the %(percent)s%% for “%(answer)s” is dropped (counted wrong)."),
                    percent=_percent(fraction),
                    answer=text,
                )
        kind = QuestionKind.SINGLE
        correct = [fraction >= 100 for _node, _text, fraction, _feedback in answers]
    else:
        positive = [
            fraction for _node, _text, fraction, _feedback in answers if fraction > 0
        ]
        total = sum(positive, Decimal(0))
        if not positive or abs(total - 100) > Decimal("0.01"):
            question.problem(
                _(
                    "the grades of the right answers add up to %(total)s%%, not 100%% "
                    "(Moodle refuses this too)."
                ),
                total=_percent(total),
            )
            return None
        if len(set(positive)) > 1:
            question.warn(
                _("the right answers have different grades; each counts the same here.")
            )
        kind = QuestionKind.MULTIPLE
        correct = [fraction > 0 for _node, _text, fraction, _feedback in answers]
    return {
        "kind": kind,
        "options": tuple(
            DraftOption(text=text, feedback=feedback, is_correct=is_correct)
            for (_node, text, _fraction_value, feedback), is_correct in zip(
                answers, correct, strict=True
            )
        ),
    }


def _read_truefalse(question: _Question) -> dict[str, Any] | None:
    by_word: dict[str, tuple[Decimal, str]] = {}
    for answer in question.node.all("answer"):
        word = _plain(answer.value("text")).lower()
        fraction = _fraction(question, answer)
        if word in {"true", "false"} and fraction is not None:
            by_word[word] = (fraction, _plain(answer.value("feedback/text")))
    if set(by_word) != {"true", "false"}:
        question.problem(
            _("a true/false question needs a “true” and a “false” answer.")
        )
        return None
    true_right = by_word["true"][0] >= 100
    if true_right == (by_word["false"][0] >= 100):
        question.problem(_("exactly one of “true” and “false” must give 100%."))
        return None
    return {
        "kind": QuestionKind.TRUE_FALSE,
        "options": (
            DraftOption("", feedback=by_word["true"][1], is_correct=true_right),
            DraftOption("", feedback=by_word["false"][1], is_correct=not true_right),
        ),
    }


def _read_shortanswer(question: _Question) -> dict[str, Any] | None:
    accepted = []
    for _node, text, fraction, _feedback in _answers(question):
        if fraction <= 0:
            continue
        if "*" in text:
            question.skip(
                _lazy_interpolate(
                    _(
                        "the answer “%(answer)s” uses Moodle's * wildcard; the "
                        "Academy compares whole answers"
                    ),
                    {"answer": text},
                )
            )
            return None
        if fraction >= 100:
            accepted.append(text)
        else:
            question.warn(
                _(
                    "the answer “%(answer)s” (%(percent)s%%) is dropped: no partial credit."
                ),
                answer=text,
                percent=_percent(fraction),
            )
    if not accepted:
        question.problem(_("no answer gives 100%, so no answer would be accepted."))
        return None
    return {
        "kind": QuestionKind.SHORT_TEXT,
        "accepted_answers": tuple(accepted),
        "case_sensitive": question.node.value("usecase") in {"1", "true"},
    }


def _read_numerical(question: _Question) -> dict[str, Any] | None:
    full = []
    for answer, text, fraction, _feedback in _answers(question):
        if text == "*" or fraction <= 0:
            continue
        if fraction < 100:
            question.warn(
                _(
                    "the answer “%(answer)s” (%(percent)s%%) is dropped: no partial credit."
                ),
                answer=text,
                percent=_percent(fraction),
            )
            continue
        full.append((answer, text))
    if len(full) != 1:
        question.problem(
            _(
                "a numerical question is read with exactly one 100%% answer (it has %(count)d)."
            ),
            count=len(full),
        )
        return None
    answer, text = full[0]
    try:
        value = Decimal(text.translate(_THAI_DIGITS).replace(",", ""))
        tolerance = Decimal(answer.value("tolerance") or "0")
    except InvalidOperation:
        value = tolerance = None
    if value is None or not value.is_finite() or not tolerance.is_finite():
        question.problem(
            _("the answer “%(answer)s” or its tolerance is not a number."), answer=text
        )
        return None
    if tolerance < 0:
        question.problem(_("the tolerance is negative."))
        return None
    if question.node.find("units/unit"):
        question.warn(_("units are not read; learners answer with the number only."))
    return {
        "kind": QuestionKind.NUMERIC,
        "numeric_answer": value,
        "numeric_tolerance": tolerance,
    }


def _read_matching(question: _Question) -> dict[str, Any] | None:
    options = []
    for sub in question.node.all("subquestion"):
        left = _plain(sub.value("text"))
        right = _plain(sub.value("answer/text"))
        if not right:
            if left:
                question.problem(
                    _("the item “%(item)s” has no answer to match."),
                    line=sub.line,
                    item=left,
                )
            continue
        options.append(DraftOption(left, match=right))
    if sum(bool(option.text) for option in options) < 2:
        question.problem(_("a matching question needs at least two items."))
        return None
    lefts = [normalise_text(option.text) for option in options if option.text]
    if len(set(lefts)) != len(lefts):
        question.problem(_("an item to match is given twice."))
        return None
    return {"kind": QuestionKind.MATCHING, "options": tuple(options)}


def _read_ordering(question: _Question) -> dict[str, Any] | None:
    answers = _answers(question)
    if len(answers) < 2:
        question.problem(_("an ordering question needs at least two items."))
        return None
    ordered = sorted(enumerate(answers), key=lambda item: (item[1][2], item[0]))
    return {
        "kind": QuestionKind.ORDERING,
        "options": tuple(DraftOption(text) for _index, (_n, text, _f, _fb) in ordered),
    }


_READERS = {
    "multichoice": _read_multichoice,
    "truefalse": _read_truefalse,
    "shortanswer": _read_shortanswer,
    "numerical": _read_numerical,
    "matching": _read_matching,
    "ordering": _read_ordering,
}


__all__ = [
    "MoodleBank",
    "MoodleQuestion",
    "SkippedQuestion",
    "parse_moodle_xml",
]
