"""Classical item statistics, so instructors can spot questions too hard, too easy or mis-keyed.

Input is a matrix: one mapping {question id: score} per attempt (which attempts, e.g.
first attempts only, is the caller's choice), and each question's maximum score. With
random draws an attempt holds only the questions it drew; a question's figures use
the attempts that drew it.

- facility: mean of score / max over the attempts that drew the question.
- discrimination: Pearson correlation between the item's score / max and the
  attempt's rest score (its other questions' score / their max): the corrected
  item-total correlation, which for right/wrong items is the point-biserial. The
  item is left out of the criterion so that it does not correlate with itself. The
  rest is taken as a proportion so that attempts that drew different questions are
  comparable; on a fixed form this equals the correlation with the raw rest score.
  None when fewer than two attempts, or the item or the rest score does not vary.
- upper_lower_index: mean item score / max in the top 27% of attempts by rest score
  minus that in the bottom 27% (Kelley's groups; 27% of n rounded, at least one, at
  most half). Ties at a group boundary keep the input order.
- flags: facility < 0.2 too hard, > 0.9 too easy; discrimination < 0.2 poor
  discrimination, and below 0 also check key (the stronger learners got it wrong
  more often: a wrong key or an ambiguous question). No flag when a figure is None.

Figures are floats: they are statistics, not scores. Few attempts give unstable
figures; showing n beside them is the caller's part.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

UPPER_LOWER_FRACTION = 0.27
TOO_HARD_BELOW = 0.2
TOO_EASY_ABOVE = 0.9
POOR_DISCRIMINATION_BELOW = 0.2
#: Score distribution bins are 0-10%, 10-20%, ... 90-100% (the last includes 100).
BIN_WIDTH = 10
BIN_COUNT = 10

Score = Decimal | int | float


class ItemFlag(StrEnum):
    TOO_HARD = "too_hard"
    TOO_EASY = "too_easy"
    POOR_DISCRIMINATION = "poor_discrimination"
    CHECK_KEY = "check_key"

    @property
    def label(self) -> str:
        return _FLAG_LABELS[self]


_FLAG_LABELS = {
    ItemFlag.TOO_HARD: _("Too hard"),
    ItemFlag.TOO_EASY: _("Too easy"),
    ItemFlag.POOR_DISCRIMINATION: _("Poor discrimination"),
    ItemFlag.CHECK_KEY: _("Check the key"),
}


@dataclass(frozen=True)
class ItemStatistics:
    question_id: Hashable
    n: int
    facility: float | None
    discrimination: float | None
    upper_lower_index: float | None
    flags: tuple[ItemFlag, ...]


@dataclass(frozen=True)
class ScoreDistribution:
    """`bins[i]` counts percents in [10i, 10i + 10), the last bin including 100.

    `sd` is the sample standard deviation (n - 1, as a spreadsheet's STDEV.S).
    """

    n: int
    bins: tuple[int, ...]
    mean: float | None
    median: float | None
    sd: float | None


def _decimal(value: Score, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        raise ValueError(f"{what}: {value!r} is not a number")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{what}: {value!r} is not a finite number")
    return number


def analyse_items(
    attempts: Iterable[Mapping[Hashable, Score]],
    max_scores: Mapping[Hashable, Score],
) -> list[ItemStatistics]:
    """Figures for each question of `max_scores`, in that order.

    Raises ValueError for a score outside 0..max, a question without a maximum, or a
    maximum that is not positive.
    """
    maxima = {
        question_id: _decimal(value, f"maximum of {question_id!r}")
        for question_id, value in max_scores.items()
    }
    for question_id, maximum in maxima.items():
        if maximum <= 0:
            raise ValueError(f"maximum of {question_id!r}: must be above 0")
    rows: list[dict[Hashable, Decimal]] = []
    for number, attempt in enumerate(attempts, start=1):
        row = {}
        for question_id, value in attempt.items():
            if question_id not in maxima:
                raise ValueError(f"attempt {number}: {question_id!r} has no maximum")
            score = _decimal(value, f"attempt {number}, {question_id!r}")
            if not 0 <= score <= maxima[question_id]:
                raise ValueError(
                    f"attempt {number}, {question_id!r}: {value} is outside "
                    f"0..{maxima[question_id]}"
                )
            row[question_id] = score
        rows.append(row)
    totals = [
        (sum(row.values(), Decimal(0)), sum((maxima[q] for q in row), Decimal(0)))
        for row in rows
    ]
    return [
        _item_statistics(question_id, maxima[question_id], rows, totals)
        for question_id in maxima
    ]


def _item_statistics(
    question_id: Hashable,
    maximum: Decimal,
    rows: Sequence[Mapping[Hashable, Decimal]],
    totals: Sequence[tuple[Decimal, Decimal]],
) -> ItemStatistics:
    proportions: list[float] = []
    # (item score / max, rest score / rest max) for attempts with other questions
    pairs: list[tuple[float, float]] = []
    for row, (total, total_max) in zip(rows, totals, strict=True):
        if question_id not in row:
            continue
        item = row[question_id] / maximum
        proportions.append(float(item))
        rest_max = total_max - maximum
        if rest_max > 0:
            pairs.append((float(item), float((total - row[question_id]) / rest_max)))
    facility = statistics.fmean(proportions) if proportions else None
    discrimination = _correlation(pairs)
    upper_lower = _upper_lower_index(pairs)
    flags: list[ItemFlag] = []
    if facility is not None and facility < TOO_HARD_BELOW:
        flags.append(ItemFlag.TOO_HARD)
    if facility is not None and facility > TOO_EASY_ABOVE:
        flags.append(ItemFlag.TOO_EASY)
    if discrimination is not None and discrimination < POOR_DISCRIMINATION_BELOW:
        flags.append(ItemFlag.POOR_DISCRIMINATION)
    if discrimination is not None and discrimination < 0:
        flags.append(ItemFlag.CHECK_KEY)
    return ItemStatistics(
        question_id=question_id,
        n=len(proportions),
        facility=facility,
        discrimination=discrimination,
        upper_lower_index=upper_lower,
        flags=tuple(flags),
    )


def _correlation(pairs: Sequence[tuple[float, float]]) -> float | None:
    if len(pairs) < 2:
        return None
    items, rests = zip(*pairs, strict=True)
    try:
        return statistics.correlation(items, rests)
    except statistics.StatisticsError:  # the item or the rest score is constant
        return None


def _upper_lower_index(pairs: Sequence[tuple[float, float]]) -> float | None:
    if len(pairs) < 2:
        return None
    group = min(
        max(1, math.floor(UPPER_LOWER_FRACTION * len(pairs) + 0.5)), len(pairs) // 2
    )
    ranked = sorted(pairs, key=lambda pair: pair[1], reverse=True)  # stable on ties
    upper = [item for item, _rest in ranked[:group]]
    lower = [item for item, _rest in ranked[-group:]]
    return statistics.fmean(upper) - statistics.fmean(lower)


def score_distribution(percents: Iterable[Score]) -> ScoreDistribution:
    """Histogram in 10% bins, mean, median and SD of attempts' percents (0-100)."""
    values = [_decimal(value, "percent") for value in percents]
    bins = [0] * BIN_COUNT
    for value in values:
        if not 0 <= value <= 100:
            raise ValueError(f"percent: {value} is outside 0..100")
        bins[min(int(value // BIN_WIDTH), BIN_COUNT - 1)] += 1
    return ScoreDistribution(
        n=len(values),
        bins=tuple(bins),
        mean=float(statistics.mean(values)) if values else None,
        median=float(statistics.median(values)) if values else None,
        sd=float(statistics.stdev(values)) if len(values) > 1 else None,
    )


__all__ = [
    "ItemFlag",
    "ItemStatistics",
    "ScoreDistribution",
    "analyse_items",
    "score_distribution",
]
