"""Billing: the muscles needled in a session (or on one day) -> the one CPT code, with its rules.

    result = cpt_codes(plan.entries, date_of_service=date(2026, 11, 22))
    result.codes[0].code          # "20560" for 1-2 muscles, "20561" for 3 or more
    codes_for_day([morning, afternoon])   # the day's sessions merged into one code

Muscles are counted as distinct (muscle, side) pairs among entries with at least one needle: the
left and right of a muscle are two, repeat insertions into one muscle are one. The codes, their
muscle ranges and the rules come from knowledge/billing.toml, each with its source and evidence
(the counting rule is stated for the injection codes; that it applies to dry needling is [U]).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from taut.clinical.datafile import DataFile
from taut.clinical.knowledge import Knowledge, UnknownIdError, load_knowledge
from taut.clinical.records import (
    Cited,
    Evidence,
    Id,
    KnowledgeError,
    PatientText,
    Side,
    Text,
    record_label,
)
from taut.clinical.safety import NeedlingEntry

FILE = "billing.toml"

MusclePair = tuple[str, Side]


class BillingError(ValueError):
    """Sessions that cannot be billed together, or an unknown muscle."""


# --- the data -----------------------------------------------------------------------------------


class RuleKind(StrEnum):
    COUNTING = "counting"
    CODING = "coding"
    COVERAGE = "coverage"
    DOCUMENTATION = "documentation"


class CodeRow(Cited):
    code: Annotated[str, StringConstraints(pattern=r"^\d{5}$")]
    description: Text
    min_muscles: int = Field(ge=1)
    max_muscles: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> CodeRow:
        if self.max_muscles is not None and self.max_muscles < self.min_muscles:
            raise ValueError(f"max_muscles {self.max_muscles} is below min_muscles")
        return self

    def covers(self, muscles: int) -> bool:
        return self.min_muscles <= muscles and (
            self.max_muscles is None or muscles <= self.max_muscles
        )


class BillingRule(Cited):
    id: Id
    kind: RuleKind
    text: Text  # for the clinician's billing screen and note, with the evidence marks
    patient_text: PatientText | None = None  # the rule as the superbill states it to a payer


@dataclass(frozen=True)
class BillingData:
    codes: tuple[CodeRow, ...]
    rules: tuple[BillingRule, ...]

    def code_for(self, muscles: int) -> CodeRow | None:
        return next((row for row in self.codes if row.covers(muscles)), None)

    @property
    def payer_statements(self) -> tuple[str, ...]:
        """The rules a superbill states, in the payer's words, in data order."""
        return tuple(rule.patient_text for rule in self.rules if rule.patient_text)


def load_billing(path: Path | None = None, *, knowledge: Knowledge | None = None) -> BillingData:
    """Read and check billing.toml (beside the knowledge files by default); cached."""
    knowledge = knowledge or load_knowledge()
    return _load(path or knowledge.directory / FILE, knowledge)


@functools.cache
def _load(path: Path, knowledge: Knowledge) -> BillingData:
    document = DataFile.at(path)
    data = BillingData(
        codes=document.records("code", CodeRow, "code"),
        rules=document.records("rule", BillingRule, "id"),
    )
    document.refuse_unread()
    _check_ranges(data.codes)
    known = {source.key for source in knowledge.sources}
    for table, key, records in (("code", "code", data.codes), ("rule", "id", data.rules)):
        for index, record in enumerate(records):
            for source in record.source:
                if source not in known:
                    label = record_label(table, index, getattr(record, key))
                    raise KnowledgeError(FILE, label, f"unknown source '{source}'")
    return data


def _check_ranges(codes: Sequence[CodeRow]) -> None:
    """The muscle ranges start at 1 and follow each other; only the last is open-ended."""
    expected = 1
    for index, row in enumerate(codes):
        label = record_label("code", index, row.code)
        if row.min_muscles != expected:
            raise KnowledgeError(FILE, label, f"min_muscles should be {expected} (no gap/overlap)")
        if row.max_muscles is None:
            if index != len(codes) - 1:
                raise KnowledgeError(FILE, label, "only the last code may leave max_muscles open")
            return
        expected = row.max_muscles + 1
    raise KnowledgeError(FILE, "[[code]]", "the last code must leave max_muscles open")


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Code:
    code: str
    description: str
    units: int = 1
    source: tuple[str, ...] = ()
    evidence: Evidence = Evidence.UNVERIFIED


@dataclass(frozen=True)
class BillingResult:
    date_of_service: dt.date
    codes: tuple[Code, ...]  # at most one: one code per date of service
    distinct_muscles: int
    counted: tuple[MusclePair, ...]  # the distinct (muscle, side) pairs, in charted order
    rules: tuple[BillingRule, ...]  # every rule of billing.toml, in data order

    @property
    def code(self) -> Code | None:
        return self.codes[0] if self.codes else None


def cpt_codes(
    entries_or_muscles: Iterable[NeedlingEntry | MusclePair],
    *,
    date_of_service: dt.date,
    knowledge: Knowledge | None = None,
) -> BillingResult:
    """The code of one session: entries with no needle in are not counted; a bare (muscle, side)
    pair counts as needled."""
    knowledge = knowledge or load_knowledge()
    return _result(_pairs(entries_or_muscles, knowledge), date_of_service, knowledge)


def codes_for_day(
    sessions_on_same_day: Iterable[BillingResult], *, knowledge: Knowledge | None = None
) -> BillingResult:
    """Merge the day's sessions into one code: the distinct muscles of all of them."""
    sessions = tuple(sessions_on_same_day)
    if not sessions:
        raise BillingError("codes_for_day needs at least one session")
    days = {session.date_of_service for session in sessions}
    if len(days) > 1:
        listed = ", ".join(sorted(day.isoformat() for day in days))
        raise BillingError(f"sessions of different dates of service cannot be merged: {listed}")
    pairs = tuple(dict.fromkeys(pair for session in sessions for pair in session.counted))
    return _result(pairs, sessions[0].date_of_service, knowledge or load_knowledge())


def _pairs(
    items: Iterable[NeedlingEntry | MusclePair], knowledge: Knowledge
) -> tuple[MusclePair, ...]:
    pairs: list[MusclePair] = []
    for item in items:
        if isinstance(item, NeedlingEntry):
            if item.needles_in < 1:
                continue
            muscle, side = item.muscle, item.side
        else:
            muscle, side = item[0], Side(item[1])
        try:
            knowledge.muscle(muscle)
        except UnknownIdError as error:
            raise BillingError(str(error)) from None
        pairs.append((muscle, side))
    return tuple(dict.fromkeys(pairs))


def _result(pairs: tuple[MusclePair, ...], day: dt.date, knowledge: Knowledge) -> BillingResult:
    data = load_billing(knowledge=knowledge)
    row = data.code_for(len(pairs)) if pairs else None
    codes = () if row is None else (_code(row),)
    return BillingResult(
        date_of_service=day,
        codes=codes,
        distinct_muscles=len(pairs),
        counted=pairs,
        rules=data.rules,
    )


def _code(row: CodeRow) -> Code:
    return Code(
        code=row.code,
        description=row.description,
        source=row.source,
        evidence=row.evidence,
    )


__all__ = [
    "BillingData",
    "BillingError",
    "BillingResult",
    "BillingRule",
    "Code",
    "cpt_codes",
    "codes_for_day",
    "load_billing",
]
