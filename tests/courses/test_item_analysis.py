"""Item analysis on a data set whose figures were worked out by hand."""

import math
import statistics
from decimal import Decimal

import pytest

from courses.item_analysis import ItemFlag, analyse_items, score_distribution

# Ten attempts of one fixed form; Q6 is worth 2 points, the others 1.
# Q7 everyone gets right; Q8 only the weakest-but-one learner (A9) does; Q5 is
# answered right more often by weaker learners.
MATRIX = [
    # Q1 Q2 Q3 Q4 Q5 Q6 Q7 Q8
    [1, 1, 1, 1, 1, 2, 1, 0],  # A1
    [1, 1, 1, 1, 0, 2, 1, 0],  # A2
    [1, 1, 1, 0, 1, 1, 1, 0],  # A3
    [1, 1, 0, 1, 0, 2, 1, 0],  # A4
    [1, 0, 1, 0, 1, 1, 1, 0],  # A5
    [1, 1, 0, 0, 0, 1, 1, 0],  # A6
    [1, 0, 0, 1, 0, 0, 1, 0],  # A7
    [0, 1, 0, 0, 1, 1, 1, 0],  # A8
    [1, 0, 0, 0, 0, 0, 1, 1],  # A9
    [0, 0, 0, 0, 1, 0, 1, 0],  # A10
]
QUESTIONS = [f"Q{n}" for n in range(1, 9)]
MAX_SCORES = dict(zip(QUESTIONS, [1, 1, 1, 1, 1, 2, 1, 1], strict=True))
ATTEMPTS = [dict(zip(QUESTIONS, row, strict=True)) for row in MATRIX]

# Worked by hand from the textbook point-biserial formula on the rest score
# (total minus the item), r = (M1 - M0) / s * sqrt(p * q), s the population SD of
# the rest scores, and for Q6 from Pearson's definition on (score / 2, rest).
# Upper-lower: 27% of 10 = 3 attempts per group by rest score; only items whose
# group boundaries fall between different rest scores are listed.
EXPECTED = {
    #      facility, discrimination, upper-lower index
    "Q1": (0.8, 0.299, 0.333),
    "Q2": (0.6, 0.505, None),
    "Q3": (0.4, 0.600, 0.667),
    "Q4": (0.4, 0.302, 0.333),
    "Q5": (0.5, -0.162, None),
    "Q6": (0.5, 0.775, None),
    "Q7": (1.0, None, 0.0),
    "Q8": (0.1, -0.461, -0.333),
}


def _textbook_point_biserial(question):
    """(M1 - M0) / s_n * sqrt(p q): the formula of the textbooks, not a correlation."""
    column = QUESTIONS.index(question)
    rests = [sum(row) - row[column] for row in MATRIX]
    right = [rest for row, rest in zip(MATRIX, rests, strict=True) if row[column]]
    wrong = [rest for row, rest in zip(MATRIX, rests, strict=True) if not row[column]]
    p = len(right) / len(MATRIX)
    return (
        (statistics.fmean(right) - statistics.fmean(wrong))
        / statistics.pstdev(rests)
        * math.sqrt(p * (1 - p))
    )


@pytest.fixture
def figures():
    return {item.question_id: item for item in analyse_items(ATTEMPTS, MAX_SCORES)}


def test_items_come_back_in_the_order_of_the_maximum_scores(figures):
    assert list(figures) == QUESTIONS
    assert {item.n for item in figures.values()} == {10}


@pytest.mark.parametrize("question", QUESTIONS)
def test_facility_on_the_known_data_set(figures, question):
    assert figures[question].facility == pytest.approx(EXPECTED[question][0], abs=5e-4)


@pytest.mark.parametrize("question", QUESTIONS)
def test_discrimination_on_the_known_data_set(figures, question):
    expected = EXPECTED[question][1]
    if expected is None:
        assert figures[question].discrimination is None
    else:
        assert figures[question].discrimination == pytest.approx(expected, abs=5e-4)


@pytest.mark.parametrize("question", ["Q1", "Q2", "Q3", "Q4", "Q5", "Q8"])
def test_discrimination_agrees_with_the_textbook_point_biserial(figures, question):
    assert figures[question].discrimination == pytest.approx(
        _textbook_point_biserial(question), abs=1e-9
    )


@pytest.mark.parametrize(
    "question", [q for q, expected in EXPECTED.items() if expected[2] is not None]
)
def test_upper_lower_index_on_the_known_data_set(figures, question):
    assert figures[question].upper_lower_index == pytest.approx(
        EXPECTED[question][2], abs=5e-4
    )


def test_flags_on_the_known_data_set(figures):
    flags = {question: set(item.flags) for question, item in figures.items()}

    assert flags == {
        "Q1": set(),
        "Q2": set(),
        "Q3": set(),
        "Q4": set(),
        "Q5": {ItemFlag.POOR_DISCRIMINATION, ItemFlag.CHECK_KEY},
        "Q6": set(),
        "Q7": {ItemFlag.TOO_EASY},
        "Q8": {ItemFlag.TOO_HARD, ItemFlag.POOR_DISCRIMINATION, ItemFlag.CHECK_KEY},
    }


def test_positive_but_weak_discrimination_is_flagged_poor_only():
    attempts = [
        {"weak": 1, "a": 0, "b": 0},
        {"weak": 0, "a": 0, "b": 0},
        {"weak": 1, "a": 0, "b": 0},
        {"weak": 1, "a": 1, "b": 0},
        {"weak": 0, "a": 0, "b": 1},
        {"weak": 1, "a": 1, "b": 1},
    ]

    weak = analyse_items(attempts, {"weak": 1, "a": 1, "b": 1})[0]

    # rest 0 0 0 1 1 2 against 1 0 1 1 0 1: sum of products of deviations 1/3,
    # sums of squares 4/3 and 10/3, r = (1/3) / sqrt(40/9) = 1 / sqrt(40)
    assert weak.discrimination == pytest.approx(0.158, abs=5e-4)
    assert weak.flags == (ItemFlag.POOR_DISCRIMINATION,)


def test_randomly_drawn_attempts_use_only_the_attempts_that_drew_the_item():
    # A question drawn into 4 attempts of forms with different maxima: the rest
    # score is a proportion, so a short form's 1/1 weighs like a long form's 3/3.
    attempts = [
        {"item": 1, "x": 1},
        {"item": 0, "x": 0},
        {"item": 1, "y": 2, "z": 1},
        {"item": 0, "y": 0, "z": 0},
        {"x": 1, "y": 2},
    ]

    item = analyse_items(attempts, {"item": 1, "x": 1, "y": 2, "z": 1})[0]

    assert item.n == 4
    assert item.facility == 0.5
    assert item.discrimination == pytest.approx(1.0)
    assert item.upper_lower_index == pytest.approx(1.0)


def test_a_question_nobody_drew_has_no_figures():
    item = analyse_items([{"a": 1}], {"a": 1, "never": 1})[1]

    assert (item.n, item.facility, item.discrimination, item.flags) == (
        0,
        None,
        None,
        (),
    )


def test_scores_outside_the_maximum_are_refused():
    with pytest.raises(ValueError, match="Q1"):
        analyse_items([{"Q1": 2}], {"Q1": 1})
    with pytest.raises(ValueError, match="unknown"):
        analyse_items([{"unknown": 1}], {"Q1": 1})
    with pytest.raises(ValueError):
        analyse_items([{"Q1": -1}], {"Q1": 1})


def test_score_distribution_on_the_known_data_set():
    # totals 8 7 6 6 5 4 3 4 3 2 out of 9: 88.9 77.8 66.7 66.7 55.6 44.4 33.3
    # 44.4 33.3 22.2 percent; mean 48/90 = 53.333, median (4 + 5) / 2 / 9 = 50,
    # sample SD of the totals sqrt(33.6 / 9) = 1.932, as a percent 21.469.
    percents = [Decimal(sum(row) * 100) / 9 for row in MATRIX]

    distribution = score_distribution(percents)

    assert distribution.n == 10
    assert distribution.bins == (0, 0, 1, 2, 2, 1, 2, 1, 1, 0)
    assert distribution.mean == pytest.approx(53.333, abs=5e-4)
    assert distribution.median == pytest.approx(50.0, abs=5e-4)
    assert distribution.sd == pytest.approx(21.469, abs=5e-4)


def test_score_distribution_puts_100_in_the_last_bin_and_bin_edges_up():
    distribution = score_distribution([0, 9.99, 10, 90, 100])

    assert distribution.bins == (2, 1, 0, 0, 0, 0, 0, 0, 0, 2)


def test_score_distribution_of_nothing_or_one_attempt():
    assert score_distribution([]).mean is None
    single = score_distribution([Decimal("75.5")])
    assert (single.mean, single.median, single.sd) == (75.5, 75.5, None)


def test_score_distribution_refuses_percents_outside_0_to_100():
    with pytest.raises(ValueError):
        score_distribution([101])
