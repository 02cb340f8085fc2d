"""What a consent document says, assembled from the owner's sections and the knowledge data.

The patient reads the clinic's own words, the techniques in plain language, and a summary of
the common and the serious risks with their published rates as natural frequencies. The full
evidence table follows as an appendix: every published rate with its numerator, denominator and
numbered source, and, where the clinic asks for them, the figures of the commonly used consent
template beside a plain verdict. Research notes stay in the knowledge data for clinicians.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from taut.clinical.education import NOT_PUBLICATIONS
from taut.clinical.knowledge import Knowledge, load_knowledge
from taut.clinical.records import Source
from taut.clinical.risk_summary import UNIT_WORDS, risk_summary

PRIMARY_STUDIES = ("Brady14", "Boyce20")


@dataclass(frozen=True)
class RateCell:
    numerator: int
    denominator: int
    per: str
    approximate: bool
    references: tuple[int, ...] = ()  # numbers in the appendix's list of sources
    patient_text: str = ""

    @property
    def text(self) -> str:
        share = 100 * self.numerator / self.denominator
        precision = 2 if share < 1 else 1
        prefix = "about " if self.approximate else ""
        return (
            f"{prefix}{self.numerator:,} in {self.denominator:,} {self.per} "
            f"({share:.{precision}f}%)"
        )

    @property
    def cited(self) -> str:
        return ", ".join(str(n) for n in self.references)


@dataclass(frozen=True)
class QuotedCell:
    claim: str
    verdict: str  # in the patient's words
    references: tuple[int, ...]


@dataclass(frozen=True)
class RiskRow:
    event: str
    label: str
    by_study: dict[str, RateCell | None]
    other: list[RateCell]
    quoted: QuotedCell | None


def _keys(source: Any) -> tuple[str, ...]:
    return (source,) if isinstance(source, str) else tuple(source)


def cited_sources(knowledge: Knowledge | None = None) -> list[Source]:
    """The publications behind the appendix, first cited first (its numbered list)."""
    knowledge = knowledge or load_knowledge()
    keys: list[str] = list(PRIMARY_STUDIES)
    for record in (*knowledge.reference_rates, *knowledge.quoted_figures):
        keys.extend(k for k in _keys(record.source) if k not in keys)
    return [knowledge.source(k) for k in keys if k not in NOT_PUBLICATIONS]


def _numbers(knowledge: Knowledge) -> dict[str, int]:
    return {source.key: n for n, source in enumerate(cited_sources(knowledge), start=1)}


def _refs(source: Any, numbers: dict[str, int]) -> tuple[int, ...]:
    return tuple(numbers[k] for k in _keys(source) if k in numbers)


def risk_rows(knowledge: Knowledge | None = None) -> list[RiskRow]:
    knowledge = knowledge or load_knowledge()
    numbers = _numbers(knowledge)
    quoted = {
        q.event: QuotedCell(q.claim, q.patient_text, _refs(q.source, numbers))
        for q in knowledge.quoted_figures
    }
    rows: dict[str, RiskRow] = {}
    for rate in knowledge.reference_rates:
        event = knowledge.adverse_event(rate.event)
        row = rows.setdefault(
            event.id,
            RiskRow(
                event.id, event.label, dict.fromkeys(PRIMARY_STUDIES), [], quoted.get(event.id)
            ),
        )
        cell = RateCell(
            rate.numerator,
            rate.denominator,
            UNIT_WORDS[rate.per],
            rate.approximate,
            _refs(rate.source, numbers),
            rate.patient_text or "",
        )
        study = next((k for k in _keys(rate.source) if k in PRIMARY_STUDIES), None)
        if study is not None:
            row.by_study[study] = cell
        else:
            row.other.append(cell)
    return list(rows.values())


def document_context(document: Any, knowledge: Knowledge | None = None) -> dict[str, Any]:
    knowledge = knowledge or load_knowledge()
    return {
        "document": document,
        "techniques": [knowledge.technique(t) for t in document.techniques],
        "summary": risk_summary(knowledge),
        "risks": risk_rows(knowledge),
        "studies": [knowledge.source(k) for k in PRIMARY_STUDIES],
        "sources": cited_sources(knowledge),
    }
