"""Questions as plain data, so an attempt keeps what it drew and shows only what learners may see.

Three shapes of one question:

- `QuestionDraft` is the authored question (what an instructor writes, what the CSV
  holds): options in authoring order, correctness as flags on the options.
- `QuestionSnapshot` is the question as drawn into an attempt: options carry opaque
  ids made by `QuestionDraft.to_snapshot`, and the answer key refers to those ids. It
  round-trips through JSON (`to_dict` / `from_dict`) so the attempt can store it.
- `public_view(snapshot, option_order)` is the only part a learner's browser receives
  before submission: the prompt and the options in the attempt's order, never a key,
  feedback, explanation or correctness flag.

Option ids are shown to the learner, so they must say nothing about the answer:
database ids or positions would (authors often put the right option first, and an
ordering question's items are written in the right order). `to_snapshot` therefore
gives every option a random id; build snapshots through it.

Responses, by kind (what `courses.grading.grade` accepts):

- SINGLE: the chosen option id (str).
- MULTIPLE: a list of the chosen option ids.
- TRUE_FALSE: a bool, or the option id "true" / "false".
- MATCHING: a dict {left item id: chosen right choice id}; left items may be left out.
- ORDERING: the list of all item ids in the learner's order.
- NUMERIC: a str (Thai digits and thousands separators allowed), an int or a Decimal.
- SHORT_TEXT: a str.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

#: Version of the dict written by `QuestionSnapshot.to_dict`.
SNAPSHOT_SCHEMA = 1
#: Scores and points are kept to two decimal places (DecimalField(decimal_places=2)).
SCORE_QUANTUM = Decimal("0.01")
MAX_POINTS = Decimal("999.99")
MAX_LEVEL_RANK = 99
#: Longest numeric or text response that is read at all; longer ones score 0.
MAX_NUMBER_LENGTH = 64
MAX_TEXT_LENGTH = 1000

TRUE_ID = "true"
FALSE_ID = "false"


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    MATCHING = "matching"
    ORDERING = "ordering"
    NUMERIC = "numeric"
    SHORT_TEXT = "short_text"


#: Kinds whose snapshot options carry per-option feedback shown after grading.
KINDS_WITH_OPTION_FEEDBACK = frozenset(
    {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE}
)
#: Kinds where the author may turn partial credit off.
KINDS_WITH_PARTIAL_CREDIT = frozenset(
    {QuestionKind.MULTIPLE, QuestionKind.MATCHING, QuestionKind.ORDERING}
)


# ------------------------------------------------------------------------------
# Answer keys
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SingleKey:
    """The one correct option."""

    correct: str


@dataclass(frozen=True)
class MultipleKey:
    """The correct options; credit is (right chosen - wrong chosen) / right, floored at 0.

    A wrong tick cancels a right one, so ticking everything earns nothing unless most
    options are right; `all_or_nothing` gives credit only for exactly the right set.
    """

    correct: tuple[str, ...]
    all_or_nothing: bool = False


@dataclass(frozen=True)
class TrueFalseKey:
    answer: bool


@dataclass(frozen=True)
class MatchingKey:
    """Left item id -> right choice id; credit is the share of pairs matched right.

    Several left items may share a right choice, and right choices that match no left
    item are distractors.
    """

    pairs: tuple[tuple[str, str], ...]
    all_or_nothing: bool = False


@dataclass(frozen=True)
class OrderingKey:
    """The item ids in the right order.

    Credit is (L - 1) / (n - 1), where L is the length of the longest run of items the
    learner put in the right relative order (not necessarily adjacent), n the number of
    items. One item put in the wrong place costs about one item's share, however far
    it moved, where scoring by position would lose every item it pushed along; and a
    reversed list earns 0 rather than the 1 / n that any single item would give.
    """

    order: tuple[str, ...]
    all_or_nothing: bool = False


@dataclass(frozen=True)
class NumericKey:
    """Right when |response - answer| <= tolerance (an absolute tolerance)."""

    answer: Decimal
    tolerance: Decimal = Decimal(0)


@dataclass(frozen=True)
class ShortTextKey:
    """Accepted answers, compared after `normalise_text` on both sides."""

    accepted: tuple[str, ...]
    case_sensitive: bool = False


AnswerKey = (
    SingleKey
    | MultipleKey
    | TrueFalseKey
    | MatchingKey
    | OrderingKey
    | NumericKey
    | ShortTextKey
)

_KEY_TYPES: dict[QuestionKind, type] = {
    QuestionKind.SINGLE: SingleKey,
    QuestionKind.MULTIPLE: MultipleKey,
    QuestionKind.TRUE_FALSE: TrueFalseKey,
    QuestionKind.MATCHING: MatchingKey,
    QuestionKind.ORDERING: OrderingKey,
    QuestionKind.NUMERIC: NumericKey,
    QuestionKind.SHORT_TEXT: ShortTextKey,
}


# ------------------------------------------------------------------------------
# Reading numbers and text the way learners type them
# ------------------------------------------------------------------------------

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙\u2212", "0123456789-")
_NUMBER = re.compile(
    r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)", flags=re.ASCII
)


def parse_number(text: str) -> Decimal | None:
    """A decimal number as a Thai learner may type it, or None.

    Thai digits (๐-๙) and the Unicode minus sign are read as ASCII; commas are
    accepted only as thousands separators in groups of three ("1,234.5"), because a
    comma elsewhere ("1,5") is ambiguous. Exponents, NaN and infinity are refused.
    """
    if not isinstance(text, str) or len(text) > MAX_NUMBER_LENGTH:
        return None
    text = text.strip().translate(_THAI_DIGITS)
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None


#: Invisible characters Thai text picks up from word-breaking tools and copy-paste.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"),
    None,
)
_THAI_TONE = "\u0e48-\u0e4b"
_THAI_VOWEL_ABOVE_BELOW = "\u0e31\u0e34-\u0e3a"
_THAI_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"


def _thai_canonical(text: str) -> str:
    """Spellings that look identical on screen written one way (NFC does not do this).

    Nikhahit + sara aa becomes sara am, a tone mark typed before an above or below
    vowel goes after it, a mark typed twice counts once, and two sara e become sara ae.
    """
    text = re.sub(f"\u0e4d([{_THAI_TONE}]?)\u0e32", "\\1\u0e33", text)
    text = re.sub(f"([{_THAI_TONE}\u0e4c])([{_THAI_VOWEL_ABOVE_BELOW}])", r"\2\1", text)
    text = re.sub(f"([{_THAI_MARKS}])\\1+", r"\1", text)
    return text.replace("\u0e40\u0e40", "\u0e41")


def normalise_text(text: str, *, case_sensitive: bool = False) -> str:
    """Short-text answers compared as a reader sees them, not as they were typed.

    Unicode NFC, invisible characters (zero-width space, joiners, word joiner, BOM, soft
    hyphen) removed, Thai spellings made canonical, surrounding space trimmed and
    inner runs of any white space (including no-break space) made one space; then
    case-folded unless the question is case-sensitive (Thai has no case).
    """
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = " ".join(_thai_canonical(text).split())
    return text if case_sensitive else text.casefold()


# ------------------------------------------------------------------------------
# The question as drawn into an attempt
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """An option, an ordering item or a matching left item or right choice."""

    id: str
    text: str
    feedback: str = ""


@dataclass(frozen=True)
class QuestionSnapshot:
    """A question as drawn into an attempt; the attempt stores `to_dict()` of it.

    `options` are the choices (SINGLE, MULTIPLE), the fixed "true" and "false" options
    (TRUE_FALSE), the left items (MATCHING) or the items in the right order
    (ORDERING); `targets` are the right choices of a MATCHING question. Construction
    checks that the key fits the options and raises ValueError if not.
    """

    id: str
    kind: QuestionKind
    prompt: str
    key: AnswerKey
    points: Decimal
    competency_code: str
    level_rank: int
    options: tuple[Option, ...] = ()
    targets: tuple[Option, ...] = ()
    explanation: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", QuestionKind(self.kind))
        object.__setattr__(self, "options", tuple(self.options))
        object.__setattr__(self, "targets", tuple(self.targets))
        problem = _snapshot_problem(self)
        if problem:
            raise ValueError(f"Question {self.id!r}: {problem}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe; decimals as strings so nothing is lost in a JSONField."""
        return {
            "schema": SNAPSHOT_SCHEMA,
            "id": self.id,
            "kind": str(self.kind),
            "prompt": self.prompt,
            "options": [_option_to_dict(option) for option in self.options],
            "targets": [_option_to_dict(option) for option in self.targets],
            "key": _key_to_dict(self.key),
            "explanation": self.explanation,
            "points": str(self.points),
            "competency_code": self.competency_code,
            "level_rank": self.level_rank,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QuestionSnapshot:
        """Reads what `to_dict` wrote; raises ValueError on anything else."""
        try:
            if data["schema"] != SNAPSHOT_SCHEMA:
                raise ValueError(f"unknown snapshot schema {data['schema']!r}")
            kind = QuestionKind(data["kind"])
            return cls(
                id=data["id"],
                kind=kind,
                prompt=data["prompt"],
                options=tuple(_option_from_dict(item) for item in data["options"]),
                targets=tuple(_option_from_dict(item) for item in data["targets"]),
                key=_key_from_dict(kind, data["key"]),
                explanation=data["explanation"],
                points=Decimal(data["points"]),
                competency_code=data["competency_code"],
                level_rank=data["level_rank"],
            )
        except (KeyError, TypeError, InvalidOperation) as error:
            raise ValueError(f"Not a question snapshot: {error!r}") from error


def _option_to_dict(option: Option) -> dict[str, str]:
    return {"id": option.id, "text": option.text, "feedback": option.feedback}


def _option_from_dict(data: Mapping[str, Any]) -> Option:
    return Option(id=data["id"], text=data["text"], feedback=data["feedback"])


def _key_to_dict(key: AnswerKey) -> dict[str, Any]:
    match key:
        case SingleKey():
            return {"correct": key.correct}
        case MultipleKey():
            return {"correct": list(key.correct), "all_or_nothing": key.all_or_nothing}
        case TrueFalseKey():
            return {"answer": key.answer}
        case MatchingKey():
            return {
                "pairs": [list(pair) for pair in key.pairs],
                "all_or_nothing": key.all_or_nothing,
            }
        case OrderingKey():
            return {"order": list(key.order), "all_or_nothing": key.all_or_nothing}
        case NumericKey():
            return {"answer": str(key.answer), "tolerance": str(key.tolerance)}
        case ShortTextKey():
            return {
                "accepted": list(key.accepted),
                "case_sensitive": key.case_sensitive,
            }
    raise TypeError(f"Not an answer key: {key!r}")


def _key_from_dict(kind: QuestionKind, data: Mapping[str, Any]) -> AnswerKey:
    match kind:
        case QuestionKind.SINGLE:
            return SingleKey(correct=data["correct"])
        case QuestionKind.MULTIPLE:
            return MultipleKey(
                correct=tuple(data["correct"]), all_or_nothing=data["all_or_nothing"]
            )
        case QuestionKind.TRUE_FALSE:
            return TrueFalseKey(answer=data["answer"])
        case QuestionKind.MATCHING:
            return MatchingKey(
                pairs=tuple((left, right) for left, right in data["pairs"]),
                all_or_nothing=data["all_or_nothing"],
            )
        case QuestionKind.ORDERING:
            return OrderingKey(
                order=tuple(data["order"]), all_or_nothing=data["all_or_nothing"]
            )
        case QuestionKind.NUMERIC:
            return NumericKey(
                answer=Decimal(data["answer"]), tolerance=Decimal(data["tolerance"])
            )
        case QuestionKind.SHORT_TEXT:
            return ShortTextKey(
                accepted=tuple(data["accepted"]), case_sensitive=data["case_sensitive"]
            )
    raise ValueError(f"unknown kind {kind!r}")  # pragma: no cover


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _snapshot_problem(snapshot: QuestionSnapshot) -> str | None:
    """Why a snapshot cannot be graded safely, or None."""
    kind, key = snapshot.kind, snapshot.key
    if not _is_text(snapshot.id) or not snapshot.id:
        return "the id must be a non-empty str (use str(pk): JSON keys are strings)"
    if not all(map(_is_text, (snapshot.prompt, snapshot.explanation))):
        return "prompt and explanation must be str"
    if not _is_text(snapshot.competency_code) or not snapshot.competency_code:
        return "the competency code is missing"
    if (
        type(snapshot.level_rank) is not int
        or not 1 <= snapshot.level_rank <= MAX_LEVEL_RANK
    ):
        return f"the level rank must be an int from 1 to {MAX_LEVEL_RANK}"
    if not _valid_points(snapshot.points):
        return f"points must be a Decimal above 0, at most {MAX_POINTS}, 2 places"
    if type(key) is not _KEY_TYPES[kind]:
        return f"a {kind} question needs a {_KEY_TYPES[kind].__name__}"
    everything = snapshot.options + snapshot.targets
    if not all(isinstance(option, Option) for option in everything):
        return "options must be Option"
    if not all(
        _is_text(option.id) and option.id and _is_text(option.text)
        for option in everything
    ) or not all(_is_text(option.feedback) for option in everything):
        return "option ids must be non-empty str, texts and feedback str"
    ids = [option.id for option in everything]
    if len(set(ids)) != len(ids):
        return "option ids repeat"
    if snapshot.targets and kind is not QuestionKind.MATCHING:
        return "only a matching question has right choices"
    if kind not in KINDS_WITH_OPTION_FEEDBACK and any(o.feedback for o in everything):
        return f"a {kind} question has no per-option feedback"
    option_ids = [option.id for option in snapshot.options]
    match key:
        case SingleKey():
            if len(option_ids) < 2 or key.correct not in option_ids:
                return "needs two options or more, one of them correct"
        case MultipleKey():
            if (
                len(option_ids) < 2
                or not key.correct
                or len(set(key.correct)) != len(key.correct)
                or not set(key.correct) <= set(option_ids)
            ):
                return "needs two options or more and a set of correct ones"
        case TrueFalseKey():
            if option_ids != [TRUE_ID, FALSE_ID] or type(key.answer) is not bool:
                return 'needs the options "true" and "false" and a bool answer'
        case MatchingKey():
            lefts = [left for left, _right in key.pairs]
            rights = {right for _left, right in key.pairs}
            target_ids = {option.id for option in snapshot.targets}
            if (
                len(lefts) < 2
                or sorted(lefts) != sorted(option_ids)
                or not rights <= target_ids
            ):
                return "needs two pairs or more, one per left item, to right choices"
        case OrderingKey():
            if len(option_ids) < 2 or list(key.order) != option_ids:
                return "needs two items or more, listed in the order of the key"
        case NumericKey():
            if option_ids or not all(
                isinstance(value, Decimal) and value.is_finite()
                for value in (key.answer, key.tolerance)
            ):
                return "needs a finite Decimal answer and tolerance, and no options"
            if key.tolerance < 0:
                return "the tolerance is negative"
        case ShortTextKey():
            if option_ids or not key.accepted:
                return "needs accepted answers and no options"
            if not all(
                _is_text(text) and normalise_text(text) for text in key.accepted
            ):
                return "accepted answers must be non-blank str"
    for flag in ("all_or_nothing", "case_sensitive"):
        if hasattr(key, flag) and type(getattr(key, flag)) is not bool:
            return f"{flag} must be a bool"
    return None


def _valid_points(points: object) -> bool:
    return (
        isinstance(points, Decimal)
        and points.is_finite()
        and 0 < points <= MAX_POINTS
        and points == points.quantize(SCORE_QUANTUM)
    )


def shuffled_ids(snapshot: QuestionSnapshot) -> tuple[str, ...]:
    """The ids whose order an attempt draws: choices, ordering items, matching right side.

    True/false, numeric and short-text questions have none; matching left items are
    shown in the authored order.
    """
    if snapshot.kind is QuestionKind.MATCHING:
        return tuple(option.id for option in snapshot.targets)
    if snapshot.kind in (
        QuestionKind.SINGLE,
        QuestionKind.MULTIPLE,
        QuestionKind.ORDERING,
    ):
        return tuple(option.id for option in snapshot.options)
    return ()


def public_view(
    snapshot: QuestionSnapshot, option_order: Sequence[str]
) -> dict[str, Any]:
    """What a learner may see of a question before submitting: JSON-safe.

    `option_order` is the attempt's stored order of `shuffled_ids(snapshot)` (see
    `courses.grading.presentation_order`). The view has the id, kind, prompt and the
    question's points, and "options" (SINGLE, MULTIPLE; TRUE_FALSE with ids only),
    "items" and "choices" (MATCHING: left items, shuffled right choices) or "items"
    (ORDERING, shuffled). It never has the key, correctness, feedback or explanation.
    Raises ValueError when `option_order` is not a permutation of the shuffled ids, or
    would show an ordering question already in the right order.
    """
    order = list(option_order)
    expected = shuffled_ids(snapshot)
    if len(order) != len(expected) or set(order) != set(expected):
        raise ValueError(f"Question {snapshot.id!r}: the option order does not fit.")
    if (
        snapshot.kind is QuestionKind.ORDERING
        and len(order) > 1
        and tuple(order) == snapshot.key.order
    ):
        raise ValueError(
            f"Question {snapshot.id!r}: the items would be shown in the right order."
        )
    by_id = {option.id: option for option in snapshot.options + snapshot.targets}

    def shown(ids: Sequence[str]) -> list[dict[str, str]]:
        return [{"id": by_id[id_].id, "text": by_id[id_].text} for id_ in ids]

    view: dict[str, Any] = {
        "id": snapshot.id,
        "kind": str(snapshot.kind),
        "prompt": snapshot.prompt,
        "points": str(snapshot.points),
    }
    match snapshot.kind:
        case QuestionKind.SINGLE | QuestionKind.MULTIPLE:
            view["options"] = shown(order)
        case QuestionKind.TRUE_FALSE:
            view["options"] = [{"id": TRUE_ID}, {"id": FALSE_ID}]
        case QuestionKind.MATCHING:
            view["items"] = shown([option.id for option in snapshot.options])
            view["choices"] = shown(order)
        case QuestionKind.ORDERING:
            view["items"] = shown(order)
    return view


# ------------------------------------------------------------------------------
# The authored question
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftOption:
    """An authored option in authoring order.

    SINGLE, MULTIPLE: `text`, `feedback`, `is_correct`. TRUE_FALSE: two options, the
    first for "true" and the second for "false", empty text, `feedback` shown for that
    answer and `is_correct` on the right one. MATCHING: `text` is the left item and
    `match` the right choice; an empty `text` makes `match` a distractor. ORDERING:
    `text` only, options in the right order.
    """

    text: str
    feedback: str = ""
    is_correct: bool = False
    match: str = ""


@dataclass(frozen=True)
class QuestionDraft:
    """A question as an author writes it; `level` is the proficiency level's rank.

    An unmapped question (imported from a format with no place for them) has an
    empty `competency_code` and `level` None; `to_snapshot` refuses it.
    """

    bank: str
    external_id: str
    kind: QuestionKind
    competency_code: str
    level: int | None
    prompt: str
    options: tuple[DraftOption, ...] = ()
    numeric_answer: Decimal | None = None
    numeric_tolerance: Decimal = Decimal(0)
    accepted_answers: tuple[str, ...] = ()
    case_sensitive: bool = False
    all_or_nothing: bool = False
    explanation: str = ""
    points: Decimal = Decimal(1)

    def to_snapshot(self, question_id: str) -> QuestionSnapshot:
        """The question as drawn into one attempt, with fresh random option ids.

        Call it when the attempt starts and store the result; the ids differ on every
        call, so they tell a learner nothing and cannot be compared across attempts.
        Raises ValueError if the draft is inconsistent.
        """
        kind = QuestionKind(self.kind)
        if not self.competency_code or self.level is None:
            raise ValueError("The question has no competency and level yet.")
        common = {
            "id": question_id,
            "kind": kind,
            "prompt": self.prompt,
            "explanation": self.explanation,
            "points": self.points,
            "competency_code": self.competency_code,
            "level_rank": self.level,
        }
        if kind is QuestionKind.TRUE_FALSE:
            if len(self.options) != 2:
                raise ValueError("A true/false draft has two options: true, false.")
            true, false = self.options
            if true.is_correct == false.is_correct:
                raise ValueError("A true/false draft marks one of its options correct.")
            return QuestionSnapshot(
                **common,
                options=(
                    Option(TRUE_ID, "", true.feedback),
                    Option(FALSE_ID, "", false.feedback),
                ),
                key=TrueFalseKey(answer=true.is_correct),
            )
        if kind is QuestionKind.NUMERIC:
            if self.numeric_answer is None:
                raise ValueError("A numeric draft needs its answer.")
            return QuestionSnapshot(
                **common,
                key=NumericKey(self.numeric_answer, self.numeric_tolerance),
            )
        if kind is QuestionKind.SHORT_TEXT:
            return QuestionSnapshot(
                **common,
                key=ShortTextKey(tuple(self.accepted_answers), self.case_sensitive),
            )
        if kind is QuestionKind.MATCHING:
            lefts = [option for option in self.options if option.text]
            rights = list(dict.fromkeys(option.match for option in self.options))
            ids = _opaque_ids(len(lefts) + len(rights))
            left_ids, right_ids = ids[: len(lefts)], ids[len(lefts) :]
            right_id = dict(zip(rights, right_ids, strict=True))
            return QuestionSnapshot(
                **common,
                options=tuple(
                    Option(id_, option.text)
                    for id_, option in zip(left_ids, lefts, strict=True)
                ),
                targets=tuple(
                    Option(id_, text)
                    for id_, text in zip(right_ids, rights, strict=True)
                ),
                key=MatchingKey(
                    pairs=tuple(
                        (id_, right_id[option.match])
                        for id_, option in zip(left_ids, lefts, strict=True)
                    ),
                    all_or_nothing=self.all_or_nothing,
                ),
            )
        ids = _opaque_ids(len(self.options))
        options = tuple(
            Option(id_, option.text, option.feedback)
            for id_, option in zip(ids, self.options, strict=True)
        )
        correct = tuple(
            id_
            for id_, option in zip(ids, self.options, strict=True)
            if option.is_correct
        )
        if kind is QuestionKind.ORDERING:
            key: AnswerKey = OrderingKey(tuple(ids), self.all_or_nothing)
        elif kind is QuestionKind.MULTIPLE:
            key = MultipleKey(correct, self.all_or_nothing)
        elif len(correct) == 1:
            key = SingleKey(correct[0])
        else:
            raise ValueError("A single-choice draft needs exactly one correct option.")
        return QuestionSnapshot(**common, options=options, key=key)


def _opaque_ids(count: int) -> list[str]:
    """Distinct random ids; 8 hex characters is plenty within one question."""
    ids: dict[str, None] = {}
    while len(ids) < count:
        ids[secrets.token_hex(4)] = None
    return list(ids)


__all__ = [
    "FALSE_ID",
    "KINDS_WITH_OPTION_FEEDBACK",
    "KINDS_WITH_PARTIAL_CREDIT",
    "MAX_LEVEL_RANK",
    "MAX_POINTS",
    "SCORE_QUANTUM",
    "TRUE_ID",
    "AnswerKey",
    "DraftOption",
    "MatchingKey",
    "MultipleKey",
    "NumericKey",
    "Option",
    "OrderingKey",
    "QuestionDraft",
    "QuestionKind",
    "QuestionSnapshot",
    "ShortTextKey",
    "SingleKey",
    "TrueFalseKey",
    "normalise_text",
    "parse_number",
    "public_view",
    "shuffled_ids",
]
