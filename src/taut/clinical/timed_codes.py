"""Timed therapy codes: a day's minutes per service -> units per code (the 8-minute rule).

    units = timed_units({"97112": 24, "97110": 23})          # Medicare total-time method
    units.units                                               # {"97112": 2, "97110": 1}
    timed_units({"97110": 33, "97140": 7}, method=Method.PER_SERVICE).units   # {"97110": 2}

The codes, the methods and their sources live in knowledge/timed_codes.toml. The arithmetic:
a time of m minutes is worth (m + 7) // 15 units once m reaches 8 (8-22 -> 1, 23-37 -> 2, ...).
Under the total-time method that chart is read once, for the day's total of timed minutes; each
service first takes one unit per full 15 minutes, and the units left go to the services with the
largest remainders (CMS's worked examples 1-4). Under the per-service method each code reads
the chart on its own minutes. Untimed codes get one unit each and add no minutes.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import StringConstraints

from taut.clinical.cited_file import read_cited_file
from taut.clinical.knowledge import Knowledge, UnknownIdError, load_knowledge
from taut.clinical.records import Cited, Id, KnowledgeError, Text

FILE = "timed_codes.toml"
UNIT_MINUTES = 15
FIRST_UNIT_MINUTES = 8  # the mid-point of a 15-minute unit is passed at 8 minutes

ServiceCode = Annotated[str, StringConstraints(pattern=r"^(\d{5}|[A-Z]\d{4})$")]


class Method(StrEnum):
    CMS_TOTAL_TIME = "cms_total_time"
    PER_SERVICE = "per_service"


class Kind(StrEnum):
    TIMED = "timed"
    UNTIMED = "untimed"


class Category(StrEnum):
    PROCEDURE = "procedure"
    MODALITY = "modality"


class Service(Cited):
    code: ServiceCode
    name: Text
    kind: Kind
    category: Category
    payer_note: str = ""
    note: str = ""


class MethodRow(Cited):
    id: Method
    name: Text
    text: Text
    payers: Text


class CountingRule(Cited):
    id: Id
    text: Text


@dataclass(frozen=True)
class TimedCodeData:
    services: tuple[Service, ...]
    methods: tuple[MethodRow, ...]
    rules: tuple[CountingRule, ...]

    def service(self, code: str) -> Service:
        for service in self.services:
            if service.code == code:
                return service
        raise UnknownIdError("therapy code", code, [s.code for s in self.services])

    def method(self, method: Method) -> MethodRow:
        return next(row for row in self.methods if row.id is method)


def load_timed_codes(knowledge: Knowledge | None = None) -> TimedCodeData:
    """timed_codes.toml, checked (ids unique, sources known) and cached."""
    return _load(knowledge or load_knowledge())


@functools.cache
def _load(knowledge: Knowledge) -> TimedCodeData:
    tables = read_cited_file(
        FILE,
        {"service": (Service, "code"), "method": (MethodRow, "id"), "rule": (CountingRule, "id")},
        knowledge,
    )
    data = TimedCodeData(tables["service"], tables["method"], tables["rule"])
    missing = set(Method) - {row.id for row in data.methods}
    if missing:
        raise KnowledgeError(FILE, "[[method]]", f"no row for {sorted(missing)}")
    return data


# --- the arithmetic --------------------------------------------------------------------------


def units_for_minutes(minutes: int) -> int:
    """The unit chart: under 8 minutes 0; 8-22 -> 1; 23-37 -> 2; 38-52 -> 3; and so on."""
    if minutes < 0:
        raise ValueError(f"minutes cannot be negative: {minutes}")
    if minutes < FIRST_UNIT_MINUTES:
        return 0
    return (minutes + UNIT_MINUTES - FIRST_UNIT_MINUTES) // UNIT_MINUTES


@dataclass(frozen=True)
class TimedUnits:
    method: Method
    units: Mapping[str, int]  # code -> units billed, codes with no unit left out, charted order
    timed_minutes: int  # the day's total of timed minutes
    total_timed_units: int
    choice_among: tuple[str, ...] = ()  # codes tied for a last unit: the clinician may swap it
    unbilled: tuple[str, ...] = ()  # codes given but billed no unit


def timed_units(
    minutes_by_code: Mapping[str, int],
    *,
    method: Method = Method.CMS_TOTAL_TIME,
    knowledge: Knowledge | None = None,
) -> TimedUnits:
    """Units per code for one patient's day. `minutes_by_code` is in charted order; a code
    charted twice should be summed by the caller (one entry per code)."""
    data = load_timed_codes(knowledge)
    timed: dict[str, int] = {}
    untimed: list[str] = []
    for code, minutes in minutes_by_code.items():
        if minutes < 0:
            raise ValueError(f"{code}: minutes cannot be negative ({minutes})")
        service = data.service(code)
        if service.kind is Kind.UNTIMED:
            untimed.append(code)
        else:
            timed[code] = minutes
    if method is Method.PER_SERVICE:
        billed = {code: units_for_minutes(m) for code, m in timed.items()}
        choice: tuple[str, ...] = ()
    else:
        billed, choice = _total_time(timed)
    units = {code: n for code, n in billed.items() if n} | dict.fromkeys(untimed, 1)
    ordered = {code: units[code] for code in minutes_by_code if code in units}
    return TimedUnits(
        method=method,
        units=ordered,
        timed_minutes=sum(timed.values()),
        total_timed_units=sum(billed.values()),
        choice_among=choice,
        unbilled=tuple(code for code in minutes_by_code if code not in units),
    )


def _total_time(timed: Mapping[str, int]) -> tuple[dict[str, int], tuple[str, ...]]:
    total_units = units_for_minutes(sum(timed.values()))
    units = {code: minutes // UNIT_MINUTES for code, minutes in timed.items()}
    left = total_units - sum(units.values())
    # Each service can take at most one extra unit: the remainders are each under 15 minutes.
    by_remainder = sorted(timed, key=lambda code: -(timed[code] % UNIT_MINUTES))
    winners = by_remainder[:left]
    for code in winners:
        units[code] += 1
    choice: tuple[str, ...] = ()
    if winners:
        last = timed[winners[-1]] % UNIT_MINUTES
        tied = tuple(code for code in by_remainder if timed[code] % UNIT_MINUTES == last)
        if len(tied) > sum(1 for code in winners if code in tied):
            choice = tied
    return units, choice


__all__ = [
    "Method",
    "TimedCodeData",
    "TimedUnits",
    "load_timed_codes",
    "timed_units",
    "units_for_minutes",
]
