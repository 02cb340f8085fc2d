"""How a stored screening is laid out: findings grouped by level, with acknowledgements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from taut.clinical.knowledge import UnknownIdError, load_knowledge
from taut.screening.models import ScreeningRecord

LEVELS = (
    (
        "contraindicated",
        "Contraindicated — no needling",
        "These findings block all needling until they no longer apply.",
    ),
    (
        "precaution",
        "Precautions — acknowledge before needling",
        "Needling may go ahead once you have written how you will manage each one.",
    ),
    (
        "limit",
        "Limits — these regions or techniques are refused",
        "The charting screen refuses needling in these regions or with these techniques.",
    ),
)


@dataclass(frozen=True)
class FindingGroup:
    level: str
    title: str
    explanation: str
    findings: list[dict[str, Any]]


def target_names(applies_to: Any) -> list[str]:
    """The regions, techniques and sites a stored finding applies to, by name (never by id)."""
    if applies_to == "all":
        return ["all needling"]
    knowledge = load_knowledge()
    names = []
    for target in applies_to:
        try:
            names.append(knowledge.target_name(target))
        except UnknownIdError:  # the knowledge data no longer has it: say it in words
            names.append(target.replace("_", " "))
    return names


def grouped_findings(record: ScreeningRecord) -> list[FindingGroup]:
    acknowledged = {a.code: a for a in record.acknowledgements.all()}
    groups = []
    for level, title, explanation in LEVELS:
        findings = [
            {
                **f,
                "acknowledgement": acknowledged.get(f["code"]),
                "applies_to_names": target_names(f["applies_to"]),
            }
            for f in record.findings_of_level(level)
        ]
        groups.append(FindingGroup(level, title, explanation, findings))
    return groups
