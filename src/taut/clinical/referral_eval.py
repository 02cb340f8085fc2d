"""Measure the referral engine against published cases (tests/clinical/referral_cases.json).

A case is a drawing and the muscle(s) a study found responsible. Sides are collapsed: a muscle's
rank is the position of its first suggestion among distinct muscles.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from taut.clinical.knowledge import Knowledge, load_knowledge
from taut.clinical.referral import rank_muscles

KS = (1, 3, 5)


@dataclass(frozen=True)
class Case:
    id: str
    regions: tuple[str, ...]
    expected_muscles: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Evaluation:
    cases: int
    recall: dict[int, float]  # mean share of a case's expected muscles within the top k
    hit: dict[int, float]  # share of cases with at least one expected muscle within the top k
    mrr: float  # mean reciprocal rank of the best-ranked expected muscle
    misses: tuple[str, ...]  # cases whose expected muscles are all outside the top max(KS)


def load_cases(path: Path) -> list[Case]:
    """The cases of a referral_cases.json file; an absent file means no cases."""
    if not path.exists():
        return []
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [
        Case(
            id=item["id"],
            regions=tuple(item["regions"]),
            expected_muscles=tuple(item["expected_muscles"]),
            source=item.get("source", ""),
        )
        for item in raw
    ]


def muscle_ranking(regions: Iterable[str], knowledge: Knowledge) -> list[str]:
    """Distinct muscles, best first, for one drawing."""
    everything = len(knowledge.muscles) * 2
    ranking: list[str] = []
    for suggestion in rank_muscles(regions, top=everything, knowledge=knowledge):
        if suggestion.muscle not in ranking:
            ranking.append(suggestion.muscle)
    return ranking


def evaluate(cases: Sequence[Case], knowledge: Knowledge | None = None) -> Evaluation:
    if not cases:
        raise ValueError("no cases to evaluate")
    knowledge = knowledge or load_knowledge()
    recall = dict.fromkeys(KS, 0.0)
    hit = dict.fromkeys(KS, 0.0)
    reciprocal = 0.0
    misses = []
    for case in cases:
        ranking = muscle_ranking(case.regions, knowledge)
        ranks = [ranking.index(m) + 1 for m in case.expected_muscles if m in ranking]
        for k in KS:
            within = sum(1 for rank in ranks if rank <= k)
            recall[k] += within / len(case.expected_muscles)
            hit[k] += 1.0 if within else 0.0
        reciprocal += 1 / min(ranks) if ranks else 0.0
        if not ranks or min(ranks) > max(KS):
            misses.append(case.id)
    count = len(cases)
    return Evaluation(
        cases=count,
        recall={k: value / count for k, value in recall.items()},
        hit={k: value / count for k, value in hit.items()},
        mrr=reciprocal / count,
        misses=tuple(misses),
    )
