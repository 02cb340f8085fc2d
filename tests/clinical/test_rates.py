"""Adverse-event rates: the Wilson interval, rates per 1,000 and the published comparison.

Known Wilson 95% intervals (z = 1.959964):
- 0 of 10: [0, 0.2775]: the upper bound is z²/(n + z²) = 3.8415 / 13.8415 = 0.27753.
- 5 of 10: [0.2366, 0.7634] (symmetric about 0.5).
- 81 of 263: [0.2553, 0.3662], Newcombe 1998 (Stat Med 17:857), Table I, method 3.
Independently, `_score_bound` below finds each bound by bisection as the proportion π where
|p̂ - π| = z·sqrt(π(1 - π)/n) (the score test's definition), not from the closed form.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taut.clinical.knowledge import UnknownIdError, load_knowledge
from taut.clinical.measures import Denominator
from taut.clinical.rates import (
    Interval,
    compare_with_published,
    per_thousand,
    wilson_interval,
)
from taut.clinical.records import Evidence

K = load_knowledge()
Z95 = NormalDist().inv_cdf(0.975)


def _score_bound(events: int, trials: int, *, upper: bool, z: float = Z95) -> float:
    """The Wilson bound found by bisection on the score test (an independent computation)."""
    p = events / trials

    def outside(pi: float) -> bool:
        return abs(p - pi) > z * math.sqrt(pi * (1 - pi) / trials)

    lo, hi = (p, 1.0) if upper else (0.0, p)
    if not outside(hi if upper else lo):
        return hi if upper else lo
    for _ in range(200):
        mid = (lo + hi) / 2
        if outside(mid) == upper:  # upper: the bound is where `outside` turns true
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


# --- the Wilson interval ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "trials", "low", "high"),
    [(0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634), (81, 263, 0.2553, 0.3662)],
)
def test_the_wilson_interval_matches_published_values(events, trials, low, high):
    interval = wilson_interval(events, trials)
    assert interval.low == pytest.approx(low, abs=5e-5)
    assert interval.high == pytest.approx(high, abs=5e-5)
    assert interval.low == pytest.approx(_score_bound(events, trials, upper=False), abs=1e-9)
    assert interval.high == pytest.approx(_score_bound(events, trials, upper=True), abs=1e-9)


def test_all_events_give_an_upper_bound_of_one():
    assert wilson_interval(10, 10) == Interval(pytest.approx(1 - 0.2775, abs=5e-5), 1.0)


def test_a_higher_confidence_gives_a_wider_interval():
    narrow = wilson_interval(5, 10, confidence=0.9)
    wide = wilson_interval(5, 10, confidence=0.99)
    assert wide.low < narrow.low and narrow.high < wide.high
    z99 = NormalDist().inv_cdf(0.995)
    assert wide.high == pytest.approx(_score_bound(5, 10, upper=True, z=z99), abs=1e-9)


@pytest.mark.parametrize(
    ("events", "trials", "argument"),
    [
        (1, 0, "trials"),
        (0, -3, "trials"),
        (-1, 10, "events"),
        (11, 10, "events"),
        (1.5, 10, "events"),
        (True, 10, "events"),
        (1, 10.0, "trials"),
    ],
)
def test_it_refuses_impossible_counts_naming_the_argument(events, trials, argument):
    with pytest.raises(ValueError, match=f"^{argument} "):
        wilson_interval(events, trials)


@pytest.mark.parametrize("confidence", [0, 1, 1.5, -0.1])
def test_it_refuses_a_confidence_outside_zero_to_one(confidence):
    with pytest.raises(ValueError, match="^confidence "):
        wilson_interval(1, 10, confidence=confidence)


@given(
    st.integers(min_value=1, max_value=10**7).flatmap(
        lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
    ),
    st.floats(min_value=0.5, max_value=0.999),
)
def test_the_interval_contains_the_observed_proportion_within_zero_and_one(counts, confidence):
    events, trials = counts
    interval = wilson_interval(events, trials, confidence=confidence)
    assert 0.0 <= interval.low <= events / trials <= interval.high <= 1.0


# --- per 1,000 -------------------------------------------------------------------------------


def test_it_converts_a_rate_and_its_interval_to_per_thousand():
    estimate = per_thousand(5, 10)
    assert estimate.rate_per_1000 == 500
    assert estimate.low_per_1000 == pytest.approx(236.6, abs=0.05)
    assert estimate.high_per_1000 == pytest.approx(763.4, abs=0.05)
    assert (estimate.events, estimate.trials) == (5, 10)


def test_no_events_still_has_an_upper_bound_per_thousand():
    estimate = per_thousand(0, 200)
    assert (estimate.rate_per_1000, estimate.low_per_1000) == (0, 0)
    assert estimate.high_per_1000 == pytest.approx(18.8, abs=0.05)  # 3.8415 / 203.8415


# --- the published comparison ----------------------------------------------------------------


def test_it_flags_a_rate_whose_lower_bound_exceeds_the_published_rate():
    # 20 bleeds in 200 treatments: 100 per 1,000, 95% CI 65.8-149.8 per 1,000
    by_source = {c.source: c for c in compare_with_published(20, 200, event_id="bleeding")}
    assert set(by_source) == {("Brady14",), ("Boyce20",)}
    brady, boyce = by_source[("Brady14",)], by_source[("Boyce20",)]
    assert brady.published_per_1000 == pytest.approx(46.5, abs=0.05)  # 355 / 7,629
    assert brady.clinic.low_per_1000 > brady.published_per_1000
    assert brady.above_published
    assert boyce.published_per_1000 == pytest.approx(160.0, abs=0.05)  # 3,274 / 20,464
    assert not boyce.above_published
    assert (brady.evidence, brady.per, brady.published_trials) == (
        Evidence.VERIFIED,
        Denominator.TREATMENTS,
        7629,
    )
    assert brady.reference == "brady14_bleeding" and brady.event == "bleeding"


def test_a_high_point_estimate_from_few_treatments_is_not_flagged():
    # 1 in 10 is 100 per 1,000, but the lower bound (17.9 per 1,000) is under Brady14's 46.5
    (brady, _boyce) = compare_with_published(1, 10, event_id="bleeding")
    assert brady.clinic.rate_per_1000 > brady.published_per_1000
    assert not brady.above_published


def test_it_compares_with_rates_per_consultation():
    (white,) = compare_with_published(2, 1000, event_id="fainting")
    assert white.source == ("White01",) and white.per is Denominator.CONSULTATIONS
    assert white.published_events == 6 and white.published_trials == 31822
    assert white.above_published  # lower bound 0.55 per 1,000 > 0.19 per 1,000


def test_it_leaves_out_rates_per_patient():
    sources = {c.source for c in compare_with_published(100, 1000, event_id="any_mild")}
    assert sources == {("Brady14",), ("Boyce20",)}  # not MacP04, which counts per patient


def test_a_secondary_approximate_figure_says_so():
    (figure,) = [
        c for c in compare_with_published(0, 500, event_id="pneumothorax") if c.approximate
    ]
    assert figure.evidence is Evidence.SECONDARY
    assert not figure.above_published


def test_an_event_without_published_rates_has_no_comparison():
    assert compare_with_published(1, 100, event_id="spinal_complication", knowledge=K) == ()


def test_it_refuses_an_unknown_event():
    with pytest.raises(UnknownIdError, match="bleding"):
        compare_with_published(1, 100, event_id="bleding")
