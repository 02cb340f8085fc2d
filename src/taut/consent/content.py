"""What a consent document says, assembled from the knowledge data (rates, techniques, sources).

Published rates come first with their numerators, denominators and sources. The figures of the
commonly used consent template are shown only where the clinic asks for them, and then labelled,
beside the published ones, with the brief's verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from taut.clinical.knowledge import Knowledge, load_knowledge

PRIMARY_STUDIES = ("Brady14", "Boyce20")


@dataclass(frozen=True)
class RateCell:
    numerator: int
    denominator: int
    per: str
    reported: str
    approximate: bool

    @property
    def text(self) -> str:
        share = 100 * self.numerator / self.denominator
        precision = 2 if share < 1 else 1
        prefix = "about " if self.approximate else ""
        return (
            f"{prefix}{self.numerator:,} in {self.denominator:,} {self.per} "
            f"({share:.{precision}f}%)"
        )


@dataclass(frozen=True)
class RiskRow:
    event: str
    label: str
    by_study: dict[str, RateCell | None]
    other: list[tuple[RateCell, str]]
    quoted: Any | None


def _keys(source: Any) -> tuple[str, ...]:
    return (source,) if isinstance(source, str) else tuple(source)


def _cell(rate: Any) -> RateCell:
    return RateCell(
        rate.numerator, rate.denominator, str(rate.per), rate.reported, rate.approximate
    )


def risk_rows(knowledge: Knowledge | None = None) -> list[RiskRow]:
    knowledge = knowledge or load_knowledge()
    quoted = {q.event: q for q in knowledge.quoted_figures}
    rows: dict[str, RiskRow] = {}
    for rate in knowledge.reference_rates:
        event = knowledge.adverse_event(rate.event)
        row = rows.setdefault(
            event.id,
            RiskRow(
                event.id,
                event.label,
                dict.fromkeys(PRIMARY_STUDIES),
                [],
                quoted.get(event.id),
            ),
        )
        keys = _keys(rate.source)
        study = next((k for k in keys if k in PRIMARY_STUDIES), None)
        if study is not None:
            row.by_study[study] = _cell(rate)
        else:
            row.other.append((_cell(rate), ", ".join(keys)))
    return list(rows.values())


def cited_sources(knowledge: Knowledge | None = None) -> list[Any]:
    knowledge = knowledge or load_knowledge()
    keys: list[str] = []
    for rate in knowledge.reference_rates:
        keys.extend(k for k in _keys(rate.source) if k not in keys)
    for figure in knowledge.quoted_figures:
        keys.extend(k for k in _keys(figure.source) if k not in keys)
    return [knowledge.source(k) for k in keys]


def document_context(document: Any, knowledge: Knowledge | None = None) -> dict[str, Any]:
    knowledge = knowledge or load_knowledge()
    return {
        "document": document,
        "techniques": [knowledge.technique(t) for t in document.techniques],
        "risks": risk_rows(knowledge),
        "studies": [knowledge.source(k) for k in PRIMARY_STUDIES],
        "sources": cited_sources(knowledge),
    }
