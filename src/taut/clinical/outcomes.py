"""Outcome-instrument scoring: one completed questionnaire or rating -> a frozen Score.

    score = score_instrument("quickdash", [3] * 11)      # Score(score=50.0, ...)
    score_instrument("ndi", [2, 2, None, 2, 2, 2, 2, 2, 2, 2]).score   # 40.0

Every instrument fact (item count, response coding, scoring method, missing-item rule, scale,
direction, bands) comes from knowledge/instruments.toml; this module only knows the generic
methods of `measures.Method`. A questionnaire that cannot be scored raises ScoringError, whose
message names the item (1-based, with its label when the data has one) and the rule broken.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from taut.clinical.knowledge import Knowledge, UnknownIdError, load_knowledge
from taut.clinical.measures import Context, Instrument, InstrumentKind, Mcid, McidUnit, Method
from taut.clinical.records import Direction
from taut.clinical.wording import plural

Answer = float | int | None

# Decimal places of a derived score (the brief: one decimal for formulas and percentages). A mean
# of algometer readings keeps two, since healthy values sit within 1.6-2.0 kg/cm². `sum` and
# `single` are not rounded: whole answers stay whole.
DERIVED_PLACES = {
    Method.PERCENT_OF_ANSWERED: 1,
    Method.DASH: 1,
    Method.MEAN: 1,
    Method.MEAN_OF_READINGS: 2,
}


class ScoringError(ValueError):
    """A questionnaire that cannot be scored under its instrument's rules."""

    def __init__(self, message: str, *, instrument: str, item: int | None = None) -> None:
        self.instrument, self.item = instrument, item  # item: 1-based, None for a form-wide rule
        super().__init__(message)


@dataclass(frozen=True)
class Score:
    instrument: str  # the knowledge id, e.g. "quickdash"
    abbreviation: str
    score: float
    scale_min: float
    scale_max: float
    unit: str
    direction: Direction
    items_answered: int
    items_missing: int
    band: str | None
    method: Method
    places: int  # decimals the score is given to; 0 for a whole number
    raw_sum: float | None = None  # the item sum behind a sum, percentage or DASH score
    thresholds_met: tuple[str, ...] = ()  # labelled cut-offs the score reaches

    @property
    def value(self) -> int | float:
        """The score as it should be shown: an int when whole and not a derived score."""
        return int(self.score) if self.places == 0 and self.score.is_integer() else self.score

    def as_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "abbreviation": self.abbreviation,
            "score": self.value,
            "scale": {
                "min": _plain(self.scale_min),
                "max": _plain(self.scale_max),
                "unit": self.unit,
            },
            "direction": self.direction.value,
            "items_answered": self.items_answered,
            "items_missing": self.items_missing,
            "band": self.band,
            "method": self.method.value,
            "raw_sum": None if self.raw_sum is None else _plain(self.raw_sum),
            "thresholds_met": list(self.thresholds_met),
        }


def resolve_instrument(name: str, *, knowledge: Knowledge | None = None) -> Instrument:
    """An instrument by id or abbreviation, ignoring case and punctuation (`HIT-6`, `hit_6`)."""
    knowledge = knowledge or load_knowledge()
    wanted = _normal(name)
    for instrument in knowledge.instruments:  # ids first, so an id always wins over an alias
        if _normal(instrument.id) == wanted:
            return instrument
    for instrument in knowledge.instruments:
        if _normal(instrument.abbreviation) == wanted:
            return instrument
    raise UnknownIdError("instrument", name, [i.id for i in knowledge.instruments])


def score_instrument(
    instrument_id: str,
    answers: Sequence[Answer],
    *,
    knowledge: Knowledge | None = None,
) -> Score:
    """Score one completed form: `answers` in item order, coded as published, None = unanswered."""
    instrument = resolve_instrument(instrument_id, knowledge=knowledge)
    _check_count(instrument, answers)
    for index, answer in enumerate(answers):
        if answer is not None:
            _check_answer(instrument, index, answer)
    missing = [index for index, answer in enumerate(answers) if answer is None]
    _check_missing(instrument, missing, len(answers))
    answered = [(index, float(a)) for index, a in enumerate(answers) if a is not None]
    return _score(instrument, answered, len(missing))


def change_from_baseline(baseline: float, current: float, direction: Direction) -> float:
    """The improvement from baseline on the instrument's scale: positive = better."""
    change = current - baseline if direction is Direction.HIGHER_IS_BETTER else baseline - current
    return round(change, 6)  # 6.1 - 4.2 is 1.8999999999999995 in binary floating point


def meets_mcid(improvement: float, mcid: Mcid, *, baseline: float | None = None) -> bool:
    """Whether one person's improvement reaches an MCID (its lower value when it is a range).

    A percent-change MCID is relative to the baseline score, so it needs a non-zero baseline.
    """
    if mcid.context is not Context.WITHIN_PERSON:
        raise ValueError("a between-groups difference does not apply to one person's change")
    if mcid.unit is McidUnit.POINTS:
        return improvement >= mcid.value
    if not baseline:
        raise ValueError("a percent-change MCID needs a non-zero baseline score")
    return round(improvement / abs(baseline) * 100, 6) >= mcid.value


# --- the rules -------------------------------------------------------------------------------


def _check_count(instrument: Instrument, answers: Sequence[Answer]) -> None:
    got = len(answers)
    expected: tuple[int, int | None]
    if instrument.item_count is not None:
        expected = (instrument.item_count, instrument.item_count)
    elif instrument.scoring.method is Method.SINGLE:
        expected = (1, 1)
    else:
        expected = (instrument.min_items or 1, instrument.max_items)
    low, high = expected
    if low <= got and (high is None or got <= high):
        return
    noun = _noun(instrument)
    if low == high:
        wanted = _counted(low, noun)
    elif high is None:
        wanted = f"at least {_counted(low, noun)}"
    else:
        wanted = f"{low}-{high} {noun}"
    raise ScoringError(
        f"{instrument.abbreviation} expects {wanted}, got {got}", instrument=instrument.id
    )


def _check_answer(instrument: Instrument, index: int, answer: float | int) -> None:
    where = _item_name(instrument, index)

    def refuse(reason: str) -> ScoringError:
        return ScoringError(f"{where}: {reason}", instrument=instrument.id, item=index + 1)

    if isinstance(answer, bool) or not isinstance(answer, int | float):
        raise refuse(f"{answer!r} is not a number")
    if not math.isfinite(answer):
        raise refuse(f"{answer} is not a number")
    shown = _plain(answer)
    allowed = instrument.item_values(index)
    if allowed is not None:
        if answer not in allowed:
            choices = ", ".join(str(value) for value in allowed)
            raise refuse(f"{shown} is not one of the item's response points ({choices})")
        return
    if instrument.response_min is not None and instrument.response_max is not None:
        low, high = instrument.response_min, instrument.response_max
    else:  # a measurement without a response coding: any reading on the instrument's scale
        low, high = instrument.min, instrument.max
    span = f"{_plain(low)}-{_plain(high)}"
    if not low <= answer <= high:
        raise refuse(f"{shown} is outside {span}")
    # Questionnaire and rating responses are coded categories; only measurements are continuous.
    if instrument.kind is not InstrumentKind.MEASUREMENT and not float(answer).is_integer():
        raise refuse(f"{shown} is not a whole number (responses are coded {span})")


def _check_missing(instrument: Instrument, missing: list[int], total: int) -> None:
    if not missing:
        return
    name, allowed, noun = instrument.abbreviation, instrument.scoring.max_missing, _noun(instrument)
    numbers = ", ".join(str(index + 1) for index in missing)
    listed = f"{_counted(len(missing), noun)} missing ({_counted(len(missing), noun, numbers)})"
    first = missing[0] + 1
    if len(missing) > allowed:
        limit = "allows none" if allowed == 0 else f"allows at most {allowed}"
        raise ScoringError(
            f"{name}: {listed}; the {name} rule {limit}", instrument=instrument.id, item=first
        )
    if len(missing) == total:
        raise ScoringError(f"{name}: no {noun} answered", instrument=instrument.id, item=first)
    if instrument.scoring.method is Method.SUM:
        # A plain sum of fewer items would understate the score; the data gives no proration.
        raise ScoringError(
            f"{name}: {listed}; a summed score has no rule for unanswered items",
            instrument=instrument.id,
            item=first,
        )


def _score(instrument: Instrument, answered: list[tuple[int, float]], missing: int) -> Score:
    method = instrument.scoring.method
    values = [value for _, value in answered]
    total = math.fsum(values)
    raw_sum: float | None = None
    if method in {Method.SUM, Method.SINGLE}:
        score = total
        raw_sum = total if method is Method.SUM else None
    elif method is Method.PERCENT_OF_ANSWERED:
        # sum / (highest score of each answered item) x 100: NDI and ODI's sum / (5 x answered)
        possible = math.fsum(_item_max(instrument, index) for index, _ in answered)
        score, raw_sum = total / possible * 100, total
    elif method is Method.DASH:
        score, raw_sum = (total / len(values) - 1) * 25, total
    else:  # MEAN, MEAN_OF_READINGS
        score = total / len(values)
    places = DERIVED_PLACES.get(method, 0 if float(score).is_integer() else _places(values))
    score = _round(score, places)
    if not instrument.min <= score <= instrument.max:  # only a data error can get here
        raise ScoringError(
            f"{instrument.abbreviation}: computed score {score} is outside the scale "
            f"{_plain(instrument.min)}-{_plain(instrument.max)}; check instruments.toml",
            instrument=instrument.id,
        )
    return Score(
        instrument=instrument.id,
        abbreviation=instrument.abbreviation,
        score=score,
        scale_min=instrument.min,
        scale_max=instrument.max,
        unit=instrument.unit,
        direction=instrument.direction,
        items_answered=len(values),
        items_missing=missing,
        band=_band(instrument, score),
        method=method,
        places=places,
        raw_sum=raw_sum,
        thresholds_met=_thresholds_met(instrument, score),
    )


def _band(instrument: Instrument, score: float) -> str | None:
    for band in instrument.bands:
        if band.min <= score <= band.max:
            return band.label
    return None


def _thresholds_met(instrument: Instrument, score: float) -> tuple[str, ...]:
    better = instrument.direction is Direction.HIGHER_IS_BETTER
    return tuple(
        t.label for t in instrument.thresholds if (score >= t.value if better else score <= t.value)
    )


# --- small helpers ---------------------------------------------------------------------------


def _item_max(instrument: Instrument, index: int) -> float:
    allowed = instrument.item_values(index)
    if allowed is not None:
        return max(allowed)
    if instrument.response_max is None:
        raise ScoringError(
            f"{instrument.abbreviation}: a percentage needs each item's highest score; "
            "instruments.toml gives none",
            instrument=instrument.id,
        )
    return instrument.response_max


def _item_name(instrument: Instrument, index: int) -> str:
    noun = _noun(instrument).removesuffix("s")
    if instrument.items:
        return f'{noun} {index + 1} "{instrument.items[index].label}"'
    return f"{noun} {index + 1}"


def _noun(instrument: Instrument) -> str:
    return "readings" if instrument.scoring.method is Method.MEAN_OF_READINGS else "items"


def _counted(count: int, noun: str, label: str | None = None) -> str:
    """`1 item`, `4 items`; with a label, `item 3` or `items 2, 5`."""
    word = plural(count, noun.removesuffix("s"))
    return f"{count} {word}" if label is None else f"{word} {label}"


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _round(value: float, places: int) -> float:
    """Half away from zero, as clinicians round by hand (Python's round() goes to even)."""
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def _places(values: list[float]) -> int:
    """Decimals of the most precise input (a single 45.5-degree reading stays 45.5)."""
    places = 0
    for value in values:
        exponent = Decimal(repr(value)).normalize().as_tuple().exponent
        if isinstance(exponent, int):
            places = max(places, -exponent)
    return places


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
