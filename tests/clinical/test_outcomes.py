"""Instrument scoring: worked examples from each instrument's own rules, the refusals, a property.

Published rules the examples follow (the knowledge base cites them per instrument):
- NPRS: the 0-10 rating itself (Jensen 1986). VAS: millimetres on a 100 mm line (Ostelo 2008).
- NDI (Vernon & Mior 1991): 10 items 0-5; sum 0-50 reported as % = sum / (5 x answered) x 100.
- ODI v2.1a (Fairbank & Pynsent 2000): 10 sections 0-5; % = sum / (5 x answered sections) x 100.
- DASH (Hudak 1996; the DASH manual): 30 items 1-5; ((sum / n) - 1) x 25; unscored if > 3 missing.
- QuickDASH (Beaton 2005): 11 items 1-5; same formula; unscored if > 1 missing.
- LEFS (Binkley 1999): 20 items 0-4; sum 0-80, higher is better.
- PSFS (Stratford 1995): activities rated 0-10; score = mean of the ratings.
- HIT-6 (Kosinski 2003): 6 items scoring 6/8/10/11/13; sum 36-78; bands <=49, 50-55, 56-59, >=60.
- GROC (Jaeschke 1989): one rating -7..+7. PPT: mean of repeated algometer readings (Walton 2011).
- ROM: the measured angle in degrees. Kujala/AKPS (Kujala 1993): 13 items, item-specific points.
"""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taut.clinical.knowledge import UnknownIdError, load_knowledge
from taut.clinical.measures import Instrument, InstrumentKind, Method
from taut.clinical.outcomes import (
    Score,
    ScoringError,
    change_from_baseline,
    meets_mcid,
    resolve_instrument,
    score_instrument,
)
from taut.clinical.records import Direction

KNOWLEDGE = load_knowledge()
KUJALA_BEST = [5, 5, 5, 10, 5, 10, 10, 10, 10, 10, 10, 5, 5]
KUJALA_WORST = [0] * 13

# One worked example per instrument: (answers, expected score, items answered, items missing).
WORKED = {
    "nprs": ([7], 7, 1, 0),
    "vas": ([45], 45, 1, 0),
    "ppt": ([2.1, 2.3, 2.4], 2.27, 3, 0),  # (2.1 + 2.3 + 2.4) / 3 = 2.2667
    "rom": ([45.5], 45.5, 1, 0),
    "ndi": ([2] * 10, 40.0, 10, 0),  # 20 / 50 x 100
    "odi": ([3] * 9 + [None], 60.0, 9, 1),  # 27 / 45 x 100
    "dash": ([3] * 30, 50.0, 30, 0),  # ((90 / 30) - 1) x 25
    "quickdash": ([3] * 11, 50.0, 11, 0),  # ((33 / 11) - 1) x 25
    "lefs": ([4] * 20, 80, 20, 0),
    "psfs": ([5, 7, 6], 6.0, 3, 0),
    "groc": ([-3], -3, 1, 0),
    "hit6": ([10] * 6, 60, 6, 0),  # six "sometimes"
    "kujala": (KUJALA_BEST, 100, 13, 0),
}


def score(instrument_id: str, answers: list[float | int | None]) -> Score:
    return score_instrument(instrument_id, answers, knowledge=KNOWLEDGE)


def refusal(instrument_id: str, answers: list[float | int | None]) -> ScoringError:
    with pytest.raises(ScoringError) as caught:
        score(instrument_id, answers)
    return caught.value


# --- the data agrees with the published rules -------------------------------------------------


def test_every_instrument_in_the_knowledge_base_has_a_worked_example():
    assert {i.id for i in KNOWLEDGE.instruments} == set(WORKED)


@pytest.mark.parametrize(
    ("instrument_id", "items", "coding", "method", "max_missing", "scale"),
    [
        ("ndi", 10, (0, 5), Method.PERCENT_OF_ANSWERED, 2, (0, 100)),  # Vernon91; 2 is [U]
        ("odi", 10, (0, 5), Method.PERCENT_OF_ANSWERED, 1, (0, 100)),  # Fairbank00
        ("dash", 30, (1, 5), Method.DASH, 3, (0, 100)),  # Hudak96
        ("quickdash", 11, (1, 5), Method.DASH, 1, (0, 100)),  # Beaton05
        ("lefs", 20, (0, 4), Method.SUM, 0, (0, 80)),  # Binkley99
        ("nprs", 1, (0, 10), Method.SINGLE, 0, (0, 10)),
        ("vas", 1, (0, 100), Method.SINGLE, 0, (0, 100)),
        ("groc", 1, (-7, 7), Method.SINGLE, 0, (-7, 7)),
    ],
)
def test_the_data_matches_the_published_scoring_rule(
    instrument_id, items, coding, method, max_missing, scale
):
    instrument = KNOWLEDGE.instrument(instrument_id)
    assert instrument.item_count == items
    assert (instrument.response_min, instrument.response_max) == coding
    assert instrument.scoring.method is method
    assert instrument.scoring.max_missing == max_missing
    assert (instrument.min, instrument.max) == scale


def test_the_data_codes_hit6_responses_as_kosinskis_points_with_no_missing_item():
    hit6 = KNOWLEDGE.instrument("hit6")
    assert hit6.item_count == 6
    assert hit6.response_values == (6, 8, 10, 11, 13)
    assert (hit6.scoring.method, hit6.scoring.max_missing) == (Method.SUM, 0)
    assert (hit6.min, hit6.max) == (36, 78)


def test_the_data_gives_kujala_item_points_that_sum_to_100_at_best():
    kujala = KNOWLEDGE.instrument("kujala")
    assert [max(item.values) for item in kujala.items] == KUJALA_BEST
    assert all(min(item.values) == 0 for item in kujala.items)


# --- worked examples --------------------------------------------------------------------------


@pytest.mark.parametrize("instrument_id", sorted(WORKED))
def test_it_scores_the_worked_example_of(instrument_id):
    answers, expected, answered, missing = WORKED[instrument_id]
    result = score(instrument_id, answers)
    assert result.score == pytest.approx(expected)
    assert (result.items_answered, result.items_missing) == (answered, missing)
    assert result.instrument == instrument_id


def test_quickdash_all_threes_scores_50_point_0():
    result = score("quickdash", [3] * 11)
    assert result.score == 50.0
    assert result.raw_sum == 33
    assert (result.scale_min, result.scale_max, result.unit) == (0, 100, "points")
    assert result.direction is Direction.HIGHER_IS_WORSE
    assert result.value == 50.0 and isinstance(result.value, float)


def test_quickdash_scores_one_missing_item_over_the_answered_ten():
    result = score("quickdash", [None] + [2] * 10)
    assert result.score == 25.0  # ((20 / 10) - 1) x 25
    assert (result.items_answered, result.items_missing) == (10, 1)


def test_quickdash_rounds_to_one_decimal():
    assert score("quickdash", [2] * 9 + [3, 3]).score == 29.5  # ((24 / 11) - 1) x 25 = 29.545


def test_quickdash_refuses_two_missing_items():
    error = refusal("quickdash", [None, None] + [3] * 9)
    assert str(error) == (
        "QuickDASH: 2 items missing (items 1, 2); the QuickDASH rule allows at most 1"
    )
    assert error.item == 1


def test_dash_scores_with_three_items_missing():
    result = score("dash", [None, None, None] + [2] * 27)
    assert result.score == 25.0  # ((54 / 27) - 1) x 25
    assert result.items_missing == 3


def test_dash_refuses_four_missing_items():
    error = refusal("dash", [None] * 4 + [3] * 26)
    assert str(error) == "DASH: 4 items missing (items 1, 2, 3, 4); the DASH rule allows at most 3"


def test_dash_all_ones_is_no_disability_and_all_fives_the_most():
    assert score("dash", [1] * 30).score == 0.0
    assert score("dash", [5] * 30).score == 100.0


def test_ndi_reports_the_percentage_of_the_summed_50_points():
    result = score("ndi", [1, 3, 2, 2, 4, 0, 2, 2, 3, 1])
    assert (result.raw_sum, result.score, result.unit) == (20, 40.0, "percent")


def test_ndi_scores_two_missing_items_as_a_percentage_of_the_answered_eight():
    result = score("ndi", [None, None] + [2] * 8)
    assert result.score == 40.0  # 16 / 40 x 100


def test_ndi_refuses_three_missing_items_under_the_datas_limit_of_two():
    error = refusal("ndi", [None] * 3 + [2] * 7)
    assert "NDI: 3 items missing (items 1, 2, 3); the NDI rule allows at most 2" in str(error)


def test_odi_with_one_missing_section_divides_by_45():
    result = score("odi", [1, 2, 3, 4, 5, 0, 1, 2, None, 3])
    assert result.score == pytest.approx(round(21 / 45 * 100, 1))  # 46.7
    assert result.score == 46.7


def test_odi_refuses_two_missing_sections():
    error = refusal("odi", [None, 2, None] + [2] * 7)
    assert "ODI: 2 items missing (items 1, 3); the ODI rule allows at most 1" in str(error)


def test_lefs_all_fours_is_80_and_stays_an_integer():
    result = score("lefs", [4] * 20)
    assert result.score == 80 and result.value == 80 and isinstance(result.value, int)
    assert result.direction is Direction.HIGHER_IS_BETTER


def test_lefs_refuses_a_missing_item_as_the_data_scores_only_complete_forms():
    error = refusal("lefs", [3] * 19 + [None])
    assert str(error) == "LEFS: 1 item missing (item 20); the LEFS rule allows none"
    assert error.item == 20


def test_psfs_is_the_mean_of_the_rated_activities():
    assert score("psfs", [5, 7, 6]).score == 6.0
    assert score("psfs", [3, 4, 4, 5, 9]).score == 5.0


def test_psfs_rounds_half_up_like_a_clinician():
    assert score("psfs", [5, 5, 5, 6]).score == 5.3  # 5.25; round() would give 5.2


def test_psfs_refuses_no_activities():
    assert str(refusal("psfs", [])) == "PSFS expects 1-5 items, got 0"


def test_psfs_refuses_a_sixth_activity():
    assert str(refusal("psfs", [5] * 6)) == "PSFS expects 1-5 items, got 6"


def test_hit6_all_sometimes_is_60_and_severe():
    result = score("hit6", [10] * 6)
    assert (result.score, result.band) == (60, "severe impact")


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ([6] * 6, 36, "little or no impact"),
        ([8, 8, 8, 8, 6, 11], 49, "little or no impact"),
        ([8, 8, 8, 8, 8, 10], 50, "some impact"),
        ([11, 11, 11, 6, 8, 8], 55, "some impact"),
        ([11, 11, 11, 11, 6, 6], 56, "substantial impact"),
        ([11, 10, 10, 10, 10, 8], 59, "substantial impact"),
        ([13] * 6, 78, "severe impact"),
    ],
)
def test_hit6_bands_follow_the_datas_cut_offs(answers, total, band):
    result = score("hit6", answers)
    assert (result.score, result.band) == (total, band)


def test_hit6_refuses_a_value_that_is_not_a_response_point():
    error = refusal("hit6", [10, 10, 9, 10, 10, 10])
    assert str(error) == "item 3: 9 is not one of the item's response points (6, 8, 10, 11, 13)"
    assert error.item == 3


def test_hit6_refuses_any_missing_item():
    assert "the HIT-6 rule allows none" in str(refusal("hit6", [10] * 5 + [None]))


def test_kujala_best_answers_score_100_and_worst_0():
    assert score("kujala", KUJALA_BEST).score == 100
    assert score("kujala", KUJALA_WORST).score == 0


def test_kujala_sums_the_points_of_the_chosen_options():
    answers = [3, 5, 3, 8, 4, 6, 7, 8, 6, 8, 6, 3, 5]
    assert score("kujala", answers).score == sum(answers) == 72


def test_kujala_refuses_points_the_item_does_not_offer_and_names_the_item():
    error = refusal("kujala", [5, 5, 5, 9, *KUJALA_BEST[4:]])
    assert (
        str(error) == 'item 4 "stairs": 9 is not one of the item\'s response points (10, 8, 5, 0)'
    )
    assert error.item == 4


def test_groc_threshold_of_plus_5_is_reported_when_reached():
    assert score("groc", [5]).thresholds_met == ("success in the knee-osteoarthritis trial",)
    assert score("groc", [4]).thresholds_met == ()


def test_ppt_gives_the_mean_of_the_readings_to_two_decimals():
    assert score("ppt", [2.1, 2.3, 2.4]).score == 2.27
    assert score("ppt", [1.8]).score == 1.8


def test_ppt_refuses_a_reading_off_the_scale_and_calls_it_a_reading():
    assert str(refusal("ppt", [2.0, 25, 2.1])) == "reading 2: 25 is outside 0-20"


def test_rom_keeps_the_measured_angle_as_given():
    result = score("rom", [45.5])
    assert (result.score, result.value, result.unit) == (45.5, 45.5, "degrees")


def test_nprs_is_the_rating_itself():
    assert score("nprs", [0]).score == 0
    assert score("nprs", [10]).value == 10


# --- refusals ---------------------------------------------------------------------------------


def test_it_refuses_the_wrong_number_of_items():
    assert str(refusal("ndi", [2] * 9)) == "NDI expects 10 items, got 9"
    assert str(refusal("nprs", [2, 3])) == "NPRS expects 1 item, got 2"


def test_it_refuses_an_answer_out_of_range_and_names_the_item():
    error = refusal("ndi", [2, 2, 2, 7, 2, 2, 2, 2, 2, 2])
    assert str(error) == "item 4: 7 is outside 0-5"
    assert (error.item, error.instrument) == (4, "ndi")


def test_it_refuses_a_dash_answer_of_zero_as_dash_is_coded_1_to_5():
    assert str(refusal("dash", [0] + [3] * 29)) == "item 1: 0 is outside 1-5"


def test_it_refuses_a_fractional_coded_response():
    error = refusal("nprs", [2.5])
    assert str(error) == "item 1: 2.5 is not a whole number (responses are coded 0-10)"


@pytest.mark.parametrize("bad", [math.nan, math.inf, True])
def test_it_refuses_an_answer_that_is_not_a_number(bad):
    assert "is not a number" in str(refusal("nprs", [bad]))


def test_it_refuses_a_form_with_every_item_unanswered():
    assert "allows at most 3" in str(refusal("dash", [None] * 30))
    assert (
        str(refusal("nprs", [None])) == "NPRS: 1 item missing (item 1); the NPRS rule allows none"
    )


def test_scoring_error_is_a_value_error():
    assert issubclass(ScoringError, ValueError)


# --- ids, aliases, the result -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "instrument_id"),
    [
        ("quickdash", "quickdash"),
        ("QuickDASH", "quickdash"),
        ("quick-dash", "quickdash"),
        ("hit6", "hit6"),
        ("hit_6", "hit6"),
        ("HIT-6", "hit6"),
        ("AKPS", "kujala"),
        ("NDI", "ndi"),
    ],
)
def test_it_resolves_ids_and_abbreviations_in_any_case(name, instrument_id):
    assert resolve_instrument(name, knowledge=KNOWLEDGE).id == instrument_id
    assert score_instrument(name, WORKED[instrument_id][0]).instrument == instrument_id


def test_it_refuses_an_unknown_instrument_with_close_ids():
    with pytest.raises(UnknownIdError) as caught:
        score("quickdahs", [3] * 11)
    assert "quickdash" in str(caught.value)


def test_the_score_is_frozen():
    result = score("nprs", [3])
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.score = 4  # type: ignore[misc]


def test_as_dict_gives_the_scale_and_counts():
    assert score("hit6", [10] * 6).as_dict() == {
        "instrument": "hit6",
        "abbreviation": "HIT-6",
        "score": 60,
        "scale": {"min": 36, "max": 78, "unit": "points"},
        "direction": "higher_is_worse",
        "items_answered": 6,
        "items_missing": 0,
        "band": "severe impact",
        "method": "sum",
        "raw_sum": 60,
        "thresholds_met": [],
    }


# --- change and MCID --------------------------------------------------------------------------


def test_change_from_baseline_is_positive_when_the_patient_improves():
    assert change_from_baseline(60.0, 40.0, Direction.HIGHER_IS_WORSE) == 20.0
    assert change_from_baseline(40, 60, Direction.HIGHER_IS_BETTER) == 20
    assert change_from_baseline(4.2, 6.1, Direction.HIGHER_IS_BETTER) == 1.9


def test_meets_mcid_in_points_and_percent_change():
    nprs = KNOWLEDGE.instrument("nprs")
    points, percent = nprs.mcids[0], nprs.mcids[1]  # 2 points; 30% (Ostelo08)
    assert meets_mcid(2, points) and not meets_mcid(1.9, points)
    assert meets_mcid(3, percent, baseline=10) and not meets_mcid(2, percent, baseline=10)
    with pytest.raises(ValueError, match="non-zero baseline"):
        meets_mcid(2, percent, baseline=0)


def test_meets_mcid_refuses_a_between_groups_difference():
    between = KNOWLEDGE.instrument("hit6").mcids[1]
    with pytest.raises(ValueError, match="between-groups"):
        meets_mcid(3, between)


# --- property ---------------------------------------------------------------------------------


def _answer(instrument: Instrument, index: int) -> st.SearchStrategy[float | int]:
    allowed = instrument.item_values(index)
    if allowed is not None:
        return st.sampled_from(allowed)
    if instrument.response_min is not None and instrument.response_max is not None:
        low, high = instrument.response_min, instrument.response_max
    else:
        low, high = instrument.min, instrument.max
    if instrument.kind is InstrumentKind.MEASUREMENT:
        return st.floats(low, high, allow_nan=False).map(lambda x: round(x, 2))
    return st.integers(int(low), int(high))


def _count(instrument: Instrument) -> st.SearchStrategy[int]:
    if instrument.item_count is not None:
        return st.just(instrument.item_count)
    if instrument.scoring.method is Method.SINGLE:
        return st.just(1)
    return st.integers(instrument.min_items or 1, instrument.max_items or 5)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_valid_complete_form_scores_within_the_instruments_range(data):
    instrument = data.draw(st.sampled_from(KNOWLEDGE.instruments))
    count = data.draw(_count(instrument))
    answers = [data.draw(_answer(instrument, index)) for index in range(count)]
    result = score(instrument.id, answers)
    assert instrument.min <= result.score <= instrument.max
    assert (result.items_answered, result.items_missing) == (count, 0)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_form_within_the_missing_item_rule_scores_within_range(data):
    instrument = data.draw(
        st.sampled_from([i for i in KNOWLEDGE.instruments if i.scoring.max_missing > 0])
    )
    count = data.draw(_count(instrument))
    answers: list[float | int | None] = [
        data.draw(_answer(instrument, index)) for index in range(count)
    ]
    blanks = data.draw(
        st.lists(st.integers(0, count - 1), max_size=instrument.scoring.max_missing, unique=True)
    )
    for index in blanks:
        answers[index] = None
    result = score(instrument.id, answers)
    assert instrument.min <= result.score <= instrument.max
    assert result.items_missing == len(blanks)
