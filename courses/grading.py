"""Grading on the server from the stored snapshot, so nothing a browser sends can raise or mislead.

`grade` scores one answer; `grade_attempt` adds up an attempt and decides, per
competency, the level it is evidence of; `draw`, `shuffle_options` and
`presentation_order` fix what an attempt shows, reproducibly from a seed.

A malformed response (wrong type, unknown or repeated ids, too long) scores 0 like a
wrong one; None means unanswered and also scores 0.

Level reached, per competency (`CompetencyResult.level_reached`): take the ranks of
that competency's questions in the attempt, lowest first. The competency is reached
at rank L when, for L and for every lower rank present, the learner's score on the
competency's questions of that rank or below is at least the pass mark:
score(ranks <= R) * 100 >= pass_mark_percent * max(ranks <= R) for every present
R <= L. The level reached is the highest such L, or None. A learner who fails the
lower-level questions is not credited with a higher level however well the harder
ones went, because evidence at a level claims the levels beneath it. Ranks with no
questions in the attempt are neither required nor reached. The rule does not look
at whether the attempt as a whole passed; the caller decides whether a failed
attempt records evidence.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, TypeVar

from .questions import (
    FALSE_ID,
    MAX_NUMBER_LENGTH,
    MAX_TEXT_LENGTH,
    SCORE_QUANTUM,
    TRUE_ID,
    MatchingKey,
    MultipleKey,
    NumericKey,
    Option,
    OrderingKey,
    QuestionKind,
    QuestionSnapshot,
    ShortTextKey,
    SingleKey,
    TrueFalseKey,
    normalise_text,
    parse_number,
    shuffled_ids,
)

#: Option ids are short (see questions._opaque_ids); anything longer is not one.
MAX_ID_LENGTH = 64
#: Numbers of 10**30 or more are not answers to anything (and could overflow).
MAX_NUMBER_EXPONENT = 30

QuestionId = TypeVar("QuestionId", bound=Hashable)


@dataclass(frozen=True)
class GradedAnswer:
    """One answer's score; `feedback` is the author's feedback on what was chosen."""

    score: Decimal
    max_score: Decimal
    correct: bool
    feedback: list[str] = field(default_factory=list)


class _Malformed(Exception):
    """A response that is not an answer to this question."""


def grade(snapshot: QuestionSnapshot, response: Any) -> GradedAnswer:
    """Scores a response against the stored question; never raises on the response.

    `correct` means full credit. Scores are points x credit, rounded half up to 0.01.
    """
    credit, feedback = Fraction(0), []
    if response is not None:
        try:
            credit, feedback = _GRADERS[snapshot.kind](snapshot, response)
        except _Malformed:
            credit, feedback = Fraction(0), []
    score = (snapshot.points * credit.numerator / credit.denominator).quantize(
        SCORE_QUANTUM, rounding=ROUND_HALF_UP
    )
    return GradedAnswer(
        score=score,
        max_score=snapshot.points,
        correct=credit == 1,
        feedback=feedback,
    )


def _ids(response: Any, *, allowed: set[str], most: int) -> list[str]:
    """A list of distinct known option ids, or _Malformed."""
    if not isinstance(response, list | tuple) or len(response) > most:
        raise _Malformed
    if not all(isinstance(id_, str) and id_ in allowed for id_ in response):
        raise _Malformed
    if len(set(response)) != len(response):
        raise _Malformed
    return list(response)


def _feedback(options: Iterable[Option], chosen: set[str]) -> list[str]:
    return [
        option.feedback for option in options if option.id in chosen and option.feedback
    ]


def _grade_single(
    snapshot: QuestionSnapshot, response: Any
) -> tuple[Fraction, list[str]]:
    key: SingleKey = snapshot.key
    allowed = {option.id for option in snapshot.options}
    if not isinstance(response, str) or response not in allowed:
        raise _Malformed
    return Fraction(response == key.correct), _feedback(snapshot.options, {response})


def _grade_multiple(
    snapshot: QuestionSnapshot, response: Any
) -> tuple[Fraction, list[str]]:
    key: MultipleKey = snapshot.key
    allowed = {option.id for option in snapshot.options}
    chosen = set(_ids(response, allowed=allowed, most=len(allowed)))
    correct = set(key.correct)
    if key.all_or_nothing:
        credit = Fraction(chosen == correct)
    else:
        right, wrong = len(chosen & correct), len(chosen - correct)
        credit = max(Fraction(0), Fraction(right - wrong, len(correct)))
    return credit, _feedback(snapshot.options, chosen)


def _grade_true_false(
    snapshot: QuestionSnapshot, response: Any
) -> tuple[Fraction, list[str]]:
    key: TrueFalseKey = snapshot.key
    if isinstance(response, str) and response in (TRUE_ID, FALSE_ID):
        answer = response == TRUE_ID
    elif isinstance(response, bool):
        answer = response
    else:
        raise _Malformed
    chosen = TRUE_ID if answer else FALSE_ID
    return Fraction(answer == key.answer), _feedback(snapshot.options, {chosen})


def _grade_matching(
    snapshot: QuestionSnapshot, response: Any
) -> tuple[Fraction, list[str]]:
    key: MatchingKey = snapshot.key
    lefts = {option.id for option in snapshot.options}
    rights = {option.id for option in snapshot.targets}
    if not isinstance(response, Mapping) or len(response) > len(lefts):
        raise _Malformed
    for left, right in response.items():
        if not (isinstance(left, str) and left in lefts):
            raise _Malformed
        if not (isinstance(right, str) and right in rights):
            raise _Malformed
    matched = sum(response.get(left) == right for left, right in key.pairs)
    if key.all_or_nothing:
        return Fraction(matched == len(key.pairs)), []
    return Fraction(matched, len(key.pairs)), []


def _longest_increasing_run(positions: Sequence[int]) -> int:
    """Length of the longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    for position in positions:
        index = bisect_left(tails, position)
        if index == len(tails):
            tails.append(position)
        else:
            tails[index] = position
    return len(tails)


def _grade_ordering(
    snapshot: QuestionSnapshot, response: Any
) -> tuple[Fraction, list[str]]:
    key: OrderingKey = snapshot.key
    position = {id_: index for index, id_ in enumerate(key.order)}
    order = _ids(response, allowed=set(position), most=len(position))
    if len(order) != len(position):
        raise _Malformed
    if key.all_or_nothing:
        return Fraction(tuple(order) == key.order), []
    run = _longest_increasing_run([position[id_] for id_ in order])
    return Fraction(run - 1, len(position) - 1), []


def _as_decimal(response: Any) -> Decimal:
    if isinstance(response, bool):
        raise _Malformed
    if isinstance(response, str):
        number = parse_number(response)
    elif isinstance(response, int):
        number = Decimal(response) if response.bit_length() <= 128 else None
    elif isinstance(response, float):
        number = Decimal(repr(response)) if math.isfinite(response) else None
    elif isinstance(response, Decimal):
        number = response if response.is_finite() else None
    else:
        number = None
    if number is None or (number and number.adjusted() > MAX_NUMBER_EXPONENT):
        raise _Malformed
    return number


def _grade_numeric(
    snapshot: QuestionSnapshot, response: Any
) -> tuple[Fraction, list[str]]:
    key: NumericKey = snapshot.key
    if isinstance(response, str) and len(response) > MAX_NUMBER_LENGTH:
        raise _Malformed
    number = _as_decimal(response)
    return Fraction(abs(number - key.answer) <= key.tolerance), []


def _grade_short_text(
    snapshot: QuestionSnapshot, response: Any
) -> tuple[Fraction, list[str]]:
    key: ShortTextKey = snapshot.key
    if not isinstance(response, str) or len(response) > MAX_TEXT_LENGTH:
        raise _Malformed
    answer = normalise_text(response, case_sensitive=key.case_sensitive)
    accepted = {
        normalise_text(text, case_sensitive=key.case_sensitive) for text in key.accepted
    }
    return Fraction(bool(answer) and answer in accepted), []


_GRADERS = {
    QuestionKind.SINGLE: _grade_single,
    QuestionKind.MULTIPLE: _grade_multiple,
    QuestionKind.TRUE_FALSE: _grade_true_false,
    QuestionKind.MATCHING: _grade_matching,
    QuestionKind.ORDERING: _grade_ordering,
    QuestionKind.NUMERIC: _grade_numeric,
    QuestionKind.SHORT_TEXT: _grade_short_text,
}


# ------------------------------------------------------------------------------
# A whole attempt
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelScore:
    """A competency's questions of one level rank, and the running result up to it."""

    rank: int
    score: Decimal
    max_score: Decimal
    cumulative_score: Decimal
    cumulative_max_score: Decimal
    reached: bool


@dataclass(frozen=True)
class CompetencyResult:
    code: str
    score: Decimal
    max_score: Decimal
    percent: Decimal
    level_reached: int | None
    levels: tuple[LevelScore, ...]


@dataclass(frozen=True)
class AttemptResult:
    """The attempt's score; `answers` and `competencies` in the order questions were drawn."""

    score: Decimal
    max_score: Decimal
    percent: Decimal
    passed: bool
    answers: dict[str, GradedAnswer]
    competencies: dict[str, CompetencyResult]


def _percent(score: Decimal, max_score: Decimal) -> Decimal:
    """For display, to 0.01; pass decisions use `_meets` on the exact figures."""
    return (score * 100 / max_score).quantize(SCORE_QUANTUM, rounding=ROUND_HALF_UP)


def _meets(score: Decimal, max_score: Decimal, pass_mark_percent: Decimal) -> bool:
    return score * 100 >= pass_mark_percent * max_score


def grade_attempt(
    snapshots: Sequence[QuestionSnapshot],
    responses: Mapping[str, Any],
    *,
    pass_mark_percent: Decimal | int,
) -> AttemptResult:
    """Grades every drawn question; a question with no response scores 0.

    `responses` maps question id (str) to the learner's response; ids not drawn are
    ignored. Passing means score * 100 >= pass mark * max score, exactly (a 59.996%
    does not pass a 60% mark though it shows as 60.00). The level-reached rule is in
    the module docstring. Raises ValueError for no questions, a question drawn twice
    or a pass mark outside 0-100.
    """
    pass_mark = Decimal(pass_mark_percent)
    if not pass_mark.is_finite() or not 0 <= pass_mark <= 100:
        raise ValueError(f"The pass mark {pass_mark_percent!r} is not 0-100.")
    if not snapshots:
        raise ValueError("An attempt without questions cannot be graded.")
    ids = [snapshot.id for snapshot in snapshots]
    if len(set(ids)) != len(ids):
        raise ValueError("A question appears twice in the attempt.")

    answers = {
        snapshot.id: grade(snapshot, responses.get(snapshot.id))
        for snapshot in snapshots
    }
    by_competency: dict[str, dict[int, list[GradedAnswer]]] = {}
    for snapshot in snapshots:
        ranks = by_competency.setdefault(snapshot.competency_code, {})
        ranks.setdefault(snapshot.level_rank, []).append(answers[snapshot.id])

    competencies = {
        code: _competency_result(code, ranks, pass_mark)
        for code, ranks in by_competency.items()
    }
    score = sum((answer.score for answer in answers.values()), Decimal(0))
    max_score = sum((answer.max_score for answer in answers.values()), Decimal(0))
    return AttemptResult(
        score=score,
        max_score=max_score,
        percent=_percent(score, max_score),
        passed=_meets(score, max_score, pass_mark),
        answers=answers,
        competencies=competencies,
    )


def _competency_result(
    code: str, ranks: Mapping[int, list[GradedAnswer]], pass_mark: Decimal
) -> CompetencyResult:
    levels: list[LevelScore] = []
    cumulative_score = cumulative_max = Decimal(0)
    still_reaching = True
    level_reached = None
    for rank in sorted(ranks):
        score = sum((answer.score for answer in ranks[rank]), Decimal(0))
        max_score = sum((answer.max_score for answer in ranks[rank]), Decimal(0))
        cumulative_score += score
        cumulative_max += max_score
        still_reaching = still_reaching and _meets(
            cumulative_score, cumulative_max, pass_mark
        )
        if still_reaching:
            level_reached = rank
        levels.append(
            LevelScore(
                rank=rank,
                score=score,
                max_score=max_score,
                cumulative_score=cumulative_score,
                cumulative_max_score=cumulative_max,
                reached=still_reaching,
            )
        )
    return CompetencyResult(
        code=code,
        score=cumulative_score,
        max_score=cumulative_max,
        percent=_percent(cumulative_score, cumulative_max),
        level_reached=level_reached,
        levels=tuple(levels),
    )


# ------------------------------------------------------------------------------
# Drawing questions and ordering options
# ------------------------------------------------------------------------------


class DrawError(ValueError):
    """A bank has fewer questions than the assessment asks of it.

    `shortages` lists (competency code, questions available, questions requested) for
    every such competency, so the caller can word its own message.
    """

    def __init__(self, shortages: Sequence[tuple[str, int, int]]) -> None:
        self.shortages = list(shortages)
        super().__init__(
            "; ".join(
                f"competency {code}: {available} question(s) in the bank, "
                f"{requested} requested"
                for code, available, requested in self.shortages
            )
        )


def draw(
    questions_by_competency: Mapping[str, Sequence[QuestionId]],
    counts: Mapping[str, int],
    *,
    seed: int | str,
) -> list[QuestionId]:
    """Draws `counts[code]` questions from each competency's bank, then mixes them.

    The same seed and the same banks give the same draw whatever order the caller
    listed the banks or their questions in (codes and ids are sorted first; ids of one
    bank must be comparable). A question id listed in two banks is refused: it would
    be drawn twice. Raises DrawError naming every competency whose bank is short, and
    ValueError for a negative count.
    """
    for code, count in counts.items():
        if type(count) is not int or count < 0:
            raise ValueError(f"competency {code}: the count {count!r} is not >= 0")
    owners: dict[QuestionId, str] = {}
    for code, bank in questions_by_competency.items():
        for question_id in bank:
            if owners.setdefault(question_id, code) != code:
                raise ValueError(
                    f"question {question_id!r} is in the banks of both "
                    f"{owners[question_id]} and {code}"
                )
    banks = {
        code: sorted(set(questions_by_competency.get(code, ()))) for code in counts
    }
    shortages = [
        (code, len(banks[code]), counts[code])
        for code in sorted(counts)
        if len(banks[code]) < counts[code]
    ]
    if shortages:
        raise DrawError(shortages)
    rng = random.Random(seed)
    drawn: list[QuestionId] = []
    for code in sorted(counts):
        drawn.extend(rng.sample(banks[code], counts[code]))
    rng.shuffle(drawn)
    return drawn


def shuffle_options(option_ids: Sequence[str], *, seed: int | str) -> list[str]:
    """The ids in a random order fixed by the seed (a str seed is stable across runs)."""
    shuffled = list(option_ids)
    random.Random(seed).shuffle(shuffled)
    return shuffled


def presentation_order(snapshot: QuestionSnapshot, *, seed: int | str) -> list[str]:
    """The order to store with the attempt and pass to `public_view`.

    `shuffle_options` of the question's shuffled ids, except that an ordering question
    is shuffled again until it is not already in the right order. Seed it per attempt
    and question, e.g. f"{attempt.seed}:{snapshot.id}".
    """
    ids = list(shuffled_ids(snapshot))
    rng = random.Random(seed)
    rng.shuffle(ids)
    if snapshot.kind is QuestionKind.ORDERING and len(ids) > 1:
        while tuple(ids) == snapshot.key.order:
            rng.shuffle(ids)
    return ids


__all__ = [
    "AttemptResult",
    "CompetencyResult",
    "DrawError",
    "GradedAnswer",
    "LevelScore",
    "draw",
    "grade",
    "grade_attempt",
    "presentation_order",
    "shuffle_options",
]
