"""Questions and grading without the database: what learners see, scores, draws."""

import json
import random
from decimal import Decimal

import pytest

from courses.grading import (
    DrawError,
    draw,
    grade,
    grade_attempt,
    presentation_order,
    shuffle_options,
)
from courses.questions import (
    FALSE_ID,
    TRUE_ID,
    DraftOption,
    Option,
    QuestionDraft,
    QuestionKind,
    QuestionSnapshot,
    SingleKey,
    normalise_text,
    parse_number,
    public_view,
    shuffled_ids,
)

FEEDBACK = "FEEDBACK-MARK"
EXPLANATION = "EXPLANATION-MARK"


def _draft(kind, **fields):
    return QuestionDraft(
        bank="BANK",
        external_id=f"{kind}-1",
        kind=kind,
        competency_code=fields.pop("competency_code", "ACD-GOV-02"),
        level=fields.pop("level", 2),
        prompt=fields.pop("prompt", f"คำถามแบบ {kind}"),
        explanation=f"{EXPLANATION} เพราะเหตุนี้",
        **fields,
    )


def _choices(*flags):
    return tuple(
        DraftOption(f"ตัวเลือก {index}", f"{FEEDBACK}-{index}", is_correct=flag)
        for index, flag in enumerate(flags, start=1)
    )


DRAFTS = {
    QuestionKind.SINGLE: _draft(
        QuestionKind.SINGLE, options=_choices(False, True, False)
    ),
    QuestionKind.MULTIPLE: _draft(
        QuestionKind.MULTIPLE, options=_choices(True, True, True, False, False)
    ),
    QuestionKind.TRUE_FALSE: _draft(
        QuestionKind.TRUE_FALSE,
        options=(
            DraftOption("", f"{FEEDBACK}-true", is_correct=False),
            DraftOption("", f"{FEEDBACK}-false", is_correct=True),
        ),
    ),
    QuestionKind.MATCHING: _draft(
        QuestionKind.MATCHING,
        options=(
            DraftOption("PDPA", match="คุ้มครองข้อมูลส่วนบุคคล"),
            DraftOption("DGA", match="สำนักงานพัฒนารัฐบาลดิจิทัล"),
            DraftOption("TDGA", match="สำนักงานพัฒนารัฐบาลดิจิทัล"),
            DraftOption("", match="ตัวลวง"),
        ),
    ),
    QuestionKind.ORDERING: _draft(
        QuestionKind.ORDERING,
        options=tuple(DraftOption(f"ขั้นที่ {n}") for n in range(1, 6)),
    ),
    QuestionKind.NUMERIC: _draft(
        QuestionKind.NUMERIC,
        numeric_answer=Decimal("98765.4321"),
        numeric_tolerance=Decimal("0.0125"),
    ),
    QuestionKind.SHORT_TEXT: _draft(
        QuestionKind.SHORT_TEXT, accepted_answers=("SECRETANSWER", "น้ำประปา")
    ),
}


def _snapshot(kind, **changes):
    draft = DRAFTS[kind]
    if changes:
        draft = QuestionDraft(**{**draft.__dict__, **changes})
    return draft.to_snapshot("42")


def _option_id(snapshot, text):
    return next(option.id for option in snapshot.options if option.text == text)


def _target_id(snapshot, text):
    return next(option.id for option in snapshot.targets if option.text == text)


# ------------------------------------------------------------------------------
# What a learner sees
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(QuestionKind))
def test_public_view_has_no_key_feedback_or_explanation(kind):
    snapshot = _snapshot(kind)
    view = public_view(snapshot, presentation_order(snapshot, seed="attempt-1:42"))
    text = json.dumps(view, ensure_ascii=False)

    for marker in (
        FEEDBACK,
        EXPLANATION,
        "is_correct",
        "correct",
        "feedback",
        "explanation",
        "key",
        "answer",
        "accepted",
        "tolerance",
        "pairs",
        "98765",
        "0.0125",
        "SECRETANSWER",
        "น้ำประปา",
        "competency",
        "level",
    ):
        assert marker not in text, marker
    assert set(view) <= {
        "id",
        "kind",
        "prompt",
        "points",
        "options",
        "items",
        "choices",
    }
    for entry in [
        *view.get("options", ()),
        *view.get("items", ()),
        *view.get("choices", ()),
    ]:
        assert set(entry) <= {"id", "text"}


def test_public_view_shows_choices_in_the_attempts_order():
    snapshot = _snapshot(QuestionKind.SINGLE)
    order = [option.id for option in reversed(snapshot.options)]

    view = public_view(snapshot, order)

    assert [option["id"] for option in view["options"]] == order
    assert view["options"][0]["text"] == "ตัวเลือก 3"


def test_public_view_of_matching_shows_left_items_and_shuffled_right_choices():
    snapshot = _snapshot(QuestionKind.MATCHING)
    order = [option.id for option in reversed(snapshot.targets)]

    view = public_view(snapshot, order)

    assert [item["text"] for item in view["items"]] == ["PDPA", "DGA", "TDGA"]
    assert [choice["id"] for choice in view["choices"]] == order
    # the shared right choice is shown once; the distractor is shown
    assert [choice["text"] for choice in view["choices"]] == [
        "ตัวลวง",
        "สำนักงานพัฒนารัฐบาลดิจิทัล",
        "คุ้มครองข้อมูลส่วนบุคคล",
    ]


def test_public_view_refuses_an_order_that_is_not_the_questions():
    snapshot = _snapshot(QuestionKind.SINGLE)
    ids = list(shuffled_ids(snapshot))

    with pytest.raises(ValueError):
        public_view(snapshot, ids[:-1])
    with pytest.raises(ValueError):
        public_view(snapshot, [*ids[:-1], "someone-elses"])


def test_public_view_refuses_to_show_an_ordering_question_in_the_right_order():
    snapshot = _snapshot(QuestionKind.ORDERING)

    with pytest.raises(ValueError):
        public_view(snapshot, list(snapshot.key.order))


def test_presentation_order_never_shows_an_ordering_question_solved():
    snapshot = _snapshot(
        QuestionKind.ORDERING, options=(DraftOption("ก่อน"), DraftOption("หลัง"))
    )

    orders = {tuple(presentation_order(snapshot, seed=seed)) for seed in range(50)}

    assert orders == {tuple(reversed(snapshot.key.order))}


def test_option_ids_are_new_random_tokens_for_every_snapshot():
    first = _snapshot(QuestionKind.ORDERING)
    second = _snapshot(QuestionKind.ORDERING)

    first_ids = {option.id for option in first.options}
    assert not first_ids & {option.id for option in second.options}
    assert not first_ids & {str(n) for n in range(10)}


# ------------------------------------------------------------------------------
# Snapshots
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(QuestionKind))
def test_snapshot_round_trips_through_json(kind):
    snapshot = _snapshot(kind, points=Decimal("2.50"))

    stored = json.loads(json.dumps(snapshot.to_dict()))

    assert QuestionSnapshot.from_dict(stored) == snapshot


def test_snapshot_refuses_an_integer_id():
    with pytest.raises(ValueError, match="str"):
        DRAFTS[QuestionKind.SINGLE].to_snapshot(42)


def test_snapshot_refuses_a_key_naming_a_missing_option():
    with pytest.raises(ValueError):
        QuestionSnapshot(
            id="1",
            kind=QuestionKind.SINGLE,
            prompt="?",
            options=(Option("a", "A"), Option("b", "B")),
            key=SingleKey("c"),
            points=Decimal(1),
            competency_code="ACD-GOV-02",
            level_rank=1,
        )


def test_snapshot_from_dict_refuses_what_is_not_a_snapshot():
    with pytest.raises(ValueError):
        QuestionSnapshot.from_dict({"schema": 1, "kind": "single"})
    with pytest.raises(ValueError):
        QuestionSnapshot.from_dict(
            {**_snapshot(QuestionKind.SINGLE).to_dict(), "schema": 9}
        )


def test_single_choice_draft_needs_exactly_one_correct_option():
    with pytest.raises(ValueError):
        _snapshot(QuestionKind.SINGLE, options=_choices(True, True))


# ------------------------------------------------------------------------------
# Grading each kind
# ------------------------------------------------------------------------------


def test_single_choice_scores_the_correct_option_and_returns_its_feedback():
    snapshot = _snapshot(QuestionKind.SINGLE)

    right = grade(snapshot, snapshot.key.correct)
    wrong = grade(snapshot, _option_id(snapshot, "ตัวเลือก 1"))

    assert (right.score, right.max_score, right.correct) == (Decimal("1.00"), 1, True)
    assert right.feedback == [f"{FEEDBACK}-2"]
    assert (wrong.score, wrong.correct, wrong.feedback) == (0, False, [f"{FEEDBACK}-1"])


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ([1, 2, 3], Decimal("2.00")),  # all right
        ([1, 2], Decimal("1.33")),  # 2/3 of 2 points
        ([1], Decimal("0.67")),
        ([1, 2, 4], Decimal("0.67")),  # (2 - 1) / 3
        ([1, 4, 5], Decimal("0.00")),  # (1 - 2) / 3 floored at 0
        ([1, 2, 3, 4, 5], Decimal("0.67")),  # ticking everything
        ([], Decimal("0.00")),
    ],
)
def test_multiple_choice_gives_right_minus_wrong_partial_credit(chosen, expected):
    snapshot = _snapshot(QuestionKind.MULTIPLE, points=Decimal(2))

    graded = grade(snapshot, [_option_id(snapshot, f"ตัวเลือก {n}") for n in chosen])

    assert graded.score == expected
    assert graded.correct is (expected == 2)
    assert graded.feedback == [f"{FEEDBACK}-{n}" for n in chosen]


def test_multiple_choice_all_or_nothing_gives_no_partial_credit():
    snapshot = _snapshot(QuestionKind.MULTIPLE, all_or_nothing=True)
    ids = [_option_id(snapshot, f"ตัวเลือก {n}") for n in (1, 2, 3)]

    assert grade(snapshot, ids[:2]).score == 0
    assert grade(snapshot, ids).score == 1


def test_true_false_accepts_a_bool_or_the_option_id():
    snapshot = _snapshot(QuestionKind.TRUE_FALSE)

    assert grade(snapshot, False).correct
    assert grade(snapshot, FALSE_ID).correct
    assert not grade(snapshot, True).correct
    assert grade(snapshot, TRUE_ID).feedback == [f"{FEEDBACK}-true"]


def test_matching_scores_the_share_of_pairs_matched():
    snapshot = _snapshot(QuestionKind.MATCHING, points=Decimal(3))
    pdpa, dga, tdga = (_option_id(snapshot, text) for text in ("PDPA", "DGA", "TDGA"))
    personal = _target_id(snapshot, "คุ้มครองข้อมูลส่วนบุคคล")
    agency = _target_id(snapshot, "สำนักงานพัฒนารัฐบาลดิจิทัล")
    decoy = _target_id(snapshot, "ตัวลวง")

    assert grade(snapshot, {pdpa: personal, dga: agency, tdga: agency}).score == 3
    assert grade(snapshot, {pdpa: personal, dga: agency, tdga: decoy}).score == 2
    assert grade(snapshot, {pdpa: personal}).score == 1  # the rest left unanswered
    assert grade(snapshot, {pdpa: agency, dga: personal}).score == 0


def test_matching_all_or_nothing_needs_every_pair():
    snapshot = _snapshot(QuestionKind.MATCHING, all_or_nothing=True)
    pairs = dict(snapshot.key.pairs)

    assert grade(snapshot, pairs).correct
    assert (
        grade(
            snapshot, {**pairs, next(iter(pairs)): _target_id(snapshot, "ตัวลวง")}
        ).score
        == 0
    )


@pytest.mark.parametrize(
    ("positions", "expected"),
    [
        ([0, 1, 2, 3, 4], Decimal("1.00")),
        ([4, 0, 1, 2, 3], Decimal("0.75")),  # last step moved first: one step wrong
        ([1, 0, 2, 3, 4], Decimal("0.75")),
        ([1, 0, 3, 2, 4], Decimal("0.50")),  # longest ordered run 3: (3 - 1) / 4
        ([4, 3, 2, 1, 0], Decimal("0.00")),  # reversed
    ],
)
def test_ordering_scores_the_longest_run_in_the_right_relative_order(
    positions, expected
):
    snapshot = _snapshot(QuestionKind.ORDERING)
    order = snapshot.key.order

    assert (
        grade(snapshot, [order[position] for position in positions]).score == expected
    )


def test_ordering_all_or_nothing_needs_the_exact_order():
    snapshot = _snapshot(QuestionKind.ORDERING, all_or_nothing=True)
    order = list(snapshot.key.order)

    assert grade(snapshot, order).correct
    assert grade(snapshot, [order[1], order[0], *order[2:]]).score == 0


@pytest.mark.parametrize(
    "response",
    [
        "98765.4321",
        "98,765.4321",
        "๙๘,๗๖๕.๔๓๒๑",
        " 98765.44 ",
        "98765.4196",  # the tolerance is inclusive
        "98765.4446",
        Decimal("98765.43"),
        98765.43,
    ],
)
def test_numeric_accepts_answers_within_the_tolerance(response):
    assert grade(_snapshot(QuestionKind.NUMERIC), response).correct


@pytest.mark.parametrize(
    "response",
    ["98765.4447", "98765.4195", "-98765.4321", "98,76,5.4321", "9876,5.4", "1e5", ""],
)
def test_numeric_refuses_answers_outside_the_tolerance_or_not_numbers(response):
    assert grade(_snapshot(QuestionKind.NUMERIC), response).score == 0


def test_numeric_reads_integers_with_thai_digits():
    snapshot = _snapshot(
        QuestionKind.NUMERIC, numeric_answer=Decimal(1500), numeric_tolerance=Decimal(0)
    )

    assert grade(snapshot, "๑,๕๐๐").correct
    assert grade(snapshot, 1500).correct
    assert not grade(snapshot, "๑๕๐").correct


@pytest.mark.parametrize(
    "response",
    [
        "secretanswer",
        "  SECRET\u200bANSWER ",
        "น้ำประปา",
        "นํ้าประปา",  # nikhahit + tone + sara aa typed for sara am
        "น\u200bํ้าประปา",
        "\u00a0น้ำประปา\u00a0",
    ],
)
def test_short_text_matches_after_normalising(response):
    assert grade(_snapshot(QuestionKind.SHORT_TEXT), response).correct


def test_short_text_case_sensitive_question_keeps_case():
    snapshot = _snapshot(QuestionKind.SHORT_TEXT, case_sensitive=True)

    assert grade(snapshot, "SECRETANSWER").correct
    assert not grade(snapshot, "SecretAnswer").correct


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("e\u0301tat", "\u00e9tat"),  # NFC
        ("ก\u0e48\u0e34ง", "ก\u0e34\u0e48ง"),  # tone typed before the vowel
        ("ที่\u0e48", "ที่"),  # a tone mark typed twice
        ("\u0e40\u0e40ก", "\u0e41ก"),  # two sara e for sara ae
        ("ภาษา\u200bไทย  ง่าย", "ภาษาไทย ง่าย"),
        ("Data\u00adBase", "database"),
    ],
)
def test_normalise_text_writes_look_alike_spellings_one_way(typed, canonical):
    assert normalise_text(typed) == normalise_text(canonical)


def test_short_text_blank_answer_scores_zero():
    assert grade(_snapshot(QuestionKind.SHORT_TEXT), "  \u200b ").score == 0


def test_parse_number_refuses_ambiguous_and_special_numbers():
    assert parse_number("1,234,567.5") == Decimal("1234567.5")
    assert parse_number("\u221212.5") == Decimal("-12.5")
    for text in ("1,5", "12,34", "NaN", "Infinity", "1e3", "--1", "1.2.3", "", "๑๒x"):
        assert parse_number(text) is None, text


# ------------------------------------------------------------------------------
# Malformed responses
# ------------------------------------------------------------------------------

MALFORMED = [
    42,
    4.2,
    "",
    "x" * 100_000,
    ["x" * 100_000],
    [],
    [[]],
    [None],
    {"a": "b"},
    {None: None},
    {("tuple",): 1},
    {1, 2},
    object(),
    b"bytes",
    Decimal("NaN"),
    float("nan"),
    float("inf"),
    10**5000,
    "9" * 5000,
    Decimal("1E+999999"),
    list(range(10_000)),
    {str(n): str(n) for n in range(10_000)},
]


@pytest.mark.parametrize("kind", list(QuestionKind))
@pytest.mark.parametrize("response", MALFORMED, ids=lambda value: type(value).__name__)
def test_malformed_responses_score_zero_without_raising(kind, response):
    graded = grade(_snapshot(kind), response)

    assert (graded.score, graded.correct, graded.feedback) == (0, False, [])


def test_unknown_and_repeated_option_ids_score_zero():
    multiple = _snapshot(QuestionKind.MULTIPLE)
    right = list(multiple.key.correct)
    ordering = _snapshot(QuestionKind.ORDERING)
    order = list(ordering.key.order)
    matching = _snapshot(QuestionKind.MATCHING)
    pairs = dict(matching.key.pairs)

    assert grade(multiple, [*right, right[0]]).score == 0  # repeated
    assert grade(multiple, [*right, "not-an-option"]).score == 0
    assert grade(_snapshot(QuestionKind.SINGLE), "not-an-option").score == 0
    assert grade(ordering, [*order[:-1], order[0]]).score == 0
    assert grade(ordering, order[:-1]).score == 0  # an item left out
    assert (
        grade(matching, {**pairs, "not-an-item": next(iter(pairs.values()))}).score == 0
    )
    assert grade(matching, dict.fromkeys(pairs, "not-a-choice")).score == 0
    assert grade(matching, {right: left for left, right in pairs.items()}).score == 0


def test_random_garbage_never_raises():
    rng = random.Random(20240601)
    atoms = [None, True, 0, -1, 2**70, 1.5, "", "true", "x" * 300, "๔๒", Decimal("-0")]
    snapshots = [_snapshot(kind) for kind in QuestionKind]
    atoms += [option.id for snapshot in snapshots for option in snapshot.options]

    def garbage(depth=0):
        choice = rng.random()
        if depth > 2 or choice < 0.5:
            return rng.choice(atoms)
        if choice < 0.75:
            return [garbage(depth + 1) for _ in range(rng.randint(0, 6))]
        return {
            str(rng.choice(atoms)): garbage(depth + 1) for _ in range(rng.randint(0, 6))
        }

    for _ in range(3000):
        for snapshot in snapshots:
            graded = grade(snapshot, garbage())
            assert 0 <= graded.score <= graded.max_score


def test_unanswered_scores_zero():
    graded = grade(_snapshot(QuestionKind.SINGLE), None)

    assert (graded.score, graded.max_score, graded.correct) == (0, 1, False)


# ------------------------------------------------------------------------------
# Whole attempts and levels reached
# ------------------------------------------------------------------------------


def _question(question_id, competency, rank, correct="a", points=1):
    return QuestionSnapshot(
        id=question_id,
        kind=QuestionKind.SINGLE,
        prompt="?",
        options=(Option("a", "A"), Option("b", "B")),
        key=SingleKey(correct),
        points=Decimal(points),
        competency_code=competency,
        level_rank=rank,
    )


def test_grade_attempt_totals_scores_and_passes_at_the_mark():
    questions = [_question(str(n), "ACD-GOV-02", 1) for n in range(5)]
    responses = {"0": "a", "1": "a", "2": "a", "3": "b"}  # "4" unanswered

    result = grade_attempt(questions, responses, pass_mark_percent=60)

    assert (result.score, result.max_score, result.percent) == (3, 5, Decimal("60.00"))
    assert result.passed
    assert list(result.answers) == ["0", "1", "2", "3", "4"]
    assert result.answers["4"].score == 0
    assert not grade_attempt(questions, responses, pass_mark_percent=61).passed


def test_grade_attempt_decides_the_pass_on_exact_figures_not_rounded_ones():
    # 2 of 3 questions = 66.666..%: shown as 66.67 but below a 66.67 mark
    questions = [_question(str(n), "ACD-GOV-02", 1) for n in range(3)]

    result = grade_attempt(
        questions, {"0": "a", "1": "a"}, pass_mark_percent=Decimal("66.67")
    )

    assert result.percent == Decimal("66.67")
    assert not result.passed


def test_level_reached_is_the_highest_rank_whose_every_lower_prefix_passes():
    questions = [
        _question("l1-a", "ACD-GOV-02", 1),
        _question("l1-b", "ACD-GOV-02", 1),
        _question("l2-a", "ACD-GOV-02", 2),
        _question("l2-b", "ACD-GOV-02", 2),
        _question("l3-a", "ACD-GOV-02", 3),
        _question("l3-b", "ACD-GOV-02", 3),
    ]
    # level 1: 2/2, levels <= 2: 3/4 = 75%, levels <= 3: 3/6 = 50%
    responses = {"l1-a": "a", "l1-b": "a", "l2-a": "a"}

    result = grade_attempt(questions, responses, pass_mark_percent=70)
    competency = result.competencies["ACD-GOV-02"]

    assert competency.level_reached == 2
    assert [level.reached for level in competency.levels] == [True, True, False]
    assert [level.cumulative_score for level in competency.levels] == [2, 3, 3]
    assert (competency.score, competency.max_score, competency.percent) == (
        3,
        6,
        Decimal("50.00"),
    )


def test_failing_the_lower_level_blocks_the_higher_ones():
    questions = [
        _question("l1-a", "ACD-GOV-02", 1),
        _question("l1-b", "ACD-GOV-02", 1),
        _question("l2-a", "ACD-GOV-02", 2),
        _question("l2-b", "ACD-GOV-02", 2),
        _question("l2-c", "ACD-GOV-02", 2),
        _question("l2-d", "ACD-GOV-02", 2),
    ]
    # level 1 alone: 1/2 = 50% fails; levels <= 2 would be 5/6 = 83%
    responses = {"l1-a": "a", "l2-a": "a", "l2-b": "a", "l2-c": "a", "l2-d": "a"}

    competency = grade_attempt(questions, responses, pass_mark_percent=70).competencies[
        "ACD-GOV-02"
    ]

    assert competency.level_reached is None
    assert [level.reached for level in competency.levels] == [False, False]


def test_levels_are_reached_per_competency_with_only_the_ranks_drawn():
    questions = [
        _question("gov", "ACD-GOV-02", 3),
        _question("sec-1", "SEC-01", 2),
        _question("sec-2", "SEC-01", 2),
    ]

    result = grade_attempt(
        questions, {"gov": "a", "sec-1": "a", "sec-2": "b"}, pass_mark_percent=60
    )

    assert result.competencies["ACD-GOV-02"].level_reached == 3
    assert result.competencies["SEC-01"].level_reached is None
    assert list(result.competencies) == ["ACD-GOV-02", "SEC-01"]


def test_grade_attempt_weighs_questions_by_points():
    questions = [
        _question("big", "ACD-GOV-02", 1, points=3),
        _question("small", "ACD-GOV-02", 1),
    ]

    result = grade_attempt(questions, {"big": "a", "small": "b"}, pass_mark_percent=75)

    assert (result.score, result.max_score, result.passed) == (3, 4, True)


def test_grade_attempt_refuses_a_question_drawn_twice_and_bad_pass_marks():
    question = _question("1", "ACD-GOV-02", 1)

    with pytest.raises(ValueError):
        grade_attempt([question, question], {}, pass_mark_percent=50)
    with pytest.raises(ValueError):
        grade_attempt([question], {}, pass_mark_percent=101)
    with pytest.raises(ValueError):
        grade_attempt([], {}, pass_mark_percent=50)


def test_grade_attempt_ignores_responses_to_questions_not_drawn():
    result = grade_attempt(
        [_question("1", "ACD-GOV-02", 1)], {"1": "a", "999": "a"}, pass_mark_percent=50
    )

    assert list(result.answers) == ["1"]
    assert result.score == 1


# ------------------------------------------------------------------------------
# Drawing and shuffling
# ------------------------------------------------------------------------------

BANKS = {
    "ACD-GOV-02": [f"g{n}" for n in range(10)],
    "SEC-01": [f"s{n}" for n in range(6)],
    "ACD-DATA-03": [f"d{n}" for n in range(3)],
}


def test_draw_is_the_same_for_the_same_seed_and_banks():
    counts = {"ACD-GOV-02": 4, "SEC-01": 2}

    first = draw(BANKS, counts, seed=1234)
    again = draw(
        {code: list(reversed(ids)) for code, ids in reversed(BANKS.items())},
        dict(reversed(counts.items())),
        seed=1234,
    )

    assert first == again
    assert len(first) == len(set(first)) == 6
    assert sum(question.startswith("g") for question in first) == 4
    assert sum(question.startswith("s") for question in first) == 2


def test_draw_differs_between_seeds():
    counts = {"ACD-GOV-02": 4, "SEC-01": 2}

    draws = {tuple(draw(BANKS, counts, seed=seed)) for seed in range(20)}

    assert len(draws) > 15


def test_draw_refuses_a_short_bank_naming_the_competency():
    with pytest.raises(DrawError, match="ACD-DATA-03") as caught:
        draw(BANKS, {"ACD-GOV-02": 2, "ACD-DATA-03": 5, "NEW-01": 1}, seed=1)

    assert caught.value.shortages == [("ACD-DATA-03", 3, 5), ("NEW-01", 0, 1)]
    assert isinstance(caught.value, ValueError)


def test_draw_can_take_a_whole_bank_or_none_of_it():
    drawn = draw(BANKS, {"ACD-DATA-03": 3, "ACD-GOV-02": 0}, seed=9)

    assert sorted(drawn) == ["d0", "d1", "d2"]


def test_draw_refuses_a_question_in_two_banks_and_negative_counts():
    with pytest.raises(ValueError, match="g1"):
        draw({**BANKS, "SEC-01": ["g1"]}, {"ACD-GOV-02": 1}, seed=1)
    with pytest.raises(ValueError, match="ACD-GOV-02"):
        draw(BANKS, {"ACD-GOV-02": -1}, seed=1)


def test_shuffle_options_is_fixed_by_the_seed():
    ids = [f"o{n}" for n in range(8)]

    shuffled = shuffle_options(ids, seed="attempt-7:42")

    assert shuffled == shuffle_options(ids, seed="attempt-7:42")
    assert sorted(shuffled) == ids
    assert len({tuple(shuffle_options(ids, seed=seed)) for seed in range(20)}) > 15
