"""How a stored screening is laid out: findings grouped by level, with acknowledgements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


def grouped_findings(record: ScreeningRecord) -> list[FindingGroup]:
    acknowledged = {a.code: a for a in record.acknowledgements.all()}
    groups = []
    for level, title, explanation in LEVELS:
        findings = [
            {**f, "acknowledgement": acknowledged.get(f["code"])}
            for f in record.findings_of_level(level)
        ]
        groups.append(FindingGroup(level, title, explanation, findings))
    return groups
