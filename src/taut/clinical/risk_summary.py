"""The consent's plain-language summary of risks: the common and the serious adverse events that
adverse_events.toml marks with `consent_summary`, each in the patient's words with its published
rates as natural frequencies ("about 8 in 100 treatments").

    summary = risk_summary()
    summary.common[0].text        # "Any side effect at all, almost always mild ..."
    summary.common[0].frequency   # "from about 19 in 100 to about 37 in 100 treatments, ..."

Rates per treatment are preferred; an event measured only per visit or per person is given in
that unit. Rates of zero are left to the evidence appendix, where each figure has its source.
"""

from __future__ import annotations

from dataclasses import dataclass

from taut.clinical.education import natural_frequency
from taut.clinical.knowledge import Knowledge, load_knowledge
from taut.clinical.measures import AdverseEvent, ConsentGroup, Denominator, ReferenceRate

# Units in a patient's words, in the order the summary prefers them.
UNIT_WORDS = {
    Denominator.TREATMENTS: "treatments",
    Denominator.CONSULTATIONS: "visits",
    Denominator.PATIENTS: "people",
}


@dataclass(frozen=True)
class SummaryLine:
    event: str
    text: str  # the event in the patient's words
    frequency: str  # its published rates, as natural frequencies


@dataclass(frozen=True)
class RiskSummary:
    common: tuple[SummaryLine, ...]
    serious: tuple[SummaryLine, ...]


def risk_summary(knowledge: Knowledge | None = None) -> RiskSummary:
    knowledge = knowledge or load_knowledge()
    lines: dict[ConsentGroup, list[SummaryLine]] = {group: [] for group in ConsentGroup}
    for event in knowledge.adverse_events:
        if event.consent_summary is None:
            continue
        lines[event.consent_summary].append(_line(event, knowledge.reference_rates))
    return RiskSummary(tuple(lines[ConsentGroup.COMMON]), tuple(lines[ConsentGroup.SERIOUS]))


def summary_rates(event_id: str, rates: tuple[ReferenceRate, ...]) -> tuple[ReferenceRate, ...]:
    """The rates a summary line quotes: those above zero, in the most preferred unit."""
    seen = [r for r in rates if r.event == event_id and r.numerator > 0]
    for unit in UNIT_WORDS:
        in_unit = tuple(r for r in seen if r.per is unit)
        if in_unit:
            return in_unit
    return ()


def _line(event: AdverseEvent, rates: tuple[ReferenceRate, ...]) -> SummaryLine:
    quoted = summary_rates(event.id, rates)
    if not quoted or event.patient_text is None:  # refused by the integrity checks
        raise ValueError(f"event '{event.id}' has no patient text or no rate above zero")
    return SummaryLine(event.id, event.patient_text, frequency_words(quoted))


def frequency_words(rates: tuple[ReferenceRate, ...]) -> str:
    """One unit's rates in words: one figure, or the range the studies span."""
    unit = UNIT_WORDS[rates[0].per]
    ordered = sorted(rates, key=lambda r: r.rate)
    phrases = list(dict.fromkeys(natural_frequency(r.numerator, r.denominator) for r in ordered))
    if len(phrases) == 1:
        return f"{phrases[0]} {unit}"
    return f"from {phrases[0]} to {phrases[-1]} {unit}, depending on the study"


__all__ = ["RiskSummary", "SummaryLine", "frequency_words", "risk_summary", "summary_rates"]
