"""Adverse-event rates: a clinic's own count, its Wilson interval and the published rates.

    wilson_interval(5, 10)                   # Interval(low=0.2366..., high=0.7634...)
    per_thousand(12, 400).rate_per_1000      # 30.0
    compare_with_published(40, 500, event_id="bleeding")   # one Comparison per published rate

The Wilson score interval keeps sensible bounds for small counts and for zero events, where the
plain "p +/- z x standard error" interval collapses to a width of zero. A clinic's rate is only
flagged as above a published one when the whole interval lies above it (its lower bound exceeds
the published rate): a high point estimate from a few treatments is not a finding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from taut.clinical.knowledge import Knowledge, load_knowledge
from taut.clinical.measures import Denominator
from taut.clinical.records import Evidence

# A clinic counts events per needling session; published rates per treatment or per consultation
# count the same unit. Rates per patient (over months of care) are not comparable, so they are left
# out of compare_with_published.
COMPARABLE = (Denominator.TREATMENTS, Denominator.CONSULTATIONS)


@dataclass(frozen=True)
class Interval:
    low: float  # proportions, 0-1
    high: float


@dataclass(frozen=True)
class RateEstimate:
    rate_per_1000: float
    low_per_1000: float
    high_per_1000: float
    events: int
    trials: int
    confidence: float = 0.95


@dataclass(frozen=True)
class Comparison:
    reference: str  # the reference-rate id in the knowledge data, e.g. "brady14_bleeding"
    event: str
    source: tuple[str, ...]
    evidence: Evidence
    per: Denominator
    published_events: int
    published_trials: int
    published_per_1000: float
    clinic: RateEstimate
    above_published: bool  # the clinic's lower bound exceeds the published rate
    approximate: bool = False  # the published figure is itself a rounded or quoted one


def wilson_interval(events: int, trials: int, *, confidence: float = 0.95) -> Interval:
    """The Wilson score interval of a proportion `events / trials`."""
    _check_counts(events, trials)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    p = events / trials
    z2n = z * z / trials
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * (1 - p) / trials + z2n / (4 * trials))
    # The bounds are exact at the edges; the clamps only absorb floating-point rounding.
    low = 0.0 if events == 0 else max(0.0, min(p, centre - half))
    high = 1.0 if events == trials else min(1.0, max(p, centre + half))
    return Interval(low, high)


def per_thousand(events: int, trials: int, *, confidence: float = 0.95) -> RateEstimate:
    """The rate and its Wilson interval per 1,000 treatments."""
    interval = wilson_interval(events, trials, confidence=confidence)
    return RateEstimate(
        rate_per_1000=events / trials * 1000,
        low_per_1000=interval.low * 1000,
        high_per_1000=interval.high * 1000,
        events=events,
        trials=trials,
        confidence=confidence,
    )


def compare_with_published(
    events: int,
    trials: int,
    *,
    event_id: str,
    knowledge: Knowledge | None = None,
    confidence: float = 0.95,
) -> tuple[Comparison, ...]:
    """The clinic's rate of one event (per treatment) against each comparable published rate.

    Empty when the knowledge data has no published rate per treatment or consultation for it.
    """
    knowledge = knowledge or load_knowledge()
    event = knowledge.adverse_event(event_id)  # an unknown id raises, listing close ids
    clinic = per_thousand(events, trials, confidence=confidence)
    low = wilson_interval(events, trials, confidence=confidence).low
    return tuple(
        Comparison(
            reference=rate.id,
            event=event.id,
            source=tuple(rate.source),
            evidence=rate.evidence,
            per=rate.per,
            published_events=rate.numerator,
            published_trials=rate.denominator,
            published_per_1000=rate.rate * 1000,
            clinic=clinic,
            above_published=low > rate.rate,
            approximate=rate.approximate,
        )
        for rate in knowledge.reference_rates
        if rate.event == event.id and rate.per in COMPARABLE
    )


def _check_counts(events: int, trials: int) -> None:
    for name, value in (("events", events), ("trials", trials)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} must be a whole number, got {value!r}")
    if trials <= 0:
        raise ValueError(f"trials must be positive, got {trials}")
    if not 0 <= events <= trials:
        raise ValueError(f"events must be between 0 and trials ({trials}), got {events}")
