"""Findings as stored and shown: the engine's output plus the full citation of each source, and
the way back from a stored screening to the core's `Screening`.

A screening record keeps the text exactly as the clinician saw it, so a later change to the
knowledge data does not rewrite what an old screening said.
"""

from __future__ import annotations

from typing import Any

from taut.clinical.knowledge import load_knowledge
from taut.clinical.practice import Level
from taut.clinical.records import Evidence
from taut.clinical.screening import Finding, Screening
from taut.screening.models import ScreeningRecord


def _citations(keys: Any) -> list[dict[str, str]]:
    knowledge = load_knowledge()
    keys = [keys] if isinstance(keys, str) else list(keys)
    out = []
    for key in keys:
        source = knowledge.source(key)
        out.append({"key": key, "citation": source.for_clinicians, "url": source.url})
    return out


def findings_as_records(result: Any) -> list[dict[str, Any]]:
    return [{**f.to_json(), "sources": _citations(f.source)} for f in result.findings]


def finding_of(stored: dict[str, Any]) -> Finding:
    return Finding(
        code=stored["code"],
        level=Level(stored["level"]),
        message=stored["message"],
        action=stored["action"],
        source=tuple(stored["source"]),
        evidence=Evidence(stored["evidence"]),
        condition=stored["condition"],
        applies_to_all=stored["applies_to"] == "all",
        regions=tuple(stored.get("regions", ())),
        techniques=tuple(stored.get("techniques", ())),
        questions=tuple(stored.get("questions", ())),
        sites=tuple(stored.get("sites", ())),
        muscles=tuple(stored.get("muscles", ())),
        rules=tuple(stored.get("rules", ())),
    )


def screening_of(record: ScreeningRecord) -> Screening:
    """The screening as the clinician saw it (its stored findings, not a re-run)."""
    return Screening(as_of=record.as_of, findings=tuple(finding_of(f) for f in record.findings))
